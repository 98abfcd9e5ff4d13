// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests for the resume gate (daemon/gate.c), the resume device
 * resolution it shares with the probes (daemon/resume.c) and the newc
 * writer it repacks the initramfs with (daemon/cpio.c).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cpio.h"
#include "gate.h"
#include "resume.h"
#include "swaphdr.h"
#include "util.h"

static char root[PATH_MAX];

static const uint8_t SWAP_UUID[16] = {
	0x0c, 0x9d, 0x2a, 0x47, 0x5e, 0x1b, 0x4f, 0x83,
	0xa6, 0xd2, 0x7b, 0x8c, 0x9e, 0x0f, 0x1a, 0x2b,
};
#define SWAP_UUID_STR "0c9d2a47-5e1b-4f83-a6d2-7b8c9e0f1a2b"

/* --- tree helpers ------------------------------------------------------ */

static void
path_of(const char *rel, char *out, size_t outsz)
{
	ck_assert_int_lt(snprintf(out, outsz, "%s%s", root, rel), (int)outsz);
}

static void
mkdirs(const char *rel)
{
	char p[PATH_MAX], *c;

	path_of(rel, p, sizeof(p));
	for (c = p + strlen(root) + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		ck_assert(mkdir(p, 0755) == 0 || errno == EEXIST);
		*c = '/';
	}
	ck_assert(mkdir(p, 0755) == 0 || errno == EEXIST);
}

static void
parent_dirs(const char *rel)
{
	char d[PATH_MAX];
	char *slash;

	snprintf(d, sizeof(d), "%s", rel);
	slash = strrchr(d, '/');
	if (slash && slash != d) {
		*slash = '\0';
		mkdirs(d);
	}
}

static void
put(const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX];
	FILE *f;

	parent_dirs(rel);
	path_of(rel, p, sizeof(p));
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
puts_(const char *rel, const char *text)
{
	put(rel, text, strlen(text));
}

static void
link_(const char *target, const char *rel)
{
	char p[PATH_MAX];

	parent_dirs(rel);
	path_of(rel, p, sizeof(p));
	unlink(p);
	ck_assert_int_eq(symlink(target, p), 0);
}

/* The whole file, or NULL when absent; *len its size. */
static char *
slurp(const char *rel, size_t *len)
{
	char p[PATH_MAX], *buf;
	struct stat st;
	FILE *f;

	path_of(rel, p, sizeof(p));
	f = fopen(p, "r");
	if (!f)
		return NULL;
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	buf = calloc(1, (size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)st.st_size, f),
	    (size_t)st.st_size);
	fclose(f);
	if (len)
		*len = (size_t)st.st_size;
	return buf;
}

static bool
exists(const char *rel)
{
	char p[PATH_MAX];
	struct stat st;

	path_of(rel, p, sizeof(p));
	return lstat(p, &st) == 0;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
rm_rel(const char *rel)
{
	char p[PATH_MAX];

	path_of(rel, p, sizeof(p));
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
setup_root(void)
{
	snprintf(root, sizeof(root), "%s/xh-gate-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

/* The action table writes tens of thousands of small files and links:
 * on tmpfs (where the gate's /run lives too) when there is one. */
static void
setup_fast_root(void)
{
	snprintf(root, sizeof(root), "%s/xh-gate-XXXXXX",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void
teardown_root(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A 16-page swap area file with its header at page `at`: mkswap v1
 * fields, the UUID, a label, and sig ("SWAPSPACE2" or an image
 * signature with SWAPSPACE2 as orig_sig).
 */
static void
swap_area(const char *rel, unsigned int at, const char *sig)
{
	static uint8_t img[16 * SWAP_PAGE_SIZE];
	uint8_t *h = img + (size_t)at * SWAP_PAGE_SIZE;
	uint32_t v;

	memset(img, 0, sizeof(img));
	v = 1;
	memcpy(h + SWAPHDR_VERSION_OFF, &v, 4);
	v = 15 - at;
	memcpy(h + SWAPHDR_LAST_PAGE_OFF, &v, 4);
	memcpy(h + SWAPHDR_UUID_OFF, SWAP_UUID, 16);
	memcpy(h + SWAPHDR_LABEL_OFF, "hib swap", 8);
	memcpy(h + 4076, "SWAPSPACE2", 10);
	memcpy(h + SWAPHDR_SIG_OFF, sig, strlen(sig));
	put(rel, img, sizeof(img));
}

/* --- resume device resolution -------------------------------------- */

START_TEST(test_devnum)
{
	static const struct {
		const char *s;
		int r;
		uint32_t maj, min;
	} t[] = {
		{ "202:16", 0, 202, 16 },
		{ "8:0", 0, 8, 0 },
		{ "4095:1048575", 0, 4095, 1048575 },
		/* The kernel's hex dev_t (new_decode_dev). */
		{ "ca10", 0, 202, 16 },
		{ "CA10", 0, 202, 16 },
		{ "0xca10", 0, 202, 16 },
		{ "801", 0, 8, 1 },
		{ "10000301", 0, 3, 0x10001 },
		{ "4096:0", -EINVAL, 0, 0 },
		{ "1:1048576", -EINVAL, 0, 0 },
		{ "1:", -EINVAL, 0, 0 },
		{ ":1", -EINVAL, 0, 0 },
		{ "1:2:3", -EINVAL, 0, 0 },
		{ "-1:2", -EINVAL, 0, 0 },
		{ "1 :2", -EINVAL, 0, 0 },
		{ "xvdb", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "100000000", -EINVAL, 0, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t maj = 7777, min = 7777;
		int r = resume_parse_devnum(t[i].s, &maj, &min);

		ck_assert_msg(r == t[i].r, "%s: %d", t[i].s, r);
		if (r == 0)
			ck_assert_msg(maj == t[i].maj && min == t[i].min,
			    "%s: %u:%u", t[i].s, maj, min);
	}
}
END_TEST

START_TEST(test_param_path)
{
	static const struct {
		const char *param, *path;
	} ok[] = {
		{ "/dev/xvdb", "/dev/xvdb" },
		{ "UUID=" SWAP_UUID_STR, "/dev/disk/by-uuid/" SWAP_UUID_STR },
		{ "PARTUUID=1234-02", "/dev/disk/by-partuuid/1234-02" },
		{ "LABEL=swap", "/dev/disk/by-label/swap" },
		{ "PARTLABEL=hib", "/dev/disk/by-partlabel/hib" },
		{ "202:18", "/dev/block/202:18" },
		{ "ca12", "/dev/block/202:18" },
	};
	static const char *const bad[] = {
		"", "xvdb", "UUID=", "UUID=a/b", "LABEL=..", "LABEL=.",
		"PARTUUID=1234-02/PARTNROFF=1", "uuid=x",
	};
	char out[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(resume_param_path(ok[i].param, out,
		    sizeof(out)), 0);
		ck_assert_str_eq(out, ok[i].path);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(resume_param_path(bad[i], out, sizeof(out)) ==
		    -EINVAL, "%s accepted", bad[i]);
		ck_assert_str_eq(out, "");
	}
	ck_assert_int_eq(resume_param_path("UUID=" SWAP_UUID_STR, out, 20),
	    -ENAMETOOLONG);
}
END_TEST

START_TEST(test_spec_precedence)
{
	static const struct {
		const char *line, *param;
		enum resume_source src;
		bool has_off, bad_off;
		uint64_t off;
		enum resume_source off_src;
	} t[] = {
		{ "resume=/dev/a", "/dev/a", RESUME_SRC_KERNEL, false, false,
		    0, RESUME_SRC_NONE },
		{ "resume=/dev/a xen_handover.resume=/dev/b", "/dev/b",
		    RESUME_SRC_XH, false, false, 0, RESUME_SRC_NONE },
		{ "xen_handover.resume=/dev/b resume=/dev/a", "/dev/b",
		    RESUME_SRC_XH, false, false, 0, RESUME_SRC_NONE },
		/* The last occurrence wins, as for the kernel. */
		{ "resume=/dev/a resume=/dev/c", "/dev/c", RESUME_SRC_KERNEL,
		    false, false, 0, RESUME_SRC_NONE },
		{ "resume=/dev/a resume_offset=5 xen_handover.resume_offset=7",
		    "/dev/a", RESUME_SRC_KERNEL, true, false, 7,
		    RESUME_SRC_XH },
		{ "resume=UUID=x resume_offset=5", "UUID=x",
		    RESUME_SRC_KERNEL, true, false, 5, RESUME_SRC_KERNEL },
		/* The first parameter present decides, even when bad. */
		{ "xen_handover.resume_offset=x resume_offset=5", "",
		    RESUME_SRC_NONE, false, true, 0, RESUME_SRC_XH },
		{ "resume= xen_handover.resume", "", RESUME_SRC_NONE, false,
		    false, 0, RESUME_SRC_NONE },
		{ "quiet", "", RESUME_SRC_NONE, false, false, 0,
		    RESUME_SRC_NONE },
	};
	struct cmdline c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct resume_spec s = { 0 };

		ck_assert_int_eq(cmdline_parse(t[i].line, &c), 0);
		resume_spec_from_cmdline(&c, &s);
		ck_assert_msg(streq(s.param, t[i].param) &&
		    s.source == t[i].src, "%s: '%s' from %s", t[i].line,
		    s.param, resume_source_to_string(s.source));
		ck_assert_msg(s.has_offset == t[i].has_off &&
		    s.offset_invalid == t[i].bad_off &&
		    s.offset == t[i].off && s.offset_source == t[i].off_src,
		    "%s: offset %d/%d %llu", t[i].line, s.has_offset,
		    s.offset_invalid, (unsigned long long)s.offset);
	}
}
END_TEST

/* The device tree most resolution tests use. */
static void
device_tree(void)
{
	swap_area("/dev/xvdb", 0, "S1SUSPEND");
	swap_area("/dev/xvdc", 3, "SWAPSPACE2");
	link_("../../xvdb", "/dev/disk/by-uuid/" SWAP_UUID_STR);
	link_("../../xvdb", "/dev/disk/by-label/hib\\x20swap");
	link_("../../xvdb", "/dev/disk/by-partuuid/1234-02");
	link_("../../xvdb", "/dev/disk/by-partlabel/hib");
	link_("../xvdb", "/dev/block/202:16");
	/* devtmpfs without udev: only sysfs knows 202:32. */
	puts_("/sys/dev/block/202:32/uevent", "MAJOR=202\nMINOR=32\n"
	    "DEVNAME=xvdc\nDEVTYPE=disk\n");
	puts_("/sys/power/resume", "0:0\n");
	puts_("/sys/power/resume_offset", "0\n");
	puts_("/dev/kmsg", "");
}

START_TEST(test_locate)
{
	static const struct {
		const char *param, *device;
		int r;
	} t[] = {
		{ "/dev/xvdb", "/dev/xvdb", 0 },
		{ "UUID=" SWAP_UUID_STR, "/dev/xvdb", 0 },
		{ "LABEL=hib\\x20swap", "/dev/xvdb", 0 },
		{ "PARTUUID=1234-02", "/dev/xvdb", 0 },
		{ "PARTLABEL=hib", "/dev/xvdb", 0 },
		{ "202:16", "/dev/xvdb", 0 },
		{ "ca10", "/dev/xvdb", 0 },
		{ "202:32", "/dev/xvdc", 0 },	/* via sysfs */
		{ "ca20", "/dev/xvdc", 0 },
		{ "202:48", "", -ENOENT },
		{ "UUID=nope", "", -ENOENT },
		{ "/dev/xvdz", "", -ENOENT },
		{ "xvdb", "", -EINVAL },
	};
	char out[256];
	size_t i;

	device_tree();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r;

		out[0] = '\0';
		r = resume_locate(root, t[i].param, out, sizeof(out));
		ck_assert_msg(r == t[i].r, "%s: %d", t[i].param, r);
		if (r == 0)
			ck_assert_msg(streq(out, t[i].device), "%s: %s",
			    t[i].param, out);
	}
}
END_TEST

/* --- the gate's own steps --------------------------------------------- */

/* Operations that do the real file writes and remember what happened. */
struct watch {
	int writes;
	char order[4][64];
	char runs[4][1024];
	int nruns;
	int run_status[4];	/* what run() returns, per call */
	int logs;
};

static struct watch W;

static int
watch_write(struct gate *g, const char *path, const char *value)
{
	if (W.writes < 4)
		snprintf(W.order[W.writes], sizeof(W.order[0]), "%s", path);
	W.writes++;
	return gate_ops_default.write_attr(g, path, value);
}

static int
watch_run(struct gate *g, char *const argv[])
{
	size_t o = 0;
	int i, st;

	(void)g;
	if (W.nruns >= 4)
		return -E2BIG;
	for (i = 0; argv[i]; i++)
		o += (size_t)snprintf(W.runs[W.nruns] + o,
		    sizeof(W.runs[0]) - o, "%s%s", i ? " " : "", argv[i]);
	st = W.run_status[W.nruns];
	W.nruns++;
	return st;
}

static void
watch_log(struct gate *g, int level, bool console, const char *msg)
{
	(void)g;
	(void)level;
	(void)console;
	(void)msg;
	W.logs++;
}

static const struct gate_ops watch_ops = {
	.write_attr = watch_write,
	.run = watch_run,
	.log = watch_log,
};

static struct gate *
new_gate(void)
{
	struct gate *g = malloc(sizeof(*g));

	ck_assert_ptr_nonnull(g);
	gate_init(g);
	g->root = root;
	g->ops = &watch_ops;
	g->timeout = 0;
	memset(&W, 0, sizeof(W));
	return g;
}

static void
drop_gate(struct gate *g)
{
	gate_free(g);
	free(g);
}

START_TEST(test_locate_sources)
{
	static const struct {
		const char *cmdline, *conf, *device;
		enum resume_source src;
		uint64_t off;
		enum resume_source off_src;
	} t[] = {
		{ "resume=UUID=" SWAP_UUID_STR, NULL, "/dev/xvdb",
		    RESUME_SRC_KERNEL, 0, RESUME_SRC_NONE },
		{ "resume=/dev/nope xen_handover.resume=UUID=" SWAP_UUID_STR,
		    NULL, "/dev/xvdb", RESUME_SRC_XH, 0, RESUME_SRC_NONE },
		/* The initramfs configuration when the command line is
		 * silent; the command line's offset wins over it. */
		{ "quiet", "resume = 202:16\nresume-offset = 9\n", "/dev/xvdb",
		    RESUME_SRC_CONF, 9, RESUME_SRC_CONF },
		{ "xen_handover.resume=202:32", "resume = /dev/xvdb\n"
		    "resume-offset = 9\n", "/dev/xvdc", RESUME_SRC_XH, 9,
		    RESUME_SRC_CONF },
		{ "resume_offset=3", "resume = 202:32\nresume-offset = 9\n",
		    "/dev/xvdc", RESUME_SRC_CONF, 3, RESUME_SRC_KERNEL },
		{ "xen_handover.resume=ca20 xen_handover.resume_offset=3 "
		    "resume_offset=7", NULL, "/dev/xvdc", RESUME_SRC_XH, 3,
		    RESUME_SRC_XH },
	};
	size_t i;

	device_tree();
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct gate *g = new_gate();
		char line[512];

		snprintf(line, sizeof(line), "%s\n", t[i].cmdline);
		puts_("/proc/cmdline", line);
		rm_rel("/etc");
		if (t[i].conf)
			puts_(CONF_GATE_PATH, t[i].conf);
		ck_assert_int_eq(gate_locate(g), 1);
		ck_assert_msg(streq(g->device, t[i].device) &&
		    g->spec.source == t[i].src, "%s: %s from %s",
		    t[i].cmdline, g->device,
		    resume_source_to_string(g->spec.source));
		ck_assert_uint_eq(g->spec.offset, t[i].off);
		ck_assert_int_eq(g->spec.offset_source, t[i].off_src);
		drop_gate(g);
	}
	/* --resume and --resume-offset (what the initramfs tools pass
	 * from their own configuration) win. */
	{
		struct gate *g = new_gate();

		puts_("/proc/cmdline", "resume=/dev/nope resume_offset=5\n");
		g->resume_arg = "UUID=" SWAP_UUID_STR;
		g->has_offset_arg = true;
		g->offset_arg = 0;
		ck_assert_int_eq(gate_locate(g), 1);
		ck_assert_str_eq(g->device, "/dev/xvdb");
		ck_assert_int_eq(g->spec.source, RESUME_SRC_OPTION);
		ck_assert_uint_eq(g->spec.offset, 0);
		ck_assert_int_eq(g->spec.offset_source, RESUME_SRC_OPTION);
		drop_gate(g);
	}
}
END_TEST

START_TEST(test_locate_nothing)
{
	struct gate *g;
	struct timespec a, b;
	char *s;
	long ms;

	device_tree();
	/* noresume: the user said so; nothing is looked at or written. */
	puts_("/proc/cmdline", "resume=/dev/xvdb noresume\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_int_eq(g->outcome, GATE_OUT_NORESUME);
	drop_gate(g);
	puts_("/proc/cmdline", "resume=/dev/xvdb hibernate=noresume\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_int_eq(g->outcome, GATE_OUT_NORESUME);
	drop_gate(g);

	/* Nothing configured. */
	puts_("/proc/cmdline", "quiet\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_int_eq(g->outcome, GATE_OUT_NO_DEVICE);
	drop_gate(g);
	ck_assert_int_eq(W.writes, 0);
	ck_assert(!exists("/run"));

	/* A form the gate does not know: a configuration error. */
	puts_("/proc/cmdline", "resume=xvdb\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_USAGE);
	ck_assert_int_eq(g->outcome, GATE_OUT_ERROR);
	drop_gate(g);
	ck_assert(!exists("/run"));

	/* A device that never appears: wait, then go on; mask it. */
	puts_("/proc/cmdline", "resume=UUID=11111111-2222-3333-4444-"
	    "555555555555\n");
	g = new_gate();
	g->timeout = 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	ck_assert_msg(ms >= 950 && ms < 3000, "waited %ld ms", ms);
	ck_assert_int_eq(g->outcome, GATE_OUT_TIMEOUT);
	ck_assert_int_eq(W.writes, 0);
	ck_assert(exists("/run/systemd/system/dev-disk-by\\x2duuid-"
	    "11111111\\x2d2222\\x2d3333\\x2d4444\\x2d555555555555.swap"));
	s = slurp(GATE_EVENT_PATH, NULL);
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(strstr(s, "\"outcome\": \"device-timeout\""));
	free(s);
	drop_gate(g);
}
END_TEST

/* The device tree plus an image kernel and a this-kernel probe tree. */
static void
image_tree(void)
{
	device_tree();
	puts_("/proc/cmdline", "root=/dev/xvda1 resume=/dev/xvdb quiet\n");
}

START_TEST(test_resume_order)
{
	struct gate *g;
	char *s;

	image_tree();
	/* No record, unknown-image = proceed: the resume is triggered,
	 * resume_offset first, then resume, with the exact values. */
	puts_("/proc/cmdline", "resume=202:16 resume_offset=0\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_int_eq(g->outcome, GATE_OUT_RESUME);
	ck_assert_int_eq(W.writes, 2);
	ck_assert_str_eq(W.order[0], "/sys/power/resume_offset");
	ck_assert_str_eq(W.order[1], "/sys/power/resume");
	s = slurp("/sys/power/resume_offset", NULL);
	ck_assert_str_eq(s, "0\n");
	free(s);
	s = slurp("/sys/power/resume", NULL);
	ck_assert_str_eq(s, "202:16\n");
	free(s);
	ck_assert(!exists("/run"));
	drop_gate(g);

	/* A swap file: the header at page 3, the offset goes first. */
	puts_("/proc/cmdline", "xen_handover.resume=ca20 "
	    "xen_handover.resume_offset=3\n");
	swap_area("/dev/xvdc", 3, "S1SUSPEND");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_str_eq(g->device, "/dev/xvdc");
	s = slurp("/sys/power/resume_offset", NULL);
	ck_assert_str_eq(s, "3\n");
	free(s);
	s = slurp("/sys/power/resume", NULL);
	ck_assert_str_eq(s, "202:32\n");
	free(s);
	drop_gate(g);

	/* The same area without an image: nothing at all is written. */
	swap_area("/dev/xvdc", 3, "SWAPSPACE2");
	puts_("/sys/power/resume", "0:0\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_OK);
	ck_assert_int_eq(g->outcome, GATE_OUT_NO_IMAGE);
	ck_assert_int_eq(W.writes, 0);
	drop_gate(g);

	/* resume_offset cannot be written: resume is never written, the
	 * image is kept. */
	rm_rel("/sys/power/resume_offset");
	mkdirs("/sys/power/resume_offset");
	puts_("/proc/cmdline", "resume=202:16\n");
	g = new_gate();
	ck_assert_int_eq(gate_run(g), EXIT_SYSTEM);
	ck_assert_int_eq(g->outcome, GATE_OUT_ERROR);
	ck_assert_int_eq(W.writes, 1);
	s = slurp("/sys/power/resume", NULL);
	ck_assert_str_eq(s, "0:0\n");
	free(s);
	ck_assert(exists("/run/systemd/system/dev-xvdb.swap"));
	ck_assert(exists(GATE_NO_SWAPON_PATH));
	drop_gate(g);
}
END_TEST

/* --- shared pieces ----------------------------------------------------- */

static void
base_record(struct record *r)
{
	size_t i;

	record_init(r);
	r->seq = 3;
	r->created = 1795000000;
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	r->has_xen_features = true;
	r->xen_features = 0x2705;
	r->has_domain_uuid = true;
	for (i = 0; i < 16; i++)
		r->domain_uuid[i] = (uint8_t)(0x40 + i);
	strcpy(r->kernel_release, "6.1.0-test");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->kaslr = KASLR_OFF;
	r->vcpus_possible = 2;
	r->ram_kib = 1048576;
	r->has_memmap_digest = true;
	for (i = 0; i < RECORD_DIGEST_SIZE; i++) {
		r->memmap_digest[i] = (uint8_t)i;
		r->cmdline_digest[i] = (uint8_t)(0x80 ^ i);
	}
	r->swap.has_uuid = true;
	memcpy(r->swap.uuid, SWAP_UUID, 16);
	r->swap.has_dev = true;
	r->swap.dev_major = 202;
	r->swap.dev_minor = 16;
	r->state = RECORD_STATE_HIBERNATING;
}

enum mutation {
	MUT_NONE,
	MUT_EVTCHN,	/* critical, repairable */
	MUT_GNTTAB,	/* critical, repairable */
	MUT_BUILD_ID,	/* critical, repairable with the image's kernel */
	MUT_KASLR,	/* critical, repairable (boot randomised) */
	MUT_RAM,	/* critical: lost on resume */
	MUT_MEMMAP,	/* critical: lost on resume */
	MUT_VCPUS,	/* critical: hangs */
	MUT_UUID,	/* warning */
	MUT_CMDLINE,	/* warning, repairable with the recorded line */
	MUT_EVTCHN_RAM,
	_MUT_MAX,
};

/* The image's record and this boot's, differing as m says. */
static void
records_for(enum mutation m, struct record *img, struct record *boot)
{
	base_record(img);
	*boot = *img;
	switch (m) {
	case MUT_EVTCHN_RAM:
		boot->ram_kib *= 2;
		/* fall through */
	case MUT_EVTCHN:
		img->evtchn = EVTCHN_2L;
		img->knob_fifo_events = 0;
		break;
	case MUT_GNTTAB:
		img->gnttab_version = 2;
		img->knob_gnttab_version = 2;
		break;
	case MUT_BUILD_ID:
		boot->build_id[0] ^= 0xff;
		break;
	case MUT_KASLR:
		boot->kaslr = KASLR_ON;
		break;
	case MUT_RAM:
		boot->ram_kib *= 2;
		break;
	case MUT_MEMMAP:
		boot->memmap_digest[0] ^= 0xff;
		break;
	case MUT_VCPUS:
		boot->vcpus_possible = 4;
		break;
	case MUT_UUID:
		boot->domain_uuid[0] ^= 0xff;
		break;
	case MUT_CMDLINE:
		boot->cmdline_digest[0] ^= 0xff;
		img->has_cmdline = true;
		strcpy(img->cmdline, "root=/dev/xvda1 mem=1G");
		break;
	default:
		break;
	}
}

START_TEST(test_decide_force_limits)
{
	static const struct {
		enum mutation m;
		enum verdict want;
	} t[] = {
		{ MUT_NONE, VERDICT_PROCEED },
		{ MUT_EVTCHN, VERDICT_FORCE },
		{ MUT_BUILD_ID, VERDICT_FORCE },
		{ MUT_RAM, VERDICT_REFUSE },
		{ MUT_MEMMAP, VERDICT_REFUSE },
		{ MUT_VCPUS, VERDICT_REFUSE },
		{ MUT_EVTCHN_RAM, VERDICT_REFUSE },
	};
	struct policy pol = { POLICY_FORCE, UNKNOWN_IMAGE_PROCEED, true };
	struct capabilities caps = { .guest_type = GUEST_HVM };
	struct record img, boot;
	struct diff_list diffs;
	struct decision d;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		records_for(t[i].m, &img, &boot);
		verdict_compare(&img, &boot, &diffs);
		ck_assert_int_eq(gate_decide(&pol, &img, &diffs, &caps, &d),
		    0);
		ck_assert_msg(d.verdict == t[i].want, "mutation %d: %s",
		    t[i].m, verdict_to_string(d.verdict));
		if (t[i].want == VERDICT_REFUSE)
			ck_assert_msg(strstr(d.reason, "even under policy "
			    "force") != NULL, "%s", d.reason);
	}
	/* Without force the engine's verdict stands as it is. */
	pol.mode = POLICY_AUTO;
	records_for(MUT_RAM, &img, &boot);
	verdict_compare(&img, &boot, &diffs);
	ck_assert_int_eq(gate_decide(&pol, &img, &diffs, &caps, &d), 0);
	ck_assert_int_eq(d.verdict, VERDICT_REFUSE);
	ck_assert_ptr_null(strstr(d.reason, "policy force"));
}
END_TEST

START_TEST(test_cmdline)
{
	struct decision d;
	struct record img;
	struct diff_list diffs = { 0 };
	char out[CMDLINE_MAX];

	memset(&d, 0, sizeof(d));
	d.verdict = VERDICT_REPAIR;
	d.set_fifo_events = 0;
	d.set_gnttab_version = KNOB_UNSET;
	d.set_nokaslr = true;
	/* Repair: the image's knobs, the marker, and resume= handed to
	 * the gate so the kexec'd kernel cannot resume on its own. */
	ck_assert_int_gt(gate_cmdline("BOOT_IMAGE=/vmlinuz root=/dev/xvda1 "
	    "resume=UUID=" SWAP_UUID_STR " resume_offset=2 xen.fifo_events=1"
	    " quiet", NULL, &diffs, &d, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "BOOT_IMAGE=/vmlinuz root=/dev/xvda1 quiet "
	    "xen.fifo_events=0 nokaslr xen_handover.resume=UUID="
	    SWAP_UUID_STR " xen_handover.resume_offset=2 "
	    "xen_handover.repaired=1");
	/* Already handed over by setup: no second xen_handover.resume. */
	ck_assert_int_gt(gate_cmdline("resume=/dev/a xen_handover.resume="
	    "/dev/b xen_handover.repaired=1", NULL, &diffs, &d, out,
	    sizeof(out)), 0);
	ck_assert_str_eq(out, "xen_handover.resume=/dev/b xen.fifo_events=0 "
	    "nokaslr xen_handover.repaired=1");
	/* Refuse: advice for the next boot, which the gate checks too;
	 * no marker. */
	d.verdict = VERDICT_REFUSE;
	d.set_nokaslr = false;
	ck_assert_int_gt(gate_cmdline("resume=/dev/a xen_handover.repaired=1 "
	    "quiet", NULL, &diffs, &d, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "quiet xen.fifo_events=0 "
	    "xen_handover.resume=/dev/a");
	/* The layout differs and the record has the image's line. */
	{
		struct record boot;

		records_for(MUT_CMDLINE, &img, &boot);
		verdict_compare(&img, &boot, &diffs);
	}
	ck_assert_int_gt(gate_cmdline("root=/dev/xvda1 mem=2G", &img, &diffs,
	    &d, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "root=/dev/xvda1 mem=1G xen.fifo_events=0");
	ck_assert_int_eq(gate_cmdline("root=/dev/xvda1", NULL, &diffs, &d,
	    out, 8), -E2BIG);
}
END_TEST

START_TEST(test_find_kernel)
{
	struct record img;
	char out[256];

	base_record(&img);
	puts_(GATE_KERNEL_DIR "/6.1.0-a/vmlinuz", "A");
	puts_(GATE_KERNEL_DIR "/6.1.0-a/build-id",
	    "00112233445566778899aabbccddeeff00112233\n");
	puts_(GATE_KERNEL_DIR "/6.1.0-test/vmlinuz", "T");
	/* Upper case and a trailing newline are fine. */
	puts_(GATE_KERNEL_DIR "/6.1.0-test/build-id",
	    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3\n");
	puts_(GATE_KERNEL_DIR "/6.1.0-c/build-id",
	    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3\n");	/* no vmlinuz */
	puts_(GATE_KERNEL_DIR "/6.1.0-d/vmlinuz", "D");
	puts_(GATE_KERNEL_DIR "/6.1.0-d/build-id", "zz\n");

	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, GATE_KERNEL_DIR "/6.1.0-test/vmlinuz");
	/* The build-id decides, not the name. */
	img.build_id[0] = 0x00;
	img.build_id[1] = 0x11;
	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)),
	    -ENOENT);
	memcpy(img.build_id, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa"
	    "\xbb\xcc\xdd\xee\xff\x00\x11\x22\x33", 20);
	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, GATE_KERNEL_DIR "/6.1.0-a/vmlinuz");
	/* A directory without vmlinuz is no kernel. */
	memcpy(img.build_id, "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca"
	    "\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3", 20);
	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)),
	    -ENOENT);
	/* No build-id in the record: the release names the directory. */
	img.build_id_len = 0;
	strcpy(img.kernel_release, "6.1.0-d");
	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)), 0);
	ck_assert_str_eq(out, GATE_KERNEL_DIR "/6.1.0-d/vmlinuz");
	/* /boot only when asked (the running system). */
	strcpy(img.kernel_release, "6.1.0-boot");
	puts_("/boot/vmlinuz-6.1.0-boot", "B");
	ck_assert_int_eq(gate_find_kernel(root, &img, 0, out, sizeof(out)),
	    -ENOENT);
	ck_assert_int_eq(gate_find_kernel(root, &img, GATE_KERNEL_ALLOW_BOOT,
	    out, sizeof(out)), 0);
	ck_assert_str_eq(out, "/boot/vmlinuz-6.1.0-boot");
	ck_assert_int_eq(gate_find_kernel(root, NULL, GATE_KERNEL_ALLOW_BOOT,
	    out, sizeof(out)), -ENOENT);
}
END_TEST

START_TEST(test_unit_names)
{
	/* What systemd-escape --path --suffix=swap prints (systemd 252). */
	static const struct {
		const char *path, *unit;
	} t[] = {
		{ "/dev/xvdb", "dev-xvdb.swap" },
		{ "/dev/disk/by-uuid/" SWAP_UUID_STR, "dev-disk-by\\x2duuid-"
		    "0c9d2a47\\x2d5e1b\\x2d4f83\\x2da6d2\\x2d7b8c9e0f1a2b"
		    ".swap" },
		{ "/dev/disk/by-label/my swap",
		    "dev-disk-by\\x2dlabel-my\\x20swap.swap" },
		{ "/dev/disk/by-partlabel/x.y_z",
		    "dev-disk-by\\x2dpartlabel-x.y_z.swap" },
		{ "/dev/disk/by-path/pci-0000:00:04.0",
		    "dev-disk-by\\x2dpath-pci\\x2d0000:00:04.0.swap" },
		{ "/swap.img", "swap.img.swap" },
		{ "/.hidden", "\\x2ehidden.swap" },
		{ "/a/.b", "a-.b.swap" },
		{ "/a/./b", "a-b.swap" },
		{ "//a//b/", "a-b.swap" },
		{ "/", "-.swap" },
		{ "/a/\xc3\xa9", "a-\\xc3\\xa9.swap" },
		{ "/a-b\\c", "a\\x2db\\x5cc.swap" },
		{ "/ab~", "ab\\x7e.swap" },
		{ "/dev/block/202:16", "dev-block-202:16.swap" },
	};
	char out[GATE_UNIT_MAX], big[400];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(gate_swap_unit_name(t[i].path, out,
		    sizeof(out)), 0);
		ck_assert_str_eq(out, t[i].unit);
	}
	ck_assert_int_eq(gate_swap_unit_name("a/b", out, sizeof(out)),
	    -EINVAL);
	ck_assert_int_eq(gate_swap_unit_name("/a/../b", out, sizeof(out)),
	    -EINVAL);
	ck_assert_int_eq(gate_swap_unit_name("", out, sizeof(out)), -EINVAL);
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(gate_swap_unit_name(big, out, sizeof(out)),
	    -ENAMETOOLONG);
	/* 250 characters plus ".swap" is the longest unit name. */
	big[251] = '\0';
	ck_assert_int_eq(gate_swap_unit_name(big, out, sizeof(out)), 0);
	ck_assert_uint_eq(strlen(out), 255);
	big[251] = 'a';
	big[252] = '\0';
	ck_assert_int_eq(gate_swap_unit_name(big, out, sizeof(out)),
	    -ENAMETOOLONG);
	ck_assert_int_eq(gate_swap_unit_name("/dev/xvdb", out, 10),
	    -ENAMETOOLONG);

	ck_assert_int_eq(gate_udev_encode("hib swap/1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "hib\\x20swap\\x2f1");
	ck_assert_int_eq(gate_udev_encode("a#+-.:=@_Z9", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "a#+-.:=@_Z9");
	ck_assert_int_eq(gate_udev_encode("   ", out, 12), -ENAMETOOLONG);
}
END_TEST

/* --- the decision -> action table ------------------------------------ */

#define KERNEL_PATH GATE_KERNEL_DIR "/6.1.0-test/vmlinuz"

static void
reset_acts(void)
{
	char p[PATH_MAX];

	path_of("/sys/power/resume", p, sizeof(p));
	ck_assert_int_eq(truncate(p, 0), 0);
	path_of("/sys/power/resume_offset", p, sizeof(p));
	ck_assert_int_eq(truncate(p, 0), 0);
	rm_rel("/run");
}

/*
 * Every verdict the engine can reach, under every policy and every
 * capability, with the kexec working or not, acted on: the resume write
 * (which consumes the image's signature) happens exactly for proceed and
 * force; the swap header is never written; a refusal always masks; a
 * dry run writes nothing at all.
 */
START_TEST(test_action_table)
{
	static const enum guest_type types[] = { GUEST_UNKNOWN, GUEST_PV,
		GUEST_PVH, GUEST_HVM };
	static const unsigned int xen[][2] = { { 0, 0 }, { 4, 4 }, { 4, 17 } };
	unsigned long seen[_VERDICT_MAX] = { 0 }, repaired = 0, combos = 0;
	struct record img, boot;
	char *hdr0, *hdr;
	size_t hlen0, hlen;
	int m, mode, ui, t, x, bits, dry, kexec_ok;

	image_tree();
	puts_(KERNEL_PATH, "vmlinuz");
	puts_(GATE_KERNEL_DIR "/6.1.0-test/build-id",
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3\n");
	hdr0 = slurp("/dev/xvdb", &hlen0);
	ck_assert_ptr_nonnull(hdr0);

	for (m = -1; m < _MUT_MAX; m++)
	for (mode = 0; mode < _POLICY_MAX; mode++)
	for (ui = 0; ui < _UNKNOWN_IMAGE_MAX; ui++)
	for (t = 0; t < 4; t++)
	for (x = 0; x < 3; x++)
	for (bits = 0; bits < 16; bits++)
	for (dry = 0; dry < 2; dry++)
	for (kexec_ok = 0; kexec_ok < 2; kexec_ok++) {
		struct gate *g = new_gate();
		enum verdict v;
		bool wrote;

		g->dry_run = dry;
		g->console = NULL;
		snprintf(g->device, sizeof(g->device), "/dev/xvdb");
		snprintf(g->spec.param, sizeof(g->spec.param), "/dev/xvdb");
		snprintf(g->cmdline_raw, sizeof(g->cmdline_raw),
		    "root=/dev/xvda1 resume=/dev/xvdb");
		g->has_devnum = true;
		g->dev_major = 202;
		g->dev_minor = 16;
		g->st.hdr.sig = SWAP_SIG_S1SUSPEND;
		g->st.hdr.is_image = true;
		memcpy(g->st.hdr.uuid, SWAP_UUID, 16);
		g->has_record = m >= 0;
		if (g->has_record) {
			records_for((enum mutation)m, &img, &boot);
			g->image = img;
			verdict_compare(&img, &boot, &g->diffs);
		}
		g->pol.mode = (enum policy_mode)mode;
		g->pol.unknown_image = (enum unknown_image_action)ui;
		g->pol.repair_kexec = true;
		g->caps.guest_type = types[t];
		g->caps.xen_major = xen[x][0];
		g->caps.xen_minor = xen[x][1];
		g->caps.kexec = bits & 1;
		g->caps.image_kernel = bits & 2;
		g->caps.toolstack_soft_reset = bits & 4;
		g->caps.repaired = bits & 8;
		if (g->caps.image_kernel)
			snprintf(g->kernel, sizeof(g->kernel), KERNEL_PATH);
		snprintf(g->kexec, sizeof(g->kexec), "/sbin/kexec");
		W.run_status[0] = kexec_ok ? 0 : 1;
		W.run_status[1] = 0;
		ck_assert_int_eq(gate_decide(&g->pol, g->has_record ?
		    &g->image : NULL, &g->diffs, &g->caps, &g->dec), 0);
		g->decided = true;
		v = g->dec.verdict;
		/* The failing kexec only matters for a repair. */
		if (!kexec_ok && v != VERDICT_REPAIR) {
			drop_gate(g);
			continue;
		}
		combos++;
		seen[v]++;
		if (v == VERDICT_REPAIR)
			ck_assert_int_gt(gate_cmdline(g->cmdline_raw,
			    g->has_record ? &g->image : NULL, &g->diffs,
			    &g->dec, g->fixed_cmdline,
			    sizeof(g->fixed_cmdline)), 0);
		gate_act(g);

		hdr = slurp("/sys/power/resume", &hlen);
		wrote = hlen > 0;
		free(hdr);
		ck_assert_msg(wrote == (!dry && (v == VERDICT_PROCEED ||
		    v == VERDICT_FORCE)), "m %d mode %d ui %d t %d x %d bits "
		    "%d dry %d: verdict %s, resume written %d", m, mode, ui,
		    t, x, bits, dry, verdict_to_string(v), wrote);
		hdr = slurp("/dev/xvdb", &hlen);
		ck_assert(hlen == hlen0 && memcmp(hdr, hdr0, hlen) == 0);
		free(hdr);

		switch (v) {
		case VERDICT_PROCEED:
		case VERDICT_FORCE:
			ck_assert_int_eq(g->outcome, GATE_OUT_RESUME);
			ck_assert_int_eq(g->exit_code, v == VERDICT_FORCE ?
			    EXIT_FORCE : EXIT_OK);
			ck_assert_int_eq(g->nmasks, 0);
			ck_assert_int_eq(W.nruns, 0);
			break;
		case VERDICT_REPAIR:
			/* Repair needs the kernel file whatever the verdict
			 * engine knew; without it, or with kexec failing, it
			 * becomes a refusal. */
			if (dry && g->kernel[0]) {
				ck_assert_int_eq(g->exit_code, EXIT_REPAIR);
				ck_assert_int_eq(W.nruns, 0);
			} else if (g->kernel[0] && kexec_ok) {
				repaired++;
				ck_assert_int_eq(g->outcome, GATE_OUT_REPAIR);
				ck_assert_int_eq(g->exit_code, EXIT_REPAIR);
				ck_assert_int_eq(W.nruns, 2);
				ck_assert_ptr_nonnull(strstr(W.runs[0],
				    "/sbin/kexec -l "));
				ck_assert_ptr_nonnull(strstr(W.runs[0],
				    "xen_handover.repaired=1"));
				ck_assert_str_eq(W.runs[1], "/sbin/kexec -e");
				ck_assert(exists(GATE_INITRD_PATH));
				ck_assert_int_eq(g->nmasks, 0);
			} else {
				ck_assert_int_eq(g->outcome, GATE_OUT_REFUSE);
				ck_assert_int_eq(g->exit_code, EXIT_BLOCKED);
				ck_assert_int_le(W.nruns, 1);
				ck_assert(dry || !exists(GATE_INITRD_PATH));
				ck_assert_int_gt(g->nmasks, 0);
				ck_assert(dry || exists(GATE_MASK_DIR
				    "/dev-xvdb.swap"));
			}
			break;
		default:
			ck_assert_int_eq(g->outcome, GATE_OUT_REFUSE);
			ck_assert_int_eq(g->exit_code, EXIT_BLOCKED);
			ck_assert_int_eq(W.nruns, 0);
			ck_assert_int_gt(g->nmasks, 0);
			ck_assert(dry != exists(GATE_MASK_DIR
			    "/dev-xvdb.swap"));
			ck_assert(dry != exists(GATE_EVENT_PATH));
			ck_assert(dry != exists(GATE_NO_SWAPON_PATH));
			break;
		}
		if (dry)
			ck_assert(!exists("/run"));
		reset_acts();
		drop_gate(g);
	}
	free(hdr0);
	/* The table reaches every verdict, and real repairs. */
	ck_assert_uint_gt(seen[VERDICT_PROCEED], 0);
	ck_assert_uint_gt(seen[VERDICT_REPAIR], 0);
	ck_assert_uint_gt(seen[VERDICT_REFUSE], 0);
	ck_assert_uint_gt(seen[VERDICT_FORCE], 0);
	ck_assert_uint_gt(repaired, 0);
	ck_assert_uint_gt(combos, 20000);
}
END_TEST

/* --- the cpio writer --------------------------------------------------- */

static void
src_tree(void)
{
	static char big[70001];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 23);
	put("/src/bin/sh", "hello", 5);
	puts_("/src/etc/empty", "");
	link_("../bin/sh", "/src/etc/link");
	puts_("/src/a b/c", "spaced\n");
	put("/src/deep/1/2/3/big", big, sizeof(big));
	puts_("/src/proc/self", "must not be packed");
	mkdirs("/src/run");
	puts_("/src/run/x", "nor this");
	mkdirs("/src/emptydir");
	{
		char p[PATH_MAX];

		path_of("/src/bin/sh", p, sizeof(p));
		ck_assert_int_eq(chmod(p, 0750), 0);
		path_of("/src/fifo", p, sizeof(p));
		ck_assert_int_eq(mkfifo(p, 0640), 0);
	}
}

static int
pack(const char *out_rel, uint64_t max, bool inside)
{
	static const char *const empty[] = { "proc", "run", NULL };
	char src[PATH_MAX], out[PATH_MAX];
	struct cpio_writer w;
	struct stat self;
	int fd, r;

	path_of("/src", src, sizeof(src));
	path_of(out_rel, out, sizeof(out));
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &self), 0);
	cpio_writer_init(&w, fd, max);
	r = cpio_write_tree(&w, src, empty, inside ? &self : NULL);
	if (r == 0)
		r = cpio_write_trailer(&w);
	close(fd);
	return r;
}

static void sh(const char *fmt, ...) _printf_(1, 2);

static void
sh(const char *fmt, ...)
{
	char cmd[2 * PATH_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

START_TEST(test_cpio_roundtrip)
{
	static const char *const expect =
	    "a b\na b/c\nbin\nbin/sh\ndeep\ndeep/1\ndeep/1/2\ndeep/1/2/3\n"
	    "deep/1/2/3/big\nemptydir\netc\netc/empty\netc/link\nfifo\nproc\n"
	    "run\n";
	static const char *const files[] = { "/bin/sh", "/etc/empty",
		"/a b/c", "/deep/1/2/3/big" };
	char list[PATH_MAX], out[PATH_MAX], x[PATH_MAX], p[PATH_MAX];
	char link[64];
	struct stat st;
	size_t i;
	char *s;

	if (system("command -v cpio >/dev/null 2>&1") != 0)
		ck_abort_msg("cpio(1) is needed to check the archive: install "
		    "cpio");
	src_tree();
	ck_assert_int_eq(pack("/out.cpio", UINT64_MAX, false), 0);
	path_of("/out.cpio", out, sizeof(out));
	path_of("/list", list, sizeof(list));
	path_of("/x", x, sizeof(x));
	sh("cpio -t --quiet <'%s' | LC_ALL=C sort >'%s'", out, list);
	s = slurp("/list", NULL);
	ck_assert_str_eq(s, expect);
	free(s);

	mkdirs("/x");
	sh("cd '%s' && cpio -idm --quiet <'%s'", x, out);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char a[PATH_MAX], b[PATH_MAX];
		char *da, *db;
		size_t la, lb;

		snprintf(a, sizeof(a), "/src%s", files[i]);
		snprintf(b, sizeof(b), "/x%s", files[i]);
		da = slurp(a, &la);
		db = slurp(b, &lb);
		ck_assert_ptr_nonnull(db);
		ck_assert_msg(la == lb && memcmp(da, db, la) == 0, "%s",
		    files[i]);
		free(da);
		free(db);
	}
	path_of("/x/bin/sh", p, sizeof(p));
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0750);
	path_of("/x/etc/link", p, sizeof(p));
	ck_assert_int_eq(readlink(p, link, sizeof(link)), 9);
	ck_assert_int_eq(memcmp(link, "../bin/sh", 9), 0);
	path_of("/x/fifo", p, sizeof(p));
	ck_assert_int_eq(lstat(p, &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert(!exists("/x/proc/self") && exists("/x/proc"));
	ck_assert(!exists("/x/run/x") && exists("/x/run"));

	/* The kernel needs 4-byte alignment throughout. */
	s = slurp("/out.cpio", &i);
	ck_assert_uint_eq(i % 4, 0);
	ck_assert_int_eq(memcmp(s, "070701", 6), 0);
	ck_assert_ptr_nonnull(memmem(s, i, "TRAILER!!!", 10));
	free(s);

	/* The archive written inside the tree leaves itself out. */
	ck_assert_int_eq(pack("/src/self.cpio", UINT64_MAX, true), 0);
	path_of("/src/self.cpio", out, sizeof(out));
	sh("cpio -t --quiet <'%s' | LC_ALL=C sort >'%s'", out, list);
	s = slurp("/list", NULL);
	ck_assert_str_eq(s, expect);
	free(s);
}
END_TEST

START_TEST(test_cpio_bounds)
{
	struct cpio_writer w;
	struct stat st;
	char p[PATH_MAX], name[CPIO_NAME_MAX + 8];
	int fd, i;

	src_tree();
	/* The size bound holds and the error sticks. */
	ck_assert_int_eq(pack("/out.cpio", 4096, false), -EFBIG);
	path_of("/out.cpio", p, sizeof(p));
	ck_assert_int_eq(stat(p, &st), 0);
	ck_assert_int_le(st.st_size, 4096);

	fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFDIR | 0755;
	cpio_writer_init(&w, fd, UINT64_MAX);
	ck_assert_int_eq(cpio_write_entry(&w, "../x", &st, -1, NULL), -EINVAL);
	cpio_writer_init(&w, fd, UINT64_MAX);
	ck_assert_int_eq(cpio_write_entry(&w, "/x", &st, -1, NULL), -EINVAL);
	cpio_writer_init(&w, fd, UINT64_MAX);
	ck_assert_int_eq(cpio_write_entry(&w, "a//b", &st, -1, NULL), -EINVAL);
	cpio_writer_init(&w, fd, UINT64_MAX);
	ck_assert_int_eq(cpio_write_entry(&w, "a/", &st, -1, NULL), -EINVAL);
	cpio_writer_init(&w, fd, UINT64_MAX);
	memset(name, 'n', sizeof(name));
	name[CPIO_NAME_MAX] = '\0';
	ck_assert_int_eq(cpio_write_entry(&w, name, &st, -1, NULL),
	    -ENAMETOOLONG);
	ck_assert_int_eq(cpio_write_trailer(&w), -ENAMETOOLONG);
	cpio_writer_init(&w, fd, UINT64_MAX);
	st.st_mode = S_IFSOCK | 0755;
	ck_assert_int_eq(cpio_write_entry(&w, "sock", &st, -1, NULL),
	    -EINVAL);
	cpio_writer_init(&w, fd, UINT64_MAX);
	st.st_mode = S_IFREG | 0644;
	st.st_size = (off_t)CPIO_FILE_MAX + 1;
	ck_assert_int_eq(cpio_write_entry(&w, "huge", &st, fd, NULL), -EFBIG);
	close(fd);

	/* Deeper than CPIO_DEPTH_MAX: refused, not a stack overflow. */
	snprintf(name, sizeof(name), "/src/d");
	for (i = 0; i < CPIO_DEPTH_MAX + 2; i++)
		strcat(name, "/d");
	mkdirs(name);
	ck_assert_int_eq(pack("/out.cpio", UINT64_MAX, false), -ELOOP);
}
END_TEST

/*
 * The policy: configuration, then xen_handover.policy= and
 * xen_handover.repair= on the command line, then --policy; invalid words
 * are ignored, reported by bit and named in the warning.
 */
START_TEST(test_resolve_policy)
{
	static const struct {
		const char *line, *arg;
		bool conf_repair;
		enum policy_mode mode;
		bool repair;
		int ignored;
		const char *text;
	} t[] = {
		{ "ro", NULL, false, POLICY_AUTO, false, 0, "" },
		{ "ro", NULL, true, POLICY_AUTO, true, 0, "" },
		{ "xen_handover.repair=kexec", NULL, false, POLICY_AUTO, true,
		    0, "" },
		{ "xen_handover.repair=OFF", NULL, true, POLICY_AUTO, false, 0,
		    "" },
		{ "xen-handover.repair=no xen_handover.policy=strict", NULL,
		    true, POLICY_STRICT, false, 0, "" },
		{ "xen_handover.policy=refuse", "force", false, POLICY_FORCE,
		    false, 0, "" },
		{ "xen_handover.repair=maybe", NULL, true, POLICY_AUTO, true,
		    GATE_IGNORED_REPAIR, "ignoring xen_handover.repair=maybe on "
		    "the kernel command line (kexec, no, off)" },
		{ "xen_handover.repair xen_handover.policy=often", "refuse",
		    false, POLICY_REFUSE, false,
		    GATE_IGNORED_POLICY | GATE_IGNORED_REPAIR,
		    "ignoring xen_handover.policy=often on the kernel command "
		    "line (auto, strict, refuse, force); ignoring "
		    "xen_handover.repair on the kernel command line "
		    "(kexec, no, off)" },
	};
	struct cmdline c;
	struct conf cfg;
	struct policy pol;
	char msg[GATE_IGNORED_TEXT_MAX], longv[300];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		conf_init(&cfg);
		cfg.policy.repair_kexec = t[i].conf_repair;
		ck_assert_int_eq(cmdline_parse(t[i].line, &c), 0);
		ck_assert_int_eq(gate_resolve_policy(&cfg, &c, t[i].arg, &pol),
		    t[i].ignored);
		ck_assert_msg(pol.mode == t[i].mode &&
		    pol.repair_kexec == t[i].repair, "%s: mode %d repair %d",
		    t[i].line, pol.mode, pol.repair_kexec);
		gate_ignored_text(t[i].ignored, &c, msg, sizeof(msg));
		ck_assert_str_eq(msg, t[i].text);
	}

	/* A long value is cut to 64 bytes; the text always fits. */
	memset(longv, 'x', sizeof(longv));
	memcpy(longv, "xen_handover.repair=", 20);
	longv[sizeof(longv) - 1] = '\0';
	ck_assert_int_eq(cmdline_parse(longv, &c), 0);
	conf_init(&cfg);
	ck_assert_int_eq(gate_resolve_policy(&cfg, &c, NULL, &pol),
	    GATE_IGNORED_REPAIR);
	gate_ignored_text(GATE_IGNORED_POLICY | GATE_IGNORED_REPAIR, &c, msg,
	    sizeof(msg));
	ck_assert_ptr_nonnull(strstr(msg, "=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxx on the"));
	gate_ignored_text(GATE_IGNORED_REPAIR, &c, msg, 40);
	ck_assert_uint_eq(strlen(msg), 39);
}
END_TEST

static Suite *
gate_suite(void)
{
	Suite *s = suite_create("gate");
	TCase *tc;

	tc = tcase_create("resolution");
	tcase_add_test(tc, test_devnum);
	tcase_add_test(tc, test_param_path);
	tcase_add_test(tc, test_spec_precedence);
	suite_add_tcase(s, tc);

	tc = tcase_create("tree");
	tcase_add_checked_fixture(tc, setup_root, teardown_root);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_locate);
	tcase_add_test(tc, test_locate_sources);
	tcase_add_test(tc, test_locate_nothing);
	tcase_add_test(tc, test_resume_order);
	tcase_add_test(tc, test_find_kernel);
	tcase_add_test(tc, test_cpio_roundtrip);
	tcase_add_test(tc, test_cpio_bounds);
	suite_add_tcase(s, tc);

	tc = tcase_create("decide");
	tcase_add_test(tc, test_decide_force_limits);
	tcase_add_test(tc, test_cmdline);
	tcase_add_test(tc, test_unit_names);
	tcase_add_test(tc, test_resolve_policy);
	suite_add_tcase(s, tc);

	tc = tcase_create("actions");
	tcase_add_checked_fixture(tc, setup_fast_root, teardown_root);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_action_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(gate_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
