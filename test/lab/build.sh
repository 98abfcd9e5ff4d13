#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the real-Xen lab: a Debian 12 (bookworm) dom0 root with Xen 4.17 and
# the bookworm-security kernel, a second 6.1 kernel build (bookworm main) for
# the "kernel changed" scenario, the Xen ELF, a busybox dom0 initrd, a busybox
# domU initrd with the fixture capture tools, the hibernation scenario script
# and this tree's xen-handover, and an ext4 image of the root.
#
# usage: build.sh [OUTDIR]        (default: $LAB_OUT)
#   stages: LAB_STAGES="root kernelb images" (default all three); the root
#   stage is skipped when OUTDIR/root/.lab-root-done exists (rm it to
#   rebuild; packages added to ROOT_PKGS since are installed into it), the
#   kernelb stage when OUTDIR/kernel-b/.done exists.
# env: LAB_MIRROR, LAB_SECURITY_MIRROR, LAB_SUITE (default bookworm),
#      LAB_IMAGE_SIZE (default 4G),
#      LAB_XH_BIN: a statically linked xen-handover to put into the domU
#        initrd as /usr/sbin/xen-handover (check-lab.sh builds it from this
#        tree); without it the "with" scenarios cannot run,
#      LAB_KERNEL_B: the second kernel's linux-image package, "auto" (the
#        default: the one the other linux-image-amd64 version in the
#        archive depends on) or "none".
#
# Needs (host): debootstrap busybox-static cpio e2fsprogs gcc (static libc)
#   xz-utils binutils (readelf: the embedded kernel's build-id).

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
STAGES=${LAB_STAGES:-root kernelb images}
KB=$OUT/kernel-b
IMAGE_SIZE=${LAB_IMAGE_SIZE:-4G}

# Packages installed into the dom0 root (the domU kernel is the same kernel).
ROOT_PKGS="xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common
	xenstore-utils libxenstore4 linux-image-amd64 busybox kmod iproute2
	procps e2fsprogs util-linux qemu-system-xen kexec-tools"

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

# Packages of ROOT_PKGS not installed in an existing root (added since).
missing_pkgs() {
	for p in $ROOT_PKGS; do
		# shellcheck disable=SC2016 # dpkg-query format, not shell
		st=$(chroot "$ROOT" dpkg-query -W -f '${Status}' "$p" \
			2>/dev/null) || st=
		case $st in
		*" installed") ;;
		*) echo "$p" ;;
		esac
	done
}

stage_root() {
	if [ -e "$ROOT/.lab-root-done" ]; then
		missing=$(missing_pkgs)
		if [ -z "$missing" ]; then
			log "root exists, skipping (rm $ROOT/.lab-root-done" \
				"to rebuild)"
			return 0
		fi
		log "root exists; installing what it lacks:" $missing
		trap chroot_mounts_down EXIT
		chroot_mounts_up
		# shellcheck disable=SC2086
		chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $missing ||
		{ chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
			apt-get update &&
		  chroot "$ROOT" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $missing; }
		chroot "$ROOT" apt-get clean
		chroot_mounts_down
		trap - EXIT
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

# stage_modules DIR KVER TREE MODULE...: copy the modules of kernel KVER
# from TREE/lib/modules/KVER flat into DIR/lib/modules/KVER and write
# DIR/lib/modules/KVER/modules.list in load order.  The load order and the
# paths come from the root's kernel ($KVER); another build of the same
# Debian kernel config has the same paths.
stage_modules() {
	dir=$1
	kv=$2
	tree=$3
	shift 3
	md=$dir/lib/modules/$kv
	mkdir -p "$md"
	: > "$md/modules.list"
	for p in $(mods_for "$@"); do
		b=${p##*/}
		src=$tree/lib/modules/$kv/$p
		if [ ! -e "$src" ]; then
			echo "build: warning: $kv has no $p" >&2
			continue
		fi
		case $b in
		*.ko.xz) xz -dc "$src" > "$md/${b%.xz}"; b=${b%.xz} ;;
		*.ko.zst) zstd -qdc "$src" > "$md/${b%.zst}"; b=${b%.zst} ;;
		*) cp "$src" "$md/$b" ;;
		esac
		echo "$b" >> "$md/modules.list"
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

# vmlinuz_build_id FILE: the GNU build-id of the vmlinux inside a bzImage
# (xz payload, as Debian builds it), in lower-case hex.
vmlinuz_build_id() {
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 |
		cut -d: -f1)
	[ -n "$off" ] || return 1
	tmp=$(mktemp "$OUT/vmlinux.XXXXXX")
	tail -c +$((off + 1)) "$1" | xz -dc --single-stream > "$tmp" \
		2>/dev/null
	readelf -n "$tmp" 2>/dev/null |
		awk '$1 == "Build" && $2 == "ID:" { print $3; exit }' |
		grep -x '[0-9a-f]\{2,128\}'
	st=$?
	rm -f "$tmp"
	return $st
}

# The second kernel build: the linux-image package that the *other*
# linux-image-amd64 version in the archive (bookworm main when the root
# runs bookworm-security's) depends on, unpacked into OUTDIR/kernel-b.
stage_kernelb() {
	want=${LAB_KERNEL_B:-auto}
	if [ "$want" = none ]; then
		log "kernel B: none (LAB_KERNEL_B=none)"
		return 0
	fi
	if [ -e "$KB/.done" ]; then
		log "kernel B exists ($(cat "$KB/kernel-release")), skipping"
		return 0
	fi
	[ -e "$ROOT/.lab-root-done" ] || { echo "build: no root" >&2; exit 1; }
	# shellcheck disable=SC2016 # dpkg-query format, not shell
	inst=$(chroot "$ROOT" dpkg-query -W -f '${Version}' linux-image-amd64)
	if [ "$want" = auto ]; then
		ver=$(chroot "$ROOT" apt-cache madison linux-image-amd64 |
			awk -F'|' -v i="$inst" '{ gsub(/ /, "", $2) }
				$2 != i { print $2; exit }')
		if [ -z "$ver" ]; then
			log "kernel B: the archive has no other linux-image-amd64" \
				"than $inst; the kernel-build scenario will be skipped"
			return 0
		fi
		want=$(chroot "$ROOT" apt-cache show "linux-image-amd64=$ver" |
			sed -n 's/^Depends: \(linux-image-[^ ,]*\).*/\1/p' |
			head -n 1)
	fi
	[ -n "$want" ] || { echo "build: no kernel B package" >&2; exit 1; }
	log "kernel B: downloading $want"
	rm -rf "$KB"
	mkdir -p "$KB"
	rm -f "$ROOT"/tmp/linux-image-*.deb
	chroot "$ROOT" sh -c "cd /tmp && apt-get download $want" ||
		{ chroot "$ROOT" apt-get update &&
		  chroot "$ROOT" sh -c "cd /tmp && apt-get download $want"; }
	mv "$ROOT"/tmp/"$want"_*.deb "$KB/"
	dpkg-deb -x "$KB"/"$want"_*.deb "$KB/tree"
	echo "${want#linux-image-}" > "$KB/kernel-release"
	[ -e "$KB/tree/boot/vmlinuz-$(cat "$KB/kernel-release")" ] ||
		{ echo "build: $want has no vmlinuz" >&2; exit 1; }
	touch "$KB/.done"
	log "kernel B: $(cat "$KB/kernel-release") in $KB"
}

DOMU_MODS="xen-blkfront xenfs xen-privcmd xen-evtchn xen-gntdev xen-gntalloc"

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
	rm -f "$IMG/vmlinuz-b" "$IMG/kernel-release-b"
	KVER_B=
	if [ -e "$KB/.done" ]; then
		KVER_B=$(cat "$KB/kernel-release")
		cp "$KB/tree/boot/vmlinuz-$KVER_B" "$IMG/vmlinuz-b"
		echo "$KVER_B" > "$IMG/kernel-release-b"
		log "kernel B $KVER_B"
	fi
	work=$(mktemp -d "$OUT/initrd.XXXXXX")

	log "dom0 initrd"
	stage_busybox "$work/dom0"
	stage_modules "$work/dom0" "$KVER" "$ROOT" virtio_pci virtio_blk \
		crc32c_generic ext4
	install -m 755 "$HERE/dom0-initrd-init" "$work/dom0/init"
	mk_cpio "$work/dom0" "$IMG/dom0-initrd.gz"

	log "domU initrd"
	stage_busybox "$work/domu"
	# shellcheck disable=SC2086
	stage_modules "$work/domu" "$KVER" "$ROOT" $DOMU_MODS
	if [ -n "$KVER_B" ]; then
		# shellcheck disable=SC2086
		stage_modules "$work/domu" "$KVER_B" "$KB/tree" $DOMU_MODS
	fi
	stage_dynbin "$work/domu" bin /sbin/mkswap /usr/bin/xenstore-read \
		/usr/bin/xenstore-write /usr/bin/xenstore-ls \
		/usr/bin/xenstore-list /usr/bin/xenstore-exists \
		/usr/bin/xenstore-watch /usr/bin/xenstore-rm
	# glibc loads libgcc_s at run time to cancel threads (libxenstore's
	# watch thread when xenstore-watch exits): ldd does not list it.
	mkdir -p "$work/domu/lib/x86_64-linux-gnu"
	cp -L "$ROOT/lib/x86_64-linux-gnu/libgcc_s.so.1" \
		"$work/domu/lib/x86_64-linux-gnu/"
	# kexec for the gate's repair path (HVM), where the gate looks for it
	stage_dynbin "$work/domu" usr/sbin /usr/sbin/kexec
	# The image's kernel for a repair, as the project's initramfs hooks
	# embed it (hooks/README.md): vmlinuz and its build-id.
	kd=$work/domu/usr/lib/xen-handover/kernel/$KVER
	mkdir -p "$kd"
	cp "$IMG/vmlinuz" "$kd/vmlinuz"
	vmlinuz_build_id "$IMG/vmlinuz" > "$kd/build-id" ||
		{ echo "build: no build-id in $IMG/vmlinuz" >&2; exit 1; }
	cp "$kd/build-id" "$IMG/build-id"
	log "embedded kernel $KVER, build-id $(cat "$kd/build-id")"
	if [ -n "${LAB_XH_BIN:-}" ]; then
		if readelf -l "$LAB_XH_BIN" 2>/dev/null | grep -q INTERP; then
			echo "build: $LAB_XH_BIN is dynamically linked: the" \
				"domU has no libraries for it" >&2
			exit 1
		fi
		install -D -m 755 "$LAB_XH_BIN" \
			"$work/domu/usr/sbin/xen-handover"
		"$LAB_XH_BIN" --version > "$IMG/xen-handover-version"
		log "xen-handover: $LAB_XH_BIN"
	else
		log "warning: no LAB_XH_BIN: the domU has no xen-handover"
		rm -f "$IMG/xen-handover-version"
	fi
	${CC:-cc} -std=gnu11 -O2 -Wall -Wextra -static \
		-o "$work/domu/bin/kmsg-dump" "$HERE/kmsg-dump.c"
	mkdir -p "$work/domu/lab"
	install -m 755 "$HERE/capture.sh" "$work/domu/lab/capture.sh"
	install -m 755 "$HERE/hib.sh" "$work/domu/lab/hib.sh"
	# kexec with kexec_file_load (-s): the kernel builds the next boot's
	# memory map itself (hib.sh: lab.kexec=file)
	printf '#!/bin/sh\n[ "$1" = -l ] && exec /usr/sbin/kexec -s "$@"\nexec /usr/sbin/kexec "$@"\n' \
		> "$work/domu/lab/kexec-file"
	chmod 755 "$work/domu/lab/kexec-file"
	install -m 755 "$HERE/domu-init" "$work/domu/init"
	mk_cpio "$work/domu" "$IMG/domu-initrd.gz"
	rm -rf "$work"

	log "dom0 root image"
	rm -rf "$ROOT/lab"
	mkdir -p "$ROOT/lab"
	install -m 755 "$HERE/dom0-init" "$ROOT/lab/dom0-init"
	cp "$IMG/vmlinuz" "$ROOT/lab/vmlinuz"
	[ -z "$KVER_B" ] || cp "$IMG/vmlinuz-b" "$ROOT/lab/vmlinuz-b"
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
	kernelb) stage_kernelb ;;
	images) stage_images ;;
	*) echo "unknown stage $s" >&2; exit 2 ;;
	esac
done
