#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The guest side of the hibernation matrix (run by /init for lab.hib=MODE).
#
# usage: hib.sh MODE [ACT]
#   MODE with     xen-handover is the integration: `xen-handover gate` runs
#                 first, before anything touches the swap disk (the kernel
#                 command line carries xen_handover.resume=, not resume=);
#                 a fresh boot records (`xen-handover record`) at boot and
#                 again with --state hibernating right before hibernating.
#   MODE without  as initramfs-tools does: an image on the resume device is
#                 resumed by writing its device number to /sys/power/resume.
#   ACT (lab.act=, what a boot that finds no image does):
#     hibernate   (default) mkswap + swapon the swap disk, hibernate; the
#                 same process continues after a resume and checks event
#                 delivery with a xenstore watch round-trip;
#     check       run `xen-handover check` and stop (PV guests);
#     setup       run `xen-handover setup` (the guest has no GRUB: it names
#                 the extra= line dom0 must use), then hibernate.
#   lab.probe=record on the command line: after the gate refused, run
#   `xen-handover record` as a daemon starting in that boot would.
#   lab.kexec=file: the gate's repair loads the kernel with
#   kexec_file_load (kexec -s) instead of kexec_load.
#   lab.hibdelay=N: wait N seconds before hibernating (an image made
#   later in its domain's life than the resume kernel's boot: s12).
#   lab.resumedelay=N: wait N seconds before the gate or the resume
#   (a resume boot older than the image's domain was: s13).
#   lab.minage=N: a boot that finds an image waits until its uptime is N
#   seconds before the gate or the resume (default 10 on PVH, 45 on HVM,
#   later than the lab's images are made): a resume into a younger
#   domain can break the clock (RESULTS.md), which only the clock set
#   (s12, lab.minage=0) is about.
#
# Markers on the console (the expect driver waits for them), one a line:
#   LAB-BOOT ...             facts of this boot kernel
#   LAB-GATE rc= outcome= verdict=   the gate's exit code and decision
#   LAB-ADVICE <cmdline>     the command line the gate says will resume
#   LAB-SIG <signature>      the swap header's signature (bytes 4086..4095)
#   LAB-RESUME-TRY           (without) writing /sys/power/resume
#   LAB-RESUME-RETURNED      (without) the write returned: no resume
#   LAB-FRESH                no image: this boot prepares a new one
#   LAB-RECORD rc=           xen-handover record at boot
#   LAB-HIBERNATING          about to write disk to /sys/power/state
#   LAB-RESUMED rc=          the write returned: resumed (or failed)
#   LAB-XS-OK / LAB-XS-FAIL  xenstore watch round-trip after the resume
# Nothing here touches the swap disk after a resume: upstream blkfront does
# not recover from a PM resume into a new domain (references/lab.md 6).

PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
MODE=${1:?usage: hib.sh MODE [ACT]}
ACT=${2:-hibernate}
SWAP=/dev/xvda
XH=/usr/sbin/xen-handover

read -r CMDLINE < /proc/cmdline
probe=
gateargs=
hibdelay=0
resumedelay=0
minage=
for w in $CMDLINE; do
	case $w in
	lab.minage=*) minage=${w#lab.minage=} ;;
	lab.resumedelay=*) resumedelay=${w#lab.resumedelay=} ;;
	lab.hibdelay=*) hibdelay=${w#lab.hibdelay=} ;;
	lab.probe=*) probe=${w#lab.probe=} ;;
	# kexec_file_load instead of kexec_load for a repair
	lab.kexec=file) gateargs="--kexec /lab/kexec-file" ;;
	esac
done

mark() { echo "LAB-$*"; }

wait_dev() {
	i=0
	while [ ! -b "$1" ]; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
}

# The header's signature, read from the device (not a stale page cache).
sig() {
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$SWAP" bs=4096 count=1 2>/dev/null | tail -c 10 | tr -d '\000'
}

# json_get KEY FILE: a top-level string of the gate's pretty JSON.
json_get() {
	sed -n "s/^  \"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" "$2" | head -n 1
}

pm_log() {
	dmesg | grep -E 'PM: |hibernation|Image mismatch|resume' | tail -n 12 |
		sed 's/^/LAB-PMLOG /'
}

# Event delivery after a resume, step by step: each needs working event
# channels (xenbus requests, replies and watch events are signalled through
# them) and none needs a timer, so a clock broken by the resume (seen on
# real Xen: stale pvclock data in a new domain) does not decide it; the
# timers are checked last, on their own.
xs_roundtrip() {
	domid=$(xenstore-read domid 2>/dev/null)
	mark "XS-READ rc=$? domid=$domid"
	token=lab-$$-$(cut -d' ' -f1 /proc/uptime)
	xenstore-write data/lab-ping "$token"
	wr=$?
	got=$(xenstore-read data/lab-ping 2>/dev/null)
	mark "XS-WRITE rc=$wr readback=$got"
	# The watch fires once when set and once per change: -n 2 returns
	# after the write that follows.  Its output comes through a FIFO so
	# that the write waits, blocked, for the watch to be set: no polling,
	# which a guest without timer ticks would never preempt.
	rm -f /tmp/xsw
	mkfifo /tmp/xsw
	xenstore-watch -n 2 data/lab-ping > /tmp/xsw 2>&1 &
	wpid=$!
	exec 3< /tmp/xsw
	read -r ev1 <&3
	xenstore-write data/lab-ping "$token-2"
	read -r ev2 <&3
	exec 3<&-
	wait "$wpid"
	ww=$?
	mark "XS-WATCH rc=$ww events=$ev1,$ev2"
	if [ -n "$domid" ] && [ $wr -eq 0 ] && [ "$got" = "$token" ] &&
	    [ $ww -eq 0 ] && [ "$ev2" = data/lab-ping ]; then
		mark "XS-OK domid=$domid"
	else
		mark "XS-FAIL domid=$domid write=$wr readback=$got watch=$ww"
	fi
}

# Do timers fire?  A stuck clock stops here (the driver notices).
timers() {
	a=$(cut -d' ' -f1 /proc/uptime)
	usleep 200000
	mark "TIMERS ok uptime=$a..$(cut -d' ' -f1 /proc/uptime)"
}

wait_dev "$SWAP" || { mark "ERROR no $SWAP"; exit 3; }
devnum=$(cat "/sys/class/block/${SWAP##*/}/dev")
evtchn=$(dmesg | sed -n 's/.*xen:events: Using \([^ ]*\) ABI.*/\1/p' |
	tail -n 1)
text=$(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms)
mark "BOOT mode=$MODE act=$ACT kernel=$(uname -r) evtchn=$evtchn" \
	"text=$text vcpus=$(cat /sys/devices/system/cpu/possible)" \
	"mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)" \
	"guest_type=$(cat /sys/hypervisor/guest_type 2>/dev/null)"

# The firmware memory map as this kernel got it (the image's must match).
mm=
for d in /sys/firmware/memmap/*; do
	mm="$mm $(cat "$d/start")-$(cat "$d/end"):$(tr ' ' _ < "$d/type")"
done
mark "MEMMAP$mm"

if [ -z "$minage" ]; then
	case $(cat /sys/hypervisor/guest_type 2>/dev/null) in
	HVM) minage=45 ;;
	*) minage=10 ;;
	esac
fi
up=$(cut -d. -f1 /proc/uptime)
if [ "$minage" -gt "$up" ] 2>/dev/null && [ "$(sig)" = S1SUSPEND ]; then
	mark "MINAGE $minage uptime=$up"
	sleep $((minage - up))
fi

if [ "$resumedelay" -gt 0 ] 2>/dev/null; then
	mark "RESUMEDELAY $resumedelay uptime=$(cut -d' ' -f1 /proc/uptime)"
	sleep "$resumedelay"
fi

if [ "$MODE" = with ]; then
	if [ ! -x "$XH" ]; then
		mark "GATE rc=127 outcome=missing verdict=none"
		exit 127
	fi
	# The gate decides before anything else touches the swap disk.  Its
	# message goes to the console (stderr), its event to the JSON file.
	# shellcheck disable=SC2086
	"$XH" gate --json $gateargs > /tmp/gate.json
	rc=$?
	outcome=$(json_get outcome /tmp/gate.json)
	mark "GATE rc=$rc outcome=$outcome verdict=$(json_get verdict \
		/tmp/gate.json)"
	case $outcome in
	no-image | no-device) ;;
	refuse)
		adv=$(json_get cmdline /tmp/gate.json)
		[ -z "$adv" ] || mark "ADVICE $adv"
		mark "SIG $(sig)"
		if [ "$probe" = record ]; then
			# What a daemon recording at start would do now.
			"$XH" record
			mark "PROBE-RECORD rc=$?"
			"$XH" show-slots "$SWAP"
			mark "SIG $(sig)"
		fi
		exit 1
		;;
	*)
		mark "SIG $(sig)"
		pm_log
		exit 1
		;;
	esac
else
	s=$(sig)
	if [ "$s" = S1SUSPEND ]; then
		mark "RESUME-TRY device=$devnum"
		# The kernel resumes inside this write, or returns.
		echo "$devnum" > /sys/power/resume
		rc=$?
		mark "RESUME-RETURNED rc=$rc"
		mark "SIG $(sig)"
		pm_log
		exit 1
	fi
fi

# No image: a fresh boot.
mark "FRESH sig=$(sig)"
mkswap "$SWAP" > /dev/null || { mark "ERROR mkswap"; exit 4; }
if [ "$MODE" = with ]; then
	# The record at boot, before the area is active: Linux refuses
	# writes to an active swap device (-ETXTBSY; /sys/power/resume does
	# not lift that, only the uswsusp snapshot device does).
	"$XH" record
	mark "RECORD rc=$?"
fi
# As initramfs-tools or systemd would configure it (no image: nothing
# resumes); hibernation writes the image there.
echo "$devnum" > /sys/power/resume
swapon "$SWAP" || { mark "ERROR swapon"; exit 4; }

case $ACT in
check)
	"$XH" check
	mark "CHECK rc=$?"
	# No systemd, no logind and no daemon run in this guest: nothing
	# takes a block inhibitor (the daemon's job on a real system).
	mark "INHIBITOR none (no logind, no daemon in this initramfs guest)"
	exit 0
	;;
setup)
	"$XH" setup --json > /tmp/setup.json
	rc=$?
	cat /tmp/setup.json
	extra=$(json_get xl_extra /tmp/setup.json)
	mark "SETUP rc=$rc extra=$extra"
	;;
esac

if [ "$MODE" = with ]; then
	# No logind here: the pre-sleep record is taken by hand.  The area
	# is active now, so the kernel may refuse the write (see above); the
	# record from boot stands for this kernel either way.
	"$XH" record --state hibernating
	mark "RECORD-HIBERNATING rc=$?"
	"$XH" show-slots "$SWAP"
fi
if [ "$hibdelay" -gt 0 ] 2>/dev/null; then
	mark "HIBDELAY $hibdelay"
	sleep "$hibdelay"
fi
mark "HIBERNATING uptime=$(cut -d' ' -f1 /proc/uptime)"
echo disk > /sys/power/state
rc=$?
# Only after a resume (or a failed hibernation) does this run.
mark "RESUMED rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
xs_roundtrip
timers
exit 0
