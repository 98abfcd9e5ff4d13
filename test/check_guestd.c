// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for xen-handoverd's pure pieces: its configuration parser
 * and durations, and the reader of the resume gate's note, fed with what
 * the gate's own writer (gate_write_json()) produces.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "guestd-conf.h"
#include "guestd-gatenote.h"

#define PARSE(c, text, err) \
	guestd_conf_parse((c), (text), strlen(text), "t.conf", (err), \
	    sizeof(err))

START_TEST(test_duration)
{
	static const struct {
		const char *s;
		int r;
		uint64_t usec;
	} t[] = {
		{ "10", 0, 10000000 }, { "500ms", 0, 500000 },
		{ "1.5s", 0, 1500000 }, { "2min", 0, 120000000 },
		{ "250us", 0, 250 }, { "0.001", 0, 1000 },
		{ "", -EINVAL, 0 }, { "s", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
		{ "1.", -EINVAL, 0 }, { "1h", -EINVAL, 0 },
		{ "5 s", -EINVAL, 0 }, { "86401", -EINVAL, 0 },
		{ "99999999999999999999999", -EINVAL, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 12345;
		int r = guestd_parse_duration(t[i].s, &v);

		ck_assert_msg(r == t[i].r, "'%s': %d", t[i].s, r);
		if (r == 0)
			ck_assert_msg(v == t[i].usec, "'%s': %llu", t[i].s,
			    (unsigned long long)v);
		else
			ck_assert_uint_eq(v, 12345);
	}
}
END_TEST

START_TEST(test_conf_defaults_and_keys)
{
	struct guestd_conf c;
	char err[256];

	guestd_conf_init(&c);
	ck_assert(c.block_unsafe && c.xenstore && c.resume_check);
	ck_assert_uint_eq(c.ping_timeout, 10 * USEC_PER_SEC);
	ck_assert_int_eq(PARSE(&c, "# comment\n\nBlock_Unsafe = no\n"
	    "xenstore=off   # trailing\nping-timeout = 250ms\n"
	    "retry-min=100ms\nretry-max = 2s\nresume-check = false\n", err),
	    0);
	ck_assert_str_eq(err, "");
	ck_assert(!c.block_unsafe && !c.xenstore && !c.resume_check);
	ck_assert_uint_eq(c.ping_timeout, 250000);
	ck_assert_uint_eq(c.retry_min, 100000);
	ck_assert_uint_eq(c.retry_max, 2000000);
}
END_TEST

START_TEST(test_conf_errors_leave_unchanged)
{
	struct guestd_conf c, before;
	char err[256];

	guestd_conf_init(&c);
	before = c;
	ck_assert_int_eq(PARSE(&c, "block-unsafe = no\nping-timeout = "
	    "soon\n", err), -EINVAL);
	ck_assert_str_eq(err, "t.conf:2: bad value for ping-timeout: "
	    "'soon'");
	ck_assert(memcmp(&c, &before, sizeof(c)) == 0);
	ck_assert_int_eq(PARSE(&c, "xenstore\n", err), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: expected key = value");
	ck_assert_int_eq(PARSE(&c, "ping-timeout = 0\n", err), -EINVAL);
	ck_assert_int_eq(PARSE(&c, "retry-min = 10s\nretry-max = 1s\n",
	    err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "retry-max is below retry-min"));
	ck_assert(memcmp(&c, &before, sizeof(c)) == 0);
}
END_TEST

START_TEST(test_conf_unknown_key_warns)
{
	struct guestd_conf c;
	char err[256];

	guestd_conf_init(&c);
	ck_assert_int_eq(PARSE(&c, "frobnicate = 1\nxenstore = no\n"
	    "other = 2\n", err), 0);
	ck_assert(!c.xenstore);
	ck_assert_str_eq(err, "t.conf:1: unknown key 'frobnicate', ignored\n"
	    "t.conf:3: unknown key 'other', ignored");
}
END_TEST

START_TEST(test_conf_long_line)
{
	struct guestd_conf c;
	char err[256], *text = malloc(3000);

	guestd_conf_init(&c);
	memset(text, 'x', 2999);
	text[2999] = '\0';
	ck_assert_int_eq(PARSE(&c, text, err), -EINVAL);
	ck_assert_str_eq(err, "t.conf:1: line too long");
	free(text);
}
END_TEST

/* What the gate writes after refusing an image. */
static char *
gate_refusal_json(bool dry_run)
{
	struct gate g;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	gate_init(&g);
	g.now = 1795000000;
	g.dry_run = dry_run;
	g.outcome = GATE_OUT_REFUSE;
	g.exit_code = 1;
	g.decided = true;
	g.dec.verdict = VERDICT_REFUSE;
	snprintf(g.dec.reason, sizeof(g.dec.reason), "the image uses 2-level "
	    "event channels, this boot \"FIFO\"\tand\xc3\xa9 more");
	snprintf(g.fixed_cmdline, sizeof(g.fixed_cmdline), "console=hvc0 "
	    "xen.fifo_events=0");
	snprintf(g.device, sizeof(g.device), "/dev/xvda");
	g.nmasks = 1;
	snprintf(g.masks[0], sizeof(g.masks[0]), "dev-xvda.swap");
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	gate_write_json(&g, f);
	fclose(f);
	gate_free(&g);
	return buf;
}

START_TEST(test_gatenote_from_gate_writer)
{
	char *json = gate_refusal_json(false), detail[300];
	struct gate_note n;
	enum guest_state s;
	const char *gate;

	ck_assert_int_eq(gatenote_parse(json, strlen(json), &n), 0);
	ck_assert_str_eq(n.outcome, "refuse");
	ck_assert_str_eq(n.verdict, "refuse");
	ck_assert(n.has_time);
	ck_assert_int_eq(n.time, 1795000000);
	ck_assert(!n.dry_run);
	/* Escapes decoded, tab as a space, non-ASCII as '?'. */
	ck_assert_str_eq(n.reason, "the image uses 2-level event channels, "
	    "this boot \"FIFO\" and?? more");
	ck_assert_str_eq(n.cmdline, "console=hvc0 xen.fifo_events=0");
	gatenote_summary(&n, &s, &gate, detail, sizeof(detail));
	ck_assert_int_eq(s, GUEST_STATE_REFUSED_LAST_BOOT);
	ck_assert_str_eq(gate, "refuse");
	ck_assert_ptr_nonnull(strstr(detail, "refused the hibernated image"));
	ck_assert_ptr_nonnull(strstr(detail, "2-level event channels"));
	free(json);
}
END_TEST

START_TEST(test_gatenote_dry_run_is_no_refusal)
{
	char *json = gate_refusal_json(true), detail[300];
	struct gate_note n;
	enum guest_state s;
	const char *gate;

	ck_assert_int_eq(gatenote_parse(json, strlen(json), &n), 0);
	ck_assert(n.dry_run);
	gatenote_summary(&n, &s, &gate, detail, sizeof(detail));
	ck_assert_int_eq(s, GUEST_STATE_RUNNING);
	ck_assert_str_eq(gate, "refuse");
	free(json);
}
END_TEST

START_TEST(test_gatenote_outcomes)
{
	static const struct {
		const char *json;
		enum guest_state state;
		const char *gate, *detail;
	} t[] = {
		{ "{\"outcome\":\"no-image\",\"verdict\":null}",
		  GUEST_STATE_RUNNING, "none", "resume gate: no-image" },
		{ "{\"outcome\":\"error\",\"note\":\"cannot read\"}",
		  GUEST_STATE_RUNNING, "none", "the resume gate failed (error)"
		  ": cannot read" },
		{ "{\"outcome\":\"repair\",\"verdict\":\"repair\"}",
		  GUEST_STATE_RUNNING, "repair", "the resume gate started a "
		  "repair that did not resume the image" },
		{ "{\"verdict\":\"bogus\",\"outcome\":\"resume\"}",
		  GUEST_STATE_RUNNING, "none", "resume gate: resume" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct gate_note n;
		enum guest_state s;
		const char *gate;
		char detail[300];

		ck_assert_int_eq(gatenote_parse(t[i].json, strlen(t[i].json),
		    &n), 0);
		gatenote_summary(&n, &s, &gate, detail, sizeof(detail));
		ck_assert_int_eq(s, t[i].state);
		ck_assert_str_eq(gate, t[i].gate);
		ck_assert_str_eq(detail, t[i].detail);
	}
}
END_TEST

START_TEST(test_gatenote_malformed)
{
	static const struct {
		const char *json;
		int r;
	} t[] = {
		{ "", -EBADMSG },
		{ "[]", -EBADMSG },
		{ "{", -EBADMSG },
		{ "{\"outcome\":\"refuse\"", -EBADMSG },
		{ "{\"outcome\":\"refuse\"} x", -EBADMSG },
		{ "{\"outcome\":\"ref\\q\"}", -EBADMSG },
		{ "{\"outcome\":\"r\\u12\"}", -EBADMSG },
		{ "{\"outcome\":\"a\nb\"}", -EBADMSG },
		{ "{\"outcome\":\"x\",\"a\":[1,2,}", -EBADMSG },
		{ "{\"outcome\":\"x\",\"a\":tru}", -EBADMSG },
		{ "{}", -EINVAL },
		{ "{\"verdict\":\"refuse\"}", -EINVAL },
		{ "{\"outcome\":7}", -EINVAL },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct gate_note n;
		int r = gatenote_parse(t[i].json, strlen(t[i].json), &n);

		ck_assert_msg(r == t[i].r, "%zu '%s': %d", i, t[i].json, r);
		ck_assert_str_eq(n.outcome, "");
	}
}
END_TEST

START_TEST(test_gatenote_depth_and_bounds)
{
	char deep[200], big[4000];
	struct gate_note n;
	size_t i, o = 0;

	o += (size_t)sprintf(deep, "{\"outcome\":\"x\",\"a\":");
	for (i = 0; i < 20; i++)
		deep[o++] = '[';
	for (i = 0; i < 20; i++)
		deep[o++] = ']';
	deep[o++] = '}';
	ck_assert_int_eq(gatenote_parse(deep, o, &n), -EBADMSG);
	/* Nesting within the limit is skipped. */
	ck_assert_int_eq(gatenote_parse("{\"a\":{\"b\":[{\"c\":null}]},"
	    "\"outcome\":\"resume\"}", 43, &n), 0);
	ck_assert_str_eq(n.outcome, "resume");
	/* Long strings are cut to the field, never overflow it. */
	o = (size_t)sprintf(big, "{\"outcome\":\"refuse\",\"reason\":\"");
	memset(big + o, 'r', 3000);
	o += 3000;
	o += (size_t)sprintf(big + o, "\"}");
	ck_assert_int_eq(gatenote_parse(big, o, &n), 0);
	ck_assert_uint_eq(strlen(n.reason), XSSCHEMA_DETAIL_MAX);
	/* The length bounds the parse: no terminator needed. */
	ck_assert_int_eq(gatenote_parse("{\"outcome\":\"x\"}garbage", 15, &n),
	    0);
}
END_TEST

static Suite *
guestd_suite(void)
{
	Suite *s = suite_create("guestd");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_conf_defaults_and_keys);
	tcase_add_test(tc, test_conf_errors_leave_unchanged);
	tcase_add_test(tc, test_conf_unknown_key_warns);
	tcase_add_test(tc, test_conf_long_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("gatenote");
	tcase_add_test(tc, test_gatenote_from_gate_writer);
	tcase_add_test(tc, test_gatenote_dry_run_is_no_refusal);
	tcase_add_test(tc, test_gatenote_outcomes);
	tcase_add_test(tc, test_gatenote_malformed);
	tcase_add_test(tc, test_gatenote_depth_and_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(guestd_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
