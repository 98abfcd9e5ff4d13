// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resume swap area a record goes to (swaptarget.h): shared by the
 * CLI's `record` and by xen-handoverd so both identify and write it the
 * same way. Logs nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "swaptarget.h"
#include "util.h"

int
swaptarget_find(const struct probe *p, const char *root, const char *device,
    const uint64_t *offset, struct swap_target *t)
{
	const char *param = p->swap.resume_param;

	if (startswith(param, "UUID=") &&
	    xh_parse_uuid(param + 5, t->uuid) == 0)
		;
	else if (p->swap.has_uuid)
		memcpy(t->uuid, p->swap.uuid, 16);
	else if (!p->swap.device[0] && !device)
		return -ENODEV;
	else
		return -ENOMEDIUM;
	t->offset = offset ? *offset : p->swap.resume_offset;
	if (device) {
		if (xh_strlcpy(t->path, device, sizeof(t->path)) >=
		    sizeof(t->path))
			return -ENAMETOOLONG;
		return 0;
	}
	return root_path(root, p->swap.device, t->path, sizeof(t->path));
}

int
swaptarget_set_resume(const struct probe *p, const char *root, char *val,
    size_t valsz)
{
	char path[4096], v[32];
	FILE *f;

	if (!root || !streq(root, "/") || !p->swap.has_uuid ||
	    p->swap.is_image || !p->rec.swap.has_dev)
		return -ETXTBSY;
	snprintf(v, sizeof(v), "%u:%u", p->rec.swap.dev_major,
	    p->rec.swap.dev_minor);
	if (root_path(root, "/sys/power/resume", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	f = fopen(path, "we");
	if (!f)
		return -errno;
	if (fputs(v, f) < 0) {
		int e = errno ? errno : EIO;

		fclose(f);
		return -e;
	}
	if (fclose(f) != 0)
		return -errno;
	if (val && valsz)
		xh_strlcpy(val, v, valsz);
	return 0;
}

int
swaptarget_write(const struct store_ops *ops, const struct probe *p,
    const char *root, const struct swap_target *t, struct record *rec,
    char *configured, size_t configuredsz)
{
	struct store_state st;
	int r;

	if (configured && configuredsz)
		configured[0] = '\0';
	/*
	 * A running kernel's record never goes over an image's: after the
	 * gate refused an image, the next boot must still find the image's
	 * record current, or it would compare against the wrong kernel.
	 */
	r = store_read_ops(ops, t->path, t->offset, &st);
	if (r == 0 && st.hdr.is_image)
		return -EBUSY;
	r = store_write_ops(ops, t->path, t->offset, t->uuid, rec);
	if (r == -ETXTBSY && swaptarget_set_resume(p, root, configured,
	    configuredsz) == 0)
		r = store_write_ops(ops, t->path, t->offset, t->uuid, rec);
	return r;
}
