/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resume swap area a record goes to, shared by `xen-handover record`
 * and xen-handoverd: identify it positively (path, header page, the swap
 * UUID it must carry) and write a record into its slots. Logs nothing.
 */
#ifndef XH_SWAPTARGET_H
#define XH_SWAPTARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "record.h"
#include "store.h"

struct swap_target {
	char path[4096];	/* host path of the device or file */
	uint64_t offset;	/* header page, in pages */
	uint8_t uuid[16];	/* the swap UUID its header must carry */
};

/*
 * The swap area the kernel will resume from. The UUID comes from
 * resume=UUID=... when the command line names one, else from the header
 * of the device /sys/power/resume names. device (a host path) and
 * offset override the probed ones when not NULL. Returns 0, -ENODEV (no
 * resume area configured and no device given), -ENOMEDIUM (no swap UUID
 * to identify it by), -ENAMETOOLONG.
 */
int swaptarget_find(const struct probe *p, const char *root,
    const char *device, const uint64_t *offset, struct swap_target *t);

/*
 * Linux refuses writes to an active swap device unless it is the
 * configured resume device (-ETXTBSY). When the area holds no image,
 * configuring it is harmless: the kernel looks for an image, finds none
 * and returns. Only on the real system (root "/"), never for an area
 * holding an image. Writes "MAJ:MIN" to /sys/power/resume and copies it
 * to val. 0, -ETXTBSY when it must not, -errno.
 */
int swaptarget_set_resume(const struct probe *p, const char *root,
    char *val, size_t valsz);

/*
 * store_write_ops() of rec into t; on -ETXTBSY configure the resume
 * device (swaptarget_set_resume()) and try once more. Never writes over
 * an area that holds a hibernation image (-EBUSY): the image's record
 * must stay current until the image is resumed or discarded. configured
 * (may be NULL) receives the value written to /sys/power/resume, or "".
 * Returns the slot written or -errno (store_strerror()).
 */
int swaptarget_write(const struct store_ops *ops, const struct probe *p,
    const char *root, const struct swap_target *t, struct record *rec,
    char *configured, size_t configuredsz);

#endif
