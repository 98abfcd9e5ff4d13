#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run lab scenarios in one Xen boot and collect the fixture captures.
#
# usage: run.sh OUTDIR [SCENARIO...]      (OUTDIR as given to build.sh)
#   Scenarios (default: pvh-fifo pvh-2l pv):
#     dom0       boot Xen and dom0 only
#     pvh-fifo   PVH guest, default kernel command line (FIFO event channels)
#     pvh-2l     PVH guest with xen.fifo_events=0 (2-level event channels)
#     pv         PV guest
#     hvm        HVM guest (about 3.5 minutes to boot under TCG)
#   Prints "LAB <scenario> <outcome> <seconds>" per scenario; exit status 0
#   when all were ok.  Each captured tree is unpacked into
#   OUTDIR/run/fixtures/deb12-<KREL>-<scenario>; with LAB_FIXTURES=DIR it is
#   also copied to DIR/deb12-<KREL>-<scenario> (replacing it).
# env: see run.exp (LAB_VERBOSE=1 shows the console).

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${LAB_OUT:-}}
[ -n "$OUT" ] || { echo "usage: $0 OUTDIR [SCENARIO...]" >&2; exit 2; }
[ $# -gt 0 ] && shift
OUT=$(cd "$OUT" && pwd)
IMG=$OUT/img
RUN=$OUT/run
[ $# -gt 0 ] || set -- pvh-fifo pvh-2l pv
SLOT_MB=4

for f in xen vmlinuz dom0-initrd.gz dom0.ext4; do
	[ -e "$IMG/$f" ] || { echo "run: $IMG/$f missing: run build.sh" >&2; exit 2; }
done

# scenario -> "TYPE|EXTRA"
scenario_def() {
	case $1 in
	dom0) echo "dom0|" ;;
	pvh-fifo) echo "pvh|" ;;
	pvh-2l) echo "pvh|xen.fifo_events=0" ;;
	pv) echo "pv|" ;;
	hvm) echo "hvm|" ;;
	*) return 1 ;;
	esac
}

rm -rf "$RUN"
mkdir -p "$RUN/fixtures"
truncate -s 1G "$RUN/swap.img"
truncate -s 64M "$RUN/capture.img"

args=
slot=0
for s in "$@"; do
	def=$(scenario_def "$s") || { echo "run: unknown scenario $s" >&2; exit 2; }
	if [ "$s" = dom0 ]; then
		args="$args dom0|dom0|0|"
		continue
	fi
	slot=$((slot + 1))
	echo "$s $slot" >> "$RUN/slots"
	args="$args $s|${def%%|*}|$slot|${def#*|}"
done

rc=0
# shellcheck disable=SC2086
expect -f "$HERE/run.exp" "$IMG" "$RUN" $args > "$RUN/expect.out" || rc=$?
[ -e "$RUN/results" ] || { cat "$RUN/expect.out"; exit 1; }

# "6.1.0-56-amd64" -> "6.1"
krel=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' "$IMG/kernel-release" 2>/dev/null)
krel=${krel:-unknown}
while read -r name outcome secs; do
	if [ "$name" != dom0 ] && [ "$outcome" = ok ]; then
		s=$(awk -v n="$name" '$1 == n { print $2 }' "$RUN/slots")
		dst=$RUN/fixtures/deb12-$krel-$name
		mkdir -p "$dst"
		if dd if="$RUN/capture.img" bs=1M skip=$((s * SLOT_MB)) \
		    count=$SLOT_MB 2>/dev/null | tar -x -C "$dst" &&
		    [ -s "$dst/dev/kmsg" ]; then
			if [ -n "${LAB_FIXTURES:-}" ]; then
				rm -rf "${LAB_FIXTURES:?}/deb12-$krel-$name"
				cp -a "$dst" "$LAB_FIXTURES/"
			fi
		else
			outcome=fail-extract
			rc=1
		fi
	fi
	echo "LAB $name $outcome $secs"
done < "$RUN/results"
exit $rc
