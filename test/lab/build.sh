#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the real-Xen lab: a Debian 12 (bookworm) dom0 root with Xen 4.17 and
# the bookworm-security kernel, the Xen ELF, a busybox dom0 initrd, a busybox
# domU initrd with the fixture capture tools, and an ext4 image of the root.
#
# usage: build.sh [OUTDIR]        (default: $LAB_OUT)
#   stages: LAB_STAGES="root images" (default both); the root stage is
#   skipped when OUTDIR/root/.lab-root-done exists (rm it to rebuild).
# env: LAB_MIRROR, LAB_SECURITY_MIRROR, LAB_SUITE (default bookworm),
#      LAB_IMAGE_SIZE (default 4G).
#
# Needs (host): debootstrap busybox-static cpio e2fsprogs gcc (static libc).

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${LAB_OUT:-}}
[ -n "$OUT" ] || { echo "usage: $0 OUTDIR (or set LAB_OUT)" >&2; exit 2; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
ROOT=$OUT/root
IMG=$OUT/img
SUITE=${LAB_SUITE:-bookworm}
MIRROR=${LAB_MIRROR:-http://deb.debian.org/debian}
SECMIRROR=${LAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
STAGES=${LAB_STAGES:-root images}
IMAGE_SIZE=${LAB_IMAGE_SIZE:-4G}

# Packages installed into the dom0 root (the domU kernel is the same kernel).
ROOT_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
	xenstore-utils libxenstore4 linux-image-amd64 busybox kmod iproute2
	procps e2fsprogs util-linux qemu-system-xen"

log() { printf '%s build: %s\n' "$(date +%T)" "$*" >&2; }

chroot_mounts_up() {
	mount -t proc proc "$ROOT/proc"
	mount --bind /dev "$ROOT/dev"
	mount -t sysfs sysfs "$ROOT/sys"
}

chroot_mounts_down() {
	for m in sys dev proc; do
		if mountpoint -q "$ROOT/$m"; then umount -l "$ROOT/$m"; fi
	done
}

stage_root() {
	if [ -e "$ROOT/.lab-root-done" ]; then
		log "root exists, skipping (rm $ROOT/.lab-root-done to rebuild)"
		return 0
	fi
	log "debootstrap $SUITE from $MIRROR"
	rm -rf "$ROOT"
	debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR"
	cat > "$ROOT/etc/apt/sources.list" <<SRC
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECMIRROR $SUITE-security main
SRC
	# No daemons may start inside the chroot.
	printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
	chmod 755 "$ROOT/usr/sbin/policy-rc.d"
	trap chroot_mounts_down EXIT
	chroot_mounts_up
	log "installing packages in the chroot"
	chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
		apt-get update
	# shellcheck disable=SC2086
	chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $ROOT_PKGS
	# shellcheck disable=SC2016 # dpkg-query format, not shell
	chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' \
		> "$OUT/root-packages.txt"
	chroot "$ROOT" apt-get clean
	chroot_mounts_down
	trap - EXIT
	touch "$ROOT/.lab-root-done"
	log "root done"
}

# Print the ordered .ko paths (relative to /lib/modules/KVER) that load MODULE...
# and their dependencies, as modprobe would; built-in modules are skipped.
mods_for() {
	for m in "$@"; do
		chroot "$ROOT" modprobe -S "$KVER" --show-depends "$m" ||
			echo "build: warning: no module $m" >&2
	done | awk -v pre="/lib/modules/$KVER/" '
		$1 == "insmod" { p = $2; sub(pre, "", p); if (!seen[p]++) print p }'
}

# stage_modules DIR MODULE...: copy modules flat into DIR/lib/modules and
# write DIR/etc/modules.list in load order.
stage_modules() {
	dir=$1
	shift
	mkdir -p "$dir/lib/modules" "$dir/etc"
	: > "$dir/etc/modules.list"
	for p in $(mods_for "$@"); do
		b=${p##*/}
		case $b in
		*.ko.xz) xz -dc "$ROOT/lib/modules/$KVER/$p" > \
			"$dir/lib/modules/${b%.xz}"; b=${b%.xz} ;;
		*.ko.zst) zstd -qdc "$ROOT/lib/modules/$KVER/$p" > \
			"$dir/lib/modules/${b%.zst}"; b=${b%.zst} ;;
		*) cp "$ROOT/lib/modules/$KVER/$p" "$dir/lib/modules/$b" ;;
		esac
		echo "$b" >> "$dir/etc/modules.list"
	done
}

# stage_busybox DIR: static busybox from the host with all applet links.
stage_busybox() {
	mkdir -p "$1/bin" "$1/sbin" "$1/proc" "$1/sys" "$1/dev" "$1/tmp" \
		"$1/run" "$1/etc"
	cp "$BUSYBOX" "$1/bin/busybox"
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"
	done
}

# stage_dynbin DIR DEST PATH...: copy binaries from the root to DIR/DEST with
# the shared libraries they need (as ldd in the root reports them).
stage_dynbin() {
	dir=$1
	dest=$2
	shift 2
	mkdir -p "$dir/$dest"
	for b in "$@"; do
		rm -f "$dir/$dest/${b##*/}"
		cp -L "$ROOT$b" "$dir/$dest/${b##*/}"
		chroot "$ROOT" ldd "$b" | awk '
			$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }'
	done | sort -u | while read -r lib; do
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$ROOT$lib" "$dir$lib"
	done
}

mk_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) |
		gzip -9 > "$2"
}

stage_images() {
	[ -e "$ROOT/.lab-root-done" ] || { echo "build: no root" >&2; exit 1; }
	BUSYBOX=${LAB_BUSYBOX:-/bin/busybox}
	"$BUSYBOX" --list | grep -qx cttyhack ||
		{ echo "build: $BUSYBOX is not busybox-static" >&2; exit 1; }
	KVER=$(find "$ROOT/lib/modules" -mindepth 1 -maxdepth 1 -type d \
		-printf '%f\n' | sort -V | tail -1)
	mkdir -p "$IMG"
	log "kernel $KVER"
	zcat "$ROOT"/boot/xen-*-amd64.gz > "$IMG/xen"
	cp "$ROOT/boot/vmlinuz-$KVER" "$IMG/vmlinuz"
	echo "$KVER" > "$IMG/kernel-release"
	work=$(mktemp -d "$OUT/initrd.XXXXXX")

	log "dom0 initrd"
	stage_busybox "$work/dom0"
	stage_modules "$work/dom0" virtio_pci virtio_blk crc32c_generic ext4
	install -m 755 "$HERE/dom0-initrd-init" "$work/dom0/init"
	mk_cpio "$work/dom0" "$IMG/dom0-initrd.gz"

	log "domU initrd"
	stage_busybox "$work/domu"
	stage_modules "$work/domu" xen-blkfront xenfs xen-privcmd xen-evtchn \
		xen-gntdev xen-gntalloc
	stage_dynbin "$work/domu" bin /sbin/mkswap /usr/bin/xenstore-read \
		/usr/bin/xenstore-write /usr/bin/xenstore-ls \
		/usr/bin/xenstore-list /usr/bin/xenstore-exists
	${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -static \
		-o "$work/domu/bin/kmsg-dump" "$HERE/kmsg-dump.c"
	mkdir -p "$work/domu/lab"
	install -m 755 "$HERE/capture.sh" "$work/domu/lab/capture.sh"
	install -m 755 "$HERE/domu-init" "$work/domu/init"
	mk_cpio "$work/domu" "$IMG/domu-initrd.gz"
	rm -rf "$work"

	log "dom0 root image"
	mkdir -p "$ROOT/lab"
	install -m 755 "$HERE/dom0-init" "$ROOT/lab/dom0-init"
	cp "$IMG/vmlinuz" "$ROOT/lab/vmlinuz"
	cp "$IMG/domu-initrd.gz" "$ROOT/lab/domu-initrd.gz"
	for c in "$HERE"/domu-*.cfg; do
		cp "$c" "$ROOT/lab/"
	done
	rm -f "$IMG/dom0.ext4"
	mke2fs -q -t ext4 -L lab-dom0 -d "$ROOT" "$IMG/dom0.ext4" "$IMAGE_SIZE"
	# shellcheck disable=SC2016 # dpkg-query format, not shell
	chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' \
		> "$OUT/root-packages.txt"
	ls -l "$IMG" >&2
	log "images done"
}

for s in $STAGES; do
	case $s in
	root) stage_root ;;
	images) stage_images ;;
	*) echo "unknown stage $s" >&2; exit 2 ;;
	esac
done
