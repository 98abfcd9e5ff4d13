// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record for xen-handoverd: probe once (a running kernel's Xen state
 * never changes; SIGHUP probes again), check what would make
 * hibernation unsafe (check_run(), plus a store that cannot be written),
 * and write the record into the resume swap area's header exactly as
 * `xen-handover record` does (swaptarget.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "guestd.h"
#include "log.h"
#include "util.h"

static ssize_t
crash_pwrite(void *userdata, int fd, const void *buf, size_t n,
    uint64_t off)
{
	ssize_t r = store_ops_default.pwrite(userdata, fd, buf, n, off);

	guestd_crash_point("store-pwrite");
	return r;
}

static ssize_t
plain_pread(void *userdata, int fd, void *buf, size_t n, uint64_t off)
{
	return store_ops_default.pread(userdata, fd, buf, n, off);
}

static int
plain_fsync(void *userdata, int fd)
{
	return store_ops_default.fsync(userdata, fd);
}

static const struct store_ops guestd_store_ops = {
	.pread = plain_pread,
	.pwrite = crash_pwrite,
	.fsync = plain_fsync,
};

int
record_probe(struct guestd *g)
{
	struct probe *p;
	int r;

	if (!g->probe) {
		g->probe = calloc(1, sizeof(*g->probe));
		if (!g->probe)
			return -ENOMEM;
	}
	p = g->probe;
	g->have_record = false;
	g->have_target = false;
	r = probe_run(g->root, (int64_t)time(NULL), p);
	g->probe_error = r;
	if (r < 0)
		return r;
	if (!p->is_xen)
		return -ENODEV;
	g->nblockers = check_run(p, &g->cfg, &g->blockers);
	g->have_record = true;
	r = swaptarget_find(p, g->root, NULL, NULL, &g->target);
	if (r == 0)
		g->have_target = true;
	else
		g->store_error = r;
	return 0;
}

static const char *
target_error(int err)
{
	switch (err) {
	case -ENODEV:
		return "no resume swap area is configured: set "
		    "xen_handover.resume= (or resume=) on the kernel command "
		    "line";
	case -ENOMEDIUM:
		return "the resume swap area carries no swap UUID to "
		    "identify it by: recreate it with mkswap";
	default:
		return store_strerror(err);
	}
}

int
record_store(struct guestd *g, enum record_state st)
{
	char configured[32];
	uint64_t seq_before;
	int r;

	if (!g->have_record)
		return g->probe_error < 0 ? g->probe_error : -ENODATA;
	if (!g->have_target) {
		/* The area may have been set up since: look again. */
		r = swaptarget_find(g->probe, g->root, NULL, NULL,
		    &g->target);
		if (r < 0) {
			g->store_error = r;
			record_update_block(g);
			return r;
		}
		g->have_target = true;
	}
	g->probe->rec.state = st;
	g->probe->rec.created = (int64_t)time(NULL);
	seq_before = g->probe->rec.seq;
	r = swaptarget_write(&guestd_store_ops, g->probe, g->root, &g->target,
	    &g->probe->rec, configured, sizeof(configured));
	if (configured[0])
		log_notice("the kernel refuses writes to the active swap area "
		    "unless it is the configured resume device: set "
		    "/sys/power/resume to %s (the area holds no image, so "
		    "nothing resumes)", configured);
	if (r < 0) {
		g->probe->rec.seq = seq_before;
		g->store_error = r;
		log_error("cannot write the record to %s (page %" PRIu64
		    "): %s", g->target.path, g->target.offset,
		    store_strerror(r));
		record_update_block(g);
		return r;
	}
	g->store_error = 0;
	g->store_slot = r;
	g->stored_seq = g->probe->rec.seq;
	log_info("record seq %" PRIu64 " (%s) written to slot %s of %s",
	    g->stored_seq, record_state_to_string(st), swapslot_name(
	    (unsigned int)r), g->target.path);
	record_update_block(g);
	guestd_crash_point("store-written");
	return r;
}

void
record_update_block(struct guestd *g)
{
	const struct blocker *first = NULL;
	size_t i;

	g->block_why[0] = '\0';
	if (!g->have_record) {
		guestd_fmt(g->block_why, sizeof(g->block_why),
		    "xen-handover cannot probe this guest (%s): run "
		    "'xen-handover status'", g->probe_error ?
		    strerror(-g->probe_error) : "not a Xen guest");
		return;
	}
	for (i = 0; i < g->blockers.n; i++)
		if (g->blockers.b[i].level == LEVEL_BLOCKER) {
			first = &g->blockers.b[i];
			break;
		}
	if (first) {
		guestd_fmt(g->block_why, sizeof(g->block_why),
		    "Hibernation is not safe on Xen: %s Fix: %s%s", first->what,
		    first->fix, g->nblockers > 1 ? " (more: xen-handover "
		    "check)" : "");
		return;
	}
	if (g->store_error)
		guestd_fmt(g->block_why, sizeof(g->block_why),
		    "Hibernation is not safe on Xen: the handover record "
		    "cannot be written (%s). Fix the resume swap area, then "
		    "'systemctl reload xen-handoverd'",
		    target_error(g->store_error));
}

void
record_describe(const struct guestd *g, char *buf, size_t sz)
{
	if (!g->have_record)
		guestd_fmt(buf, sz, "no record");
	else if (g->store_error && g->stored_seq)
		guestd_fmt(buf, sz, "record seq %" PRIu64 " kept, last write "
		    "failed: %s", g->stored_seq, target_error(g->store_error));
	else if (g->store_error)
		guestd_fmt(buf, sz, "no record stored: %s",
		    target_error(g->store_error));
	else
		guestd_fmt(buf, sz, "record seq %" PRIu64 " in %s slot %s",
		    g->stored_seq, g->target.path,
		    swapslot_name((unsigned int)g->store_slot));
}
