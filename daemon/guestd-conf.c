// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handoverd's options (guestd-conf.h). Keys are case-insensitive and
 * '_' equals '-'; a line longer than GUESTD_CONF_LINE_MAX is an error.
 * A file whose parse fails leaves the options unchanged.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "fileio.h"
#include "guestd-conf.h"
#include "util.h"

#define GUESTD_CONF_LINE_MAX 1024
#define GUESTD_CONF_SIZE_MAX 65536

void
guestd_conf_init(struct guestd_conf *c)
{
	c->block_unsafe = true;
	c->xenstore = true;
	c->resume_check = true;
	c->ping_timeout = 10 * USEC_PER_SEC;
	c->retry_min = 1 * USEC_PER_SEC;
	c->retry_max = 60 * USEC_PER_SEC;
}

int
guestd_parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -EINVAL;
}

int
guestd_parse_duration(const char *s, uint64_t *ret_usec)
{
	static const struct {
		const char *name;
		uint64_t usec;
	} units[] = {
		{ "us", 1 }, { "ms", USEC_PER_MSEC }, { "s", USEC_PER_SEC },
		{ "sec", USEC_PER_SEC }, { "min", 60 * USEC_PER_SEC },
	};
	uint64_t whole = 0, frac = 0, frac_div = 1, unit = USEC_PER_SEC, v;
	const char *p = s;
	size_t i;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > GUESTD_DURATION_MAX)
			return -EINVAL;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (frac_div < 1000000000ull) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_div *= 10;
			}
		}
	}
	if (*p) {
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (streq(p, units[i].name))
				break;
		if (i == ARRAY_SIZE(units))
			return -EINVAL;
		unit = units[i].usec;
	}
	if (whole > GUESTD_DURATION_MAX / unit)
		return -EINVAL;
	v = whole * unit + frac * unit / frac_div;
	if (v > GUESTD_DURATION_MAX)
		return -EINVAL;
	*ret_usec = v;
	return 0;
}

struct errbuf {
	char *buf;
	size_t size;
};

static void eb_set(struct errbuf *e, const char *fmt, ...) _printf_(2, 3);
static void eb_add(struct errbuf *e, const char *fmt, ...) _printf_(2, 3);

static void
eb_set(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;

	if (!e->buf || !e->size)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf, e->size, fmt, ap);
	va_end(ap);
}

static void
eb_add(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	if (!e->buf || !e->size)
		return;
	len = strnlen(e->buf, e->size);
	if (len && len + 1 < e->size) {
		e->buf[len++] = '\n';
		e->buf[len] = '\0';
	}
	if (len + 1 >= e->size)
		return;
	va_start(ap, fmt);
	vsnprintf(e->buf + len, e->size - len, fmt, ap);
	va_end(ap);
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* Set one key: 0, 1 unknown key, -EINVAL bad value. */
static int
set_key(struct guestd_conf *c, const char *key, const char *val)
{
	static const char *const bools[] = { "block-unsafe", "xenstore",
		"resume-check" };
	static const char *const durs[] = { "ping-timeout", "retry-min",
		"retry-max" };
	bool *bp[] = { &c->block_unsafe, &c->xenstore, &c->resume_check };
	uint64_t *dp[] = { &c->ping_timeout, &c->retry_min, &c->retry_max };
	uint64_t d;
	size_t i;
	int b;

	for (i = 0; i < ARRAY_SIZE(bools); i++) {
		if (!streq(key, bools[i]))
			continue;
		if ((b = guestd_parse_bool(val)) < 0)
			return -EINVAL;
		*bp[i] = b;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(durs); i++) {
		if (!streq(key, durs[i]))
			continue;
		if (guestd_parse_duration(val, &d) < 0 || d == 0)
			return -EINVAL;
		*dp[i] = d;
		return 0;
	}
	return 1;
}

int
guestd_conf_parse(struct guestd_conf *c, const char *text, size_t len,
    const char *name, char *err, size_t errsz)
{
	struct errbuf e = { err, errsz };
	struct guestd_conf tmp = *c;
	unsigned int lineno = 0;
	size_t pos = 0;

	if (err && errsz)
		err[0] = '\0';
	while (pos < len) {
		char line[GUESTD_CONF_LINE_MAX + 1], *s, *eq, *key, *val, *k;
		size_t n = 0;
		int r;

		lineno++;
		while (pos < len && text[pos] != '\n') {
			if (text[pos] == '\0') {
				eb_set(&e, "%s:%u: NUL byte", name, lineno);
				return -EINVAL;
			}
			if (n == GUESTD_CONF_LINE_MAX) {
				eb_set(&e, "%s:%u: line too long", name,
				    lineno);
				return -EINVAL;
			}
			line[n++] = text[pos++];
		}
		pos++;
		line[n] = '\0';
		if ((s = strchr(line, '#')))
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			eb_set(&e, "%s:%u: expected key = value", name, lineno);
			return -EINVAL;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		for (k = key; *k; k++)
			*k = *k == '_' ? '-' : (char)(*k >= 'A' && *k <= 'Z' ?
			    *k - 'A' + 'a' : *k);
		if (!*key) {
			eb_set(&e, "%s:%u: empty key", name, lineno);
			return -EINVAL;
		}
		r = set_key(&tmp, key, val);
		if (r < 0) {
			eb_set(&e, "%s:%u: bad value for %s: '%.64s'", name,
			    lineno, key, val);
			return -EINVAL;
		}
		if (r > 0)
			eb_add(&e, "%s:%u: unknown key '%.64s', ignored", name,
			    lineno, key);
	}
	if (tmp.retry_max < tmp.retry_min) {
		eb_set(&e, "%s: retry-max is below retry-min", name);
		return -EINVAL;
	}
	*c = tmp;
	return 0;
}

static int
load_one(struct guestd_conf *c, const char *root, const char *path,
    char *err, size_t errsz)
{
	_cleanup_free_ char *buf = malloc(GUESTD_CONF_SIZE_MAX + 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = read_file_at(root, path, buf, GUESTD_CONF_SIZE_MAX + 1);
	if (n == -ENOENT)
		return 0;
	if (n < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror((int)-n));
		return (int)n;
	}
	return guestd_conf_parse(c, buf, (size_t)n, path, err, errsz);
}

static int
dropin_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	    streq(d->d_name + n - 5, ".conf");
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
guestd_conf_load(struct guestd_conf *c, const char *root, char *err,
    size_t errsz)
{
	struct dirent **names = NULL;
	struct guestd_conf tmp = *c;
	char dir[4096], warn[1024] = "";
	int i, n, r;

	if (err && errsz)
		err[0] = '\0';
	r = load_one(&tmp, root, GUESTD_CONF_PATH, err, errsz);
	if (r < 0)
		return r;
	if (err && errsz)
		xh_strlcpy(warn, err, sizeof(warn));
	if (root_path(root, GUESTD_CONF_DROPIN_DIR, dir, sizeof(dir)) < 0)
		return -ENAMETOOLONG;
	n = scandir(dir, &names, dropin_filter, name_cmp);
	if (n < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*c = tmp;
			return 0;
		}
		r = -errno;
		snprintf(err, errsz, "%s: %s", GUESTD_CONF_DROPIN_DIR,
		    strerror(-r));
		return r;
	}
	for (i = 0; i < n; i++) {
		char path[4096], w[1024];

		if (r >= 0) {
			snprintf(path, sizeof(path), "%s/%s",
			    GUESTD_CONF_DROPIN_DIR, names[i]->d_name);
			r = load_one(&tmp, root, path, w, sizeof(w));
			if (r < 0)
				snprintf(err, errsz, "%s", w);
			else if (w[0] && strlen(warn) + strlen(w) + 2 <
			    sizeof(warn)) {
				if (warn[0])
					strcat(warn, "\n");
				strcat(warn, w);
			}
		}
		free(names[i]);
	}
	free(names);
	if (r < 0)
		return r;
	if (err && errsz)
		snprintf(err, errsz, "%s", warn);
	*c = tmp;
	return 0;
}
