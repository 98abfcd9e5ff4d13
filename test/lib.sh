# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers for script tests, sourced by test/*.test.
# Environment (set by the automake harness): top_srcdir, top_builddir.
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
XH="$top_builddir/daemon/xen-handover"
FIX="$top_srcdir/test/fixtures"

t_pass=0
t_fail=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/xh-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() {
	t_pass=$((t_pass + 1))
	echo "ok $t_pass - $*"
}

fail() {
	t_fail=$((t_fail + 1))
	echo "FAIL - $*"
}

# run EXPECTED-RC DESCRIPTION CMD...: run, keep stdout in $TMP/out and
# stderr in $TMP/err, check the exit code.
run() {
	want=$1 desc=$2
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$desc (exit $rc)"
	else
		fail "$desc: exit $rc, wanted $want"
		sed 's/^/    out: /' "$TMP/out" | head -n 30
		sed 's/^/    err: /' "$TMP/err" | head -n 30
	fi
}

# expect_out PATTERN DESCRIPTION: grep -E on the last run's stdout.
expect_out() {
	if grep -Eq -- "$1" "$TMP/out"; then
		ok "$2"
	else
		fail "$2: stdout lacks /$1/"
		sed 's/^/    out: /' "$TMP/out" | head -n 40
	fi
}

expect_err() {
	if grep -Eq -- "$1" "$TMP/err"; then
		ok "$2"
	else
		fail "$2: stderr lacks /$1/"
		sed 's/^/    err: /' "$TMP/err" | head -n 20
	fi
}

# expect_json JQ-FILTER DESCRIPTION: jq -e on the last run's stdout.
expect_json() {
	if jq -e "$1" "$TMP/out" >/dev/null 2>&1; then
		ok "$2"
	else
		fail "$2: jq '$1' is false"
		head -n 60 "$TMP/out" | sed 's/^/    out: /'
	fi
}

finish() {
	echo "$t_pass passed, $t_fail failed"
	[ "$t_fail" -eq 0 ]
}
