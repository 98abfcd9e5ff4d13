// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests for the verdict engine (verdict_compare, verdict_decide) and the
 * "can this guest hibernate" check (check_run).
 *
 * The expectations here are written from the project's rules (the brief
 * and linux.md / lab.md), not derived from the code: every table below
 * restates a rule independently, and the loops generate every
 * combination the rules distinguish.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cmdline.h"
#include "conf.h"
#include "record.h"
#include "verdict.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A fully known record: an HVM guest on Xen 4.17.7, FIFO, grant v1. */
static void
baseline(struct record *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	snprintf(r->xen_extra, sizeof(r->xen_extra), ".7");
	r->has_xen_features = true;
	r->xen_features = 0x00012705;	/* lab.md §6, HVM */
	snprintf(r->kernel_release, sizeof(r->kernel_release),
	    "6.1.0-17-amd64");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->has_cmdline = true;
	snprintf(r->cmdline, sizeof(r->cmdline), "root=/dev/xvda1 ro nokaslr");
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->knob_fifo_events = KNOB_UNSET;
	r->knob_gnttab_version = KNOB_UNSET;
	r->kaslr = KASLR_OFF;
	for (i = 0; i < RECORD_DIGEST_SIZE; i++) {
		r->cmdline_digest[i] = (uint8_t)(0x10 + i);
		r->memmap_digest[i] = (uint8_t)(0x40 + i);
	}
	r->vcpus_possible = 2;
	r->ram_kib = 524288;
	r->has_memmap_digest = true;
	r->has_domain_uuid = true;
	for (i = 0; i < 16; i++) {
		r->domain_uuid[i] = (uint8_t)(0x70 + i);
		r->swap.uuid[i] = (uint8_t)(0x90 + i);
	}
	r->swap.has_uuid = true;
}

/* For each field: another known value, and "unknown". */
static void o_guest(struct record *r) { r->guest_type = GUEST_PVH; }
static void u_guest(struct record *r) { r->guest_type = GUEST_UNKNOWN; }
static void o_evtchn(struct record *r)
{
	r->evtchn = EVTCHN_2L;
	r->knob_fifo_events = 0;
}
static void u_evtchn(struct record *r) { r->evtchn = EVTCHN_UNKNOWN; }
static void o_gnttab(struct record *r)
{
	r->gnttab_version = 2;
	r->knob_gnttab_version = 2;
}
static void u_gnttab(struct record *r) { r->gnttab_version = 0; }
static void o_kaslr(struct record *r) { r->kaslr = KASLR_ON; }
static void u_kaslr(struct record *r) { r->kaslr = KASLR_UNKNOWN; }
static void o_build_id(struct record *r) { r->build_id[3] ^= 0xff; }
static void u_build_id(struct record *r) { r->build_id_len = 0; }
static void o_release(struct record *r)
{
	snprintf(r->kernel_release, sizeof(r->kernel_release),
	    "6.1.0-18-amd64");
}
static void u_release(struct record *r) { r->kernel_release[0] = '\0'; }
/* A different command line: another layout parameter, another digest. */
static void o_cmdline(struct record *r)
{
	snprintf(r->cmdline, sizeof(r->cmdline),
	    "root=/dev/xvda1 ro nokaslr mem=768M");
	r->cmdline_digest[0] ^= 0xff;
}
static void u_cmdline(struct record *r)
{
	memset(r->cmdline_digest, 0, sizeof(r->cmdline_digest));
	r->has_cmdline = false;
}
static void o_vcpus(struct record *r) { r->vcpus_possible = 4; }
static void u_vcpus(struct record *r) { r->vcpus_possible = 0; }
static void o_ram(struct record *r) { r->ram_kib = 786432; }
static void u_ram(struct record *r) { r->ram_kib = 0; }
static void o_memmap(struct record *r) { r->memmap_digest[5] ^= 0x01; }
static void u_memmap(struct record *r) { r->has_memmap_digest = false; }
static void o_xenver(struct record *r) { r->xen_minor = 19; }
static void u_xenver(struct record *r) { r->has_xen_version = false; }
/* The "other" side gains bit 3. */
static void o_features(struct record *r) { r->xen_features |= 1u << 3; }
static void u_features(struct record *r) { r->has_xen_features = false; }
static void o_uuid(struct record *r) { r->domain_uuid[15] ^= 0x01; }
static void u_uuid(struct record *r) { r->has_domain_uuid = false; }
static void o_swap(struct record *r) { r->swap.uuid[0] ^= 0x80; }
static void u_swap(struct record *r) { r->swap.has_uuid = false; }

struct outcome {
	bool reported;
	enum severity sev;
	bool fixable;
};

#define NONE { false, SEV_INFO, false }
#define INFO { true, SEV_INFO, false }
#define INFO_FIX { true, SEV_INFO, true }
#define WARN { true, SEV_WARN, false }
#define WARN_FIX { true, SEV_WARN, true }
#define CRIT { true, SEV_CRITICAL, false }
#define CRIT_FIX { true, SEV_CRITICAL, true }

/*
 * The rules, field by field, against the baseline:
 *   differ:     image baseline, boot "other"
 *   reverse:    image "other", boot baseline
 *   unknown:    either side unknown (the other side baseline)
 */
static const struct field_case {
	enum field field;
	void (*other)(struct record *);
	void (*unknown)(struct record *);
	struct outcome differ, reverse, img_unknown, boot_unknown;
} field_cases[] = {
	/* guest type differs: critical, no kexec changes it. */
	{ FIELD_GUEST_TYPE, o_guest, u_guest, CRIT, CRIT, WARN, WARN },
	/* FIFO image vs 2l boot caused by xen.fifo_events=0: fixable;
	 * 2l image vs FIFO boot: fixable with xen.fifo_events=0. */
	{ FIELD_EVTCHN, o_evtchn, u_evtchn, CRIT_FIX, CRIT_FIX, WARN, WARN },
	/* grant version differs: fixable with grant_table.version=. */
	{ FIELD_GNTTAB, o_gnttab, u_gnttab, CRIT_FIX, CRIT_FIX, WARN, WARN },
	/* image off / boot on: nokaslr fixes; image on: never. */
	{ FIELD_KASLR, o_kaslr, u_kaslr, CRIT_FIX, CRIT, WARN, WARN },
	{ FIELD_BUILD_ID, o_build_id, u_build_id, CRIT_FIX, CRIT_FIX, WARN,
	    WARN },
	/* Release differs with equal build-ids: critical, fixable; an
	 * unknown release with equal build-ids proves nothing wrong. */
	{ FIELD_KERNEL_RELEASE, o_release, u_release, CRIT_FIX, CRIT_FIX,
	    NONE, NONE },
	/* The baseline image carries its full command line. */
	{ FIELD_CMDLINE, o_cmdline, u_cmdline, WARN_FIX, WARN_FIX, WARN,
	    WARN },
	{ FIELD_VCPUS, o_vcpus, u_vcpus, CRIT, CRIT, WARN, WARN },
	{ FIELD_RAM, o_ram, u_ram, CRIT, CRIT, WARN, WARN },
	{ FIELD_MEMMAP, o_memmap, u_memmap, CRIT, CRIT, WARN, WARN },
	{ FIELD_XEN_VERSION, o_xenver, u_xenver, INFO, INFO, INFO, INFO },
	/* Boot gains a bit: info. Boot lacks a bit the image had: critical. */
	{ FIELD_XEN_FEATURES, o_features, u_features, INFO, CRIT, WARN,
	    WARN },
	{ FIELD_DOMAIN_UUID, o_uuid, u_uuid, WARN, WARN, WARN, WARN },
	{ FIELD_SWAP, o_swap, u_swap, CRIT, CRIT, WARN, WARN },
};

static const struct field_case *
case_for(enum field f)
{
	size_t i;

	for (i = 0; i < N(field_cases); i++)
		if (field_cases[i].field == f)
			return &field_cases[i];
	return NULL;
}

static const struct difference *
find(const struct diff_list *l, enum field f)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->d[i].field == f)
			return &l->d[i];
	return NULL;
}

static void
assert_outcome(const struct diff_list *l, enum field f,
    const struct outcome *o, const char *what)
{
	const struct difference *d = find(l, f);

	if (!o->reported) {
		ck_assert_msg(d == NULL, "%s: %s: unexpected %s difference",
		    what, field_to_string(f), d ?
		    severity_to_string(d->severity) : "");
		return;
	}
	ck_assert_msg(d != NULL, "%s: %s: difference missing", what,
	    field_to_string(f));
	ck_assert_msg(d->severity == o->sev, "%s: %s: severity %s, want %s",
	    what, field_to_string(f), severity_to_string(d->severity),
	    severity_to_string(o->sev));
	ck_assert_msg(d->fixable == o->fixable, "%s: %s: fixable %d, want %d",
	    what, field_to_string(f), d->fixable, o->fixable);
	/* One sentence, whole (not truncated), values filled in. */
	ck_assert_msg(d->detail[0] != '\0', "%s: empty detail", what);
	ck_assert_msg(strlen(d->detail) < sizeof(d->detail) - 1,
	    "%s: %s: detail truncated: %s", what, field_to_string(f),
	    d->detail);
	ck_assert_msg(d->detail[strlen(d->detail) - 1] == '.',
	    "%s: detail not a sentence: %s", what, d->detail);
	ck_assert_msg(strstr(d->detail, "{}") == NULL, "%s: %s", what,
	    d->detail);
	ck_assert_msg(d->expected[0] && d->found[0], "%s: empty values",
	    what);
}

static int
compare(const struct record *img, const struct record *boot,
    struct diff_list *l)
{
	int n = verdict_compare(img, boot, l);

	ck_assert_int_ge(n, 0);
	ck_assert_int_eq((size_t)n, l->n);
	return n;
}

START_TEST(test_baseline_equal)
{
	struct record a, b;
	struct diff_list l;

	baseline(&a);
	baseline(&b);
	ck_assert_int_eq(compare(&a, &b, &l), 0);
}
END_TEST

/* Each field alone, in each relation, against the baseline. */
START_TEST(test_each_field_each_relation)
{
	size_t i;

	for (i = 0; i < N(field_cases); i++) {
		const struct field_case *fc = &field_cases[i];
		struct {
			const char *name;
			void (*img)(struct record *);
			void (*boot)(struct record *);
			const struct outcome *o;
		} rel[] = {
			{ "differ", NULL, fc->other, &fc->differ },
			{ "reverse", fc->other, NULL, &fc->reverse },
			{ "image unknown", fc->unknown, NULL,
			    &fc->img_unknown },
			{ "boot unknown", NULL, fc->unknown,
			    &fc->boot_unknown },
		};
		const struct outcome none = NONE;
		struct record a, b;
		struct diff_list l;
		size_t k;
		char what[96];

		/* Equal: both sides "other" (known, same). Not for KASLR:
		 * a randomised image is never equal to anything. */
		baseline(&a);
		baseline(&b);
		if (fc->field != FIELD_KASLR) {
			fc->other(&a);
			fc->other(&b);
		}
		snprintf(what, sizeof(what), "%s equal",
		    field_to_string(fc->field));
		compare(&a, &b, &l);
		assert_outcome(&l, fc->field, &none, what);

		for (k = 0; k < N(rel); k++) {
			baseline(&a);
			baseline(&b);
			if (rel[k].img)
				rel[k].img(&a);
			if (rel[k].boot)
				rel[k].boot(&b);
			snprintf(what, sizeof(what), "%s %s",
			    field_to_string(fc->field), rel[k].name);
			compare(&a, &b, &l);
			assert_outcome(&l, fc->field, rel[k].o, what);
			/* Nothing else moved. */
			ck_assert_msg(l.n == (rel[k].o->reported ? 1u : 0u),
			    "%s: %zu differences", what, l.n);
		}
	}
}
END_TEST

/* The expected outcome of field f when the boot side changed `mask`. */
static struct outcome
expect_in_combo(enum field f, unsigned int mask, bool unknown)
{
	const struct field_case *fc = case_for(f);
	const struct outcome none = NONE;
	const struct outcome info_fix = INFO_FIX;
	const struct outcome warn = WARN;

	if (!(mask & (1u << f)))
		return none;
	if (!unknown) {
		/* Release and build-id both differ: build-id says it all,
		 * the release is only shown. */
		if (f == FIELD_KERNEL_RELEASE &&
		    (mask & (1u << FIELD_BUILD_ID)))
			return info_fix;
		return fc->differ;
	}
	/* An unknown release matters only if no build-id proves the
	 * kernel. */
	if (f == FIELD_KERNEL_RELEASE)
		return (mask & (1u << FIELD_BUILD_ID)) ? warn : none;
	return fc->boot_unknown;
}

static void
run_combos(bool unknown)
{
	unsigned int mask;

	for (mask = 0; mask < (1u << _FIELD_MAX); mask++) {
		struct record a, b;
		struct diff_list l;
		unsigned int f;
		size_t want = 0, i;
		char what[64];

		baseline(&a);
		baseline(&b);
		for (f = 0; f < _FIELD_MAX; f++) {
			const struct field_case *fc = case_for((enum field)f);

			if (mask & (1u << f))
				(unknown ? fc->unknown : fc->other)(&b);
		}
		compare(&a, &b, &l);
		snprintf(what, sizeof(what), "%s mask 0x%04x",
		    unknown ? "unknown" : "differ", mask);
		for (f = 0; f < _FIELD_MAX; f++) {
			struct outcome o = expect_in_combo((enum field)f, mask,
			    unknown);

			assert_outcome(&l, (enum field)f, &o, what);
			want += o.reported;
		}
		ck_assert_msg(l.n == want, "%s: %zu differences, want %zu",
		    what, l.n, want);
		/* In field order, one entry per field. */
		for (i = 1; i < l.n; i++)
			ck_assert_msg(l.d[i - 1].field < l.d[i].field, "%s",
			    what);
	}
}

/* Every combination of fields differing at once. */
START_TEST(test_all_field_combinations_differ)
{
	run_combos(false);
}
END_TEST

/* Every combination of fields unknown on the boot side at once. */
START_TEST(test_all_field_combinations_unknown)
{
	run_combos(true);
}
END_TEST

/* Evtchn: every ABI x knob x ABI x knob x Xen version. */
START_TEST(test_evtchn_exhaustive)
{
	static const enum evtchn_abi abis[] = { EVTCHN_UNKNOWN, EVTCHN_2L,
	    EVTCHN_FIFO };
	static const int knobs[] = { KNOB_UNSET, 0, 1 };
	static const struct { bool known; unsigned int maj, min; } xens[] = {
		{ false, 0, 0 }, { true, 4, 3 }, { true, 4, 4 },
		{ true, 4, 17 }, { true, 3, 9 }, { true, 5, 0 },
	};
	size_t ia, ik, ba, bk, x;

	for (ia = 0; ia < N(abis); ia++)
	for (ik = 0; ik < N(knobs); ik++)
	for (ba = 0; ba < N(abis); ba++)
	for (bk = 0; bk < N(knobs); bk++)
	for (x = 0; x < N(xens); x++) {
		struct record a, b;
		struct diff_list l;
		struct outcome o = NONE;
		bool fifo_ok;
		char what[96];

		baseline(&a);
		baseline(&b);
		a.evtchn = abis[ia];
		a.knob_fifo_events = knobs[ik];
		b.evtchn = abis[ba];
		b.knob_fifo_events = knobs[bk];
		b.has_xen_version = xens[x].known;
		b.xen_major = xens[x].maj;
		b.xen_minor = xens[x].min;
		a.has_xen_version = b.has_xen_version;
		a.xen_major = b.xen_major;
		a.xen_minor = b.xen_minor;

		/* Xen >= 4.4 has FIFO. */
		fifo_ok = xens[x].known && (xens[x].maj > 4 ||
		    (xens[x].maj == 4 && xens[x].min >= 4));
		if (abis[ia] == EVTCHN_UNKNOWN || abis[ba] == EVTCHN_UNKNOWN)
			o = (struct outcome)WARN;
		else if (abis[ia] == abis[ba])
			o = knobs[ik] != knobs[bk] ?
			    (struct outcome)INFO_FIX : (struct outcome)NONE;
		else if (abis[ia] == EVTCHN_2L)
			o = (struct outcome)CRIT_FIX;
		else if (knobs[bk] == 0 || fifo_ok)
			/* FIFO image, 2l boot by the knob (or not explained by
			 * an old Xen): a kexec without =0 gets FIFO. */
			o = (struct outcome)CRIT_FIX;
		else
			/* Xen lacks FIFO: nothing makes FIFO here. */
			o = (struct outcome)CRIT;

		snprintf(what, sizeof(what), "evtchn %d/%d vs %d/%d xen %zu",
		    abis[ia], knobs[ik], abis[ba], knobs[bk], x);
		compare(&a, &b, &l);
		assert_outcome(&l, FIELD_EVTCHN, &o, what);
		if (o.reported && o.sev == SEV_CRITICAL && o.fixable) {
			const struct difference *d = find(&l, FIELD_EVTCHN);

			ck_assert_msg(strstr(d->detail, abis[ia] == EVTCHN_2L ?
			    "xen.fifo_events=0" : "xen.fifo_events=1"),
			    "%s: %s", what, d->detail);
		}
		if (o.reported && o.sev == SEV_CRITICAL && !o.fixable)
			ck_assert_msg(strstr(find(&l, FIELD_EVTCHN)->detail,
			    "4.4"), "%s", what);
	}
}
END_TEST

/* Grant tables: every version x knob on both sides. */
START_TEST(test_gnttab_exhaustive)
{
	static const int vers[] = { 0, 1, 2 };
	static const int knobs[] = { KNOB_UNSET, 1, 2 };
	size_t iv, ik, bv, bk;

	for (iv = 0; iv < N(vers); iv++)
	for (ik = 0; ik < N(knobs); ik++)
	for (bv = 0; bv < N(vers); bv++)
	for (bk = 0; bk < N(knobs); bk++) {
		struct record a, b;
		struct diff_list l;
		struct outcome o;
		char what[64];

		baseline(&a);
		baseline(&b);
		a.gnttab_version = vers[iv];
		a.knob_gnttab_version = knobs[ik];
		b.gnttab_version = vers[bv];
		b.knob_gnttab_version = knobs[bk];
		if (!vers[iv] || !vers[bv])
			o = (struct outcome)WARN;
		else if (vers[iv] == vers[bv])
			o = knobs[ik] != knobs[bk] ?
			    (struct outcome)INFO_FIX : (struct outcome)NONE;
		else if (vers[iv] == 2 && knobs[bk] == 2)
			/* Asked for v2 and got v1: the domain refuses v2. */
			o = (struct outcome)CRIT;
		else
			o = (struct outcome)CRIT_FIX;
		snprintf(what, sizeof(what), "gnttab %d/%d vs %d/%d", vers[iv],
		    knobs[ik], vers[bv], knobs[bk]);
		compare(&a, &b, &l);
		assert_outcome(&l, FIELD_GNTTAB, &o, what);
		if (o.reported && o.fixable && o.sev == SEV_CRITICAL) {
			char want[32];

			snprintf(want, sizeof(want), "grant_table.version=%d",
			    vers[iv]);
			ck_assert_msg(strstr(find(&l, FIELD_GNTTAB)->detail,
			    want), "%s", what);
		}
	}
}
END_TEST

START_TEST(test_kaslr_exhaustive)
{
	static const enum kaslr_state st[] = { KASLR_UNKNOWN, KASLR_OFF,
	    KASLR_ON };
	size_t i, j;

	for (i = 0; i < N(st); i++)
	for (j = 0; j < N(st); j++) {
		struct record a, b;
		struct diff_list l;
		struct outcome o;
		char what[32];

		baseline(&a);
		baseline(&b);
		a.kaslr = st[i];
		b.kaslr = st[j];
		if (st[i] == KASLR_ON)
			o = (struct outcome)CRIT;	/* even ON/ON */
		else if (st[i] == KASLR_UNKNOWN || st[j] == KASLR_UNKNOWN)
			o = (struct outcome)WARN;
		else if (st[j] == KASLR_ON)
			o = (struct outcome)CRIT_FIX;
		else
			o = (struct outcome)NONE;
		snprintf(what, sizeof(what), "kaslr %d vs %d", st[i], st[j]);
		compare(&a, &b, &l);
		assert_outcome(&l, FIELD_KASLR, &o, what);
	}
}
END_TEST

/* Build-id x release, both sides, each unknown / A / B. */
START_TEST(test_kernel_identity_exhaustive)
{
	unsigned int ib, bb, ir, br;

	for (ib = 0; ib < 3; ib++)
	for (bb = 0; bb < 3; bb++)
	for (ir = 0; ir < 3; ir++)
	for (br = 0; br < 3; br++) {
		static const char *const rel[] = { "", "6.1.0-17", "6.12.3" };
		struct record a, b;
		struct diff_list l;
		struct outcome ob, orel;
		bool bknown = ib && bb, bequal = bknown && ib == bb;
		bool rknown = ir && br;
		char what[48];

		baseline(&a);
		baseline(&b);
		a.build_id_len = ib ? 20 : 0;
		a.build_id[0] = (uint8_t)ib;
		b.build_id_len = bb ? 20 : 0;
		b.build_id[0] = (uint8_t)bb;
		snprintf(a.kernel_release, sizeof(a.kernel_release), "%s",
		    rel[ir]);
		snprintf(b.kernel_release, sizeof(b.kernel_release), "%s",
		    rel[br]);

		ob = !bknown ? (struct outcome)WARN :
		    bequal ? (struct outcome)NONE : (struct outcome)CRIT_FIX;
		if (bknown && !bequal)
			orel = rknown && ir != br ? (struct outcome)INFO_FIX :
			    (struct outcome)NONE;
		else if (!rknown)
			orel = bequal ? (struct outcome)NONE :
			    (struct outcome)WARN;
		else
			orel = ir != br ? (struct outcome)CRIT_FIX :
			    (struct outcome)NONE;

		snprintf(what, sizeof(what), "id %u/%u rel %u/%u", ib, bb, ir,
		    br);
		compare(&a, &b, &l);
		assert_outcome(&l, FIELD_BUILD_ID, &ob, what);
		assert_outcome(&l, FIELD_KERNEL_RELEASE, &orel, what);
	}
}
END_TEST

START_TEST(test_cmdline_digest)
{
	struct record a, b;
	struct diff_list l;
	const struct outcome warn_fix = WARN_FIX, warn = WARN;

	/* Without the full command line the repair cannot use it. */
	baseline(&a);
	baseline(&b);
	a.has_cmdline = false;
	o_cmdline(&b);
	compare(&a, &b, &l);
	assert_outcome(&l, FIELD_CMDLINE, &warn, "digest only");
	a.has_cmdline = true;
	compare(&a, &b, &l);
	assert_outcome(&l, FIELD_CMDLINE, &warn_fix, "full cmdline");
}
END_TEST

/*
 * With both command lines in full, only what shapes the layout counts: a
 * repair's marker and knobs, BOOT_IMAGE and resume= do not; the order of
 * and values of other parameters do.
 */
START_TEST(test_cmdline_layout)
{
	static const struct {
		const char *img, *boot;
		bool differs;
	} cases[] = {
		{ "root=/dev/xvda1 ro nokaslr",
		  "root=/dev/xvda1 ro nokaslr xen.fifo_events=0 "
		  "xen_handover.repaired=1", false },
		{ "BOOT_IMAGE=/boot/vmlinuz-a root=/dev/xvda1 resume=/dev/xvdb",
		  "BOOT_IMAGE=/boot/vmlinuz-b root=/dev/xvda1 "
		  "xen_handover.resume=/dev/xvdb noresume", false },
		{ "root=/dev/xvda1 mem-limit=1", "root=/dev/xvda1 mem_limit=1",
		  false },
		{ "root=/dev/xvda1 ro", "root=/dev/xvda1 ro mem=512M", true },
		{ "root=/dev/xvda1 mem=512M", "root=/dev/xvda1 mem=768M", true },
		{ "a b", "b a", true },
		{ "quiet", "quiet=1", true },
		{ "root=/dev/xvda1 -- init-arg", "root=/dev/xvda1", false },
	};
	const struct outcome warn_fix = WARN_FIX;
	struct record a, b;
	struct diff_list l;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		baseline(&a);
		baseline(&b);
		snprintf(a.cmdline, sizeof(a.cmdline), "%s", cases[i].img);
		snprintf(b.cmdline, sizeof(b.cmdline), "%s", cases[i].boot);
		/* Digests differ whenever the text does. */
		b.cmdline_digest[0] ^= 0xff;
		compare(&a, &b, &l);
		if (cases[i].differs)
			assert_outcome(&l, FIELD_CMDLINE, &warn_fix,
			    cases[i].boot);
		else
			ck_assert_msg(!find(&l, FIELD_CMDLINE),
			    "case %zu: '%s' vs '%s' counted as different", i,
			    cases[i].img, cases[i].boot);
	}
}
END_TEST

/* Known XENFEAT_* names (xen/include/public/features.h). */
static const struct { unsigned int bit; const char *name; } feat_names[] = {
	{ 0, "writable_page_tables" },
	{ 2, "auto_translated_physmap" },
	{ 8, "hvm_callback_vector" },
	{ 9, "hvm_safe_pvclock" },
	{ 10, "hvm_pirqs" },
	{ 13, "memory_op_vnode_supported" },
	{ 16, "not_direct_mapped" },
};

START_TEST(test_xen_features_bitwise)
{
	static const int sets[] = { -1, 0x0, 0x1, 0x2, 0x3, 0x400, 0x401 };
	size_t i, j, k;

	/* Bit by bit, never by version. */
	for (i = 0; i < N(sets); i++)
	for (j = 0; j < N(sets); j++) {
		struct record a, b;
		struct diff_list l;
		struct outcome o;
		uint32_t lost, gained;
		char what[48];

		baseline(&a);
		baseline(&b);
		a.has_xen_features = sets[i] >= 0;
		a.xen_features = sets[i] >= 0 ? (uint32_t)sets[i] : 0;
		b.has_xen_features = sets[j] >= 0;
		b.xen_features = sets[j] >= 0 ? (uint32_t)sets[j] : 0;
		/* Same version on both sides: only the bits count. */
		lost = a.xen_features & ~b.xen_features;
		gained = b.xen_features & ~a.xen_features;
		if (sets[i] < 0 || sets[j] < 0)
			o = (struct outcome)WARN;
		else if (lost)
			o = (struct outcome)CRIT;
		else if (gained)
			o = (struct outcome)INFO;
		else
			o = (struct outcome)NONE;
		snprintf(what, sizeof(what), "features %d vs %d", sets[i],
		    sets[j]);
		compare(&a, &b, &l);
		assert_outcome(&l, FIELD_XEN_FEATURES, &o, what);
		if (o.reported && o.sev == SEV_CRITICAL) {
			const char *det = find(&l, FIELD_XEN_FEATURES)->detail;

			if (lost & 1)
				ck_assert_msg(strstr(det,
				    "0 writable_page_tables"), "%s", det);
			if (lost & 0x400)
				ck_assert_msg(strstr(det, "10 hvm_pirqs"),
				    "%s", det);
			if (!(lost & 0x2))
				ck_assert_msg(!strstr(det, "1 writable_desc"),
				    "%s", det);
		}
	}

	/* The lab's HVM -> PVH features: bit 10 lost, named. */
	for (k = 0; k < N(feat_names); k++) {
		struct record a, b;
		struct diff_list l;
		char want[64];

		baseline(&a);
		baseline(&b);
		a.xen_features = 1u << feat_names[k].bit;
		b.xen_features = 0;
		compare(&a, &b, &l);
		ck_assert_ptr_nonnull(find(&l, FIELD_XEN_FEATURES));
		snprintf(want, sizeof(want), "%u %s", feat_names[k].bit,
		    feat_names[k].name);
		ck_assert_msg(strstr(find(&l, FIELD_XEN_FEATURES)->detail,
		    want), "want %s in %s", want,
		    find(&l, FIELD_XEN_FEATURES)->detail);
	}
}
END_TEST

START_TEST(test_compare_values_and_args)
{
	struct record a, b;
	struct diff_list l;
	const struct difference *d;

	baseline(&a);
	baseline(&b);
	o_ram(&b);
	u_vcpus(&b);
	o_uuid(&b);
	compare(&a, &b, &l);
	d = find(&l, FIELD_RAM);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(strstr(d->expected, "524288"));
	ck_assert_ptr_nonnull(strstr(d->found, "786432"));
	ck_assert_ptr_nonnull(strstr(d->detail, "memory"));
	d = find(&l, FIELD_VCPUS);
	ck_assert_str_eq(d->expected, "2");
	ck_assert_str_eq(d->found, "unknown");
	d = find(&l, FIELD_DOMAIN_UUID);
	ck_assert_str_eq(d->expected, "70717273-7475-7677-7879-7a7b7c7d7e7f");
	/* The UUID sentence explains why a new UUID is common. */
	ck_assert_ptr_nonnull(strstr(d->detail, "uuid="));

	ck_assert_int_eq(verdict_compare(NULL, &b, &l), -EINVAL);
	ck_assert_int_eq(verdict_compare(&a, NULL, &l), -EINVAL);
	ck_assert_int_eq(verdict_compare(&a, &b, NULL), -EINVAL);
}
END_TEST

/* decide(): every policy x capability combination. */

static struct difference
mkdiff(enum field f, enum severity s, bool fix)
{
	struct difference d;

	memset(&d, 0, sizeof(d));
	d.field = f;
	d.severity = s;
	d.fixable = fix;
	snprintf(d.expected, sizeof(d.expected), "exp-%d", (int)f);
	snprintf(d.found, sizeof(d.found), "fnd-%d", (int)f);
	snprintf(d.detail, sizeof(d.detail), "Detail for field %d.", (int)f);
	return d;
}

static const struct scenario {
	const char *name;
	size_t n;
	struct { enum field f; enum severity s; bool fix; } d[4];
} scenarios[] = {
	{ "none", 0, { { 0, 0, 0 } } },
	{ "info", 1, { { FIELD_XEN_VERSION, SEV_INFO, false } } },
	{ "warn uuid", 1, { { FIELD_DOMAIN_UUID, SEV_WARN, false } } },
	{ "warn cmdline fixable", 1, { { FIELD_CMDLINE, SEV_WARN, true } } },
	{ "evtchn", 1, { { FIELD_EVTCHN, SEV_CRITICAL, true } } },
	{ "build-id", 1, { { FIELD_BUILD_ID, SEV_CRITICAL, true } } },
	{ "release", 1, { { FIELD_KERNEL_RELEASE, SEV_CRITICAL, true } } },
	{ "ram", 1, { { FIELD_RAM, SEV_CRITICAL, false } } },
	{ "evtchn+vcpus", 2, { { FIELD_EVTCHN, SEV_CRITICAL, true },
	    { FIELD_VCPUS, SEV_CRITICAL, false } } },
	{ "evtchn+uuid", 2, { { FIELD_EVTCHN, SEV_CRITICAL, true },
	    { FIELD_DOMAIN_UUID, SEV_WARN, false } } },
	{ "release info+evtchn", 2, { { FIELD_EVTCHN, SEV_CRITICAL, true },
	    { FIELD_KERNEL_RELEASE, SEV_INFO, true } } },
	{ "all fixable", 4, { { FIELD_EVTCHN, SEV_CRITICAL, true },
	    { FIELD_GNTTAB, SEV_CRITICAL, true },
	    { FIELD_KASLR, SEV_CRITICAL, true },
	    { FIELD_BUILD_ID, SEV_CRITICAL, true } } },
};

static void
build_scenario(const struct scenario *s, struct diff_list *l)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < s->n; i++)
		l->d[i] = mkdiff(s->d[i].f, s->d[i].s, s->d[i].fix);
	l->n = s->n;
}

/* The labels reasons use for fields. */
static const char *const labels[_FIELD_MAX] = {
	[FIELD_GUEST_TYPE] = "guest type",
	[FIELD_EVTCHN] = "event-channel ABI",
	[FIELD_GNTTAB] = "grant-table version",
	[FIELD_KASLR] = "KASLR",
	[FIELD_BUILD_ID] = "build-id",
	[FIELD_KERNEL_RELEASE] = "kernel release",
	[FIELD_CMDLINE] = "command line",
	[FIELD_VCPUS] = "vCPU",
	[FIELD_RAM] = "memory size",
	[FIELD_MEMMAP] = "memory map",
	[FIELD_XEN_VERSION] = "Xen version",
	[FIELD_XEN_FEATURES] = "Xen features",
	[FIELD_DOMAIN_UUID] = "domain UUID",
	[FIELD_SWAP] = "swap area",
};

START_TEST(test_decide_matrix)
{
	static const enum guest_type guests[] = { GUEST_UNKNOWN, GUEST_PV,
	    GUEST_PVH, GUEST_HVM };
	static const struct { unsigned int maj, min; } xens[] = {
		{ 0, 0 }, { 3, 9 }, { 4, 6 }, { 4, 7 }, { 4, 17 }, { 5, 0 },
	};
	struct record img;
	size_t s, p, g, x;
	unsigned int bits;
	unsigned long count = 0;

	baseline(&img);
	for (s = 0; s < N(scenarios); s++)
	for (p = 0; p < _POLICY_MAX; p++)
	for (g = 0; g < N(guests); g++)
	for (x = 0; x < N(xens); x++)
	for (bits = 0; bits < 32; bits++) {
		const struct scenario *sc = &scenarios[s];
		struct policy pol = { (enum policy_mode)p,
		    UNKNOWN_IMAGE_PROCEED, bits & 16 };
		struct capabilities caps = {
			.guest_type = guests[g],
			.xen_major = xens[x].maj,
			.xen_minor = xens[x].min,
			.kexec = bits & 1,
			.image_kernel = bits & 2,
			.toolstack_soft_reset = bits & 4,
			.repaired = bits & 8,
		};
		struct diff_list l;
		struct decision dec;
		bool crit = false, warn = false, nonfix = false, needk = false;
		bool mism, xen47, ok;
		enum verdict want;
		size_t i;
		char what[160];

		build_scenario(sc, &l);
		for (i = 0; i < sc->n; i++) {
			bool m = sc->d[i].s == SEV_CRITICAL ||
			    (p == POLICY_STRICT && sc->d[i].s == SEV_WARN);

			crit |= sc->d[i].s == SEV_CRITICAL;
			warn |= sc->d[i].s == SEV_WARN;
			if (m && !sc->d[i].fix)
				nonfix = true;
			if (m && (sc->d[i].f == FIELD_BUILD_ID ||
			    sc->d[i].f == FIELD_KERNEL_RELEASE))
				needk = true;
		}
		mism = crit || (p == POLICY_STRICT && warn);
		xen47 = xens[x].maj > 4 ||
		    (xens[x].maj == 4 && xens[x].min >= 7);
		ok = pol.repair_kexec &&
		    (guests[g] == GUEST_HVM || guests[g] == GUEST_PVH) &&
		    xen47 && caps.kexec && caps.toolstack_soft_reset &&
		    !caps.repaired && (!needk || caps.image_kernel);
		if (!mism)
			want = VERDICT_PROCEED;
		else if (p == POLICY_FORCE)
			want = VERDICT_FORCE;
		else if (nonfix || p == POLICY_REFUSE)
			want = VERDICT_REFUSE;
		else
			want = ok ? VERDICT_REPAIR : VERDICT_REFUSE;

		snprintf(what, sizeof(what), "%s policy %s guest %d xen %u.%u "
		    "kexec %d kernel %d tool %d repaired %d repair %d",
		    sc->name, policy_mode_to_string(pol.mode), guests[g],
		    xens[x].maj, xens[x].min, caps.kexec, caps.image_kernel,
		    caps.toolstack_soft_reset, caps.repaired,
		    pol.repair_kexec);
		ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
		    0);
		ck_assert_msg(dec.verdict == want, "%s: got %s, want %s", what,
		    verdict_to_string(dec.verdict), verdict_to_string(want));
		count++;

		/* Reasons: whole sentences naming what mattered. */
		ck_assert_msg(dec.reason[0] != '\0', "%s: no reason", what);
		ck_assert_msg(strlen(dec.reason) < sizeof(dec.reason) - 1,
		    "%s: reason truncated: %s", what, dec.reason);
		ck_assert_msg(dec.reason[strlen(dec.reason) - 1] == '.',
		    "%s: %s", what, dec.reason);
		for (i = 0; i < sc->n && want != VERDICT_PROCEED; i++) {
			bool m = sc->d[i].s == SEV_CRITICAL ||
			    (p == POLICY_STRICT && sc->d[i].s == SEV_WARN);
			char ev[16], fv[16];

			if (!m || (want == VERDICT_REFUSE && nonfix &&
			    sc->d[i].fix))
				continue;
			snprintf(ev, sizeof(ev), "exp-%d", (int)sc->d[i].f);
			snprintf(fv, sizeof(fv), "fnd-%d", (int)sc->d[i].f);
			ck_assert_msg(strstr(dec.reason, labels[sc->d[i].f]) &&
			    strstr(dec.reason, ev) && strstr(dec.reason, fv),
			    "%s: field %d not named: %s", what,
			    (int)sc->d[i].f, dec.reason);
		}
		if (want == VERDICT_FORCE)
			ck_assert_msg(strstr(dec.reason, "opted in"), "%s: %s",
			    what, dec.reason);
		if (want == VERDICT_REFUSE && nonfix)
			for (i = 0; i < sc->n; i++)
				if (!sc->d[i].fix && (sc->d[i].s ==
				    SEV_CRITICAL || p == POLICY_STRICT))
					ck_assert_msg(strstr(dec.reason,
					    "Detail for field"), "%s: %s",
					    what, dec.reason);
		if (want == VERDICT_REFUSE && !nonfix &&
		    p == POLICY_REFUSE)
			ck_assert_msg(strstr(dec.reason, "policy refuse"),
			    "%s: %s", what, dec.reason);
		/* Refused because repair is off: say so, and only that. */
		if (want == VERDICT_REFUSE && !nonfix && p != POLICY_REFUSE &&
		    !pol.repair_kexec) {
			ck_assert_msg(strstr(dec.reason, "repair by kexec is "
			    "off") && strstr(dec.reason, "boot with") &&
			    !strstr(dec.reason, "kexec is not") &&
			    !strstr(dec.reason, "converge"), "%s: %s", what,
			    dec.reason);
		}
		/* Refused for want of a capability: name each one missing. */
		if (want == VERDICT_REFUSE && !nonfix && p != POLICY_REFUSE &&
		    pol.repair_kexec) {
			const char *r = dec.reason;

			/* After a repair only the loop guard matters. */
			if (caps.repaired)
				ck_assert_msg(strstr(r, "did not converge"),
				    "%s: %s", what, r);
			if (!caps.repaired && guests[g] == GUEST_PV)
				ck_assert_msg(strstr(r, "PV guest"), "%s: %s",
				    what, r);
			if (!caps.repaired && guests[g] == GUEST_UNKNOWN)
				ck_assert_msg(strstr(r, "guest type is "
				    "unknown"), "%s: %s", what, r);
			if (!caps.repaired && !xen47)
				ck_assert_msg(strstr(r, "4.7"), "%s: %s", what,
				    r);
			if (!caps.repaired && !caps.kexec)
				ck_assert_msg(strstr(r, "kexec is not "
				    "available"), "%s: %s", what, r);
			if (!caps.repaired && !caps.toolstack_soft_reset)
				ck_assert_msg(strstr(r, guests[g] == GUEST_PVH ?
				    "PVH" : "on_soft_reset"), "%s: %s", what,
				    r);
			if (!caps.repaired && needk && !caps.image_kernel)
				ck_assert_msg(strstr(r, "was not found"),
				    "%s: %s", what, r);
			ck_assert_msg(strstr(r, "boot with"), "%s: %s", what,
			    r);
			/* ...and nothing that is not missing. */
			if (!caps.repaired)
				ck_assert_msg(!strstr(r, "converge"), "%s", r);
			if (caps.kexec)
				ck_assert_msg(!strstr(r, "kexec is not"), "%s",
				    r);
			if (!needk || caps.image_kernel)
				ck_assert_msg(!strstr(r, "was not found"),
				    "%s", r);
		}
	}
	ck_assert_uint_eq(count, N(scenarios) * _POLICY_MAX * 4 * 6 * 32);
}
END_TEST

START_TEST(test_decide_unknown_image)
{
	size_t p, u;

	for (p = 0; p < _POLICY_MAX; p++)
	for (u = 0; u < _UNKNOWN_IMAGE_MAX; u++) {
		struct policy pol = { (enum policy_mode)p,
		    (enum unknown_image_action)u, false };
		struct decision dec;

		/* No record: diffs and capabilities do not matter. */
		ck_assert_int_eq(verdict_decide(&pol, NULL, NULL, NULL, &dec),
		    0);
		ck_assert_int_eq(dec.verdict, u == UNKNOWN_IMAGE_REFUSE ?
		    VERDICT_REFUSE : VERDICT_PROCEED);
		ck_assert_ptr_nonnull(strstr(dec.reason, "no valid handover "
		    "record"));
		if (u == UNKNOWN_IMAGE_PROCEED)
			ck_assert_ptr_nonnull(strstr(dec.reason, "Warning"));
		ck_assert_int_eq(dec.set_fifo_events, KNOB_UNSET);
		ck_assert_int_eq(dec.set_gnttab_version, KNOB_UNSET);
		ck_assert(!dec.set_nokaslr);
	}
}
END_TEST

START_TEST(test_decide_knobs)
{
	static const struct {
		const char *name;
		enum evtchn_abi abi;
		int fifo_knob;
		int gv, gknob;
		enum kaslr_state kaslr;
		/* the evtchn / gnttab difference present, if any */
		int ediff;	/* 0 none, 1 critical fixable, 2 unfixable */
		bool gdiff;
		int want_fifo, want_gv;
		bool want_nokaslr;
	} t[] = {
		/* 2l image: always 0, even with nothing to fix. */
		{ "2l, same", EVTCHN_2L, 0, 1, KNOB_UNSET, KASLR_OFF, 0, false,
		    0, KNOB_UNSET, true },
		{ "2l, boot fifo", EVTCHN_2L, KNOB_UNSET, 1, KNOB_UNSET,
		    KASLR_OFF, 1, false, 0, KNOB_UNSET, true },
		/* FIFO image, boot 2l because of the knob: 1. */
		{ "fifo, boot 2l knob", EVTCHN_FIFO, KNOB_UNSET, 1, KNOB_UNSET,
		    KASLR_OFF, 1, false, 1, KNOB_UNSET, true },
		/* FIFO image, Xen lacks FIFO: no knob helps. */
		{ "fifo, no fifo here", EVTCHN_FIFO, 1, 1, KNOB_UNSET,
		    KASLR_ON, 2, false, KNOB_UNSET, KNOB_UNSET, false },
		{ "fifo, same", EVTCHN_FIFO, KNOB_UNSET, 1, KNOB_UNSET,
		    KASLR_UNKNOWN, 0, false, KNOB_UNSET, KNOB_UNSET, false },
		/* ABI not seen, but the image asked for 2l. */
		{ "unknown, knob 0", EVTCHN_UNKNOWN, 0, 1, KNOB_UNSET,
		    KASLR_OFF, 0, false, 0, KNOB_UNSET, true },
		{ "unknown, no knob", EVTCHN_UNKNOWN, KNOB_UNSET, 1,
		    KNOB_UNSET, KASLR_OFF, 0, false, KNOB_UNSET, KNOB_UNSET,
		    true },
		/* grant version: the image's when it differs. */
		{ "gnttab differs", EVTCHN_FIFO, KNOB_UNSET, 2, KNOB_UNSET,
		    KASLR_OFF, 0, true, KNOB_UNSET, 2, true },
		/* ...or the image's own knob. */
		{ "gnttab image knob", EVTCHN_FIFO, KNOB_UNSET, 1, 1,
		    KASLR_OFF, 0, false, KNOB_UNSET, 1, true },
	};
	size_t i, p;

	for (i = 0; i < N(t); i++)
	for (p = 0; p < _POLICY_MAX; p++) {
		struct policy pol = { (enum policy_mode)p,
		    UNKNOWN_IMAGE_PROCEED, true };
		struct capabilities caps = { GUEST_HVM, 4, 17, true, true,
		    true, false };
		struct record img;
		struct diff_list l;
		struct decision dec;

		baseline(&img);
		img.evtchn = t[i].abi;
		img.knob_fifo_events = t[i].fifo_knob;
		img.gnttab_version = t[i].gv;
		img.knob_gnttab_version = t[i].gknob;
		img.kaslr = t[i].kaslr;
		memset(&l, 0, sizeof(l));
		if (t[i].ediff)
			l.d[l.n++] = mkdiff(FIELD_EVTCHN, SEV_CRITICAL,
			    t[i].ediff == 1);
		if (t[i].gdiff)
			l.d[l.n++] = mkdiff(FIELD_GNTTAB, SEV_CRITICAL, true);
		ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
		    0);
		ck_assert_msg(dec.set_fifo_events == t[i].want_fifo,
		    "%s: fifo %d", t[i].name, dec.set_fifo_events);
		ck_assert_msg(dec.set_gnttab_version == t[i].want_gv,
		    "%s: gnttab %d", t[i].name, dec.set_gnttab_version);
		ck_assert_msg(dec.set_nokaslr == t[i].want_nokaslr,
		    "%s: nokaslr %d", t[i].name, dec.set_nokaslr);
	}
}
END_TEST

START_TEST(test_decide_invalid)
{
	struct policy pol = { POLICY_AUTO, UNKNOWN_IMAGE_PROCEED, true };
	struct capabilities caps = { GUEST_HVM, 4, 17, true, true, true,
	    false };
	struct record img;
	struct diff_list l;
	struct decision dec;

	baseline(&img);
	memset(&l, 0, sizeof(l));
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec), 0);
	ck_assert_int_eq(verdict_decide(NULL, &img, &l, &caps, &dec),
	    -EINVAL);
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, NULL),
	    -EINVAL);
	ck_assert_int_eq(verdict_decide(&pol, &img, NULL, &caps, &dec),
	    -EINVAL);
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, NULL, &dec),
	    -EINVAL);
	pol.mode = _POLICY_MAX;
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
	    -EINVAL);
	ck_assert_int_eq(verdict_decide(&pol, NULL, NULL, NULL, &dec),
	    -EINVAL);
	pol.mode = POLICY_AUTO;
	pol.unknown_image = _UNKNOWN_IMAGE_MAX;
	ck_assert_int_eq(verdict_decide(&pol, NULL, NULL, NULL, &dec),
	    -EINVAL);
	pol.unknown_image = UNKNOWN_IMAGE_PROCEED;
	caps.guest_type = _GUEST_MAX;
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
	    -EINVAL);
	caps.guest_type = GUEST_HVM;
	l.n = _FIELD_MAX + 1;
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
	    -EINVAL);
	l.n = 1;
	l.d[0] = mkdiff(_FIELD_MAX, SEV_CRITICAL, true);
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
	    -EINVAL);
	l.d[0] = mkdiff(FIELD_RAM, (enum severity)7, true);
	ck_assert_int_eq(verdict_decide(&pol, &img, &l, &caps, &dec),
	    -EINVAL);
}
END_TEST

START_TEST(test_strings)
{
	static const char *const pol[] = { "auto", "strict", "refuse",
	    "force" };
	static const char *const unk[] = { "proceed", "refuse" };
	size_t i;

	for (i = 0; i < N(pol); i++) {
		ck_assert_str_eq(policy_mode_to_string((enum policy_mode)i),
		    pol[i]);
		ck_assert_int_eq(policy_mode_from_string(pol[i]), (int)i);
	}
	for (i = 0; i < N(unk); i++) {
		ck_assert_str_eq(unknown_image_to_string(
		    (enum unknown_image_action)i), unk[i]);
		ck_assert_int_eq(unknown_image_from_string(unk[i]), (int)i);
	}
	ck_assert_int_eq(policy_mode_from_string("Auto "), -EINVAL);
	ck_assert_int_eq(policy_mode_from_string(""), -EINVAL);
	ck_assert_int_eq(policy_mode_from_string(NULL), -EINVAL);
	ck_assert_int_eq(unknown_image_from_string("force"), -EINVAL);
	ck_assert_ptr_null(policy_mode_to_string(_POLICY_MAX));
	ck_assert_ptr_null(unknown_image_to_string(_UNKNOWN_IMAGE_MAX));
	ck_assert_str_eq(verdict_to_string(VERDICT_PROCEED), "proceed");
	ck_assert_str_eq(verdict_to_string(VERDICT_REPAIR), "repair");
	ck_assert_str_eq(verdict_to_string(VERDICT_REFUSE), "refuse");
	ck_assert_str_eq(verdict_to_string(VERDICT_FORCE), "force");
	ck_assert_ptr_null(verdict_to_string(_VERDICT_MAX));
	ck_assert_str_eq(severity_to_string(SEV_INFO), "info");
	ck_assert_str_eq(severity_to_string(SEV_WARN), "warning");
	ck_assert_str_eq(severity_to_string(SEV_CRITICAL), "critical");
	ck_assert_ptr_null(severity_to_string((enum severity)3));
	/* Every field has a distinct name. */
	for (i = 0; i < _FIELD_MAX; i++) {
		size_t j;

		ck_assert_ptr_nonnull(field_to_string((enum field)i));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(field_to_string((enum field)i),
			    field_to_string((enum field)j));
	}
	ck_assert_ptr_null(field_to_string(_FIELD_MAX));
	ck_assert_str_eq(field_to_string(FIELD_EVTCHN), "evtchn");
}
END_TEST

/* End-to-end stories: compare, then decide. */

struct story {
	struct record img, boot;
	struct diff_list l;
	struct policy pol;
	struct capabilities caps;
	struct decision dec;
};

static void
story_init(struct story *s)
{
	memset(s, 0, sizeof(*s));
	baseline(&s->img);
	baseline(&s->boot);
	s->pol.mode = POLICY_AUTO;
	s->pol.unknown_image = UNKNOWN_IMAGE_PROCEED;
	s->pol.repair_kexec = true;
	s->caps.guest_type = GUEST_HVM;
	s->caps.xen_major = 4;
	s->caps.xen_minor = 17;
	s->caps.kexec = true;
	s->caps.image_kernel = true;
	s->caps.toolstack_soft_reset = true;
}

static enum verdict
story_run(struct story *s)
{
	ck_assert_int_ge(verdict_compare(&s->img, &s->boot, &s->l), 0);
	ck_assert_int_eq(verdict_decide(&s->pol, &s->img, &s->l, &s->caps,
	    &s->dec), 0);
	return s->dec.verdict;
}

#define ck_reason_has(s, str) \
	ck_assert_msg(strstr((s)->dec.reason, (str)), "want \"%s\" in: %s", \
	    (str), (s)->dec.reason)

START_TEST(story_2l_image_fifo_boot_hvm_repairs)
{
	struct story s;

	story_init(&s);
	s.img.evtchn = EVTCHN_2L;
	s.img.knob_fifo_events = 0;
	ck_assert_int_eq(story_run(&s), VERDICT_REPAIR);
	ck_assert_int_eq(s.dec.set_fifo_events, 0);
	ck_assert(s.dec.set_nokaslr);
	ck_reason_has(&s, "xen.fifo_events=0");
	ck_reason_has(&s, "event-channel ABI");
}
END_TEST

START_TEST(story_seed_host_upgraded)
{
	struct story s;

	/* Image booted on Xen 4.3 (2l, no knob), host now 4.17 (FIFO). */
	story_init(&s);
	s.img.evtchn = EVTCHN_2L;
	s.img.xen_minor = 3;
	s.img.xen_extra[0] = '\0';
	s.img.xen_features = 0x00002705;
	ck_assert_int_eq(story_run(&s), VERDICT_REPAIR);
	ck_assert_int_eq(s.dec.set_fifo_events, 0);
	ck_assert_ptr_nonnull(find(&s.l, FIELD_XEN_VERSION));
	ck_assert_int_eq(find(&s.l, FIELD_XEN_VERSION)->severity, SEV_INFO);
	ck_assert_int_eq(find(&s.l, FIELD_XEN_FEATURES)->severity, SEV_INFO);
}
END_TEST

START_TEST(story_2l_image_fifo_boot_pvh_refuses)
{
	struct story s;

	story_init(&s);
	s.img.guest_type = s.boot.guest_type = GUEST_PVH;
	s.img.xen_features = s.boot.xen_features = 0x00012305;
	s.img.evtchn = EVTCHN_2L;
	s.img.knob_fifo_events = 0;
	s.caps.guest_type = GUEST_PVH;
	s.caps.toolstack_soft_reset = false;	/* no dom0 verdict */
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_assert_int_eq(s.dec.set_fifo_events, 0);
	ck_reason_has(&s, "xen.fifo_events=0");
	ck_reason_has(&s, "PVH");
	/* With the dom0 companion's verdict, it repairs. */
	s.caps.toolstack_soft_reset = true;
	ck_assert_int_eq(story_run(&s), VERDICT_REPAIR);
}
END_TEST

START_TEST(story_fifo_image_old_xen_refuses)
{
	struct story s;

	/* FIFO image, now on Xen 4.3 which lacks FIFO: no repair helps. */
	story_init(&s);
	s.boot.evtchn = EVTCHN_2L;
	s.boot.xen_minor = 3;
	s.caps.xen_minor = 3;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "4.4");
	ck_assert_int_eq(s.dec.set_fifo_events, KNOB_UNSET);
}
END_TEST

START_TEST(story_memory_changed_refuses)
{
	struct story s;

	story_init(&s);
	s.boot.ram_kib = 786432;
	s.boot.memmap_digest[0] ^= 1;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "memory size");
	ck_reason_has(&s, "524288");
	ck_reason_has(&s, "786432");
	ck_reason_has(&s, "memory map");
	ck_reason_has(&s, "restore the domain's memory");
	/* Even when a repair would be possible for the rest. */
	s.boot.evtchn = EVTCHN_2L;
	s.boot.knob_fifo_events = 0;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "xen.fifo_events=1");
}
END_TEST

START_TEST(story_vcpus_changed_refuses)
{
	struct story s;

	story_init(&s);
	s.boot.vcpus_possible = 1;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "vCPU");
	ck_reason_has(&s, "vcpus");
}
END_TEST

START_TEST(story_repaired_still_mismatched_refuses)
{
	struct story s;

	story_init(&s);
	s.img.evtchn = EVTCHN_2L;
	s.img.knob_fifo_events = 0;
	s.caps.repaired = true;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "did not converge");
	/* A repaired boot that now matches proceeds. */
	s.boot.evtchn = EVTCHN_2L;
	s.boot.knob_fifo_events = 0;
	ck_assert_int_eq(story_run(&s), VERDICT_PROCEED);
}
END_TEST

START_TEST(story_force)
{
	struct story s;

	story_init(&s);
	s.pol.mode = POLICY_FORCE;
	s.boot.ram_kib = 786432;
	s.img.kaslr = KASLR_ON;
	ck_assert_int_eq(story_run(&s), VERDICT_FORCE);
	ck_reason_has(&s, "memory size");
	ck_reason_has(&s, "KASLR");
	ck_reason_has(&s, "force");
	/* Nothing wrong: force just proceeds. */
	story_init(&s);
	s.pol.mode = POLICY_FORCE;
	ck_assert_int_eq(story_run(&s), VERDICT_PROCEED);
}
END_TEST

START_TEST(story_strict_uuid_only)
{
	struct story s;

	story_init(&s);
	s.boot.domain_uuid[0] ^= 1;
	s.pol.mode = POLICY_STRICT;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "domain UUID");
	ck_reason_has(&s, "uuid=");
	s.pol.mode = POLICY_AUTO;
	ck_assert_int_eq(story_run(&s), VERDICT_PROCEED);
	ck_reason_has(&s, "1 warning");
}
END_TEST

START_TEST(story_kernel_update)
{
	struct story s;

	story_init(&s);
	o_build_id(&s.boot);
	o_release(&s.boot);
	ck_assert_int_eq(story_run(&s), VERDICT_REPAIR);
	ck_reason_has(&s, "6.1.0-17-amd64");
	s.caps.image_kernel = false;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "6.1.0-17-amd64");
	ck_reason_has(&s, "was not found");
}
END_TEST

START_TEST(story_kaslr)
{
	struct story s;

	story_init(&s);
	s.img.kaslr = KASLR_ON;
	s.boot.kaslr = KASLR_ON;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "KASLR");
	/* Boot randomised, image not: nokaslr repairs. */
	story_init(&s);
	s.boot.kaslr = KASLR_ON;
	ck_assert_int_eq(story_run(&s), VERDICT_REPAIR);
	ck_assert(s.dec.set_nokaslr);
	ck_reason_has(&s, "nokaslr");
}
END_TEST

START_TEST(story_pv_and_old_xen)
{
	struct story s;

	story_init(&s);
	s.img.guest_type = s.boot.guest_type = GUEST_PV;
	s.caps.guest_type = GUEST_PV;
	s.boot.kaslr = KASLR_ON;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "PV guest");
	ck_reason_has(&s, "nokaslr");
	story_init(&s);
	s.boot.kaslr = KASLR_ON;
	s.caps.xen_minor = 6;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "Xen 4.6");
	s.pol.mode = POLICY_REFUSE;
	s.caps.xen_minor = 17;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "policy refuse");
	ck_reason_has(&s, "nokaslr");
}
END_TEST

START_TEST(story_guest_type_changed)
{
	struct story s;

	story_init(&s);
	s.boot.guest_type = GUEST_PVH;
	s.caps.guest_type = GUEST_PVH;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_reason_has(&s, "guest type");
	ck_reason_has(&s, "HVM");
	ck_reason_has(&s, "PVH");
}
END_TEST

START_TEST(story_unknown_image)
{
	struct story s;

	story_init(&s);
	ck_assert_int_eq(verdict_decide(&s.pol, NULL, NULL, &s.caps, &s.dec),
	    0);
	ck_assert_int_eq(s.dec.verdict, VERDICT_PROCEED);
	ck_reason_has(&s, "Warning");
	s.pol.unknown_image = UNKNOWN_IMAGE_REFUSE;
	ck_assert_int_eq(verdict_decide(&s.pol, NULL, NULL, &s.caps, &s.dec),
	    0);
	ck_assert_int_eq(s.dec.verdict, VERDICT_REFUSE);
	ck_reason_has(&s, "unknown-image");
}
END_TEST

START_TEST(story_long_reason_stays_whole)
{
	struct story s;
	static const char *const want[] = { "event-channel ABI",
	    "grant-table version", "KASLR", "kernel build-id",
	    "kernel command line", "guest type is unknown", "4.7",
	    "kexec is not available", "on_soft_reset", "was not found",
	    "xen.fifo_events=1", "grant_table.version=1", "nokaslr",
	    "the image's kernel (6.1.0-17-amd64)", "image's command line" };
	size_t i;

	/* Everything fixable differs and nothing needed is here: the
	 * reason drops values before it drops anything actionable. */
	story_init(&s);
	o_evtchn(&s.boot);
	o_gnttab(&s.boot);
	o_kaslr(&s.boot);
	o_build_id(&s.boot);
	o_release(&s.boot);
	o_cmdline(&s.boot);
	s.pol.mode = POLICY_STRICT;
	s.caps.guest_type = GUEST_UNKNOWN;
	s.caps.xen_major = s.caps.xen_minor = 0;
	s.caps.kexec = s.caps.image_kernel = false;
	s.caps.toolstack_soft_reset = false;
	ck_assert_int_eq(story_run(&s), VERDICT_REFUSE);
	ck_assert_msg(strstr(s.dec.reason, "...") == NULL, "cut: %s",
	    s.dec.reason);
	for (i = 0; i < N(want); i++)
		ck_reason_has(&s, want[i]);
}
END_TEST

START_TEST(story_everything_differs)
{
	struct story s;
	size_t i;

	/* The longest reasons stay whole enough to name the first fields. */
	story_init(&s);
	for (i = 0; i < N(field_cases); i++)
		field_cases[i].other(&s.boot);
	s.img.kaslr = KASLR_ON;
	for (i = 0; i < _POLICY_MAX; i++) {
		s.pol.mode = (enum policy_mode)i;
		story_run(&s);
		ck_assert_int_eq(s.dec.verdict, i == POLICY_FORCE ?
		    VERDICT_FORCE : VERDICT_REFUSE);
		ck_reason_has(&s, "guest type");
		ck_assert_uint_lt(strlen(s.dec.reason), sizeof(s.dec.reason));
	}
}
END_TEST

/* check_run() */

static void
good_probe(struct probe *p)
{
	memset(p, 0, sizeof(*p));
	p->is_xen = true;
	baseline(&p->rec);
	p->rec.knob_fifo_events = 1;
	p->rec.knob_gnttab_version = 1;
	snprintf(p->cmdline_raw, sizeof(p->cmdline_raw),
	    "root=/dev/xvda1 ro nokaslr xen.fifo_events=1 "
	    "grant_table.version=1 xen_handover.resume=UUID=9091");
	ck_assert_int_eq(cmdline_parse(p->cmdline_raw, &p->cmdline), 0);
	p->lockdown = LOCKDOWN_NONE;
	p->hibernation_available = true;
	p->kexec_supported = true;
	p->kexec_tool = true;
	p->xen_pm_restore = TRI_YES;
	p->has_memtotal = true;
	p->memtotal_kib = 500000;
	snprintf(p->swap.device, sizeof(p->swap.device), "/dev/xvdb");
	p->swap.header_read = true;
	p->swap.is_swap = true;
	p->swap.active = true;
	p->swap.size_kib = 1048576;
}

static void
set_cmdline(struct probe *p, const char *s)
{
	snprintf(p->cmdline_raw, sizeof(p->cmdline_raw), "%s", s);
	ck_assert_int_eq(cmdline_parse(p->cmdline_raw, &p->cmdline), 0);
}

static void m_pv(struct probe *p) { p->rec.guest_type = GUEST_PV; }
static void m_pm_no(struct probe *p) { p->xen_pm_restore = TRI_NO; }
static void m_pm_unknown(struct probe *p)
{
	p->xen_pm_restore = TRI_UNKNOWN;
}
static void m_nohibernate(struct probe *p)
{
	p->hibernation_available = false;
	set_cmdline(p, "root=/dev/xvda1 nokaslr xen.fifo_events=1 "
	    "grant_table.version=1 xen_handover.resume=UUID=1 nohibernate");
}
static void m_lockdown(struct probe *p)
{
	p->lockdown = LOCKDOWN_INTEGRITY;
}
static void m_lockdown_off(struct probe *p)
{
	p->lockdown = LOCKDOWN_CONFIDENTIALITY;
	p->hibernation_available = false;
}
static void m_kaslr(struct probe *p) { p->rec.kaslr = KASLR_ON; }
static void m_fifo_unpinned(struct probe *p)
{
	p->rec.knob_fifo_events = KNOB_UNSET;
}
static void m_2l_unpinned(struct probe *p)
{
	p->rec.evtchn = EVTCHN_2L;
	p->rec.knob_fifo_events = KNOB_UNSET;
}
static void m_evtchn_unknown(struct probe *p)
{
	p->rec.evtchn = EVTCHN_UNKNOWN;
}
static void m_gnttab_unpinned(struct probe *p)
{
	p->rec.knob_gnttab_version = KNOB_UNSET;
	p->rec.gnttab_version = 2;
}
static void m_no_resume(struct probe *p)
{
	set_cmdline(p, "root=/dev/xvda1 nokaslr xen.fifo_events=1 "
	    "grant_table.version=1");
	p->swap.device[0] = '\0';
	p->swap.header_read = false;
	p->swap.is_swap = false;
	p->swap.size_kib = 0;
}
static void m_not_swap(struct probe *p) { p->swap.is_swap = false; }
static void m_small_swap(struct probe *p) { p->swap.size_kib = 400000; }
static void m_resume_param(struct probe *p)
{
	set_cmdline(p, "root=/dev/xvda1 nokaslr xen.fifo_events=1 "
	    "grant_table.version=1 resume=/dev/xvdb");
	snprintf(p->swap.resume_param, sizeof(p->swap.resume_param),
	    "/dev/xvdb");
}
static void m_no_kexec(struct probe *p) { p->kexec_supported = false; }
static void m_kexec_disabled(struct probe *p)
{
	p->kexec_load_disabled = true;
}
static void m_no_kexec_tool(struct probe *p) { p->kexec_tool = false; }

START_TEST(test_check_good)
{
	struct probe p;
	struct blocker_list l;
	struct conf c;

	good_probe(&p);
	conf_init(&c);
	ck_assert_int_eq(check_run(&p, &c, &l), 0);
	ck_assert_msg(l.n == 0, "unexpected %s",
	    l.n ? blocker_id_to_string(l.b[0].id) : "");
	/* NULL configuration = defaults. */
	ck_assert_int_eq(check_run(&p, NULL, &l), 0);
	ck_assert_int_eq(check_run(NULL, &c, &l), -EINVAL);
	ck_assert_int_eq(check_run(&p, &c, NULL), -EINVAL);
}
END_TEST

/* Each problem alone: its entry, its level, a fix that says what to do. */
START_TEST(test_check_each)
{
	static const struct {
		const char *name;
		void (*mut)(struct probe *);
		enum blocker_id id;
		enum blocker_level level;
		const char *fix_has;
		int also;	/* a second expected entry, or -1 */
	} t[] = {
		{ "pv", m_pv, BLOCK_PV_GUEST, LEVEL_BLOCKER, "PVH", -1 },
		{ "pm no", m_pm_no, BLOCK_NO_XEN_PM, LEVEL_BLOCKER,
		    "xen-pm-restore = yes", -1 },
		{ "pm unknown", m_pm_unknown, BLOCK_NO_XEN_PM, LEVEL_BLOCKER,
		    "patch series", -1 },
		{ "nohibernate", m_nohibernate, BLOCK_HIBERNATION_OFF,
		    LEVEL_BLOCKER, "nohibernate", -1 },
		{ "lockdown", m_lockdown, BLOCK_LOCKDOWN, LEVEL_BLOCKER,
		    "lockdown", -1 },
		{ "lockdown+off", m_lockdown_off, BLOCK_LOCKDOWN,
		    LEVEL_BLOCKER, "Secure Boot", BLOCK_HIBERNATION_OFF },
		{ "kaslr", m_kaslr, BLOCK_KASLR, LEVEL_BLOCKER, "nokaslr", -1 },
		{ "fifo unpinned", m_fifo_unpinned, BLOCK_EVTCHN_UNPINNED,
		    LEVEL_BLOCKER, "xen.fifo_events=1", -1 },
		{ "2l unpinned", m_2l_unpinned, BLOCK_EVTCHN_UNPINNED,
		    LEVEL_BLOCKER, "xen.fifo_events=0", -1 },
		{ "evtchn unknown", m_evtchn_unknown, BLOCK_EVTCHN_UNKNOWN,
		    LEVEL_BLOCKER, "xen.fifo_events=0", -1 },
		{ "gnttab unpinned", m_gnttab_unpinned, BLOCK_GNTTAB_UNPINNED,
		    LEVEL_WARNING, "grant_table.version=2", -1 },
		{ "no resume", m_no_resume, BLOCK_NO_RESUME_SWAP,
		    LEVEL_BLOCKER, "xen_handover.resume=UUID=", -1 },
		{ "not swap", m_not_swap, BLOCK_SWAP_NOT_SWAP, LEVEL_BLOCKER,
		    "mkswap", -1 },
		{ "small swap", m_small_swap, BLOCK_SWAP_TOO_SMALL,
		    LEVEL_WARNING, "500000 KiB", -1 },
		{ "resume=", m_resume_param, BLOCK_RESUME_ON_CMDLINE,
		    LEVEL_WARNING, "xen_handover.resume=", -1 },
		{ "no kexec", m_no_kexec, BLOCK_NO_KEXEC, LEVEL_WARNING,
		    "CONFIG_KEXEC", -1 },
		{ "kexec disabled", m_kexec_disabled, BLOCK_NO_KEXEC,
		    LEVEL_WARNING, "kexec_load_disabled", -1 },
		{ "kexec tool", m_no_kexec_tool, BLOCK_NO_KEXEC, LEVEL_WARNING,
		    "kexec-tools", -1 },
	};
	size_t i, k;

	for (i = 0; i < N(t); i++) {
		struct probe p;
		struct blocker_list l;
		struct conf c;
		int want = 0, n;
		bool found = false;

		good_probe(&p);
		conf_init(&c);
		t[i].mut(&p);
		n = check_run(&p, &c, &l);
		ck_assert_msg(l.n == (t[i].also >= 0 ? 2u : 1u),
		    "%s: %zu entries (first %s)", t[i].name, l.n,
		    l.n ? blocker_id_to_string(l.b[0].id) : "-");
		for (k = 0; k < l.n; k++) {
			const struct blocker *b = &l.b[k];

			if (b->level == LEVEL_BLOCKER)
				want++;
			ck_assert(b->what[0] && b->fix[0]);
			ck_assert_msg(strlen(b->what) < sizeof(b->what) - 1,
			    "%s: what truncated", t[i].name);
			ck_assert_msg(strlen(b->fix) < sizeof(b->fix) - 1,
			    "%s: fix truncated", t[i].name);
			if (b->id != t[i].id)
				continue;
			found = true;
			ck_assert_msg(b->level == t[i].level, "%s: level %s",
			    t[i].name, blocker_level_to_string(b->level));
			ck_assert_msg(strstr(b->fix, t[i].fix_has) ||
			    strstr(b->what, t[i].fix_has), "%s: want \"%s\": "
			    "%s / %s", t[i].name, t[i].fix_has, b->what,
			    b->fix);
		}
		ck_assert_msg(found, "%s: entry missing", t[i].name);
		if (t[i].also >= 0)
			ck_assert_msg(l.b[0].id == (enum blocker_id)t[i].also ||
			    l.b[1].id == (enum blocker_id)t[i].also,
			    "%s: second entry missing", t[i].name);
		ck_assert_int_eq(n, want);
	}
}
END_TEST

START_TEST(test_check_not_xen_only)
{
	struct probe p;
	struct blocker_list l;

	memset(&p, 0, sizeof(p));	/* everything missing, too */
	ck_assert_int_eq(check_run(&p, NULL, &l), 1);
	ck_assert_uint_eq(l.n, 1);
	ck_assert_int_eq(l.b[0].id, BLOCK_NOT_XEN);
	ck_assert_int_eq(l.b[0].level, LEVEL_BLOCKER);
}
END_TEST

START_TEST(test_check_conf_overrides)
{
	static const enum tristate tri[] = { TRI_UNKNOWN, TRI_NO, TRI_YES };
	size_t pi, ci;
	struct probe p;
	struct blocker_list l;
	struct conf c;

	/* xen-pm-restore: the configuration wins when set. */
	for (pi = 0; pi < N(tri); pi++)
	for (ci = 0; ci < N(tri); ci++) {
		enum tristate eff = tri[ci] != TRI_UNKNOWN ? tri[ci] : tri[pi];
		int n;

		good_probe(&p);
		conf_init(&c);
		p.xen_pm_restore = tri[pi];
		c.xen_pm_restore = tri[ci];
		n = check_run(&p, &c, &l);
		ck_assert_int_eq(n, eff == TRI_YES ? 0 : 1);
		if (n) {
			ck_assert_int_eq(l.b[0].id, BLOCK_NO_XEN_PM);
			ck_assert_ptr_nonnull(strstr(l.b[0].fix,
			    "xen-pm-restore = yes"));
		}
	}
	/* allow-kaslr accepts a randomised kernel. */
	good_probe(&p);
	conf_init(&c);
	p.rec.kaslr = KASLR_ON;
	ck_assert_int_eq(check_run(&p, &c, &l), 1);
	c.allow_kaslr = true;
	ck_assert_int_eq(check_run(&p, &c, &l), 0);
	/* noresume keeps the kernel from resuming before the gate. */
	good_probe(&p);
	set_cmdline(&p, "root=/dev/xvda1 xen.fifo_events=1 "
	    "grant_table.version=1 resume=/dev/xvdb noresume");
	ck_assert_int_eq(check_run(&p, NULL, &l), 0);
	ck_assert_uint_eq(l.n, 0);
	/* hibernate=no disables, hibernate=noresume does not. */
	good_probe(&p);
	p.hibernation_available = false;
	set_cmdline(&p, "xen.fifo_events=1 grant_table.version=1 "
	    "xen_handover.resume=x hibernate=no");
	ck_assert_int_eq(check_run(&p, NULL, &l), 1);
	ck_assert_ptr_nonnull(strstr(l.b[0].fix, "hibernate=no"));
	set_cmdline(&p, "xen.fifo_events=1 grant_table.version=1 "
	    "xen_handover.resume=x hibernate=noresume");
	ck_assert_int_eq(check_run(&p, NULL, &l), 1);
	ck_assert_ptr_null(strstr(l.b[0].fix, "hibernate=no"));
}
END_TEST

START_TEST(test_check_all_at_once)
{
	struct probe p;
	struct blocker_list l;
	size_t i, j;

	/* Everything wrong (but Xen): every entry once, all counted. */
	good_probe(&p);
	m_pv(&p);
	m_pm_no(&p);
	m_lockdown_off(&p);
	m_kaslr(&p);
	m_evtchn_unknown(&p);
	m_gnttab_unpinned(&p);
	m_resume_param(&p);
	m_not_swap(&p);
	m_small_swap(&p);
	m_no_kexec(&p);
	ck_assert_int_eq(check_run(&p, NULL, &l), 7);
	ck_assert_uint_eq(l.n, 11);
	for (i = 0; i < l.n; i++)
		for (j = 0; j < i; j++)
			ck_assert_int_ne(l.b[i].id, l.b[j].id);
	for (i = 0; i < _BLOCK_MAX; i++)
		ck_assert_ptr_nonnull(blocker_id_to_string(
		    (enum blocker_id)i));
	ck_assert_str_eq(blocker_id_to_string(BLOCK_PV_GUEST), "pv-guest");
	ck_assert_ptr_null(blocker_id_to_string(_BLOCK_MAX));
	ck_assert_str_eq(blocker_level_to_string(LEVEL_BLOCKER), "blocker");
	ck_assert_str_eq(blocker_level_to_string(LEVEL_WARNING), "warning");
}
END_TEST

/* An unpinned v1 grant table is the automatic choice: nothing to say. */
START_TEST(test_check_gnttab_v1_unpinned_quiet)
{
	struct blocker_list bl;
	struct probe *p = calloc(1, sizeof(*p));
	struct conf cfg;
	size_t i;

	ck_assert_ptr_nonnull(p);
	good_probe(p);
	p->rec.knob_gnttab_version = KNOB_UNSET;
	p->rec.gnttab_version = 1;
	conf_init(&cfg);
	check_run(p, &cfg, &bl);
	for (i = 0; i < bl.n; i++)
		ck_assert_int_ne(bl.b[i].id, BLOCK_GNTTAB_UNPINNED);
	free(p);
}
END_TEST

static Suite *
verdict_suite(void)
{
	Suite *s = suite_create("verdict");
	TCase *tc;

	tc = tcase_create("compare");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_baseline_equal);
	tcase_add_test(tc, test_each_field_each_relation);
	tcase_add_test(tc, test_all_field_combinations_differ);
	tcase_add_test(tc, test_all_field_combinations_unknown);
	tcase_add_test(tc, test_evtchn_exhaustive);
	tcase_add_test(tc, test_gnttab_exhaustive);
	tcase_add_test(tc, test_kaslr_exhaustive);
	tcase_add_test(tc, test_kernel_identity_exhaustive);
	tcase_add_test(tc, test_cmdline_digest);
	tcase_add_test(tc, test_check_gnttab_v1_unpinned_quiet);
	tcase_add_test(tc, test_cmdline_layout);
	tcase_add_test(tc, test_xen_features_bitwise);
	tcase_add_test(tc, test_compare_values_and_args);
	suite_add_tcase(s, tc);

	tc = tcase_create("decide");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_decide_matrix);
	tcase_add_test(tc, test_decide_unknown_image);
	tcase_add_test(tc, test_decide_knobs);
	tcase_add_test(tc, test_decide_invalid);
	tcase_add_test(tc, test_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("stories");
	tcase_add_test(tc, story_2l_image_fifo_boot_hvm_repairs);
	tcase_add_test(tc, story_seed_host_upgraded);
	tcase_add_test(tc, story_2l_image_fifo_boot_pvh_refuses);
	tcase_add_test(tc, story_fifo_image_old_xen_refuses);
	tcase_add_test(tc, story_memory_changed_refuses);
	tcase_add_test(tc, story_vcpus_changed_refuses);
	tcase_add_test(tc, story_repaired_still_mismatched_refuses);
	tcase_add_test(tc, story_force);
	tcase_add_test(tc, story_strict_uuid_only);
	tcase_add_test(tc, story_kernel_update);
	tcase_add_test(tc, story_kaslr);
	tcase_add_test(tc, story_pv_and_old_xen);
	tcase_add_test(tc, story_guest_type_changed);
	tcase_add_test(tc, story_unknown_image);
	tcase_add_test(tc, story_long_reason_stays_whole);
	tcase_add_test(tc, story_everything_differs);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_test(tc, test_check_good);
	tcase_add_test(tc, test_check_each);
	tcase_add_test(tc, test_check_not_xen_only);
	tcase_add_test(tc, test_check_conf_overrides);
	tcase_add_test(tc, test_check_all_at_once);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(verdict_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
