// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resume device resolution under a root directory, shared by the probes
 * and the resume gate. The forms are the kernel's (init/do_mounts.c
 * name_to_dev_t() in 6.1, early_lookup_bdev() in 6.12: /dev/..., MAJ:MIN,
 * a hex dev_t) plus those initramfs tools resolve through udev's links
 * (UUID=, PARTUUID=, LABEL=, PARTLABEL=).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "resume.h"
#include "util.h"

#define DEV_MAJOR_MAX 4096u		/* dev_t: 12-bit major */
#define DEV_MINOR_MAX (1u << 20)	/* 20-bit minor */

static const char *const source_names[_RESUME_SRC_MAX] = {
	[RESUME_SRC_NONE] = "none",
	[RESUME_SRC_XH] = "xen_handover.resume",
	[RESUME_SRC_KERNEL] = "resume",
	[RESUME_SRC_CONF] = "gate.conf",
	[RESUME_SRC_SYSFS] = "sysfs",
	[RESUME_SRC_OPTION] = "--resume",
};

const char *
resume_source_to_string(enum resume_source s)
{
	if ((unsigned int)s >= _RESUME_SRC_MAX)
		return "invalid";
	return source_names[s];
}

void
resume_spec_from_cmdline(const struct cmdline *c, struct resume_spec *s)
{
	static const struct {
		const char *dev, *offset;
		enum resume_source src;
	} params[] = {
		{ "xen_handover.resume", "xen_handover.resume_offset",
		    RESUME_SRC_XH },
		{ "resume", "resume_offset", RESUME_SRC_KERNEL },
	};
	unsigned long long off;
	const char *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params) && !s->param[0]; i++) {
		v = cmdline_get(c, params[i].dev);
		if (!v || !*v)
			continue;
		if (xh_strlcpy(s->param, v, sizeof(s->param)) >=
		    sizeof(s->param)) {
			s->param[0] = '\0';
			continue;
		}
		s->source = params[i].src;
	}
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (!cmdline_has(c, params[i].offset))
			continue;
		v = cmdline_get(c, params[i].offset);
		s->offset_source = params[i].src;
		if (v && xh_parse_u64(v, 10, &off) == 0) {
			s->has_offset = true;
			s->offset = off;
		} else {
			s->offset_invalid = true;
		}
		break;
	}
}

int
resume_parse_devnum(const char *s, uint32_t *maj, uint32_t *min)
{
	unsigned long long a, b;
	char tmp[64];
	char *colon;

	if (xh_strlcpy(tmp, s, sizeof(tmp)) >= sizeof(tmp))
		return -EINVAL;
	colon = strchr(tmp, ':');
	if (colon) {
		*colon = '\0';
		if (xh_parse_u64(tmp, 10, &a) < 0 ||
		    xh_parse_u64(colon + 1, 10, &b) < 0)
			return -EINVAL;
	} else {
		/* include/linux/kdev_t.h new_decode_dev() of a u32. */
		if (xh_parse_u64(tmp, 16, &a) < 0 || a > UINT32_MAX)
			return -EINVAL;
		b = (a & 0xff) | ((a >> 12) & 0xfff00);
		a = (a & 0xfff00) >> 8;
	}
	if (a >= DEV_MAJOR_MAX || b >= DEV_MINOR_MAX)
		return -EINVAL;
	*maj = (uint32_t)a;
	*min = (uint32_t)b;
	return 0;
}

int
resume_param_path(const char *param, char *out, size_t outsz)
{
	static const struct {
		const char *prefix, *dir;
	} tags[] = {
		{ "UUID=", "/dev/disk/by-uuid/" },
		{ "PARTUUID=", "/dev/disk/by-partuuid/" },
		{ "LABEL=", "/dev/disk/by-label/" },
		{ "PARTLABEL=", "/dev/disk/by-partlabel/" },
	};
	uint32_t maj, min;
	size_t i;
	int n;

	if (outsz == 0)
		return -ENAMETOOLONG;
	out[0] = '\0';
	if (param[0] == '/') {
		if (xh_strlcpy(out, param, outsz) >= outsz) {
			out[0] = '\0';
			return -ENAMETOOLONG;
		}
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(tags); i++) {
		const char *v = param + strlen(tags[i].prefix);

		if (!startswith(param, tags[i].prefix))
			continue;
		/* No way out of the directory; PARTUUID=x/PARTNROFF=n is
		 * the kernel's, not a udev link. */
		if (!*v || strchr(v, '/') || streq(v, ".") || streq(v, ".."))
			return -EINVAL;
		n = snprintf(out, outsz, "%s%s", tags[i].dir, v);
		if (n < 0 || (size_t)n >= outsz) {
			out[0] = '\0';
			return -ENAMETOOLONG;
		}
		return 0;
	}
	if (resume_parse_devnum(param, &maj, &min) == 0) {
		n = snprintf(out, outsz, "/dev/block/%u:%u", maj, min);
		if (n < 0 || (size_t)n >= outsz) {
			out[0] = '\0';
			return -ENAMETOOLONG;
		}
		return 0;
	}
	return -EINVAL;
}

int
resume_resolve_in_root(const char *root, const char *path, char *out,
    size_t outsz)
{
	char full[PATH_MAX], rroot[PATH_MAX], rfull[PATH_MAX];
	size_t rl;

	if (!root || !*root)
		root = "/";
	if (root_path(root, path, full, sizeof(full)) < 0)
		return -ENAMETOOLONG;
	if (!realpath(full, rfull))
		return -ENOENT;
	if (!realpath(root, rroot))
		return -ENOENT;
	rl = strlen(rroot);
	if (streq(rroot, "/")) {
		rl = 0;
	} else if (strncmp(rfull, rroot, rl) != 0 ||
	    (rfull[rl] != '/' && rfull[rl] != '\0')) {
		/* An absolute link out of a fixture tree: keep the name. */
		return xh_strlcpy(out, path, outsz) >= outsz ?
		    -ENAMETOOLONG : 0;
	}
	if (xh_strlcpy(out, rfull[rl] ? rfull + rl : "/", outsz) >= outsz)
		return -ENAMETOOLONG;
	return 0;
}

bool
resume_same_file_in_root(const char *root, const char *a, const char *b)
{
	char fa[PATH_MAX], fb[PATH_MAX], ra[PATH_MAX], rb[PATH_MAX];

	if (root_path(root, a, fa, sizeof(fa)) < 0 ||
	    root_path(root, b, fb, sizeof(fb)) < 0)
		return false;
	if (!realpath(fa, ra) || !realpath(fb, rb))
		return false;
	return streq(ra, rb);
}

/* /sys/dev/block/MAJ:MIN/uevent names the device: "DEVNAME=xvdb". */
static int
devname_from_sysfs(const char *root, uint32_t maj, uint32_t min, char *out,
    size_t outsz)
{
	char path[96], text[1024], *line, *save = NULL;
	int n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", maj, min);
	if (read_file_at(root, path, text, sizeof(text)) < 0)
		return -ENOENT;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		const char *v = line + strlen("DEVNAME=");

		if (!startswith(line, "DEVNAME="))
			continue;
		if (!*v || strstr(v, ".."))
			return -ENOENT;
		n = snprintf(out, outsz, "/dev/%s", v);
		return n < 0 || (size_t)n >= outsz ? -ENAMETOOLONG : 0;
	}
	return -ENOENT;
}

int
resume_locate(const char *root, const char *param, char *out, size_t outsz)
{
	char path[PATH_MAX];
	uint32_t maj, min;
	int r;

	r = resume_param_path(param, path, sizeof(path));
	if (r < 0)
		return r;
	r = resume_resolve_in_root(root, path, out, outsz);
	if (r != -ENOENT)
		return r;
	/* udev makes /dev/block/ links; devtmpfs alone does not. */
	if (param[0] != '/' && resume_parse_devnum(param, &maj, &min) == 0 &&
	    devname_from_sysfs(root, maj, min, path, sizeof(path)) == 0)
		return resume_resolve_in_root(root, path, out, outsz);
	return -ENOENT;
}
