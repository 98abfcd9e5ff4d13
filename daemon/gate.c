// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The resume gate (gate.h). References: linux.md 5.2 (the resume write
 * erases the signature before loading; resume_offset first; noresume is
 * cleared by the write), 6 (kexec on HVM/PVH is SHUTDOWN_soft_reset),
 * 9 (the header page), lab.md 10 (what each mismatch did on real Xen).
 *
 * The kernel log is rate-limited for writers of /dev/kmsg (printk.devkmsg
 * defaults to "ratelimit": a burst of 10 per 5 s), so one gate run logs
 * at most about eight records: differences share one line.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cpio.h"
#include "fileio.h"
#include "gate.h"
#include "json.h"
#include "log.h"
#include "util.h"

#define KMSG_LINE 976	/* below the kernel's record limit (1024 - 32) */

static const char *const outcome_names[_GATE_OUT_MAX] = {
	[GATE_OUT_NONE] = "none",
	[GATE_OUT_NORESUME] = "noresume",
	[GATE_OUT_NO_DEVICE] = "no-device",
	[GATE_OUT_TIMEOUT] = "device-timeout",
	[GATE_OUT_NO_IMAGE] = "no-image",
	[GATE_OUT_RESUME] = "resume",
	[GATE_OUT_REPAIR] = "repair",
	[GATE_OUT_REFUSE] = "refuse",
	[GATE_OUT_ERROR] = "error",
};

const char *
gate_outcome_to_string(enum gate_outcome o)
{
	if ((unsigned int)o >= _GATE_OUT_MAX)
		return "invalid";
	return outcome_names[o];
}

/* --- pieces shared with `xen-handover verdict` ------------------------ */

/* Does GATE_KERNEL_DIR/name hold the image's kernel? */
static bool
kernel_dir_matches(const char *root, const char *name,
    const struct record *image)
{
	uint8_t id[RECORD_BUILD_ID_MAX];
	char path[PATH_MAX], line[2 * RECORD_BUILD_ID_MAX + 16];
	size_t n;

	if (image->build_id_len) {
		n = image->build_id_len;
		if (snprintf(path, sizeof(path), "%s/%s/build-id",
		    GATE_KERNEL_DIR, name) >= (int)sizeof(path) ||
		    read_line_at(root, path, line, sizeof(line)) < 0 ||
		    strlen(line) != 2 * n || xh_unhex(line, id, n) < 0)
			return false;
		return memcmp(id, image->build_id, n) == 0;
	}
	return image->kernel_release[0] && streq(name, image->kernel_release);
}

static bool
regular_at(const char *root, const char *path)
{
	char full[PATH_MAX];
	struct stat st;

	return root_path(root, path, full, sizeof(full)) == 0 &&
	    stat(full, &st) == 0 && S_ISREG(st.st_mode);
}

int
gate_find_kernel(const char *root, const struct record *image,
    unsigned int flags, char *out, size_t outsz)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	unsigned int seen = 0;
	DIR *d;
	int r = -ENOENT;

	if (!image)
		return -ENOENT;
	if (root_path(root, GATE_KERNEL_DIR, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	d = opendir(dir);
	while (d && r == -ENOENT && seen < GATE_KERNELS_MAX &&
	    (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		seen++;
		if (!kernel_dir_matches(root, de->d_name, image))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/vmlinuz",
		    GATE_KERNEL_DIR, de->d_name) >= (int)sizeof(path) ||
		    !regular_at(root, path))
			continue;
		r = xh_strlcpy(out, path, outsz) >= outsz ? -ENAMETOOLONG : 0;
	}
	if (d)
		closedir(d);
	if (r != -ENOENT || !(flags & GATE_KERNEL_ALLOW_BOOT) ||
	    !image->kernel_release[0])
		return r;
	snprintf(path, sizeof(path), "/boot/vmlinuz-%s",
	    image->kernel_release);
	if (exists_at(root, path) <= 0)
		return -ENOENT;
	return xh_strlcpy(out, path, outsz) >= outsz ? -ENAMETOOLONG : 0;
}

void
gate_build_caps(const struct probe *p, bool kexec_tool, bool kernel_found,
    bool dom0_soft_reset, struct capabilities *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->guest_type = p->rec.guest_type;
	if (p->rec.has_xen_version) {
		caps->xen_major = p->rec.xen_major;
		caps->xen_minor = p->rec.xen_minor;
	}
	caps->kexec = p->kexec_supported && !p->kexec_load_disabled &&
	    kexec_tool && (p->lockdown == LOCKDOWN_NONE ||
	    p->lockdown == LOCKDOWN_UNKNOWN);
	caps->image_kernel = kernel_found;
	/* xl soft-resets HVM guests; libxl rejects PVH (xen.md 4.3). */
	caps->toolstack_soft_reset = p->rec.guest_type == GUEST_HVM ||
	    (p->rec.guest_type == GUEST_PVH && dom0_soft_reset);
	caps->repaired = cmdline_get_bool(&p->cmdline,
	    "xen_handover.repaired") == 1;
}

/* The policy's words on the kernel command line, by GATE_IGNORED_* bit. */
_Static_assert(GATE_IGNORED_POLICY == 1 << 0 && GATE_IGNORED_REPAIR == 1 << 1,
    "policy_words[] is in GATE_IGNORED_* bit order");
static const struct {
	const char *key, *values;
	int (*parse)(const char *v);
} policy_words[] = {
	{ "xen_handover.policy", "auto, strict, refuse, force",
	    policy_mode_from_string },
	{ "xen_handover.repair", "kexec, no, off", repair_from_string },
};

/*
 * Word i's value, or -1 when absent or invalid (a word without a value is
 * invalid; its bit set in *ignored).
 */
static int
policy_word(const struct cmdline *c, unsigned i, int *ignored)
{
	const char *v = cmdline_get(c, policy_words[i].key);
	int m;

	if (!cmdline_has(c, policy_words[i].key))
		return -1;
	m = v ? policy_words[i].parse(v) : -EINVAL;
	if (m < 0) {
		*ignored |= 1 << i;
		return -1;
	}
	return m;
}

int
gate_resolve_policy(const struct conf *cfg, const struct cmdline *c,
    const char *policy_arg, struct policy *pol)
{
	int m, ignored = 0;

	*pol = cfg->policy;
	if ((m = policy_word(c, 0, &ignored)) >= 0)
		pol->mode = (enum policy_mode)m;
	if ((m = policy_word(c, 1, &ignored)) >= 0)
		pol->repair_kexec = m;
	if (policy_arg && (m = policy_mode_from_string(policy_arg)) >= 0)
		pol->mode = (enum policy_mode)m;
	return ignored;
}

void
gate_ignored_text(int ignored, const struct cmdline *c, char *buf,
    size_t size)
{
	const char *v;
	size_t i, o = 0;
	int n;

	buf[0] = '\0';
	for (i = 0; i < sizeof(policy_words) / sizeof(policy_words[0]); i++) {
		if (!(ignored & (1 << i)) || o >= size)
			continue;
		v = cmdline_get(c, policy_words[i].key);
		n = snprintf(buf + o, size - o, "%signoring %s%s%.64s on the "
		    "kernel command line (%s)", o ? "; " : "",
		    policy_words[i].key, v ? "=" : "", v ? v : "",
		    policy_words[i].values);
		o += n > 0 ? (size_t)n : 0;
	}
}

static const struct difference *
find_diff(const struct diff_list *diffs, enum field f)
{
	size_t i;

	for (i = 0; diffs && i < diffs->n; i++)
		if (diffs->d[i].field == f)
			return &diffs->d[i];
	return NULL;
}

/* The kernel erases the signature, then rejects (RAM, map) or hangs. */
static bool
lost_on_resume(const struct difference *d)
{
	return d->severity == SEV_CRITICAL && (d->field == FIELD_RAM ||
	    d->field == FIELD_MEMMAP || d->field == FIELD_VCPUS);
}

int
gate_decide(const struct policy *pol, const struct record *image,
    const struct diff_list *diffs, const struct capabilities *caps,
    struct decision *out)
{
	size_t i, len;
	int r, n;

	r = verdict_decide(pol, image, diffs, caps, out);
	if (r < 0 || out->verdict != VERDICT_FORCE || !image)
		return r;
	for (i = 0; i < diffs->n && !lost_on_resume(&diffs->d[i]); i++)
		;
	if (i == diffs->n)
		return 0;
	out->verdict = VERDICT_REFUSE;
	n = snprintf(out->reason, sizeof(out->reason), "Refusing to resume "
	    "even under policy force: the kernel would erase the image's "
	    "signature and then reject the image or hang, losing the "
	    "session.");
	for (i = 0; i < diffs->n && n > 0; i++) {
		const struct difference *d = &diffs->d[i];

		len = (size_t)n;
		if (!lost_on_resume(d) || len >= sizeof(out->reason))
			continue;
		n += snprintf(out->reason + len, sizeof(out->reason) - len,
		    " %s (image: %s, this boot: %s): %s",
		    d->field == FIELD_RAM ? "Memory size" :
		    d->field == FIELD_MEMMAP ? "Memory map" : "vCPU count",
		    d->expected, d->found, d->detail);
	}
	return 0;
}

int
gate_cmdline(const char *boot_cmdline, const struct record *image,
    const struct diff_list *diffs, const struct decision *d, char *out,
    size_t outsz)
{
	const char *remove[8] = { "xen_handover.repaired", NULL };
	const char *append[8] = { NULL };
	char fe[32], gv[48], xr[RESUME_PARAM_MAX + 32], xo[64];
	const char *base = boot_cmdline, *v;
	struct cmdline *c = NULL;
	size_t nr = 1, na = 0;
	int r;

	/* The image's own line when the layout differs and it is known. */
	if (image && image->has_cmdline && find_diff(diffs, FIELD_CMDLINE))
		base = image->cmdline;
	/* Knobs the image does not ask for stay as they are. */
	if (d->set_fifo_events != KNOB_UNSET) {
		snprintf(fe, sizeof(fe), "xen.fifo_events=%d",
		    d->set_fifo_events);
		remove[nr++] = "xen.fifo_events";
		append[na++] = fe;
	}
	if (d->set_gnttab_version != KNOB_UNSET) {
		snprintf(gv, sizeof(gv), "grant_table.version=%d",
		    d->set_gnttab_version);
		remove[nr++] = "grant_table.version";
		append[na++] = gv;
	}
	if (d->set_nokaslr) {
		remove[nr++] = "nokaslr";
		append[na++] = "nokaslr";
	}
	/* The next kernel, kexec'd or booted, must not resume before its
	 * gate checked the image: resume= goes to the gate's parameters. */
	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = cmdline_parse(base, c);
	if (r < 0)
		goto out;
	if (cmdline_has(c, "resume")) {
		remove[nr++] = "resume";
		v = cmdline_get(c, "resume");
		if (v && *v && !cmdline_has(c, "xen_handover.resume")) {
			snprintf(xr, sizeof(xr),
			    "xen_handover.resume=%s", v);
			append[na++] = xr;
		}
	}
	if (cmdline_has(c, "resume_offset")) {
		remove[nr++] = "resume_offset";
		v = cmdline_get(c, "resume_offset");
		if (v && *v && strlen(v) < 32 &&
		    !cmdline_has(c, "xen_handover.resume_offset")) {
			snprintf(xo, sizeof(xo),
			    "xen_handover.resume_offset=%s", v);
			append[na++] = xo;
		}
	}
	if (d->verdict == VERDICT_REPAIR)
		append[na++] = "xen_handover.repaired=1";
	r = cmdline_rewrite(base, remove, append, out, outsz);
out:
	free(c);
	return r;
}

const char *
gate_action_text(enum verdict v)
{
	switch (v) {
	case VERDICT_PROCEED:
		return "write /sys/power/resume_offset and /sys/power/resume:"
		    " the kernel resumes the image";
	case VERDICT_FORCE:
		return "resume anyway, as the policy demands: write "
		    "/sys/power/resume_offset and /sys/power/resume";
	case VERDICT_REPAIR:
		return "kexec the image's kernel with the corrected command "
		    "line; Xen soft-resets the domain and the second boot "
		    "matches the image";
	case VERDICT_REFUSE:
		return "do not resume: leave the image and its signature "
		    "untouched and keep this boot from activating the swap "
		    "area";
	default:
		return "?";
	}
}

void
gate_json_differences(struct json *j, const struct diff_list *diffs)
{
	size_t i;

	json_begin_array(j, "differences");
	for (i = 0; i < diffs->n; i++) {
		const struct difference *d = &diffs->d[i];

		json_begin_object(j, NULL);
		json_string(j, "field", field_to_string(d->field));
		json_string(j, "severity", severity_to_string(d->severity));
		json_bool(j, "fixable", d->fixable);
		json_string(j, "expected", d->expected);
		json_string(j, "found", d->found);
		json_string(j, "detail", d->detail);
		json_end_object(j);
	}
	json_end_array(j);
}

void
gate_print_differences(FILE *f, const struct diff_list *diffs, bool details)
{
	size_t i;

	if (!diffs->n)
		return;
	fprintf(f, "Differences (image -> this boot):\n");
	for (i = 0; i < diffs->n; i++) {
		const struct difference *d = &diffs->d[i];

		fprintf(f, "  %-8s %-15s %s -> %s%s\n",
		    severity_to_string(d->severity),
		    field_to_string(d->field), d->expected, d->found,
		    d->fixable ? " (repairable)" : "");
		if (details && d->detail[0])
			fprintf(f, "           %s\n", d->detail);
	}
}

static bool
unit_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == ':' || ch == '_' || ch == '.';
}

int
gate_swap_unit_name(const char *path, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	static const char suffix[] = ".swap";
	char simple[PATH_MAX];
	size_t n = 0, o = 0, i;
	const char *c = path;

	if (!path || path[0] != '/')
		return -EINVAL;
	/* systemd's path_simplify(): no "//", no "." component, no
	 * trailing '/'; ".." is not a normalized path. */
	while (*c) {
		size_t len;

		while (*c == '/')
			c++;
		len = strcspn(c, "/");
		if (len == 0 || (len == 1 && c[0] == '.')) {
			c += len;
			continue;
		}
		if (len == 2 && c[0] == '.' && c[1] == '.')
			return -EINVAL;
		if (n + len + 2 > sizeof(simple))
			return -ENAMETOOLONG;
		if (n)
			simple[n++] = '/';
		memcpy(simple + n, c, len);
		n += len;
		c += len;
	}
	simple[n] = '\0';
	if (outsz == 0)
		return -ENAMETOOLONG;
	if (n == 0) {
		if (outsz < 2)
			return -ENAMETOOLONG;
		out[o++] = '-';
	}
	for (i = 0; i < n; i++) {
		char ch = simple[i];

		if (o + 5 > outsz || o + 5 > GATE_UNIT_MAX)
			return -ENAMETOOLONG;
		if (ch == '/') {
			out[o++] = '-';
		} else if ((i == 0 && ch == '.') || !unit_char(ch)) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[(unsigned char)ch >> 4];
			out[o++] = hex[(unsigned char)ch & 0xf];
		} else {
			out[o++] = ch;
		}
	}
	if (o + sizeof(suffix) > outsz || o + sizeof(suffix) > GATE_UNIT_MAX)
		return -ENAMETOOLONG;
	memcpy(out + o, suffix, sizeof(suffix));
	return 0;
}

int
gate_udev_encode(const char *s, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool keep = (ch >= 'a' && ch <= 'z') ||
		    (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    (ch && strchr("#+-.:=@_", ch));

		if (o + (keep ? 1 : 4) + 1 > outsz)
			return -ENAMETOOLONG;
		if (keep) {
			out[o++] = (char)ch;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 0xf];
		}
	}
	if (outsz == 0)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

/* --- default operations ------------------------------------------------ */

static int
default_write_attr(struct gate *g, const char *path, const char *value)
{
	char full[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, r = 0;

	if (root_path(g->root, path, full, sizeof(full)) < 0)
		return -ENAMETOOLONG;
	fd = open(full, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One write: a sysfs store takes the whole value at once. */
	do {
		n = write(fd, value, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
default_run(struct gate *g, char *const argv[])
{
	pid_t pid, w;
	int status;

	fflush(NULL);	/* or the child flushes our buffers again */
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	do {
		w = waitpid(pid, &status, 0);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* One record in the kernel log; quietly nothing when it cannot. */
static void
kmsg_write(const char *root, int level, const char *msg)
{
	char path[PATH_MAX], line[KMSG_LINE + 32];
	int fd, n;

	if (root_path(root, "/dev/kmsg", path, sizeof(path)) < 0)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "<%d>xen-handover: %.*s\n", level,
	    KMSG_LINE, msg);
	if (n > 0)
		(void)!write(fd, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
	close(fd);
}

static void
default_log(struct gate *g, int level, bool console, const char *msg)
{
	/* With -v (debug) the console also gets what its message shows. */
	if (console || log_get_max_level() >= LOG_DEBUG)
		log_internal(level, 0, "%s", msg);
	if (!g->dry_run)
		kmsg_write(g->root, level, msg);
}

const struct gate_ops gate_ops_default = {
	.write_attr = default_write_attr,
	.run = default_run,
	.log = default_log,
};

/* --- helpers ----------------------------------------------------------- */

static void glog(struct gate *g, int level, const char *fmt, ...)
    _printf_(3, 4);
static void klog(struct gate *g, int level, const char *fmt, ...)
    _printf_(3, 4);
static void say(struct gate *g, const char *fmt, ...) _printf_(2, 3);
static void vlog(struct gate *g, int level, bool console, const char *fmt,
    va_list ap) _printf_(4, 0);

static void
vlog(struct gate *g, int level, bool console, const char *fmt, va_list ap)
{
	char msg[1024];
	char *c;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* One record, one line. */
	for (c = msg; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	g->ops->log(g, level, console, msg);
}

/* A problem: the kernel log and stderr. */
static void
glog(struct gate *g, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(g, level, true, fmt, ap);
	va_end(ap);
}

/* A decision the console message shows anyway: the kernel log only. */
static void
klog(struct gate *g, int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(g, level, false, fmt, ap);
	va_end(ap);
}

static void
say(struct gate *g, const char *fmt, ...)
{
	va_list ap;

	if (!g->console)
		return;
	va_start(ap, fmt);
	vfprintf(g->console, fmt, ap);
	va_end(ap);
}

static int
done(struct gate *g, enum gate_outcome o, int code)
{
	g->outcome = o;
	g->exit_code = code;
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* mkdir -p of an absolute path under root. */
static int
mkdir_root(const char *root, const char *path)
{
	char full[PATH_MAX], was;
	size_t skip;
	char *c;

	if (root_path(root, path, full, sizeof(full)) < 0)
		return -ENAMETOOLONG;
	/* Only the components of path; root itself must exist. */
	skip = strlen(full) - strlen(path) + 1;
	for (c = full + skip; ; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		was = *c;
		*c = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			return -errno;
		*c = was;
		if (!was)
			return 0;
	}
}

/* Write a whole file under root: temporary name, then rename. */
static int
write_root_file(const char *root, const char *path, const char *text)
{
	char full[PATH_MAX], tmp[PATH_MAX + 8];
	size_t len = strlen(text);
	FILE *f;
	int r = 0;

	if (root_path(root, path, full, sizeof(full)) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", full) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
		r = -(errno ? errno : EIO);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, full) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

/* --- locating the device --------------------------------------------- */

static bool
noresume(const struct cmdline *c)
{
	const char *v = cmdline_get(c, "hibernate");

	return cmdline_has(c, "noresume") || cmdline_has(c, "nohibernate") ||
	    (v && (streq(v, "noresume") || streq(v, "no")));
}

/* One configuration file's result: a bad file is not a reason to lose
 * an image, the gate goes on with what parsed (each file applies whole
 * or not at all). */
static void
config_result(struct gate *g, int r, const char *err)
{
	if (r < 0) {
		xh_strlcpy(g->conf_error, err[0] ? err : strerror(-r),
		    sizeof(g->conf_error));
		glog(g, LOG_ERR, "configuration: %s; going on without it",
		    g->conf_error);
	} else if (err[0]) {
		glog(g, LOG_WARNING, "configuration: %s", err);
	}
}

static void
load_config(struct gate *g)
{
	char err[512];
	int r;

	conf_init(&g->conf);
	r = conf_load(&g->conf, g->root, err, sizeof(err));
	config_result(g, r, err);
	r = conf_load_file(&g->conf, g->root, CONF_GATE_PATH, err,
	    sizeof(err));
	config_result(g, r, err);
}

static void
read_cmdline(struct gate *g)
{
	ssize_t n;

	n = read_file_at(g->root, "/proc/cmdline", g->cmdline_raw,
	    sizeof(g->cmdline_raw));
	if (n < 0) {
		glog(g, LOG_WARNING, "cannot read /proc/cmdline: %s",
		    strerror((int)-n));
		g->cmdline_raw[0] = '\0';
	} else if (n > 0 && g->cmdline_raw[n - 1] == '\n') {
		g->cmdline_raw[n - 1] = '\0';
	}
	if (cmdline_parse(g->cmdline_raw, &g->cmdline) < 0) {
		glog(g, LOG_WARNING, "cannot parse the kernel command line; "
		    "ignoring it");
		cmdline_parse("", &g->cmdline);
	}
}

static int keep_image(struct gate *g, bool have_device);
static void write_event(struct gate *g);

int
gate_locate(struct gate *g)
{
	uint64_t deadline;
	int r, timeout;

	load_config(g);
	read_cmdline(g);
	if (noresume(&g->cmdline)) {
		klog(g, LOG_NOTICE, "noresume on the kernel command line: not "
		    "resuming and not checking any image");
		say(g, "xen-handover: noresume: not resuming.\n");
		return done(g, GATE_OUT_NORESUME, EXIT_OK);
	}

	memset(&g->spec, 0, sizeof(g->spec));
	resume_spec_from_cmdline(&g->cmdline, &g->spec);
	/* The initramfs tools name a device their configuration has. */
	if (g->resume_arg) {
		if (xh_strlcpy(g->spec.param, g->resume_arg,
		    sizeof(g->spec.param)) >= sizeof(g->spec.param)) {
			glog(g, LOG_ERR, "--resume: device name too long");
			return done(g, GATE_OUT_ERROR, EXIT_USAGE);
		}
		g->spec.source = RESUME_SRC_OPTION;
	}
	if (g->has_offset_arg) {
		g->spec.has_offset = true;
		g->spec.offset_invalid = false;
		g->spec.offset = g->offset_arg;
		g->spec.offset_source = RESUME_SRC_OPTION;
	}
	if (!g->spec.param[0] && g->conf.resume[0]) {
		xh_strlcpy(g->spec.param, g->conf.resume,
		    sizeof(g->spec.param));
		g->spec.source = RESUME_SRC_CONF;
	}
	if (!g->spec.has_offset && !g->spec.offset_invalid &&
	    g->conf.has_resume_offset) {
		g->spec.has_offset = true;
		g->spec.offset = g->conf.resume_offset;
		g->spec.offset_source = RESUME_SRC_CONF;
	}
	if (g->spec.offset_invalid)
		glog(g, LOG_WARNING, "%s_offset= is not a page number: "
		    "reading the header at page 0",
		    resume_source_to_string(g->spec.offset_source));
	if (!g->spec.param[0]) {
		klog(g, LOG_INFO, "no resume device configured: nothing to "
		    "resume");
		say(g, "xen-handover: no resume device configured: nothing "
		    "to resume.\n");
		return done(g, GATE_OUT_NO_DEVICE, EXIT_OK);
	}
	if (cmdline_has(&g->cmdline, "resume"))
		glog(g, LOG_WARNING, "resume= is on the kernel command line: "
		    "the kernel may resume an image before this gate checks "
		    "it; run xen-handover setup");

	timeout = g->timeout >= 0 ? g->timeout : g->conf.timeout >= 0 ?
	    g->conf.timeout : GATE_TIMEOUT_DEFAULT;
	deadline = now_ms() + (uint64_t)timeout * 1000;
	for (;;) {
		r = resume_locate(g->root, g->spec.param, g->device,
		    sizeof(g->device));
		if (r != -ENOENT || now_ms() >= deadline)
			break;
		sleep_ms(GATE_POLL_MS);
	}
	if (r == -ENOENT) {
		g->device[0] = '\0';
		klog(g, LOG_WARNING, "resume device %s (%s) did not appear "
		    "within %d s: not resuming; its swap units are masked for "
		    "this boot in case it carries an image", g->spec.param,
		    resume_source_to_string(g->spec.source), timeout);
		say(g, "xen-handover: resume device %s did not appear within "
		    "%d s: not resuming.\n", g->spec.param, timeout);
		snprintf(g->note, sizeof(g->note), "resume device %s did not "
		    "appear within %d s", g->spec.param, timeout);
		done(g, GATE_OUT_TIMEOUT, EXIT_OK);
		keep_image(g, false);
		write_event(g);
		return 0;
	}
	if (r < 0) {
		glog(g, LOG_ERR, "resume device '%s' (%s): %s", g->spec.param,
		    resume_source_to_string(g->spec.source), r == -EINVAL ?
		    "not a form the gate knows (/dev/..., UUID=, PARTUUID=, "
		    "LABEL=, PARTLABEL=, MAJ:MIN)" : strerror(-r));
		return done(g, GATE_OUT_ERROR, EXIT_USAGE);
	}
	return 1;
}

/* --- examining the image ------------------------------------------------ */

static bool
uuid_set(const uint8_t u[16])
{
	static const uint8_t zero[16];

	return memcmp(u, zero, 16) != 0;
}

/* The device number to write to /sys/power/resume. */
static void
find_devnum(struct gate *g)
{
	char full[PATH_MAX], buf[64];
	uint32_t maj, min;
	struct stat st;

	g->has_devnum = false;
	if (root_path(g->root, g->device, full, sizeof(full)) == 0 &&
	    stat(full, &st) == 0 && S_ISBLK(st.st_mode)) {
		maj = major(st.st_rdev);
		min = minor(st.st_rdev);
	} else if (g->spec.param[0] != '/' &&
	    resume_parse_devnum(g->spec.param, &maj, &min) == 0) {
		;
	} else if (read_line_at(g->root, "/sys/power/resume", buf,
	    sizeof(buf)) >= 0 && resume_parse_devnum(buf, &maj, &min) == 0 &&
	    (maj || min)) {
		;	/* the kernel resolved resume= itself */
	} else if (g->has_record && g->image.swap.has_dev &&
	    g->image.swap.has_uuid && uuid_set(g->st.hdr.uuid) &&
	    memcmp(g->image.swap.uuid, g->st.hdr.uuid, 16) == 0) {
		maj = g->image.swap.dev_major;	/* a regular-file stand-in */
		min = g->image.swap.dev_minor;
	} else {
		return;
	}
	if (maj == 0 && min == 0)
		return;
	g->has_devnum = true;
	g->dev_major = maj;
	g->dev_minor = min;
}

static void
find_kexec(struct gate *g, bool *tool)
{
	static const char *const paths[] = { "/usr/sbin/kexec", "/sbin/kexec" };
	struct stat st;
	size_t i;

	*tool = false;
	g->kexec[0] = '\0';
	if (g->kexec_arg) {
		xh_strlcpy(g->kexec, g->kexec_arg, sizeof(g->kexec));
		*tool = stat(g->kexec, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(g->kexec, X_OK) == 0;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		if (root_path(g->root, paths[i], g->kexec,
		    sizeof(g->kexec)) < 0)
			continue;
		if (stat(g->kexec, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111)) {
			*tool = true;
			return;
		}
	}
	g->kexec[0] = '\0';
}

static void
log_differences(struct gate *g)
{
	char line[KMSG_LINE];
	size_t i, o = 0;
	int n;

	if (!g->diffs.n)
		return;
	for (i = 0; i < g->diffs.n && o < sizeof(line); i++) {
		const struct difference *d = &g->diffs.d[i];

		n = snprintf(line + o, sizeof(line) - o, "%s%s %s -> %s (%s%s)",
		    i ? "; " : "", field_to_string(d->field), d->expected,
		    d->found, severity_to_string(d->severity),
		    d->fixable ? ", repairable" : "");
		if (n < 0)
			break;
		o += (size_t)n;
	}
	klog(g, LOG_NOTICE, "differences (image -> this boot): %s", line);
}

int
gate_examine(struct gate *g)
{
	const struct record *cur;
	struct record_swap *bs;
	char full[PATH_MAX], hex[2 * RECORD_BUILD_ID_MAX + 1];
	char msg[GATE_IGNORED_TEXT_MAX];
	bool tool;
	int r;

	if (root_path(g->root, g->device, full, sizeof(full)) < 0)
		return done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
	r = store_read(full, g->spec.offset, &g->st);
	if (r == -ENOMSG || (r == 0 && !g->st.hdr.is_image)) {
		klog(g, LOG_INFO, "no hibernation image on %s (%s): nothing "
		    "to resume", g->device, r == -ENOMSG ? "no swap signature" :
		    swap_sig_to_string(g->st.hdr.sig));
		say(g, "xen-handover: no hibernation image on %s: nothing to "
		    "resume.\n", g->device);
		return done(g, GATE_OUT_NO_IMAGE, EXIT_OK);
	}
	if (r < 0) {
		snprintf(g->note, sizeof(g->note), "cannot read the header of "
		    "%s at page %" PRIu64 ": %s", g->device, g->spec.offset,
		    store_strerror(r));
		glog(g, LOG_ERR, "%s: not resuming", g->note);
		return done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
	}

	cur = swapslot_current(&g->st.slots);
	g->has_record = cur != NULL;
	if (cur) {
		g->image = *cur;
		xh_hex(cur->build_id, cur->build_id_len, hex);
		klog(g, LOG_NOTICE, "hibernation image (%s) on %s, page %"
		    PRIu64 " (%s); record %" PRIu64 ": kernel %s%s%s, %s",
		    swap_sig_to_string(g->st.hdr.sig), g->device,
		    g->spec.offset, resume_source_to_string(g->spec.source),
		    cur->seq, cur->kernel_release, cur->build_id_len ?
		    " build-id " : "", hex, evtchn_abi_to_string(cur->evtchn));
	} else {
		glog(g, LOG_WARNING, "hibernation image (%s) on %s, page %"
		    PRIu64 " (%s), but no valid record (slot A: %s, slot B: "
		    "%s)", swap_sig_to_string(g->st.hdr.sig), g->device,
		    g->spec.offset, resume_source_to_string(g->spec.source),
		    swapslot_state_to_string(g->st.slots.slot[0].state),
		    swapslot_state_to_string(g->st.slots.slot[1].state));
	}

	g->probe = calloc(1, sizeof(*g->probe));
	if (!g->probe || (r = probe_run(g->root, g->now, g->probe)) < 0) {
		snprintf(g->note, sizeof(g->note), "cannot probe this boot "
		    "kernel: %s", strerror(g->probe ? -r : ENOMEM));
		glog(g, LOG_ERR, "%s: not resuming; the image is kept",
		    g->note);
		keep_image(g, true);
		write_event(g);
		return done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
	}
	/* This boot's swap facts are what the gate itself read. */
	bs = &g->probe->rec.swap;
	memset(bs, 0, sizeof(*bs));
	if (uuid_set(g->st.hdr.uuid)) {
		bs->has_uuid = true;
		memcpy(bs->uuid, g->st.hdr.uuid, 16);
	}
	find_devnum(g);
	if (g->has_devnum) {
		bs->has_dev = true;
		bs->dev_major = g->dev_major;
		bs->dev_minor = g->dev_minor;
	}
	bs->offset = g->spec.offset;

	r = gate_resolve_policy(&g->conf, &g->cmdline, g->policy_arg, &g->pol);
	if (r) {
		gate_ignored_text(r, &g->cmdline, msg, sizeof(msg));
		glog(g, LOG_WARNING, "%s", msg);
	}
	find_kexec(g, &tool);
	if (!g->has_record ||
	    gate_find_kernel(g->root, &g->image, 0, g->kernel,
	    sizeof(g->kernel)) < 0)
		g->kernel[0] = '\0';
	memset(&g->diffs, 0, sizeof(g->diffs));
	if (g->has_record)
		verdict_compare(&g->image, &g->probe->rec, &g->diffs);
	gate_build_caps(g->probe, tool, g->kernel[0] != '\0',
	    g->dom0_soft_reset, &g->caps);
	r = gate_decide(&g->pol, g->has_record ? &g->image : NULL, &g->diffs,
	    &g->caps, &g->dec);
	if (r < 0) {
		snprintf(g->note, sizeof(g->note), "cannot decide: %s",
		    strerror(-r));
		glog(g, LOG_ERR, "%s: not resuming; the image is kept",
		    g->note);
		keep_image(g, true);
		write_event(g);
		return done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
	}
	g->decided = true;
	g->fixed_cmdline[0] = '\0';
	if (g->dec.verdict == VERDICT_REPAIR &&
	    gate_cmdline(g->cmdline_raw, g->has_record ? &g->image : NULL,
	    &g->diffs, &g->dec, g->fixed_cmdline,
	    sizeof(g->fixed_cmdline)) < 0)
		g->fixed_cmdline[0] = '\0';
	log_differences(g);
	klog(g, g->dec.verdict == VERDICT_PROCEED ? LOG_NOTICE : LOG_WARNING,
	    "verdict %s (policy %s): %s", verdict_to_string(g->dec.verdict),
	    policy_mode_to_string(g->pol.mode), g->dec.reason);
	return 1;
}

/* --- acting ------------------------------------------------------------- */

/* Is root/sys/power the kernel's sysfs (not a test tree)? */
static bool
on_sysfs(const struct gate *g)
{
	char full[PATH_MAX];
	struct statfs sf;

	return root_path(g->root, "/sys/power", full, sizeof(full)) == 0 &&
	    statfs(full, &sf) == 0 && sf.f_type == SYSFS_MAGIC;
}

/* Does the area still carry the image's signature? */
static bool
image_intact(const struct gate *g)
{
	struct store_state st;
	char full[PATH_MAX];

	return root_path(g->root, g->device, full, sizeof(full)) == 0 &&
	    store_read(full, g->spec.offset, &st) == 0 && st.hdr.is_image;
}

static void
add_mask(struct gate *g, const char *unit)
{
	size_t i;

	for (i = 0; i < g->nmasks; i++)
		if (streq(g->masks[i], unit))
			return;
	if (g->nmasks < GATE_MASK_MAX)
		xh_strlcpy(g->masks[g->nmasks++], unit, GATE_UNIT_MAX);
}

static void
add_mask_path(struct gate *g, const char *path)
{
	char unit[GATE_UNIT_MAX];

	if (path[0] && gate_swap_unit_name(path, unit, sizeof(unit)) == 0)
		add_mask(g, unit);
}

/* Every udev link under /dev/disk/by-* that names the device. */
static void
mask_aliases(struct gate *g)
{
	static const char *const dirs[] = { "by-uuid", "by-label",
		"by-partuuid", "by-partlabel", "by-id", "by-path" };
	char dir[PATH_MAX], link[PATH_MAX];
	struct stat dev, st;
	struct dirent *de;
	unsigned int seen;
	size_t i;
	DIR *d;

	if (root_path(g->root, g->device, dir, sizeof(dir)) < 0 ||
	    stat(dir, &dev) < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(link, sizeof(link), "/dev/disk/%s", dirs[i]);
		if (root_path(g->root, link, dir, sizeof(dir)) < 0)
			continue;
		d = opendir(dir);
		for (seen = 0; d && seen < 1024 && (de = readdir(d)); seen++) {
			/* Followed: the same file as the device? */
			if (de->d_name[0] == '.' ||
			    fstatat(dirfd(d), de->d_name, &st, 0) < 0 ||
			    st.st_dev != dev.st_dev ||
			    st.st_ino != dev.st_ino ||
			    snprintf(link, sizeof(link), "/dev/disk/%s/%s",
			    dirs[i], de->d_name) >= (int)sizeof(link))
				continue;
			add_mask_path(g, link);
		}
		if (d)
			closedir(d);
	}
}

/*
 * Keep this boot from activating the swap area: swapon(8) rewrites an
 * image's signature (the session is lost). systemd: runtime masks of its
 * swap units in /run/systemd/system (as systemctl mask --runtime), which
 * switch_root carries into the real root. Other inits: the device list
 * in /run/xen-handover/no-swapon, for their swapon step to honour.
 */
static int
keep_image(struct gate *g, bool have_device)
{
	char path[PATH_MAX], text[2 * PATH_MAX], label[64];
	size_t i, o = 0;
	int r, ret = 0;

	g->nmasks = 0;
	if (have_device && g->device[0])
		add_mask_path(g, g->device);
	if (resume_param_path(g->spec.param, path, sizeof(path)) == 0)
		add_mask_path(g, path);
	if (have_device && uuid_set(g->st.hdr.uuid)) {
		char uuid[37];

		xh_format_uuid(g->st.hdr.uuid, uuid);
		snprintf(path, sizeof(path), "/dev/disk/by-uuid/%s", uuid);
		add_mask_path(g, path);
	}
	if (have_device && g->st.hdr.label[0] &&
	    gate_udev_encode(g->st.hdr.label, label, sizeof(label)) == 0) {
		snprintf(path, sizeof(path), "/dev/disk/by-label/%s", label);
		add_mask_path(g, path);
	}
	if (have_device && g->device[0])
		mask_aliases(g);
	/* A swap file's own path on the root file system is not known
	 * here: hold back all swap activation for this boot. */
	if (g->spec.offset > 0)
		add_mask(g, "swap.target");
	if (g->dry_run)
		return 0;

	r = mkdir_root(g->root, GATE_MASK_DIR);
	for (i = 0; r == 0 && i < g->nmasks; i++) {
		char full[PATH_MAX], target[16];
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", GATE_MASK_DIR,
		    g->masks[i]);
		if (root_path(g->root, path, full, sizeof(full)) < 0)
			continue;
		if (symlink("/dev/null", full) == 0)
			continue;
		if (errno == EEXIST) {
			n = readlink(full, target, sizeof(target) - 1);
			if (n == 9 && memcmp(target, "/dev/null", 9) == 0)
				continue;
			if (unlink(full) == 0 &&
			    symlink("/dev/null", full) == 0)
				continue;
		}
		ret = -errno;
	}
	if (r < 0)
		ret = r;
	if (ret < 0)
		glog(g, LOG_ERR, "cannot mask the swap units in %s: %s",
		    GATE_MASK_DIR, strerror(-ret));

	o = (size_t)snprintf(text, sizeof(text), "# xen-handover gate: do not "
	    "activate these swap areas in this boot (a hibernation image "
	    "is kept)\n");
	if (have_device && g->device[0] && o < sizeof(text))
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\n",
		    g->device);
	if (resume_param_path(g->spec.param, path, sizeof(path)) == 0 &&
	    (!have_device || !streq(path, g->device)) && o < sizeof(text))
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\n",
		    path);
	r = mkdir_root(g->root, GATE_RUN_DIR);
	if (r == 0)
		r = write_root_file(g->root, GATE_NO_SWAPON_PATH, text);
	if (r < 0) {
		glog(g, LOG_ERR, "cannot write %s: %s", GATE_NO_SWAPON_PATH,
		    strerror(-r));
		ret = r;
	}
	return ret;
}

static void
write_event(struct gate *g)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (g->dry_run)
		return;
	f = open_memstream(&text, &len);
	if (!f)
		return;
	gate_write_json(g, f);
	if (fclose(f) != 0) {
		free(text);
		return;
	}
	r = mkdir_root(g->root, GATE_RUN_DIR);
	if (r == 0)
		r = write_root_file(g->root, GATE_EVENT_PATH, text);
	if (r < 0)
		glog(g, LOG_ERR, "cannot record the event in %s: %s",
		    GATE_EVENT_PATH, strerror(-r));
	free(text);
}

static void
print_differences(struct gate *g)
{
	if (g->console)
		gate_print_differences(g->console, &g->diffs, false);
}

/* Does the verdict count this difference against the image? */
static bool
counts(const struct gate *g, const struct difference *d)
{
	return d->severity == SEV_CRITICAL ||
	    (d->severity == SEV_WARN && g->pol.mode == POLICY_STRICT);
}

/* Would the advised command line alone make the boot match? */
static bool
cmdline_fixes(const struct gate *g)
{
	size_t i;

	if (!g->has_record)
		return false;
	for (i = 0; i < g->diffs.n; i++)
		if (counts(g, &g->diffs.d[i]) && !g->diffs.d[i].fixable)
			return false;
	return true;
}

static bool
kernel_differs(const struct gate *g)
{
	size_t i;

	for (i = 0; i < g->diffs.n; i++)
		if (counts(g, &g->diffs.d[i]) &&
		    (g->diffs.d[i].field == FIELD_BUILD_ID ||
		    g->diffs.d[i].field == FIELD_KERNEL_RELEASE))
			return true;
	return false;
}

static int
act_refuse(struct gate *g)
{
	struct decision advice_dec = g->dec;
	char advice[CMDLINE_MAX];
	size_t i;

	advice_dec.verdict = VERDICT_REFUSE;
	if (gate_cmdline(g->cmdline_raw, g->has_record ? &g->image : NULL,
	    &g->diffs, &advice_dec, advice, sizeof(advice)) < 0)
		advice[0] = '\0';
	g->outcome = GATE_OUT_REFUSE;
	g->exit_code = EXIT_BLOCKED;
	xh_strlcpy(g->fixed_cmdline, advice, sizeof(g->fixed_cmdline));
	keep_image(g, true);
	write_event(g);

	say(g, "xen-handover: "
	    "------------------------------------------------------------\n");
	say(g, "xen-handover: NOT resuming the hibernated session on %s.\n",
	    g->device);
	say(g, "The image is kept: its signature is untouched and this boot "
	    "does not activate\nthe swap area%s", g->nmasks ? " (masked:" :
	    ".\n");
	for (i = 0; i < g->nmasks; i++)
		say(g, " %s%s", g->masks[i], i + 1 < g->nmasks ? "" : ").\n");
	print_differences(g);
	say(g, "Why: %s\n", g->dec.reason);
	if (g->note[0])
		say(g, "The repair failed: %s.\n", g->note);
	if (!advice[0] || streq(advice, g->cmdline_raw))
		say(g, "To resume it, fix what is named above, then boot "
		    "again: the gate checks again.\n");
	else if (!cmdline_fixes(g))
		say(g, "To resume it, fix what is named above, then boot once "
		    "with this kernel\ncommand line:\n  %s\n", advice);
	else if (kernel_differs(g))
		say(g, "To resume it, boot the image's kernel (%s) once with "
		    "this command line:\n  %s\n", g->image.kernel_release,
		    advice);
	else
		say(g, "To resume it, boot once with this kernel command "
		    "line:\n  %s\n", advice);
	say(g, "To discard it instead, boot once with: noresume\n");
	if (g->dry_run)
		say(g, "(dry run: nothing was masked or written)\n");
	say(g, "xen-handover: "
	    "------------------------------------------------------------\n");

	klog(g, LOG_WARNING, "refused: the image on %s is kept, its "
	    "signature untouched; %zu swap unit%s masked for this boot",
	    g->device, g->nmasks, g->nmasks == 1 ? "" : "s");
	if (advice[0] && !streq(advice, g->cmdline_raw))
		klog(g, LOG_WARNING, "to resume it, boot with: %s", advice);
	return 0;
}

/* A repair could not run: say why, then refuse. */
static int
repair_failed(struct gate *g, const char *fmt, ...) _printf_(2, 3);

static int
repair_failed(struct gate *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g->note, sizeof(g->note), fmt, ap);
	va_end(ap);
	klog(g, LOG_ERR, "repair failed: %s; refusing instead", g->note);
	return act_refuse(g);
}

/* The running initramfs as a newc archive at root/path. */
static int
repack(struct gate *g, const char *full)
{
	static const char *const empty[] = { "proc", "sys", "dev", "run",
		NULL };
	char tmp[PATH_MAX + 8];
	struct cpio_writer w;
	struct stat self;
	int fd, r;

	r = mkdir_root(g->root, GATE_RUN_DIR);
	if (r < 0)
		return r;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", full) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &self) < 0) {
		r = -errno;
		goto out;
	}
	/* The kernel's built-in initramfs supplies /dev/console. */
	cpio_writer_init(&w, fd, GATE_INITRD_MAX);
	r = cpio_write_tree(&w, g->root, empty, &self);
	if (r == 0)
		r = cpio_write_trailer(&w);
out:
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, full) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static const char *
status_text(int st, char *buf, size_t sz)
{
	if (st < 0)
		snprintf(buf, sz, "%s", strerror(-st));
	else if (st == 127)
		snprintf(buf, sz, "exit 127: not executable");
	else
		snprintf(buf, sz, "exit %d", st);
	return buf;
}

static int
act_repair(struct gate *g)
{
	char kernel[PATH_MAX], initrd[PATH_MAX], arg_initrd[PATH_MAX + 16];
	char *arg_line = NULL, why[64];
	char *argv[6];
	int st, r;

	if (!g->kernel[0])
		return repair_failed(g, "the image's kernel is not in the "
		    "initramfs (%s/<release>/vmlinuz with the image's "
		    "build-id): rebuild it with xen-handover's hooks",
		    GATE_KERNEL_DIR);
	if (!g->fixed_cmdline[0])
		return repair_failed(g, "cannot build the kexec command line");
	if (!g->kexec[0])
		return repair_failed(g, "no kexec binary");
	if (root_path(g->root, g->kernel, kernel, sizeof(kernel)) < 0 ||
	    root_path(g->root, GATE_INITRD_PATH, initrd,
	    sizeof(initrd)) < 0)
		return repair_failed(g, "path too long");

	say(g, "xen-handover: repairing the hand-over before resuming %s.\n",
	    g->device);
	print_differences(g);
	say(g, "Why: %s\n", g->dec.reason);
	say(g, "kexec %s with command line:\n  %s\n", g->kernel,
	    g->fixed_cmdline);
	klog(g, LOG_WARNING, "repairing: kexec %s (Xen soft-resets the "
	    "domain) with: %s", g->kernel, g->fixed_cmdline);
	if (g->dry_run) {
		say(g, "(dry run: would repack the initramfs into %s and run "
		    "%s -l, then %s -e)\n", GATE_INITRD_PATH, g->kexec,
		    g->kexec);
		return done(g, GATE_OUT_REPAIR, EXIT_REPAIR);
	}

	r = repack(g, initrd);
	if (r < 0)
		return repair_failed(g, "cannot repack the initramfs into %s: "
		    "%s", GATE_INITRD_PATH, strerror(-r));
	snprintf(arg_initrd, sizeof(arg_initrd), "--initrd=%s", initrd);
	if (asprintf(&arg_line, "--command-line=%s", g->fixed_cmdline) < 0) {
		unlink(initrd);
		return repair_failed(g, "out of memory");
	}
	argv[0] = g->kexec;
	argv[1] = (char *)"-l";
	argv[2] = kernel;
	argv[3] = arg_initrd;
	argv[4] = arg_line;
	argv[5] = NULL;
	st = g->ops->run(g, argv);
	free(arg_line);
	if (st != 0) {
		unlink(initrd);
		return repair_failed(g, "%s -l failed (%s)", g->kexec,
		    status_text(st, why, sizeof(why)));
	}
	g->outcome = GATE_OUT_REPAIR;
	g->exit_code = EXIT_REPAIR;
	write_event(g);
	klog(g, LOG_WARNING, "handing over to the image's kernel: kexec -e");
	argv[1] = (char *)"-e";
	argv[2] = NULL;
	st = g->ops->run(g, argv);
	if (st != 0)
		return repair_failed(g, "%s -e failed (%s)", g->kexec,
		    status_text(st, why, sizeof(why)));
	return done(g, GATE_OUT_REPAIR, EXIT_REPAIR);
}

static int
act_resume(struct gate *g)
{
	bool force = g->dec.verdict == VERDICT_FORCE;
	int code = force ? EXIT_FORCE : EXIT_OK;
	char off[32], dev[32];
	bool intact;
	int r;

	if (g->st.hdr.sig != SWAP_SIG_S1SUSPEND) {
		klog(g, LOG_NOTICE, "the image carries %s, not the kernel's "
		    "S1SUSPEND: its resume is left to the tool that wrote it",
		    swap_sig_to_string(g->st.hdr.sig));
		say(g, "xen-handover: %s image on %s: not the kernel's; "
		    "leaving its resume to its own tool.\n",
		    swap_sig_to_string(g->st.hdr.sig), g->device);
		return done(g, GATE_OUT_RESUME, code);
	}
	if (!g->has_devnum) {
		snprintf(g->note, sizeof(g->note), "cannot tell the device "
		    "number of %s", g->device);
		glog(g, LOG_ERR, "%s: not resuming; the image is kept",
		    g->note);
		keep_image(g, true);
		done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
		write_event(g);
		return 0;
	}
	snprintf(off, sizeof(off), "%" PRIu64 "\n", g->spec.offset);
	snprintf(dev, sizeof(dev), "%u:%u\n", g->dev_major, g->dev_minor);

	if (force) {
		say(g, "xen-handover: FORCING the resume from %s although the "
		    "boot kernel differs (policy force).\n", g->device);
		print_differences(g);
	} else {
		say(g, "xen-handover: resuming the hibernated session from %s "
		    "(%u:%u, page %" PRIu64 ").\n", g->device, g->dev_major,
		    g->dev_minor, g->spec.offset);
	}
	say(g, "%s\n", g->dec.reason);
	klog(g, force ? LOG_WARNING : LOG_NOTICE, "%s: %u:%u, page %" PRIu64,
	    force ? "forcing the resume" : "resuming", g->dev_major,
	    g->dev_minor, g->spec.offset);
	if (g->dry_run) {
		say(g, "(dry run: would write %" PRIu64 " to "
		    "/sys/power/resume_offset, then %u:%u to "
		    "/sys/power/resume)\n", g->spec.offset, g->dev_major,
		    g->dev_minor);
		return done(g, GATE_OUT_RESUME, code);
	}
	if (g->console)
		fflush(g->console);

	/* The offset first: the resume write reads the page it names. */
	r = g->ops->write_attr(g, "/sys/power/resume_offset", off);
	if (r < 0) {
		snprintf(g->note, sizeof(g->note), "cannot write "
		    "/sys/power/resume_offset: %s", strerror(-r));
		glog(g, LOG_ERR, "%s: not resuming; the image is kept",
		    g->note);
		keep_image(g, true);
		done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
		write_event(g);
		return 0;
	}
	r = g->ops->write_attr(g, "/sys/power/resume", dev);
	if (r == 0 && !on_sysfs(g))
		return done(g, GATE_OUT_RESUME, code);	/* a test tree */

	/* On the real sysfs a write that returns is a failed resume. */
	intact = image_intact(g);
	if (r < 0)
		snprintf(g->note, sizeof(g->note), "writing %u:%u to "
		    "/sys/power/resume failed: %s", g->dev_major, g->dev_minor,
		    strerror(-r));
	else
		snprintf(g->note, sizeof(g->note), "the kernel did not resume "
		    "the image (see the PM: lines before this)");
	if (intact) {
		glog(g, LOG_ERR, "%s; the image is intact and kept", g->note);
		keep_image(g, true);
	} else {
		glog(g, LOG_ERR, "%s; the kernel had already reset its "
		    "signature: the hibernated session is lost", g->note);
	}
	done(g, GATE_OUT_ERROR, EXIT_SYSTEM);
	write_event(g);
	return 0;
}

int
gate_act(struct gate *g)
{
	switch (g->dec.verdict) {
	case VERDICT_PROCEED:
	case VERDICT_FORCE:
		return act_resume(g);
	case VERDICT_REPAIR:
		return act_repair(g);
	case VERDICT_REFUSE:
	default:
		return act_refuse(g);
	}
}

/* --- the event ---------------------------------------------------------- */

void
gate_write_json(const struct gate *g, FILE *f)
{
	char buf[2 * RECORD_BUILD_ID_MAX + 1];
	struct json j;
	size_t i;

	json_init(&j, f, true);
	json_begin_object(&j, NULL);
	json_int(&j, "time", g->now);
	json_string(&j, "outcome", gate_outcome_to_string(g->outcome));
	json_int(&j, "exit_code", g->exit_code);
	json_bool(&j, "dry_run", g->dry_run);
	json_begin_object(&j, "resume");
	json_string(&j, "param", g->spec.param);
	json_string(&j, "source", resume_source_to_string(g->spec.source));
	json_string(&j, "device", g->device);
	if (g->has_devnum) {
		snprintf(buf, sizeof(buf), "%u:%u", g->dev_major,
		    g->dev_minor);
		json_string(&j, "device_number", buf);
	} else {
		json_null(&j, "device_number");
	}
	json_uint(&j, "offset", g->spec.offset);
	json_string(&j, "signature", swap_sig_to_string(g->st.hdr.sig));
	json_end_object(&j);
	json_bool(&j, "record_valid", g->has_record);
	if (g->has_record) {
		json_begin_object(&j, "image");
		json_uint(&j, "seq", g->image.seq);
		json_string(&j, "kernel", g->image.kernel_release);
		xh_hex(g->image.build_id, g->image.build_id_len, buf);
		json_string(&j, "build_id", buf);
		json_string(&j, "evtchn", evtchn_abi_to_string(
		    g->image.evtchn));
		json_end_object(&j);
	}
	if (g->decided) {
		json_string(&j, "verdict", verdict_to_string(g->dec.verdict));
		json_string(&j, "policy", policy_mode_to_string(g->pol.mode));
		json_string(&j, "reason", g->dec.reason);
		gate_json_differences(&j, &g->diffs);
		json_string(&j, "action", gate_action_text(g->dec.verdict));
	} else {
		json_null(&j, "verdict");
	}
	if (g->fixed_cmdline[0])
		json_string(&j, "cmdline", g->fixed_cmdline);
	if (g->kernel[0])
		json_string(&j, "kernel", g->kernel);
	json_begin_array(&j, "masked");
	for (i = 0; i < g->nmasks; i++)
		json_string(&j, NULL, g->masks[i]);
	json_end_array(&j);
	if (g->note[0])
		json_string(&j, "note", g->note);
	if (g->conf_error[0])
		json_string(&j, "config_error", g->conf_error);
	json_end_object(&j);
	json_finish(&j);
}

/* --- the whole gate ---------------------------------------------------- */

void
gate_init(struct gate *g)
{
	memset(g, 0, sizeof(*g));
	g->root = "/";
	g->timeout = -1;
	g->now = (int64_t)time(NULL);
	g->ops = &gate_ops_default;
	conf_init(&g->conf);
}

void
gate_free(struct gate *g)
{
	free(g->probe);
	g->probe = NULL;
}

int
gate_run(struct gate *g)
{
	if (gate_locate(g) > 0 && gate_examine(g) > 0)
		gate_act(g);
	return g->exit_code;
}
