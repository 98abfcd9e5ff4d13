#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dracut module: the xen-handover resume gate, before any resume.
#
# systemd initrd: xen-handover-gate.service (Before=
#   systemd-hibernate-resume.service local-fs-pre.target); the native resume
#   units (systemd-hibernate-resume@.service up to systemd 254,
#   systemd-hibernate-resume.service from 255) are masked.
# shell initrd: pre-mount hook 00-xen-handover-gate.sh; 95resume's
#   cmdline hook sees "noresume" (etc/cmdline.d) and installs no udev
#   resume rule, so nothing else resumes.
# See hooks/README.md.

# initdir, moddir, kernel, hostonly, systemdsystemunitdir and
# systemdsystemconfdir are dracut's.
# shellcheck disable=SC2154

# Called by dracut. In host-only mode only on a Xen guest; always when
# asked for (--add xen-handover) or in a generic image.
check() {
    local _type

    _xh_lib || return 1
    xh_find_bin >/dev/null || return 1
    if [[ $hostonly ]]; then
        read -r _type 2>/dev/null </sys/hypervisor/type
        [[ $_type == xen ]] || return 255
    fi
    return 0
}

# Called by dracut.
depends() {
    return 0
}

# Source the shared build-time helpers (hooks/initramfs-lib.sh).
_xh_lib() {
    local _d

    for _d in "${XEN_HANDOVER_ROOT:-}/usr/share/xen-handover" \
        "${XEN_HANDOVER_ROOT:-}/usr/local/share/xen-handover"; do
        if [[ -f $_d/initramfs-lib.sh ]]; then
            # shellcheck source=SCRIPTDIR/../../initramfs-lib.sh
            . "$_d/initramfs-lib.sh"
            return 0
        fi
    done
    derror "xen-handover: initramfs-lib.sh not found"
    return 1
}

# Called by dracut.
install() {
    local _bin _kexec _unit _m

    _xh_lib || return 1
    if ! _bin=$(xh_find_bin); then
        derror "xen-handover: the xen-handover binary is not installed"
        return 1
    fi
    inst_binary "$_bin" "$XH_INITRD_BIN" || return 1
    if _kexec=$(xh_find_kexec); then
        inst_binary "$_kexec" "$XH_INITRD_KEXEC" || return 1
    else
        dwarn "xen-handover: no kexec (kexec-tools): the gate cannot" \
            "repair, only refuse"
    fi
    xh_install_conf "$initdir" || return 1
    if xh_kernel_plan "$kernel"; then
        xh_install_kernel "$initdir" "$kernel" || return 1
    fi

    # 95resume (shell initrd) installs a udev rule that resumes from any
    # hibernation image, and with resume= one for that device, unless
    # getarg finds noresume: /etc/cmdline.d is part of what getarg reads.
    mkdir -p "$initdir/etc/cmdline.d"
    echo noresume >"$initdir/etc/cmdline.d/90xen-handover.conf"

    if dracut_module_included "systemd"; then
        if ! _unit=$(xh_find_unit); then
            derror "xen-handover: $XH_UNIT is not installed"
            return 1
        fi
        inst_simple "$_unit" "$systemdsystemunitdir/$XH_UNIT" || return 1
        $SYSTEMCTL -q --root "$initdir" enable "$XH_UNIT" || return 1
        # Mask, do not merely order: the gate is the only thing that
        # resumes. A masked template masks the generator's instances.
        mkdir -p "$initdir$systemdsystemconfdir"
        for _m in systemd-hibernate-resume@.service \
            systemd-hibernate-resume.service; do
            ln -sfn /dev/null "$initdir$systemdsystemconfdir/$_m"
        done
    else
        inst_hook pre-mount 00 "$moddir/xen-handover-gate.sh"
    fi
}
