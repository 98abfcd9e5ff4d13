// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion's event loop (xen-handover-dom0d(8)).
 *
 * Sources of work:
 *   - xenstore watch events: "@i"/"@r" (@introduceDomain/@releaseDomain)
 *     coalesce into one rescan of the hypervisor's domain list; "d<id>"
 *     (the guest's data/xen-handover) asks for a read of that domain's
 *     report; "v<id>" (dom0d's own verdict node) asks to check that the
 *     verdict is still there (a soft reset or rebuild deletes it);
 *   - one timer per domain: the debounced read, the grant-table poll
 *     while the guest kernel settles, the end of a throttle, a coalesced
 *     save;
 *   - a periodic rescan (lost events, and a liveness probe of xenstored),
 *     the watchdog, the Prometheus file, signals.
 *
 * Hostile guests: a guest controls only what is under its own data/. Its
 * events cost O(1) each and are metered by a token bucket per domain; a
 * domain that floods is unwatched for a penalty that doubles while it
 * goes on. Reads are debounced (one per debounce_ms per domain), read
 * only known names with bounded buffers, and only a report that passes
 * xsschema_parse_guest() reaches an entry. Each domain costs a fixed
 * struct dom (plus its entry, when it has one): nothing a guest writes
 * makes dom0d allocate more. Guest text is never logged; node names in
 * messages come from dom0d's own table.
 */
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "dom0d-loop.h"
#include "log.h"
#include "util.h"

#define XS_BATCH 1024		/* watch events taken per callback */
#define WARN_INTERVAL_US (60ull * 1000000)
#define THROTTLE_MAX_MS 60000u
#define RECONNECT_MIN_MS 100u
#define RECONNECT_MAX_MS 5000u
#define TOKEN_MAX 64

/* Kinds of guest-triggered warnings, each rate-limited on its own. */
enum { WARN_REPORT, WARN_FLOOD, WARN_PUBLISH, _WARN_MAX };

struct dom {
	TAILQ_ENTRY(dom) link;
	struct dom0d *d;
	struct hv_domain hv;		/* as the last scan saw it */
	struct dom0d_entry *entry;	/* NULL: this UUID has none */
	struct event *timer;
	uint64_t created_us;		/* first seen, or rebuilt */
	uint64_t read_due_us;		/* 0: no read wanted */
	uint64_t next_read_us;		/* earliest next read */
	uint64_t poll_due_us;		/* grant-table poll, 0: none */
	uint64_t verify_due_us;		/* is the verdict still there? */
	uint64_t throttle_end_us;	/* 0: not throttled */
	uint64_t last_throttle_us;
	uint64_t save_due_us;		/* coalesced save, 0: none */
	uint64_t bucket_us;
	uint64_t last_warn_us[_WARN_MAX];
	uint64_t tokens;		/* in thousandths */
	unsigned int throttle_ms;
	unsigned int suppressed[_WARN_MAX];
	bool watched;			/* "d<id>" set */
	bool vwatched;			/* "v<id>" set */
	bool shutdown_noted;
	bool reported;			/* a valid report since created_us */
	bool published;			/* pub is in xenstore */
	bool publish_wanted;		/* retry on the next scan */
	struct host_verdict pub;
	bool pub_pending;
	uint32_t pub_fields;
};

struct pidx {				/* pending entries by name */
	uint8_t uuid[16];
	char name[DOM0D_NAME_MAX + 1];
};

TAILQ_HEAD(dom_list, dom);

struct dom0d {
	struct event_base *base;
	struct hv *hv;
	struct dom0d_opts o;
	struct dom0d_store *store;
	struct xsc *xs;
	struct event *xs_ev, *rescan_ev, *tick_ev, *reconnect_ev, *prom_ev;
	struct event *watchdog_ev;
	struct event *sig[3];
	struct dom **by_id;
	struct dom_list doms;
	size_t ndoms, nentries;
	uint32_t self;
	bool self_known;
	struct hv_host host;
	bool has_host;
	struct xs_nodes scratch;
	struct dom0d_counters c;
	unsigned int reconnect_ms;
	uint64_t watchdog_usec;
	uint64_t prom_last_us;
	bool prom_dirty, started, stopping, priorities;
	struct pidx *pidx;
	size_t npidx, cappidx;
};

static void on_xs(evutil_socket_t fd, short what, void *arg);
static void on_dom_timer(evutil_socket_t fd, short what, void *arg);
static void lost(struct dom0d *d);
static void validate_publish(struct dom *m);
static void check_published(struct dom *m);
static void handle_flags(struct dom *m, unsigned int fl);
static void prom_touch(struct dom0d *d);

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int64_t
wall(void)
{
	return (int64_t)time(NULL);
}

static struct timeval
tv_us(uint64_t us)
{
	struct timeval tv = {
		.tv_sec = (time_t)(us / 1000000u),
		.tv_usec = (suseconds_t)(us % 1000000u),
	};

	return tv;
}

void
dom0d_opts_init(struct dom0d_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = DOM0D_STATE_DIR;
	o->prometheus_ms = 5000;
	o->debounce_ms = 1000;
	o->settle_ms = 30000;
	o->poll_ms = 1000;
	o->rescan_ms = 30000;
	o->save_ms = 10000;
	o->event_burst = 256;
	o->event_rate = 64;
	o->throttle_ms = 5000;
	o->self_domid = -1;
	o->soft_reset = SOFT_RESET_AUTO;
	o->match_name = true;
	o->notify = true;
	o->signals = true;
}

size_t
dom0d_domain_bytes(void)
{
	return sizeof(struct dom) + event_get_struct_event_size();
}

size_t
dom0d_entry_bytes(void)
{
	return sizeof(struct dom0d_entry);
}

static void
update_mem(struct dom0d *d)
{
	d->c.domains = d->ndoms;
	d->c.mem_bytes = d->ndoms * dom0d_domain_bytes() +
	    d->nentries * dom0d_entry_bytes();
}

static void
notify(struct dom0d *d, const char *msg)
{
	if (d->o.notify)
		(void)sd_notify(0, msg);
}

static void
notify_status(struct dom0d *d)
{
	char s[128];
	size_t pending = 0;
	struct dom *m;

	if (!d->o.notify)
		return;
	TAILQ_FOREACH(m, &d->doms, link)
		if (m->entry && dom0d_entry_pending(m->entry))
			pending++;
	snprintf(s, sizeof(s), "STATUS=%zu domains, %zu with entries, %zu "
	    "images pending", d->ndoms, d->nentries, pending);
	(void)sd_notify(0, s);
}

/*
 * A warning about one domain, of one kind (WARN_*), at most once a
 * minute: guests can trigger these at will.
 */
static void warn_dom(struct dom *m, int kind, const char *fmt, ...)
    _printf_(3, 4);

static void
warn_dom(struct dom *m, int kind, const char *fmt, ...)
{
	char msg[256];
	uint64_t now = now_us();
	va_list ap;

	if (m->last_warn_us[kind] &&
	    now - m->last_warn_us[kind] < WARN_INTERVAL_US) {
		m->suppressed[kind]++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (m->suppressed[kind])
		log_warning("domain %" PRIu32 ": %s (%u similar messages "
		    "suppressed)", m->hv.domid, msg, m->suppressed[kind]);
	else
		log_warning("domain %" PRIu32 ": %s", m->hv.domid, msg);
	m->suppressed[kind] = 0;
	m->last_warn_us[kind] = now;
}

/*
 * Pending entries by name (--match-name): xl gives a domain a new UUID
 * on every create unless its config pins uuid=.
 */
static void
pidx_remove(struct dom0d *d, const uint8_t uuid[16])
{
	size_t i;

	for (i = 0; i < d->npidx; i++)
		if (memcmp(d->pidx[i].uuid, uuid, 16) == 0) {
			d->pidx[i] = d->pidx[--d->npidx];
			return;
		}
}

static void
pidx_update(struct dom0d *d, const struct dom0d_entry *e)
{
	struct pidx *g;

	pidx_remove(d, e->uuid);
	if (!d->o.match_name || !e->name[0] || !dom0d_entry_pending(e))
		return;
	if (d->npidx == d->cappidx) {
		size_t cap = d->cappidx ? d->cappidx * 2 : 16;

		g = realloc(d->pidx, cap * sizeof(*g));
		if (!g)
			return;	/* only a convenience: skip it */
		d->pidx = g;
		d->cappidx = cap;
	}
	memcpy(d->pidx[d->npidx].uuid, e->uuid, 16);
	xh_strlcpy(d->pidx[d->npidx].name, e->name,
	    sizeof(d->pidx[d->npidx].name));
	d->npidx++;
}

/* The one pending entry named name: 1 and its UUID, 0 none or several. */
static int
pidx_find(struct dom0d *d, const char *name, uint8_t uuid[16])
{
	size_t i, found = 0;

	for (i = 0; i < d->npidx; i++)
		if (streq(d->pidx[i].name, name)) {
			memcpy(uuid, d->pidx[i].uuid, 16);
			found++;
		}
	return found == 1;
}

static int
pidx_cb(const struct dom0d_entry *e, void *userdata)
{
	pidx_update(userdata, e);
	return 0;
}

static void
store_bad(const char *name, int err, void *userdata)
{
	(void)userdata;
	log_warning("state entry %s: %s, ignoring", name,
	    err == -EINVAL || err == -EBADMSG || err == -EILSEQ ||
	    err == -ENOTUNIQ || err == -ENOKEY ? "damaged" : strerror(-err));
}

/*
 * Saving.
 */
static void
save_entry(struct dom *m)
{
	struct dom0d *d = m->d;
	int r;

	m->save_due_us = 0;
	if (!m->entry)
		return;
	r = dom0d_store_save(d->store, m->entry);
	if (r < 0) {
		d->c.save_errors++;
		log_error_errno(r, "domain %" PRIu32 ": cannot save its "
		    "entry: %m", m->hv.domid);
		return;
	}
	d->c.saves++;
	pidx_update(d, m->entry);
	prom_touch(d);
}

/*
 * Timers.
 */
static void
arm(struct dom *m)
{
	uint64_t due = 0, now;
	const uint64_t *t[] = {
		&m->read_due_us, &m->poll_due_us, &m->throttle_end_us,
		&m->save_due_us, &m->verify_due_us,
	};
	struct timeval tv;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		if (*t[i] && (!due || *t[i] < due))
			due = *t[i];
	if (!due) {
		evtimer_del(m->timer);
		return;
	}
	now = now_us();
	tv = tv_us(due > now ? due - now : 0);
	evtimer_add(m->timer, &tv);
}

static void
want_read(struct dom *m)
{
	uint64_t now = now_us();

	if (m->read_due_us || m->throttle_end_us)
		return;
	m->read_due_us = m->next_read_us > now ? m->next_read_us : now;
	arm(m);
}

/*
 * Watches.
 */
static int
watch_dom(struct dom *m)
{
	struct dom0d *d = m->d;
	char path[96], token[TOKEN_MAX];
	int r;

	if (!d->xs || m->watched)
		return 0;
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/%s",
	    m->hv.domid, XSSCHEMA_GUEST_DIR);
	snprintf(token, sizeof(token), "d%" PRIu32, m->hv.domid);
	r = xsc_watch(d->xs, path, token);
	if (r == -EEXIST)
		r = 0;
	if (r == -ENOTCONN) {
		lost(d);
		return r;
	}
	if (r < 0)
		return log_warning_errno(r, "domain %" PRIu32 ": cannot watch "
		    "its directory: %m", m->hv.domid);
	m->watched = true;
	return 0;
}

static void
unwatch_dom(struct dom *m, bool guest, bool verdict)
{
	struct dom0d *d = m->d;
	char path[96], token[TOKEN_MAX];

	if (guest && m->watched) {
		m->watched = false;
		if (d->xs) {
			snprintf(path, sizeof(path), "/local/domain/%" PRIu32
			    "/%s", m->hv.domid, XSSCHEMA_GUEST_DIR);
			snprintf(token, sizeof(token), "d%" PRIu32,
			    m->hv.domid);
			if (xsc_unwatch(d->xs, path, token) == -ENOTCONN)
				lost(d);
		}
	}
	if (verdict && m->vwatched) {
		m->vwatched = false;
		if (d->xs) {
			snprintf(path, sizeof(path), "/local/domain/%" PRIu32
			    "/%s/verdict", m->hv.domid, XSSCHEMA_HOST_DIR);
			snprintf(token, sizeof(token), "v%" PRIu32,
			    m->hv.domid);
			if (xsc_unwatch(d->xs, path, token) == -ENOTCONN)
				lost(d);
		}
	}
}

static void
vwatch_dom(struct dom *m)
{
	struct dom0d *d = m->d;
	char path[96], token[TOKEN_MAX];
	int r;

	if (!d->xs || m->vwatched)
		return;
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/%s/verdict",
	    m->hv.domid, XSSCHEMA_HOST_DIR);
	snprintf(token, sizeof(token), "v%" PRIu32, m->hv.domid);
	r = xsc_watch(d->xs, path, token);
	if (r == -ENOTCONN) {
		lost(d);
		return;
	}
	if (r == 0 || r == -EEXIST)
		m->vwatched = true;
}

/*
 * Throttling: a token bucket per domain; on empty, stop watching the
 * domain for a while. The watch fires once when set again, so the state
 * the guest left is read then.
 */
static bool
take_token(struct dom *m, uint64_t now)
{
	struct dom0d *d = m->d;
	uint64_t max = (uint64_t)d->o.event_burst * 1000;

	if (now > m->bucket_us) {
		uint64_t add = (now - m->bucket_us) * d->o.event_rate / 1000;

		m->tokens = m->tokens + add > max ? max : m->tokens + add;
		m->bucket_us = now;
	}
	if (m->tokens < 1000)
		return false;
	m->tokens -= 1000;
	return true;
}

static void
throttle(struct dom *m, uint64_t now)
{
	struct dom0d *d = m->d;

	d->c.throttled++;
	if (m->throttle_ms == 0 || (m->last_throttle_us &&
	    now - m->last_throttle_us > 4ull * m->throttle_ms * 1000))
		m->throttle_ms = d->o.throttle_ms;
	else if (m->throttle_ms < THROTTLE_MAX_MS)
		m->throttle_ms = m->throttle_ms * 2 > THROTTLE_MAX_MS ?
		    THROTTLE_MAX_MS : m->throttle_ms * 2;
	m->last_throttle_us = now;
	m->throttle_end_us = now + (uint64_t)m->throttle_ms * 1000;
	m->read_due_us = 0;
	unwatch_dom(m, true, false);
	warn_dom(m, WARN_FLOOD, "floods its %s with watch events, ignoring "
	    "it for %u ms", XSSCHEMA_GUEST_DIR, m->throttle_ms);
	arm(m);
}

static void
unthrottle(struct dom *m)
{
	m->throttle_end_us = 0;
	m->tokens = (uint64_t)m->d->o.event_burst * 1000;
	m->bucket_us = now_us();
	m->last_throttle_us = m->bucket_us;
	(void)watch_dom(m);	/* fires once: the state gets read */
}

/*
 * Entries.
 */
static struct dom0d_entry *
entry_new(struct dom *m)
{
	struct dom0d *d = m->d;
	struct dom0d_entry *e;

	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	dom0d_entry_init(e, m->hv.uuid);
	e->domid = m->hv.domid;
	e->has_domid = true;
	e->updated = wall();
	d->nentries++;
	update_mem(d);
	return e;
}

static void
entry_free(struct dom *m)
{
	if (!m->entry)
		return;
	free(m->entry);
	m->entry = NULL;
	m->d->nentries--;
	update_mem(m->d);
}

static void
read_name(struct dom *m, char *buf, size_t bufsz)
{
	struct dom0d *d = m->d;
	int r;

	buf[0] = '\0';
	if (!d->xs)
		return;
	r = dom0d_xs_read_name(d->xs, m->hv.domid, buf, bufsz);
	if (r == -ENOTCONN)
		lost(d);
}

/* Find this domain's entry: by UUID, else (match_name) by name. */
static void
load_entry(struct dom *m)
{
	struct dom0d *d = m->d;
	struct dom0d_entry *e;
	char name[DOM0D_NAME_MAX + 1];
	uint8_t old[16];
	int r;

	e = malloc(sizeof(*e));
	if (!e)
		return;
	r = dom0d_store_load(d->store, m->hv.uuid, e);
	if (r == -ENOENT && d->npidx > 0) {
		read_name(m, name, sizeof(name));
		if (name[0] && pidx_find(d, name, old) &&
		    dom0d_store_load(d->store, old, e) == 0 &&
		    dom0d_entry_pending(e)) {
			char a[37], b[37];

			xh_format_uuid(old, a);
			xh_format_uuid(m->hv.uuid, b);
			log_notice("domain %" PRIu32 " (%s): new UUID %s, "
			    "taking over the pending image of %s by name",
			    m->hv.domid, name, b, a);
			memcpy(e->uuid, m->hv.uuid, 16);
			if (dom0d_store_save(d->store, e) == 0) {
				(void)dom0d_store_remove(d->store, old);
				pidx_remove(d, old);
				pidx_update(d, e);
				r = 0;
			}
		}
	}
	if (r < 0) {
		if (r != -ENOENT)
			log_warning_errno(r, "domain %" PRIu32 ": its state "
			    "entry cannot be read, starting afresh: %m",
			    m->hv.domid);
		free(e);
		return;
	}
	m->entry = e;
	d->nentries++;
	update_mem(d);
}

/*
 * Verdicts.
 */
static bool
soft_reset_for(struct dom *m)
{
	struct dom0d *d = m->d;

	switch (d->o.soft_reset) {
	case SOFT_RESET_YES:
		return true;
	case SOFT_RESET_NO:
		return false;
	case SOFT_RESET_AUTO:
		break;
	}
	return m->hv.type == GUEST_HVM && d->has_host &&
	    (d->host.xen_major > 4 ||
	    (d->host.xen_major == 4 && d->host.xen_minor >= 7));
}

static bool
settled(struct dom *m, uint64_t now)
{
	return m->reported ||
	    now - m->created_us >= (uint64_t)m->d->o.settle_ms * 1000;
}

static void
validate_publish(struct dom *m)
{
	struct dom0d *d = m->d;
	struct dom0d_entry *e = m->entry;
	struct dom0d_check chk;
	struct dom0d_view view;
	struct host_verdict v;
	struct dom0d_ext ext;
	char fields[DOM0D_FIELDS_TEXT_MAX];
	uint64_t now = now_us();
	int r;

	if (!e || !d->has_host)
		return;
	view.host = &d->host;
	view.dom = &m->hv;
	view.gnttab = hv_gnttab_version(d->hv, m->hv.domid);
	view.settled = settled(m, now);
	if (dom0d_validate(e, &view, &chk) < 0)
		return;
	m->poll_due_us = 0;
	if (chk.pending && !view.settled)
		m->poll_due_us = now + (uint64_t)d->o.poll_ms * 1000;

	if (e->verdict != chk.verdict || e->verdict_fields != chk.fields ||
	    !streq(e->verdict_reason, chk.reason) ||
	    (e->has_record && e->verdict_seq != e->rec.seq) ||
	    e->verdict_time == 0) {
		bool changed = e->verdict != chk.verdict;

		e->verdict = chk.verdict;
		e->verdict_fields = chk.fields;
		e->verdict_seq = e->has_record ? e->rec.seq : 0;
		e->verdict_time = wall();
		xh_strlcpy(e->verdict_reason, chk.reason,
		    sizeof(e->verdict_reason));
		if (changed && dom0d_entry_pending(e))
			log_info("domain %" PRIu32 " (%s): verdict %s: %s",
			    m->hv.domid, e->name, host_verdict_to_string(
			    chk.verdict), chk.reason);
		if (changed)
			save_entry(m);
		else if (!m->save_due_us)
			m->save_due_us = now + (uint64_t)d->o.save_ms * 1000;
	}

	memset(&v, 0, sizeof(v));
	v.schema = XSSCHEMA_VERSION;
	v.verdict = chk.verdict;
	v.soft_reset = soft_reset_for(m);
	v.record_seq = chk.verdict != HOST_VERDICT_UNKNOWN ? e->rec.seq : 0;
	xh_strlcpy(v.reason, chk.reason, sizeof(v.reason));
	if (m->published && m->pub.verdict == v.verdict &&
	    m->pub.soft_reset == v.soft_reset &&
	    m->pub.record_seq == v.record_seq &&
	    streq(m->pub.reason, v.reason) && m->pub_pending == chk.pending &&
	    m->pub_fields == chk.fields) {
		arm(m);
		return;
	}
	if (!d->xs) {
		m->publish_wanted = true;
		arm(m);
		return;
	}
	dom0d_fields_to_string(chk.fields, fields, sizeof(fields));
	ext.checked = wall();
	ext.pending = chk.pending ? "gnttab" : NULL;
	ext.fields = fields;
	r = dom0d_xs_publish(d->xs, d->self, m->hv.domid, &v, &ext,
	    &d->scratch);
	if (r == -ENOTCONN) {
		m->publish_wanted = true;
		lost(d);
		return;
	}
	if (r == -ENOENT) {
		/* Its directory is not built yet: after @introduceDomain. */
		m->publish_wanted = true;
		arm(m);
		return;
	}
	if (r < 0) {
		d->c.publish_errors++;
		m->publish_wanted = true;
		warn_dom(m, WARN_PUBLISH, "cannot publish its verdict: %s",
		    strerror(-r));
		arm(m);
		return;
	}
	d->c.publishes++;
	m->published = true;
	m->publish_wanted = false;
	m->pub = v;
	m->pub_pending = chk.pending;
	m->pub_fields = chk.fields;
	vwatch_dom(m);
	prom_touch(d);
	arm(m);
}

/* The verdict vanished with the domain's directory: rebuilt (soft reset). */
static void
rebuilt(struct dom *m)
{
	m->created_us = now_us();
	m->reported = false;
	m->published = false;
	if (m->entry) {
		handle_flags(m, dom0d_ingest_created(m->entry, &m->hv, wall()));
		validate_publish(m);
	}
}

static void
check_published(struct dom *m)
{
	struct dom0d *d = m->d;
	int r;

	if (!m->entry)
		return;
	if (!m->published) {
		validate_publish(m);
		return;
	}
	if (!d->xs)
		return;
	r = dom0d_xs_published(d->xs, m->hv.domid, &m->pub);
	if (r == -ENOTCONN) {
		lost(d);
		return;
	}
	if (r == 0) {
		log_info("domain %" PRIu32 ": its verdict is gone (domain "
		    "directory rebuilt), publishing again", m->hv.domid);
		rebuilt(m);
	}
}

static void
handle_flags(struct dom *m, unsigned int fl)
{
	struct dom0d *d = m->d;
	struct dom0d_entry *e = m->entry;

	if (!e)
		return;
	if (fl & DOM0D_CLOSED)
		log_info("domain %" PRIu32 " (%s): image %s%s", m->hv.domid,
		    e->name, dom0d_outcome_to_string(e->outcome),
		    e->cross_fields ? " (cross-check found differences)" : "");
	if (fl & DOM0D_PHASE) {
		log_info("domain %" PRIu32 " (%s): %s", m->hv.domid, e->name,
		    dom0d_phase_to_string(e->phase));
		save_entry(m);
	} else if ((fl & DOM0D_CHANGED) && !m->save_due_us) {
		m->save_due_us = now_us() + (uint64_t)d->o.save_ms * 1000;
		arm(m);
	}
	if (fl & DOM0D_VALIDATE)
		validate_publish(m);
	prom_touch(d);
}

/*
 * Reading a guest's report.
 */
static void
read_dom(struct dom *m)
{
	struct dom0d *d = m->d;
	struct guest_report *rep;
	struct dom0d_facts f;
	const char *node = NULL;
	char name[DOM0D_NAME_MAX + 1];
	uint64_t now = now_us();
	int r;

	m->read_due_us = 0;
	m->next_read_us = now + (uint64_t)d->o.debounce_ms * 1000;
	if (!d->xs)
		return;
	d->c.reads++;
	rep = malloc(sizeof(*rep));
	if (!rep)
		return;
	r = dom0d_xs_read_report(d->xs, m->hv.domid, &d->scratch, rep, &node);
	if (r == -ENOTCONN) {
		free(rep);
		lost(d);
		return;
	}
	if (r == -EAGAIN) {
		free(rep);
		want_read(m);	/* after the debounce */
		return;
	}
	if (r == -ENOENT) {
		free(rep);
		check_published(m);
		return;
	}
	if (r < 0) {
		free(rep);
		if (node || r == -EPROTO || r == -ENOKEY || r == -ENOTUNIQ ||
		    r == -EBADMSG) {
			d->c.rejected++;
			prom_touch(d);
			warn_dom(m, WARN_REPORT, "invalid report (%s%s%s), "
			    "ignoring", node ? node : "", node ? ": " : "",
			    xsschema_strerror(r));
		} else {
			warn_dom(m, WARN_REPORT, "cannot read its report: %s",
			    strerror(-r));
		}
		check_published(m);
		return;
	}
	d->c.reports++;
	m->reported = true;
	if (!m->entry) {
		m->entry = entry_new(m);
		if (!m->entry) {
			free(rep);
			return;
		}
		read_name(m, name, sizeof(name));
		xh_strlcpy(m->entry->name, name, sizeof(m->entry->name));
	}
	f.dom = &m->hv;
	f.host = d->has_host ? &d->host : NULL;
	f.gnttab = hv_gnttab_version(d->hv, m->hv.domid);
	f.now = wall();
	handle_flags(m, dom0d_ingest_report(m->entry, rep, &f));
	free(rep);
	check_published(m);
}

static void
on_dom_timer(evutil_socket_t fd, short what, void *arg)
{
	struct dom *m = arg;
	uint64_t now = now_us();

	(void)fd;
	(void)what;
	if (m->throttle_end_us && now >= m->throttle_end_us)
		unthrottle(m);
	if (m->save_due_us && now >= m->save_due_us)
		save_entry(m);
	if (m->read_due_us && now >= m->read_due_us) {
		m->verify_due_us = 0;	/* the read verifies too */
		read_dom(m);
	}
	if (m->verify_due_us && now >= m->verify_due_us) {
		m->verify_due_us = 0;
		check_published(m);
	}
	if (m->poll_due_us && now >= m->poll_due_us) {
		m->poll_due_us = 0;
		validate_publish(m);
	}
	arm(m);
}

/*
 * Domains appear, change and go.
 */
static struct dom *
dom_new(struct dom0d *d, const struct hv_domain *h)
{
	struct dom *m;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->d = d;
	m->hv = *h;
	m->timer = evtimer_new(d->base, on_dom_timer, m);
	if (!m->timer) {
		free(m);
		return NULL;
	}
	m->created_us = now_us();
	m->bucket_us = m->created_us;
	m->tokens = (uint64_t)d->o.event_burst * 1000;
	d->by_id[h->domid] = m;
	TAILQ_INSERT_TAIL(&d->doms, m, link);
	d->ndoms++;
	d->c.created++;
	update_mem(d);
	return m;
}

static void
dom_free(struct dom *m)
{
	struct dom0d *d = m->d;

	if (m->save_due_us)
		save_entry(m);
	unwatch_dom(m, true, true);
	event_free(m->timer);
	d->by_id[m->hv.domid] = NULL;
	TAILQ_REMOVE(&d->doms, m, link);
	d->ndoms--;
	entry_free(m);
	free(m);
	update_mem(d);
}

static void
on_shutdown(struct dom *m, unsigned int reason)
{
	const char *s = hv_shutdown_to_string(reason);

	log_debug("domain %" PRIu32 ": shut down (%s)", m->hv.domid,
	    s ? s : "other");
	if (m->entry)
		handle_flags(m, dom0d_ingest_shutdown(m->entry, reason,
		    wall()));
}

static void
created(struct dom0d *d, const struct hv_domain *h)
{
	struct dom *m = dom_new(d, h), *other;
	char name[DOM0D_NAME_MAX + 1];

	if (!m) {
		log_error("domain %" PRIu32 ": out of memory, not tracked",
		    h->domid);
		return;
	}
	(void)watch_dom(m);	/* fires once: the first read */
	TAILQ_FOREACH(other, &d->doms, link) {
		if (other == m || !other->entry ||
		    memcmp(other->entry->uuid, h->uuid, 16) != 0)
			continue;
		/* The same UUID still listed (dying): the entry moves. */
		if (other->save_due_us)
			save_entry(other);
		m->entry = other->entry;
		other->entry = NULL;
		break;
	}
	if (!m->entry)
		load_entry(m);
	if (m->entry) {
		read_name(m, name, sizeof(name));
		if (name[0] && !streq(name, m->entry->name)) {
			xh_strlcpy(m->entry->name, name,
			    sizeof(m->entry->name));
			m->save_due_us = now_us() +
			    (uint64_t)d->o.save_ms * 1000;
		}
		handle_flags(m, dom0d_ingest_created(m->entry, h, wall()));
	}
	if (h->flags & HV_DOM_SHUTDOWN) {
		m->shutdown_noted = true;
		on_shutdown(m, h->shutdown_reason);
	}
	arm(m);
}

static void
gone(struct dom *m)
{
	log_debug("domain %" PRIu32 ": gone", m->hv.domid);
	m->d->c.released++;
	if (m->entry)
		handle_flags(m, dom0d_ingest_gone(m->entry, wall()));
	dom_free(m);
}

static void
changed(struct dom *m, const struct hv_domain *h)
{
	bool was_down = m->shutdown_noted;

	m->hv = *h;
	if ((h->flags & HV_DOM_SHUTDOWN) && !was_down) {
		m->shutdown_noted = true;
		on_shutdown(m, h->shutdown_reason);
	} else if (!(h->flags & HV_DOM_SHUTDOWN) && was_down) {
		/* Shut down, then running again: a soft reset completed. */
		m->shutdown_noted = false;
		rebuilt(m);
	}
}

static int
domid_cmp(const void *key, const void *elem)
{
	uint32_t id = *(const uint32_t *)key;
	const struct hv_domain *h = elem;

	return id < h->domid ? -1 : id > h->domid;
}

static void
rescan_now(struct dom0d *d)
{
	struct hv_domain *list = NULL;
	struct dom *m, *next;
	int n, i, r;

	d->c.rescans++;
	r = hv_host(d->hv, &d->host);
	if (r < 0)
		log_warning_errno(r, "cannot read the host's Xen facts: %m");
	else
		d->has_host = true;
	n = hv_list_all(d->hv, HV_DOMID_LIMIT, &list);
	if (n < 0) {
		log_warning_errno(n, "cannot list domains, keeping the last "
		    "list: %m");
		return;
	}
	/* Gone first (or replaced under the same id): their entries are
	 * saved before a new domain with the same UUID loads its own. */
	for (m = TAILQ_FIRST(&d->doms); m; m = next) {
		const struct hv_domain *h;

		next = TAILQ_NEXT(m, link);
		h = bsearch(&m->hv.domid, list, (size_t)n, sizeof(*list),
		    domid_cmp);
		if (!h || memcmp(h->uuid, m->hv.uuid, 16) != 0)
			gone(m);
	}
	for (i = 0; i < n; i++) {
		const struct hv_domain *h = &list[i];

		if (h->domid >= HV_DOMID_LIMIT ||
		    (d->self_known && h->domid == d->self) ||
		    (i > 0 && h->domid <= list[i - 1].domid))
			continue;
		m = d->by_id[h->domid];
		if (!m)
			created(d, h);
		else
			changed(m, h);
	}
	/* Retry what could not be published; host facts may have moved
	 * under a resuming domain (SIGHUP, a new fixture). */
	TAILQ_FOREACH(m, &d->doms, link)
		if (m->entry && (m->publish_wanted ||
		    m->entry->phase == PHASE_RESUMING))
			validate_publish(m);
	free(list);
	notify_status(d);
}

static void
on_rescan(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	rescan_now(arg);
}

void
dom0d_rescan(struct dom0d *d)
{
	struct timeval tv = { 0, 0 };

	if (d->rescan_ev && !evtimer_pending(d->rescan_ev, NULL))
		evtimer_add(d->rescan_ev, &tv);
}

/*
 * Xenstore.
 */
static void
handle_token(struct dom0d *d, const char *token)
{
	unsigned long long id;
	struct dom *m;
	uint64_t now;

	if (streq(token, "@i") || streq(token, "@r")) {
		d->c.special_events++;
		dom0d_rescan(d);
		return;
	}
	if ((token[0] != 'd' && token[0] != 'v') ||
	    xh_parse_u64(token + 1, 10, &id) < 0 || id >= HV_DOMID_LIMIT ||
	    !(m = d->by_id[id])) {
		d->c.dropped_events++;
		return;
	}
	if (token[0] == 'v') {
		/* Only dom0d writes there: our own publication, or the
		 * directory removed. One cheap read tells which. */
		d->c.events++;
		if (m->published && !m->verify_due_us) {
			m->verify_due_us = now_us() +
			    (uint64_t)d->o.debounce_ms * 1000;
			arm(m);
		}
		return;
	}
	if (m->throttle_end_us || !m->watched) {
		d->c.dropped_events++;	/* queued before the unwatch */
		return;
	}
	d->c.events++;
	now = now_us();
	if (!take_token(m, now)) {
		throttle(m, now);
		return;
	}
	want_read(m);
}

static void
on_xs(evutil_socket_t fd, short what, void *arg)
{
	struct dom0d *d = arg;
	char path[256], token[TOKEN_MAX];
	int i, r;

	(void)fd;
	(void)what;
	for (i = 0; i < XS_BATCH && d->xs; i++) {
		r = xsc_read_watch(d->xs, path, sizeof(path), token,
		    sizeof(token));
		if (r == 0)
			return;
		if (r < 0) {
			lost(d);
			return;
		}
		handle_token(d, token);
	}
}

static int
read_self(struct dom0d *d)
{
	char buf[16];
	unsigned long long v;
	int r;

	if (d->o.self_domid >= 0) {
		d->self = (uint32_t)d->o.self_domid;
		d->self_known = true;
		return 0;
	}
	r = xsc_read(d->xs, XS_NO_TX, "domid", buf, sizeof(buf));
	if (r >= 0 && xh_parse_u64(buf, 10, &v) == 0 &&
	    v < HV_DOMID_LIMIT) {
		d->self = (uint32_t)v;
		d->self_known = true;
		return 0;
	}
	if (r == -ENOTCONN)
		return r;
	d->self = 0;
	d->self_known = true;
	return 0;
}

static int
xs_connect(struct dom0d *d)
{
	struct dom *m;
	int r, fd;

	r = xsc_open(&d->xs);
	if (r < 0)
		return r;
	if ((r = read_self(d)) < 0 ||
	    (r = xsc_watch(d->xs, "@introduceDomain", "@i")) < 0 ||
	    (r = xsc_watch(d->xs, "@releaseDomain", "@r")) < 0 ||
	    (r = fd = xsc_fd(d->xs)) < 0)
		goto fail;
	d->xs_ev = event_new(d->base, fd, EV_READ | EV_PERSIST, on_xs, d);
	/* Watch events first: timers (reads, polls) wait while any are
	 * queued, so a slow xenstored never backs events up. */
	if (d->xs_ev && d->priorities)
		event_priority_set(d->xs_ev, 0);
	if (!d->xs_ev || event_add(d->xs_ev, NULL) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	TAILQ_FOREACH(m, &d->doms, link) {
		m->watched = m->vwatched = false;
		if (!m->throttle_end_us)
			(void)watch_dom(m);
		if (m->published)
			vwatch_dom(m);
	}
	return 0;
fail:
	if (d->xs_ev) {
		event_free(d->xs_ev);
		d->xs_ev = NULL;
	}
	xsc_close(d->xs);
	d->xs = NULL;
	return r;
}

static void
on_reconnect(evutil_socket_t fd, short what, void *arg)
{
	struct dom0d *d = arg;
	struct timeval tv;
	struct dom *m;
	int r;

	(void)fd;
	(void)what;
	r = xs_connect(d);
	if (r < 0) {
		log_debug_errno(r, "xenstored still unreachable: %m");
		d->reconnect_ms = d->reconnect_ms * 2 > RECONNECT_MAX_MS ?
		    RECONNECT_MAX_MS : d->reconnect_ms * 2;
		tv = tv_us((uint64_t)d->reconnect_ms * 1000);
		evtimer_add(d->reconnect_ev, &tv);
		return;
	}
	d->c.reconnects++;
	log_notice("reconnected to xenstored");
	rescan_now(d);
	TAILQ_FOREACH(m, &d->doms, link)
		want_read(m);	/* re-read reports, verify verdicts */
}

static void
lost(struct dom0d *d)
{
	struct timeval tv;

	if (!d->xs)
		return;
	log_warning("lost the connection to xenstored, reconnecting");
	if (d->xs_ev) {
		event_free(d->xs_ev);
		d->xs_ev = NULL;
	}
	xsc_close(d->xs);
	d->xs = NULL;
	if (d->stopping)
		return;
	d->reconnect_ms = RECONNECT_MIN_MS;
	tv = tv_us((uint64_t)d->reconnect_ms * 1000);
	evtimer_add(d->reconnect_ev, &tv);
}

/*
 * Periodic work, Prometheus, watchdog, signals.
 */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct dom0d *d = arg;
	char buf[64];

	(void)fd;
	(void)what;
	/* xenstored's liveness: a lost connection shows on a request. */
	if (d->xs && xsc_domain_path(d->xs, d->self, buf, sizeof(buf)) ==
	    -ENOTCONN)
		lost(d);
	rescan_now(d);
}

struct prom_collect {
	struct dom0d_entry *e;
	size_t n, cap;
};

static int
prom_cb(const struct dom0d_entry *e, void *userdata)
{
	struct prom_collect *pc = userdata;

	if (pc->n == pc->cap) {
		size_t cap = pc->cap ? pc->cap * 2 : 64;
		struct dom0d_entry *g = realloc(pc->e, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		pc->e = g;
		pc->cap = cap;
	}
	pc->e[pc->n++] = *e;
	return 0;
}

static void
prom_write(struct dom0d *d)
{
	struct prom_collect pc = { 0 };
	struct dom0d_prom_row *rows = NULL;
	size_t i;
	int r;

	d->prom_dirty = false;
	d->prom_last_us = now_us();
	r = dom0d_store_foreach(d->store, prom_cb, NULL, &pc);
	if (r < 0 && r != -E2BIG)
		goto out;
	rows = calloc(pc.n ? pc.n : 1, sizeof(*rows));
	if (!rows) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < pc.n; i++)
		rows[i].e = &pc.e[i];
	r = dom0d_prom_write(d->o.prometheus, rows, pc.n, NULL, &d->c,
	    wall());
out:
	if (r < 0)
		log_warning_errno(r, "cannot write %s: %m", d->o.prometheus);
	free(rows);
	free(pc.e);
}

static void
on_prom(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	prom_write(arg);
}

static void
prom_touch(struct dom0d *d)
{
	uint64_t now, due;
	struct timeval tv;

	if (!d->o.prometheus || !d->prom_ev || !d->started)
		return;
	d->prom_dirty = true;
	if (evtimer_pending(d->prom_ev, NULL))
		return;
	now = now_us();
	due = d->prom_last_us + (uint64_t)d->o.prometheus_ms * 1000;
	tv = tv_us(due > now ? due - now : 0);
	evtimer_add(d->prom_ev, &tv);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	struct dom0d *d = arg;

	(void)fd;
	(void)what;
	notify(d, "WATCHDOG=1");
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct dom0d *d = arg;
	int r;

	(void)what;
	switch (sig) {
	case SIGHUP:
		log_info("SIGHUP: reloading the hypervisor view, "
		    "rescanning");
		r = hv_reload(d->hv);
		if (r < 0)
			log_warning_errno(r, "reload failed, keeping the last "
			    "view: %m");
		rescan_now(d);
		break;
	default:
		log_info("signal %d: stopping", (int)sig);
		dom0d_stop(d);
		break;
	}
}

int
dom0d_new(struct event_base *base, struct hv *hv, const struct dom0d_opts *o,
    struct dom0d **ret)
{
	struct dom0d *d;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->base = base;
	d->hv = hv;
	d->o = *o;
	/* Two priorities (0: xenstore events, 1: the rest), if the caller's
	 * base has no active events yet. */
	d->priorities = event_base_priority_init(base, 2) == 0;
	if (d->o.debounce_ms == 0)
		d->o.debounce_ms = 1;
	if (d->o.event_burst == 0)
		d->o.event_burst = 1;
	TAILQ_INIT(&d->doms);
	d->by_id = calloc(HV_DOMID_LIMIT, sizeof(*d->by_id));
	d->rescan_ev = evtimer_new(base, on_rescan, d);
	d->tick_ev = event_new(base, -1, EV_PERSIST, on_tick, d);
	d->reconnect_ev = evtimer_new(base, on_reconnect, d);
	d->prom_ev = evtimer_new(base, on_prom, d);
	d->watchdog_ev = event_new(base, -1, EV_PERSIST, on_watchdog, d);
	if (!d->by_id || !d->rescan_ev || !d->tick_ev || !d->reconnect_ev ||
	    !d->prom_ev || !d->watchdog_ev) {
		dom0d_free(d);
		return -ENOMEM;
	}
	*ret = d;
	return 0;
}

int
dom0d_start(struct dom0d *d)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct timeval tv;
	size_t i;
	int r;

	r = dom0d_store_open(d->o.state_dir, true, &d->store);
	if (r < 0)
		return log_error_errno(r, "cannot open %s/%s: %m",
		    d->o.state_dir, DOM0D_DOMAINS_SUBDIR);
	if (d->o.match_name)
		(void)dom0d_store_foreach(d->store, pidx_cb, store_bad, d);
	r = xs_connect(d);
	if (r < 0)
		return log_error_errno(r, "cannot connect to xenstored: %m");
	log_info("dom0d %s: domain %" PRIu32 ", hypervisor seam %s, state %s",
	    PACKAGE_VERSION, d->self, d->hv->ops->name, d->o.state_dir);
	d->started = true;
	rescan_now(d);
	if (!d->has_host)
		log_warning("no Xen facts yet: verdicts wait for them");
	tv = tv_us((uint64_t)(d->o.rescan_ms ? d->o.rescan_ms : 30000) * 1000);
	event_add(d->tick_ev, &tv);
	if (d->o.notify && sd_watchdog_enabled(0, &d->watchdog_usec) > 0 &&
	    d->watchdog_usec > 0) {
		tv = tv_us(d->watchdog_usec / 2);
		event_add(d->watchdog_ev, &tv);
	}
	if (d->o.signals)
		for (i = 0; i < ARRAY_SIZE(sigs); i++) {
			d->sig[i] = evsignal_new(d->base, sigs[i], on_signal,
			    d);
			if (d->sig[i])
				evsignal_add(d->sig[i], NULL);
		}
	if (d->o.prometheus) {
		d->prom_dirty = true;
		prom_write(d);
	}
	notify(d, "READY=1");
	notify_status(d);
	return 0;
}

int
dom0d_run(struct dom0d *d)
{
	int r = event_base_dispatch(d->base);

	return r < 0 ? -EIO : 0;
}

void
dom0d_stop(struct dom0d *d)
{
	struct dom *m;

	if (d->stopping)
		return;
	d->stopping = true;
	notify(d, "STOPPING=1");
	TAILQ_FOREACH(m, &d->doms, link)
		if (m->save_due_us)
			save_entry(m);
	if (d->o.prometheus && d->prom_dirty && d->store)
		prom_write(d);
	event_base_loopbreak(d->base);
}

void
dom0d_free(struct dom0d *d)
{
	struct dom *m;
	size_t i;

	if (!d)
		return;
	d->stopping = true;
	while ((m = TAILQ_FIRST(&d->doms)))
		dom_free(m);
	for (i = 0; i < ARRAY_SIZE(d->sig); i++)
		if (d->sig[i])
			event_free(d->sig[i]);
	if (d->xs_ev)
		event_free(d->xs_ev);
	if (d->rescan_ev)
		event_free(d->rescan_ev);
	if (d->tick_ev)
		event_free(d->tick_ev);
	if (d->reconnect_ev)
		event_free(d->reconnect_ev);
	if (d->prom_ev)
		event_free(d->prom_ev);
	if (d->watchdog_ev)
		event_free(d->watchdog_ev);
	xsc_close(d->xs);
	dom0d_store_close(d->store);
	free(d->by_id);
	free(d->pidx);
	free(d);
}

const struct dom0d_counters *
dom0d_counters(struct dom0d *d)
{
	update_mem(d);
	return &d->c;
}

const struct dom0d_entry *
dom0d_entry_of(struct dom0d *d, uint32_t domid)
{
	if (domid >= HV_DOMID_LIMIT || !d->by_id[domid])
		return NULL;
	return d->by_id[domid]->entry;
}
