#!/bin/sh
# shellcheck shell=dash # dash, bash or busybox: all have local
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut pre-mount hook for the shell initrd (installed as
# lib/dracut/hooks/pre-mount/00-xen-handover-gate.sh): the xen-handover
# resume gate. Sourced by dracut's init: no exit, names start with xh_.
#
# pre-mount runs after the udev main loop and before the root file system
# is mounted. Nothing else resumes: etc/cmdline.d/90xen-handover.conf says
# noresume, so 95resume's cmdline hook installs neither its udev resume
# rules nor pre-mount/10-resume.sh. See hooks/README.md.

# shellcheck disable=SC1091 # in the initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

xh_gate() {
	local xh_named xh_dev xh_rc

	# Does the kernel command line, which the gate reads, name a device
	# (or say noresume)?
	# shellcheck disable=SC2013 # words, not lines
	xh_named=$(set -f
		for xh_w in $(cat /proc/cmdline); do
			case $xh_w in
			xen_handover.resume=* | xen-handover.resume=* | \
			    resume=* | noresume)
				echo y
				break
				;;
			esac
		done)
	# If not, a resume= from the initramfs configuration (host-only
	# dracut writes it to etc/cmdline.d, which the gate does not read).
	if [ -z "$xh_named" ] && xh_dev=$(getarg resume=) &&
	    [ -n "$xh_dev" ]; then
		/usr/sbin/xen-handover gate --resume "$xh_dev"
	else
		/usr/sbin/xen-handover gate
	fi
	xh_rc=$?
	case $xh_rc in
	0) ;;
	1) warn "xen-handover: resume refused; the image is kept" ;;
	6) warn "xen-handover: repair by kexec failed; not resuming" ;;
	7) warn "xen-handover: forced resume returned; see above" ;;
	*) warn "xen-handover: gate failed (exit $xh_rc); not resuming" ;;
	esac
}

if [ -x /usr/sbin/xen-handover ]; then
	xh_gate
else
	warn "xen-handover: /usr/sbin/xen-handover missing; not resuming"
fi
unset -f xh_gate
