/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xenstore schema (proto/XENSTORE.md): what a guest publishes under
 * its own data/xen-handover/, and the verdict dom0 publishes for it in a
 * dom0-owned node the guest may read. Pure: builds and validates
 * (path, value) pairs; no I/O. Everything read back from xenstore is
 * untrusted: bounded, validated, rejected with a distinct error.
 */
#ifndef XH_XSSCHEMA_H
#define XH_XSSCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define XSSCHEMA_VERSION 1
#define XSSCHEMA_GUEST_DIR "data/xen-handover"	/* relative to ~ */
#define XSSCHEMA_HOST_DIR "xen-handover"	/* ~/xen-handover, dom0's */
#define XSSCHEMA_VALUE_MAX 512			/* any one value, bytes */
#define XSSCHEMA_DETAIL_MAX 256
#define XSSCHEMA_MAX_NODES 16

enum guest_state {
	GUEST_STATE_RUNNING = 0,
	GUEST_STATE_HIBERNATING,
	GUEST_STATE_RESUMED,
	GUEST_STATE_DEGRADED,
	GUEST_STATE_REFUSED_LAST_BOOT,
	_GUEST_STATE_MAX,
};

/* One node: path relative to the directory, and its value. */
struct xs_node {
	char name[32];
	char value[XSSCHEMA_VALUE_MAX + 1];
};

struct xs_nodes {
	size_t n;
	struct xs_node node[XSSCHEMA_MAX_NODES];
};

/* What a guest published, once validated (dom0's view). */
struct guest_report {
	unsigned int schema;
	enum guest_state state;
	uint64_t seq;
	int64_t updated;		/* seconds since the epoch */
	char detail[XSSCHEMA_DETAIL_MAX + 1];	/* printable ASCII */
	bool has_record;
	struct record rec;		/* decoded from the "record" node */
	char gate[16];			/* last boot's gate verdict or "" */
};

/*
 * The nodes a guest writes (one transaction) under XSSCHEMA_GUEST_DIR:
 * schema, state, seq, updated, record (the record's key=value payload),
 * detail, gate. rec, detail and gate may be NULL: their nodes (and seq
 * with rec) are then left out. gate is one of "proceed", "repair",
 * "refuse", "force", "none". Returns the count or -errno (-EINVAL bad
 * state, updated, detail, gate or record field; -EMSGSIZE record too
 * large or detail longer than XSSCHEMA_DETAIL_MAX).
 */
int xsschema_guest_nodes(const struct record *rec, enum guest_state state,
    int64_t updated, const char *detail, const char *gate,
    struct xs_nodes *out);

/*
 * Validate what dom0 read from a guest's directory (names relative to
 * it; unknown names are ignored, at most XSSCHEMA_MAX_NODES looked at).
 * 0 or a distinct -errno:
 *   -ENOKEY    schema or state missing, or record without seq
 *   -EPROTO    schema newer than we speak
 *   -ENOTUNIQ  a known name appears twice
 *   -EMSGSIZE  a known value longer than its bound (or unterminated)
 *   -EILSEQ    a text value with a byte outside printable ASCII
 *   -ERANGE    a number beyond its bound
 *   -EINVAL    any other bad value (not canonical decimal, not an exact
 *              enum name, a name that is not a terminated string)
 *   -EBADMSG   an invalid record (record_decode_payload() fails)
 * out is reset on failure. out->rec.seq is the seq node.
 */
int xsschema_parse_guest(const struct xs_nodes *in,
    struct guest_report *out);

/* The verdict dom0 publishes for a guest under ~/XSSCHEMA_HOST_DIR. */
struct host_verdict {
	unsigned int schema;
	enum {
		HOST_VERDICT_UNKNOWN = 0,	/* no pending record */
		HOST_VERDICT_SAFE,	/* this host matches the record */
		HOST_VERDICT_UNSAFE,	/* it does not: see reason */
	} verdict;
	bool soft_reset;		/* the toolstack soft-resets it */
	uint64_t record_seq;		/* the record the verdict is about */
	char reason[XSSCHEMA_DETAIL_MAX + 1];
};

/*
 * host_nodes: schema, verdict, soft-reset, record-seq (not for
 * HOST_VERDICT_UNKNOWN), reason (when not empty). Count or -EINVAL (bad
 * verdict, non-printable reason), -EMSGSIZE (reason too long).
 * parse_host: errors as xsschema_parse_guest(); -ENOKEY when schema or
 * verdict is missing, or record-seq with a safe/unsafe verdict.
 */
int xsschema_host_nodes(const struct host_verdict *v, struct xs_nodes *out);
int xsschema_parse_host(const struct xs_nodes *in, struct host_verdict *out);

const char *guest_state_to_string(enum guest_state s);
int guest_state_from_string(const char *s);	/* -EINVAL if bad */
const char *host_verdict_to_string(int v);	/* "unknown", "safe", ... */

/* Node names. */
#define XSSCHEMA_PING "ping"	/* guest: the post-resume watch round trip */

/*
 * Append (name, value of len bytes) to nodes, as a reader does with what
 * it read: -EINVAL empty name or longer than 31 bytes, -EILSEQ a NUL
 * inside the value, -EMSGSIZE value longer than XSSCHEMA_VALUE_MAX,
 * -ENOSPC nodes already full. Returns the new count.
 */
int xsschema_add_node(struct xs_nodes *nodes, const char *name,
    const char *value, size_t len);

/*
 * Check one node on its own: 0 a valid known node, 1 a name this reader
 * does not know (ignored), or the -errno xsschema_parse_guest() /
 * xsschema_parse_host() would return for it (so a reader can say which
 * node was wrong).
 */
int xsschema_check_guest_node(const char *name, const char *value);
int xsschema_check_host_node(const char *name, const char *value);

/* The ping node's value: a canonical decimal 0..2^64-1. 0 or -errno. */
int xsschema_parse_ping(const char *value, uint64_t *ret);

/* A precise message for an xsschema_* error. */
const char *xsschema_strerror(int err);

#endif
