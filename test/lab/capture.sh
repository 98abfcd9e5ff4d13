#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Capture a fixture tree of what this guest shows (procfs, sysfs, /dev/kmsg,
# the swap header) and write it as a tar archive to the capture disk.
#
# usage: capture.sh SLOT
#   The archive goes to $LAB_CAPTURE_DEV (default /dev/xvdb) at offset
#   SLOT * 4 MiB; the host reads it back from the disk image.
#   The swap disk ($LAB_SWAP_DEV, default /dev/xvda) is formatted with
#   mkswap, registered in /sys/power/resume as initramfs-tools would, and
#   activated before the capture.

set -u
slot=${1:?usage: capture.sh SLOT}
CAP=${LAB_CAPTURE_DEV:-/dev/xvdb}
SWAP=${LAB_SWAP_DEV:-/dev/xvda}
F=/tmp/fixture
SLOT_MB=4

err() { echo "capture: $*" >&2; }

wait_dev() {
	i=0
	while [ ! -b "$1" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && { err "$1 did not appear"; return 1; }
		sleep 0.1
	done
}

# copy FILE... into the fixture keeping the path; report unreadable files
cp_tree() {
	for f in "$@"; do
		[ -e "$f" ] || continue
		mkdir -p "$F$(dirname "$f")"
		if ! cat "$f" > "$F$f" 2>/dev/null; then
			rm -f "$F$f"
			echo "$f" >> "$F.unreadable"
		fi
	done
}

wait_dev "$SWAP" || exit 3
wait_dev "$CAP" || exit 3

# A swap area like a real guest's: formatted, named as the resume device
# (what initramfs-tools' resume script and systemd-hibernate-resume do),
# and active.
mkswap "$SWAP" >/dev/null || { err "mkswap failed"; exit 4; }
swapdev=$(cat "/sys/class/block/${SWAP##*/}/dev")
echo "$swapdev" > /sys/power/resume 2>/dev/null ||
	err "writing $swapdev to /sys/power/resume failed"
swapon "$SWAP" || err "swapon failed"

grep -q ' /sys/kernel/security ' /proc/mounts ||
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null

rm -rf "$F" "$F.unreadable"
mkdir -p "$F"

cp_tree /proc/cmdline /proc/sys/kernel/osrelease \
	/proc/sys/kernel/random/boot_id /proc/sys/kernel/kexec_load_disabled \
	/proc/meminfo /proc/interrupts /proc/swaps \
	/sys/kernel/notes /sys/kernel/kexec_loaded \
	/sys/kernel/security/lockdown \
	/sys/devices/system/cpu/possible \
	/sys/power/state /sys/power/disk /sys/power/resume \
	/sys/power/resume_offset
# shellcheck disable=SC2046
cp_tree $(find /sys/hypervisor -type f 2>/dev/null | sort)
for d in /sys/firmware/memmap/*; do
	cp_tree "$d/start" "$d/end" "$d/type"
done

mkdir -p "$F/proc"
awk '$3 == "_text" || $3 == "_stext" ||
	$3 ~ /xen_syscore|xenbus_dev_suspend|xenbus_dev_resume|xen_irq_resume|gnttab_resume/' \
	/proc/kallsyms > "$F/proc/kallsyms"

mkdir -p "$F/dev/block"
dd if="$SWAP" of="$F/dev/xvda" bs=4096 count=1 2>/dev/null
swapdevname=${SWAP##*/}
ln -s "../$swapdevname" "$F/dev/block/$swapdev"

# Last, so that the log has everything above.
kmsg-dump > "$F/dev/kmsg" || err "kmsg-dump failed"

if [ -s "$F.unreadable" ]; then
	mkdir -p "$F/.lab"
	cp "$F.unreadable" "$F/.lab/unreadable"
fi

tar -C "$F" -cf /tmp/fixture.tar . || { err "tar failed"; exit 5; }
size=$(wc -c < /tmp/fixture.tar)
if [ "$size" -gt $((SLOT_MB * 1024 * 1024)) ]; then
	err "archive too big: $size"
	exit 5
fi
dd if=/tmp/fixture.tar of="$CAP" bs=1M seek=$((slot * SLOT_MB)) \
	conv=fsync 2>/dev/null || { err "writing $CAP failed"; exit 6; }
echo "capture: slot $slot: $size bytes"
exit 0
