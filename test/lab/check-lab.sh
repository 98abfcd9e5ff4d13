#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check-lab`: the hibernation scenario matrix on real Xen under QEMU
# TCG (test/lab/README.md).  Installs the host tools it lacks (apt-get),
# builds this tree's xen-handover statically, builds the lab (debootstrap
# root with Xen 4.17 and the Debian kernels, initramfs images: build.sh),
# boots Xen once and runs the scenarios (matrix.exp).  Prints one
# "LAB <scenario> <outcome> <seconds>" line per scenario and ends with
# "N passed, N failed"; exit status 0 when nothing failed.
#
# env: LAB_DIR        where everything big goes (default: build/lab in the
#                     source tree, or /var/tmp/xen-handover-lab when that
#                     is not writable); reused between runs
#      LAB_SCENARIOS  "default" (scenarios 1-8, 10, 11), "smoke"
#                     (scenarios 1 and 2), "ci" (smoke and the "with"
#                     half of 3-8, 10, 11), "clock" (12, 13), "hvm" (the
#                     HVM ones), "all" (all of them), or scenario names
#                     (see matrix.exp)
#      LAB_RUN_TIMEOUT  seconds for the whole run (default: 3600, all:
#                     9000); a stuck run is killed and fails
#      LAB_NO_INSTALL=1  do not apt-get install missing host tools
#      top_srcdir, top_builddir  (set by make)
#      and those of build.sh and matrix.exp (LAB_VERBOSE=1, ...).
# Needs root (debootstrap, chroot, mke2fs -d of a root-owned tree).

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "${top_srcdir:-$HERE/../..}" && pwd)

log() { printf '%s check-lab: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "$*"; exit 1; }

if [ -z "${LAB_DIR:-}" ]; then
	if mkdir -p "$SRC/build/lab" 2>/dev/null && [ -w "$SRC/build/lab" ]; then
		LAB_DIR=$SRC/build/lab
	else
		LAB_DIR=/var/tmp/xen-handover-lab
	fi
fi
mkdir -p "$LAB_DIR"
LAB_DIR=$(cd "$LAB_DIR" && pwd)

SMOKE="s1-without s1-with s2-without s2-with"
DEFAULT="s1-without s1-with s2-without s2-with s3-without s4-with s5-with
	s6-with s3-with s4-without s5-without s6-without s7-without s7-with
	s8 s10-without s10-with s11"
# CI (README.md "CI"): the smoke set, then every scenario's half that
# runs this tree's code; the upstream baselines of 3-7 and 10 (hangs of
# 100 s each) stay in the default set.
CI="$SMOKE s4-with s5-with s6-with s3-with s7-with s8 s10-with s11"
# The clock after a resume into a younger domain (RESULTS.md).
CLOCK="s12-without s12-with s13-without"
HVM="s1h-without s9-without s9-with s9r-with s9f-with s7h-without
	s7h-with"
case ${LAB_SCENARIOS:-default} in
default) scen=$DEFAULT; tmo=3600 ;;
smoke) scen=$SMOKE; tmo=2400 ;;
ci) scen=$CI; tmo=2400 ;;
all) scen="$DEFAULT $CLOCK $HVM"; tmo=9000 ;;
clock) scen=$CLOCK; tmo=1800 ;;
hvm) scen=$HVM; tmo=3600 ;;
*) scen=$LAB_SCENARIOS; tmo=7200 ;;
esac
tmo=${LAB_RUN_TIMEOUT:-$tmo}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mke2fs -d)"

# --- host tools -------------------------------------------------------
need=
have() { command -v "$1" >/dev/null 2>&1; }
have qemu-system-x86_64 || need="$need qemu-system-x86"
have qemu-img || need="$need qemu-utils"
have debootstrap || need="$need debootstrap"
have cpio || need="$need cpio"
have mke2fs || need="$need e2fsprogs"
have expect || need="$need expect"
have gcc || need="$need gcc"
have readelf || need="$need binutils"
have xz || need="$need xz-utils"
have zstd || need="$need zstd"
have timeout || need="$need coreutils"
[ -e /usr/lib/x86_64-linux-gnu/libc.a ] || need="$need libc6-dev"
if ! /bin/busybox --list 2>/dev/null | grep -qx cttyhack; then
	need="$need busybox-static"
fi
if [ -n "$need" ]; then
	[ "${LAB_NO_INSTALL:-0}" = 1 ] && die "missing host packages:$need"
	log "installing host packages:$need"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $need >&2 ||
	{ DEBIAN_FRONTEND=noninteractive apt-get update >&2 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y \
		--no-install-recommends $need >&2; } ||
	die "cannot install:$need"
fi

# --- this tree's xen-handover, linked statically ------------------------
# Its own build directory, so that the lab tests exactly this tree and
# never depends on how the caller configured theirs (sanitizers, ...).
t_build=$(date +%s)
XB=$LAB_DIR/xh-build
if [ -e "$SRC/config.status" ]; then
	# The source tree is configured in place: no VPATH build from it.
	log "source tree configured in place: copying it with make distdir"
	rm -rf "$LAB_DIR/xh-src"
	make -C "$SRC" -s distdir distdir="$LAB_DIR/xh-src" >&2
	XS=$LAB_DIR/xh-src
else
	XS=$SRC
	[ -x "$XS/configure" ] || (cd "$XS" && autoreconf -fi >&2)
fi
mkdir -p "$XB"
if [ ! -e "$XB/Makefile" ] || [ "$XS/configure" -nt "$XB/Makefile" ]; then
	(cd "$XB" && "$XS/configure" -q --prefix=/usr --sysconfdir=/etc \
		CFLAGS="-O2 -g" >&2) || die "configure failed (see $XB/config.log)"
fi
rm -f "$XB/daemon/xen-handover"
make -C "$XB" -s daemon/xen-handover LDFLAGS=-static >&2 ||
	die "cannot build a static xen-handover"
XH=$XB/daemon/xen-handover
log "built $("$XH" --version) (static) in $(( $(date +%s) - t_build )) s"

# --- the lab images ---------------------------------------------------
t_img=$(date +%s)
LAB_XH_BIN=$XH "$HERE/build.sh" "$LAB_DIR" > "$LAB_DIR/build.log" 2>&1 || {
	tail -n 40 "$LAB_DIR/build.log" >&2
	die "build.sh failed (log: $LAB_DIR/build.log)"
}
log "lab images ready in $(( $(date +%s) - t_img )) s ($LAB_DIR/img)"

# --- the run ------------------------------------------------------------
RUN=$LAB_DIR/run-matrix
rm -rf "$RUN"
mkdir -p "$RUN"
truncate -s 1G "$RUN/swap.img"
truncate -s 64M "$RUN/capture.img"

cleanup() {
	# QEMU, if expect left it behind (killed by the run timeout).
	if [ -s "$RUN/qemu.pid" ]; then
		pid=$(cat "$RUN/qemu.pid")
		if [ -r "/proc/$pid/cmdline" ] &&
		    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q qemu-system; then
			kill "$pid" 2>/dev/null || true
		fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "scenarios:" $scen
log "console: $RUN/console.log, details: $RUN/details"
t_run=$(date +%s)
rc=0
# shellcheck disable=SC2086
timeout -k 30 "$tmo" expect -f "$HERE/matrix.exp" "$LAB_DIR/img" "$RUN" \
	$scen || rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	# The scenarios done so far count; the one running is the failure.
	echo "LAB run timeout $tmo"
	awk '$1 != "TOTAL" { if ($2 ~ /^unexpected-/) f++; else if \
		($2 != "skipped") p++ }
		END { printf "%d passed, %d failed\n", p, f + 1 }' \
		"$RUN/results" 2>/dev/null || echo "0 passed, 1 failed"
	exit 1
fi
log "run took $(( $(date +%s) - t_run )) s; total $(( $(date +%s) - t_build )) s"
exit $rc
