// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion's pure modules and file I/O, without xenstore:
 * the entry text codec and every decode error (dom0d-entry.c), the
 * transitions of an entry (dom0d-ingest.c), host validation, preflight
 * and the post-resume cross-check (dom0d-check.c), the hypervisor
 * fixture and the seam's helpers (hv-fixture.c, dom0d-hv.c), the state
 * directory (dom0d-store.c) and the Prometheus file (dom0d-prom.c).
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dom0d-io.h"
#include "dom0d-loop.h"
#include "dom0d.h"
#include "hv.h"

static const uint8_t UUID_A[16] = {
	0x6f, 0x0b, 0x2e, 0x1a, 0x33, 0x44, 0x45, 0x66,
	0x87, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0x01,
};
static const uint8_t UUID_B[16] = {
	0x6f, 0x0b, 0x2e, 0x1a, 0x33, 0x44, 0x45, 0x66,
	0x87, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0x02,
};

/* A Debian 12 HVM guest on Xen 4.17.3, hibernating (RECORD.md 3). */
static void
fill_record(struct record *r, uint64_t seq)
{
	size_t i;

	record_init(r);
	r->seq = seq;
	r->created = 1732200000;
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	strcpy(r->xen_extra, ".3");
	r->has_xen_features = true;
	r->xen_features = 0x000c2705;	/* bits 18, 19: host-wide */
	strcpy(r->kernel_release, "6.1.0-28-amd64");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->kaslr = KASLR_OFF;
	for (i = 0; i < 16; i++)
		r->cmdline_digest[i] = (uint8_t)(0xc0 + i);
	r->vcpus_possible = 2;
	r->ram_kib = 2096128;
	r->state = RECORD_STATE_HIBERNATING;
}

static void
fill_host(struct hv_host *h, unsigned int major, unsigned int minor)
{
	memset(h, 0, sizeof(*h));
	h->xen_major = major;
	h->xen_minor = minor;
	strcpy(h->xen_extra, ".3");
	h->has_features = true;
	h->features = 0x000c0000 | 0x2000 | 0x800;	/* 18 19 13, dom0 11 */
	h->physcaps = HV_PHYSCAP_HVM | HV_PHYSCAP_PV;
}

static void
fill_dom(struct hv_domain *d, uint32_t domid, const uint8_t *uuid)
{
	memset(d, 0, sizeof(*d));
	d->domid = domid;
	memcpy(d->uuid, uuid, 16);
	d->flags = HV_DOM_RUNNING | HV_DOM_HVM;
	d->max_vcpus = 2;
	d->online_vcpus = 2;
	d->max_pages = 2098176 / 4;
	d->tot_pages = d->max_pages;
	d->type = GUEST_HVM;
}

static void
fill_report(struct guest_report *g, enum guest_state st, uint64_t seq,
    bool with_record)
{
	memset(g, 0, sizeof(*g));
	g->schema = 1;
	g->state = st;
	g->seq = seq;
	g->updated = 1732200000 + (int64_t)seq;
	record_init(&g->rec);
	if (with_record) {
		fill_record(&g->rec, seq);
		if (st != GUEST_STATE_HIBERNATING)
			g->rec.state = RECORD_STATE_RUNNING;
		g->has_record = true;
	}
}

/* An entry that hibernated on (host, dom) and whose domain went away. */
static void
hibernated_entry(struct dom0d_entry *e, const struct hv_host *h,
    const struct hv_domain *d)
{
	struct guest_report g;
	struct dom0d_facts f = { .dom = d, .host = h, .gnttab = 1,
	    .now = 1000 };

	dom0d_entry_init(e, d->uuid);
	ck_assert(dom0d_ingest_created(e, d, 900) & DOM0D_CHANGED);
	fill_report(&g, GUEST_STATE_HIBERNATING, 7, true);
	dom0d_ingest_report(e, &g, &f);
	dom0d_ingest_shutdown(e, HV_SHUTDOWN_POWEROFF, 1001);
	dom0d_ingest_gone(e, 1002);
	ck_assert_int_eq(e->phase, PHASE_HIBERNATED);
}

static bool
has_diff(const struct dom0d_check *c, enum field f, enum severity s)
{
	size_t i;

	for (i = 0; i < c->diffs.n; i++)
		if (c->diffs.d[i].field == f && c->diffs.d[i].severity == s)
			return true;
	return false;
}

/*
 * Entry codec.
 */
START_TEST(test_entry_roundtrip)
{
	struct dom0d_entry e, back;
	struct hv_host h;
	struct hv_domain d;
	char buf[DOM0D_ENTRY_MAX_SIZE], again[DOM0D_ENTRY_MAX_SIZE];
	int n, m;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	strcpy(e.name, "web \"1\"");
	e.verdict = HOST_VERDICT_UNSAFE;
	e.verdict_fields = (1u << FIELD_VCPUS) | (1u << FIELD_RAM);
	e.verdict_seq = 7;
	e.verdict_time = 1234;
	strcpy(e.verdict_reason, "vcpus: image 2, here 4");
	e.soft_resets = 2;
	n = dom0d_entry_encode(&e, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(dom0d_entry_decode(buf, (size_t)n, &back), 0);
	ck_assert_mem_eq(back.uuid, UUID_A, 16);
	ck_assert_str_eq(back.name, "web \"1\"");
	ck_assert_int_eq(back.phase, PHASE_HIBERNATED);
	ck_assert(back.has_record);
	ck_assert_uint_eq(back.rec.seq, 7);
	ck_assert_str_eq(back.rec.kernel_release, "6.1.0-28-amd64");
	ck_assert(back.has_snapshot);
	ck_assert_uint_eq(back.snap.max_pages, d.max_pages);
	ck_assert_uint_eq(back.snap.max_vcpus, 2);
	ck_assert_int_eq(back.snap.type, GUEST_HVM);
	ck_assert_str_eq(back.snap.xen_extra, ".3");
	ck_assert_uint_eq(back.verdict_fields, e.verdict_fields);
	ck_assert_int_eq(back.last_shutdown, HV_SHUTDOWN_POWEROFF);
	ck_assert_uint_eq(back.hibernations, 1);
	ck_assert_uint_eq(back.soft_resets, 2);
	/* Encoding the decoded entry gives the same text. */
	m = dom0d_entry_encode(&back, again, sizeof(again));
	ck_assert_int_eq(m, n);
	ck_assert_mem_eq(again, buf, (size_t)n);
	/* Too small a buffer. */
	ck_assert_int_eq(dom0d_entry_encode(&e, buf, 100), -ENOBUFS);
}
END_TEST

static int
decode_text(const char *text)
{
	struct dom0d_entry e;

	return dom0d_entry_decode(text, strlen(text), &e);
}

START_TEST(test_entry_decode_errors)
{
	static const char head[] = "xen-handover-dom0d-entry 1\n";
	static const char uuid[] =
	    "uuid=6f0b2e1a-3344-4566-8788-99aabbccdd01\n";
	char buf[DOM0D_ENTRY_MAX_SIZE + 64], *p;
	struct dom0d_entry e;
	struct hv_host h;
	struct hv_domain d;
	int n;

	snprintf(buf, sizeof(buf), "%s%sphase=running\n", head, uuid);
	ck_assert_int_eq(decode_text(buf), 0);
	/* Unknown keys from a newer writer are ignored. */
	snprintf(buf, sizeof(buf), "%s%sphase=running\nfuture=1\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), 0);
	ck_assert_int_eq(decode_text("xen-handover-dom0d-entry 2\n"),
	    -EBADMSG);
	ck_assert_int_eq(decode_text(""), -EBADMSG);
	snprintf(buf, sizeof(buf), "%s%sphase=running\nno equals\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), -EBADMSG);
	snprintf(buf, sizeof(buf), "%s%sphase=running\nname=a\tb\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), -EILSEQ);
	snprintf(buf, sizeof(buf), "%s%sphase=running", head, uuid);
	ck_assert_int_eq(decode_text(buf), -EILSEQ);	/* unterminated */
	snprintf(buf, sizeof(buf), "%s%sphase=running\nphase=closed\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), -ENOTUNIQ);
	snprintf(buf, sizeof(buf), "%sphase=running\n", head);
	ck_assert_int_eq(decode_text(buf), -ENOKEY);
	snprintf(buf, sizeof(buf), "%s%s", head, uuid);
	ck_assert_int_eq(decode_text(buf), -ENOKEY);
	snprintf(buf, sizeof(buf), "%s%sphase=sleeping\n", head, uuid);
	ck_assert_int_eq(decode_text(buf), -EINVAL);
	snprintf(buf, sizeof(buf), "%s%sphase=running\ndomid=007\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), -EINVAL);
	snprintf(buf, sizeof(buf), "%s%sphase=running\ndomid=32752\n", head,
	    uuid);
	ck_assert_int_eq(decode_text(buf), -EINVAL);
	snprintf(buf, sizeof(buf), "%s%sphase=running\nverdict-fields=ram,"
	    "ram\n", head, uuid);
	ck_assert_int_eq(decode_text(buf), -EINVAL);
	/* A record whose CRC does not match is refused. */
	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	n = dom0d_entry_encode(&e, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	p = strstr(buf, "record=");
	ck_assert_ptr_nonnull(p);
	p += strlen("record=") + 60;	/* a payload byte's hex digit */
	*p = *p == '0' ? '1' : '0';
	ck_assert_int_eq(dom0d_entry_decode(buf, (size_t)n, &e), -EINVAL);
	ck_assert(!e.has_record);	/* reset, never half-filled */
	/* Larger than an entry may be. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(dom0d_entry_decode(buf, DOM0D_ENTRY_MAX_SIZE + 1,
	    &e), -EMSGSIZE);
}
END_TEST

START_TEST(test_fields_and_names)
{
	char buf[DOM0D_FIELDS_TEXT_MAX];
	uint32_t f;

	dom0d_fields_to_string((1u << FIELD_VCPUS) | (1u << FIELD_GNTTAB),
	    buf, sizeof(buf));
	ck_assert_str_eq(buf, "gnttab,vcpus");
	ck_assert_int_eq(dom0d_fields_from_string(buf, &f), 0);
	ck_assert_uint_eq(f, (1u << FIELD_VCPUS) | (1u << FIELD_GNTTAB));
	ck_assert_int_eq(dom0d_fields_from_string("", &f), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(dom0d_fields_from_string("vcpus,", &f), -EINVAL);
	ck_assert_int_eq(dom0d_fields_from_string("cpus", &f), -EINVAL);
	ck_assert_int_eq(dom0d_phase_from_string("hibernated"),
	    PHASE_HIBERNATED);
	ck_assert_int_eq(dom0d_phase_from_string("Hibernated"), -EINVAL);
	ck_assert_str_eq(dom0d_outcome_to_string(OUTCOME_NOT_RESUMED),
	    "not-resumed");
	ck_assert_int_eq(hv_shutdown_from_string("soft_reset"),
	    HV_SHUTDOWN_SOFT_RESET);
	ck_assert_ptr_null(hv_shutdown_to_string(6));
	dom0d_sanitize_name("a\nb\x80" "c", 5, buf, sizeof(buf));
	ck_assert_str_eq(buf, "a?b?c");
}
END_TEST

/*
 * Transitions.
 */
START_TEST(test_ingest_cycle)
{
	struct dom0d_entry e;
	struct guest_report g;
	struct hv_host h;
	struct hv_domain d, d2;
	struct dom0d_facts f;
	unsigned int fl;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	f = (struct dom0d_facts){ .dom = &d, .host = &h, .gnttab = 1,
	    .now = 100 };
	dom0d_entry_init(&e, UUID_A);
	fill_report(&g, GUEST_STATE_RUNNING, 1, true);
	fl = dom0d_ingest_report(&e, &g, &f);
	ck_assert_uint_eq(fl & (DOM0D_PHASE | DOM0D_VALIDATE),
	    DOM0D_PHASE | DOM0D_VALIDATE);
	ck_assert_int_eq(e.phase, PHASE_RUNNING);
	ck_assert(!dom0d_entry_pending(&e));
	/* The same publication read twice: nothing. */
	ck_assert_uint_eq(dom0d_ingest_report(&e, &g, &f), 0);

	fill_report(&g, GUEST_STATE_HIBERNATING, 2, true);
	fl = dom0d_ingest_report(&e, &g, &f);
	ck_assert(fl & DOM0D_PHASE);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATING);
	ck_assert(dom0d_entry_pending(&e));
	ck_assert(e.has_snapshot);
	ck_assert_uint_eq(e.snap.max_pages, d.max_pages);
	ck_assert_int_eq(e.snap.gnttab, 1);
	ck_assert_uint_eq(e.hibernations, 1);

	/* A soft reset does not end it; a poweroff does. */
	fl = dom0d_ingest_shutdown(&e, HV_SHUTDOWN_SOFT_RESET, 101);
	ck_assert(!(fl & DOM0D_PHASE));
	ck_assert_uint_eq(e.soft_resets, 1);
	fl = dom0d_ingest_shutdown(&e, HV_SHUTDOWN_POWEROFF, 102);
	ck_assert(fl & DOM0D_PHASE);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATED);

	/* Recreated: a new domid with the UUID. */
	fill_dom(&d2, 9, UUID_A);
	fl = dom0d_ingest_created(&e, &d2, 103);
	ck_assert_uint_eq(fl & (DOM0D_PHASE | DOM0D_VALIDATE),
	    DOM0D_PHASE | DOM0D_VALIDATE);
	ck_assert_int_eq(e.phase, PHASE_RESUMING);
	ck_assert_uint_eq(e.domid, 9);

	/* Resumed with its own running record: closed, clean. */
	f.dom = &d2;
	fill_report(&g, GUEST_STATE_RESUMED, 3, true);
	fl = dom0d_ingest_report(&e, &g, &f);
	ck_assert(fl & DOM0D_CLOSED);
	ck_assert_int_eq(e.phase, PHASE_CLOSED);
	ck_assert_int_eq(e.outcome, OUTCOME_RESUMED);
	ck_assert_uint_eq(e.cross_fields, 0);
	ck_assert_uint_eq(e.resumes, 1);
	ck_assert_uint_eq(e.rec.seq, 2);	/* the image's record stays */
	ck_assert(!dom0d_entry_pending(&e));

	/* Running afterwards: a running entry again. */
	fill_report(&g, GUEST_STATE_RUNNING, 4, true);
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.phase, PHASE_RUNNING);
	ck_assert_uint_eq(e.rec.seq, 4);
	ck_assert_int_eq(e.outcome, OUTCOME_RESUMED);	/* the last one */
}
END_TEST

START_TEST(test_ingest_edges)
{
	struct dom0d_entry e;
	struct guest_report g;
	struct hv_host h;
	struct hv_domain d, d2;
	struct dom0d_facts f;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	fill_dom(&d2, 9, UUID_A);
	f = (struct dom0d_facts){ .dom = &d, .host = &h, .gnttab = 1,
	    .now = 100 };

	/* Hibernation aborted: running again from the same domain. */
	dom0d_entry_init(&e, UUID_A);
	dom0d_ingest_created(&e, &d, 1);
	fill_report(&g, GUEST_STATE_HIBERNATING, 2, true);
	dom0d_ingest_report(&e, &g, &f);
	fill_report(&g, GUEST_STATE_RUNNING, 3, true);
	ck_assert(dom0d_ingest_report(&e, &g, &f) & DOM0D_CLOSED);
	ck_assert_int_eq(e.phase, PHASE_RUNNING);
	ck_assert_int_eq(e.outcome, OUTCOME_ABORTED);

	/* The image was not resumed: the guest booted afresh. */
	hibernated_entry(&e, &h, &d);
	dom0d_ingest_created(&e, &d2, 200);
	f.dom = &d2;
	fill_report(&g, GUEST_STATE_RUNNING, 20, true);
	ck_assert(dom0d_ingest_report(&e, &g, &f) & DOM0D_CLOSED);
	ck_assert_int_eq(e.outcome, OUTCOME_NOT_RESUMED);
	ck_assert_uint_eq(e.rec.seq, 7);

	/* The gate refused and kept the image: still pending. */
	hibernated_entry(&e, &h, &d);
	dom0d_ingest_created(&e, &d2, 200);
	fill_report(&g, GUEST_STATE_REFUSED_LAST_BOOT, 21, false);
	strcpy(g.gate, "refuse");
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.phase, PHASE_RESUMING);
	ck_assert(dom0d_entry_pending(&e));
	ck_assert_uint_eq(e.refusals, 1);
	/* Destroyed before it reported again: back to hibernated. */
	ck_assert(dom0d_ingest_gone(&e, 300) & DOM0D_PHASE);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATED);

	/* Degraded after a resume; the cross-check saw grant v2. */
	dom0d_ingest_created(&e, &d2, 301);
	fill_report(&g, GUEST_STATE_DEGRADED, 22, false);
	f.gnttab = 2;
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.outcome, OUTCOME_DEGRADED);
	ck_assert_uint_eq(e.cross_fields, 1u << FIELD_GNTTAB);

	/* A resumed guest whose kernel is another build: mismatch. */
	hibernated_entry(&e, &h, &d);
	dom0d_ingest_created(&e, &d2, 200);
	f.gnttab = 1;
	fill_report(&g, GUEST_STATE_RESUMED, 23, true);
	g.rec.build_id[0] ^= 1;
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.outcome, OUTCOME_RESUMED_MISMATCH);
	ck_assert(e.cross_fields & (1u << FIELD_BUILD_ID));

	/* dom0d restarted while the guest wrote its image: same domain. */
	dom0d_entry_init(&e, UUID_A);
	dom0d_ingest_created(&e, &d, 1);
	fill_report(&g, GUEST_STATE_HIBERNATING, 2, true);
	f.dom = &d;
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_uint_eq(dom0d_ingest_created(&e, &d, 5) & DOM0D_PHASE, 0);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATING);

	/* An image refused at boot that dom0d never saw hibernate. */
	dom0d_entry_init(&e, UUID_B);
	fill_report(&g, GUEST_STATE_REFUSED_LAST_BOOT, 5, true);
	g.rec.state = RECORD_STATE_HIBERNATING;
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATED);
	ck_assert(!e.has_snapshot);

	/* Hibernating without a record: nothing to judge. */
	dom0d_entry_init(&e, UUID_B);
	fill_report(&g, GUEST_STATE_HIBERNATING, 5, false);
	dom0d_ingest_report(&e, &g, &f);
	ck_assert_int_eq(e.phase, PHASE_HIBERNATING);
	ck_assert(!dom0d_entry_pending(&e));
}
END_TEST

/*
 * Validation.
 */
START_TEST(test_validate_safe_and_domain_changes)
{
	struct dom0d_entry e;
	struct dom0d_check c;
	struct hv_host h;
	struct hv_domain d, now;
	struct dom0d_view v;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	fill_dom(&now, 9, UUID_A);
	v = (struct dom0d_view){ .host = &h, .dom = &now, .gnttab = 1,
	    .settled = true };
	ck_assert_int_eq(dom0d_validate(&e, &v, &c), 0);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	ck_assert_int_eq(c.scope, SCOPE_DOMAIN);
	ck_assert_uint_eq(c.fields, 0);
	ck_assert_str_eq(c.reason, "host matches the record");

	/* vCPUs and maxmem changed: both critical, not repairable. */
	now.max_vcpus = 4;
	now.max_pages += 256;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, (1u << FIELD_VCPUS) | (1u << FIELD_RAM));
	ck_assert(!c.repairable);
	ck_assert(strstr(c.reason, "vcpus: image 2, here 4") != NULL);

	/* Guest type. */
	fill_dom(&now, 9, UUID_A);
	now.type = GUEST_PVH;
	dom0d_validate(&e, &v, &c);
	ck_assert_uint_eq(c.fields, 1u << FIELD_GUEST_TYPE);

	/* Unknown to the hypervisor (Arm): the snapshot's type counts. */
	now.type = GUEST_UNKNOWN;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);

	/* Without a snapshot the record's RAM bounds maxmem from below. */
	e.has_snapshot = false;
	fill_dom(&now, 9, UUID_A);
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert(c.unknown & (1u << FIELD_RAM));
	now.max_pages = 1048576 / 4;	/* 1 GiB < 2 GiB of RAM */
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, 1u << FIELD_RAM);

	/* No live domain: the host alone. */
	hibernated_entry(&e, &h, &d);
	v.dom = NULL;
	v.gnttab = -1;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.scope, SCOPE_HOST);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);

	/* Nothing pending: unknown, and says why. */
	e.phase = PHASE_RUNNING;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert_str_eq(c.reason, "no hibernation image pending");
	ck_assert_int_eq(dom0d_validate(&e, NULL, &c), -EINVAL);
}
END_TEST

START_TEST(test_validate_gnttab)
{
	struct dom0d_entry e;
	struct dom0d_check c;
	struct hv_host h;
	struct hv_domain d, now;
	struct dom0d_view v;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	e.rec.gnttab_version = 2;
	fill_dom(&now, 9, UUID_A);
	v = (struct dom0d_view){ .host = &h, .dom = &now, .gnttab = 1,
	    .settled = false };
	/* v1 may be Xen's initial value: pending until settled. */
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert(c.pending);
	ck_assert(strstr(c.reason, "gnttab") != NULL);
	v.settled = true;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, 1u << FIELD_GNTTAB);
	ck_assert(!c.pending);
	/* The guest's gate can fix it by kexec on HVM with Xen >= 4.7. */
	ck_assert(c.repairable);
	/* v2 matches at once. */
	v.settled = false;
	v.gnttab = 2;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	/* A v1 image and a kernel that chose v2: unsafe even unsettled. */
	e.rec.gnttab_version = 1;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	/* 0 is Xen < 4.12 before the kernel set its table up. */
	v.gnttab = 0;
	dom0d_validate(&e, &v, &c);
	ck_assert(c.pending);
	/* The hypervisor could not tell: unknown. */
	v.gnttab = -EPERM;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert(c.unknown & (1u << FIELD_GNTTAB));
}
END_TEST

START_TEST(test_validate_xen)
{
	struct dom0d_entry e;
	struct dom0d_check c;
	struct hv_host h, h2;
	struct hv_domain d, now;
	struct dom0d_view v;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	fill_dom(&now, 9, UUID_A);
	v = (struct dom0d_view){ .host = &h2, .dom = &now, .gnttab = 1,
	    .settled = true };

	/* A newer Xen: information only. */
	fill_host(&h2, 4, 19);
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	ck_assert(has_diff(&c, FIELD_XEN_VERSION, SEV_INFO));

	/* A host-wide feature (runstate_phys_area, 18) gone: unsafe. */
	h2.features &= ~(1u << 18);
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, 1u << FIELD_XEN_FEATURES);
	/* Bits that depend on the caller's type are not compared: dom0's
	 * view lacks hvm_callback_vector (8) the HVM image has. */
	fill_host(&h2, 4, 17);
	ck_assert(e.rec.xen_features & (1u << 8));
	ck_assert(!(h2.features & (1u << 8)));
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);

	/* A FIFO image on Xen 4.3. */
	fill_host(&h2, 4, 3);
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert(has_diff(&c, FIELD_EVTCHN, SEV_CRITICAL));
	ck_assert(!c.repairable);

	/* Seed 001: 2-level from Xen 4.3, unpinned, host now 4.17. */
	e.rec.evtchn = EVTCHN_2L;
	e.rec.xen_minor = 3;
	fill_host(&h2, 4, 17);
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, 1u << FIELD_EVTCHN);
	ck_assert(c.repairable);	/* HVM, Xen >= 4.7: kexec repair */
	now.type = GUEST_PVH;
	e.rec.guest_type = GUEST_PVH;
	e.snap.type = GUEST_PVH;
	dom0d_validate(&e, &v, &c);
	ck_assert(!c.repairable);	/* libxl soft-resets HVM only */
	/* Pinned with xen.fifo_events=0: safe. */
	e.rec.knob_fifo_events = 0;
	dom0d_validate(&e, &v, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
}
END_TEST

START_TEST(test_preflight)
{
	struct dom0d_entry e;
	struct dom0d_check c;
	struct hv_host h;
	struct hv_domain d;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	ck_assert_int_eq(dom0d_preflight(&e, 4, 19, false, 0, &c), 0);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	ck_assert_int_eq(c.scope, SCOPE_HOST);
	dom0d_preflight(&e, 4, 3, false, 0, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert(has_diff(&c, FIELD_EVTCHN, SEV_CRITICAL));
	/* Features given: the host-wide bits must stay. */
	dom0d_preflight(&e, 4, 19, true, 0x00080000, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert_uint_eq(c.fields, 1u << FIELD_XEN_FEATURES);
	dom0d_preflight(&e, 4, 19, true, 0x000c2000, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	/* 2-level, unpinned, recorded on 4.3: a 4.4+ Xen breaks it, and
	 * only from 4.7 on can the gate repair it (soft reset). */
	e.rec.evtchn = EVTCHN_2L;
	e.rec.xen_minor = 3;
	dom0d_preflight(&e, 4, 5, false, 0, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNSAFE);
	ck_assert(!c.repairable);
	dom0d_preflight(&e, 4, 17, false, 0, &c);
	ck_assert(c.repairable);
	dom0d_preflight(&e, 4, 3, false, 0, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_SAFE);
	/* 2-level from a Xen that has FIFO but did not offer it. */
	e.rec.xen_minor = 17;
	dom0d_preflight(&e, 4, 19, false, 0, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert(has_diff(&c, FIELD_EVTCHN, SEV_WARN));
	/* Not pending. */
	e.phase = PHASE_CLOSED;
	dom0d_preflight(&e, 4, 3, false, 0, &c);
	ck_assert_int_eq(c.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert_int_eq(dom0d_preflight(&e, 70000, 0, false, 0, &c),
	    -EINVAL);
}
END_TEST

START_TEST(test_crosscheck_and_versions)
{
	struct record img, res;
	unsigned int a, b;

	fill_record(&img, 2);
	fill_record(&res, 3);
	res.state = RECORD_STATE_RUNNING;
	ck_assert_uint_eq(dom0d_crosscheck(&img, &res, 1), 0);
	ck_assert_uint_eq(dom0d_crosscheck(&img, NULL, 2),
	    1u << FIELD_GNTTAB);
	res.evtchn = EVTCHN_2L;
	res.vcpus_possible = 4;
	ck_assert_uint_eq(dom0d_crosscheck(&img, &res, -1),
	    (1u << FIELD_EVTCHN) | (1u << FIELD_VCPUS));
	ck_assert_int_eq(dom0d_parse_xen_version("4.19", &a, &b), 0);
	ck_assert_uint_eq(a, 4);
	ck_assert_uint_eq(b, 19);
	ck_assert_int_eq(dom0d_parse_xen_version("4", &a, &b), -EINVAL);
	ck_assert_int_eq(dom0d_parse_xen_version("4.", &a, &b), -EINVAL);
	ck_assert_int_eq(dom0d_parse_xen_version("04.1", &a, &b), -EINVAL);
	ck_assert_int_eq(dom0d_parse_xen_version("4.1.2", &a, &b), -EINVAL);
	ck_assert_int_eq(dom0d_parse_xen_version("4.65536", &a, &b),
	    -EINVAL);
}
END_TEST

/*
 * The hypervisor fixture and the seam's helpers.
 */
static char tmpdir[64];

static void
tmp_setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/dom0-check.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
rm_rf(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}

static void
tmp_teardown(void)
{
	rm_rf(tmpdir);
}

static void
write_file(const char *path, const char *text)
{
	char tmp[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

START_TEST(test_fixture)
{
	char path[128], err[160];
	struct hv_domain *list, one;
	struct hv_host h;
	struct hv *hv;
	int n;

	snprintf(path, sizeof(path), "%s/hv", tmpdir);
	write_file(path,
	    "# a host\n"
	    "xen 4.17.3\n"
	    "features 0x000c2705\n"
	    "physcaps hvm pv gnttab_v1\n"
	    "host total-kib=16777216 cpus=8\n"
	    "\n"
	    "domain 7 uuid=6f0b2e1a-3344-4566-8788-99aabbccdd01 type=hvm "
	    "vcpus=4 maxmem=2098176 gnttab=2 shutdown=soft_reset\n"
	    "domain 3 uuid=6f0b2e1a33444566878899aabbccdd02 type=pvh "
	    "state=paused gnttab=esrch\n");
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)), 0);
	ck_assert_int_eq(hv_host(hv, &h), 0);
	ck_assert_uint_eq(h.xen_major, 4);
	ck_assert_uint_eq(h.xen_minor, 17);
	ck_assert_str_eq(h.xen_extra, ".3");
	ck_assert(h.has_features);
	ck_assert_uint_eq(h.features, 0x000c2705);
	ck_assert_uint_eq(h.physcaps, HV_PHYSCAP_HVM | HV_PHYSCAP_PV |
	    HV_PHYSCAP_GNTTAB_V1);
	ck_assert_uint_eq(h.total_pages, 16777216 / 4);
	n = hv_list_all(hv, 100, &list);
	ck_assert_int_eq(n, 2);
	ck_assert_uint_eq(list[0].domid, 3);	/* ascending */
	ck_assert_int_eq(list[0].type, GUEST_PVH);
	ck_assert(list[0].flags & HV_DOM_PAUSED);
	ck_assert(list[0].flags & HV_DOM_HVM);
	ck_assert_uint_eq(list[1].domid, 7);
	ck_assert_mem_eq(list[1].uuid, UUID_A, 16);
	ck_assert_uint_eq(list[1].max_vcpus, 4);
	ck_assert_uint_eq(list[1].max_pages, 2098176 / 4);
	ck_assert(list[1].flags & HV_DOM_SHUTDOWN);
	ck_assert_uint_eq(list[1].shutdown_reason, HV_SHUTDOWN_SOFT_RESET);
	free(list);
	ck_assert_int_eq(hv_gnttab_version(hv, 7), 2);
	ck_assert_int_eq(hv_gnttab_version(hv, 3), -ESRCH);
	ck_assert_int_eq(hv_gnttab_version(hv, 4), -ESRCH);
	ck_assert_int_eq(hv_domain_get(hv, 7, &one), 0);
	ck_assert_int_eq(hv_domain_get(hv, 5, &one), -ESRCH);

	/* A new file is picked up; a broken one keeps the last view and
	 * fails every call. */
	write_file(path, "xen 4.19\ndomain 1 uuid=6f0b2e1a-3344-4566-8788-"
	    "99aabbccdd01\n");
	ck_assert_int_eq(hv_host(hv, &h), 0);
	ck_assert_uint_eq(h.xen_minor, 19);
	ck_assert_int_eq(hv_list_all(hv, 100, &list), 1);
	free(list);
	write_file(path, "xen 4.19\ndomain 1 uuid=nope\n");
	ck_assert_int_eq(hv_host(hv, &h), -EINVAL);
	ck_assert_int_eq(hv_reload(hv), -EINVAL);
	hv_free(hv);

	/* Errors name the line. */
	write_file(path, "xen 4.17\n\nbogus\n");
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)),
	    -EINVAL);
	ck_assert(strstr(err, "line 3") != NULL);
	write_file(path, "domain 1 uuid=6f0b2e1a-3344-4566-8788-99aabbccdd01\n"
	    "domain 1 uuid=6f0b2e1a-3344-4566-8788-99aabbccdd02\n");
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)),
	    -EINVAL);
	ck_assert(strstr(err, "twice") != NULL);
	write_file(path, "domain 32752 uuid=6f0b2e1a-3344-4566-8788-"
	    "99aabbccdd01\n");
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)),
	    -EINVAL);
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)),
	    -ENOENT);
}
END_TEST

START_TEST(test_fixture_many)
{
	char path[128], err[160], line[128];
	struct hv_domain *list;
	struct hv *hv;
	FILE *f;
	int i, n;

	/* More domains than one list() chunk holds. */
	snprintf(path, sizeof(path), "%s/hv", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("xen 4.17\n", f);
	for (i = 1; i <= 1000; i++) {
		snprintf(line, sizeof(line), "domain %d uuid=%08x-0000-0000-"
		    "0000-000000000000\n", i * 3, i);
		fputs(line, f);
	}
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(hv_fixture_open(path, &hv, err, sizeof(err)), 0);
	n = hv_list_all(hv, HV_DOMID_LIMIT, &list);
	ck_assert_int_eq(n, 1000);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(list[i].domid, (uint32_t)(i + 1) * 3);
	free(list);
	n = hv_list_all(hv, 10, &list);
	ck_assert_int_eq(n, 10);
	free(list);
	hv_free(hv);
}
END_TEST

START_TEST(test_xenctrl_without_xen)
{
	struct hv *hv = NULL;
	int r = hv_xenctrl_open(&hv);

	/* Here (no hypervisor) it fails cleanly, with an errno. */
	if (access("/dev/xen/privcmd", F_OK) != 0 &&
	    access("/proc/xen/privcmd", F_OK) != 0) {
		ck_assert_int_lt(r, 0);
		ck_assert_ptr_null(hv);
	} else if (r == 0) {
		struct hv_host h;

		ck_assert_int_eq(hv_host(hv, &h), 0);
		ck_assert_uint_ge(h.xen_major, 3);
		hv_free(hv);
	}
}
END_TEST

START_TEST(test_guest_type_rule)
{
	ck_assert_int_eq(hv_guest_type(false, 0), GUEST_PV);
	ck_assert_int_eq(hv_guest_type(true, 1), GUEST_PVH);	/* LAPIC */
	ck_assert_int_eq(hv_guest_type(true, 0), GUEST_PVH);
	ck_assert_int_eq(hv_guest_type(true, 0x3ff), GUEST_HVM);
}
END_TEST

/*
 * The state directory and the Prometheus file.
 */
struct walk {
	int n, bad;
	char phases[8][16];
};

static int
walk_cb(const struct dom0d_entry *e, void *userdata)
{
	struct walk *w = userdata;

	if (w->n < 8)
		snprintf(w->phases[w->n], sizeof(w->phases[0]), "%s",
		    dom0d_phase_to_string(e->phase));
	w->n++;
	return 0;
}

static void
walk_bad(const char *name, int err, void *userdata)
{
	struct walk *w = userdata;

	(void)name;
	ck_assert_int_lt(err, 0);
	w->bad++;
}

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' || (de->d_name[1] &&
		    strcmp(de->d_name, "..") != 0))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_store)
{
	struct dom0d_store *s;
	struct dom0d_entry e, back;
	struct hv_host h;
	struct hv_domain d;
	struct walk w = { 0 };
	char path[256], sub[128];
	struct stat st;

	snprintf(sub, sizeof(sub), "%s/state", tmpdir);
	ck_assert_int_eq(dom0d_store_open(sub, false, &s), -ENOENT);
	ck_assert_int_eq(dom0d_store_open(sub, true, &s), 0);
	snprintf(path, sizeof(path), "%s/domains", sub);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0700);
	ck_assert_int_eq(dom0d_store_load(s, UUID_A, &back), -ENOENT);

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e, &h, &d);
	ck_assert_int_eq(dom0d_store_save(s, &e), 0);
	ck_assert_int_eq(dom0d_store_load(s, UUID_A, &back), 0);
	ck_assert_int_eq(back.phase, PHASE_HIBERNATED);
	ck_assert_uint_eq(back.rec.seq, 7);
	/* Saved again over itself; no temporary file left behind. */
	e.phase = PHASE_RESUMING;
	ck_assert_int_eq(dom0d_store_save(s, &e), 0);
	ck_assert_int_eq(count_files(path), 1);
	snprintf(path, sizeof(path), "%s/domains/6f0b2e1a-3344-4566-8788-"
	    "99aabbccdd01", sub);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);

	dom0d_entry_init(&e, UUID_B);
	e.phase = PHASE_RUNNING;
	ck_assert_int_eq(dom0d_store_save(s, &e), 0);
	/* A damaged file, a file under another UUID's name, and names
	 * that are not entries (ignored). */
	snprintf(path, sizeof(path), "%s/domains/6f0b2e1a-3344-4566-8788-"
	    "99aabbccdd03", sub);
	write_file(path, "garbage\n");
	snprintf(path, sizeof(path), "%s/domains/6f0b2e1a-3344-4566-8788-"
	    "99aabbccdd04", sub);
	write_file(path, "xen-handover-dom0d-entry 1\nuuid=6f0b2e1a-3344-"
	    "4566-8788-99aabbccdd01\nphase=running\n");
	snprintf(path, sizeof(path), "%s/domains/README", sub);
	write_file(path, "not an entry\n");
	ck_assert_int_eq(dom0d_store_foreach(s, walk_cb, walk_bad, &w), 0);
	ck_assert_int_eq(w.n, 2);
	ck_assert_int_eq(w.bad, 2);
	ck_assert_str_eq(w.phases[0], "resuming");	/* ...dd01 first */
	ck_assert_str_eq(w.phases[1], "running");
	{
		uint8_t u4[16];

		memcpy(u4, UUID_A, 16);
		u4[15] = 0x04;
		ck_assert_int_eq(dom0d_store_load(s, u4, &back), -EBADMSG);
	}
	ck_assert_int_eq(dom0d_store_remove(s, UUID_B), 0);
	ck_assert_int_eq(dom0d_store_remove(s, UUID_B), 0);
	ck_assert_int_eq(dom0d_store_load(s, UUID_B, &back), -ENOENT);
	dom0d_store_close(s);
}
END_TEST

START_TEST(test_prometheus)
{
	struct dom0d_entry e[2];
	struct dom0d_check pre[2];
	struct dom0d_prom_row rows[2];
	struct dom0d_counters c = { .events = 12, .rejected = 3 };
	struct hv_host h;
	struct hv_domain d;
	char path[128], text[16384];
	FILE *f;
	size_t n;

	fill_host(&h, 4, 17);
	fill_dom(&d, 5, UUID_A);
	hibernated_entry(&e[0], &h, &d);
	strcpy(e[0].name, "we\"b\\1");
	e[0].verdict = HOST_VERDICT_SAFE;
	dom0d_entry_init(&e[1], UUID_B);
	e[1].phase = PHASE_RUNNING;
	dom0d_preflight(&e[0], 4, 3, false, 0, &pre[0]);
	dom0d_preflight(&e[1], 4, 3, false, 0, &pre[1]);
	memset(rows, 0, sizeof(rows));
	rows[0].e = &e[0];
	rows[0].preflight = &pre[0];
	rows[1].e = &e[1];
	rows[1].preflight = &pre[1];
	snprintf(path, sizeof(path), "%s/metrics.prom", tmpdir);
	ck_assert_int_eq(dom0d_prom_write(path, rows, 2, "4.3", &c, 99), 0);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert(strstr(text, "xen_handover_domain_phase{uuid=\"6f0b2e1a-"
	    "3344-4566-8788-99aabbccdd01\",name=\"we\\\"b\\\\1\","
	    "phase=\"hibernated\"} 1\n") != NULL);
	ck_assert(strstr(text, "xen_handover_domain_image_pending{uuid=\""
	    "6f0b2e1a-3344-4566-8788-99aabbccdd02\",name=\"\"} 0\n") != NULL);
	ck_assert(strstr(text, "xen_handover_pending_images{verdict=\"safe\"}"
	    " 1\n") != NULL);
	ck_assert(strstr(text, "xen_handover_preflight_images{target=\"4.3\","
	    "verdict=\"unsafe\"} 1\n") != NULL);
	ck_assert(strstr(text, "xen_handover_domains{phase=\"running\"} 1\n")
	    != NULL);
	ck_assert(strstr(text, "xen_handover_dom0d_rejected_reports_total 3\n")
	    != NULL);
	ck_assert(strstr(text, "# TYPE xen_handover_domain_resumes_total "
	    "counter\n") != NULL);
	ck_assert(strstr(text, "xen_handover_export_timestamp_seconds 99\n")
	    != NULL);
	/* Without a preflight, no preflight metrics. */
	ck_assert_int_eq(dom0d_prom_write(path, rows, 2, NULL, NULL, 99), 0);
	f = fopen(path, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	ck_assert(strstr(text, "preflight") == NULL);
	ck_assert(strstr(text, "dom0d_") == NULL);
}
END_TEST

START_TEST(test_memory_per_domain)
{
	/* The bound: at most 4 KiB for a domain with its entry. */
	ck_assert_uint_le(dom0d_domain_bytes() + dom0d_entry_bytes(), 4096);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("dom0");
	TCase *tc;

	tc = tcase_create("entry");
	tcase_add_test(tc, test_entry_roundtrip);
	tcase_add_test(tc, test_entry_decode_errors);
	tcase_add_test(tc, test_fields_and_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("ingest");
	tcase_add_test(tc, test_ingest_cycle);
	tcase_add_test(tc, test_ingest_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_test(tc, test_validate_safe_and_domain_changes);
	tcase_add_test(tc, test_validate_gnttab);
	tcase_add_test(tc, test_validate_xen);
	tcase_add_test(tc, test_preflight);
	tcase_add_test(tc, test_crosscheck_and_versions);
	tcase_add_test(tc, test_memory_per_domain);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, test_fixture);
	tcase_add_test(tc, test_fixture_many);
	tcase_add_test(tc, test_guest_type_rule);
	tcase_add_test(tc, test_xenctrl_without_xen);
	tcase_add_test(tc, test_store);
	tcase_add_test(tc, test_prometheus);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
