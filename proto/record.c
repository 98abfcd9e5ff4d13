// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The handover record codec. Wire format: proto/RECORD.md. Pure, no I/O.
 *
 * Decoding checks the envelope (magic, version, length, CRC32C), then the
 * syntax of the whole payload, then every line's key and value; a record
 * that fails any check is rejected as a whole and *r is reset.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "crc32c.h"
#include "record.h"

#define MAGIC_LEN 8
#define OFF_MAJOR 8
#define OFF_MINOR 9
#define OFF_LEN 10
#define OFF_CRC 12
#define OFF_SEQ 16

#define KEY_MAX 15		/* bytes in a key */
#define XEN_VER_MAX 65535	/* XENVER_version: 16 bits each */
#define GNTTAB_KNOB_MAX 255
#define DEV_MAJOR_MAX 4095	/* Linux dev_t: 12-bit major */
#define DEV_MINOR_MAX 0xfffff	/* 20-bit minor */

/* Known keys, in the order record_encode() writes them. */
enum key {
	K_TS, K_BID, K_DOM, K_GT, K_XV, K_XF, K_KR, K_KID,
	K_EVT, K_GNT, K_FE, K_GV, K_KS, K_CD, K_CPU, K_RAM, K_MM,
	K_SWU, K_SWD, K_SWO, K_ST, K_CL,
	_K_MAX,
};

static const struct {
	const char *name;
	bool required;
} keys[_K_MAX] = {
	[K_TS] = { "ts", true },
	[K_BID] = { "bid", false },
	[K_DOM] = { "dom", false },
	[K_GT] = { "gt", true },
	[K_XV] = { "xv", false },
	[K_XF] = { "xf", false },
	[K_KR] = { "kr", true },
	[K_KID] = { "kid", false },
	[K_EVT] = { "evt", true },
	[K_GNT] = { "gnt", true },
	[K_FE] = { "fe", true },
	[K_GV] = { "gv", true },
	[K_KS] = { "ks", true },
	[K_CD] = { "cd", true },
	[K_CPU] = { "cpu", true },
	[K_RAM] = { "ram", true },
	[K_MM] = { "mm", false },
	[K_SWU] = { "swu", false },
	[K_SWD] = { "swd", false },
	[K_SWO] = { "swo", true },
	[K_ST] = { "st", true },
	[K_CL] = { "cl", false },
};

static const char *const guest_type_names[_GUEST_MAX] = {
	[GUEST_UNKNOWN] = "unknown",
	[GUEST_PV] = "PV",
	[GUEST_PVH] = "PVH",
	[GUEST_HVM] = "HVM",
};

static const char *const evtchn_names[_EVTCHN_MAX] = {
	[EVTCHN_UNKNOWN] = "unknown",
	[EVTCHN_2L] = "2l",
	[EVTCHN_FIFO] = "fifo",
};

static const char *const kaslr_names[_KASLR_MAX] = {
	[KASLR_UNKNOWN] = "unknown",
	[KASLR_OFF] = "nokaslr",
	[KASLR_ON] = "kaslr",
};

static const char *const state_names[_RECORD_STATE_MAX] = {
	[RECORD_STATE_RUNNING] = "running",
	[RECORD_STATE_HIBERNATING] = "hibernating",
};

/* gnt= values, indexed by grant-table version (0 = unknown). */
static const char *const gnttab_names[3] = { "unknown", "1", "2" };

/* One payload line, pointing into the payload. */
struct line {
	const char *key;
	size_t klen;
	const char *val;
	size_t vlen;
};

/* A bounded output buffer; full is sticky once anything did not fit. */
struct out {
	char *p;
	size_t len, cap;
	bool full;
};

static bool
is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool
is_value_char(char c)
{
	return c >= 0x20 && c <= 0x7e;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
all_printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_value_char(s[i]))
			return false;
	return true;
}

static uint16_t
get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void
put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* CRC32C of a whole record with its CRC field taken as zero. */
static uint32_t
record_crc(const uint8_t *rec, size_t size)
{
	static const uint8_t zero[4];
	uint32_t crc;

	crc = crc32c(0, rec, OFF_CRC);
	crc = crc32c(crc, zero, sizeof(zero));
	return crc32c(crc, rec + OFF_SEQ, size - OFF_SEQ);
}

/*
 * Output helpers.
 */

static void
out_mem(struct out *o, const void *p, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void
out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void
out_char(struct out *o, char c)
{
	out_mem(o, &c, 1);
}

static void
out_u64(struct out *o, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	out_mem(o, tmp + i, sizeof(tmp) - i);
}

static void
out_hex(struct out *o, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out_char(o, digits[p[i] >> 4]);
		out_char(o, digits[p[i] & 0xf]);
	}
}

static void
out_key(struct out *o, enum key k)
{
	out_str(o, keys[k].name);
	out_char(o, '=');
}

/*
 * Value parsers: v/n is a value from a syntactically valid line (printable
 * ASCII, not terminated). All return 0 or -EINVAL.
 */

/* Canonical decimal: digits only, no leading zero, at most max. */
static int
parse_dec(const char *v, size_t n, uint64_t max, uint64_t *ret)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || (n > 1 && v[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned int d;

		if (!is_digit(v[i]))
			return -EINVAL;
		d = (unsigned int)(v[i] - '0');
		if (d > max || x > (max - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*ret = x;
	return 0;
}

/* Exactly 2 * size lower-case hex digits. */
static int
parse_hex(const char *v, size_t n, uint8_t *out, size_t size)
{
	size_t i;

	if (n != 2 * size)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = v[i];
		unsigned int d;

		if (is_digit(c))
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			return -EINVAL;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(d << 4);
		else
			out[i / 2] |= (uint8_t)d;
	}
	return 0;
}

/* Index of v in names[0..count), or -EINVAL. */
static int
parse_name(const char *v, size_t n, const char *const *names, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(names[i], v, n) == 0)
			return (int)i;
	return -EINVAL;
}

/* Copy a string value into dst (dstsz bytes with the terminator). */
static int
parse_text(const char *v, size_t n, char *dst, size_t dstsz)
{
	if (n >= dstsz)
		return -EINVAL;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/* "<major>.<minor><extra>"; minor is the longest run of digits. */
static int
parse_xen_version(const char *v, size_t n, struct record *r)
{
	uint64_t major, minor;
	size_t i = 0, start;

	while (i < n && is_digit(v[i]))
		i++;
	if (parse_dec(v, i, XEN_VER_MAX, &major) < 0)
		return -EINVAL;
	if (i >= n || v[i] != '.')
		return -EINVAL;
	start = ++i;
	while (i < n && is_digit(v[i]))
		i++;
	if (parse_dec(v + start, i - start, XEN_VER_MAX, &minor) < 0)
		return -EINVAL;
	if (parse_text(v + i, n - i, r->xen_extra, sizeof(r->xen_extra)) < 0)
		return -EINVAL;
	r->xen_major = (unsigned int)major;
	r->xen_minor = (unsigned int)minor;
	r->has_xen_version = true;
	return 0;
}

/* "<major>:<minor>" of a block device. */
static int
parse_dev(const char *v, size_t n, struct record_swap *s)
{
	const char *colon = memchr(v, ':', n);
	uint64_t major, minor;

	if (!colon)
		return -EINVAL;
	if (parse_dec(v, (size_t)(colon - v), DEV_MAJOR_MAX, &major) < 0 ||
	    parse_dec(colon + 1, n - (size_t)(colon - v) - 1, DEV_MINOR_MAX,
	    &minor) < 0)
		return -EINVAL;
	s->dev_major = (uint32_t)major;
	s->dev_minor = (uint32_t)minor;
	s->has_dev = true;
	return 0;
}

/* "-" (unset) or a decimal no larger than max. */
static int
parse_knob(const char *v, size_t n, uint64_t max, int *ret)
{
	uint64_t x;

	if (n == 1 && v[0] == '-') {
		*ret = KNOB_UNSET;
		return 0;
	}
	if (parse_dec(v, n, max, &x) < 0)
		return -EINVAL;
	*ret = (int)x;
	return 0;
}

static int
parse_value(enum key k, const char *v, size_t n, struct record *r)
{
	uint64_t x;
	uint8_t word[4];
	int i;

	switch (k) {
	case K_TS:
		if (parse_dec(v, n, INT64_MAX, &x) < 0)
			return -EINVAL;
		r->created = (int64_t)x;
		return 0;
	case K_BID:
		r->has_boot_id = true;
		return parse_hex(v, n, r->boot_id, sizeof(r->boot_id));
	case K_DOM:
		r->has_domain_uuid = true;
		return parse_hex(v, n, r->domain_uuid,
		    sizeof(r->domain_uuid));
	case K_GT:
		if ((i = parse_name(v, n, guest_type_names, _GUEST_MAX)) < 0)
			return -EINVAL;
		r->guest_type = (enum guest_type)i;
		return 0;
	case K_XV:
		return parse_xen_version(v, n, r);
	case K_XF:
		if (parse_hex(v, n, word, sizeof(word)) < 0)
			return -EINVAL;
		r->xen_features = (uint32_t)word[0] << 24 |
		    (uint32_t)word[1] << 16 | (uint32_t)word[2] << 8 | word[3];
		r->has_xen_features = true;
		return 0;
	case K_KR:
		if (n == 0)
			return -EINVAL;
		return parse_text(v, n, r->kernel_release,
		    sizeof(r->kernel_release));
	case K_KID:
		if (n == 0 || n % 2 != 0 || n / 2 > RECORD_BUILD_ID_MAX)
			return -EINVAL;
		r->build_id_len = n / 2;
		return parse_hex(v, n, r->build_id, n / 2);
	case K_EVT:
		if ((i = parse_name(v, n, evtchn_names, _EVTCHN_MAX)) < 0)
			return -EINVAL;
		r->evtchn = (enum evtchn_abi)i;
		return 0;
	case K_GNT:
		if ((i = parse_name(v, n, gnttab_names, 3)) < 0)
			return -EINVAL;
		r->gnttab_version = i;
		return 0;
	case K_FE:
		return parse_knob(v, n, 1, &r->knob_fifo_events);
	case K_GV:
		return parse_knob(v, n, GNTTAB_KNOB_MAX,
		    &r->knob_gnttab_version);
	case K_KS:
		if ((i = parse_name(v, n, kaslr_names, _KASLR_MAX)) < 0)
			return -EINVAL;
		r->kaslr = (enum kaslr_state)i;
		return 0;
	case K_CD:
		return parse_hex(v, n, r->cmdline_digest,
		    sizeof(r->cmdline_digest));
	case K_CPU:
		if (parse_dec(v, n, UINT_MAX, &x) < 0)
			return -EINVAL;
		r->vcpus_possible = (unsigned int)x;
		return 0;
	case K_RAM:
		return parse_dec(v, n, UINT64_MAX, &r->ram_kib);
	case K_MM:
		r->has_memmap_digest = true;
		return parse_hex(v, n, r->memmap_digest,
		    sizeof(r->memmap_digest));
	case K_SWU:
		r->swap.has_uuid = true;
		return parse_hex(v, n, r->swap.uuid, sizeof(r->swap.uuid));
	case K_SWD:
		return parse_dev(v, n, &r->swap);
	case K_SWO:
		return parse_dec(v, n, UINT64_MAX, &r->swap.offset);
	case K_ST:
		if ((i = parse_name(v, n, state_names,
		    _RECORD_STATE_MAX)) < 0)
			return -EINVAL;
		r->state = (enum record_state)i;
		return 0;
	case K_CL:
		r->has_cmdline = true;
		return parse_text(v, n, r->cmdline, sizeof(r->cmdline));
	case _K_MAX:
		break;
	}
	return -EINVAL;
}

/*
 * Split the line at the start of p (n bytes left): a key of [a-z0-9_],
 * '=', printable ASCII, '\n'. Returns the line's length with its newline,
 * or -EILSEQ.
 */
static int
split_line(const char *p, size_t n, struct line *l)
{
	size_t i = 0;

	while (i < n && i <= KEY_MAX && is_key_char(p[i]))
		i++;
	if (i == 0 || i > KEY_MAX || i >= n || p[i] != '=')
		return -EILSEQ;
	l->key = p;
	l->klen = i++;
	l->val = p + i;
	while (i < n && is_value_char(p[i]))
		i++;
	if (i >= n || p[i] != '\n')
		return -EILSEQ;
	l->vlen = (size_t)(p + i - l->val);
	return (int)(i + 1);
}

static int
lookup_key(const struct line *l)
{
	int k;

	for (k = 0; k < _K_MAX; k++)
		if (strlen(keys[k].name) == l->klen &&
		    memcmp(keys[k].name, l->key, l->klen) == 0)
			return k;
	return -1;
}

/* Does the block of lines p/n hold a line with l's key? */
static bool
lines_have_key(const char *p, size_t n, const struct line *l)
{
	size_t i = 0;

	while (i < n) {
		struct line o;
		int used = split_line(p + i, n - i, &o);

		if (used < 0)
			return false;
		if (o.klen == l->klen && memcmp(o.key, l->key, l->klen) == 0)
			return true;
		i += (size_t)used;
	}
	return false;
}

/*
 * Check that p/n is a block of well-formed lines whose keys are unknown
 * to this reader and unique: what may travel in r->unknown.
 */
static int
check_unknown(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct line l;
		int used = split_line(p + i, n - i, &l);

		if (used < 0 || lookup_key(&l) >= 0 ||
		    lines_have_key(p, i, &l))
			return -EINVAL;
		i += (size_t)used;
	}
	return 0;
}

static int
decode_payload(const char *p, size_t n, struct record *r)
{
	bool seen[_K_MAX] = { false };
	size_t i;
	int k, used;

	/* Syntax first, so a damaged payload says so whatever it holds. */
	for (i = 0; i < n; i += (size_t)used) {
		struct line l;

		if ((used = split_line(p + i, n - i, &l)) < 0)
			return used;
	}
	for (i = 0; i < n; i += (size_t)used) {
		struct line l;

		used = split_line(p + i, n - i, &l);
		k = lookup_key(&l);
		if (k < 0) {
			if (lines_have_key(r->unknown, r->unknown_len, &l))
				return -ENOTUNIQ;
			/* Fits: the payload is no larger than the buffer. */
			memcpy(r->unknown + r->unknown_len, p + i,
			    (size_t)used);
			r->unknown_len += (size_t)used;
			continue;
		}
		if (seen[k])
			return -ENOTUNIQ;
		seen[k] = true;
		if (parse_value((enum key)k, l.val, l.vlen, r) < 0)
			return -EINVAL;
	}
	for (k = 0; k < _K_MAX; k++)
		if (keys[k].required && !seen[k])
			return -ENOKEY;
	return 0;
}

static int
decode(const uint8_t *buf, size_t len, struct record *r)
{
	size_t plen, size;

	if (len < MAGIC_LEN)
		return len > 0 && memcmp(buf, RECORD_MAGIC, len) == 0 ?
		    -ENODATA : -ENOMSG;
	if (memcmp(buf, RECORD_MAGIC, MAGIC_LEN) != 0)
		return -ENOMSG;
	if (len <= OFF_MAJOR)
		return -ENODATA;
	/* A different major may lay out the rest differently: stop here. */
	if (buf[OFF_MAJOR] != RECORD_VERSION_MAJOR)
		return -EPROTONOSUPPORT;
	if (len < RECORD_HDR_SIZE)
		return -ENODATA;
	plen = get_le16(buf + OFF_LEN);
	if (plen > RECORD_MAX_PAYLOAD)
		return -EMSGSIZE;
	size = RECORD_HDR_SIZE + plen;
	if (len < size)
		return -ENODATA;
	if (record_crc(buf, size) != get_le32(buf + OFF_CRC))
		return -EBADMSG;
	r->ver_major = buf[OFF_MAJOR];
	r->ver_minor = buf[OFF_MINOR];
	r->seq = get_le64(buf + OFF_SEQ);
	return decode_payload((const char *)buf + RECORD_HDR_SIZE, plen, r);
}

int
record_decode(const uint8_t *buf, size_t len, struct record *r)
{
	int ret;

	record_init(r);
	ret = decode(buf, len, r);
	if (ret < 0) {
		record_init(r);
		return ret;
	}
	return (int)(RECORD_HDR_SIZE + get_le16(buf + OFF_LEN));
}

void
record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->knob_fifo_events = KNOB_UNSET;
	r->knob_gnttab_version = KNOB_UNSET;
}

/* A NUL-terminated string of at most max bytes in a buffer of max + 1. */
static bool
valid_text(const char *s, size_t bufsz, bool allow_empty)
{
	size_t n = strnlen(s, bufsz);

	return n < bufsz && (allow_empty || n > 0) && all_printable(s, n);
}

static int
validate(const struct record *r)
{
	if (r->created < 0)
		return -EINVAL;
	if ((unsigned int)r->guest_type >= _GUEST_MAX ||
	    (unsigned int)r->evtchn >= _EVTCHN_MAX ||
	    (unsigned int)r->kaslr >= _KASLR_MAX ||
	    (unsigned int)r->state >= _RECORD_STATE_MAX)
		return -EINVAL;
	if (r->has_xen_version &&
	    (r->xen_major > XEN_VER_MAX || r->xen_minor > XEN_VER_MAX ||
	    !valid_text(r->xen_extra, sizeof(r->xen_extra), true) ||
	    is_digit(r->xen_extra[0])))
		return -EINVAL;
	if (!valid_text(r->kernel_release, sizeof(r->kernel_release), false))
		return -EINVAL;
	if (r->build_id_len > RECORD_BUILD_ID_MAX)
		return -EINVAL;
	if (r->gnttab_version < 0 || r->gnttab_version > 2)
		return -EINVAL;
	if (r->knob_fifo_events < KNOB_UNSET || r->knob_fifo_events > 1)
		return -EINVAL;
	if (r->knob_gnttab_version < KNOB_UNSET ||
	    r->knob_gnttab_version > GNTTAB_KNOB_MAX)
		return -EINVAL;
	if (r->swap.has_dev && (r->swap.dev_major > DEV_MAJOR_MAX ||
	    r->swap.dev_minor > DEV_MINOR_MAX))
		return -EINVAL;
	if (r->has_cmdline &&
	    strnlen(r->cmdline, sizeof(r->cmdline)) == sizeof(r->cmdline))
		return -EINVAL;
	if (r->unknown_len > sizeof(r->unknown) ||
	    check_unknown(r->unknown, r->unknown_len) < 0)
		return -EINVAL;
	return 0;
}

/* Every known key but cl, in table order. */
static void
encode_known(const struct record *r, struct out *o)
{
	uint8_t word[4];

	out_key(o, K_TS);
	out_u64(o, (uint64_t)r->created);
	out_char(o, '\n');
	if (r->has_boot_id) {
		out_key(o, K_BID);
		out_hex(o, r->boot_id, sizeof(r->boot_id));
		out_char(o, '\n');
	}
	if (r->has_domain_uuid) {
		out_key(o, K_DOM);
		out_hex(o, r->domain_uuid, sizeof(r->domain_uuid));
		out_char(o, '\n');
	}
	out_key(o, K_GT);
	out_str(o, guest_type_names[r->guest_type]);
	out_char(o, '\n');
	if (r->has_xen_version) {
		out_key(o, K_XV);
		out_u64(o, r->xen_major);
		out_char(o, '.');
		out_u64(o, r->xen_minor);
		out_str(o, r->xen_extra);
		out_char(o, '\n');
	}
	if (r->has_xen_features) {
		word[0] = (uint8_t)(r->xen_features >> 24);
		word[1] = (uint8_t)(r->xen_features >> 16);
		word[2] = (uint8_t)(r->xen_features >> 8);
		word[3] = (uint8_t)r->xen_features;
		out_key(o, K_XF);
		out_hex(o, word, sizeof(word));
		out_char(o, '\n');
	}
	out_key(o, K_KR);
	out_str(o, r->kernel_release);
	out_char(o, '\n');
	if (r->build_id_len > 0) {
		out_key(o, K_KID);
		out_hex(o, r->build_id, r->build_id_len);
		out_char(o, '\n');
	}
	out_key(o, K_EVT);
	out_str(o, evtchn_names[r->evtchn]);
	out_char(o, '\n');
	out_key(o, K_GNT);
	out_str(o, gnttab_names[r->gnttab_version]);
	out_char(o, '\n');
	out_key(o, K_FE);
	if (r->knob_fifo_events == KNOB_UNSET)
		out_char(o, '-');
	else
		out_u64(o, (uint64_t)r->knob_fifo_events);
	out_char(o, '\n');
	out_key(o, K_GV);
	if (r->knob_gnttab_version == KNOB_UNSET)
		out_char(o, '-');
	else
		out_u64(o, (uint64_t)r->knob_gnttab_version);
	out_char(o, '\n');
	out_key(o, K_KS);
	out_str(o, kaslr_names[r->kaslr]);
	out_char(o, '\n');
	out_key(o, K_CD);
	out_hex(o, r->cmdline_digest, sizeof(r->cmdline_digest));
	out_char(o, '\n');
	out_key(o, K_CPU);
	out_u64(o, r->vcpus_possible);
	out_char(o, '\n');
	out_key(o, K_RAM);
	out_u64(o, r->ram_kib);
	out_char(o, '\n');
	if (r->has_memmap_digest) {
		out_key(o, K_MM);
		out_hex(o, r->memmap_digest, sizeof(r->memmap_digest));
		out_char(o, '\n');
	}
	if (r->swap.has_uuid) {
		out_key(o, K_SWU);
		out_hex(o, r->swap.uuid, sizeof(r->swap.uuid));
		out_char(o, '\n');
	}
	if (r->swap.has_dev) {
		out_key(o, K_SWD);
		out_u64(o, r->swap.dev_major);
		out_char(o, ':');
		out_u64(o, r->swap.dev_minor);
		out_char(o, '\n');
	}
	out_key(o, K_SWO);
	out_u64(o, r->swap.offset);
	out_char(o, '\n');
	out_key(o, K_ST);
	out_str(o, state_names[r->state]);
	out_char(o, '\n');
}

/*
 * The whole payload into o (whose capacity is RECORD_MAX_PAYLOAD): the
 * known keys, cl when it still fits, the unknown lines. 0, -EINVAL or
 * -EMSGSIZE.
 */
static int
encode_payload(const struct record *r, struct out *o)
{
	int ret;

	if ((ret = validate(r)) < 0)
		return ret;
	encode_known(r, o);
	if (r->has_cmdline) {
		size_t n = strlen(r->cmdline);

		/* Only when printable and the whole record still fits. */
		if (all_printable(r->cmdline, n) &&
		    strlen(keys[K_CL].name) + n + 2 + r->unknown_len <=
		    o->cap - o->len) {
			out_key(o, K_CL);
			out_mem(o, r->cmdline, n);
			out_char(o, '\n');
		}
	}
	out_mem(o, r->unknown, r->unknown_len);
	return o->full ? -EMSGSIZE : 0;
}

int
record_encode(const struct record *r, uint8_t *buf, size_t bufsz)
{
	uint8_t rec[RECORD_MAX_SIZE];
	struct out o = {
		.p = (char *)rec + RECORD_HDR_SIZE,
		.cap = RECORD_MAX_PAYLOAD,
	};
	size_t size;
	int ret;

	if ((ret = encode_payload(r, &o)) < 0)
		return ret;

	memcpy(rec, RECORD_MAGIC, MAGIC_LEN);
	rec[OFF_MAJOR] = RECORD_VERSION_MAJOR;
	rec[OFF_MINOR] = RECORD_VERSION_MINOR;
	put_le16(rec + OFF_LEN, (uint16_t)o.len);
	put_le32(rec + OFF_CRC, 0);
	put_le64(rec + OFF_SEQ, r->seq);
	size = RECORD_HDR_SIZE + o.len;
	put_le32(rec + OFF_CRC, record_crc(rec, size));
	if (size > bufsz)
		return -ENOBUFS;
	memcpy(buf, rec, size);
	return (int)size;
}

int
record_encode_payload(const struct record *r, char *buf, size_t bufsz)
{
	char text[RECORD_MAX_PAYLOAD];
	struct out o = { .p = text, .cap = sizeof(text) };
	int ret;

	if ((ret = encode_payload(r, &o)) < 0)
		return ret;
	if (bufsz == 0 || o.len > bufsz - 1)
		return -ENOBUFS;
	memcpy(buf, text, o.len);
	buf[o.len] = '\0';
	return (int)o.len;
}

int
record_decode_payload(const char *text, size_t len, struct record *r)
{
	int ret;

	record_init(r);
	if (len > RECORD_MAX_PAYLOAD)
		return -EMSGSIZE;
	ret = decode_payload(text, len, r);
	if (ret < 0) {
		record_init(r);
		return ret;
	}
	return (int)len;
}

const char *
record_strerror(int err)
{
	if (err > 0)
		err = -err;
	switch (err) {
	case 0:
		return "success";
	case -ENOMSG:
		return "no handover record (magic missing)";
	case -ENODATA:
		return "handover record truncated";
	case -EPROTONOSUPPORT:
		return "handover record major version not supported";
	case -EMSGSIZE:
		return "handover record larger than 512 bytes";
	case -EBADMSG:
		return "handover record CRC32C mismatch";
	case -EILSEQ:
		return "handover record payload is not key=value lines";
	case -ENOTUNIQ:
		return "handover record has a duplicate key";
	case -ENOKEY:
		return "handover record lacks a required key";
	case -EINVAL:
		return "handover record field has an invalid value";
	case -ENOBUFS:
		return "buffer too small for the handover record";
	default:
		return "unexpected handover record error";
	}
}

static const char *
name_of(const char *const *names, size_t count, int i)
{
	return i >= 0 && (size_t)i < count ? names[i] : "invalid";
}

static int
index_of(const char *const *names, size_t count, const char *s)
{
	return s ? parse_name(s, strlen(s), names, count) : -EINVAL;
}

const char *
guest_type_to_string(enum guest_type t)
{
	return name_of(guest_type_names, _GUEST_MAX, (int)t);
}

enum guest_type
guest_type_from_string(const char *s)
{
	int i = index_of(guest_type_names, _GUEST_MAX, s);

	return i < 0 ? GUEST_UNKNOWN : (enum guest_type)i;
}

const char *
evtchn_abi_to_string(enum evtchn_abi a)
{
	return name_of(evtchn_names, _EVTCHN_MAX, (int)a);
}

enum evtchn_abi
evtchn_abi_from_string(const char *s)
{
	int i = index_of(evtchn_names, _EVTCHN_MAX, s);

	return i < 0 ? EVTCHN_UNKNOWN : (enum evtchn_abi)i;
}

const char *
kaslr_state_to_string(enum kaslr_state k)
{
	return name_of(kaslr_names, _KASLR_MAX, (int)k);
}

enum kaslr_state
kaslr_state_from_string(const char *s)
{
	int i = index_of(kaslr_names, _KASLR_MAX, s);

	return i < 0 ? KASLR_UNKNOWN : (enum kaslr_state)i;
}

const char *
record_state_to_string(enum record_state s)
{
	return name_of(state_names, _RECORD_STATE_MAX, (int)s);
}

int
record_state_from_string(const char *s)
{
	return index_of(state_names, _RECORD_STATE_MAX, s);
}
