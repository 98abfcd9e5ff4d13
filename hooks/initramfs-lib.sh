# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=dash
#
# Build-time helpers shared by the initramfs integrations (dracut,
# initramfs-tools, mkinitcpio): where xen-handover's files are, what the
# configuration asks for, and the kernel to embed for the repair path.
# Sourced (POSIX sh plus `local`), so every name starts with xh_/XH_.
# See hooks/README.md.
#
# XEN_HANDOVER_ROOT (default: empty, i.e. /) is the tree xen-handover is
# installed in; the tests point it at a DESTDIR. The kernel (/boot,
# /sys/kernel/notes, uname -r) and kexec always come from the host.

XH_ROOT=${XEN_HANDOVER_ROOT:-}
XH_CONFDIR=$XH_ROOT/etc/xen-handover
# Fixed paths inside the initramfs: the unit and the gate rely on them.
# shellcheck disable=SC2034 # used by the integrations
{
	XH_INITRD_BIN=/usr/sbin/xen-handover
	XH_INITRD_KEXEC=/usr/sbin/kexec
	XH_INITRD_CONFDIR=/etc/xen-handover
	XH_INITRD_KERNELDIR=/usr/lib/xen-handover/kernel
	XH_UNIT=xen-handover-gate.service
}

xh_msg() {
	echo "xen-handover: $*" >&2
}

# xh_first_file PATH...: print the first PATH that is a regular file.
xh_first_file() {
	local xh_f

	for xh_f in "$@"; do
		if [ -f "$xh_f" ]; then
			echo "$xh_f"
			return 0
		fi
	done
	return 1
}

# Installed files, as `make install` lays them out (prefix /usr, or
# /usr/local).
xh_find_bin() {
	xh_first_file "$XH_ROOT/usr/sbin/xen-handover" \
	    "$XH_ROOT/usr/local/sbin/xen-handover" "$XH_ROOT/sbin/xen-handover"
}

xh_find_unit() {
	xh_first_file "$XH_ROOT/usr/lib/systemd/system/$XH_UNIT" \
	    "$XH_ROOT/lib/systemd/system/$XH_UNIT" \
	    "$XH_ROOT/usr/local/lib/systemd/system/$XH_UNIT"
}

# kexec-tools is a system package: looked up on the host, not under ROOT.
xh_find_kexec() {
	xh_first_file /usr/sbin/kexec /sbin/kexec /usr/bin/kexec \
	    /usr/local/sbin/kexec
}

# xh_conf_files: the configuration files present, relative to XH_CONFDIR,
# in the order the programs read them: xen-handover.conf, its drop-ins in
# byte order (as conf_load() sorts them), gate.conf.
xh_conf_files() {
	[ -f "$XH_CONFDIR/xen-handover.conf" ] && echo xen-handover.conf
	if [ -d "$XH_CONFDIR/xen-handover.conf.d" ]; then
		(cd "$XH_CONFDIR/xen-handover.conf.d" &&
		    find . -maxdepth 1 -type f -name '*.conf' ! -name '.*' |
		    LC_ALL=C sort | sed 's|^\./|xen-handover.conf.d/|')
	fi
	[ -f "$XH_CONFDIR/gate.conf" ] && echo gate.conf
	return 0
}

# xh_install_conf STAGEDIR: copy the configuration into the initramfs
# staging directory, keeping the layout under /etc/xen-handover.
xh_install_conf() {
	local xh_f

	xh_conf_files | while read -r xh_f; do
		mkdir -p "$(dirname "$1$XH_INITRD_CONFDIR/$xh_f")" &&
		    cp -p "$XH_CONFDIR/$xh_f" "$1$XH_INITRD_CONFDIR/$xh_f" ||
		    return 1
	done
}

# xh_embed_kernel_wanted: true unless "embed-kernel = no" (or false, off,
# 0) is the last setting in xen-handover.conf and its drop-ins. Keys and
# values as conf.c reads them: '-' and '_' equal, case ignored.
xh_embed_kernel_wanted() {
	local xh_v

	xh_v=$(xh_conf_files | while read -r xh_f; do
		[ "$xh_f" = gate.conf ] || cat "$XH_CONFDIR/$xh_f"
		echo
	done | awk '
	{
		line = $0
		sub(/^[[:space:]]+/, "", line)
		if (line ~ /^#/ || (i = index(line, "=")) == 0)
			next
		k = tolower(substr(line, 1, i - 1))
		v = tolower(substr(line, i + 1))
		gsub(/_/, "-", k)
		sub(/[[:space:]]+$/, "", k)
		sub(/^[[:space:]]+/, "", v)
		sub(/[[:space:]]+$/, "", v)
		if (k == "embed-kernel")
			val = v
	}
	END { print val }')
	case $xh_v in
	"" | yes | true | on | 1)
		return 0 ;;
	no | false | off | 0)
		return 1 ;;
	esac
	xh_msg "embed-kernel = $xh_v: expected yes or no; embedding the kernel"
	return 0
}

# xh_notes_build_id FILE: print the GNU build-id (ELF note type 3, name
# "GNU") of FILE, a sequence of ELF notes as /sys/kernel/notes is, in
# lower-case hex. Notes are in the kernel's byte order: little-endian is
# tried first, then big-endian. Fails on a missing or truncated note.
xh_notes_build_id() {
	[ -r "$1" ] || return 1
	od -A n -t u1 -v "$1" | awk '
	function u32(o) {
		if (be)
			return ((b[o] * 256 + b[o + 1]) * 256 + b[o + 2]) * 256 \
			    + b[o + 3]
		return ((b[o + 3] * 256 + b[o + 2]) * 256 + b[o + 1]) * 256 \
		    + b[o]
	}
	function pad4(x) {
		return int((x + 3) / 4) * 4
	}
	function find(o, nsz, dsz, name, desc, i, s) {
		for (o = 0; o + 12 <= n; o = desc + pad4(dsz)) {
			nsz = u32(o)
			dsz = u32(o + 4)
			name = o + 12
			desc = name + pad4(nsz)
			if (desc + dsz > n)
				return ""
			if (u32(o + 8) != 3 || nsz != 4 || b[name] != 71 ||
			    b[name + 1] != 78 || b[name + 2] != 85 ||
			    b[name + 3] != 0)
				continue
			if (dsz == 0 || dsz > 64)
				return ""
			s = ""
			for (i = 0; i < dsz; i++)
				s = s sprintf("%02x", b[desc + i])
			return s
		}
		return ""
	}
	{
		for (i = 1; i <= NF; i++)
			b[n++] = $i + 0
	}
	END {
		be = 0
		s = find()
		if (s == "") {
			be = 1
			s = find()
		}
		if (s == "")
			exit 1
		print s
	}'
}

# xh_kernel_plan VERSION: should the kernel VERSION be embedded for the
# repair path? Its build-id is known only when VERSION is the running
# kernel (/sys/kernel/notes) and its image has not been replaced since
# boot (a package update that keeps the release string). On success sets
# XH_KERNEL_SRC and XH_KERNEL_BUILD_ID; otherwise says why and fails.
xh_kernel_plan() {
	local xh_run xh_btime xh_mtime

	XH_KERNEL_SRC=
	XH_KERNEL_BUILD_ID=
	if ! xh_embed_kernel_wanted; then
		xh_msg "embed-kernel = no: not embedding kernel $1"
		return 1
	fi
	xh_run=$(uname -r)
	if [ "$1" != "$xh_run" ]; then
		xh_msg "not embedding kernel $1: its build-id is known only" \
		    "while it runs (running: $xh_run); rebuild the initramfs" \
		    "after booting $1 to embed it"
		return 1
	fi
	if ! XH_KERNEL_SRC=$(xh_first_file "/boot/vmlinuz-$1" \
	    "/usr/lib/modules/$1/vmlinuz" "/lib/modules/$1/vmlinuz"); then
		xh_msg "not embedding kernel $1: no /boot/vmlinuz-$1"
		return 1
	fi
	xh_btime=$(awk '$1 == "btime" { print $2 }' /proc/stat 2>/dev/null)
	xh_mtime=$(stat -L -c %Y "$XH_KERNEL_SRC" 2>/dev/null)
	if [ -n "$xh_btime" ] && [ -n "$xh_mtime" ] &&
	    [ "$xh_mtime" -gt "$xh_btime" ]; then
		xh_msg "not embedding kernel $1: $XH_KERNEL_SRC changed" \
		    "after boot, so it may not be the running build"
		XH_KERNEL_SRC=
		return 1
	fi
	if ! XH_KERNEL_BUILD_ID=$(xh_notes_build_id /sys/kernel/notes); then
		xh_msg "not embedding kernel $1: no build-id in" \
		    "/sys/kernel/notes"
		XH_KERNEL_SRC=
		return 1
	fi
}

# xh_install_kernel STAGEDIR VERSION: after xh_kernel_plan, copy the image
# and write its build-id sidecar (lower-case hex, one line).
xh_install_kernel() {
	local xh_d="$1$XH_INITRD_KERNELDIR/$2"

	mkdir -p "$xh_d" &&
	    cp "$XH_KERNEL_SRC" "$xh_d/vmlinuz" &&
	    echo "$XH_KERNEL_BUILD_ID" >"$xh_d/build-id"
}
