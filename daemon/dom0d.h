/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dom0 companion's model (xen-handover-dom0d(8), proto/XENSTORE.md
 * section 9): one entry per domain UUID holding the guest's last valid
 * report, the hibernation record it left, what dom0 saw of the domain
 * when it hibernated, the host verdict and how the resume ended.
 *
 * Pure modules, no I/O (the fuzz target and the unit tests drive them):
 *   dom0d-entry.c   the entry's on-disk text, names of phases/outcomes
 *   dom0d-ingest.c  how a guest report or a domain event moves an entry
 *   dom0d-check.c   host-side validation, cross-check, preflight
 * I/O lives in dom0d-io.h (state directory, xenstore, Prometheus file)
 * and the daemon in dom0d-loop.h.
 */
#ifndef XH_DOM0D_H
#define XH_DOM0D_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv.h"
#include "record.h"
#include "verdict.h"
#include "xsschema.h"

#define DOM0D_STATE_DIR "/var/lib/xen-handover"
#define DOM0D_DOMAINS_SUBDIR "domains"
#define DOM0D_NAME_MAX 64		/* toolstack domain name kept */
#define DOM0D_REASON_MAX XSSCHEMA_DETAIL_MAX
#define DOM0D_ENTRY_MAX_SIZE 8192	/* one entry file */
#define DOM0D_FIELDS_TEXT_MAX 192	/* "vcpus,ram,..." */

enum dom0d_phase {
	PHASE_NONE = 0,		/* known UUID, nothing usable reported */
	PHASE_RUNNING,		/* the guest runs; no image pending */
	PHASE_HIBERNATING,	/* it said it writes an image; still alive */
	PHASE_HIBERNATED,	/* it went down after that: image pending */
	PHASE_RESUMING,		/* recreated with the image pending: judged */
	PHASE_CLOSED,		/* the resume's outcome is known */
	_PHASE_MAX,
};

enum dom0d_outcome {
	OUTCOME_NONE = 0,
	OUTCOME_RESUMED,		/* resumed; the cross-check agrees */
	OUTCOME_RESUMED_MISMATCH,	/* resumed; the cross-check does not */
	OUTCOME_DEGRADED,		/* the guest reported degraded */
	OUTCOME_NOT_RESUMED,		/* booted afresh: image not resumed */
	OUTCOME_ABORTED,		/* hibernation aborted, guest kept on */
	_OUTCOME_MAX,
};

/* What dom0 saw of the domain and host when the guest hibernated. */
struct dom0d_snapshot {
	int64_t taken;			/* Unix seconds */
	uint64_t max_pages, tot_pages;
	unsigned int max_vcpus;
	enum guest_type type;
	int gnttab;			/* 0 unknown, 1, 2 */
	unsigned int xen_major, xen_minor;
	char xen_extra[RECORD_XEN_EXTRA_MAX + 1];
	bool has_features;
	uint32_t features;
};

struct dom0d_entry {
	uint8_t uuid[16];		/* the hypervisor's, not the guest's */
	char name[DOM0D_NAME_MAX + 1];	/* toolstack name, printable ASCII */
	bool has_domid;
	uint32_t domid;			/* the last domain with this UUID */
	enum dom0d_phase phase;
	int64_t updated;		/* Unix seconds of the last change */

	/* The guest's last valid report (proto/XENSTORE.md section 2). */
	bool has_report;
	enum guest_state report_state;
	uint64_t report_seq;
	int64_t report_updated;
	char gate[16];

	/*
	 * While an image is pending (HIBERNATING, HIBERNATED, RESUMING) and
	 * after it closed: the image's record. Otherwise the running
	 * kernel's.
	 */
	bool has_record;
	struct record rec;

	bool has_snapshot;
	struct dom0d_snapshot snap;

	/* The last verdict dom0d reached for this UUID. */
	int verdict;			/* HOST_VERDICT_* */
	uint64_t verdict_seq;
	int64_t verdict_time;
	uint32_t verdict_fields;	/* 1 << enum field, critical ones */
	char verdict_reason[DOM0D_REASON_MAX + 1];

	enum dom0d_outcome outcome;
	int64_t closed;
	uint32_t cross_fields;		/* what the cross-check found */
	int last_shutdown;		/* enum hv_shutdown, -1 none seen */
	unsigned int hibernations, resumes, soft_resets, refusals;
};

/*
 * dom0d-entry.c
 */
void dom0d_entry_init(struct dom0d_entry *e, const uint8_t uuid[16]);

/*
 * The entry as text ("xen-handover-dom0d-entry 1" then key=value lines,
 * printable ASCII; the record as the hex of record_encode(), so its CRC
 * travels). Returns the length or -ENOBUFS / -EINVAL.
 */
int dom0d_entry_encode(const struct dom0d_entry *e, char *buf, size_t bufsz);

/*
 * Parse len bytes. 0, or e reset and: -EBADMSG (no header or a line that
 * is not key=value), -EILSEQ (a byte outside printable ASCII or an
 * unterminated line), -ENOTUNIQ (a key twice), -ENOKEY (uuid or phase
 * missing), -EINVAL (a bad value; the record's own errors come back as
 * -EINVAL), -EMSGSIZE (longer than DOM0D_ENTRY_MAX_SIZE). Unknown keys
 * are ignored.
 */
int dom0d_entry_decode(const char *text, size_t len, struct dom0d_entry *e);

const char *dom0d_phase_to_string(enum dom0d_phase p);
int dom0d_phase_from_string(const char *s);	/* -EINVAL if bad */
const char *dom0d_outcome_to_string(enum dom0d_outcome o);
int dom0d_outcome_from_string(const char *s);
/* "vcpus,ram" for the bits (1 << enum field) set; "" for none. */
void dom0d_fields_to_string(uint32_t fields, char *buf, size_t bufsz);
int dom0d_fields_from_string(const char *s, uint32_t *ret);

/* An image is pending: HIBERNATING, HIBERNATED or RESUMING, with record. */
bool dom0d_entry_pending(const struct dom0d_entry *e);

/*
 * Keep printable ASCII of a toolstack-provided name, at most
 * DOM0D_NAME_MAX bytes; anything else becomes '?'.
 */
void dom0d_sanitize_name(const char *in, size_t len, char *out,
    size_t outsz);

/*
 * dom0d-ingest.c: transitions. Each returns DOM0D_* bits saying what the
 * caller must do.
 */
#define DOM0D_CHANGED (1u << 0)		/* persist (may be coalesced) */
#define DOM0D_PHASE (1u << 1)		/* the phase changed: persist now */
#define DOM0D_VALIDATE (1u << 2)	/* recompute and publish the verdict */
#define DOM0D_CLOSED (1u << 3)		/* closed just now: log the outcome */

/* What dom0 knows at the moment of a transition. */
struct dom0d_facts {
	const struct hv_domain *dom;	/* the live domain, NULL if none */
	const struct hv_host *host;	/* NULL if unknown */
	int gnttab;			/* the live domain's, < 0 unknown */
	int64_t now;			/* Unix seconds */
};

/*
 * The read path's validation, shared by the daemon and the fuzz target:
 * get(userdata, name, buf, bufsz) returns a known node's length, -ENOENT
 * when it is absent, -EFBIG when longer than bufsz - 1, or another
 * -errno that aborts the read and is returned as is. Each known name is
 * read once, bounded to XSSCHEMA_VALUE_MAX, and the nodes are validated
 * by xsschema_parse_guest(). 0 and *ret; -ENOENT when neither schema nor
 * state exists; an xsschema error, with *ret_node naming the node at
 * fault when one can be named (a static string, never guest text).
 */
typedef int (*dom0d_get_fn)(void *userdata, const char *name, char *buf,
    size_t bufsz);
int dom0d_ingest_nodes(dom0d_get_fn get, void *userdata,
    struct xs_nodes *scratch, struct guest_report *ret,
    const char **ret_node);

/* A validated report (xsschema_parse_guest() returned 0). */
unsigned int dom0d_ingest_report(struct dom0d_entry *e,
    const struct guest_report *r, const struct dom0d_facts *f);
/* The live domain shut down with reason (enum hv_shutdown or other). */
unsigned int dom0d_ingest_shutdown(struct dom0d_entry *e, unsigned int reason,
    int64_t now);
/* The domain was destroyed. */
unsigned int dom0d_ingest_gone(struct dom0d_entry *e, int64_t now);
/* A domain with this UUID appeared (created, or rebuilt by a soft reset). */
unsigned int dom0d_ingest_created(struct dom0d_entry *e,
    const struct hv_domain *dom, int64_t now);

/*
 * dom0d-check.c
 */
enum dom0d_scope {
	SCOPE_HOST = 0,		/* no live domain: Xen version and features */
	SCOPE_DOMAIN,		/* and the live domain's type, vCPUs, memory,
				   grant-table version */
};

struct dom0d_check {
	int verdict;			/* HOST_VERDICT_* */
	enum dom0d_scope scope;
	bool pending;			/* the grant-table check waits */
	bool repairable;		/* all critical differences fixable */
	uint32_t fields;		/* critical: 1 << enum field */
	uint32_t unknown;		/* could not verify: 1 << enum field */
	struct diff_list diffs;
	char reason[DOM0D_REASON_MAX + 1];	/* printable ASCII */
};

struct dom0d_view {
	const struct hv_host *host;	/* required */
	const struct hv_domain *dom;	/* NULL: host scope only */
	int gnttab;			/* the live domain's, < 0 unknown */
	/* The guest kernel has certainly set its grant table up (it
	 * reported, or the settle time passed). */
	bool settled;
};

/*
 * Judge the entry's record against this host (and the live domain).
 * Only host-side facts: Xen version and the host-wide feature bits, FIFO
 * availability, guest type, vCPUs, memory (the snapshot's maxmem, or the
 * record's RAM as a lower bound), grant-table version. 0 or -EINVAL.
 * Entries with no pending image get HOST_VERDICT_UNKNOWN.
 */
int dom0d_validate(const struct dom0d_entry *e, const struct dom0d_view *v,
    struct dom0d_check *out);

/*
 * "Would this image be safe on Xen major.minor (offering features, if
 * has_features)?" for a pending entry: FIFO availability, the 2-level
 * image a FIFO-capable Xen breaks, lost host-wide features, soft reset
 * (4.7) for a repair. 0 or -EINVAL.
 */
int dom0d_preflight(const struct dom0d_entry *e, unsigned int major,
    unsigned int minor, bool has_features, uint32_t features,
    struct dom0d_check *out);

/*
 * After a resume: the image's record against what the resumed guest
 * reports (its running kernel's record, may be NULL) and the grant
 * version Xen has for it now (< 0 unknown). Returns the differing
 * critical fields (1 << enum field).
 */
uint32_t dom0d_crosscheck(const struct record *image,
    const struct record *resumed, int gnttab);

/* Parse "X.Y" (each 0..65535): 0 or -EINVAL. */
int dom0d_parse_xen_version(const char *s, unsigned int *major,
    unsigned int *minor);

#endif
