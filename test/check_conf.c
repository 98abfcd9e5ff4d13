// SPDX-License-Identifier: GPL-2.0-or-later
/* Tests for the configuration parser and loader (daemon/conf.c). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

static int
parse(struct conf *c, const char *text, char *err, size_t errsz)
{
	return conf_parse(c, text, strlen(text), "test.conf", err, errsz);
}

START_TEST(test_defaults)
{
	struct conf c;

	memset(&c, 0xff, sizeof(c));
	conf_init(&c);
	ck_assert_int_eq(c.xen_pm_restore, TRI_UNKNOWN);
	ck_assert_int_eq(c.policy.mode, POLICY_AUTO);
	ck_assert_int_eq(c.policy.unknown_image, UNKNOWN_IMAGE_PROCEED);
	ck_assert(!c.allow_kaslr);
	ck_assert(!c.policy.repair_kexec);	/* repair is opt-in */
}
END_TEST

START_TEST(test_all_keys)
{
	struct conf c;
	char err[256];

	conf_init(&c);
	ck_assert_int_eq(parse(&c,
	    "# xen-handover configuration\n"
	    "\n"
	    "xen-pm-restore = yes\n"
	    "  policy=strict   \n"
	    "\tunknown-image =\trefuse\n"
	    "allow-kaslr = on\n", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(c.xen_pm_restore, TRI_YES);
	ck_assert_int_eq(c.policy.mode, POLICY_STRICT);
	ck_assert_int_eq(c.policy.unknown_image, UNKNOWN_IMAGE_REFUSE);
	ck_assert(c.allow_kaslr);
}
END_TEST

START_TEST(test_values)
{
	static const struct {
		const char *line;
		int field;	/* 0 pm, 1 policy, 2 unknown, 3 kaslr, 4 repair */
		int want;
	} t[] = {
		{ "xen-pm-restore = auto", 0, TRI_UNKNOWN },
		{ "xen-pm-restore = yes", 0, TRI_YES },
		{ "xen-pm-restore = no", 0, TRI_NO },
		{ "xen-pm-restore = true", 0, TRI_YES },
		{ "xen-pm-restore = 0", 0, TRI_NO },
		{ "xen-pm-restore = AUTO", 0, TRI_UNKNOWN },
		{ "policy = auto", 1, POLICY_AUTO },
		{ "policy = strict", 1, POLICY_STRICT },
		{ "policy = refuse", 1, POLICY_REFUSE },
		{ "policy = force", 1, POLICY_FORCE },
		{ "policy = Force", 1, POLICY_FORCE },
		{ "unknown-image = proceed", 2, UNKNOWN_IMAGE_PROCEED },
		{ "unknown-image = refuse", 2, UNKNOWN_IMAGE_REFUSE },
		{ "allow-kaslr = yes", 3, 1 },
		{ "allow-kaslr = no", 3, 0 },
		{ "allow-kaslr = true", 3, 1 },
		{ "allow-kaslr = false", 3, 0 },
		{ "allow-kaslr = 1", 3, 1 },
		{ "allow-kaslr = 0", 3, 0 },
		{ "allow-kaslr = on", 3, 1 },
		{ "allow-kaslr = off", 3, 0 },
		{ "allow-kaslr = YES", 3, 1 },
		{ "repair = kexec", 4, 1 },
		{ "repair = KEXEC", 4, 1 },
		{ "repair = no", 4, 0 },
		{ "repair = off", 4, 0 },
		/* '_' and '-' are the same in keys, case is ignored. */
		{ "allow_kaslr = yes", 3, 1 },
		{ "Policy = refuse", 1, POLICY_REFUSE },
		{ "xen_pm_restore=no", 0, TRI_NO },
		/* CRLF line ends. */
		{ "policy = strict\r", 1, POLICY_STRICT },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct conf c;
		char err[128];
		int got;

		conf_init(&c);
		/* Start from the opposite so each line must change it. */
		c.xen_pm_restore = t[i].want == TRI_NO ? TRI_YES : TRI_NO;
		c.policy.mode = t[i].want == POLICY_AUTO ? POLICY_FORCE :
		    POLICY_AUTO;
		c.policy.unknown_image = t[i].want == UNKNOWN_IMAGE_REFUSE ?
		    UNKNOWN_IMAGE_PROCEED : UNKNOWN_IMAGE_REFUSE;
		c.allow_kaslr = !t[i].want;
		c.policy.repair_kexec = !t[i].want;
		ck_assert_msg(parse(&c, t[i].line, err, sizeof(err)) == 0,
		    "%s: %s", t[i].line, err);
		switch (t[i].field) {
		case 0:
			got = (int)c.xen_pm_restore;
			break;
		case 1:
			got = (int)c.policy.mode;
			break;
		case 2:
			got = (int)c.policy.unknown_image;
			break;
		case 4:
			got = c.policy.repair_kexec;
			break;
		default:
			got = c.allow_kaslr;
			break;
		}
		ck_assert_msg(got == t[i].want, "%s: got %d", t[i].line, got);
	}
}
END_TEST

START_TEST(test_later_wins)
{
	struct conf c;
	char err[64];

	conf_init(&c);
	ck_assert_int_eq(parse(&c, "policy = refuse\npolicy = force\n", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	/* Values persist across calls: a second file only overrides. */
	ck_assert_int_eq(parse(&c, "allow-kaslr = yes", err, sizeof(err)),
	    0);
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	ck_assert(c.allow_kaslr);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *text;
		const char *msg;	/* the whole message must start so */
	} t[] = {
		{ "policy = auto\nno equals sign\n",
		    "test.conf:2: expected \"key = value\"" },
		{ "\n\n = yes\n", "test.conf:3: missing key" },
		{ "policy =\n", "test.conf:1: missing value for \"policy\"" },
		{ "policy =   \n", "test.conf:1: missing value" },
		{ "policy = sometimes\n",
		    "test.conf:1: invalid value \"sometimes\" for policy" },
		{ "#\npolicy = auto strict\n",
		    "test.conf:2: invalid value \"auto strict\"" },
		{ "unknown-image = force\n", "test.conf:1: invalid value" },
		{ "allow-kaslr = maybe\n", "test.conf:1: invalid value" },
		{ "repair = yes\n", "test.conf:1: invalid value" },
		{ "xen-pm-restore = perhaps\n", "test.conf:1: invalid value" },
		{ "allow-kaslr = yes # comment\n",
		    "test.conf:1: invalid value" },
		{ "pol icy = auto\n", "test.conf:1: invalid character in key" },
		{ "[section]\n", "test.conf:1: expected" },
		{ "policy = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		    "test.conf:1: invalid value" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct conf c, before;
		char err[256];

		conf_init(&c);
		c.allow_kaslr = true;
		before = c;
		ck_assert_msg(parse(&c, t[i].text, err, sizeof(err)) ==
		    -EINVAL, "%s: accepted", t[i].text);
		ck_assert_msg(strncmp(err, t[i].msg, strlen(t[i].msg)) == 0,
		    "%s: got \"%s\", want \"%s...\"", t[i].text, err,
		    t[i].msg);
		/* Nothing applied, not even the lines before the error. */
		ck_assert_mem_eq(&c, &before, sizeof(c));
	}
}
END_TEST

START_TEST(test_atomic_on_error)
{
	struct conf c;
	char err[128];

	conf_init(&c);
	ck_assert_int_eq(parse(&c, "policy = force\nallow-kaslr = yes\n"
	    "unknown-image = bogus\n", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(c.policy.mode, POLICY_AUTO);
	ck_assert(!c.allow_kaslr);
	ck_assert_ptr_nonnull(strstr(err, "test.conf:3:"));
}
END_TEST

START_TEST(test_unknown_keys_warn)
{
	struct conf c;
	char err[256];

	/* Forward compatible: ignored, reported, everything else applied. */
	conf_init(&c);
	ck_assert_int_eq(parse(&c, "policy = strict\nfuture-knob = 3\n"
	    "allow-kaslr = yes\nother = x\n", err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_STRICT);
	ck_assert(c.allow_kaslr);
	ck_assert_str_eq(err, "test.conf:2: unknown key \"future-knob\", "
	    "ignored\ntest.conf:4: unknown key \"other\", ignored");

	/* A small err buffer is never overrun; NULL err is fine. */
	conf_init(&c);
	ck_assert_int_eq(parse(&c, "a = 1\nb = 2\n", err, 8), 0);
	ck_assert_uint_lt(strlen(err), 8);
	ck_assert_int_eq(parse(&c, "a = 1\npolicy = refuse", NULL, 0), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_REFUSE);
	ck_assert_int_eq(parse(&c, "policy = x", NULL, 0), -EINVAL);
}
END_TEST

START_TEST(test_gate_keys)
{
	static const char *const bad[] = {
		"resume-offset = -1", "resume-offset = 3x", "resume-offset = ",
		"timeout = 3601", "timeout = 1.5", "timeout = -2",
		"resume = /dev/\x01xvdb",
	};
	char err[256], big[400];
	struct conf c;
	size_t i;

	conf_init(&c);
	ck_assert_str_eq(c.resume, "");
	ck_assert(!c.has_resume_offset);
	ck_assert_int_eq(c.timeout, -1);
	/* The device keeps its case and its '=': only the first one splits. */
	ck_assert_int_eq(parse(&c, "resume = LABEL=MySwap\n"
	    "resume_offset = 34816\ntimeout = 0\n", err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(c.resume, "LABEL=MySwap");
	ck_assert(c.has_resume_offset);
	ck_assert_uint_eq(c.resume_offset, 34816);
	ck_assert_int_eq(c.timeout, 0);
	ck_assert_int_eq(parse(&c, "Resume = UUID=0c9d2a47-5e1b-4f83-a6d2-"
	    "7b8c9e0f1a2b\ntimeout = 3600\n", err, sizeof(err)), 0);
	ck_assert_str_eq(c.resume, "UUID=0c9d2a47-5e1b-4f83-a6d2-7b8c9e0f1a2b");
	ck_assert_int_eq(c.timeout, 3600);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct conf before;

		conf_init(&c);
		before = c;
		ck_assert_msg(parse(&c, bad[i], err, sizeof(err)) == -EINVAL,
		    "%s accepted", bad[i]);
		ck_assert_msg(strstr(err, "test.conf:1:") != NULL, "%s", err);
		ck_assert_mem_eq(&c, &before, sizeof(c));
	}
	/* A device name longer than resume= can be. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "resume = /", 10);
	big[sizeof(big) - 1] = '\0';
	conf_init(&c);
	ck_assert_int_eq(parse(&c, big, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "too long") != NULL);
	ck_assert_str_eq(c.resume, "");
}
END_TEST

START_TEST(test_bounds)
{
	struct conf c;
	char err[128];
	char *big;
	size_t n;

	/* 1024 bytes per line are fine, 1025 are not. */
	big = malloc(CONF_MAX_SIZE + 2);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', 1024);
	big[1024] = '\n';
	memcpy(big + 1025, "policy = force\n", 15);
	conf_init(&c);
	ck_assert_int_eq(conf_parse(&c, big, 1040, "b", err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	memset(big, '#', 1025);
	big[1025] = '\n';
	ck_assert_int_eq(conf_parse(&c, big, 1026, "b", err, sizeof(err)),
	    -EINVAL);
	ck_assert_str_eq(err, "b:1: line longer than 1024 bytes");
	/* Also without a newline at the end. */
	ck_assert_int_eq(conf_parse(&c, big, 1025, "b", err, sizeof(err)),
	    -EINVAL);

	/* Whole files: CONF_MAX_SIZE is fine, one more byte is not. */
	for (n = 0; n < CONF_MAX_SIZE; n += 64) {
		memset(big + n, ' ', 63);
		big[n + 63] = '\n';
	}
	ck_assert_int_eq(conf_parse(&c, big, CONF_MAX_SIZE, "b", err,
	    sizeof(err)), 0);
	big[CONF_MAX_SIZE] = '\n';
	ck_assert_int_eq(conf_parse(&c, big, CONF_MAX_SIZE + 1, "b", err,
	    sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "larger than"));
	free(big);

	/* Only len bytes are read: an exact-size heap copy, no NUL. */
	big = malloc(14);
	memcpy(big, "policy = force", 14);
	conf_init(&c);
	ck_assert_int_eq(conf_parse(&c, big, 14, "b", err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	/* ...and a shorter len cuts the value. */
	ck_assert_int_eq(conf_parse(&c, big, 13, "b", err, sizeof(err)),
	    -EINVAL);
	free(big);

	/* NUL bytes are errors with their line. */
	ck_assert_int_eq(conf_parse(&c, "\npolicy = a\0uto\n", 16, "b", err,
	    sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "b:2: NUL byte in line");

	/* Empty input, NULL text with no length. */
	ck_assert_int_eq(conf_parse(&c, "", 0, "b", err, sizeof(err)), 0);
	ck_assert_int_eq(conf_parse(&c, NULL, 0, "b", err, sizeof(err)), 0);
	ck_assert_int_eq(conf_parse(&c, NULL, 3, "b", err, sizeof(err)),
	    -EINVAL);
	ck_assert_int_eq(conf_parse(NULL, "", 0, "b", err, sizeof(err)),
	    -EINVAL);
}
END_TEST

/* conf_load() under a temporary root. */

static char root[256];

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
setup_root(void)
{
	char p[512];

	snprintf(root, sizeof(root), "%s/xh-conf-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/etc/xen-handover", root);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void
teardown_root(void)
{
	nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void
write_at(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void
mkdir_at(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

#define DROPIN CONF_DROPIN_DIR "/"

START_TEST(test_load_absent)
{
	struct conf c, def;
	char err[128];

	conf_init(&c);
	conf_init(&def);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_mem_eq(&c, &def, sizeof(c));
}
END_TEST

START_TEST(test_load_main_and_dropins)
{
	struct conf c;
	char err[256];

	write_at(CONF_PATH, "policy = force\nallow-kaslr = yes\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	ck_assert(c.allow_kaslr);

	/* Drop-ins in byte order, after the main file; later wins. */
	mkdir_at(CONF_DROPIN_DIR);
	write_at(DROPIN "20-b.conf", "policy = refuse\n");
	write_at(DROPIN "10-a.conf", "policy = strict\nunknown-image = "
	    "refuse\n");
	write_at(DROPIN "9-z.conf", "xen-pm-restore = no\n"); /* after 20 */
	write_at(DROPIN "10-a.conf.disabled", "policy = auto\n");
	write_at(DROPIN "README", "not a config\n");
	write_at(DROPIN ".hidden.conf", "policy = auto\n");
	write_at(DROPIN "Z-last.conf", "xen-pm-restore = yes\n");
	mkdir_at(DROPIN "dir.conf");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(c.policy.mode, POLICY_REFUSE);
	ck_assert_int_eq(c.policy.unknown_image, UNKNOWN_IMAGE_REFUSE);
	ck_assert(c.allow_kaslr);
	/* Byte order: "9-z" ('9' 0x39) comes before "Z-last" ('Z' 0x5a). */
	ck_assert_int_eq(c.xen_pm_restore, TRI_YES);
}
END_TEST

START_TEST(test_load_order_bytes)
{
	struct conf c;
	char err[128];

	/* "10" < "9" in byte order: 9 is read last and wins. */
	mkdir_at(CONF_DROPIN_DIR);
	write_at(DROPIN "9.conf", "policy = strict\n");
	write_at(DROPIN "10.conf", "policy = force\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_STRICT);
}
END_TEST

START_TEST(test_load_errors)
{
	struct conf c;
	char err[256], p[512];

	mkdir_at(CONF_DROPIN_DIR);
	write_at(CONF_PATH, "policy = force\n");
	write_at(DROPIN "10-ok.conf", "allow-kaslr = yes\nnew-key = 1\n");
	write_at(DROPIN "30-bad.conf", "# bad\npolicy = whenever\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, CONF_DROPIN_DIR "/30-bad.conf:2: invalid value "
	    "\"whenever\" for policy: expected auto, strict, refuse or force");
	/* All or nothing: the earlier files were not applied either. */
	ck_assert_int_eq(c.policy.mode, POLICY_AUTO);
	ck_assert(!c.allow_kaslr);

	/* Warnings name file and line, and the load succeeds. */
	snprintf(p, sizeof(p), "%s" DROPIN "30-bad.conf", root);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_str_eq(err, CONF_DROPIN_DIR "/10-ok.conf:2: unknown key "
	    "\"new-key\", ignored");
	ck_assert_int_eq(c.policy.mode, POLICY_FORCE);
	ck_assert(c.allow_kaslr);
}
END_TEST

START_TEST(test_load_too_big)
{
	struct conf c;
	char err[256], p[512];
	int fd;

	snprintf(p, sizeof(p), "%s%s", root, CONF_PATH);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, CONF_MAX_SIZE + 1), 0);
	close(fd);
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), -EFBIG);
	ck_assert_ptr_nonnull(strstr(err, CONF_PATH ": file larger than"));
}
END_TEST

START_TEST(test_load_masked_and_not_dir)
{
	struct conf c;
	char err[128], p[512];

	/* A drop-in linked to /dev/null is empty (systemd-style masking). */
	mkdir_at(CONF_DROPIN_DIR);
	snprintf(p, sizeof(p), "%s" DROPIN "50-mask.conf", root);
	ck_assert_int_eq(symlink("/dev/null", p), 0);
	write_at(DROPIN "40.conf", "policy = strict\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_STRICT);
}
END_TEST

START_TEST(test_load_dropin_is_file)
{
	struct conf c;
	char err[128];

	/* The drop-in "directory" is a file: no drop-ins, not an error. */
	write_at(CONF_DROPIN_DIR, "policy = force\n");
	write_at(CONF_PATH, "policy = refuse\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_REFUSE);
}
END_TEST

START_TEST(test_load_gate_file)
{
	struct conf c;
	char err[256];

	/* Absent: fine, nothing changes. */
	conf_init(&c);
	ck_assert_int_eq(conf_load_file(&c, root, CONF_GATE_PATH, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(c.resume, "");

	/* Read over what conf_load() found: later wins. */
	write_at(CONF_PATH, "policy = strict\ntimeout = 5\n");
	write_at(CONF_GATE_PATH, "resume = /dev/xvdb\ntimeout = 2\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load(&c, root, err, sizeof(err)), 0);
	ck_assert_int_eq(conf_load_file(&c, root, CONF_GATE_PATH, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(c.policy.mode, POLICY_STRICT);
	ck_assert_int_eq(c.timeout, 2);
	ck_assert_str_eq(c.resume, "/dev/xvdb");

	/* A bad gate file leaves the configuration as it was. */
	write_at(CONF_GATE_PATH, "timeout = 2\nresume-offset = x\n");
	conf_init(&c);
	ck_assert_int_eq(conf_load_file(&c, root, CONF_GATE_PATH, err,
	    sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, CONF_GATE_PATH ":2: invalid value \"x\" for "
	    "resume-offset: expected a page number");
	ck_assert_int_eq(c.timeout, -1);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_all_keys);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_later_wins);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_atomic_on_error);
	tcase_add_test(tc, test_unknown_keys_warn);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_gate_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup_root, teardown_root);
	tcase_add_test(tc, test_load_absent);
	tcase_add_test(tc, test_load_main_and_dropins);
	tcase_add_test(tc, test_load_order_bytes);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_load_too_big);
	tcase_add_test(tc, test_load_masked_and_not_dir);
	tcase_add_test(tc, test_load_dropin_is_file);
	tcase_add_test(tc, test_load_gate_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
