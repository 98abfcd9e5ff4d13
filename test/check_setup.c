// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests for `xen-handover setup` (daemon/setup.c): each test copies a
 * captured guest from $XH_FIXTURES into a mkdtemp root (the probe facts:
 * evtchn ABI, grant version, guest type, /proc/cmdline), writes GRUB
 * files there, runs setup_run() over that root and checks the bytes of
 * every file, the state file, the backup, the report and the exit code.
 * The shell evaluation and the xl line are also tested on their own.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cmdline.h"
#include "setup.h"

static Suite *setup_suite(void);

#define GRUB "/etc/default/grub"
#define BOOT_CMDLINE "BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 " \
	"root=/dev/xvda1 ro console=hvc0\n"

static char root[256];
static char *out;		/* report of the last run */

/* --- helpers ------------------------------------------------------------ */

static const char *
fixtures(void)
{
	const char *e = getenv("XH_FIXTURES");

	return e && *e ? e : "test/fixtures";
}

static void
path_in(const char *rel, char *buf, size_t sz)
{
	ck_assert_int_lt(snprintf(buf, sz, "%s%s", root, rel), (int)sz);
}

static void
mkdir_p(const char *dir)
{
	char tmp[512], *p;

	ck_assert_int_lt(snprintf(tmp, sizeof(tmp), "%s", dir),
	    (int)sizeof(tmp));
	for (p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

static void
put(const char *rel, const char *text)
{
	char path[512], dir[512], *slash;
	FILE *f;

	path_in(rel, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir_p(dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void
append(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	path_in(rel, path, sizeof(path));
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Whole file, or NULL when absent. Caller frees. */
static char *
get(const char *rel)
{
	char path[512], *buf;
	size_t n;
	FILE *f;

	path_in(rel, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = calloc(1, 1 << 17);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, (1 << 17) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
exists(const char *rel)
{
	char path[512];

	path_in(rel, path, sizeof(path));
	return access(path, F_OK) == 0;
}

static void
assert_file(const char *rel, const char *want)
{
	char *got = get(rel);

	ck_assert_msg(got != NULL, "%s is missing", rel);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- got ---\n%s--- want "
	    "---\n%s", rel, got, want);
	free(got);
}

/* A root holding a copy of fixture, with /proc/cmdline replaced. */
static void
make_root(const char *fixture, const char *cmdline)
{
	char cmd[1024];

	snprintf(root, sizeof(root), "/tmp/check_setup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "cp -R '%s/%s/.' '%s/'", fixtures(),
	    fixture, root);
	ck_assert_int_eq(system(cmd), 0);
	if (cmdline)
		put("/proc/cmdline", cmdline);
}

static void
teardown(void)
{
	char cmd[600];

	free(out);
	out = NULL;
	if (root[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", root);
		root[0] = '\0';
	}
}

enum {
	F_DRY = 1 << 0,
	F_UNDO = 1 << 1,
	F_FORCE = 1 << 2,
	F_JSON = 1 << 3,
	F_GRUB = 1 << 4,
};

/* setup_run() over the root; the report lands in `out`. */
static int
run(int flags)
{
	struct setup_opts o = {
		.root = root,
		.dry_run = flags & F_DRY,
		.undo = flags & F_UNDO,
		.force = flags & F_FORCE,
		.json = flags & F_JSON,
		.grub = flags & F_GRUB,
	};
	size_t sz = 0;
	FILE *m;
	int code;

	free(out);
	out = NULL;
	m = open_memstream(&out, &sz);
	ck_assert_ptr_nonnull(m);
	code = setup_run(&o, m);
	ck_assert_int_eq(fclose(m), 0);
	return code;
}

static void
assert_out_has(const char *s)
{
	ck_assert_msg(out && strstr(out, s), "report lacks '%s':\n%s", s,
	    out ? out : "(none)");
}

static void
assert_out_lacks(const char *s)
{
	ck_assert_msg(!out || !strstr(out, s), "report has '%s':\n%s", s,
	    out);
}

/* The command line GRUB builds from the root's files, parsed. */
static void
effective(struct cmdline *c)
{
	const char *texts[8];
	size_t lens[8], n = 0, i;
	char *bufs[8], lin[8192], def[8192], line[16384];
	static const char *const files[] = { GRUB,
		"/etc/default/grub.d/10-a.cfg",
		"/etc/default/grub.d/50-cloud.cfg", NULL };

	for (i = 0; files[i]; i++) {
		bufs[n] = get(files[i]);
		if (!bufs[n])
			continue;
		texts[n] = bufs[n];
		lens[n] = strlen(bufs[n]);
		n++;
	}
	ck_assert_int_eq(setup_grub_eval(texts, lens, n, lin, def,
	    sizeof(lin)), 0);
	snprintf(line, sizeof(line), "%s %s", lin, def);
	ck_assert_int_eq(cmdline_parse(line, c), 0);
	for (i = 0; i < n; i++)
		free(bufs[i]);
}

/* --- basic runs --------------------------------------------------------- */

static const char debian_grub[] =
	"# If you change this file, run 'update-grub' afterwards to update\n"
	"# /boot/grub/grub.cfg.\n"
	"\n"
	"GRUB_DEFAULT=0\n"
	"GRUB_TIMEOUT=5\n"
	"GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
	"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
	"GRUB_CMDLINE_LINUX=\"console=hvc0 resume=/dev/xvda\"\n"
	"\n"
	"# Uncomment to disable graphical terminal (grub-pc only)\n"
	"#GRUB_TERMINAL=console\n";

START_TEST(t_fifo_rewrites_and_pins)
{
	char *state, *want;

	make_root("deb12-6.1-pvh-fifo", BOOT_CMDLINE);
	put(GRUB, debian_grub);
	ck_assert_int_eq(run(0), EXIT_OK);

	want = strdup(debian_grub);
	ck_assert_ptr_nonnull(want);
	{
		const char *old = "GRUB_CMDLINE_LINUX=\"console=hvc0 "
		    "resume=/dev/xvda\"";
		char *p = strstr(want, old), buf[4096];

		ck_assert_ptr_nonnull(p);
		snprintf(buf, sizeof(buf), "%.*sGRUB_CMDLINE_LINUX=\"console="
		    "hvc0 xen_handover.resume=/dev/xvda xen.fifo_events=1 "
		    "nokaslr\"%s", (int)(p - want), want, p + strlen(old));
		assert_file(GRUB, buf);
	}
	free(want);
	/* The first backup is the original. */
	assert_file(GRUB ".xen-handover.bak", debian_grub);
	state = get("/etc/xen-handover/setup.state");
	ck_assert_ptr_nonnull(state);
	ck_assert_ptr_nonnull(strstr(state, "\nresume\t/etc/default/grub\t"
	    "GRUB_CMDLINE_LINUX\txen_handover.resume=/dev/xvda\n"));
	ck_assert_ptr_nonnull(strstr(state, "\nadd\t/etc/default/grub\t"
	    "GRUB_CMDLINE_LINUX\txen.fifo_events=1\n"));
	ck_assert_ptr_nonnull(strstr(state, "\nadd\t/etc/default/grub\t"
	    "GRUB_CMDLINE_LINUX\tnokaslr\n"));
	ck_assert_ptr_null(strstr(state, "grant_table"));
	free(state);
	/* A diff line per changed line, and a sentence per change. */
	assert_out_has("-GRUB_CMDLINE_LINUX=\"console=hvc0 "
	    "resume=/dev/xvda\"\n");
	assert_out_has("+GRUB_CMDLINE_LINUX=\"console=hvc0 "
	    "xen_handover.resume=/dev/xvda xen.fifo_events=1 nokaslr\"\n");
	assert_out_has("@@ -8,1 +8,1 @@\n");
	assert_out_has("pinned xen.fifo_events=1 because this kernel runs "
	    "FIFO event channels");
	assert_out_has("rewrote resume=/dev/xvda as "
	    "xen_handover.resume=/dev/xvda");
	assert_out_has("added nokaslr");
	assert_out_has("Did not run update-grub: --root is not /");
	/* v1 is the automatic choice: not pinned. */
	assert_out_lacks("grant_table");
}
END_TEST

START_TEST(t_2level_pins_fifo_off)
{
	struct cmdline *c = malloc(sizeof(*c));

	ck_assert_ptr_nonnull(c);
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"\"\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 "
	    "nokaslr\"\n");
	assert_out_has("pinned xen.fifo_events=0 because this kernel runs "
	    "2-level event channels");
	effective(c);
	ck_assert_int_eq(cmdline_get_bool(c, "xen.fifo_events"), 0);
	ck_assert(cmdline_has(c, "nokaslr"));
	free(c);
}
END_TEST

START_TEST(t_dry_run_writes_nothing)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, debian_grub);
	ck_assert_int_eq(run(F_DRY), EXIT_OK);
	assert_file(GRUB, debian_grub);
	ck_assert(!exists(GRUB ".xen-handover.bak"));
	ck_assert(!exists("/etc/xen-handover/setup.state"));
	ck_assert(!exists("/etc/xen-handover"));
	assert_out_has("+GRUB_CMDLINE_LINUX=\"console=hvc0 "
	    "xen_handover.resume=/dev/xvda xen.fifo_events=0 nokaslr\"\n");
	assert_out_has("Dry run: nothing was written");
	/* And an --undo dry run after a real run writes nothing either. */
	ck_assert_int_eq(run(0), EXIT_OK);
	{
		char *after = get(GRUB), *state =
		    get("/etc/xen-handover/setup.state");

		ck_assert_int_eq(run(F_UNDO | F_DRY), EXIT_OK);
		assert_out_has("-GRUB_CMDLINE_LINUX=\"console=hvc0 "
		    "xen_handover.resume=/dev/xvda xen.fifo_events=0 "
		    "nokaslr\"\n");
		assert_file(GRUB, after);
		assert_file("/etc/xen-handover/setup.state", state);
		free(after);
		free(state);
	}
}
END_TEST

START_TEST(t_idempotent)
{
	char *first, *state;

	make_root("deb12-6.1-pvh-fifo", BOOT_CMDLINE);
	put(GRUB, debian_grub);
	ck_assert_int_eq(run(0), EXIT_OK);
	first = get(GRUB);
	state = get("/etc/xen-handover/setup.state");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_out_has("nothing to change");
	assert_out_lacks("+GRUB");
	assert_file(GRUB, first);
	assert_file("/etc/xen-handover/setup.state", state);
	/* The backup is taken the first time only. */
	assert_file(GRUB ".xen-handover.bak", debian_grub);
	free(first);
	free(state);
}
END_TEST

/* --- quoting ------------------------------------------------------------ */

struct quote_case {
	const char *in;
	const char *want;
	const char *undone;	/* NULL: byte-identical to in */
};

static const struct quote_case quote_cases[] = {
	/* Single quotes, a comment after the value, other lines kept. */
	{ "A=1 # 'x\nGRUB_CMDLINE_LINUX='resume=UUID=1 quiet' # keep me\n"
	  "B=\"GRUB_CMDLINE_LINUX=resume=/x\"\n",
	  "A=1 # 'x\nGRUB_CMDLINE_LINUX='xen_handover.resume=UUID=1 quiet "
	  "xen.fifo_events=0 nokaslr' # keep me\n"
	  "B=\"GRUB_CMDLINE_LINUX=resume=/x\"\n", NULL },
	/* Unquoted: quoted so the words stay one shell word. */
	{ "GRUB_CMDLINE_LINUX=quiet\n",
	  "GRUB_CMDLINE_LINUX=\"quiet xen.fifo_events=0 nokaslr\"\n",
	  "GRUB_CMDLINE_LINUX=\"quiet\"\n" },
	{ "GRUB_CMDLINE_LINUX=\n",
	  "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 nokaslr\"\n",
	  "GRUB_CMDLINE_LINUX=\"\"\n" },
	/* Trailing blank: no double space. */
	{ "GRUB_CMDLINE_LINUX=\"quiet \"\n",
	  "GRUB_CMDLINE_LINUX=\"quiet xen.fifo_events=0 nokaslr\"\n",
	  "GRUB_CMDLINE_LINUX=\"quiet\"\n" },
	/* Escapes, a continued line, kernel quotes inside shell quotes. */
	{ "GRUB_CMDLINE_LINUX=\"a \\\n  b=\\\"c d\\\" \\$x "
	  "resume=/dev/xvda\"\n",
	  "GRUB_CMDLINE_LINUX=\"a \\\n  b=\\\"c d\\\" \\$x "
	  "xen_handover.resume=/dev/xvda xen.fifo_events=0 nokaslr\"\n", NULL },
	/* A kernel-quoted resume value with a space. */
	{ "GRUB_CMDLINE_LINUX='resume=\"/dev/disk/by-label/my swap\"'\n",
	  "GRUB_CMDLINE_LINUX='xen_handover.resume=\"/dev/disk/by-label/my "
	  "swap\" xen.fifo_events=0 nokaslr'\n", NULL },
	/* export, indentation inside a block, a commented-out line. */
	{ "#GRUB_CMDLINE_LINUX=\"resume=/dev/sda\"\nif true; then\n"
	  "\texport GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\nfi\n",
	  "#GRUB_CMDLINE_LINUX=\"resume=/dev/sda\"\nif true; then\n"
	  "\texport GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	  "xen.fifo_events=0 nokaslr\"\nfi\n", NULL },
	/* A reference to the variable itself. */
	{ "GRUB_CMDLINE_LINUX=quiet\n"
	  "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} resume=/dev/xvda\"\n",
	  "GRUB_CMDLINE_LINUX=quiet\n"
	  "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} "
	  "xen_handover.resume=/dev/xvda xen.fifo_events=0 nokaslr\"\n", NULL },
	/* No assignment at all, no final newline: a line is added. */
	{ "GRUB_TIMEOUT=5",
	  "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"xen.fifo_events=0 "
	  "nokaslr\"\n", "GRUB_TIMEOUT=5\n" },
	{ "GRUB_TIMEOUT=5\n",
	  "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"xen.fifo_events=0 "
	  "nokaslr\"\n", NULL },
	/* Only the kernel's own parameter names count: resume_offset= and
	 * noresume stay, and so does a name that only looks alike. */
	{ "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda resume_offset=34816 "
	  "noresume xen-fifo-events=1\"\n",
	  "GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	  "resume_offset=34816 noresume xen-fifo-events=1 xen.fifo_events=0 "
	  "nokaslr\"\n", NULL },
};

START_TEST(t_quoting)
{
	const struct quote_case *q = &quote_cases[_i];
	struct cmdline *c = malloc(sizeof(*c));

	ck_assert_ptr_nonnull(c);
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, q->in);
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_file(GRUB, q->want);
	/* What the shell makes of it is what we meant. */
	effective(c);
	ck_assert_ptr_null(cmdline_get(c, "resume"));
	ck_assert_int_eq(cmdline_get_bool(c, "xen.fifo_events"), 0);
	ck_assert(cmdline_has(c, "nokaslr"));
	/* Idempotent. */
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_out_has("nothing to change");
	assert_file(GRUB, q->want);
	/* --undo takes back exactly what was added. */
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, q->undone ? q->undone : q->in);
	ck_assert(!exists("/etc/xen-handover/setup.state"));
	free(c);
}
END_TEST

START_TEST(t_unterminated_quote)
{
	static const char bad[] = "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\n";

	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, bad);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	assert_file(GRUB, bad);
	ck_assert(!exists("/etc/xen-handover/setup.state"));
}
END_TEST

/* --- several variables, drop-ins --------------------------------------- */

START_TEST(t_both_variables)
{
	static const char in[] =
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet nokaslr resume=/dev/xvdb\"\n"
	    "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\n";

	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, in);
	ck_assert_int_eq(run(0), EXIT_OK);
	/* Both resume= rewritten; nokaslr was there (normal entries get
	 * both variables): not added again. */
	assert_file(GRUB,
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet nokaslr "
	    "xen_handover.resume=/dev/xvdb\"\n"
	    "GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	    "xen.fifo_events=0\"\n");
	assert_out_lacks("added nokaslr");
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, in);
}
END_TEST

START_TEST(t_dropins)
{
	static const char main_in[] =
	    "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\n";
	static const char cloud_in[] =
	    "# cloud image settings\n"
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"console=hvc0 resume=/dev/xvdb\"\n"
	    "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX nosplash\"\n";
	static const char other[] = "GRUB_CMDLINE_LINUX=\"resume=/dev/zz\"\n";
	struct cmdline *c = malloc(sizeof(*c));

	ck_assert_ptr_nonnull(c);
	make_root("deb12-6.1-pvh-fifo", BOOT_CMDLINE);
	put(GRUB, main_in);
	put("/etc/default/grub.d/10-a.cfg", "# nothing here\n");
	put("/etc/default/grub.d/50-cloud.cfg", cloud_in);
	/* Not sourced by grub-mkconfig: left alone. */
	put("/etc/default/grub.d/60-x.cfg.dpkg-old", other);
	put("/etc/default/grub.d/README", other);
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\""
	    "xen_handover.resume=/dev/xvda\"\n");
	/* Knobs go where GRUB_CMDLINE_LINUX is set last. */
	assert_file("/etc/default/grub.d/50-cloud.cfg",
	    "# cloud image settings\n"
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"console=hvc0 "
	    "xen_handover.resume=/dev/xvdb\"\n"
	    "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX nosplash "
	    "xen.fifo_events=1 nokaslr\"\n");
	assert_file("/etc/default/grub.d/10-a.cfg", "# nothing here\n");
	assert_file("/etc/default/grub.d/60-x.cfg.dpkg-old", other);
	assert_file("/etc/default/grub.d/README", other);
	assert_file("/etc/default/grub.d/50-cloud.cfg.xen-handover.bak",
	    cloud_in);
	assert_out_has("--- /etc/default/grub.d/50-cloud.cfg\n");
	effective(c);
	ck_assert_ptr_null(cmdline_get(c, "resume"));
	ck_assert_str_eq(cmdline_get(c, "xen_handover.resume"),
	    "/dev/xvdb");
	ck_assert_int_eq(cmdline_get_bool(c, "xen.fifo_events"), 1);
	ck_assert(cmdline_has(c, "nosplash"));
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, main_in);
	assert_file("/etc/default/grub.d/50-cloud.cfg", cloud_in);
	free(c);
}
END_TEST

/* A later drop-in that overrides the main file's value takes the knobs. */
START_TEST(t_dropin_overrides)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"quiet\"\n");
	put("/etc/default/grub.d/50-cloud.cfg",
	    "GRUB_CMDLINE_LINUX='console=hvc0'\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"quiet\"\n");
	assert_file("/etc/default/grub.d/50-cloud.cfg",
	    "GRUB_CMDLINE_LINUX='console=hvc0 xen.fifo_events=0 nokaslr'\n");
}
END_TEST

/* --- knobs: conflicts, --force, grant tables ------------------------------ */

static const char conflict_in[] =
    "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda xen.fifo-events=1\"\n";

START_TEST(t_conflict_reported)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, conflict_in);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	/* The other changes are made; the knob is left as it was. */
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	    "xen.fifo-events=1 nokaslr\"\n");
	assert_out_has("xen.fifo-events=1 is set (GRUB_CMDLINE_LINUX in "
	    "/etc/default/grub) but this kernel runs 2-level event channels");
	assert_out_has("--force");
	/* Still reported, still not changed. */
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	assert_out_has("xen.fifo-events=1 is set");
}
END_TEST

START_TEST(t_conflict_forced)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, conflict_in);
	ck_assert_int_eq(run(F_FORCE), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	    "xen.fifo_events=0 nokaslr\"\n");
	assert_out_has("replaced xen.fifo-events=1 with xen.fifo_events=0");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_out_has("nothing to change");
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, conflict_in);
}
END_TEST

START_TEST(t_grant_v2)
{
	make_root("deb12-6.1-pvh-fifo", BOOT_CMDLINE);
	/* A later log line: this kernel switched to v2 (the last wins). */
	append("/dev/kmsg", "6,330,5300000,-;xen:grant_table: Grant tables "
	    "using version 2 layout\n");
	put(GRUB, "GRUB_CMDLINE_LINUX=\"nokaslr\"\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"nokaslr xen.fifo_events=1 "
	    "grant_table.version=2\"\n");
	assert_out_has("pinned grant_table.version=2 because this kernel "
	    "uses version 2 grant tables");
}
END_TEST

START_TEST(t_grant_conflict)
{
	static const char in[] =
	    "GRUB_CMDLINE_LINUX=\"grant_table.version=2 nokaslr "
	    "xen.fifo_events=1\"\n";

	make_root("deb12-6.1-pvh-fifo", BOOT_CMDLINE);
	put(GRUB, in);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	assert_file(GRUB, in);
	assert_out_has("grant_table.version=2 is set");
	ck_assert_int_eq(run(F_FORCE), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"grant_table.version=1 nokaslr "
	    "xen.fifo_events=1\"\n");
}
END_TEST

/* --- undo --------------------------------------------------------------- */

START_TEST(t_undo_keeps_user_words)
{
	static const char in[] =
	    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
	    "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 resume=/dev/xvda\"\n";
	char *state;

	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, in);
	ck_assert_int_eq(run(0), EXIT_OK);
	/* The user's own xen.fifo_events=0 was enough: not added. */
	assert_file(GRUB, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
	    "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 "
	    "xen_handover.resume=/dev/xvda nokaslr\"\n");
	state = get("/etc/xen-handover/setup.state");
	ck_assert_ptr_null(strstr(state, "xen.fifo_events"));
	free(state);
	/* Afterwards the user adds nokaslr themselves, elsewhere. */
	put(GRUB, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet nokaslr\"\n"
	    "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 "
	    "xen_handover.resume=/dev/xvda nokaslr\"\n");
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet nokaslr\"\n"
	    "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 resume=/dev/xvda\"\n");
	assert_out_has("removed nokaslr from GRUB_CMDLINE_LINUX");
	assert_out_has("turned xen_handover.resume=/dev/xvda back into "
	    "resume=/dev/xvda");
	/* The backup still holds the very first original. */
	assert_file(GRUB ".xen-handover.bak", in);
	/* Nothing left to undo. */
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_out_has("Nothing to undo");
}
END_TEST

START_TEST(t_undo_word_gone)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"quiet\"\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	/* The user removed nokaslr by hand. */
	put(GRUB, "GRUB_CMDLINE_LINUX=\"quiet xen.fifo_events=0\"\n");
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"quiet\"\n");
	assert_out_has("nokaslr, added by setup, is no longer in");
}
END_TEST

START_TEST(t_undo_without_state)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"nokaslr\"\n");
	ck_assert_int_eq(run(F_UNDO), EXIT_OK);
	assert_out_has("Nothing to undo");
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"nokaslr\"\n");
}
END_TEST

/* --- guests setup cannot edit ------------------------------------------- */

START_TEST(t_no_grub_prints_xl_line)
{
	make_root("deb12-6.1-pvh-2l", NULL);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	/* /proc/cmdline: console=hvc0 resume=/dev/xvda xen.fifo_events=0
	 * lab.capture=2 */
	assert_out_has("  extra=\"console=hvc0 xen.fifo_events=0 "
	    "lab.capture=2 xen_handover.resume=/dev/xvda nokaslr\"\n");
	assert_out_has("/etc/default/grub is missing");
	ck_assert(!exists("/etc/default"));
	ck_assert(!exists("/etc/xen-handover"));
}
END_TEST

START_TEST(t_no_grub_fifo)
{
	make_root("deb12-6.1-pvh-fifo", NULL);
	ck_assert_int_eq(run(F_JSON), EXIT_BLOCKED);
	assert_out_has("\"bootloader\": \"dom0\"");
	assert_out_has("\"xl_extra\": \"console=hvc0 lab.capture=1 "
	    "xen_handover.resume=/dev/xvda xen.fifo_events=1 nokaslr\"");
}
END_TEST

START_TEST(t_not_booted_by_grub)
{
	static const char in[] = "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\n";

	make_root("deb12-6.1-pvh-2l", "root=/dev/xvda1 console=hvc0 "
	    "resume=/dev/xvda\n");
	put(GRUB, in);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	assert_out_has("no BOOT_IMAGE=");
	assert_out_has("extra=\"root=/dev/xvda1 console=hvc0 "
	    "xen_handover.resume=/dev/xvda xen.fifo_events=0 nokaslr\"");
	assert_file(GRUB, in);
	/* pygrub reads the guest's grub.cfg: --grub edits it anyway. */
	ck_assert_int_eq(run(F_GRUB), EXIT_OK);
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"xen_handover.resume=/dev/xvda "
	    "xen.fifo_events=0 nokaslr\"\n");
}
END_TEST

START_TEST(t_not_xen)
{
	make_root("nonxen", BOOT_CMDLINE);
	put(GRUB, debian_grub);
	ck_assert_int_eq(run(0), EXIT_NOT_XEN);
	assert_file(GRUB, debian_grub);
}
END_TEST

START_TEST(t_pv_guest)
{
	make_root("deb12-6.1-pv", BOOT_CMDLINE);
	put(GRUB, debian_grub);
	ck_assert_int_eq(run(0), EXIT_BLOCKED);
	assert_out_has("PV guest");
	assert_file(GRUB, debian_grub);
}
END_TEST

/* --- notes, files, options ---------------------------------------------- */

START_TEST(t_initramfs_tools_note)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"xen.fifo_events=0 nokaslr\"\n");
	put("/etc/initramfs-tools/conf.d/resume", "RESUME=UUID=1234\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_out_has("nothing to change");
	assert_out_has("initramfs-tools resumes from RESUME=UUID=1234");
	/* Only reported. */
	assert_file("/etc/initramfs-tools/conf.d/resume", "RESUME=UUID=1234\n");
	put("/etc/initramfs-tools/conf.d/resume", "RESUME=none\n");
	ck_assert_int_eq(run(0), EXIT_OK);
	assert_out_lacks("initramfs-tools resumes");
}
END_TEST

START_TEST(t_json_report)
{
	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put(GRUB, "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\n");
	ck_assert_int_eq(run(F_JSON | F_DRY), EXIT_OK);
	assert_out_has("\"action\": \"rewrite\"");
	assert_out_has("\"word\": \"xen_handover.resume=/dev/xvda\"");
	assert_out_has("\"old\": \"resume=/dev/xvda\"");
	assert_out_has("\"word\": \"xen.fifo_events=0\"");
	assert_out_has("\"cmdline_after\": \"xen_handover.resume=/dev/xvda "
	    "xen.fifo_events=0 nokaslr\"");
	assert_out_has("\"dry_run\": true");
	assert_out_lacks("Changes");
	assert_file(GRUB, "GRUB_CMDLINE_LINUX=\"resume=/dev/xvda\"\n");
}
END_TEST

START_TEST(t_mode_and_symlink_kept)
{
	char path[512], target[512];
	struct stat st;

	make_root("deb12-6.1-pvh-2l", BOOT_CMDLINE);
	put("/etc/default/grub.real", "GRUB_CMDLINE_LINUX=\"\"\n");
	path_in("/etc/default/grub.real", target, sizeof(target));
	path_in(GRUB, path, sizeof(path));
	ck_assert_int_eq(chmod(target, 0640), 0);
	ck_assert_int_eq(symlink("grub.real", path), 0);
	ck_assert_int_eq(run(0), EXIT_OK);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	assert_file("/etc/default/grub.real", "GRUB_CMDLINE_LINUX=\""
	    "xen.fifo_events=0 nokaslr\"\n");
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(t_usage)
{
	char a0[] = "xen-handover", a1[] = "--bogus", a2[] = "--undo",
	    a3[] = "--force", a4[] = "extra";
	char *v1[] = { a0, a1, NULL }, *v2[] = { a0, a2, a3, NULL },
	    *v3[] = { a0, a4, NULL };

	ck_assert_int_eq(setup_main(2, v1), EXIT_USAGE);
	ck_assert_int_eq(setup_main(3, v2), EXIT_USAGE);
	ck_assert_int_eq(setup_main(2, v3), EXIT_USAGE);
}
END_TEST

/* --- pure helpers ------------------------------------------------------- */

START_TEST(t_eval)
{
	const char *t[2] = {
		"GRUB_CMDLINE_LINUX='a b'\n"
		"X=\"$(echo 'GRUB_CMDLINE_LINUX=no')\"\n"
		"GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX c\"\n",
		"GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX} \\\"q\\\" "
		"$HOME\"\n",
	};
	size_t l[2] = { strlen(t[0]), strlen(t[1]) };
	char lin[256], def[256];
	const char *bad = "GRUB_CMDLINE_LINUX='open\n";
	size_t bl = strlen(bad);

	ck_assert_int_eq(setup_grub_eval(t, l, 2, lin, def, sizeof(lin)), 0);
	ck_assert_str_eq(lin, "a b \"q\" $HOME");
	ck_assert_str_eq(def, "a b c");
	ck_assert_int_eq(setup_grub_eval(&bad, &bl, 1, lin, def,
	    sizeof(lin)), -EINVAL);
	ck_assert_int_eq(setup_grub_eval(t, l, 2, lin, def, 4), -E2BIG);
}
END_TEST

START_TEST(t_xl_extra)
{
	const char *add[] = { "xen.fifo_events=0", "nokaslr", NULL };
	const char *repl[] = { "xen.fifo_events", NULL };
	char buf[256];

	ck_assert_int_ge(setup_xl_extra("BOOT_IMAGE=/v root=/dev/xvda1 "
	    "resume=\"/dev/x y\" quiet", add, NULL, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "root=/dev/xvda1 quiet "
	    "xen_handover.resume=\"/dev/x y\" xen.fifo_events=0 nokaslr");
	ck_assert_int_ge(setup_xl_extra("xen.fifo_events=1 a", add, repl,
	    buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "a xen.fifo_events=0 nokaslr");
	ck_assert_int_eq(setup_xl_extra("a b", add, NULL, buf, 8), -E2BIG);
}
END_TEST

static Suite *
setup_suite(void)
{
	Suite *s = suite_create("setup");
	TCase *tc;

	tc = tcase_create("runs");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, t_fifo_rewrites_and_pins);
	tcase_add_test(tc, t_2level_pins_fifo_off);
	tcase_add_test(tc, t_dry_run_writes_nothing);
	tcase_add_test(tc, t_idempotent);
	tcase_add_loop_test(tc, t_quoting, 0, (int)(sizeof(quote_cases) /
	    sizeof(quote_cases[0])));
	tcase_add_test(tc, t_unterminated_quote);
	tcase_add_test(tc, t_both_variables);
	tcase_add_test(tc, t_dropins);
	tcase_add_test(tc, t_dropin_overrides);
	tcase_add_test(tc, t_conflict_reported);
	tcase_add_test(tc, t_conflict_forced);
	tcase_add_test(tc, t_grant_v2);
	tcase_add_test(tc, t_grant_conflict);
	tcase_add_test(tc, t_undo_keeps_user_words);
	tcase_add_test(tc, t_undo_word_gone);
	tcase_add_test(tc, t_undo_without_state);
	tcase_add_test(tc, t_no_grub_prints_xl_line);
	tcase_add_test(tc, t_no_grub_fifo);
	tcase_add_test(tc, t_not_booted_by_grub);
	tcase_add_test(tc, t_not_xen);
	tcase_add_test(tc, t_pv_guest);
	tcase_add_test(tc, t_initramfs_tools_note);
	tcase_add_test(tc, t_json_report);
	tcase_add_test(tc, t_mode_and_symlink_kept);
	tcase_add_test(tc, t_usage);
	suite_add_tcase(s, tc);

	tc = tcase_create("pure");
	tcase_add_test(tc, t_eval);
	tcase_add_test(tc, t_xl_extra);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(setup_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
