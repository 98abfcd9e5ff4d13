// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hypervisor test double: a text file stands in for Xen. It replaces
 * the hypervisor, not dom0d's logic: dom0d asks it the same questions it
 * asks libxenctrl. The file is re-read whenever it changed (inode, size or
 * modification time: write a new file and rename it over the old one) and
 * on hv_reload() (SIGHUP in the daemon). A file that does not parse keeps
 * the previous contents and makes every call fail with its error.
 *
 * Format: one statement per line, '#' starts a comment.
 *   xen MAJOR.MINOR[EXTRA]          e.g. "xen 4.17.3", "xen 4.19-rc"
 *   features HEX                    XENVER_get_features submap 0 (dom0's)
 *   physcaps WORD...                hvm pv gnttab_v1 gnttab_v2, or HEX
 *   host KEY=VALUE...               total-kib= free-kib= cpus=
 *   domain DOMID KEY=VALUE...
 *       uuid=UUID                   required
 *       type=pv|pvh|hvm|unknown     default unknown
 *       vcpus=N                     max vCPUs (max_vcpu_id + 1), default 1
 *       online=N                    default vcpus
 *       maxmem=KIB                  max_pages * 4, default 1048576
 *       mem=KIB                     tot_pages * 4, default maxmem
 *       state=running|paused|blocked|dying   default running
 *       shutdown=REASON             poweroff reboot suspend crash watchdog
 *                                   soft_reset or a number 0..255
 *       gnttab=0|1|2|esrch|eperm    xc_gnttab_get_version(), default 1
 * Domain ids must be unique and below 0x7ff0.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv.h"
#include "util.h"

#define FIXTURE_MAX_SIZE (4u << 20)
#define FIXTURE_LINE_MAX 1024
#define FIXTURE_WORDS_MAX 32

struct fix_domain {
	struct hv_domain d;
	int gnttab;		/* version, or -errno */
};

struct fix_data {
	struct hv_host host;
	struct fix_domain *dom;
	size_t n;
};

struct hv_fixture {
	struct hv hv;
	char *path;
	struct fix_data data;
	int error;		/* the last load's error, 0 when loaded */
	char errmsg[160];
	bool stamped;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

static int fixture_host(struct hv *hv, struct hv_host *ret);
static int fixture_list(struct hv *hv, uint32_t first, struct hv_domain *out,
    size_t max);
static int fixture_gnttab(struct hv *hv, uint32_t domid);
static int fixture_reload(struct hv *hv);
static void fixture_free(struct hv *hv);

static const struct hv_ops fixture_ops = {
	.name = "fixture",
	.host = fixture_host,
	.list = fixture_list,
	.gnttab_version = fixture_gnttab,
	.reload = fixture_reload,
	.free = fixture_free,
};

static void
data_done(struct fix_data *d)
{
	free(d->dom);
	memset(d, 0, sizeof(*d));
}

static int
parse_uint(const char *s, unsigned long long max, unsigned long long *ret)
{
	unsigned long long v;

	if (xh_parse_u64(s, 10, &v) < 0 || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "4.17.3" -> 4, 17, ".3"; "4.19-rc" -> 4, 19, "-rc". */
static int
parse_xen(const char *s, struct hv_host *h)
{
	unsigned long major = 0, minor = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) && major <= 65535)
		major = major * 10 + (unsigned long)(*p++ - '0');
	if (*p++ != '.' || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) && minor <= 65535)
		minor = minor * 10 + (unsigned long)(*p++ - '0');
	if (major > 65535 || minor > 65535 ||
	    strlen(p) > RECORD_XEN_EXTRA_MAX)
		return -EINVAL;
	h->xen_major = (unsigned int)major;
	h->xen_minor = (unsigned int)minor;
	xh_strlcpy(h->xen_extra, p, sizeof(h->xen_extra));
	return 0;
}

static int
parse_physcaps(char **w, size_t n, uint32_t *ret)
{
	unsigned long long v;
	uint32_t caps = 0;
	size_t i;

	if (n == 1 && xh_parse_u64(w[0], 0, &v) == 0) {
		if (v > UINT32_MAX)
			return -EINVAL;
		*ret = (uint32_t)v;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (streq(w[i], "hvm"))
			caps |= HV_PHYSCAP_HVM;
		else if (streq(w[i], "pv"))
			caps |= HV_PHYSCAP_PV;
		else if (streq(w[i], "gnttab_v1"))
			caps |= HV_PHYSCAP_GNTTAB_V1;
		else if (streq(w[i], "gnttab_v2"))
			caps |= HV_PHYSCAP_GNTTAB_V2;
		else
			return -EINVAL;
	}
	*ret = caps;
	return 0;
}

static int
parse_host(char **w, size_t n, struct hv_host *h)
{
	unsigned long long v;
	size_t i;

	for (i = 0; i < n; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		if (parse_uint(eq, UINT64_MAX / 1024, &v) < 0)
			return -EINVAL;
		if (streq(w[i], "total-kib"))
			h->total_pages = v / 4;
		else if (streq(w[i], "free-kib"))
			h->free_pages = v / 4;
		else if (streq(w[i], "cpus") && v <= UINT32_MAX)
			h->nr_cpus = (unsigned int)v;
		else
			return -EINVAL;
	}
	return 0;
}

static int
parse_gnttab(const char *s)
{
	if (streq(s, "0") || streq(s, "1") || streq(s, "2"))
		return s[0] - '0';
	if (streq(s, "esrch"))
		return -ESRCH;
	if (streq(s, "eperm"))
		return -EPERM;
	return -EINVAL - 1000;	/* not a value: a syntax error */
}

static int
parse_domain(char **w, size_t n, struct fix_domain *fd)
{
	struct hv_domain *d = &fd->d;
	unsigned long long v;
	bool has_uuid = false, has_online = false, has_mem = false;
	size_t i;

	memset(fd, 0, sizeof(*fd));
	if (n < 1 || parse_uint(w[0], HV_DOMID_LIMIT - 1, &v) < 0)
		return -EINVAL;
	d->domid = (uint32_t)v;
	d->max_vcpus = 1;
	d->max_pages = 1048576 / 4;
	d->flags = HV_DOM_RUNNING;
	d->type = GUEST_UNKNOWN;
	fd->gnttab = 1;
	for (i = 1; i < n; i++) {
		char *key = w[i], *val = strchr(w[i], '=');

		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (streq(key, "uuid")) {
			if (xh_parse_uuid(val, d->uuid) < 0)
				return -EINVAL;
			has_uuid = true;
		} else if (streq(key, "type")) {
			if (!strcasecmp(val, "pv"))
				d->type = GUEST_PV;
			else if (!strcasecmp(val, "pvh"))
				d->type = GUEST_PVH;
			else if (!strcasecmp(val, "hvm"))
				d->type = GUEST_HVM;
			else if (!strcasecmp(val, "unknown"))
				d->type = GUEST_UNKNOWN;
			else
				return -EINVAL;
			if (d->type == GUEST_PVH || d->type == GUEST_HVM)
				d->flags |= HV_DOM_HVM;
			else
				d->flags &= ~HV_DOM_HVM;
		} else if (streq(key, "vcpus")) {
			if (parse_uint(val, 65536, &v) < 0)
				return -EINVAL;
			d->max_vcpus = (unsigned int)v;
		} else if (streq(key, "online")) {
			if (parse_uint(val, 65536, &v) < 0)
				return -EINVAL;
			d->online_vcpus = (unsigned int)v;
			has_online = true;
		} else if (streq(key, "maxmem")) {
			if (parse_uint(val, UINT64_MAX / 1024, &v) < 0)
				return -EINVAL;
			d->max_pages = v / 4;
		} else if (streq(key, "mem")) {
			if (parse_uint(val, UINT64_MAX / 1024, &v) < 0)
				return -EINVAL;
			d->tot_pages = v / 4;
			has_mem = true;
		} else if (streq(key, "state")) {
			d->flags &= ~(HV_DOM_RUNNING | HV_DOM_PAUSED |
			    HV_DOM_DYING);
			if (streq(val, "running"))
				d->flags |= HV_DOM_RUNNING;
			else if (streq(val, "paused"))
				d->flags |= HV_DOM_PAUSED;
			else if (streq(val, "dying"))
				d->flags |= HV_DOM_DYING;
			else if (!streq(val, "blocked"))
				return -EINVAL;
		} else if (streq(key, "shutdown")) {
			int s = hv_shutdown_from_string(val);

			if (s < 0) {
				if (parse_uint(val, 255, &v) < 0)
					return -EINVAL;
				s = (int)v;
			}
			d->flags |= HV_DOM_SHUTDOWN;
			d->flags &= ~HV_DOM_RUNNING;
			d->shutdown_reason = (unsigned int)s;
		} else if (streq(key, "gnttab")) {
			fd->gnttab = parse_gnttab(val);
			if (fd->gnttab < -1000)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
	}
	if (!has_uuid)
		return -EINVAL;
	if (!has_online)
		d->online_vcpus = d->max_vcpus;
	if (!has_mem)
		d->tot_pages = d->max_pages;
	return 0;
}

static int
domid_cmp(const void *a, const void *b)
{
	const struct fix_domain *x = a, *y = b;

	return x->d.domid < y->d.domid ? -1 : x->d.domid > y->d.domid;
}

/* Parse the whole text into out. 0 or -EINVAL with a message. */
static int
fixture_parse(char *text, struct fix_data *out, char *err, size_t errsz)
{
	struct fix_data d = { 0 };
	size_t cap = 0, lineno = 0, i;
	char *line, *next;

	for (line = text; line; line = next) {
		char *w[FIXTURE_WORDS_MAX], *hash, *ws = NULL, *t;
		size_t n = 0;
		int r = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (strlen(line) > FIXTURE_LINE_MAX) {
			snprintf(err, errsz, "line %zu: too long", lineno);
			goto fail;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		for (t = strtok_r(line, " \t\r", &ws); t;
		    t = strtok_r(NULL, " \t\r", &ws)) {
			if (n == FIXTURE_WORDS_MAX) {
				snprintf(err, errsz, "line %zu: too many words",
				    lineno);
				goto fail;
			}
			w[n++] = t;
		}
		if (n == 0)
			continue;
		if (streq(w[0], "xen") && n == 2) {
			r = parse_xen(w[1], &d.host);
		} else if (streq(w[0], "features") && n == 2) {
			unsigned long long v = 0;

			r = xh_parse_u64(w[1], startswith(w[1], "0x") ? 0 : 16,
			    &v);
			if (r == 0 && v > UINT32_MAX)
				r = -EINVAL;
			d.host.features = (uint32_t)v;
			d.host.has_features = r == 0;
		} else if (streq(w[0], "physcaps")) {
			r = parse_physcaps(w + 1, n - 1, &d.host.physcaps);
		} else if (streq(w[0], "host")) {
			r = parse_host(w + 1, n - 1, &d.host);
		} else if (streq(w[0], "domain")) {
			if (d.n == cap) {
				struct fix_domain *g;

				if (d.n == HV_DOMID_LIMIT) {
					snprintf(err, errsz, "line %zu: too "
					    "many domains", lineno);
					goto fail;
				}
				cap = cap ? cap * 2 : 16;
				if (cap > HV_DOMID_LIMIT)
					cap = HV_DOMID_LIMIT;
				g = realloc(d.dom, cap * sizeof(*g));
				if (!g) {
					data_done(&d);
					return -ENOMEM;
				}
				d.dom = g;
			}
			r = parse_domain(w + 1, n - 1, &d.dom[d.n]);
			if (r == 0)
				d.n++;
		} else {
			r = -EINVAL;
		}
		if (r < 0) {
			snprintf(err, errsz, "line %zu: bad \"%.32s\" "
			    "statement", lineno, w[0]);
			goto fail;
		}
	}
	if (d.n)
		qsort(d.dom, d.n, sizeof(*d.dom), domid_cmp);
	for (i = 1; i < d.n; i++)
		if (d.dom[i].d.domid == d.dom[i - 1].d.domid) {
			snprintf(err, errsz, "domain %u listed twice",
			    d.dom[i].d.domid);
			goto fail;
		}
	*out = d;
	return 0;
fail:
	data_done(&d);
	return -EINVAL;
}

/* Re-read the file if it changed (or when forced). */
static int
fixture_refresh(struct hv_fixture *f, bool force)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	struct fix_data d;
	struct stat st;
	size_t got = 0;
	int r;

	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	if (!force && f->stamped && st.st_dev == f->dev &&
	    st.st_ino == f->ino && st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return f->error;
	if (st.st_size < 0 || (size_t)st.st_size > FIXTURE_MAX_SIZE)
		return -EFBIG;
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return -ENOMEM;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	text[got] = '\0';
	f->stamped = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	if (memchr(text, '\0', got)) {
		snprintf(f->errmsg, sizeof(f->errmsg), "NUL byte in file");
		return f->error = -EINVAL;
	}
	r = fixture_parse(text, &d, f->errmsg, sizeof(f->errmsg));
	if (r < 0)
		return f->error = r;
	data_done(&f->data);
	f->data = d;
	f->errmsg[0] = '\0';
	return f->error = 0;
}

static struct hv_fixture *
to_fixture(struct hv *hv)
{
	return (struct hv_fixture *)hv;
}

static int
fixture_host(struct hv *hv, struct hv_host *ret)
{
	struct hv_fixture *f = to_fixture(hv);
	int r = fixture_refresh(f, false);

	if (r < 0)
		return r;
	*ret = f->data.host;
	return 0;
}

static int
fixture_list(struct hv *hv, uint32_t first, struct hv_domain *out,
    size_t max)
{
	struct hv_fixture *f = to_fixture(hv);
	size_t i, n = 0;
	int r = fixture_refresh(f, false);

	if (r < 0)
		return r;
	for (i = 0; i < f->data.n && n < max; i++)
		if (f->data.dom[i].d.domid >= first)
			out[n++] = f->data.dom[i].d;
	return (int)n;
}

static int
fixture_gnttab(struct hv *hv, uint32_t domid)
{
	struct hv_fixture *f = to_fixture(hv);
	size_t i;
	int r = fixture_refresh(f, false);

	if (r < 0)
		return r;
	for (i = 0; i < f->data.n; i++)
		if (f->data.dom[i].d.domid == domid)
			return f->data.dom[i].gnttab;
	return -ESRCH;
}

static int
fixture_reload(struct hv *hv)
{
	return fixture_refresh(to_fixture(hv), true);
}

static void
fixture_free(struct hv *hv)
{
	struct hv_fixture *f = to_fixture(hv);

	data_done(&f->data);
	free(f->path);
	free(f);
}

int
hv_fixture_open(const char *path, struct hv **ret, char *err, size_t errsz)
{
	struct hv_fixture *f;
	int r;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->hv.ops = &fixture_ops;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return -ENOMEM;
	}
	r = fixture_refresh(f, true);
	if (r < 0) {
		if (errsz)
			snprintf(err, errsz, "%s", f->errmsg[0] ? f->errmsg :
			    strerror(-r));
		fixture_free(&f->hv);
		return r;
	}
	*ret = &f->hv;
	return 0;
}
