#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real-Xen lab in CI (called by .ci/run after `make check`): the smoke
# subset, i.e. dom0 and scenarios 1 and 2 without and with xen-handover,
# built from scratch (about 10 minutes on 2 cores, most of it the first
# debootstrap).  The whole default set takes longer than CI's lab budget:
# run it with `make check-lab` (test/lab/README.md).
#
# env: LAB_SCENARIOS (default smoke), LAB_DIR (default build/lab),
#      LAB_KERNEL_B (default none: the smoke set does not need it).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	# debootstrap and chroot need root, as apt-get does for scripts/deps
	command -v sudo >/dev/null || { echo "lab: needs root" >&2; exit 1; }
	exec sudo -E sh "$0" "$@"
fi
top_srcdir=$top
LAB_SCENARIOS=${LAB_SCENARIOS:-smoke}
LAB_DIR=${LAB_DIR:-$top/build/lab}
LAB_KERNEL_B=${LAB_KERNEL_B:-none}
export top_srcdir LAB_SCENARIOS LAB_DIR LAB_KERNEL_B
exec sh "$top/test/lab/check-lab.sh"
