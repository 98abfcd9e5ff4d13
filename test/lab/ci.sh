#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The real-Xen lab in CI (scripts/check with XH_CHECK_LAB=SET, called by
# .ci/run after `make check`): `make check-lab LAB_SCENARIOS=SET` built
# from scratch.  CI runs the ci set (the smoke set and the "with" half of
# scenarios 3-8, 10, 11): about 12 minutes on 2 cores including the
# image build, inside the 20 minutes the lab may take there; the default
# set does not fit reliably (test/lab/README.md).
#
# env: LAB_SCENARIOS (default: default; .ci/run passes ci), LAB_DIR
#      (default build/lab),
#      LAB_KERNEL_B (default: none for the smoke set, which does not
#      need the second kernel build; else build.sh's own default).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	# debootstrap and chroot need root, as apt-get does for scripts/deps
	command -v sudo >/dev/null || { echo "lab: needs root" >&2; exit 1; }
	exec sudo -E sh "$0" "$@"
fi
top_srcdir=$top
LAB_SCENARIOS=${LAB_SCENARIOS:-default}
LAB_DIR=${LAB_DIR:-$top/build/lab}
if [ "$LAB_SCENARIOS" = smoke ]; then
	LAB_KERNEL_B=${LAB_KERNEL_B:-none}
	export LAB_KERNEL_B
fi
export top_srcdir LAB_SCENARIOS LAB_DIR
exec sh "$top/test/lab/check-lab.sh"
