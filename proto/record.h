/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handover record: what a hibernation image expects of the Xen state
 * the boot kernel leaves behind, and who wrote it. Pure codec, no I/O.
 * The wire format is specified in proto/RECORD.md.
 */
#ifndef XH_RECORD_H
#define XH_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A whole encoded record (envelope + payload) fits one 512-byte sector. */
#define RECORD_MAX_SIZE 512
#define RECORD_HDR_SIZE 24
#define RECORD_MAX_PAYLOAD (RECORD_MAX_SIZE - RECORD_HDR_SIZE)
#define RECORD_MAGIC "XHRECORD"	/* 8 bytes, no terminator on disk */
#define RECORD_VERSION_MAJOR 1
#define RECORD_VERSION_MINOR 0

#define RECORD_BUILD_ID_MAX 32	/* bytes; GNU build-ids are 20 (sha1) */
#define RECORD_DIGEST_SIZE 16	/* bytes of SHA-256 kept for digests */
#define RECORD_RELEASE_MAX 64	/* utsname release, without NUL */
#define RECORD_XEN_EXTRA_MAX 32

enum guest_type {
	GUEST_UNKNOWN = 0,
	GUEST_PV,
	GUEST_PVH,
	GUEST_HVM,
	_GUEST_MAX,
};

enum evtchn_abi {
	EVTCHN_UNKNOWN = 0,
	EVTCHN_2L,
	EVTCHN_FIFO,
	_EVTCHN_MAX,
};

enum kaslr_state {
	KASLR_UNKNOWN = 0,
	KASLR_OFF,	/* "nokaslr": not randomised */
	KASLR_ON,	/* "kaslr": randomised */
	_KASLR_MAX,
};

enum record_state {
	RECORD_STATE_RUNNING = 0,
	RECORD_STATE_HIBERNATING,
	_RECORD_STATE_MAX,
};

/* A command-line knob: KNOB_UNSET when absent, else its parsed value. */
#define KNOB_UNSET (-1)

struct record_swap {
	bool has_uuid;
	uint8_t uuid[16];	/* mkswap UUID of the resume swap area */
	bool has_dev;
	uint32_t dev_major, dev_minor;
	uint64_t offset;	/* resume_offset, in pages */
};

struct record {
	/* Envelope (filled by decode; encode uses seq and writes 1.0). */
	uint8_t ver_major, ver_minor;
	uint64_t seq;

	/* Identity. */
	int64_t created;	/* seconds since the epoch */
	bool has_boot_id;
	uint8_t boot_id[16];
	bool has_domain_uuid;
	uint8_t domain_uuid[16];
	enum guest_type guest_type;
	bool has_xen_version;
	unsigned int xen_major, xen_minor;
	char xen_extra[RECORD_XEN_EXTRA_MAX + 1];
	bool has_xen_features;
	uint32_t xen_features;	/* XENFEAT_* submap 0 */
	char kernel_release[RECORD_RELEASE_MAX + 1];
	size_t build_id_len;	/* 0: unknown */
	uint8_t build_id[RECORD_BUILD_ID_MAX];
	/* Full command line, only when it fits the record (see RECORD.md). */
	bool has_cmdline;
	char cmdline[RECORD_MAX_PAYLOAD];

	/* Xen state. */
	enum evtchn_abi evtchn;
	int gnttab_version;	/* 0 unknown, 1, 2 */
	int knob_fifo_events;	/* xen.fifo_events=: KNOB_UNSET, 0, 1 */
	int knob_gnttab_version; /* grant_table.version=: KNOB_UNSET, 0..255 */
	enum kaslr_state kaslr;
	uint8_t cmdline_digest[RECORD_DIGEST_SIZE];
	unsigned int vcpus_possible;	/* 0: unknown */
	uint64_t ram_kib;		/* 0: unknown */
	bool has_memmap_digest;
	uint8_t memmap_digest[RECORD_DIGEST_SIZE];
	struct record_swap swap;
	enum record_state state;

	/*
	 * Lines with keys this reader does not know, verbatim, each ending in
	 * '\n'. Preserved on re-encode, otherwise ignored.
	 */
	size_t unknown_len;
	char unknown[RECORD_MAX_PAYLOAD];
};

/* Zero a record and set every field to "unknown"/unset. */
void record_init(struct record *r);

/*
 * Encode r into buf (bufsz bytes). Returns the encoded size (<= 512) or
 * -EMSGSIZE when it does not fit a record, -ENOBUFS when bufsz is too
 * small, -EINVAL when a field holds a value that cannot be encoded.
 * The full command line (when r->has_cmdline) is included only when the
 * whole record still fits; otherwise it is left out and only its digest
 * travels. Decoding the result tells which happened.
 */
int record_encode(const struct record *r, uint8_t *buf, size_t bufsz);

/*
 * Decode len bytes (one sector may hold trailing padding after the
 * record: only the envelope's payload length is read). On success fills
 * r and returns the record's size; on failure r is reset by record_init()
 * (every field unknown or unset: never
 * half-used) and a distinct negative errno says why:
 *   -ENOMSG        no record magic (empty or foreign sector)
 *   -ENODATA       truncated: fewer bytes than the envelope announces
 *   -EPROTONOSUPPORT  major version newer than this reader
 *   -EMSGSIZE      announced payload larger than a record may be
 *   -EBADMSG       CRC32C mismatch
 *   -EILSEQ        payload is not key=value lines of printable ASCII
 *   -ENOTUNIQ      a key appears twice
 *   -ENOKEY        a required key is missing
 *   -EINVAL        a known key has an invalid value
 */
int record_decode(const uint8_t *buf, size_t len, struct record *r);

/*
 * The payload alone, as key=value text (RECORD.md section 2), for
 * carriers that have their own framing (the xenstore "record" node,
 * proto/XENSTORE.md). record_encode_payload() writes exactly the bytes
 * record_encode() puts after the envelope, then a NUL; it returns their
 * length (without the NUL), -EINVAL or -EMSGSIZE as record_encode() does
 * (the payload must fit a record: at most RECORD_MAX_PAYLOAD bytes), or
 * -ENOBUFS when bufsz cannot hold the text and its terminator.
 */
int record_encode_payload(const struct record *r, char *buf, size_t bufsz);

/*
 * Decode len bytes of payload text (no envelope, no CRC, no terminator
 * needed; a NUL inside len is a syntax error). As strict as
 * record_decode() from its check 7 on. Returns len, or on failure resets
 * r and returns: -EMSGSIZE (len > RECORD_MAX_PAYLOAD), -EILSEQ, -ENOTUNIQ,
 * -EINVAL or -ENOKEY, with record_decode()'s meanings. The envelope
 * fields ver_major, ver_minor and seq stay 0: the carrier supplies seq.
 */
int record_decode_payload(const char *text, size_t len, struct record *r);

/* A precise message for a record_decode()/record_encode() error. */
const char *record_strerror(int err);

/* Short names used in the payload, in JSON and on screen. */
const char *guest_type_to_string(enum guest_type t);	/* "PV", ... */
enum guest_type guest_type_from_string(const char *s);	/* UNKNOWN if bad */
const char *evtchn_abi_to_string(enum evtchn_abi a);	/* "2l", "fifo" */
enum evtchn_abi evtchn_abi_from_string(const char *s);
const char *kaslr_state_to_string(enum kaslr_state k); /* "kaslr", ... */
enum kaslr_state kaslr_state_from_string(const char *s);
const char *record_state_to_string(enum record_state s);
int record_state_from_string(const char *s);	/* -EINVAL if bad */

#endif
