/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dom0 companion's I/O, shared by the daemon and the CLI:
 *   dom0d-store.c  the state directory, one file per domain UUID, written
 *                  atomically (temporary file, fsync, rename, fsync dir);
 *   dom0d-xs.c     reading a guest's report and publishing its verdict;
 *   dom0d-prom.c   the Prometheus text file.
 * Library modules: they log nothing and return -errno.
 */
#ifndef XH_DOM0D_IO_H
#define XH_DOM0D_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dom0d.h"
#include "xs.h"

/*
 * dom0d-store.c
 */
struct dom0d_store;

/*
 * Open state_dir/domains (created with mode 0700, and state_dir too,
 * when create is set). -errno.
 */
int dom0d_store_open(const char *state_dir, bool create,
    struct dom0d_store **ret);
void dom0d_store_close(struct dom0d_store *s);

/*
 * The entry for uuid: 0, -ENOENT when there is none, -EFBIG when the
 * file is larger than an entry may be, an entry decode error, or -errno.
 * A file whose uuid line names another UUID is -EBADMSG.
 */
int dom0d_store_load(struct dom0d_store *s, const uint8_t uuid[16],
    struct dom0d_entry *ret);

/* Write the entry atomically and durably. 0 or -errno. */
int dom0d_store_save(struct dom0d_store *s, const struct dom0d_entry *e);

/* Remove uuid's entry: 0 (also when it did not exist) or -errno. */
int dom0d_store_remove(struct dom0d_store *s, const uint8_t uuid[16]);

/*
 * Every entry, in file name order. cb gets each valid one (a nonzero
 * return stops the walk and is returned); bad, when not NULL, gets the
 * name and error of each file that is not. At most DOM0D_STORE_MAX
 * files are looked at (-E2BIG after calling back for them).
 */
#define DOM0D_STORE_MAX 65536
int dom0d_store_foreach(struct dom0d_store *s,
    int (*cb)(const struct dom0d_entry *e, void *userdata),
    void (*bad)(const char *name, int err, void *userdata), void *userdata);

/*
 * Write path atomically (temporary file in the same directory, fsync,
 * rename, fsync of the directory) with mode. 0 or -errno.
 */
int dom0d_write_atomic(const char *path, const char *data, size_t len,
    unsigned int mode);

/*
 * dom0d-xs.c
 */
/*
 * Read domid's data/xen-handover/ report: one transaction (redone at
 * most 3 times on EAGAIN), one READ per known name, each bounded to
 * XSSCHEMA_VALUE_MAX. 0 and *ret; -ENOENT when neither schema nor state
 * exists; -EAGAIN when the transaction kept conflicting; an xsschema
 * error (*ret_node names the node at fault, a static string); -ENOTCONN
 * or another -errno from xenstore. scratch is working memory.
 */
int dom0d_xs_read_report(struct xsc *x, uint32_t domid,
    struct xs_nodes *scratch, struct guest_report *ret,
    const char **ret_node);

/* Optional nodes dom0d adds (proto/XENSTORE.md section 9). */
struct dom0d_ext {
	int64_t checked;	/* Unix seconds, 0: leave out */
	const char *pending;	/* "gnttab" or NULL */
	const char *fields;	/* "vcpus,ram" or NULL / "" */
};

/*
 * Publish v (and ext) under /local/domain/<domid>/xen-handover in one
 * transaction (redone at most 3 times on EAGAIN): write every node,
 * remove optional ones left out, set "n<self> r<domid>" on the directory
 * and each node. -ENOENT when /local/domain/<domid> does not exist (the
 * domain's directory is not built yet: nothing is written), -EAGAIN,
 * -ENOTCONN, -errno.
 */
int dom0d_xs_publish(struct xsc *x, uint32_t self, uint32_t domid,
    const struct host_verdict *v, const struct dom0d_ext *ext,
    struct xs_nodes *scratch);

/*
 * Is v still what /local/domain/<domid>/xen-handover holds (verdict and
 * record-seq)? 1 yes, 0 no (gone or different), -errno.
 */
int dom0d_xs_published(struct xsc *x, uint32_t domid,
    const struct host_verdict *v);

/* The toolstack's name for domid (sanitized), "" when it has none. */
int dom0d_xs_read_name(struct xsc *x, uint32_t domid, char *buf,
    size_t bufsz);

/*
 * dom0d-prom.c
 */
struct dom0d_counters {
	uint64_t events;		/* watch events taken */
	uint64_t special_events;	/* @introduceDomain, @releaseDomain */
	uint64_t dropped_events;	/* for throttled or unknown domains */
	uint64_t rescans;
	uint64_t reads;			/* guest directory reads */
	uint64_t reports;		/* valid reports */
	uint64_t rejected;		/* invalid reports */
	uint64_t throttled;		/* times a domain was throttled */
	uint64_t publishes, publish_errors;
	uint64_t saves, save_errors;
	uint64_t reconnects;
	uint64_t created, released;
	uint64_t domains;		/* live domains tracked */
	uint64_t mem_bytes;		/* domain table + entries held */
};

/* One domain for the export; check/preflight may be NULL. */
struct dom0d_prom_row {
	const struct dom0d_entry *e;
	const struct dom0d_check *check;
	const struct dom0d_check *preflight;
};

/*
 * Write the Prometheus text exposition to path, atomically. target is
 * the preflight's "X.Y" (NULL without preflight); counters NULL from the
 * CLI. 0 or -errno.
 */
int dom0d_prom_write(const char *path, const struct dom0d_prom_row *rows,
    size_t n, const char *target, const struct dom0d_counters *counters,
    int64_t now);

#endif
