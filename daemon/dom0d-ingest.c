// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * How the dom0 companion's entry moves (xen-handover-dom0d(8), "Life of
 * an entry"). Inputs are validated guest reports (xsschema_parse_guest()
 * returned 0) and domain events the hypervisor reported; the guest's
 * report can only move its own entry, and only along these edges:
 *
 *   running/none --hibernating+record--> HIBERNATING (snapshot taken)
 *   HIBERNATING --shutdown (not soft reset) or destroyed--> HIBERNATED
 *   HIBERNATING --running from the same domain--> RUNNING (aborted)
 *   HIBERNATED/HIBERNATING --domain with this UUID created--> RESUMING
 *   RESUMING --destroyed before it reported--> HIBERNATED
 *   pending --resumed/degraded--> CLOSED (cross-checked)
 *   pending --running--> CLOSED (not resumed: booted afresh)
 *   pending --refused-last-boot--> unchanged (the image is kept)
 *   CLOSED/RUNNING --running--> RUNNING
 *
 * Pure: the caller passes the time and the hypervisor's facts.
 */
#include <errno.h>
#include <string.h>

#include "dom0d.h"
#include "util.h"

/* The guest nodes dom0d reads: XENSTORE.md section 2, minus ping. */
static const char *const guest_names[] = {
	"schema", "state", "seq", "updated", "record", "detail", "gate",
};

int
dom0d_ingest_nodes(dom0d_get_fn get, void *userdata, struct xs_nodes *scratch,
    struct guest_report *ret, const char **ret_node)
{
	char value[XSSCHEMA_VALUE_MAX + 1];
	size_t i, k;
	int found = 0, r;

	*ret_node = NULL;
	scratch->n = 0;
	for (i = 0; i < ARRAY_SIZE(guest_names); i++) {
		r = get(userdata, guest_names[i], value, sizeof(value));
		if (r == -ENOENT)
			continue;
		if (r == -EFBIG) {
			*ret_node = guest_names[i];
			return -EMSGSIZE;
		}
		if (r < 0)
			return r;
		if (i < 2)
			found++;
		r = xsschema_add_node(scratch, guest_names[i], value,
		    (size_t)r);
		if (r < 0) {
			*ret_node = guest_names[i];
			return r;
		}
	}
	if (!found)
		return -ENOENT;
	r = xsschema_parse_guest(scratch, ret);
	if (r == 0)
		return 0;
	for (i = 0; i < scratch->n; i++) {
		if (xsschema_check_guest_node(scratch->node[i].name,
		    scratch->node[i].value) >= 0)
			continue;
		for (k = 0; k < ARRAY_SIZE(guest_names); k++)
			if (streq(guest_names[k], scratch->node[i].name))
				*ret_node = guest_names[k];
		break;
	}
	return r;
}

static void
take_snapshot(struct dom0d_entry *e, const struct dom0d_facts *f)
{
	struct dom0d_snapshot *s = &e->snap;

	memset(s, 0, sizeof(*s));
	s->type = GUEST_UNKNOWN;
	e->has_snapshot = false;
	if (!f->dom)
		return;
	s->taken = f->now;
	s->max_pages = f->dom->max_pages;
	s->tot_pages = f->dom->tot_pages;
	s->max_vcpus = f->dom->max_vcpus;
	s->type = f->dom->type;
	s->gnttab = f->gnttab == 1 || f->gnttab == 2 ? f->gnttab : 0;
	if (f->host) {
		s->xen_major = f->host->xen_major;
		s->xen_minor = f->host->xen_minor;
		xh_strlcpy(s->xen_extra, f->host->xen_extra,
		    sizeof(s->xen_extra));
		s->has_features = f->host->has_features;
		s->features = f->host->features;
	}
	e->has_snapshot = true;
}

static void
set_phase(struct dom0d_entry *e, enum dom0d_phase p, unsigned int *fl)
{
	if (e->phase != p) {
		e->phase = p;
		*fl |= DOM0D_PHASE | DOM0D_CHANGED;
	}
}

static void
close_entry(struct dom0d_entry *e, enum dom0d_outcome o, int64_t now,
    unsigned int *fl)
{
	e->outcome = o;
	e->closed = now;
	set_phase(e, PHASE_CLOSED, fl);
	*fl |= DOM0D_CLOSED | DOM0D_VALIDATE | DOM0D_CHANGED;
}

static void
keep_record(struct dom0d_entry *e, const struct guest_report *r)
{
	if (r->has_record) {
		e->rec = r->rec;
		e->has_record = true;
	} else {
		record_init(&e->rec);
		e->has_record = false;
	}
}

unsigned int
dom0d_ingest_report(struct dom0d_entry *e, const struct guest_report *r,
    const struct dom0d_facts *f)
{
	unsigned int fl = 0;
	bool pending = dom0d_entry_pending(e);

	if ((unsigned int)r->state >= _GUEST_STATE_MAX)
		return 0;
	/* The same publication read again: nothing to do. */
	if (e->has_report && e->report_state == r->state &&
	    e->report_seq == r->seq && e->report_updated == r->updated &&
	    streq(e->gate, r->gate))
		return 0;
	e->has_report = true;
	e->report_state = r->state;
	e->report_seq = r->seq;
	e->report_updated = r->updated;
	xh_strlcpy(e->gate, r->gate, sizeof(e->gate));
	e->updated = f->now;
	fl |= DOM0D_CHANGED;

	switch (r->state) {
	case GUEST_STATE_HIBERNATING:
		if (!r->has_record) {
			/* Nothing to judge: forget any older image. */
			keep_record(e, r);
			e->has_snapshot = false;
			set_phase(e, PHASE_HIBERNATING, &fl);
			fl |= DOM0D_VALIDATE;
			break;
		}
		if (e->phase != PHASE_HIBERNATING || !e->has_record ||
		    e->rec.seq != r->rec.seq)
			e->hibernations++;
		keep_record(e, r);
		take_snapshot(e, f);
		e->outcome = OUTCOME_NONE;
		e->closed = 0;
		e->cross_fields = 0;
		set_phase(e, PHASE_HIBERNATING, &fl);
		fl |= DOM0D_VALIDATE;
		break;
	case GUEST_STATE_RUNNING:
		if (e->phase == PHASE_HIBERNATING) {
			/* Same domain, still up: the hibernation failed. */
			keep_record(e, r);
			e->has_snapshot = false;
			e->outcome = OUTCOME_ABORTED;
			e->closed = f->now;
			set_phase(e, PHASE_RUNNING, &fl);
			fl |= DOM0D_CLOSED | DOM0D_VALIDATE;
		} else if (pending) {
			/* A fresh boot: the image was not resumed. Keep the
			 * image's record with the outcome. */
			close_entry(e, OUTCOME_NOT_RESUMED, f->now, &fl);
		} else {
			keep_record(e, r);
			set_phase(e, PHASE_RUNNING, &fl);
			fl |= DOM0D_VALIDATE;
		}
		break;
	case GUEST_STATE_RESUMED:
	case GUEST_STATE_DEGRADED:
		if (pending) {
			e->cross_fields = dom0d_crosscheck(&e->rec,
			    r->has_record ? &r->rec : NULL, f->gnttab);
			e->resumes++;
			close_entry(e, r->state == GUEST_STATE_DEGRADED ?
			    OUTCOME_DEGRADED : e->cross_fields ?
			    OUTCOME_RESUMED_MISMATCH : OUTCOME_RESUMED, f->now,
			    &fl);
		} else if (e->phase != PHASE_CLOSED) {
			/* No image we knew of: just a running guest. */
			keep_record(e, r);
			set_phase(e, PHASE_RUNNING, &fl);
			fl |= DOM0D_VALIDATE;
		}
		break;
	case GUEST_STATE_REFUSED_LAST_BOOT:
		e->refusals++;
		if (pending) {
			fl |= DOM0D_VALIDATE;
		} else if (r->has_record &&
		    r->rec.state == RECORD_STATE_HIBERNATING) {
			/* An image we did not see hibernate (another host,
			 * or dom0d was not running): adopt its record. */
			keep_record(e, r);
			e->has_snapshot = false;
			e->outcome = OUTCOME_NONE;
			e->closed = 0;
			e->cross_fields = 0;
			set_phase(e, PHASE_HIBERNATED, &fl);
			fl |= DOM0D_VALIDATE;
		} else {
			set_phase(e, PHASE_RUNNING, &fl);
			fl |= DOM0D_VALIDATE;
		}
		break;
	case _GUEST_STATE_MAX:
		break;
	}
	return fl;
}

unsigned int
dom0d_ingest_shutdown(struct dom0d_entry *e, unsigned int reason,
    int64_t now)
{
	unsigned int fl = DOM0D_CHANGED;

	e->last_shutdown = reason > 255 ? 255 : (int)reason;
	e->updated = now;
	if (reason == HV_SHUTDOWN_SOFT_RESET) {
		/* kexec (the gate's repair): the domain lives on. */
		e->soft_resets++;
		return fl;
	}
	if (e->phase == PHASE_HIBERNATING)
		set_phase(e, PHASE_HIBERNATED, &fl);
	return fl;
}

unsigned int
dom0d_ingest_gone(struct dom0d_entry *e, int64_t now)
{
	unsigned int fl = 0;

	if (e->phase == PHASE_HIBERNATING || e->phase == PHASE_RESUMING) {
		e->updated = now;
		set_phase(e, PHASE_HIBERNATED, &fl);
	}
	return fl;
}

unsigned int
dom0d_ingest_created(struct dom0d_entry *e, const struct hv_domain *dom,
    int64_t now)
{
	unsigned int fl = 0;
	bool same = e->has_domid && e->domid == dom->domid;

	if (!same) {
		e->domid = dom->domid;
		e->has_domid = true;
		e->updated = now;
		fl |= DOM0D_CHANGED;
	}
	if (!dom0d_entry_pending(e))
		return fl;
	/*
	 * HIBERNATING on the domain that said so (dom0d restarted while it
	 * was writing its image): nothing happened yet. On any other
	 * domain the shutdown was missed: the image is pending.
	 */
	if (e->phase == PHASE_HIBERNATING && same)
		return fl;
	if (e->phase == PHASE_RESUMING && same)
		return fl | DOM0D_VALIDATE;
	e->updated = now;
	set_phase(e, PHASE_RESUMING, &fl);
	return fl | DOM0D_VALIDATE;
}
