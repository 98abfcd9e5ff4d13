// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for daemon/cmdline.c against the kernel's rules: next_arg()
 * quoting (lib/cmdline.c), isspace() (lib/ctype.c, 0xa0 included), "--"
 * (kernel/params.c parse_args()), parameq(), kstrtobool() and
 * kstrtouint(s, 0) (lib/kstrtox.c), last valid occurrence wins, bounds,
 * and cmdline_rewrite().
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "record.h"

static Suite *cmdline_suite(void);

#define MAXW 6

/* One parse case: the kernel arguments ("name" or "name=value") that
 * next_arg() makes of `in`, and the count of words left for init. */
struct parse_case {
	const char *in;
	size_t nargs;
	const char *param[MAXW];
	const char *val[MAXW];	/* NULL: the word had no '=' */
	size_t ninit;
};

static const struct parse_case parse_cases[] = {
	{ "", 0, { NULL }, { NULL }, 0 },
	{ "   ", 0, { NULL }, { NULL }, 0 },
	{ "a b=c", 2, { "a", "b" }, { NULL, "c" }, 0 },
	{ "  lead   trail  ", 2, { "lead", "trail" }, { NULL, NULL }, 0 },
	{ "\tx=1\ny=2\vz\f\rw", 4, { "x", "y", "z", "w" },
	    { "1", "2", NULL, NULL }, 0 },
	/* Quotes around the value are stripped. */
	{ "foo=\"bar baz\" qux", 2, { "foo", "qux" }, { "bar baz", NULL },
	    0 },
	/* A quote around the whole word: stripped at both ends. */
	{ "\"foo=bar baz\" qux", 2, { "foo", "qux" }, { "bar baz", NULL },
	    0 },
	{ "\"flag with space\"", 1, { "flag with space" }, { NULL }, 0 },
	/* An unclosed quote runs to the end of the line. */
	{ "a=\"b c d", 1, { "a" }, { "b c d" }, 0 },
	{ "a=\"b", 1, { "a" }, { "b" }, 0 },
	/* A quote inside a value only suspends splitting; kept as is. */
	{ "x=a\"b c\"d e", 2, { "x", "e" }, { "a\"b c\"d", NULL }, 0 },
	/* Only the first '=' splits; a leading '=' is not a split. */
	{ "a=b=c", 1, { "a" }, { "b=c" }, 0 },
	{ "=x", 1, { "=x" }, { NULL }, 0 },
	{ "==x", 1, { "=" }, { "x" }, 0 },
	{ "a=", 1, { "a" }, { "" }, 0 },
	{ "a=\"\"", 1, { "a" }, { "" }, 0 },
	/* "--" ends the kernel's part; its words go to init. */
	{ "a -- b c", 1, { "a" }, { NULL }, 2 },
	{ "a -- -- b", 1, { "a" }, { NULL }, 2 },
	{ "-- a", 0, { NULL }, { NULL }, 1 },
	{ "a --", 1, { "a" }, { NULL }, 0 },
	{ "\"--\" init", 0, { NULL }, { NULL }, 1 },
	/* "--=x" has a value: not the end marker. */
	{ "a --=x b", 3, { "a", "--", "b" }, { NULL, "x", NULL }, 0 },
	{ "a ---", 2, { "a", "---" }, { NULL, NULL }, 0 },
	/* The kernel's isspace() includes 0xa0 (Latin-1 NBSP). */
	{ "a\xa0" "b", 2, { "a", "b" }, { NULL, NULL }, 0 },
	{ "x=\xc3\xa0y", 2, { "x", "y" }, { "\xc3", NULL }, 0 },
	{ "x=\xc3\xa9", 1, { "x" }, { "\xc3\xa9" }, 0 },
};

START_TEST(test_parse_table)
{
	const struct parse_case *t = &parse_cases[_i];
	static struct cmdline c;
	size_t i;

	ck_assert_int_eq(cmdline_parse(t->in, &c), 0);
	ck_assert_msg(c.nargs == t->nargs, "\"%s\": %zu args, want %zu",
	    t->in, c.nargs, t->nargs);
	for (i = 0; i < t->nargs; i++) {
		ck_assert_str_eq(c.args[i].param, t->param[i]);
		if (t->val[i])
			ck_assert_msg(c.args[i].val &&
			    strcmp(c.args[i].val, t->val[i]) == 0,
			    "\"%s\" arg %zu: value \"%s\", want \"%s\"", t->in,
			    i, c.args[i].val ? c.args[i].val : "(null)",
			    t->val[i]);
		else
			ck_assert_ptr_null(c.args[i].val);
	}
	ck_assert_uint_eq(c.ninit, t->ninit);
}
END_TEST

START_TEST(test_parse_errors)
{
	static struct cmdline c;
	static char big[CMDLINE_MAX + 8];
	size_t i;

	ck_assert_int_eq(cmdline_parse("a\x01" "b", &c), -EILSEQ);
	ck_assert_int_eq(cmdline_parse("a\x7f", &c), -EILSEQ);
	ck_assert_int_eq(cmdline_parse("\x1b[0m", &c), -EILSEQ);
	ck_assert_uint_eq(c.nargs, 0);

	/* CMDLINE_MAX - 1 characters fit, one more does not. */
	memset(big, 'x', CMDLINE_MAX - 1);
	big[CMDLINE_MAX - 1] = '\0';
	ck_assert_int_eq(cmdline_parse(big, &c), 0);
	ck_assert_uint_eq(c.nargs, 1);
	ck_assert_uint_eq(strlen(c.args[0].param), CMDLINE_MAX - 1);
	big[CMDLINE_MAX - 1] = 'x';
	big[CMDLINE_MAX] = '\0';
	ck_assert_int_eq(cmdline_parse(big, &c), -E2BIG);
	ck_assert_uint_eq(c.nargs, 0);

	/* CMDLINE_MAX_ARGS words fit, one more does not; init's count. */
	for (i = 0; i < CMDLINE_MAX_ARGS; i++) {
		big[2 * i] = 'a';
		big[2 * i + 1] = ' ';
	}
	big[2 * CMDLINE_MAX_ARGS] = '\0';
	ck_assert_int_eq(cmdline_parse(big, &c), 0);
	ck_assert_uint_eq(c.nargs, CMDLINE_MAX_ARGS);
	big[2 * CMDLINE_MAX_ARGS] = 'b';
	big[2 * CMDLINE_MAX_ARGS + 1] = '\0';
	ck_assert_int_eq(cmdline_parse(big, &c), -E2BIG);
	ck_assert_uint_eq(c.nargs, 0);
	memcpy(big, "-- ", 3);	/* "-- " and 256 more words */
	for (i = 0; i < CMDLINE_MAX_ARGS; i++) {
		big[3 + 2 * i] = 'a';
		big[3 + 2 * i + 1] = ' ';
	}
	big[3 + 2 * CMDLINE_MAX_ARGS] = '\0';
	ck_assert_int_eq(cmdline_parse(big, &c), -E2BIG);
}
END_TEST

START_TEST(test_parse_no_overread)
{
	static struct cmdline c;
	/* An exact-size heap copy: ASan flags any read past the NUL. */
	const char *src = "a=\"unclosed";
	char *s = malloc(strlen(src) + 1);

	ck_assert_ptr_nonnull(s);
	memcpy(s, src, strlen(src) + 1);
	ck_assert_int_eq(cmdline_parse(s, &c), 0);
	ck_assert_str_eq(cmdline_get(&c, "a"), "unclosed");
	free(s);
}
END_TEST

START_TEST(test_parameq)
{
	static struct cmdline c;

	ck_assert_int_eq(cmdline_parse("xen.fifo-events=0 grant-table.version"
	    " nokaslr resume=/dev/xvda", &c), 0);
	ck_assert(cmdline_has(&c, "xen.fifo_events"));
	ck_assert(cmdline_has(&c, "xen.fifo-events"));
	ck_assert(cmdline_has(&c, "grant_table.version"));
	ck_assert(!cmdline_has(&c, "xen_fifo_events"));	/* '.' is exact */
	ck_assert(!cmdline_has(&c, "xen.fifo"));	/* whole names only */
	ck_assert(!cmdline_has(&c, "xen.fifo_eventsx"));
	ck_assert(!cmdline_has(&c, "Nokaslr"));		/* case matters */
	ck_assert(cmdline_has(&c, "nokaslr"));
	ck_assert_ptr_null(cmdline_get(&c, "nokaslr"));
	ck_assert_str_eq(cmdline_get(&c, "xen.fifo_events"), "0");
	ck_assert_str_eq(cmdline_get(&c, "resume"), "/dev/xvda");
	ck_assert_ptr_null(cmdline_get(&c, "absent"));

	/* cmdline_get: the last occurrence, even without a value. */
	ck_assert_int_eq(cmdline_parse("a=1 a=2 b=1 b", &c), 0);
	ck_assert_str_eq(cmdline_get(&c, "a"), "2");
	ck_assert(cmdline_has(&c, "b"));
	ck_assert_ptr_null(cmdline_get(&c, "b"));

	/* Words after "--" are init's, not parameters. */
	ck_assert_int_eq(cmdline_parse("a=1 -- nokaslr a=2", &c), 0);
	ck_assert(!cmdline_has(&c, "nokaslr"));
	ck_assert_str_eq(cmdline_get(&c, "a"), "1");
}
END_TEST

static const struct {
	const char *val;
	int want;
} bool_cases[] = {
	{ NULL, 1 },	/* "xen.fifo_events" alone means true */
	{ "1", 1 }, { "y", 1 }, { "Y", 1 }, { "yes", 1 }, { "t", 1 },
	{ "T", 1 }, { "true", 1 }, { "yfoo", 1 },
	{ "0", 0 }, { "n", 0 }, { "N", 0 }, { "no", 0 }, { "f", 0 },
	{ "F", 0 }, { "false", 0 },
	{ "on", 1 }, { "ON", 1 }, { "oN", 1 }, { "onwards", 1 },
	{ "off", 0 }, { "OFF", 0 }, { "of", 0 },
	{ "o", -EINVAL }, { "ox", -EINVAL }, { "", -EINVAL },
	{ "2", -EINVAL }, { "x", -EINVAL }, { " 1", -EINVAL },
	{ "-1", -EINVAL },
	/* 6.1 and 6.12 kstrtobool() do not know enable/disable. */
	{ "enable", -EINVAL }, { "disable", -EINVAL },
};

START_TEST(test_parse_bool)
{
	ck_assert_msg(cmdline_parse_bool(bool_cases[_i].val) ==
	    bool_cases[_i].want, "\"%s\"",
	    bool_cases[_i].val ? bool_cases[_i].val : "(null)");
}
END_TEST

static const struct {
	const char *in;
	int want;
} knob_bool_cases[] = {
	{ "console=hvc0", KNOB_UNSET },
	{ "xen.fifo_events=0", 0 },
	{ "xen.fifo_events=1", 1 },
	{ "xen.fifo_events", 1 },
	{ "xen.fifo-events=off", 0 },
	{ "xen.fifo_events=\"0\"", 0 },
	{ "\"xen.fifo_events=n\"", 0 },
	{ "xen.fifo_events=bogus", KNOB_UNSET },
	{ "xen.fifo_events=", KNOB_UNSET },
	/* Invalid values leave the previous one: last valid wins. */
	{ "xen.fifo_events=0 xen.fifo_events=bogus", 0 },
	{ "xen.fifo_events=bogus xen.fifo_events=0", 0 },
	{ "xen.fifo_events=0 xen.fifo_events=1", 1 },
	{ "xen.fifo_events=0 xen.fifo_events", 1 },
	{ "xen.fifo_events=1 xen.fifo-events=N", 0 },
	/* '-' and '_' are alike, '.' is not: another parameter. */
	{ "xen.fifo_events=1 xen-fifo-events=N", 1 },
	{ "xen.fifo_events=0 -- xen.fifo_events=1", 0 },
	{ "-- xen.fifo_events=0", KNOB_UNSET },
	{ "xen.fifo_events=enable", KNOB_UNSET },
};

START_TEST(test_get_bool)
{
	static struct cmdline c;

	ck_assert_int_eq(cmdline_parse(knob_bool_cases[_i].in, &c), 0);
	ck_assert_msg(cmdline_get_bool(&c, "xen.fifo_events") ==
	    knob_bool_cases[_i].want, "\"%s\": %d, want %d",
	    knob_bool_cases[_i].in, cmdline_get_bool(&c, "xen.fifo_events"),
	    knob_bool_cases[_i].want);
}
END_TEST

static const struct {
	const char *in;
	long want;
} knob_uint_cases[] = {
	{ "console=hvc0", -1 },
	{ "grant_table.version=2", 2 },
	{ "grant_table.version=1", 1 },
	{ "grant_table.version=0", 0 },
	{ "grant_table.version=+2", 2 },
	{ "grant_table.version=0x2", 2 },
	{ "grant_table.version=0X1f", 31 },
	{ "grant_table.version=010", 8 },	/* leading 0: octal */
	{ "grant_table.version=08", -1 },
	{ "grant_table.version=0x", -1 },
	{ "grant_table.version=0xg", -1 },
	{ "grant_table.version=-1", -1 },
	{ "grant_table.version=2x", -1 },
	{ "grant_table.version= 2", -1 },
	{ "grant_table.version=", -1 },
	{ "grant_table.version", -1 },	/* a uint needs a value */
	{ "grant_table.version=\"2\n\"", 2 },	/* kstrto* take one '\n' */
	{ "grant_table.version=\"2\n\n\"", -1 },
	{ "grant_table.version=4294967295", 4294967295L },
	{ "grant_table.version=4294967296", -1 },
	{ "grant_table.version=99999999999999999999999", -1 },
	{ "grant-table.version=2 grant_table.version=x", 2 },
	{ "grant_table.version=1 grant_table.version=2", 2 },
	{ "grant_table.version=2 -- grant_table.version=1", 2 },
};

START_TEST(test_get_uint)
{
	static struct cmdline c;

	ck_assert_int_eq(cmdline_parse(knob_uint_cases[_i].in, &c), 0);
	ck_assert_msg(cmdline_get_uint(&c, "grant_table.version") ==
	    knob_uint_cases[_i].want, "\"%s\": %ld, want %ld",
	    knob_uint_cases[_i].in,
	    cmdline_get_uint(&c, "grant_table.version"),
	    knob_uint_cases[_i].want);
}
END_TEST

struct rewrite_case {
	const char *in;
	const char *remove[4];
	const char *append[4];
	const char *want;
};

static const struct rewrite_case rewrite_cases[] = {
	{ "console=hvc0 xen.fifo_events=0 resume=/dev/xvda",
	    { "xen.fifo_events" }, { "xen.fifo_events=1" },
	    "console=hvc0 resume=/dev/xvda xen.fifo_events=1" },
	/* Every occurrence goes, under either spelling. */
	{ "x=1 xen.fifo-events=0 y xen.fifo_events=1 z",
	    { "xen.fifo_events" }, { NULL }, "x=1 y z" },
	/* Several names; flags without a value too. */
	{ "root=/dev/xvda1 resume=/dev/xvda resume_offset=8 nokaslr ro",
	    { "resume", "resume_offset", "nokaslr" }, { NULL },
	    "root=/dev/xvda1 ro" },
	/* The init part after "--" is kept as it was, appends go before. */
	{ "a=1 xen.fifo_events=0 -- single  x=y  ",
	    { "xen.fifo_events" }, { "b=2" }, "a=1 b=2 -- single  x=y" },
	{ "-- xen.fifo_events=0", { "xen.fifo_events" },
	    { "xen.fifo_events=0" }, "xen.fifo_events=0 -- xen.fifo_events=0" },
	/* Quotes of kept words are preserved byte for byte. */
	{ "root=/dev/x dyndbg=\"file a.c +p\" \"quoted word=1 2\" a=\"open",
	    { "root" }, { NULL },
	    "dyndbg=\"file a.c +p\" \"quoted word=1 2\" a=\"open" },
	/* A quoted word is removed by its name. */
	{ "\"xen.fifo_events=0\" q", { "xen.fifo_events" }, { NULL }, "q" },
	/* Appended words holding spaces get quotes. */
	{ "a", { NULL }, { "foo=a b", "two words", "na me=x" },
	    "a foo=\"a b\" \"two words\" \"na me=x\"" },
	{ "", { NULL }, { "x=1" }, "x=1" },
	{ "  spaced   out  ", { NULL }, { NULL }, "spaced out" },
	/* An unclosed quote may stay when nothing follows it... */
	{ "a=\"open end", { NULL }, { NULL }, "a=\"open end" },
	/* ...and may go. */
	{ "k a=\"open end", { "a" }, { "b=1" }, "k b=1" },
};

START_TEST(test_rewrite_table)
{
	const struct rewrite_case *t = &rewrite_cases[_i];
	static struct cmdline before, after, one;
	char out[CMDLINE_MAX];
	size_t i, kept = 0, added = 0;
	int r;

	r = cmdline_rewrite(t->in, t->remove, t->append, out, sizeof(out));
	ck_assert_msg(r >= 0, "\"%s\": %d", t->in, r);
	ck_assert_str_eq(out, t->want);
	ck_assert_int_eq(r, (int)strlen(out));

	/* What the kernel makes of the result: removed names gone, appended
	 * words present with their values, other words and init kept. */
	ck_assert_int_eq(cmdline_parse(t->in, &before), 0);
	ck_assert_int_eq(cmdline_parse(out, &after), 0);
	for (i = 0; i < before.nargs; i++) {
		size_t j;
		bool removed = false;

		/* A one-argument line: cmdline_has() compares names. */
		one.nargs = 1;
		one.args[0] = before.args[i];
		for (j = 0; t->remove[j]; j++)
			if (cmdline_has(&one, t->remove[j]))
				removed = true;
		if (!removed)
			kept++;
	}
	for (i = 0; t->append[i]; i++)
		added++;
	ck_assert_uint_eq(after.nargs, kept + added);
	ck_assert_uint_eq(after.ninit, before.ninit);
	for (i = 0; t->append[i]; i++) {
		const struct cmdline_arg *a = &after.args[kept + i];
		const char *eq = strchr(t->append[i], '=');
		char name[64];

		snprintf(name, sizeof(name), "%.*s",
		    eq ? (int)(eq - t->append[i]) : (int)strlen(t->append[i]),
		    t->append[i]);
		ck_assert_str_eq(a->param, name);
		if (eq)
			ck_assert_str_eq(a->val, eq + 1);
		else
			ck_assert_ptr_null(a->val);
	}
}
END_TEST

START_TEST(test_rewrite_errors)
{
	const char *rm[] = { "xen.fifo_events", NULL };
	const char *bad_dash[] = { "--", NULL };
	const char *bad_quote[] = { "a=\"b\"", NULL };
	const char *bad_empty[] = { "", NULL };
	const char *bad_ctl[] = { "a=\x01", NULL };
	const char *ok[] = { "xen.fifo_events=1", NULL };
	const char *in = "console=hvc0 xen.fifo_events=0";
	const char *want = "console=hvc0 xen.fifo_events=1";
	char out[CMDLINE_MAX];
	size_t len = strlen(want);

	ck_assert_int_eq(cmdline_rewrite(in, rm, bad_dash, out, sizeof(out)),
	    -EINVAL);
	ck_assert_int_eq(cmdline_rewrite(in, rm, bad_quote, out,
	    sizeof(out)), -EINVAL);
	ck_assert_int_eq(cmdline_rewrite(in, rm, bad_empty, out,
	    sizeof(out)), -EINVAL);
	ck_assert_int_eq(cmdline_rewrite(in, rm, bad_ctl, out, sizeof(out)),
	    -EILSEQ);
	ck_assert_int_eq(cmdline_rewrite("a\x02", rm, ok, out, sizeof(out)),
	    -EILSEQ);
	/* A kept unclosed quote would swallow the appended word. */
	ck_assert_int_eq(cmdline_rewrite("a=\"open", rm, ok, out,
	    sizeof(out)), -EINVAL);

	/* Exactly enough room, and one byte less. */
	ck_assert_int_eq(cmdline_rewrite(in, rm, ok, out, len + 1),
	    (int)len);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(cmdline_rewrite(in, rm, ok, out, len), -E2BIG);
	ck_assert_int_eq(cmdline_rewrite(in, rm, ok, out, 1), -E2BIG);
	ck_assert_int_eq(cmdline_rewrite(in, rm, ok, out, 0), -E2BIG);

	/* NULL lists: a normalised copy. */
	ck_assert_int_eq(cmdline_rewrite(" a  b ", NULL, NULL, out,
	    sizeof(out)), 3);
	ck_assert_str_eq(out, "a b");
}
END_TEST

START_TEST(test_rewrite_too_long)
{
	static char in[CMDLINE_MAX];
	const char *app[] = { "xen.fifo_events=0", NULL };
	const char *rm[] = { "a", NULL };
	char out[CMDLINE_MAX + 64];
	size_t i;

	/* The result may not hold more words than cmdline_parse() takes:
	 * 255 words plus one appended fit, plus two do not. */
	for (i = 0; i < CMDLINE_MAX_ARGS - 1; i++)
		memcpy(in + 2 * i, "b ", 2);
	in[2 * (CMDLINE_MAX_ARGS - 1)] = '\0';
	ck_assert_int_gt(cmdline_rewrite(in, NULL, app, out, sizeof(out)),
	    0);
	memcpy(in, "-- ", 3);	/* init's words count as well */
	ck_assert_int_gt(cmdline_rewrite(in, NULL, app, out, sizeof(out)),
	    0);
	memcpy(in, "b b ", 4);
	strcat(in, "b");
	ck_assert_int_eq(cmdline_rewrite(in, NULL, app, out, sizeof(out)),
	    -E2BIG);
	ck_assert_int_gt(cmdline_rewrite(in, NULL, NULL, out, sizeof(out)),
	    0);
	in[0] = 'a';		/* one removed makes room again */
	ck_assert_int_gt(cmdline_rewrite(in, rm, app, out, sizeof(out)), 0);

	/* The result may not outgrow what cmdline_parse() accepts. */
	memset(in, 'x', CMDLINE_MAX - 10);
	in[CMDLINE_MAX - 10] = '\0';
	ck_assert_int_eq(cmdline_rewrite(in, NULL, app, out, sizeof(out)),
	    -E2BIG);
	in[CMDLINE_MAX - 30] = '\0';
	ck_assert_int_gt(cmdline_rewrite(in, NULL, app, out, sizeof(out)),
	    0);
}
END_TEST

static Suite *
cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_loop_test(tc, test_parse_table, 0,
	    sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_no_overread);
	tcase_add_test(tc, test_parameq);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_loop_test(tc, test_parse_bool, 0,
	    sizeof(bool_cases) / sizeof(bool_cases[0]));
	tcase_add_loop_test(tc, test_get_bool, 0,
	    sizeof(knob_bool_cases) / sizeof(knob_bool_cases[0]));
	tcase_add_loop_test(tc, test_get_uint, 0,
	    sizeof(knob_uint_cases) / sizeof(knob_uint_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("rewrite");
	tcase_add_loop_test(tc, test_rewrite_table, 0,
	    sizeof(rewrite_cases) / sizeof(rewrite_cases[0]));
	tcase_add_test(tc, test_rewrite_errors);
	tcase_add_test(tc, test_rewrite_too_long);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
