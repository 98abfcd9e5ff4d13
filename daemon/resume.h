/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resume device: which swap area the kernel command line or the
 * initramfs configuration names, and where it is under a root directory.
 * Shared by the probes (daemon/probe.c) and the resume gate
 * (daemon/gate.c). References: linux.md 5.2 (resume=, resume_offset=,
 * /sys/power/resume accepts MAJ:MIN or a hex dev_t).
 */
#ifndef XH_RESUME_H
#define XH_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

#define RESUME_PARAM_MAX 256

enum resume_source {
	RESUME_SRC_NONE = 0,
	RESUME_SRC_XH,		/* xen_handover.resume= (what setup writes) */
	RESUME_SRC_KERNEL,	/* resume= / resume_offset= */
	RESUME_SRC_CONF,	/* the initramfs configuration (gate.conf) */
	RESUME_SRC_SYSFS,	/* /sys/power/resume, resume_offset */
	RESUME_SRC_OPTION,	/* xen-handover gate --resume/--resume-offset */
	_RESUME_SRC_MAX,
};

struct resume_spec {
	char param[RESUME_PARAM_MAX];	/* the device as named; "" none */
	enum resume_source source;
	bool has_offset;
	uint64_t offset;		/* the header page, in pages */
	enum resume_source offset_source;
	bool offset_invalid;		/* the deciding offset was not a
					   number: has_offset is false */
};

/*
 * The resume device and offset the command line names:
 * xen_handover.resume= before resume=, and xen_handover.resume_offset=
 * before resume_offset=. The first parameter present decides; a value
 * longer than RESUME_PARAM_MAX - 1 is no device, an offset that is not a
 * whole decimal number is no offset (offset_invalid). Fills only what it
 * finds: call with a zeroed spec, then add other sources for what is
 * still missing.
 */
void resume_spec_from_cmdline(const struct cmdline *c, struct resume_spec *s);

/*
 * A device number as the kernel takes it for resume=: "MAJ:MIN"
 * (decimal) or a hex dev_t in the kernel's encoding ("ca10" is 202:16;
 * new_decode_dev()). 0, or -EINVAL; major < 4096 and minor < 2^20.
 */
int resume_parse_devnum(const char *s, uint32_t *maj, uint32_t *min);

/*
 * The path a resume parameter names, inside the root: /dev/... as given,
 * UUID=, PARTUUID=, LABEL=, PARTLABEL= through /dev/disk/by-*, a device
 * number through /dev/block/MAJ:MIN. Pure. 0, -EINVAL when the form is
 * unknown (out is "" then), -ENAMETOOLONG.
 */
int resume_param_path(const char *param, char *out, size_t outsz);

/*
 * Follow path (inside root) through symlinks without leaving root: the
 * result, also a path inside root, goes to out. A link that leaves the
 * root keeps the name it was reached by. -ENOENT when it does not exist.
 */
int resume_resolve_in_root(const char *root, const char *path, char *out,
    size_t outsz);

/* Do two paths inside root name the same file once links are followed? */
bool resume_same_file_in_root(const char *root, const char *a,
    const char *b);

/*
 * Where the device a resume parameter names is now: its resolved path
 * inside root. A device number without a /dev/block link is found
 * through /sys/dev/block/MAJ:MIN/uevent (DEVNAME=). 0, -ENOENT not
 * (yet) there, -EINVAL unknown form, -ENAMETOOLONG.
 */
int resume_locate(const char *root, const char *param, char *out,
    size_t outsz);

const char *resume_source_to_string(enum resume_source s);

#endif
