#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmarks of xen-handoverd on the test stand-ins (a private
# dbus-daemon, test/logind-double, test/xsd) over a fixture root whose
# swap area is a 1 GiB file in $TMPDIR:
#   - RSS after start (VmRSS, and its anonymous and file parts);
#   - pre-sleep latency: PrepareForSleep(true) emitted -> the delay lock's
#     fd closed, as the logind stand-in sees it, p50/p90/p99/max over
#     CYCLES cycles (each cycle writes the record with fdatasync and
#     publishes it in one xenstore transaction);
#   - wake-ups while idle: context switches of all the daemon's threads
#     over IDLE seconds, per minute (watchdog off, then at 60 s).
# Usage: bench/guestd.sh  (from the build directory, or set
# top_builddir/top_srcdir); CYCLES=500 IDLE=60 by default.
set -eu

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=.}"
CYCLES=${CYCLES:-500}
IDLE=${IDLE:-60}
GD="$top_builddir/daemon/xen-handoverd"
LD="$top_builddir/test/logind-double"
XSD="$top_builddir/test/xsd"
for f in "$GD" "$LD" "$XSD"; do
	[ -x "$f" ] || { echo "build $f first (make bench-guestd)"; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xh-bench.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:path=$TMP/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/> <allow own="*"/>
    <allow send_type="method_call"/> <allow send_type="signal"/>
    <allow send_type="method_return"/> <allow send_type="error"/>
    <allow receive_type="method_call"/> <allow receive_type="signal"/>
    <allow receive_type="method_return"/> <allow receive_type="error"/>
  </policy>
</busconfig>
CONF
BUS="unix:path=$TMP/bus"
waitfor() {
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "timed out: $*"; exit 1; }
		sleep 0.1
	done
}

dbus-daemon --config-file="$TMP/bus.conf" --nofork --nopidfile \
	>"$TMP/dbus.log" 2>&1 &
pids="$pids $!"
waitfor test -S "$TMP/bus"
"$LD" --bus "$BUS" --ready "$TMP/ld.ready" --notify "$TMP/notify" \
	--notify-log "$TMP/notify.log" >"$TMP/ld.log" 2>&1 &
pids="$pids $!"
waitfor test -f "$TMP/ld.ready"
"$XSD" --socket "$TMP/xs.sock" --domid 5 --pidfile "$TMP/xs.pid" \
	>"$TMP/xsd.log" 2>&1 &
pids="$pids $!"
waitfor test -f "$TMP/xs.pid"

ROOT="$TMP/root"
cp -a "$top_srcdir/test/fixtures/deb12-6.1-pvh-2l" "$ROOT"
truncate -s 1G "$ROOT/dev/xvda"
mkdir -p "$ROOT/etc/xen-handover"
echo "xen-pm-restore = yes" >"$ROOT/etc/xen-handover/xen-handover.conf"

start_gd() {
	: >"$TMP/notify.log"
	env NOTIFY_SOCKET="$TMP/notify" XENSTORED_PATH="$TMP/xs.sock" "$@" \
		"$GD" --root "$ROOT" --bus "$BUS" >"$TMP/gd.log" 2>&1 &
	gd=$!
	pids="$pids $gd"
	waitfor grep -q '^READY=1$' "$TMP/notify.log"
}
stop_gd() {
	kill "$gd"
	wait "$gd" 2>/dev/null || true
}
call() {
	busctl --address="$BUS" --timeout=60 call org.freedesktop.login1 \
		/org/freedesktop/login1 org.xenhandover.LogindDouble "$@"
}
ctxsw() {
	cat /proc/"$gd"/task/*/status 2>/dev/null |
		awk '/ctxt_switches/ { n += $2 } END { print n + 0 }'
}

echo "xen-handoverd benchmark ($(uname -r), $(nproc) CPUs, swap file on" \
	"$(stat -f -c %T "$TMP"))"

start_gd
sleep 1
awk '/^(VmRSS|RssAnon|RssFile|RssShmem|Threads)/ {
	printf "  %-9s %s %s\n", $1, $2, $3 }' /proc/"$gd"/status
awk '/^Pss:/ { printf "  %-9s %s %s (shared pages split among users)\n",
	$1, $2, $3 }' /proc/"$gd"/smaps_rollup
rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$gd"/status)
echo "RSS after start: $rss KiB (target <= 2048 KiB)"

: >"$TMP/lat"
i=0
while [ $i -lt "$CYCLES" ]; do
	call WaitInhibitors sut delay 1 30000000 >/dev/null
	call Sleep b true | awk '{ print $2 }' >>"$TMP/lat"
	call Sleep b false >/dev/null
	i=$((i + 1))
done
sort -n "$TMP/lat" | awk -v n="$CYCLES" '
	{ v[NR] = $1 }
	END {
		printf "pre-sleep latency over %d cycles (PrepareForSleep(true) " \
		    "-> delay lock closed): p50 %.2f ms, p90 %.2f ms, " \
		    "p99 %.2f ms, max %.2f ms (target p99 <= 10 ms)\n", n,
		    v[int(n * 0.50 + 0.5)] / 1000, v[int(n * 0.90 + 0.5)] / 1000,
		    v[int(n * 0.99 + 0.5)] / 1000, v[n] / 1000
	}'
rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$gd"/status)
echo "RSS after $CYCLES cycles: $rss KiB"

sleep 2
a=$(ctxsw)
sleep "$IDLE"
b=$(ctxsw)
echo "idle wake-ups (no watchdog): $((b - a)) context switches in" \
	"$IDLE s = $(( (b - a) * 60 / IDLE )) per minute"
stop_gd

start_gd WATCHDOG_USEC=60000000
sleep 2
a=$(ctxsw)
sleep "$IDLE"
b=$(ctxsw)
echo "idle wake-ups (WatchdogSec=60s): $((b - a)) context switches in" \
	"$IDLE s = $(( (b - a) * 60 / IDLE )) per minute"
stop_gd
