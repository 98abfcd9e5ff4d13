// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xenstore schema (proto/XENSTORE.md): the nodes a guest publishes
 * under its own data/xen-handover/ and the verdict dom0 publishes in
 * /local/domain/<domid>/xen-handover/. Pure: builds and validates
 * (name, value) pairs, no I/O. Every value read back is untrusted: each is
 * bounded, checked for its charset, parsed strictly, and rejected with a
 * distinct error; the report is never half-filled.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "xsschema.h"

#define NAME_SIZE sizeof(((struct xs_node *)0)->name)
#define VALUE_SIZE sizeof(((struct xs_node *)0)->value)
#define NUM_MAX 20		/* digits of 2^64 - 1 */

/* Guest nodes, in the order xsschema_guest_nodes() writes them. */
enum gnode {
	G_SCHEMA, G_STATE, G_SEQ, G_UPDATED, G_RECORD, G_DETAIL, G_GATE,
	G_PING,
	_G_MAX,
};

static const char *const gnode_names[_G_MAX] = {
	[G_SCHEMA] = "schema",
	[G_STATE] = "state",
	[G_SEQ] = "seq",
	[G_UPDATED] = "updated",
	[G_RECORD] = "record",
	[G_DETAIL] = "detail",
	[G_GATE] = "gate",
	[G_PING] = XSSCHEMA_PING,
};

/* Host (dom0) nodes, in the order xsschema_host_nodes() writes them. */
enum hnode {
	H_SCHEMA, H_VERDICT, H_SOFT_RESET, H_RECORD_SEQ, H_REASON,
	_H_MAX,
};

static const char *const hnode_names[_H_MAX] = {
	[H_SCHEMA] = "schema",
	[H_VERDICT] = "verdict",
	[H_SOFT_RESET] = "soft-reset",
	[H_RECORD_SEQ] = "record-seq",
	[H_REASON] = "reason",
};

static const char *const state_names[_GUEST_STATE_MAX] = {
	[GUEST_STATE_RUNNING] = "running",
	[GUEST_STATE_HIBERNATING] = "hibernating",
	[GUEST_STATE_RESUMED] = "resumed",
	[GUEST_STATE_DEGRADED] = "degraded",
	[GUEST_STATE_REFUSED_LAST_BOOT] = "refused-last-boot",
};

static const char *const gate_names[] = {
	"proceed", "repair", "refuse", "force", "none",
};
#define N_GATES (sizeof(gate_names) / sizeof(gate_names[0]))

static const char *const verdict_names[] = {
	[HOST_VERDICT_UNKNOWN] = "unknown",
	[HOST_VERDICT_SAFE] = "safe",
	[HOST_VERDICT_UNSAFE] = "unsafe",
};
#define N_VERDICTS (sizeof(verdict_names) / sizeof(verdict_names[0]))

/* Index of the exact name s in names[0..count), or -EINVAL. */
static int
find_name(const char *s, const char *const *names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

/* A node name this reader knows: its index, -1 unknown, -EINVAL bad. */
static int
known_name(const char *name, const char *const *names, size_t count)
{
	int k;

	if (strnlen(name, NAME_SIZE) == NAME_SIZE)
		return -EINVAL;
	k = find_name(name, names, count);
	return k < 0 ? -1 : k;
}

static bool
printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * The length of the terminated value v (at most VALUE_SIZE bytes looked
 * at): -EMSGSIZE beyond max, -EILSEQ non-printable when text.
 */
static int
value_len(const char *v, size_t max, bool text)
{
	size_t n = strnlen(v, VALUE_SIZE);

	if (n > max)
		return -EMSGSIZE;
	if (text && !printable(v, n))
		return -EILSEQ;
	return (int)n;
}

/* Canonical decimal: digits, no sign, no leading zero; -ERANGE > max. */
static int
parse_dec(const char *v, uint64_t max, uint64_t *ret)
{
	uint64_t x = 0;
	size_t i, n = strlen(v);

	if (n == 0 || (n > 1 && v[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned int d = (unsigned int)(v[i] - '0');

		if (d > max || x > (max - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	*ret = x;
	return 0;
}

static int
parse_schema(const char *v, unsigned int *ret)
{
	uint64_t x;
	int r;

	if ((r = value_len(v, NUM_MAX, true)) < 0)
		return r;
	if ((r = parse_dec(v, UINT_MAX, &x)) < 0)
		return r;
	if (x == 0)
		return -EINVAL;
	if (x > XSSCHEMA_VERSION)
		return -EPROTO;
	*ret = (unsigned int)x;
	return 0;
}

static int
parse_number(const char *v, uint64_t max, uint64_t *ret)
{
	int r;

	if ((r = value_len(v, NUM_MAX, true)) < 0)
		return r;
	return parse_dec(v, max, ret);
}

static int
parse_enum(const char *v, const char *const *names, size_t count)
{
	int r;

	/* No name is longer than 31 bytes. */
	if ((r = value_len(v, NAME_SIZE - 1, true)) < 0)
		return r;
	return find_name(v, names, count);
}

/* detail / reason: printable text of at most XSSCHEMA_DETAIL_MAX. */
static int
parse_text(const char *v, char *dst, size_t dstsz)
{
	int n = value_len(v, XSSCHEMA_DETAIL_MAX, true);

	if (n < 0)
		return n;
	if ((size_t)n >= dstsz)
		return -EMSGSIZE;
	memcpy(dst, v, (size_t)n + 1);
	return 0;
}

static int
guest_value(enum gnode k, const char *v, struct guest_report *out)
{
	uint64_t x;
	int r;

	switch (k) {
	case G_SCHEMA:
		return parse_schema(v, &out->schema);
	case G_STATE:
		if ((r = parse_enum(v, state_names, _GUEST_STATE_MAX)) < 0)
			return r;
		out->state = (enum guest_state)r;
		return 0;
	case G_SEQ:
		return parse_number(v, UINT64_MAX, &out->seq);
	case G_UPDATED:
		if ((r = parse_number(v, INT64_MAX, &x)) < 0)
			return r;
		out->updated = (int64_t)x;
		return 0;
	case G_RECORD:
		if ((r = value_len(v, RECORD_MAX_PAYLOAD, false)) < 0)
			return r;
		if (record_decode_payload(v, (size_t)r, &out->rec) < 0)
			return -EBADMSG;
		out->has_record = true;
		return 0;
	case G_DETAIL:
		return parse_text(v, out->detail, sizeof(out->detail));
	case G_GATE:
		if ((r = parse_enum(v, gate_names, N_GATES)) < 0)
			return r;
		strcpy(out->gate, gate_names[r]);
		return 0;
	case G_PING:
		return parse_number(v, UINT64_MAX, &x);
	case _G_MAX:
		break;
	}
	return -EINVAL;
}

static int
host_value(enum hnode k, const char *v, struct host_verdict *out)
{
	uint64_t x;
	int r;

	switch (k) {
	case H_SCHEMA:
		return parse_schema(v, &out->schema);
	case H_VERDICT:
		if ((r = parse_enum(v, verdict_names, N_VERDICTS)) < 0)
			return r;
		out->verdict = r;
		return 0;
	case H_SOFT_RESET:
		if ((r = parse_number(v, 1, &x)) < 0)
			return r;
		out->soft_reset = x == 1;
		return 0;
	case H_RECORD_SEQ:
		return parse_number(v, UINT64_MAX, &out->record_seq);
	case H_REASON:
		return parse_text(v, out->reason, sizeof(out->reason));
	case _H_MAX:
		break;
	}
	return -EINVAL;
}

/*
 * Map in's nodes to known names: idx[k] is the node holding name k, or
 * -1. Unknown names are ignored. -EINVAL unterminated name, -ENOTUNIQ.
 */
static int
index_nodes(const struct xs_nodes *in, const char *const *names,
    size_t count, int *idx)
{
	size_t i, n = in->n < XSSCHEMA_MAX_NODES ? in->n : XSSCHEMA_MAX_NODES;

	for (i = 0; i < count; i++)
		idx[i] = -1;
	for (i = 0; i < n; i++) {
		int k = known_name(in->node[i].name, names, count);

		if (k == -EINVAL)
			return k;
		if (k < 0)
			continue;
		if (idx[k] >= 0)
			return -ENOTUNIQ;
		idx[k] = (int)i;
	}
	return 0;
}

static void
guest_report_init(struct guest_report *out)
{
	memset(out, 0, sizeof(*out));
	record_init(&out->rec);
}

static int
parse_guest(const struct xs_nodes *in, struct guest_report *out)
{
	int idx[_G_MAX];
	size_t k;
	int r;

	if ((r = index_nodes(in, gnode_names, _G_MAX, idx)) < 0)
		return r;
	/* A newer schema may change every other node: look at it first. */
	if (idx[G_SCHEMA] < 0)
		return -ENOKEY;
	for (k = 0; k < _G_MAX; k++) {
		if (idx[k] < 0)
			continue;
		/* G_SCHEMA comes first. */
		r = guest_value((enum gnode)k, in->node[idx[k]].value, out);
		if (r < 0)
			return r;
	}
	if (idx[G_STATE] < 0)
		return -ENOKEY;
	if (idx[G_RECORD] >= 0 && idx[G_SEQ] < 0)
		return -ENOKEY;
	out->rec.seq = out->seq;
	return 0;
}

int
xsschema_parse_guest(const struct xs_nodes *in, struct guest_report *out)
{
	int r;

	guest_report_init(out);
	r = parse_guest(in, out);
	if (r < 0)
		guest_report_init(out);
	return r;
}

static int
parse_host(const struct xs_nodes *in, struct host_verdict *out)
{
	int idx[_H_MAX];
	size_t k;
	int r;

	if ((r = index_nodes(in, hnode_names, _H_MAX, idx)) < 0)
		return r;
	if (idx[H_SCHEMA] < 0)
		return -ENOKEY;
	for (k = 0; k < _H_MAX; k++) {
		if (idx[k] < 0)
			continue;
		r = host_value((enum hnode)k, in->node[idx[k]].value, out);
		if (r < 0)
			return r;
	}
	if (idx[H_VERDICT] < 0)
		return -ENOKEY;
	if (out->verdict != HOST_VERDICT_UNKNOWN && idx[H_RECORD_SEQ] < 0)
		return -ENOKEY;
	return 0;
}

int
xsschema_parse_host(const struct xs_nodes *in, struct host_verdict *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = parse_host(in, out);
	if (r < 0)
		memset(out, 0, sizeof(*out));
	return r;
}

/* Append a node whose value the caller formats; the slot to fill. */
static struct xs_node *
add(struct xs_nodes *out, const char *name)
{
	struct xs_node *n = &out->node[out->n++];

	strcpy(n->name, name);
	n->value[0] = '\0';
	return n;
}

static void
add_u64(struct xs_nodes *out, const char *name, uint64_t v)
{
	char tmp[NUM_MAX + 1], *p = tmp + sizeof(tmp);

	*--p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	strcpy(add(out, name)->value, p);
}

/* Checks an outgoing detail/reason: -EMSGSIZE too long, -EINVAL junk. */
static int
check_text(const char *s)
{
	size_t n = strnlen(s, XSSCHEMA_DETAIL_MAX + 1);

	if (n > XSSCHEMA_DETAIL_MAX)
		return -EMSGSIZE;
	return printable(s, n) ? 0 : -EINVAL;
}

static int
guest_nodes(const struct record *rec, enum guest_state state,
    int64_t updated, const char *detail, const char *gate,
    struct xs_nodes *out)
{
	struct xs_node *n;
	int r;

	if ((unsigned int)state >= _GUEST_STATE_MAX || updated < 0)
		return -EINVAL;
	if (detail && (r = check_text(detail)) < 0)
		return r;
	if (gate && find_name(gate, gate_names, N_GATES) < 0)
		return -EINVAL;
	add_u64(out, gnode_names[G_SCHEMA], XSSCHEMA_VERSION);
	strcpy(add(out, gnode_names[G_STATE])->value, state_names[state]);
	if (rec)
		add_u64(out, gnode_names[G_SEQ], rec->seq);
	add_u64(out, gnode_names[G_UPDATED], (uint64_t)updated);
	if (rec) {
		n = add(out, gnode_names[G_RECORD]);
		if ((r = record_encode_payload(rec, n->value,
		    sizeof(n->value))) < 0)
			return r;
	}
	if (detail)
		strcpy(add(out, gnode_names[G_DETAIL])->value, detail);
	if (gate)
		strcpy(add(out, gnode_names[G_GATE])->value, gate);
	return (int)out->n;
}

int
xsschema_guest_nodes(const struct record *rec, enum guest_state state,
    int64_t updated, const char *detail, const char *gate,
    struct xs_nodes *out)
{
	int r;

	out->n = 0;
	r = guest_nodes(rec, state, updated, detail, gate, out);
	if (r < 0)
		out->n = 0;
	return r;
}

int
xsschema_host_nodes(const struct host_verdict *v, struct xs_nodes *out)
{
	int r;

	out->n = 0;
	if ((unsigned int)v->verdict >= N_VERDICTS)
		return -EINVAL;
	if ((r = check_text(v->reason)) < 0)
		return r;
	add_u64(out, hnode_names[H_SCHEMA], XSSCHEMA_VERSION);
	strcpy(add(out, hnode_names[H_VERDICT])->value,
	    verdict_names[v->verdict]);
	add_u64(out, hnode_names[H_SOFT_RESET], v->soft_reset ? 1 : 0);
	if (v->verdict != HOST_VERDICT_UNKNOWN)
		add_u64(out, hnode_names[H_RECORD_SEQ], v->record_seq);
	if (v->reason[0] != '\0')
		strcpy(add(out, hnode_names[H_REASON])->value, v->reason);
	return (int)out->n;
}

int
xsschema_add_node(struct xs_nodes *nodes, const char *name,
    const char *value, size_t len)
{
	struct xs_node *n;
	size_t nlen = strnlen(name, NAME_SIZE);

	if (nlen == 0 || nlen == NAME_SIZE)
		return -EINVAL;
	if (len > XSSCHEMA_VALUE_MAX)
		return -EMSGSIZE;
	if (memchr(value, '\0', len))
		return -EILSEQ;
	if (nodes->n >= XSSCHEMA_MAX_NODES)
		return -ENOSPC;
	n = &nodes->node[nodes->n];
	memcpy(n->name, name, nlen + 1);
	memcpy(n->value, value, len);
	n->value[len] = '\0';
	return (int)++nodes->n;
}

int
xsschema_check_guest_node(const char *name, const char *value)
{
	struct guest_report scratch;
	int k = known_name(name, gnode_names, _G_MAX);
	int r;

	if (k == -EINVAL)
		return k;
	if (k < 0)
		return 1;
	guest_report_init(&scratch);
	r = guest_value((enum gnode)k, value, &scratch);
	return r < 0 ? r : 0;
}

int
xsschema_check_host_node(const char *name, const char *value)
{
	struct host_verdict scratch;
	int k = known_name(name, hnode_names, _H_MAX);
	int r;

	if (k == -EINVAL)
		return k;
	if (k < 0)
		return 1;
	memset(&scratch, 0, sizeof(scratch));
	r = host_value((enum hnode)k, value, &scratch);
	return r < 0 ? r : 0;
}

int
xsschema_parse_ping(const char *value, uint64_t *ret)
{
	return parse_number(value, UINT64_MAX, ret);
}

const char *
guest_state_to_string(enum guest_state s)
{
	return (unsigned int)s < _GUEST_STATE_MAX ? state_names[s] :
	    "invalid";
}

int
guest_state_from_string(const char *s)
{
	return s ? find_name(s, state_names, _GUEST_STATE_MAX) : -EINVAL;
}

const char *
host_verdict_to_string(int v)
{
	return v >= 0 && (size_t)v < N_VERDICTS ? verdict_names[v] :
	    "invalid";
}

const char *
xsschema_strerror(int err)
{
	if (err > 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case -ENOKEY:
		return "xenstore schema: a required node is missing";
	case -EPROTO:
		return "xenstore schema: newer schema than this reader";
	case -ENOTUNIQ:
		return "xenstore schema: a node appears twice";
	case -EMSGSIZE:
		return "xenstore schema: value longer than its bound";
	case -EILSEQ:
		return "xenstore schema: value is not printable ASCII";
	case -ERANGE:
		return "xenstore schema: number out of range";
	case -EINVAL:
		return "xenstore schema: invalid value";
	case -EBADMSG:
		return "xenstore schema: invalid record payload";
	case -ENOSPC:
		return "xenstore schema: too many nodes";
	default:
		return "xenstore schema: unexpected error";
	}
}
