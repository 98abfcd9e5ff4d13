// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Configuration files: "key = value" lines and '#' comments.
 *
 * Errors (bad syntax, bad values, over-long lines, NUL bytes, files over
 * CONF_MAX_SIZE) return -EINVAL (conf_load(): or the read error) with
 * "name:line: reason" in err, and leave the configuration unchanged.
 * Unknown keys are not errors, so an older binary accepts a newer file:
 * the parse succeeds and err holds "name:line: unknown key ..., ignored"
 * (several warnings are separated by newlines). So after a 0 return a
 * non-empty err is a warning for the caller to log.
 *
 * Keys and values are case-insensitive; '_' and '-' are the same in keys.
 * Except "resume": a device name (LABEL=Swap) keeps its case.
 * Later lines (and later files) win.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>

#include "conf.h"
#include "fileio.h"
#include "util.h"

#define CONF_LINE_MAX 1024	/* bytes per line, without the newline */

struct err_buf {
	char *buf;
	size_t size;
};

static void err_set(struct err_buf *e, const char *fmt, ...) _printf_(2, 3);
static void err_append(struct err_buf *e, const char *fmt, ...)
    _printf_(2, 3);

static void
err_set(struct err_buf *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->buf || e->size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->size, fmt, ap);
	va_end(ap);
}

/* Append a warning line; keep what fits. */
static void
err_append(struct err_buf *e, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!e->buf || e->size == 0)
		return;
	len = strnlen(e->buf, e->size);
	if (len >= e->size - 1)
		return;
	if (len > 0) {
		e->buf[len++] = '\n';
		e->buf[len] = '\0';
		if (len >= e->size - 1)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(e->buf + len, e->size - len, fmt, ap);
	va_end(ap);
}

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->xen_pm_restore = TRI_UNKNOWN;
	c->policy.mode = POLICY_AUTO;
	c->policy.unknown_image = UNKNOWN_IMAGE_PROCEED;
	c->allow_kaslr = false;
	c->timeout = -1;
}

static int
parse_bool(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
	for (i = 0; i < ARRAY_SIZE(no); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return -EINVAL;
}

static int
parse_tristate(const char *v, enum tristate *ret)
{
	int b;

	if (strcasecmp(v, "auto") == 0) {
		*ret = TRI_UNKNOWN;
		return 0;
	}
	b = parse_bool(v);
	if (b < 0)
		return b;
	*ret = b ? TRI_YES : TRI_NO;
	return 0;
}

/* "kexec" (1) or "no" (0), any case; -EINVAL otherwise. */
int
repair_from_string(const char *v)
{
	if (strcasecmp(v, "kexec") == 0)
		return 1;
	if (strcasecmp(v, "no") == 0 || strcasecmp(v, "off") == 0)
		return 0;
	return -EINVAL;
}

/* Lower-case copy for the *_from_string() helpers; -EINVAL if too long. */
static int
lower(const char *v, char *out, size_t outsz)
{
	size_t i;

	for (i = 0; v[i]; i++) {
		if (i + 1 >= outsz)
			return -EINVAL;
		out[i] = v[i];
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	out[i] = '\0';
	return 0;
}

/* Keys compare with '_' and '-' equal and case ignored. */
static bool
key_is(const char *key, const char *want)
{
	for (; *key && *want; key++, want++) {
		char a = *key == '_' ? '-' : *key;

		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (a != *want)
			return false;
	}
	return *key == '\0' && *want == '\0';
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	    ch == '\f';
}

static bool
is_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';
}

/*
 * Apply one "key = value" pair. Returns 0, 1 for an unknown key, or
 * -EINVAL with a reason in why.
 */
static int
apply(struct conf *c, const char *key, const char *val, const char **why)
{
	char low[16];
	int r;

	if (key_is(key, "xen-pm-restore")) {
		if (parse_tristate(val, &c->xen_pm_restore) < 0) {
			*why = "expected auto, yes or no";
			return -EINVAL;
		}
		return 0;
	}
	if (key_is(key, "policy")) {
		r = lower(val, low, sizeof(low));
		if (r == 0)
			r = policy_mode_from_string(low);
		if (r < 0) {
			*why = "expected auto, strict, refuse or force";
			return -EINVAL;
		}
		c->policy.mode = (enum policy_mode)r;
		return 0;
	}
	if (key_is(key, "unknown-image")) {
		r = lower(val, low, sizeof(low));
		if (r == 0)
			r = unknown_image_from_string(low);
		if (r < 0) {
			*why = "expected proceed or refuse";
			return -EINVAL;
		}
		c->policy.unknown_image = (enum unknown_image_action)r;
		return 0;
	}
	if (key_is(key, "resume")) {
		const char *p;

		for (p = val; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f) {
				*why = "control character in the device name";
				return -EINVAL;
			}
		if (xh_strlcpy(c->resume, val, sizeof(c->resume)) >=
		    sizeof(c->resume)) {
			c->resume[0] = '\0';
			*why = "device name too long";
			return -EINVAL;
		}
		return 0;
	}
	if (key_is(key, "resume-offset")) {
		unsigned long long v;

		if (xh_parse_u64(val, 10, &v) < 0) {
			*why = "expected a page number";
			return -EINVAL;
		}
		c->has_resume_offset = true;
		c->resume_offset = v;
		return 0;
	}
	if (key_is(key, "timeout")) {
		unsigned long long v;

		if (xh_parse_u64(val, 10, &v) < 0 || v > CONF_TIMEOUT_MAX) {
			*why = "expected whole seconds, 0 to 3600";
			return -EINVAL;
		}
		c->timeout = (int)v;
		return 0;
	}
	if (key_is(key, "repair")) {
		r = repair_from_string(val);
		if (r < 0) {
			*why = "expected kexec, no or off";
			return -EINVAL;
		}
		c->policy.repair_kexec = r;
		return 0;
	}
	if (key_is(key, "allow-kaslr")) {
		r = parse_bool(val);
		if (r < 0) {
			*why = "expected yes or no";
			return -EINVAL;
		}
		c->allow_kaslr = r;
		return 0;
	}
	return 1;
}

/* Parse one line (no newline, NUL-terminated, may be modified). */
static int
parse_line(struct conf *c, char *line, const char *name, unsigned int lineno,
    struct err_buf *e)
{
	char *key, *val, *end, *eq;
	const char *why = NULL;
	int r;

	while (is_space(*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	end = line + strlen(line);
	while (end > line && is_space(end[-1]))
		*--end = '\0';

	eq = strchr(line, '=');
	if (!eq) {
		err_set(e, "%s:%u: expected \"key = value\"", name, lineno);
		return -EINVAL;
	}
	key = line;
	val = eq + 1;
	end = eq;
	while (end > key && is_space(end[-1]))
		end--;
	*end = '\0';
	while (is_space(*val))
		val++;
	if (*key == '\0') {
		err_set(e, "%s:%u: missing key before '='", name, lineno);
		return -EINVAL;
	}
	for (end = key; *end; end++)
		if (!is_key_char(*end)) {
			err_set(e, "%s:%u: invalid character in key \"%.64s\"",
			    name, lineno, key);
			return -EINVAL;
		}
	if (*val == '\0') {
		err_set(e, "%s:%u: missing value for \"%.64s\"", name, lineno,
		    key);
		return -EINVAL;
	}
	r = apply(c, key, val, &why);
	if (r < 0) {
		err_set(e, "%s:%u: invalid value \"%.64s\" for %.64s: %s",
		    name, lineno, val, key, why);
		return r;
	}
	if (r > 0)
		err_append(e, "%s:%u: unknown key \"%.64s\", ignored", name,
		    lineno, key);
	return 0;
}

static int
parse_text(struct conf *c, const char *text, size_t len, const char *name,
    struct err_buf *e)
{
	char line[CONF_LINE_MAX + 1];
	unsigned int lineno = 0;
	size_t pos = 0;
	int r;

	if (len > CONF_MAX_SIZE) {
		err_set(e, "%s: file larger than %d bytes", name,
		    CONF_MAX_SIZE);
		return -EINVAL;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n > CONF_LINE_MAX) {
			err_set(e, "%s:%u: line longer than %d bytes", name,
			    lineno, CONF_LINE_MAX);
			return -EINVAL;
		}
		if (memchr(text + pos, '\0', n)) {
			err_set(e, "%s:%u: NUL byte in line", name, lineno);
			return -EINVAL;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		r = parse_line(c, line, name, lineno, e);
		if (r < 0)
			return r;
		pos += n + (nl ? 1 : 0);
	}
	return 0;
}

int
conf_parse(struct conf *c, const char *text, size_t len, const char *name,
    char *err, size_t errsz)
{
	struct err_buf e = { err, errsz };
	struct conf tmp;
	int r;

	if (err && errsz)
		err[0] = '\0';
	if (!c || (!text && len > 0))
		return -EINVAL;
	if (!name)
		name = "(config)";
	tmp = *c;
	r = parse_text(&tmp, text ? text : "", len, name, &e);
	if (r < 0)
		return r;
	*c = tmp;
	return 0;
}

static int
load_file(struct conf *c, const char *root, const char *path,
    struct err_buf *e)
{
	_cleanup_free_ char *buf = NULL;
	ssize_t n;

	buf = malloc(CONF_MAX_SIZE + 1);
	if (!buf)
		return -ENOMEM;
	n = read_file_at(root, path, buf, CONF_MAX_SIZE + 1);
	if (n == -ENOENT)
		return 0;
	if (n == -EFBIG) {
		err_set(e, "%s: file larger than %d bytes", path,
		    CONF_MAX_SIZE);
		return -EFBIG;
	}
	if (n < 0) {
		err_set(e, "%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	return parse_text(c, buf, (size_t)n, path, e);
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	/* Byte order, whatever the locale: "lexical order" in conf.h. */
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
dropin_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    streq(d->d_name + n - 5, ".conf");
}

int
conf_load(struct conf *c, const char *root, char *err, size_t errsz)
{
	struct err_buf e = { err, errsz };
	struct dirent **names = NULL;
	char dir[4096], path[4096];
	struct conf tmp;
	int i, n, r;

	if (err && errsz)
		err[0] = '\0';
	if (!c)
		return -EINVAL;
	tmp = *c;
	r = load_file(&tmp, root, CONF_PATH, &e);
	if (r < 0)
		return r;

	r = root_path(root, CONF_DROPIN_DIR, dir, sizeof(dir));
	if (r < 0) {
		err_set(&e, "%s: path too long", CONF_DROPIN_DIR);
		return r;
	}
	n = scandir(dir, &names, dropin_filter, name_cmp);
	if (n < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ENOTDIR) {
			*c = tmp;
			return 0;
		}
		err_set(&e, "%s: %s", CONF_DROPIN_DIR, strerror(-r));
		return r;
	}
	r = 0;
	for (i = 0; i < n; i++) {
		char full[4096];
		struct stat st;

		if (r < 0)
			goto next;
		if (snprintf(path, sizeof(path), "%s/%s", CONF_DROPIN_DIR,
		    names[i]->d_name) >= (int)sizeof(path) ||
		    root_path(root, path, full, sizeof(full)) < 0) {
			err_set(&e, "%s: path too long", names[i]->d_name);
			r = -ENAMETOOLONG;
			goto next;
		}
		/* Skip directories and the like; follow symlinks (a link to
		 * /dev/null masks a file, as in systemd: it reads empty). */
		if (stat(full, &st) < 0 ||
		    (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)))
			goto next;
		r = load_file(&tmp, root, path, &e);
next:
		free(names[i]);
	}
	free(names);
	if (r < 0)
		return r;
	*c = tmp;
	return 0;
}

int
conf_load_file(struct conf *c, const char *root, const char *path,
    char *err, size_t errsz)
{
	struct err_buf e = { err, errsz };
	struct conf tmp;
	int r;

	if (err && errsz)
		err[0] = '\0';
	if (!c || !path)
		return -EINVAL;
	tmp = *c;
	r = load_file(&tmp, root, path, &e);
	if (r < 0)
		return r;
	*c = tmp;
	return 0;
}
