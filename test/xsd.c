// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xsd: the xenstored test double (test/xsd.h). One poll() loop serves
 * any number of wire-protocol clients and control clients.
 *
 * What it models, after C xenstored (tools/xenstored, docs/misc/
 * xenstore.txt):
 * - paths: absolute, or relative to /local/domain/<domid> of the
 *   connection; xenstored's charset and length limits; "@..." only for
 *   watches.
 * - permissions: the first entry is the owner (full access) and the
 *   default for domains not listed; dom0 bypasses them; a new node
 *   inherits its parent's entries and an unprivileged creator owns it;
 *   a missing node under an unreadable parent is EACCES, not ENOENT;
 *   only the owner may set permissions and only dom0 may change owner.
 * - transactions: a private copy of the tree; at the end every node the
 *   transaction looked at or changed must still have the generation it
 *   saw, else EAGAIN; then its changes are replayed on the live tree.
 * - watches: fire once when set, then on every change at or below the
 *   watched path (an RM also fires watches below the removed node), only
 *   to connections that may read the node; a relative watch gets
 *   relative event paths. @introduceDomain/@releaseDomain go to dom0.
 * - a request whose payload announces more than 4096 bytes closes the
 *   connection, as xenstored does.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "xsd.h"

#define HDR_SIZE sizeof(struct xsd_sockmsg)
#define TYPE_MAX 32		/* refusal table: message types 0..31 */
#define DOMID_MAX 65535
#define DOMID_SELF_ID 0x7FF0
#define NODES_MAX 65536		/* live nodes: ENOSPC beyond */
#define WATCHES_MAX 128		/* per guest connection: E2BIG beyond */
#define TX_MAX 16		/* per connection: ENOSPC beyond */
#define PERMS_MAX 64
#define PATH_BUF (XENSTORE_ABS_PATH_MAX + 1)
#define REFUSE_DROP (-1)	/* "refuse OP DROP": close the connection */

#define PERM_NONE 0u
#define PERM_READ 1u
#define PERM_WRITE 2u
#define PERM_OWNER 8u
#define PERM_ALL (PERM_READ | PERM_WRITE | PERM_OWNER)

struct perm {
	unsigned int id;
	unsigned int type;	/* PERM_READ | PERM_WRITE */
};

struct node {
	char *name;		/* one component; "" for the root */
	struct node *parent, *child, *next;	/* children in creation order */
	char *value;
	size_t vlen;
	struct perm *perms;
	size_t nperms;
	uint64_t gen;		/* last change of value, perms or children */
};

struct msg {
	struct msg *next;
	uint64_t due;		/* monotonic ms: not sent before */
	size_t len, off;
	char data[];
};

struct msgq {
	struct msg *head, *tail;
	size_t n;
};

struct watch {
	struct watch *next;
	char *abs;		/* absolute path or "@special" */
	char *token;
	bool relative;		/* events lose the /local/domain/<id>/ prefix */
};

/* A node a transaction looked at, with the generation it saw (0: none). */
struct note {
	struct note *next;
	char *path;
	uint64_t gen;
};

enum txop_type { TXOP_WRITE, TXOP_MKDIR, TXOP_RM, TXOP_PERMS };

struct txop {
	struct txop *next;
	enum txop_type type;
	char *path;
	char *value;
	size_t vlen;
	struct perm *perms;
	size_t nperms;
};

struct tx {
	struct tx *next;
	uint32_t id;
	struct node *root;
	struct note *notes;
	struct txop *ops, **ops_tail;
};

enum conn_kind { CONN_CLIENT, CONN_CONTROL };

struct conn {
	struct conn *next;
	enum conn_kind kind;
	int fd;
	unsigned int domid;	/* 0: dom0, privileged */
	bool dead;		/* close at the end of this round */
	struct msgq out;	/* replies, events; or reply lines (control) */
	struct msgq held;	/* watch events held back (hold-watches on) */
	struct watch *watches;
	size_t nwatches;
	struct tx *txs;
	size_t ntx;
	size_t inlen;
	char *in;		/* header + payload, or a control line */
};

struct listener {
	struct listener *next;
	int fd;
	char *path;
	bool control;
	unsigned int domid;
};

struct refusal {
	int err;		/* 0 none, errno, or REFUSE_DROP */
	long count;		/* left; -1 forever */
};

struct xsd {
	struct node *root;
	size_t nnodes;
	uint64_t gen;
	uint32_t next_tx;
	struct listener *listeners;
	struct conn *conns;
	struct conn ctl;	/* what control commands act as: dom0 */
	bool introduced[DOMID_MAX + 1];
	struct refusal refuse[TYPE_MAX];
	unsigned int delay_ms;
	bool hold;
	bool quit;
	bool keep_sockets;	/* do not unlink (a forked parent) */
	struct {
		uint64_t requests, connections, events, dropped, refused;
	} st;
};

/* A view of a tree: the live one (tx NULL) or a transaction's copy. */
struct view {
	struct xsd *d;
	struct tx *tx;
	struct node *root;
};

/* A growing text buffer for control replies. */
struct sb {
	char *p;
	size_t len, cap;
};

static const char *const type_names[] = {
	[XS_CONTROL] = "CONTROL",
	[XS_DIRECTORY] = "DIRECTORY",
	[XS_READ] = "READ",
	[XS_GET_PERMS] = "GET_PERMS",
	[XS_WATCH] = "WATCH",
	[XS_UNWATCH] = "UNWATCH",
	[XS_TRANSACTION_START] = "TRANSACTION_START",
	[XS_TRANSACTION_END] = "TRANSACTION_END",
	[XS_INTRODUCE] = "INTRODUCE",
	[XS_RELEASE] = "RELEASE",
	[XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH",
	[XS_WRITE] = "WRITE",
	[XS_MKDIR] = "MKDIR",
	[XS_RM] = "RM",
	[XS_SET_PERMS] = "SET_PERMS",
	[XS_WATCH_EVENT] = "WATCH_EVENT",
	[XS_ERROR] = "ERROR",
	[XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
	[XS_RESUME] = "RESUME",
	[XS_SET_TARGET] = "SET_TARGET",
	[XS_RESET_WATCHES] = "RESET_WATCHES",
	[XS_DIRECTORY_PART] = "DIRECTORY_PART",
};
#define N_TYPE_NAMES (sizeof(type_names) / sizeof(type_names[0]))

/*
 * Small helpers.
 */

static void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

static char *
xmemdup(const void *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
sb_mem(struct sb *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *q;

		while (cap < b->len + n + 1)
			cap *= 2;
		q = realloc(b->p, cap);
		if (!q)
			abort();
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_mem(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void
sb_escaped(struct sb *b, const char *s, size_t n)
{
	size_t need = xsd_escape(s, n, NULL, 0);
	char *tmp = xmalloc(need + 1);

	xsd_escape(s, n, tmp, need + 1);
	sb_mem(b, tmp, need);
	free(tmp);
}

static const char *
errname(int err)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

static int
errnum(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (strcmp(xsd_errors[i].errstring, name) == 0)
			return xsd_errors[i].errnum;
	return 0;
}

static int
type_from_name(const char *s)
{
	size_t i;

	for (i = 0; i < N_TYPE_NAMES; i++)
		if (type_names[i] && strcmp(type_names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

/* Strict decimal: digits only, no leading zero, at most max. */
static int
parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	unsigned long x = 0;
	size_t i, n = strlen(s);

	if (n == 0 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (unsigned long)(s[i] - '0');
		if (x > max)
			return -EINVAL;
	}
	*ret = x;
	return 0;
}

static int
parse_domid(const char *s, unsigned int *ret)
{
	unsigned long x;

	if (parse_uint(s, DOMID_MAX, &x) < 0)
		return -EINVAL;
	*ret = (unsigned int)x;
	return 0;
}

/* One permission word: [nrwb]<domid>. */
static int
parse_perm(const char *s, struct perm *p)
{
	static const char letters[] = "nrwb";
	const char *l = s[0] ? strchr(letters, s[0]) : NULL;

	if (!l || parse_domid(s + 1, &p->id) < 0)
		return -EINVAL;
	p->type = (unsigned int)(l - letters);	/* n0 r1 w2 b3 */
	return 0;
}

static char
perm_letter(unsigned int type)
{
	return "nrwb"[type & (PERM_READ | PERM_WRITE)];
}

size_t
xsd_escape(const char *in, size_t len, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char e[4];
		size_t n = 0, k;

		if (c == '\\') {
			e[n++] = '\\';
			e[n++] = '\\';
		} else if (c == '\t' || c == '\n' || c == '\r') {
			e[n++] = '\\';
			e[n++] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
		} else if (c < 0x20 || c > 0x7e) {
			e[n++] = '\\';
			e[n++] = 'x';
			e[n++] = hex[c >> 4];
			e[n++] = hex[c & 15];
		} else {
			e[n++] = (char)c;
		}
		for (k = 0; k < n; k++, o++)
			if (out && o + 1 < outsz)
				out[o] = e[k];
	}
	if (out && outsz > 0)
		out[o < outsz ? o : outsz - 1] = '\0';
	return o;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
xsd_unescape(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	while (*in) {
		char c = *in++;

		if (c == '\\') {
			c = *in++;
			if (c == 't')
				c = '\t';
			else if (c == 'n')
				c = '\n';
			else if (c == 'r')
				c = '\r';
			else if (c == 'x') {
				int h = in[0] ? hexval(in[0]) : -1;
				int l = h >= 0 && in[1] ? hexval(in[1]) : -1;

				if (l < 0)
					return -EINVAL;
				c = (char)(h << 4 | l);
				in += 2;
			} else if (c != '\\')
				return -EINVAL;
		}
		if (o + 1 >= outsz)
			return -ENOBUFS;
		out[o++] = c;
	}
	if (outsz == 0)
		return -ENOBUFS;
	out[o] = '\0';
	return (int)o;
}

/*
 * Messages and queues.
 */

static struct msg *
msg_raw(const void *p, size_t len)
{
	struct msg *m = xmalloc(sizeof(*m) + len);

	m->next = NULL;
	m->due = 0;
	m->len = len;
	m->off = 0;
	memcpy(m->data, p, len);
	return m;
}

static struct msg *
msg_new(uint32_t type, uint32_t req_id, uint32_t tx_id, const void *p,
    size_t len)
{
	struct xsd_sockmsg h = {
		.type = type, .req_id = req_id, .tx_id = tx_id,
		.len = (uint32_t)len,
	};
	struct msg *m = xmalloc(sizeof(*m) + HDR_SIZE + len);

	m->next = NULL;
	m->due = 0;
	m->len = HDR_SIZE + len;
	m->off = 0;
	memcpy(m->data, &h, HDR_SIZE);
	if (len)
		memcpy(m->data + HDR_SIZE, p, len);
	return m;
}

static void
q_push(struct msgq *q, struct msg *m)
{
	m->next = NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->n++;
}

static struct msg *
q_pop(struct msgq *q)
{
	struct msg *m = q->head;

	if (m) {
		q->head = m->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return m;
}

static void
q_free(struct msgq *q)
{
	struct msg *m;

	while ((m = q_pop(q)))
		free(m);
}

static void
send_msg(struct xsd *d, struct conn *c, struct msg *m)
{
	m->due = now_ms() + d->delay_ms;
	q_push(&c->out, m);
}

static void
reply_err(struct xsd *d, struct conn *c, const struct xsd_sockmsg *req,
    int err)
{
	const char *name = errname(err);

	send_msg(d, c, msg_new(XS_ERROR, req->req_id, req->tx_id, name,
	    strlen(name) + 1));
}

static void
reply(struct xsd *d, struct conn *c, const struct xsd_sockmsg *req,
    const void *p, size_t len)
{
	if (len > XENSTORE_PAYLOAD_MAX) {
		reply_err(d, c, req, E2BIG);
		return;
	}
	send_msg(d, c, msg_new(req->type, req->req_id, req->tx_id, p, len));
}

static void
reply_ok(struct xsd *d, struct conn *c, const struct xsd_sockmsg *req)
{
	reply(d, c, req, "OK", 3);
}

/*
 * The tree.
 */

static struct node *
node_new(const char *name, size_t namelen)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->name = xmemdup(name, namelen);
	n->value = xmemdup("", 0);
	return n;
}

static void
set_perms(struct node *n, const struct perm *p, size_t np)
{
	free(n->perms);
	n->perms = xmalloc(np * sizeof(*p));
	memcpy(n->perms, p, np * sizeof(*p));
	n->nperms = np;
}

static size_t
node_free(struct node *n)
{
	size_t count = 1;
	struct node *c, *next;

	for (c = n->child; c; c = next) {
		next = c->next;
		count += node_free(c);
	}
	free(n->name);
	free(n->value);
	free(n->perms);
	free(n);
	return count;
}

static struct node *
node_clone(const struct node *n, struct node *parent)
{
	struct node *m = xcalloc(1, sizeof(*m));
	struct node *c, **tail = &m->child;

	m->name = xstrdup(n->name);
	m->value = xmemdup(n->value, n->vlen);
	m->vlen = n->vlen;
	set_perms(m, n->perms, n->nperms);
	m->gen = n->gen;
	m->parent = parent;
	for (c = n->child; c; c = c->next) {
		*tail = node_clone(c, m);
		tail = &(*tail)->next;
	}
	return m;
}

static struct node *
child_find(const struct node *p, const char *name, size_t len)
{
	struct node *c;

	for (c = p->child; c; c = c->next)
		if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/*
 * The deepest existing node on the way to the canonical path abs;
 * *plen is the length of abs's prefix that names it (1 for the root).
 */
static struct node *
deepest(struct node *root, const char *abs, size_t *plen)
{
	struct node *n = root, *c;
	const char *p = abs + 1;

	*plen = 1;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (!(c = child_find(n, p, len)))
			break;
		n = c;
		*plen = (size_t)(p + len - abs);
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

static struct node *
lookup(struct node *root, const char *abs)
{
	size_t plen;
	struct node *n = deepest(root, abs, &plen);

	return plen == strlen(abs) ? n : NULL;
}

static void
node_path(const struct node *n, struct sb *b)
{
	if (!n->parent) {
		sb_str(b, "/");
		return;
	}
	node_path(n->parent, b);
	if (n->parent->parent)
		sb_str(b, "/");
	sb_str(b, n->name);
}

static unsigned int
perms_for(unsigned int domid, const struct perm *p, size_t np)
{
	size_t i;

	if (domid == 0 || p[0].id == domid)
		return PERM_ALL;
	for (i = 1; i < np; i++)
		if (p[i].id == domid)
			return p[i].type;
	return p[0].type;
}

static unsigned int
perm_for(const struct conn *c, const struct node *n)
{
	return perms_for(c->domid, n->perms, n->nperms);
}

/* ENOENT, or EACCES when the caller may not know (parent unreadable). */
static int
missing(const struct conn *c, struct node *root, const char *abs)
{
	size_t plen;
	struct node *a = deepest(root, abs, &plen);

	return (perm_for(c, a) & PERM_READ) ? -ENOENT : -EACCES;
}

static int
get_node(const struct conn *c, struct node *root, const char *abs,
    unsigned int want, struct node **ret)
{
	struct node *n = lookup(root, abs);

	if (!n)
		return missing(c, root, abs);
	if ((perm_for(c, n) & want) != want)
		return -EACCES;
	*ret = n;
	return 0;
}

static bool
valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	    c == '@';
}

/*
 * The canonical absolute path of a request path p (relative paths are
 * below /local/domain/<domid>), into out (PATH_BUF bytes). "@..." only
 * when special_ok. -EINVAL.
 */
static int
canon(unsigned int domid, const char *p, char *out, bool special_ok)
{
	size_t i, n = strlen(p);

	if (p[0] == '@') {
		if (!special_ok || n > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		memcpy(out, p, n + 1);
	} else if (p[0] == '/') {
		if (n > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
		memcpy(out, p, n + 1);
	} else {
		int w;

		if (n == 0 || n > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		w = snprintf(out, PATH_BUF, "/local/domain/%u/%s", domid, p);
		if (w < 0 || w > XENSTORE_ABS_PATH_MAX)
			return -EINVAL;
	}
	n = strlen(out);
	for (i = 0; i < n; i++) {
		if (!valid_char(out[i]))
			return -EINVAL;
		if (out[i] == '/' && (out[i + 1] == '/' ||
		    (out[i + 1] == '\0' && n > 1)))
			return -EINVAL;
	}
	if (out[0] == '@' && out[1] == '\0')
		return -EINVAL;
	return 0;
}

static bool
subpath(const char *parent, const char *child)
{
	size_t n = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return child[0] == '/';
	return strncmp(parent, child, n) == 0 &&
	    (child[n] == '\0' || child[n] == '/');
}

/*
 * Watches.
 */

static void
queue_event(struct xsd *d, struct conn *c, const struct watch *w,
    const char *path)
{
	char prefix[32];
	size_t plen, tlen = strlen(w->token), len;
	struct msg *m;
	char *p;

	if (w->relative) {
		plen = (size_t)snprintf(prefix, sizeof(prefix),
		    "/local/domain/%u/", c->domid);
		if (strncmp(path, prefix, plen) == 0)
			path += plen;
	}
	len = strlen(path) + 1 + tlen + 1;
	if (len > XENSTORE_PAYLOAD_MAX)
		return;		/* would kill the client: xenstored neither */
	p = xmalloc(len);
	memcpy(p, path, strlen(path) + 1);
	memcpy(p + strlen(path) + 1, w->token, tlen + 1);
	m = msg_new(XS_WATCH_EVENT, 0, 0, p, len);
	free(p);
	d->st.events++;
	if (d->hold)
		q_push(&c->held, m);
	else
		send_msg(d, c, m);
}

/* A change at abs (perms: the node's, before an RM). */
static void
fire(struct xsd *d, const char *abs, const struct perm *p, size_t np,
    bool recurse)
{
	struct conn *c;
	struct watch *w;

	for (c = d->conns; c; c = c->next) {
		if (c->kind != CONN_CLIENT || c->dead)
			continue;
		if (!(perms_for(c->domid, p, np) & PERM_READ))
			continue;
		for (w = c->watches; w; w = w->next) {
			if (w->abs[0] == '@')
				continue;
			if (subpath(w->abs, abs))
				queue_event(d, c, w, abs);
			else if (recurse && subpath(abs, w->abs))
				queue_event(d, c, w, w->abs);
		}
	}
}

static void
fire_special(struct xsd *d, const char *name)
{
	struct conn *c;
	struct watch *w;

	for (c = d->conns; c; c = c->next) {
		if (c->kind != CONN_CLIENT || c->dead || c->domid != 0)
			continue;
		for (w = c->watches; w; w = w->next)
			if (strcmp(w->abs, name) == 0)
				queue_event(d, c, w, name);
	}
}

static void
watch_free(struct watch *w)
{
	free(w->abs);
	free(w->token);
	free(w);
}

/*
 * Transactions.
 */

static void
note(struct tx *t, const char *path, size_t len)
{
	struct note *n;
	struct node *nd;
	char *p = xmemdup(path, len);

	for (n = t->notes; n; n = n->next)
		if (strcmp(n->path, p) == 0) {
			free(p);
			return;
		}
	n = xcalloc(1, sizeof(*n));
	n->path = p;
	nd = lookup(t->root, p);
	n->gen = nd ? nd->gen : 0;
	n->next = t->notes;
	t->notes = n;
}

static void
note_path(struct view *v, const char *abs)
{
	if (v->tx)
		note(v->tx, abs, strlen(abs));
}

static void
log_op(struct view *v, enum txop_type type, const char *abs,
    const char *value, size_t vlen, const struct perm *p, size_t np)
{
	struct txop *op;

	if (!v->tx)
		return;
	op = xcalloc(1, sizeof(*op));
	op->type = type;
	op->path = xstrdup(abs);
	if (value) {
		op->value = xmemdup(value, vlen);
		op->vlen = vlen;
	}
	if (p) {
		op->perms = xmalloc(np * sizeof(*p));
		memcpy(op->perms, p, np * sizeof(*p));
		op->nperms = np;
	}
	*v->tx->ops_tail = op;
	v->tx->ops_tail = &op->next;
}

static void
tx_free(struct tx *t)
{
	struct note *n, *nn;
	struct txop *o, *on;

	for (n = t->notes; n; n = nn) {
		nn = n->next;
		free(n->path);
		free(n);
	}
	for (o = t->ops; o; o = on) {
		on = o->next;
		free(o->path);
		free(o->value);
		free(o->perms);
		free(o);
	}
	node_free(t->root);
	free(t);
}

static struct tx *
tx_find(struct conn *c, uint32_t id)
{
	struct tx *t;

	for (t = c->txs; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

static void
tx_remove(struct conn *c, struct tx *t)
{
	struct tx **pp;

	for (pp = &c->txs; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			c->ntx--;
			tx_free(t);
			return;
		}
}

/*
 * Operations on a view. Live changes fire watches; transaction changes
 * are noted and logged for the replay at commit.
 */

static int
op_write(struct view *v, struct conn *c, const char *abs, const char *val,
    size_t vlen, bool mkdir)
{
	struct xsd *d = v->d;
	struct node *n = lookup(v->root, abs), *p;
	size_t plen;
	const char *s;

	if (n) {
		if (!(perm_for(c, n) & PERM_WRITE))
			return -EACCES;
		note_path(v, abs);
		if (mkdir)
			return 0;
		free(n->value);
		n->value = xmemdup(val, vlen);
		n->vlen = vlen;
		n->gen = ++d->gen;
	} else {
		p = deepest(v->root, abs, &plen);
		if (!(perm_for(c, p) & PERM_WRITE))
			return -EACCES;
		if (!v->tx && d->nnodes >= NODES_MAX)
			return -ENOSPC;
		if (v->tx)
			note(v->tx, abs, plen);
		p->gen = ++d->gen;
		s = abs + plen;
		while (*s) {
			const char *e;
			size_t len;
			struct node **tail;

			if (*s == '/')
				s++;
			e = strchr(s, '/');
			len = e ? (size_t)(e - s) : strlen(s);
			/* Seen absent: a later note of it changes nothing. */
			if (v->tx)
				note(v->tx, abs, (size_t)(s + len - abs));
			n = node_new(s, len);
			n->parent = p;
			set_perms(n, p->perms, p->nperms);
			if (c->domid != 0)
				n->perms[0].id = c->domid;
			n->gen = ++d->gen;
			for (tail = &p->child; *tail; tail = &(*tail)->next)
				;
			*tail = n;
			if (!v->tx)
				d->nnodes++;
			p = n;
			s += len;
		}
		if (!mkdir) {
			free(n->value);
			n->value = xmemdup(val, vlen);
			n->vlen = vlen;
		}
	}
	log_op(v, mkdir ? TXOP_MKDIR : TXOP_WRITE, abs, val, vlen, NULL, 0);
	if (!v->tx)
		fire(d, abs, n->perms, n->nperms, false);
	return 0;
}

static int
op_rm(struct view *v, struct conn *c, const char *abs)
{
	struct xsd *d = v->d;
	struct node *n, *parent, **pp;
	const char *slash = strrchr(abs, '/');
	size_t plen = slash == abs ? 1 : (size_t)(slash - abs);
	struct perm saved[PERMS_MAX];
	size_t np, freed;

	if (strcmp(abs, "/") == 0)
		return -EINVAL;
	n = lookup(v->root, abs);
	if (!n) {
		char *pp_path = xmemdup(abs, plen);

		parent = lookup(v->root, pp_path);
		free(pp_path);
		if (!parent)
			return missing(c, v->root, abs);
		if (v->tx) {
			note(v->tx, abs, plen);
			note(v->tx, abs, strlen(abs));
		}
		return 0;
	}
	if (!(perm_for(c, n) & PERM_WRITE))
		return -EACCES;
	if (v->tx) {
		note(v->tx, abs, plen);
		note(v->tx, abs, strlen(abs));
	}
	parent = n->parent;
	for (pp = &parent->child; *pp != n; pp = &(*pp)->next)
		;
	*pp = n->next;
	parent->gen = ++d->gen;
	np = n->nperms < PERMS_MAX ? n->nperms : PERMS_MAX;
	memcpy(saved, n->perms, np * sizeof(*saved));
	freed = node_free(n);
	if (!v->tx)
		d->nnodes -= freed;
	log_op(v, TXOP_RM, abs, NULL, 0, NULL, 0);
	if (!v->tx)
		fire(d, abs, saved, np, true);
	return 0;
}

static int
op_set_perms(struct view *v, struct conn *c, const char *abs,
    const struct perm *p, size_t np)
{
	struct node *n = lookup(v->root, abs);

	if (!n)
		return missing(c, v->root, abs);
	if (!(perm_for(c, n) & PERM_OWNER))
		return -EACCES;
	if (c->domid != 0 && p[0].id != n->perms[0].id)
		return -EPERM;
	note_path(v, abs);
	set_perms(n, p, np);
	n->gen = ++v->d->gen;
	log_op(v, TXOP_PERMS, abs, NULL, 0, p, np);
	if (!v->tx)
		fire(v->d, abs, n->perms, n->nperms, false);
	return 0;
}

/* Commit t: -EAGAIN when anything it looked at changed since. */
static int
tx_commit(struct xsd *d, struct conn *c, struct tx *t)
{
	struct view live = { .d = d, .root = d->root };
	struct note *n;
	struct txop *o;

	for (n = t->notes; n; n = n->next) {
		struct node *nd = lookup(d->root, n->path);

		if ((nd ? nd->gen : 0) != n->gen)
			return -EAGAIN;
	}
	for (o = t->ops; o; o = o->next) {
		switch (o->type) {
		case TXOP_WRITE:
		case TXOP_MKDIR:
			op_write(&live, c, o->path, o->value, o->vlen,
			    o->type == TXOP_MKDIR);
			break;
		case TXOP_RM:
			op_rm(&live, c, o->path);
			break;
		case TXOP_PERMS:
			op_set_perms(&live, c, o->path, o->perms, o->nperms);
			break;
		}
	}
	return 0;
}

/*
 * Domains.
 */

static void
ctl_write(struct xsd *d, const char *abs, const char *value,
    const char *perms)
{
	struct view live = { .d = d, .root = d->root };
	struct perm p[4];
	size_t np = 0;
	char buf[64], *save = NULL, *w;

	op_write(&live, &d->ctl, abs, value, strlen(value), false);
	if (!perms)
		return;
	snprintf(buf, sizeof(buf), "%s", perms);
	for (w = strtok_r(buf, " ", &save); w && np < 4;
	    w = strtok_r(NULL, " ", &save))
		if (parse_perm(w, &p[np]) == 0)
			np++;
	if (np)
		op_set_perms(&live, &d->ctl, abs, p, np);
}

/* The layout libxl__domain_make() and the build leave behind. */
static void
build_domain(struct xsd *d, unsigned int domid)
{
	static const char *const rw[] = {
		"data", "drivers", "feature", "attr", "error",
		"control/shutdown",
	};
	char path[128], vm[96], val[64], ro[32], own[16];
	size_t i;

	snprintf(ro, sizeof(ro), "n0 r%u", domid);
	snprintf(own, sizeof(own), "n%u", domid);
	snprintf(vm, sizeof(vm), "/vm/00000000-0000-0000-0000-%012x", domid);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	ctl_write(d, path, "", ro);
	ctl_write(d, vm, "", ro);
	snprintf(path, sizeof(path), "%s/uuid", vm);
	ctl_write(d, path, vm + 4, NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	ctl_write(d, path, vm, NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	snprintf(val, sizeof(val), "guest%u", domid);
	ctl_write(d, path, val, NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/domid", domid);
	snprintf(val, sizeof(val), "%u", domid);
	ctl_write(d, path, val, NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/control", domid);
	ctl_write(d, path, "", NULL);
	snprintf(path, sizeof(path), "/local/domain/%u/device", domid);
	ctl_write(d, path, "", NULL);
	for (i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		snprintf(path, sizeof(path), "/local/domain/%u/%s", domid,
		    rw[i]);
		ctl_write(d, path, "", own);
	}
}

static int
domain_exists(struct xsd *d, unsigned int domid)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	return lookup(d->root, path) != NULL;
}

static void
introduce(struct xsd *d, unsigned int domid)
{
	if (!domain_exists(d, domid))
		build_domain(d, domid);
	d->introduced[domid] = true;
	fire_special(d, "@introduceDomain");
}

/* Collect the topmost nodes owned by domid. */
static void
owned(struct node *n, unsigned int domid, struct sb *paths, size_t *count)
{
	struct node *c;

	if (n->parent && n->perms[0].id == domid) {
		node_path(n, paths);
		sb_mem(paths, "", 1);
		(*count)++;
		return;
	}
	for (c = n->child; c; c = c->next)
		owned(c, domid, paths, count);
}

/*
 * xenstored's RELEASE: drop the domain's connections and every node it
 * owns (as without -K), then @releaseDomain.
 */
static void
release(struct xsd *d, unsigned int domid)
{
	struct view live = { .d = d, .root = d->root };
	struct sb paths = { 0 };
	struct conn *c;
	size_t count = 0, i, off = 0;

	for (c = d->conns; c; c = c->next)
		if (c->kind == CONN_CLIENT && c->domid == domid && domid != 0)
			c->dead = true;
	if (domid != 0) {
		owned(d->root, domid, &paths, &count);
		for (i = 0; i < count; i++) {
			const char *p = paths.p + off;

			op_rm(&live, &d->ctl, p);
			off += strlen(p) + 1;
		}
		d->introduced[domid] = false;
	}
	free(paths.p);
	fire_special(d, "@releaseDomain");
}

/* xen.md 4.3/7.3: what dom0 sees of a soft reset, in order. */
static void
soft_reset(struct xsd *d, unsigned int domid)
{
	struct view live = { .d = d, .root = d->root };
	char path[96];

	fire_special(d, "@releaseDomain");	/* shutdown (soft_reset) */
	release(d, domid);			/* libxl xs_release_domain */
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	op_rm(&live, &d->ctl, path);
	snprintf(path, sizeof(path), "/vm/00000000-0000-0000-0000-%012x",
	    domid);
	op_rm(&live, &d->ctl, path);
	build_domain(d, domid);
	introduce(d, domid);
}

/*
 * Wire requests.
 */

/* The NUL-terminated strings of a payload; -EINVAL if not all are. */
static int
split(const char *p, size_t len, const char **argv, int max)
{
	size_t i = 0;
	int n = 0;

	if (len == 0 || p[len - 1] != '\0')
		return -EINVAL;
	while (i < len) {
		if (n == max)
			return -EINVAL;
		argv[n++] = p + i;
		i += strlen(p + i) + 1;
	}
	return n;
}

static void
req_read(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    struct view *v, const char *abs)
{
	struct node *n;
	int r;

	note_path(v, abs);
	if ((r = get_node(c, v->root, abs, PERM_READ, &n)) < 0)
		reply_err(d, c, h, -r);
	else
		reply(d, c, h, n->value, n->vlen);
}

static void
req_directory(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    struct view *v, const char *abs)
{
	struct sb b = { 0 };
	struct node *n, *ch;
	int r;

	note_path(v, abs);
	if ((r = get_node(c, v->root, abs, PERM_READ, &n)) < 0) {
		reply_err(d, c, h, -r);
		return;
	}
	for (ch = n->child; ch; ch = ch->next)
		sb_mem(&b, ch->name, strlen(ch->name) + 1);
	reply(d, c, h, b.p ? b.p : "", b.len);
	free(b.p);
}

/* <path>|<offset>| -> <generation>|<names from offset>|... [|] */
static void
req_directory_part(struct xsd *d, struct conn *c,
    const struct xsd_sockmsg *h, struct view *v, const char *abs,
    const char *offstr)
{
	struct sb all = { 0 }, out = { 0 };
	struct node *n, *ch;
	unsigned long off;
	char gen[24];
	size_t glen, i;
	int r;

	note_path(v, abs);
	if ((r = get_node(c, v->root, abs, PERM_READ, &n)) < 0) {
		reply_err(d, c, h, -r);
		return;
	}
	if (parse_uint(offstr, UINT32_MAX, &off) < 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	for (ch = n->child; ch; ch = ch->next)
		sb_mem(&all, ch->name, strlen(ch->name) + 1);
	glen = (size_t)snprintf(gen, sizeof(gen), "%" PRIu64, n->gen) + 1;
	sb_mem(&out, gen, glen);
	i = off;
	while (i < all.len) {
		size_t l = strlen(all.p + i) + 1;

		if (out.len + l + 1 > XENSTORE_PAYLOAD_MAX)
			break;
		sb_mem(&out, all.p + i, l);
		i += l;
	}
	if (i >= all.len)
		sb_mem(&out, "", 1);	/* the end: an empty name */
	reply(d, c, h, out.p, out.len);
	free(all.p);
	free(out.p);
}

static void
req_get_perms(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    struct view *v, const char *abs)
{
	struct sb b = { 0 };
	struct node *n;
	size_t i;
	int r;

	note_path(v, abs);
	if ((r = get_node(c, v->root, abs, PERM_READ, &n)) < 0) {
		reply_err(d, c, h, -r);
		return;
	}
	for (i = 0; i < n->nperms; i++) {
		sb_printf(&b, "%c%u", perm_letter(n->perms[i].type),
		    n->perms[i].id);
		sb_mem(&b, "", 1);
	}
	reply(d, c, h, b.p, b.len);
	free(b.p);
}

static void
req_watch(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    const char *path, const char *token, bool add)
{
	char abs[PATH_BUF];
	struct watch *w, **pp;

	if (canon(c->domid, path, abs, true) < 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	for (pp = &c->watches; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->abs, abs) == 0 &&
		    strcmp((*pp)->token, token) == 0)
			break;
	if (!add) {
		if (!*pp) {
			reply_err(d, c, h, ENOENT);
			return;
		}
		w = *pp;
		*pp = w->next;
		watch_free(w);
		c->nwatches--;
		reply_ok(d, c, h);
		return;
	}
	if (*pp) {
		reply_err(d, c, h, EEXIST);
		return;
	}
	/* As xenstored's domain_watch(): the quota binds guests only. */
	if (c->domid != 0 && c->nwatches >= WATCHES_MAX) {
		reply_err(d, c, h, E2BIG);
		return;
	}
	w = xcalloc(1, sizeof(*w));
	w->abs = xstrdup(abs);
	w->token = xstrdup(token);
	w->relative = path[0] != '/' && path[0] != '@';
	*pp = w;
	c->nwatches++;
	reply_ok(d, c, h);
	queue_event(d, c, w, abs);	/* fires once when set */
}

static void
req_tx_start(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h)
{
	struct tx *t;
	char id[16];

	if (h->tx_id != 0) {
		reply_err(d, c, h, EBUSY);
		return;
	}
	if (c->ntx >= TX_MAX) {
		reply_err(d, c, h, ENOSPC);
		return;
	}
	t = xcalloc(1, sizeof(*t));
	if (d->next_tx == 0)
		d->next_tx = 1;
	t->id = d->next_tx++;
	t->root = node_clone(d->root, NULL);
	t->ops_tail = &t->ops;
	t->next = c->txs;
	c->txs = t;
	c->ntx++;
	snprintf(id, sizeof(id), "%" PRIu32, t->id);
	reply(d, c, h, id, strlen(id) + 1);
}

static void
req_tx_end(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    const char *arg)
{
	struct tx *t = tx_find(c, h->tx_id);
	int r = 0;

	if (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	if (!t) {
		reply_err(d, c, h, ENOENT);
		return;
	}
	if (arg[0] == 'T')
		r = tx_commit(d, c, t);
	tx_remove(c, t);
	if (r < 0)
		reply_err(d, c, h, -r);
	else
		reply_ok(d, c, h);
}

static void
req_domain(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    const char *arg)
{
	unsigned int domid;
	char path[32];

	if (parse_domid(arg, &domid) < 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	if (domid == DOMID_SELF_ID)
		domid = c->domid;
	if (h->type == XS_GET_DOMAIN_PATH) {
		snprintf(path, sizeof(path), "/local/domain/%u", domid);
		reply(d, c, h, path, strlen(path) + 1);
	} else {
		reply(d, c, h, domid == 0 || d->introduced[domid] ? "T" : "F",
		    2);
	}
}

/* Requests on a node path, optionally inside a transaction. */
static void
req_node(struct xsd *d, struct conn *c, const struct xsd_sockmsg *h,
    const char *p, size_t len)
{
	const char *argv[PERMS_MAX + 1];
	struct view v = { .d = d, .root = d->root };
	char abs[PATH_BUF];
	const char *end;
	int argc = 0, r = 0;

	if (h->tx_id != 0) {
		if (!(v.tx = tx_find(c, h->tx_id))) {
			reply_err(d, c, h, ENOENT);
			return;
		}
		v.root = v.tx->root;
	}
	if (h->type == XS_WRITE) {
		if (!(end = memchr(p, '\0', len))) {
			reply_err(d, c, h, EINVAL);
			return;
		}
		argv[0] = p;
		argc = 1;
	} else if ((argc = split(p, len, argv, PERMS_MAX + 1)) < 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	if (canon(c->domid, argv[0], abs, false) < 0) {
		reply_err(d, c, h, EINVAL);
		return;
	}
	switch (h->type) {
	case XS_READ:
	case XS_DIRECTORY:
	case XS_GET_PERMS:
	case XS_MKDIR:
	case XS_RM:
		if (argc != 1) {
			reply_err(d, c, h, EINVAL);
			return;
		}
		break;
	case XS_DIRECTORY_PART:
		if (argc != 2) {
			reply_err(d, c, h, EINVAL);
			return;
		}
		break;
	default:
		break;
	}
	switch (h->type) {
	case XS_READ:
		req_read(d, c, h, &v, abs);
		return;
	case XS_DIRECTORY:
		req_directory(d, c, h, &v, abs);
		return;
	case XS_DIRECTORY_PART:
		req_directory_part(d, c, h, &v, abs, argv[1]);
		return;
	case XS_GET_PERMS:
		req_get_perms(d, c, h, &v, abs);
		return;
	case XS_WRITE:
		end = memchr(p, '\0', len);
		r = op_write(&v, c, abs, end + 1, len - (size_t)(end + 1 - p),
		    false);
		break;
	case XS_MKDIR:
		r = op_write(&v, c, abs, "", 0, true);
		break;
	case XS_RM:
		r = op_rm(&v, c, abs);
		break;
	case XS_SET_PERMS: {
		struct perm perms[PERMS_MAX];
		int i;

		if (argc < 2) {
			reply_err(d, c, h, EINVAL);
			return;
		}
		for (i = 1; i < argc; i++)
			if (parse_perm(argv[i], &perms[i - 1]) < 0) {
				reply_err(d, c, h, EINVAL);
				return;
			}
		r = op_set_perms(&v, c, abs, perms, (size_t)argc - 1);
		break;
	}
	default:
		r = -EINVAL;
		break;
	}
	if (r < 0)
		reply_err(d, c, h, -r);
	else
		reply_ok(d, c, h);
}

static void
conn_reset_watches(struct conn *c)
{
	struct watch *w;
	struct tx *t;

	while ((w = c->watches)) {
		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
	while ((t = c->txs)) {
		c->txs = t->next;
		tx_free(t);
	}
	c->ntx = 0;
}

static void
handle_request(struct xsd *d, struct conn *c)
{
	struct xsd_sockmsg h;
	const char *p = c->in + HDR_SIZE;
	const char *argv[4];
	struct refusal *rf;
	unsigned int domid;
	int argc;

	memcpy(&h, c->in, HDR_SIZE);
	d->st.requests++;
	rf = h.type < TYPE_MAX ? &d->refuse[h.type] : NULL;
	if (rf && rf->err != 0 && rf->count != 0) {
		int err = rf->err;

		if (rf->count > 0 && --rf->count == 0)
			rf->err = 0;
		d->st.refused++;
		if (h.type == XS_TRANSACTION_END) {
			struct tx *t = tx_find(c, h.tx_id);

			if (t)
				tx_remove(c, t);
		}
		if (err == REFUSE_DROP) {
			q_free(&c->out);
			c->dead = true;
			d->st.dropped++;
			return;
		}
		reply_err(d, c, &h, err);
		return;
	}
	switch (h.type) {
	case XS_READ:
	case XS_DIRECTORY:
	case XS_DIRECTORY_PART:
	case XS_GET_PERMS:
	case XS_WRITE:
	case XS_MKDIR:
	case XS_RM:
	case XS_SET_PERMS:
		req_node(d, c, &h, p, h.len);
		return;
	default:
		break;
	}
	argc = split(p, h.len, argv, 4);
	switch (h.type) {
	case XS_WATCH:
	case XS_UNWATCH:
		if (argc != 2)
			reply_err(d, c, &h, EINVAL);
		else
			req_watch(d, c, &h, argv[0], argv[1],
			    h.type == XS_WATCH);
		return;
	case XS_TRANSACTION_START:
		if (argc != 1)
			reply_err(d, c, &h, EINVAL);
		else
			req_tx_start(d, c, &h);
		return;
	case XS_TRANSACTION_END:
		if (argc != 1)
			reply_err(d, c, &h, EINVAL);
		else
			req_tx_end(d, c, &h, argv[0]);
		return;
	case XS_GET_DOMAIN_PATH:
	case XS_IS_DOMAIN_INTRODUCED:
		if (argc != 1)
			reply_err(d, c, &h, EINVAL);
		else
			req_domain(d, c, &h, argv[0]);
		return;
	case XS_RESET_WATCHES:
		conn_reset_watches(c);
		reply_ok(d, c, &h);
		return;
	case XS_INTRODUCE:
	case XS_RELEASE:
	case XS_RESUME:
	case XS_SET_TARGET:
		if (c->domid != 0) {
			reply_err(d, c, &h, EACCES);
			return;
		}
		if (argc < 1 || parse_domid(argv[0], &domid) < 0 ||
		    (h.type == XS_INTRODUCE && argc != 3)) {
			reply_err(d, c, &h, EINVAL);
			return;
		}
		reply_ok(d, c, &h);
		if (h.type == XS_INTRODUCE)
			introduce(d, domid);
		else if (h.type == XS_RELEASE)
			release(d, domid);
		return;
	case XS_WATCH_EVENT:
	case XS_ERROR:
		reply_err(d, c, &h, EINVAL);
		return;
	default:
		reply_err(d, c, &h, ENOSYS);
		return;
	}
}

/*
 * Connections.
 */

static struct conn *
conn_new(struct xsd *d, int fd, enum conn_kind kind, unsigned int domid)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	c->kind = kind;
	c->domid = domid;
	c->in = xmalloc(kind == CONN_CLIENT ?
	    HDR_SIZE + XENSTORE_PAYLOAD_MAX : XSD_CTL_LINE_MAX + 2);
	c->next = d->conns;
	d->conns = c;
	return c;
}

static void
conn_free(struct conn *c)
{
	conn_reset_watches(c);
	q_free(&c->out);
	q_free(&c->held);
	if (c->fd >= 0)
		close(c->fd);
	free(c->in);
	free(c);
}

static void
client_read(struct xsd *d, struct conn *c)
{
	while (!c->dead) {
		struct xsd_sockmsg h = { 0 };
		size_t total = HDR_SIZE;
		ssize_t r;

		if (c->inlen >= HDR_SIZE) {
			memcpy(&h, c->in, HDR_SIZE);
			total += h.len;
		}
		if (c->inlen == total) {
			handle_request(d, c);
			c->inlen = 0;
			continue;
		}
		r = read(c->fd, c->in + c->inlen, total - c->inlen);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			c->dead = true;
			return;
		}
		c->inlen += (size_t)r;
		if (c->inlen == HDR_SIZE) {
			memcpy(&h, c->in, HDR_SIZE);
			if (h.len > XENSTORE_PAYLOAD_MAX) {
				/* As xenstored: drop the client. */
				c->dead = true;
				d->st.dropped++;
				return;
			}
		}
	}
}

static int command(struct xsd *d, const char *line, struct sb *out);

static void
control_read(struct xsd *d, struct conn *c)
{
	while (!c->dead) {
		char *nl;
		ssize_t r;

		r = read(c->fd, c->in + c->inlen,
		    XSD_CTL_LINE_MAX + 1 - c->inlen);
		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK)) {
			c->dead = true;
			return;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		c->inlen += (size_t)r;
		while ((nl = memchr(c->in, '\n', c->inlen))) {
			struct sb out = { 0 };
			size_t used = (size_t)(nl - c->in) + 1;

			*nl = '\0';
			if (nl > c->in && nl[-1] == '\r')
				nl[-1] = '\0';
			command(d, c->in, &out);
			sb_mem(&out, "\n", 1);
			q_push(&c->out, msg_raw(out.p, out.len));
			free(out.p);
			memmove(c->in, c->in + used, c->inlen - used);
			c->inlen -= used;
		}
		if (c->inlen > XSD_CTL_LINE_MAX) {
			static const char e[] = "ERR E2BIG line too long\n";

			q_push(&c->out, msg_raw(e, sizeof(e) - 1));
			c->inlen = 0;
		}
	}
}

static void
conn_flush(struct conn *c, uint64_t now)
{
	while (!c->dead && c->out.head && c->out.head->due <= now) {
		struct msg *m = c->out.head;
		ssize_t r = send(c->fd, m->data + m->off, m->len - m->off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->dead = true;
			return;
		}
		m->off += (size_t)r;
		if (m->off == m->len)
			free(q_pop(&c->out));
	}
}

static void
accept_all(struct xsd *d, struct listener *l)
{
	for (;;) {
		int fd = accept4(l->fd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		conn_new(d, fd, l->control ? CONN_CONTROL : CONN_CLIENT,
		    l->control ? 0 : l->domid);
		if (!l->control)
			d->st.connections++;
	}
}

static void
sweep(struct xsd *d)
{
	struct conn **pp = &d->conns;

	while (*pp) {
		struct conn *c = *pp;

		if (c->dead) {
			*pp = c->next;
			conn_free(c);
		} else {
			pp = &c->next;
		}
	}
}

int
xsd_run_once(struct xsd *d, int timeout_ms)
{
	struct listener *l;
	struct conn *c, *old;
	struct pollfd *pfd;
	size_t n = 0, i;
	uint64_t now = now_ms();
	int tmo = timeout_ms, r;

	for (l = d->listeners; l; l = l->next)
		n++;
	for (c = d->conns; c; c = c->next)
		n++;
	pfd = xcalloc(n, sizeof(*pfd));
	i = 0;
	for (l = d->listeners; l; l = l->next, i++) {
		pfd[i].fd = l->fd;
		pfd[i].events = POLLIN;
	}
	for (c = d->conns; c; c = c->next, i++) {
		pfd[i].fd = c->fd;
		pfd[i].events = POLLIN;
		if (c->out.head) {
			if (c->out.head->due <= now) {
				pfd[i].events |= POLLOUT;
			} else {
				uint64_t wait = c->out.head->due - now;

				if (tmo < 0 || wait < (uint64_t)tmo)
					tmo = (int)wait;
			}
		}
	}
	r = poll(pfd, n, tmo);
	if (r < 0) {
		int e = errno;

		free(pfd);
		return e == EINTR ? 0 : -e;
	}
	/* New connections go to the head of the list: start after them. */
	old = d->conns;
	i = 0;
	for (l = d->listeners; l; l = l->next, i++)
		if (pfd[i].revents & POLLIN)
			accept_all(d, l);
	for (c = old; c && i < n; c = c->next, i++) {
		if (c->dead)
			continue;
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (c->kind == CONN_CLIENT)
				client_read(d, c);
			else
				control_read(d, c);
		}
	}
	free(pfd);
	now = now_ms();
	for (c = d->conns; c; c = c->next)
		conn_flush(c, now);
	sweep(d);
	return d->quit ? 1 : 0;
}

int
xsd_run(struct xsd *d, volatile sig_atomic_t *stop)
{
	int r = 0;

	while (!(stop && *stop)) {
		r = xsd_run_once(d, 200);
		if (r != 0)
			break;
	}
	return r < 0 ? r : 0;
}

/*
 * Control commands.
 */

static void
dump_node(struct sb *b, const struct node *n, struct sb *path)
{
	const struct node *c;
	size_t keep = path->len, i;

	sb_str(b, "\t");
	sb_str(b, path->p);
	sb_str(b, " ");
	for (i = 0; i < n->nperms; i++)
		sb_printf(b, "%s%c%u", i ? "," : "",
		    perm_letter(n->perms[i].type), n->perms[i].id);
	sb_str(b, " ");
	sb_escaped(b, n->value, n->vlen);
	for (c = n->child; c; c = c->next) {
		if (path->len > 1)
			sb_str(path, "/");
		sb_str(path, c->name);
		dump_node(b, c, path);
		path->len = keep;
		path->p[keep] = '\0';
	}
}

static size_t
count_watches(struct xsd *d, size_t *held)
{
	struct conn *c;
	size_t n = 0;

	*held = 0;
	for (c = d->conns; c; c = c->next) {
		n += c->nwatches;
		*held += c->held.n;
	}
	return n;
}

/* "hold-watches off": send what was held; "discard": drop it. */
static size_t
release_held(struct xsd *d, bool send)
{
	struct conn *c;
	struct msg *m;
	size_t n = 0;

	for (c = d->conns; c; c = c->next)
		while ((m = q_pop(&c->held))) {
			n++;
			if (send)
				send_msg(d, c, m);
			else
				free(m);
		}
	return n;
}

static int
cmd_fire(struct xsd *d, const char *path, const char *token, struct sb *out)
{
	char abs[PATH_BUF];
	struct conn *c;
	struct watch *w;
	size_t n = 0;

	if (canon(0, path, abs, true) < 0)
		return -EINVAL;
	for (c = d->conns; c; c = c->next) {
		if (c->kind != CONN_CLIENT || c->dead)
			continue;
		for (w = c->watches; w; w = w->next) {
			bool match = token ? strcmp(w->token, token) == 0 :
			    abs[0] == '@' ? strcmp(w->abs, abs) == 0 :
			    w->abs[0] != '@' && subpath(w->abs, abs);

			if (match) {
				queue_event(d, c, w, abs);
				n++;
			}
		}
	}
	sb_printf(out, "OK %zu", n);
	return 0;
}

static int
cmd_perms(struct xsd *d, const char *abs, char **words, int nwords,
    struct sb *out)
{
	struct view live = { .d = d, .root = d->root };
	struct perm p[PERMS_MAX];
	struct node *n;
	int i;

	if (nwords == 0) {
		if (!(n = lookup(d->root, abs)))
			return -ENOENT;
		sb_str(out, "OK");
		for (i = 0; (size_t)i < n->nperms; i++)
			sb_printf(out, " %c%u", perm_letter(n->perms[i].type),
			    n->perms[i].id);
		return 0;
	}
	if (nwords > PERMS_MAX)
		return -E2BIG;
	for (i = 0; i < nwords; i++)
		if (parse_perm(words[i], &p[i]) < 0)
			return -EINVAL;
	return op_set_perms(&live, &d->ctl, abs, p, (size_t)nwords);
}

static int
cmd_refuse(struct xsd *d, char **w, int nw)
{
	unsigned long count = 0;
	int type, err;

	if (nw == 1 && strcmp(w[0], "off") == 0) {
		memset(d->refuse, 0, sizeof(d->refuse));
		return 0;
	}
	if (nw < 2 || nw > 3 || (type = type_from_name(w[0])) < 0 ||
	    type >= TYPE_MAX)
		return -EINVAL;
	if (strcmp(w[1], "off") == 0) {
		d->refuse[type].err = 0;
		return 0;
	}
	if (strcmp(w[1], "DROP") == 0)
		err = REFUSE_DROP;
	else if ((err = errnum(w[1])) == 0)
		return -EINVAL;
	if (nw == 3 && (parse_uint(w[2], LONG_MAX, &count) < 0 ||
	    count == 0))
		return -EINVAL;
	d->refuse[type].err = err;
	d->refuse[type].count = nw == 3 ? (long)count : -1;
	return 0;
}

#define WORDS_MAX (PERMS_MAX + 2)

static int
run_command(struct xsd *d, char *line, struct sb *out)
{
	struct view live = { .d = d, .root = d->root };
	char *w[WORDS_MAX], *rest = NULL, *save = NULL, *s;
	char abs[PATH_BUF];
	unsigned int domid = 0;
	unsigned long ul;
	int nw = 0, r;
	struct node *n;
	size_t held;

	/* set PATH VALUE: the value is the rest of the line, escaped. */
	if (strncmp(line, "set ", 4) == 0) {
		s = strchr(line + 4, ' ');
		if (s) {
			*s = '\0';
			rest = s + 1;
		}
	}
	for (s = strtok_r(line, " ", &save); s && nw < WORDS_MAX;
	    s = strtok_r(NULL, " ", &save))
		w[nw++] = s;
	if (s || nw == 0)
		return -EINVAL;

	if (strcmp(w[0], "set") == 0 || strcmp(w[0], "mkdir") == 0) {
		char *val;

		if (nw != 2 || canon(0, w[1], abs, false) < 0)
			return -EINVAL;
		val = xmalloc(XENSTORE_PAYLOAD_MAX + 1);
		r = rest ? xsd_unescape(rest, val, XENSTORE_PAYLOAD_MAX + 1) :
		    0;
		if (r >= 0)
			r = op_write(&live, &d->ctl, abs, val, (size_t)r,
			    w[0][0] == 'm');
		free(val);
		return r;
	}
	if (strcmp(w[0], "get") == 0) {
		if (nw != 2 || canon(0, w[1], abs, false) < 0)
			return -EINVAL;
		if (!(n = lookup(d->root, abs)))
			return -ENOENT;
		sb_str(out, "OK ");
		sb_escaped(out, n->value, n->vlen);
		return 0;
	}
	if (strcmp(w[0], "rm") == 0) {
		if (nw != 2 || canon(0, w[1], abs, false) < 0)
			return -EINVAL;
		return op_rm(&live, &d->ctl, abs);
	}
	if (strcmp(w[0], "perms") == 0) {
		if (nw < 2 || canon(0, w[1], abs, false) < 0)
			return -EINVAL;
		return cmd_perms(d, abs, w + 2, nw - 2, out);
	}
	if (strcmp(w[0], "refuse") == 0)
		return cmd_refuse(d, w + 1, nw - 1);
	if (strcmp(w[0], "delay") == 0) {
		if (nw != 2 || parse_uint(w[1], 600000, &ul) < 0)
			return -EINVAL;
		d->delay_ms = (unsigned int)ul;
		return 0;
	}
	if (strcmp(w[0], "drop") == 0) {
		struct conn *c;
		size_t k = 0;

		if (nw > 2 || (nw == 2 && parse_domid(w[1], &domid) < 0))
			return -EINVAL;
		for (c = d->conns; c; c = c->next)
			if (c->kind == CONN_CLIENT && !c->dead &&
			    (nw == 1 || c->domid == domid)) {
				c->dead = true;
				k++;
			}
		d->st.dropped += k;
		sb_printf(out, "OK %zu", k);
		return 0;
	}
	if (strcmp(w[0], "fire") == 0) {
		if (nw < 2 || nw > 3)
			return -EINVAL;
		return cmd_fire(d, w[1], nw == 3 ? w[2] : NULL, out);
	}
	if (strcmp(w[0], "introduce") == 0 || strcmp(w[0], "release") == 0 ||
	    strcmp(w[0], "softreset") == 0) {
		if (nw != 2 || parse_domid(w[1], &domid) < 0 ||
		    domid >= DOMID_SELF_ID || (domid == 0 && w[0][0] != 'r'))
			return -EINVAL;
		if (w[0][0] == 'i')
			introduce(d, domid);
		else if (w[0][0] == 'r')
			release(d, domid);
		else
			soft_reset(d, domid);
		return 0;
	}
	if (strcmp(w[0], "hold-watches") == 0) {
		if (nw != 2)
			return -EINVAL;
		if (strcmp(w[1], "on") == 0) {
			d->hold = true;
			return 0;
		}
		if (strcmp(w[1], "off") != 0 && strcmp(w[1], "discard") != 0)
			return -EINVAL;
		d->hold = false;
		sb_printf(out, "OK %zu", release_held(d, w[1][1] == 'f'));
		return 0;
	}
	if (strcmp(w[0], "dump") == 0) {
		struct sb path = { 0 };

		if (nw > 2 || canon(0, nw == 2 ? w[1] : "/", abs, false) < 0)
			return -EINVAL;
		if (!(n = lookup(d->root, abs)))
			return -ENOENT;
		sb_str(&path, abs);
		sb_str(out, "OK");
		dump_node(out, n, &path);
		free(path.p);
		return 0;
	}
	if (strcmp(w[0], "watches") == 0) {
		struct conn *c;
		struct watch *wt;

		if (nw != 1)
			return -EINVAL;
		sb_printf(out, "OK %zu", count_watches(d, &held));
		for (c = d->conns; c; c = c->next)
			for (wt = c->watches; wt; wt = wt->next) {
				sb_printf(out, "\t%u ", c->domid);
				sb_str(out, wt->abs);
				sb_str(out, " ");
				sb_escaped(out, wt->token, strlen(wt->token));
			}
		return 0;
	}
	if (strcmp(w[0], "stats") == 0) {
		struct conn *c;
		size_t open = 0, tx = 0, watches;

		if (nw != 1)
			return -EINVAL;
		for (c = d->conns; c; c = c->next)
			if (c->kind == CONN_CLIENT) {
				open++;
				tx += c->ntx;
			}
		watches = count_watches(d, &held);
		sb_printf(out, "OK requests=%" PRIu64 " connections=%" PRIu64
		    " open=%zu watches=%zu transactions=%zu events=%" PRIu64
		    " held=%zu dropped=%" PRIu64 " refused=%" PRIu64
		    " nodes=%zu", d->st.requests, d->st.connections, open,
		    watches, tx, d->st.events, held, d->st.dropped,
		    d->st.refused, d->nnodes);
		return 0;
	}
	if (strcmp(w[0], "quit") == 0) {
		if (nw != 1)
			return -EINVAL;
		d->quit = true;
		return 0;
	}
	return -ENOSYS;
}

static int
command(struct xsd *d, const char *line, struct sb *out)
{
	char *copy = xstrdup(line);
	int r = run_command(d, copy, out);

	free(copy);
	if (r < 0) {
		out->len = 0;
		sb_printf(out, "ERR %s", errname(-r));
		if (r == -ENOSYS)
			sb_str(out, " unknown command");
	} else if (out->len == 0) {
		sb_str(out, "OK");
	}
	return r < 0 ? r : 0;
}

int
xsd_command(struct xsd *d, const char *line, char *reply_buf,
    size_t replysz)
{
	struct sb out = { 0 };
	int r = command(d, line, &out);

	if (replysz > 0)
		snprintf(reply_buf, replysz, "%s", out.p ? out.p : "");
	free(out.p);
	/* The effects (events, drops) reach the sockets on the next round. */
	return r;
}

/*
 * Setup.
 */

struct xsd *
xsd_new(void)
{
	static const struct perm dom0 = { 0, PERM_NONE };
	struct xsd *d = xcalloc(1, sizeof(*d));

	d->ctl.fd = -1;
	d->ctl.kind = CONN_CLIENT;
	d->ctl.domid = 0;
	d->next_tx = 1;
	d->root = node_new("", 0);
	set_perms(d->root, &dom0, 1);
	d->root->gen = ++d->gen;
	d->nnodes = 1;
	d->introduced[0] = true;
	ctl_write(d, "/local/domain/0/name", "Domain-0", NULL);
	ctl_write(d, "/local/domain/0/domid", "0", NULL);
	ctl_write(d, "/vm", "", NULL);
	ctl_write(d, "/tool", "", NULL);
	return d;
}

void
xsd_free(struct xsd *d)
{
	struct listener *l;
	struct conn *c;

	if (!d)
		return;
	while ((c = d->conns)) {
		d->conns = c->next;
		conn_free(c);
	}
	while ((l = d->listeners)) {
		d->listeners = l->next;
		close(l->fd);
		if (!d->keep_sockets)
			unlink(l->path);
		free(l->path);
		free(l);
	}
	node_free(d->root);
	free(d);
}

static int
listen_unix(struct xsd *d, const char *path, bool control,
    unsigned int domid)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct listener *l;
	struct stat st;
	int fd, e;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	if (domid > DOMID_MAX)
		return -EINVAL;
	strcpy(a.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 64) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->path = xstrdup(path);
	l->control = control;
	l->domid = domid;
	l->next = d->listeners;
	d->listeners = l;
	return 0;
}

int
xsd_listen(struct xsd *d, const char *path, unsigned int domid)
{
	return listen_unix(d, path, false, domid);
}

int
xsd_listen_control(struct xsd *d, const char *path)
{
	return listen_unix(d, path, true, 0);
}

int
xsd_add_domain(struct xsd *d, unsigned int domid)
{
	if (domid == 0 || domid >= DOMID_SELF_ID)
		return -EINVAL;
	if (!domain_exists(d, domid))
		build_domain(d, domid);
	d->introduced[domid] = true;
	return 0;
}

pid_t
xsd_fork(struct xsd *d)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int r;

		signal(SIGPIPE, SIG_IGN);
		r = xsd_run(d, NULL);
		xsd_free(d);
		_exit(r < 0 ? 1 : 0);
	}
	d->keep_sockets = true;
	return pid;
}

int
xsd_ctl(const char *ctl_path, const char *cmd, char *reply_buf,
    size_t replysz)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	size_t len = strlen(cmd), o = 0, off = 0;
	char c;
	int fd, e;

	if (strlen(ctl_path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	strcpy(a.sun_path, ctl_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto fail;
	while (off < len + 1) {
		const char *p = off < len ? cmd + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)r;
	}
	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0) {
			errno = EPROTO;
			goto fail;
		}
		if (c == '\n')
			break;
		if (replysz > 0 && o + 1 < replysz)
			reply_buf[o] = c;
		o++;
	}
	close(fd);
	if (replysz > 0)
		reply_buf[o < replysz ? o : replysz - 1] = '\0';
	if (replysz > 0 && strncmp(reply_buf, "OK", 2) == 0)
		return 0;
	return -EREMOTEIO;
fail:
	e = errno ? errno : EIO;
	close(fd);
	return -e;
}

/* Where the test/xsd program is: $XSD, the build tree, or beside us. */
static int
xsd_program(char *buf, size_t size)
{
	const char *env = getenv("XSD"), *top = getenv("top_builddir");
	char self[PATH_MAX];
	ssize_t n;

	if (env)
		return snprintf(buf, size, "%s", env) < (int)size ? 0 :
		    -ENAMETOOLONG;
	if (top && snprintf(buf, size, "%s/test/xsd", top) < (int)size &&
	    access(buf, X_OK) == 0)
		return 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -errno;
	self[n] = '\0';
	return snprintf(buf, size, "%s/xsd", dirname(self)) < (int)size ?
	    0 : -ENAMETOOLONG;
}

pid_t
xsd_spawn(const char *const *args, const char *pidfile)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	const char *argv[64];
	char bin[PATH_MAX];
	size_t n = 0;
	pid_t pid;
	int i, r;

	r = xsd_program(bin, sizeof(bin));
	if (r < 0)
		return r;
	argv[n++] = bin;
	for (; *args; args++) {
		if (n + 1 >= sizeof(argv) / sizeof(argv[0]))
			return -E2BIG;
		argv[n++] = *args;
	}
	argv[n] = NULL;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* A test that fails ends without teardown: xsd follows. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 1000; i++) {
		if (access(pidfile, F_OK) == 0)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return -ECHILD;
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	return -ETIMEDOUT;
}
