// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for the handover record codec (proto/record.c, RECORD.md):
 * round trips, corruption and truncation, size limits, compatibility
 * rules, and one crafted record for every error the decoder reports.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "record.h"
#include "sha256.h"

#define CMDLINE "BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-amd64 " \
	"root=UUID=5f0c8d3e-1b2a-4c5d-9e8f-0a1b2c3d4e5f ro quiet"

static void	set_cmdline(struct record *, const char *);
static void	fill_typical(struct record *);
static void	fill_full(struct record *);
static void	fill_minimal(struct record *);
static void	assert_record_eq(const struct record *, const struct record *);
static void	assert_reset(const struct record *);
static size_t	craft(uint8_t *, uint8_t, uint8_t, const char *);
static void	base_payload(char *, size_t, const char *, const char *);
static int	decode_payload(const char *, struct record *);

/* The record's digest of a command line: SHA-256, first 16 bytes. */
static void
set_cmdline(struct record *r, const char *cl)
{
	uint8_t d[SHA256_DIGEST_SIZE];

	snprintf(r->cmdline, sizeof(r->cmdline), "%s", cl);
	r->has_cmdline = true;
	sha256(cl, strlen(cl), d);
	memcpy(r->cmdline_digest, d, RECORD_DIGEST_SIZE);
}

/* What a Debian 12 HVM guest writes before hibernating (no cl). */
static void
fill_typical(struct record *r)
{
	size_t i;

	record_init(r);
	r->seq = 42;
	r->created = 1732200000;
	r->has_boot_id = true;
	for (i = 0; i < 16; i++)
		r->boot_id[i] = (uint8_t)(0x10 + i);
	r->has_domain_uuid = true;
	for (i = 0; i < 16; i++)
		r->domain_uuid[i] = (uint8_t)(0xf0 - i);
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	strcpy(r->xen_extra, ".3");
	r->has_xen_features = true;
	r->xen_features = 0x00002705;
	strcpy(r->kernel_release, "6.1.0-28-amd64");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->kaslr = KASLR_ON;
	set_cmdline(r, CMDLINE);
	r->has_cmdline = false;
	r->cmdline[0] = '\0';
	r->vcpus_possible = 2;
	r->ram_kib = 2097152;
	r->has_memmap_digest = true;
	for (i = 0; i < 16; i++)
		r->memmap_digest[i] = (uint8_t)(0x55 ^ i);
	r->swap.has_uuid = true;
	for (i = 0; i < 16; i++)
		r->swap.uuid[i] = (uint8_t)(0x30 + 3 * i);
	r->swap.has_dev = true;
	r->swap.dev_major = 254;
	r->swap.dev_minor = 2;
	r->swap.offset = 0;
	r->state = RECORD_STATE_HIBERNATING;
}

/* Every field set, non-default values, the command line included. */
static void
fill_full(struct record *r)
{
	fill_typical(r);
	r->seq = 0x0123456789abcdefull;
	strcpy(r->xen_extra, "-rc");
	r->build_id_len = RECORD_BUILD_ID_MAX;
	r->evtchn = EVTCHN_2L;
	r->gnttab_version = 2;
	r->knob_fifo_events = 0;
	r->knob_gnttab_version = 2;
	r->kaslr = KASLR_OFF;
	r->swap.offset = 123456;
	set_cmdline(r, "root=/dev/xvda1 xen.fifo_events=0 "
	    "grant_table.version=2 nokaslr");
}

/* Only what a record must carry. */
static void
fill_minimal(struct record *r)
{
	record_init(r);
	strcpy(r->kernel_release, "6.12.0");
}

static void
assert_record_eq(const struct record *a, const struct record *b)
{
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_int_eq(a->created, b->created);
	ck_assert_int_eq(a->has_boot_id, b->has_boot_id);
	ck_assert_mem_eq(a->boot_id, b->boot_id, sizeof(a->boot_id));
	ck_assert_int_eq(a->has_domain_uuid, b->has_domain_uuid);
	ck_assert_mem_eq(a->domain_uuid, b->domain_uuid,
	    sizeof(a->domain_uuid));
	ck_assert_int_eq(a->guest_type, b->guest_type);
	ck_assert_int_eq(a->has_xen_version, b->has_xen_version);
	ck_assert_uint_eq(a->xen_major, b->xen_major);
	ck_assert_uint_eq(a->xen_minor, b->xen_minor);
	ck_assert_str_eq(a->xen_extra, b->xen_extra);
	ck_assert_int_eq(a->has_xen_features, b->has_xen_features);
	ck_assert_uint_eq(a->xen_features, b->xen_features);
	ck_assert_str_eq(a->kernel_release, b->kernel_release);
	ck_assert_uint_eq(a->build_id_len, b->build_id_len);
	ck_assert_mem_eq(a->build_id, b->build_id, a->build_id_len);
	ck_assert_int_eq(a->has_cmdline, b->has_cmdline);
	ck_assert_str_eq(a->cmdline, b->cmdline);
	ck_assert_int_eq(a->evtchn, b->evtchn);
	ck_assert_int_eq(a->gnttab_version, b->gnttab_version);
	ck_assert_int_eq(a->knob_fifo_events, b->knob_fifo_events);
	ck_assert_int_eq(a->knob_gnttab_version, b->knob_gnttab_version);
	ck_assert_int_eq(a->kaslr, b->kaslr);
	ck_assert_mem_eq(a->cmdline_digest, b->cmdline_digest,
	    RECORD_DIGEST_SIZE);
	ck_assert_uint_eq(a->vcpus_possible, b->vcpus_possible);
	ck_assert_uint_eq(a->ram_kib, b->ram_kib);
	ck_assert_int_eq(a->has_memmap_digest, b->has_memmap_digest);
	ck_assert_mem_eq(a->memmap_digest, b->memmap_digest,
	    RECORD_DIGEST_SIZE);
	ck_assert_int_eq(a->swap.has_uuid, b->swap.has_uuid);
	ck_assert_mem_eq(a->swap.uuid, b->swap.uuid, 16);
	ck_assert_int_eq(a->swap.has_dev, b->swap.has_dev);
	ck_assert_uint_eq(a->swap.dev_major, b->swap.dev_major);
	ck_assert_uint_eq(a->swap.dev_minor, b->swap.dev_minor);
	ck_assert_uint_eq(a->swap.offset, b->swap.offset);
	ck_assert_int_eq(a->state, b->state);
	ck_assert_uint_eq(a->unknown_len, b->unknown_len);
	ck_assert_mem_eq(a->unknown, b->unknown, a->unknown_len);
}

/* After a failed decode the record holds nothing from the input. */
static void
assert_reset(const struct record *r)
{
	struct record z;

	record_init(&z);
	ck_assert_msg(memcmp(r, &z, sizeof(z)) == 0,
	    "record not reset after a failed decode");
}

/*
 * Build a record around payload by hand, with a correct CRC32C, so that a
 * crafted payload meets the syntax checks rather than the CRC check.
 */
static size_t
craft(uint8_t *buf, uint8_t major, uint8_t minor, const char *payload)
{
	size_t n = strlen(payload);
	uint32_t crc;

	ck_assert_uint_le(n, 0xffff - RECORD_HDR_SIZE);
	memcpy(buf, "XHRECORD", 8);
	buf[8] = major;
	buf[9] = minor;
	buf[10] = (uint8_t)n;
	buf[11] = (uint8_t)(n >> 8);
	memset(buf + 12, 0, 4);
	memcpy(buf + 16, "\x07\0\0\0\0\0\0\0", 8);
	memcpy(buf + RECORD_HDR_SIZE, payload, n);
	crc = crc32c(0, buf, RECORD_HDR_SIZE + n);
	buf[12] = (uint8_t)crc;
	buf[13] = (uint8_t)(crc >> 8);
	buf[14] = (uint8_t)(crc >> 16);
	buf[15] = (uint8_t)(crc >> 24);
	return RECORD_HDR_SIZE + n;
}

static const char *const base_lines[] = {
	"ts=1732200000",
	"bid=101112131415161718191a1b1c1d1e1f",
	"dom=f0efeeedecebeae9e8e7e6e5e4e3e2e1",
	"gt=HVM",
	"xv=4.17.3",
	"xf=00002705",
	"kr=6.1.0-28-amd64",
	"kid=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3",
	"evt=fifo",
	"gnt=1",
	"fe=-",
	"gv=-",
	"ks=kaslr",
	"cd=000102030405060708090a0b0c0d0e0f",
	"cpu=2",
	"ram=2097152",
	"mm=55545756515053525d5c5f5e59585b5a",
	"swu=303336393c3f4245484b4e5154575a5d",
	"swd=254:2",
	"swo=0",
	"st=hibernating",
};

#define N_BASE (sizeof(base_lines) / sizeof(base_lines[0]))

/*
 * The base payload with the line of key replaced by line (NULL: dropped);
 * a key not in the base appends line.
 */
static void
base_payload(char *out, size_t outsz, const char *key, const char *line)
{
	size_t i, klen = key ? strlen(key) : 0, len = 0;
	bool done = false;

	out[0] = '\0';
	for (i = 0; i < N_BASE; i++) {
		const char *l = base_lines[i];

		if (key && strncmp(l, key, klen) == 0 && l[klen] == '=') {
			done = true;
			l = line;
		}
		if (l)
			len += (size_t)snprintf(out + len, outsz - len,
			    "%s\n", l);
	}
	if (key && !done && line)
		len += (size_t)snprintf(out + len, outsz - len, "%s\n", line);
	ck_assert_uint_lt(len, outsz);
}

static int
decode_payload(const char *payload, struct record *r)
{
	uint8_t buf[1024];
	size_t n;

	ck_assert_uint_le(strlen(payload), sizeof(buf) - RECORD_HDR_SIZE);
	n = craft(buf, 1, 0, payload);
	memset(r, 0xa5, sizeof(*r));
	return record_decode(buf, n, r);
}

/*
 * Round trips
 */

START_TEST(test_roundtrip_full)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_full(&in);
	in.ver_major = 7;
	in.ver_minor = 9;
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, RECORD_HDR_SIZE);
	ck_assert_int_le(n, RECORD_MAX_SIZE);
	/* Version 1.0 is written whatever the record says. */
	ck_assert_uint_eq(buf[8], 1);
	ck_assert_uint_eq(buf[9], 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert_uint_eq(out.ver_major, 1);
	ck_assert_uint_eq(out.ver_minor, 0);
	ck_assert(out.has_cmdline);
	assert_record_eq(&in, &out);
}
END_TEST

START_TEST(test_roundtrip_minimal)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_minimal(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, RECORD_HDR_SIZE);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	assert_record_eq(&in, &out);
	ck_assert_int_eq(out.knob_fifo_events, KNOB_UNSET);
	ck_assert_int_eq(out.knob_gnttab_version, KNOB_UNSET);
	ck_assert(!out.has_boot_id && !out.has_xen_version &&
	    !out.has_cmdline && !out.swap.has_dev);
	/* Optional keys are absent, not written as empty values. */
	ck_assert_ptr_null(memmem(buf, (size_t)n, "bid=", 4));
	ck_assert_ptr_null(memmem(buf, (size_t)n, "xv=", 3));
	ck_assert_ptr_null(memmem(buf, (size_t)n, "swd=", 4));
}
END_TEST

/* Extremes of every number survive the round trip. */
START_TEST(test_roundtrip_limits)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_typical(&in);
	in.seq = UINT64_MAX;
	in.created = INT64_MAX;
	in.xen_major = 65535;
	in.xen_minor = 65535;
	in.xen_extra[0] = '\0';
	in.xen_features = 0xffffffff;
	in.build_id_len = 1;
	in.vcpus_possible = 0xffffffffu;
	in.ram_kib = UINT64_MAX;
	in.swap.dev_major = 4095;
	in.swap.dev_minor = 0xfffff;
	in.swap.offset = UINT64_MAX;
	in.knob_fifo_events = 1;
	in.knob_gnttab_version = 255;
	memset(in.kernel_release, 'k', RECORD_RELEASE_MAX);
	in.kernel_release[RECORD_RELEASE_MAX] = '\0';
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	assert_record_eq(&in, &out);

	in.created = 0;
	in.seq = 0;
	in.xen_major = 0;
	in.xen_minor = 0;
	strcpy(in.xen_extra, "-unstable");
	in.knob_fifo_events = 0;
	in.knob_gnttab_version = 0;
	in.guest_type = GUEST_PVH;
	in.evtchn = EVTCHN_UNKNOWN;
	in.gnttab_version = 0;
	in.kaslr = KASLR_UNKNOWN;
	in.state = RECORD_STATE_RUNNING;
	strcpy(in.kernel_release, "6.1.0 #1 SMP k=v");
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	assert_record_eq(&in, &out);
}
END_TEST

/* The envelope as RECORD.md lays it out, readable with strings(1). */
START_TEST(test_envelope_layout)
{
	struct record in;
	uint8_t buf[RECORD_MAX_SIZE], copy[RECORD_MAX_SIZE];
	uint32_t crc;
	int n, i;

	fill_typical(&in);
	in.seq = 0x1122334455667788ull;
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_mem_eq(buf, "XHRECORD", 8);
	ck_assert_uint_eq(buf[10] | buf[11] << 8, (unsigned int)n - 24);
	ck_assert_mem_eq(buf + 16, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
	memcpy(copy, buf, (size_t)n);
	memset(copy + 12, 0, 4);
	crc = crc32c(0, copy, (size_t)n);
	ck_assert_uint_eq(crc, (uint32_t)buf[12] | (uint32_t)buf[13] << 8 |
	    (uint32_t)buf[14] << 16 | (uint32_t)buf[15] << 24);
	for (i = RECORD_HDR_SIZE; i < n; i++)
		ck_assert_msg(buf[i] == '\n' || (buf[i] >= 0x20 &&
		    buf[i] < 0x7f), "byte %d: 0x%02x", i, buf[i]);
	ck_assert_uint_eq(buf[n - 1], '\n');
	/* Known keys in a fixed order; the sequence is not in the payload. */
	ck_assert_mem_eq(buf + RECORD_HDR_SIZE, "ts=1732200000\nbid=", 18);
	ck_assert_mem_eq(buf + n - 15, "st=hibernating\n", 15);
	ck_assert_ptr_null(memmem(buf + 24, (size_t)n - 24, "seq", 3));
	ck_assert_ptr_nonnull(memmem(buf, (size_t)n,
	    "\nxv=4.17.3\nxf=00002705\nkr=6.1.0-28-amd64\n", 40));
	ck_assert_ptr_nonnull(memmem(buf, (size_t)n,
	    "\nfe=-\ngv=-\nks=kaslr\n", 19));
	ck_assert_ptr_nonnull(memmem(buf, (size_t)n, "\nswd=254:2\nswo=0\n",
	    17));
}
END_TEST

/* A typical Debian record stays within the size budget of RECORD.md. */
START_TEST(test_typical_size)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_typical(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_ge(n, 380);
	ck_assert_int_le(n, 420);
	/* The payload budget of RECORD.md: 372 bytes for this record. */
	ck_assert_int_eq(n, RECORD_HDR_SIZE + 372);
	/* Debian's default command line then still fits. */
	set_cmdline(&in, CMDLINE);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(n, RECORD_HDR_SIZE + 372 + 4 +
	    (int)strlen(CMDLINE));
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(out.has_cmdline);
	ck_assert_str_eq(out.cmdline, CMDLINE);
}
END_TEST

/* Keys may come in any order. */
START_TEST(test_key_order)
{
	char payload[1024];
	struct record a, b;
	size_t len = 0;
	int i;

	for (i = (int)N_BASE - 1; i >= 0; i--)
		len += (size_t)snprintf(payload + len, sizeof(payload) - len,
		    "%s\n", base_lines[i]);
	ck_assert_int_gt(decode_payload(payload, &a), 0);
	base_payload(payload, sizeof(payload), NULL, NULL);
	ck_assert_int_gt(decode_payload(payload, &b), 0);
	assert_record_eq(&a, &b);
	ck_assert_uint_eq(a.xen_features, 0x2705);
	ck_assert_uint_eq(a.swap.dev_major, 254);
	ck_assert_uint_eq(a.build_id[19], 0xb3);
}
END_TEST

/*
 * Corruption and truncation
 */

/* Every single-bit error in a record given at its exact length. */
START_TEST(test_bitflip_exact)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	size_t bit;
	int n;

	fill_full(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	for (bit = 0; bit < (size_t)n * 8; bit++) {
		int ret;

		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		memset(&out, 0x5a, sizeof(out));
		ret = record_decode(buf, (size_t)n, &out);
		ck_assert_msg(ret < 0, "flip of bit %zu not detected", bit);
		ck_assert_msg(ret == -EBADMSG || ret == -ENOMSG ||
		    ret == -EPROTONOSUPPORT || ret == -EMSGSIZE ||
		    ret == -ENODATA, "bit %zu: %d", bit, ret);
		/* Only the CRC can catch a flip in the payload. */
		if (bit / 8 >= 12 && bit / 8 != 10 && bit / 8 != 11)
			ck_assert_int_eq(ret, -EBADMSG);
		assert_reset(&out);
		buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	assert_record_eq(&in, &out);
}
END_TEST

/* The same in a zero-padded sector: flips after the record do not matter. */
START_TEST(test_bitflip_sector)
{
	struct record in, out;
	uint8_t sector[RECORD_MAX_SIZE];
	size_t bit;
	int n;

	fill_typical(&in);
	memset(sector, 0, sizeof(sector));
	n = record_encode(&in, sector, sizeof(sector));
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, RECORD_MAX_SIZE);
	for (bit = 0; bit < sizeof(sector) * 8; bit++) {
		int ret;

		sector[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		memset(&out, 0x5a, sizeof(out));
		ret = record_decode(sector, sizeof(sector), &out);
		if (bit / 8 < (size_t)n) {
			ck_assert_msg(ret < 0, "flip of bit %zu not detected",
			    bit);
			assert_reset(&out);
		} else {
			ck_assert_msg(ret == n, "bit %zu after the record: %d",
			    bit, ret);
			assert_record_eq(&in, &out);
		}
		sector[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}
END_TEST

START_TEST(test_truncation)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	size_t len;
	int n;

	fill_full(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	for (len = 0; len < (size_t)n; len++) {
		/* An exact-size heap copy lets ASan see any overread. */
		uint8_t *copy = malloc(len ? len : 1);
		int ret;

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, buf, len);
		memset(&out, 0x5a, sizeof(out));
		ret = record_decode(copy, len, &out);
		free(copy);
		ck_assert_msg(ret == (len == 0 ? -ENOMSG : -ENODATA),
		    "length %zu: %d", len, ret);
		assert_reset(&out);
	}
	ck_assert_int_eq(record_decode(NULL, 0, &out), -ENOMSG);
	/* A foreign sector shorter than the magic is not "truncated". */
	ck_assert_int_eq(record_decode((const uint8_t *)"XHRX", 4, &out),
	    -ENOMSG);
}
END_TEST

START_TEST(test_oversize_length)
{
	static const unsigned int lens[] = { RECORD_MAX_PAYLOAD + 1, 512,
	    0x1234, 0xffff };
	struct record in, out;
	uint8_t buf[RECORD_HDR_SIZE + 0xffff];
	size_t i;
	int n;

	fill_typical(&in);
	memset(buf, ' ', sizeof(buf));
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		buf[10] = (uint8_t)lens[i];
		buf[11] = (uint8_t)(lens[i] >> 8);
		/* Even with the bytes present, more than 512 is refused. */
		ck_assert_int_eq(record_decode(buf, sizeof(buf), &out),
		    -EMSGSIZE);
		assert_reset(&out);
	}
	/* Exactly 488 bytes of payload is the limit, and is accepted. */
	{
		char payload[RECORD_MAX_PAYLOAD + 2];
		size_t len;

		base_payload(payload, sizeof(payload), NULL, NULL);
		len = strlen(payload);
		snprintf(payload + len, sizeof(payload) - len, "pad=%*s\n",
		    (int)(RECORD_MAX_PAYLOAD - len - 5), "");
		ck_assert_uint_eq(strlen(payload), RECORD_MAX_PAYLOAD);
		ck_assert_int_eq(decode_payload(payload, &out),
		    RECORD_MAX_SIZE);
		strcat(payload, "\n");
		ck_assert_int_eq(decode_payload(payload, &out), -EMSGSIZE);
	}
}
END_TEST

/*
 * Encoder limits
 */

START_TEST(test_encode_too_big)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE + 64];
	int n, fit;

	fill_full(&in);
	in.has_cmdline = false;
	in.cmdline[0] = '\0';
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	/* Fill the rest with unknown lines up to exactly 512 bytes. */
	fit = RECORD_MAX_SIZE - n;
	ck_assert_int_gt(fit, 6);
	in.unknown_len = (size_t)snprintf(in.unknown, sizeof(in.unknown),
	    "zz=%*s\n", fit - 4, "");
	ck_assert_int_eq(record_encode(&in, buf, sizeof(buf)),
	    RECORD_MAX_SIZE);
	ck_assert_int_eq(record_decode(buf, RECORD_MAX_SIZE, &out),
	    RECORD_MAX_SIZE);
	assert_record_eq(&in, &out);
	/* One byte more does not fit a record. */
	in.unknown_len = (size_t)snprintf(in.unknown, sizeof(in.unknown),
	    "zz=%*s\n", fit - 3, "");
	ck_assert_int_eq(record_encode(&in, buf, sizeof(buf)), -EMSGSIZE);
	/* A long release and build-id with a full unknown block. */
	in.unknown_len = sizeof(in.unknown) - 1;
	memset(in.unknown, 'x', in.unknown_len);
	memcpy(in.unknown, "big=", 4);
	in.unknown[in.unknown_len - 1] = '\n';
	ck_assert_int_eq(record_encode(&in, buf, sizeof(buf)), -EMSGSIZE);
}
END_TEST

START_TEST(test_encode_nobufs)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	uint8_t small[RECORD_MAX_SIZE];
	int n;

	fill_typical(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	memset(small, 0xee, sizeof(small));
	ck_assert_int_eq(record_encode(&in, small, (size_t)n - 1), -ENOBUFS);
	/* Nothing written on failure. */
	ck_assert_uint_eq(small[0], 0xee);
	ck_assert_int_eq(record_encode(&in, small, (size_t)n), n);
	ck_assert_mem_eq(small, buf, (size_t)n);
	ck_assert_int_eq(record_encode(&in, NULL, 0), -ENOBUFS);
	ck_assert_int_eq(record_decode(small, (size_t)n, &out), n);
}
END_TEST

/* A value the format cannot carry is refused, not mangled. */
START_TEST(test_encode_invalid)
{
	struct record r;
	uint8_t buf[RECORD_MAX_SIZE];
	int i;

	for (i = 0; ; i++) {
		fill_typical(&r);
		switch (i) {
		case 0: r.created = -1; break;
		case 1: r.guest_type = _GUEST_MAX; break;
		case 2: r.guest_type = (enum guest_type)-1; break;
		case 3: r.evtchn = _EVTCHN_MAX; break;
		case 4: r.kaslr = _KASLR_MAX; break;
		case 5: r.state = _RECORD_STATE_MAX; break;
		case 6: r.gnttab_version = 3; break;
		case 7: r.gnttab_version = -1; break;
		case 8: r.knob_fifo_events = 2; break;
		case 9: r.knob_fifo_events = -2; break;
		case 10: r.knob_gnttab_version = 256; break;
		case 11: r.knob_gnttab_version = -2; break;
		case 12: r.kernel_release[0] = '\0'; break;
		case 13: strcpy(r.kernel_release, "6.1\n"); break;
		case 14: strcpy(r.kernel_release, "6.1\x80"); break;
		case 15:
			memset(r.kernel_release, 'a',
			    sizeof(r.kernel_release));
			break;
		case 16: r.build_id_len = RECORD_BUILD_ID_MAX + 1; break;
		/* "4.1" + "7" would read back as 4.17. */
		case 17: strcpy(r.xen_extra, "7"); break;
		case 18: strcpy(r.xen_extra, ".3\t"); break;
		case 19:
			memset(r.xen_extra, '.', sizeof(r.xen_extra));
			break;
		case 20: r.xen_major = 65536; break;
		case 21: r.xen_minor = 65536; break;
		case 22: r.swap.dev_major = 4096; break;
		case 23: r.swap.dev_minor = 0x100000; break;
		case 24: r.created = -1; break;
		case 25:
			set_cmdline(&r, "quiet");
			memset(r.cmdline, 'a', sizeof(r.cmdline));
			break;
		case 26: strcpy(r.unknown, "ts=1\n"); r.unknown_len = 5; break;
		case 27: strcpy(r.unknown, "zz=1"); r.unknown_len = 4; break;
		case 28:
			strcpy(r.unknown, "zz=1\nzz=2\n");
			r.unknown_len = 10;
			break;
		case 29: strcpy(r.unknown, "Z=1\n"); r.unknown_len = 4; break;
		case 30: r.unknown_len = sizeof(r.unknown) + 1; break;
		default:
			return;
		}
		ck_assert_msg(record_encode(&r, buf, sizeof(buf)) == -EINVAL,
		    "case %d encoded", i);
	}
}
END_TEST

/* Values out of range in the record but harmless when unused. */
START_TEST(test_encode_ignored_fields)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_typical(&in);
	in.has_xen_version = false;
	in.xen_major = 99999;
	strcpy(in.xen_extra, "7");
	in.swap.has_dev = false;
	in.swap.dev_major = 99999;
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(!out.has_xen_version && !out.swap.has_dev);
	ck_assert_uint_eq(out.xen_major, 0);
	ck_assert_str_eq(out.xen_extra, "");
}
END_TEST

/*
 * The command line
 */

START_TEST(test_cmdline_fit)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	char cl[RECORD_MAX_PAYLOAD];
	size_t room;
	int n;

	fill_typical(&in);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	/* "cl=" + value + "\n" must fit the bytes left. */
	room = (size_t)(RECORD_MAX_SIZE - n) - 4;

	memset(cl, 'c', room);
	cl[room] = '\0';
	set_cmdline(&in, cl);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(n, RECORD_MAX_SIZE);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(out.has_cmdline);
	assert_record_eq(&in, &out);

	/* One byte longer: only the digest travels. */
	memset(cl, 'c', room + 1);
	cl[room + 1] = '\0';
	set_cmdline(&in, cl);
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(n, RECORD_MAX_SIZE - (int)room - 4);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(!out.has_cmdline);
	ck_assert_str_eq(out.cmdline, "");
	ck_assert_mem_eq(out.cmdline_digest, in.cmdline_digest,
	    RECORD_DIGEST_SIZE);

	/* The empty command line is a command line. */
	set_cmdline(&in, "");
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(out.has_cmdline);
	ck_assert_str_eq(out.cmdline, "");

	/* Unknown lines take precedence over the command line. */
	memset(cl, 'c', room - 10);
	cl[room - 10] = '\0';
	set_cmdline(&in, cl);
	in.unknown_len = (size_t)snprintf(in.unknown, sizeof(in.unknown),
	    "new=%s\n", "0123456789");
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(!out.has_cmdline);
	ck_assert_uint_eq(out.unknown_len, in.unknown_len);
}
END_TEST

/* Bytes a sector cannot show as text are left out, with the digest. */
START_TEST(test_cmdline_unprintable)
{
	struct record in, out;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	fill_typical(&in);
	set_cmdline(&in, "root=/dev/xvda1 label=\xc3\xa9t\xc3\xa9");
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(!out.has_cmdline);
	ck_assert_mem_eq(out.cmdline_digest, in.cmdline_digest,
	    RECORD_DIGEST_SIZE);
	set_cmdline(&in, "a\tb");
	n = record_encode(&in, buf, sizeof(buf));
	ck_assert_int_eq(record_decode(buf, (size_t)n, &out), n);
	ck_assert(!out.has_cmdline);
}
END_TEST

/*
 * cl and cd travel independently: cd digests the command line's layout
 * parameters (daemon/cmdline.c), which the codec cannot recompute, so a
 * record with both decodes them as written.
 */
START_TEST(test_cmdline_digest_independent)
{
	char payload[1024], line[256];
	struct record out;

	snprintf(line, sizeof(line), "cl=%s", CMDLINE);
	base_payload(payload, sizeof(payload), "cl", line);
	ck_assert_int_gt(decode_payload(payload, &out), 0);
	ck_assert(out.has_cmdline);
	ck_assert_str_eq(out.cmdline, CMDLINE);
}
END_TEST

/*
 * Compatibility
 */

START_TEST(test_unknown_preserved)
{
	static const char extra[] = "zz=1\nfuture_key=a=b c\n0=\n";
	char payload[1024];
	struct record a, b;
	uint8_t buf[RECORD_MAX_SIZE];
	int n;

	/* Unknown lines before, between and after known keys. */
	snprintf(payload, sizeof(payload), "zz=1\n%s\nfuture_key=a=b c\n",
	    base_lines[0]);
	base_payload(payload + strlen(payload),
	    sizeof(payload) - strlen(payload), "ts", NULL);
	strcat(payload, "0=\n");
	ck_assert_int_gt(decode_payload(payload, &a), 0);
	ck_assert_uint_eq(a.unknown_len, strlen(extra));
	ck_assert_mem_eq(a.unknown, extra, a.unknown_len);
	ck_assert_int_eq(a.created, 1732200000);

	n = record_encode(&a, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	/* Re-emitted verbatim after the known keys. */
	ck_assert_mem_eq(buf + n - (int)strlen(extra), extra, strlen(extra));
	ck_assert_int_eq(record_decode(buf, (size_t)n, &b), n);
	assert_record_eq(&a, &b);
}
END_TEST

/* A v1.1 writer's record, with keys this v1.0 reader does not know. */
START_TEST(test_newer_minor)
{
	char payload[1024];
	uint8_t buf[1024], again[RECORD_MAX_SIZE];
	struct record r, r2;
	size_t n;
	int m;

	base_payload(payload, sizeof(payload), "pmu", "pmu=off");
	strcat(payload, "vcpuinfo=percpu\n");
	n = craft(buf, 1, 1, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), (int)n);
	ck_assert_uint_eq(r.ver_major, 1);
	ck_assert_uint_eq(r.ver_minor, 1);
	ck_assert_uint_eq(r.seq, 7);
	ck_assert_str_eq(r.kernel_release, "6.1.0-28-amd64");
	ck_assert_int_eq(r.evtchn, EVTCHN_FIFO);
	ck_assert_uint_eq(r.unknown_len, strlen("pmu=off\nvcpuinfo=percpu\n"));
	ck_assert_mem_eq(r.unknown, "pmu=off\nvcpuinfo=percpu\n",
	    r.unknown_len);
	/* Re-encoded by this writer: version 1.0, the keys kept. */
	m = record_encode(&r, again, sizeof(again));
	ck_assert_int_eq(m, (int)n);
	ck_assert_uint_eq(again[9], 0);
	ck_assert_int_eq(record_decode(again, (size_t)m, &r2), m);
	ck_assert_uint_eq(r2.ver_minor, 0);
	assert_record_eq(&r, &r2);
	/* A far newer minor is read the same way. */
	n = craft(buf, 1, 255, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), (int)n);
	ck_assert_uint_eq(r.ver_minor, 255);
}
END_TEST

START_TEST(test_newer_major)
{
	char payload[1024];
	uint8_t buf[1024];
	struct record r;
	size_t n;

	base_payload(payload, sizeof(payload), NULL, NULL);
	n = craft(buf, 2, 0, payload);
	memset(&r, 0x5a, sizeof(r));
	ck_assert_int_eq(record_decode(buf, n, &r), -EPROTONOSUPPORT);
	assert_reset(&r);
	/* Decided from the version alone: a v2 may lay out the rest anew. */
	memset(buf + 10, 0xff, 14);
	ck_assert_int_eq(record_decode(buf, n, &r), -EPROTONOSUPPORT);
	ck_assert_int_eq(record_decode(buf, 10, &r), -EPROTONOSUPPORT);
	ck_assert_int_eq(record_decode(buf, 9, &r), -EPROTONOSUPPORT);
	ck_assert_int_eq(record_decode(buf, 8, &r), -ENODATA);
	n = craft(buf, 255, 0, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), -EPROTONOSUPPORT);
	n = craft(buf, 0, 9, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), -EPROTONOSUPPORT);
}
END_TEST

/*
 * One crafted record per error
 */

START_TEST(test_error_nomsg)
{
	uint8_t sector[RECORD_MAX_SIZE];
	struct record r;
	char payload[1024];
	size_t n;

	memset(sector, 0, sizeof(sector));
	ck_assert_int_eq(record_decode(sector, sizeof(sector), &r), -ENOMSG);
	base_payload(payload, sizeof(payload), NULL, NULL);
	n = craft(sector, 1, 0, payload);
	sector[7] = 'd';
	ck_assert_int_eq(record_decode(sector, n, &r), -ENOMSG);
	memcpy(sector, "SWAPSPACE2", 10);
	ck_assert_int_eq(record_decode(sector, n, &r), -ENOMSG);
	assert_reset(&r);
}
END_TEST

START_TEST(test_error_badmsg)
{
	char payload[1024];
	uint8_t buf[1024];
	struct record r;
	size_t n;

	base_payload(payload, sizeof(payload), NULL, NULL);
	n = craft(buf, 1, 0, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), (int)n);
	buf[12] ^= 0x80;	/* the CRC itself */
	ck_assert_int_eq(record_decode(buf, n, &r), -EBADMSG);
	buf[12] ^= 0x80;
	buf[16] ^= 1;		/* the sequence number */
	ck_assert_int_eq(record_decode(buf, n, &r), -EBADMSG);
	buf[16] ^= 1;
	buf[9] = 1;		/* the minor version */
	ck_assert_int_eq(record_decode(buf, n, &r), -EBADMSG);
	assert_reset(&r);
}
END_TEST

static const char *const ilseq_payloads[] = {
	"ts=1",				/* no final newline */
	"\n",				/* empty line */
	"=1\n",				/* empty key */
	"TS=1\n",			/* upper case key */
	"t-s=1\n",			/* '-' in a key */
	"ts 1\n",			/* no '=' */
	"ts\n",
	"abcdefghijklmnop=1\n",		/* 16-byte key */
	"ts=1\tx\n",			/* tab in a value */
	"ts=1\x7f\n",			/* DEL */
	"ts=\xc3\xa9\n",		/* UTF-8 */
	"ts=1\r\n",			/* CR */
	" ts=1\n",
};

START_TEST(test_error_ilseq)
{
	const char *bad = ilseq_payloads[_i];
	size_t blen = strlen(bad), at;
	char payload[1024];
	struct record r;

	/* Last; and first and in the middle when it ends a line. */
	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, bad);
	ck_assert_int_eq(decode_payload(payload, &r), -EILSEQ);
	assert_reset(&r);
	if (bad[blen - 1] != '\n')
		return;
	base_payload(payload, sizeof(payload), NULL, NULL);
	at = (size_t)(strstr(payload, "evt=") - payload);
	memmove(payload + at + blen, payload + at, strlen(payload + at) + 1);
	memcpy(payload + at, bad, blen);
	ck_assert_int_eq(decode_payload(payload, &r), -EILSEQ);
	memmove(payload + blen, payload, strlen(payload) + 1);
	memcpy(payload, bad, blen);
	ck_assert_int_eq(decode_payload(payload, &r), -EILSEQ);
	assert_reset(&r);
}
END_TEST

START_TEST(test_error_ilseq_nul)
{
	char payload[1024];
	uint8_t buf[1024];
	struct record r;
	size_t n;

	/* A NUL inside the payload (craft() stops at the first NUL). */
	base_payload(payload, sizeof(payload), NULL, NULL);
	n = craft(buf, 1, 0, payload);
	ck_assert_int_eq(record_decode(buf, n, &r), (int)n);
	buf[RECORD_HDR_SIZE + 5] = '\0';
	memset(buf + 12, 0, 4);
	{
		uint32_t crc = crc32c(0, buf, n);

		buf[12] = (uint8_t)crc;
		buf[13] = (uint8_t)(crc >> 8);
		buf[14] = (uint8_t)(crc >> 16);
		buf[15] = (uint8_t)(crc >> 24);
	}
	ck_assert_int_eq(record_decode(buf, n, &r), -EILSEQ);
	/* An empty payload has no lines, hence no required keys. */
	n = craft(buf, 1, 0, "");
	ck_assert_int_eq(record_decode(buf, n, &r), -ENOKEY);
}
END_TEST

START_TEST(test_error_notuniq)
{
	char payload[1024];
	struct record r;

	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, "ts=1732200000\n");	/* same value, still twice */
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
	assert_reset(&r);
	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, "bid=101112131415161718191a1b1c1d1e1f\n");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
	/* Unknown keys too. */
	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, "zz=1\nyy=2\nzz=1\n");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
	assert_reset(&r);
	/* A key that is a prefix of another is not a duplicate. */
	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, "zz=1\nzzz=1\nz=1\n");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
}
END_TEST

/* Each required key, left out. */
START_TEST(test_error_nokey)
{
	static const char *const required[] = { "ts", "gt", "kr", "evt",
	    "gnt", "fe", "gv", "ks", "cd", "cpu", "ram", "swo", "st" };
	static const char *const optional[] = { "bid", "dom", "xv", "xf",
	    "kid", "mm", "swu", "swd" };
	char payload[1024];
	struct record r;
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		base_payload(payload, sizeof(payload), required[i], NULL);
		ck_assert_msg(decode_payload(payload, &r) == -ENOKEY,
		    "without %s", required[i]);
		assert_reset(&r);
	}
	for (i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		base_payload(payload, sizeof(payload), optional[i], NULL);
		ck_assert_msg(decode_payload(payload, &r) > 0,
		    "without %s", optional[i]);
	}
}
END_TEST

/* key, bad line: each must give -EINVAL. */
static const char *const einval_lines[][2] = {
	{ "ts", "ts=" },
	{ "ts", "ts=01" },
	{ "ts", "ts=-1" },
	{ "ts", "ts=+1" },
	{ "ts", "ts=1a" },
	{ "ts", "ts= 1" },
	{ "ts", "ts=9223372036854775808" },
	{ "ts", "ts=99999999999999999999999" },
	{ "bid", "bid=101112131415161718191a1b1c1d1e" },
	{ "bid", "bid=101112131415161718191a1b1c1d1e1f00" },
	{ "bid", "bid=101112131415161718191A1B1C1D1E1F" },
	{ "bid", "bid=10111213-1415-1617-1819-1a1b1c1d1e1f" },
	{ "bid", "bid=" },
	{ "dom", "dom=f0efeeedecebeae9e8e7e6e5e4e3e2eg" },
	{ "gt", "gt=hvm" },
	{ "gt", "gt=" },
	{ "gt", "gt=HVM " },
	{ "gt", "gt=PVHVM" },
	{ "xv", "xv=4" },
	{ "xv", "xv=4." },
	{ "xv", "xv=.17" },
	{ "xv", "xv=04.17" },
	{ "xv", "xv=4.017" },
	{ "xv", "xv=65536.0" },
	{ "xv", "xv=4.65536" },
	{ "xv", "xv=4.17.01234567890123456789012345678901" },
	{ "xv", "xv=" },
	{ "xv", "xv=x4.17" },
	{ "xf", "xf=0002705" },
	{ "xf", "xf=000027050" },
	{ "xf", "xf=0x002705" },
	{ "xf", "xf=0000270G" },
	{ "kr", "kr=" },
	{ "kr", "kr=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaa" },
	{ "kid", "kid=" },
	{ "kid", "kid=abc" },
	{ "kid", "kid=ABCD" },
	{ "kid", "kid=0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef00" },
	{ "evt", "evt=FIFO" },
	{ "evt", "evt=3l" },
	{ "evt", "evt=" },
	{ "gnt", "gnt=0" },
	{ "gnt", "gnt=3" },
	{ "gnt", "gnt=01" },
	{ "gnt", "gnt=v1" },
	{ "fe", "fe=2" },
	{ "fe", "fe=" },
	{ "fe", "fe=--" },
	{ "fe", "fe=00" },
	{ "fe", "fe=-1" },
	{ "gv", "gv=256" },
	{ "gv", "gv=-1" },
	{ "gv", "gv=" },
	{ "gv", "gv=x" },
	{ "ks", "ks=on" },
	{ "ks", "ks=KASLR" },
	{ "cd", "cd=000102030405060708090a0b0c0d0e" },
	{ "cd", "cd=" },
	{ "cpu", "cpu=4294967296" },
	{ "cpu", "cpu=-1" },
	{ "cpu", "cpu=0x2" },
	{ "cpu", "cpu=" },
	{ "ram", "ram=18446744073709551616" },
	{ "ram", "ram=2G" },
	{ "mm", "mm=5554" },
	{ "swu", "swu=303336393c3f4245484b4e5154575a5" },
	{ "swd", "swd=254" },
	{ "swd", "swd=254:" },
	{ "swd", "swd=:2" },
	{ "swd", "swd=254:2:1" },
	{ "swd", "swd=4096:0" },
	{ "swd", "swd=8:1048576" },
	{ "swd", "swd=08:1" },
	{ "swd", "swd=fe:2" },
	{ "swo", "swo=" },
	{ "swo", "swo=18446744073709551616" },
	{ "swo", "swo=1 " },
	{ "st", "st=suspended" },
	{ "st", "st=Running" },
	{ "st", "st=" },
};

START_TEST(test_error_einval)
{
	char payload[1024];
	struct record r;

	base_payload(payload, sizeof(payload), einval_lines[_i][0],
	    einval_lines[_i][1]);
	ck_assert_msg(decode_payload(payload, &r) == -EINVAL,
	    "\"%s\" accepted", einval_lines[_i][1]);
	assert_reset(&r);
}
END_TEST

/* The valid neighbours of the invalid values above. */
START_TEST(test_valid_edges)
{
	char payload[1024];
	struct record r;

	base_payload(payload, sizeof(payload), "ts", "ts=0");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.created, 0);
	base_payload(payload, sizeof(payload), "ts",
	    "ts=9223372036854775807");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.created, INT64_MAX);
	base_payload(payload, sizeof(payload), "xv", "xv=4.17");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.xen_minor, 17);
	ck_assert_str_eq(r.xen_extra, "");
	base_payload(payload, sizeof(payload), "xv",
	    "xv=65535.0-rc=x 0123456789012345678901");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.xen_major, 65535);
	ck_assert_uint_eq(r.xen_minor, 0);
	ck_assert_str_eq(r.xen_extra, "-rc=x 0123456789012345678901");
	base_payload(payload, sizeof(payload), "kr",
	    "kr=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaa");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(strlen(r.kernel_release), RECORD_RELEASE_MAX);
	base_payload(payload, sizeof(payload), "kid", "kid=00");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.build_id_len, 1);
	base_payload(payload, sizeof(payload), "gnt", "gnt=unknown");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.gnttab_version, 0);
	base_payload(payload, sizeof(payload), "gv", "gv=255");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.knob_gnttab_version, 255);
	base_payload(payload, sizeof(payload), "fe", "fe=0");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.knob_fifo_events, 0);
	base_payload(payload, sizeof(payload), "ks", "ks=nokaslr");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.kaslr, KASLR_OFF);
	base_payload(payload, sizeof(payload), "cpu", "cpu=4294967295");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.vcpus_possible, 4294967295u);
	base_payload(payload, sizeof(payload), "swd", "swd=4095:1048575");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.swap.dev_minor, 1048575);
	base_payload(payload, sizeof(payload), "swo",
	    "swo=18446744073709551615");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_uint_eq(r.swap.offset, UINT64_MAX);
	base_payload(payload, sizeof(payload), "gt", "gt=unknown");
	ck_assert_int_gt(decode_payload(payload, &r), 0);
	ck_assert_int_eq(r.guest_type, GUEST_UNKNOWN);
}
END_TEST

/* Errors late in the payload leave nothing of the early fields. */
START_TEST(test_no_half_use)
{
	char payload[1024];
	struct record r;

	base_payload(payload, sizeof(payload), "st", "st=frozen");
	ck_assert_int_eq(decode_payload(payload, &r), -EINVAL);
	assert_reset(&r);
	ck_assert_int_eq(r.created, 0);
	ck_assert(!r.has_boot_id);
	ck_assert_str_eq(r.kernel_release, "");
	ck_assert_int_eq(r.knob_fifo_events, KNOB_UNSET);
	base_payload(payload, sizeof(payload), NULL, NULL);
	strcat(payload, "zz=1\nst=running\n");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
	assert_reset(&r);
	ck_assert_uint_eq(r.unknown_len, 0);
	base_payload(payload, sizeof(payload), "swo", NULL);
	strcat(payload, "zz=1\n");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOKEY);
	assert_reset(&r);
}
END_TEST

/* Which check wins when a record has several faults. */
START_TEST(test_error_precedence)
{
	char payload[1024];
	struct record r;

	/* Syntax is checked over the whole payload before any value. */
	base_payload(payload, sizeof(payload), "ts", "ts=x");
	strcat(payload, "BAD\n");
	ck_assert_int_eq(decode_payload(payload, &r), -EILSEQ);
	/* Then line by line: the first fault wins. */
	base_payload(payload, sizeof(payload), "ts", "ts=x");
	strcat(payload, "gt=PV\n");
	ck_assert_int_eq(decode_payload(payload, &r), -EINVAL);
	base_payload(payload, sizeof(payload), "st", "st=x");
	memmove(payload + 5, payload, strlen(payload) + 1);
	memcpy(payload, "gt=PV", 5);
	payload[5] = '\n';
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
	/* A missing key is noticed after every value was checked. */
	base_payload(payload, sizeof(payload), "ts", NULL);
	strcat(payload, "cpu2=1\n");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOKEY);
	/* A bad value before its duplicate is reported as bad. */
	base_payload(payload, sizeof(payload), "ts", "gv=300");
	ck_assert_int_eq(decode_payload(payload, &r), -EINVAL);
	base_payload(payload, sizeof(payload), "ts", "gv=3");
	ck_assert_int_eq(decode_payload(payload, &r), -ENOTUNIQ);
}
END_TEST

START_TEST(test_strerror)
{
	static const int errs[] = { 0, -ENOMSG, -ENODATA, -EPROTONOSUPPORT,
	    -EMSGSIZE, -EBADMSG, -EILSEQ, -ENOTUNIQ, -ENOKEY, -EINVAL,
	    -ENOBUFS };
	const char *other = record_strerror(-EPERM);
	size_t i, j;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		const char *s = record_strerror(errs[i]);

		ck_assert_ptr_nonnull(s);
		ck_assert_uint_gt(strlen(s), 0);
		ck_assert_str_ne(s, other);
		ck_assert_str_eq(s, record_strerror(-errs[i]));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(s, record_strerror(errs[j]));
	}
	ck_assert_ptr_nonnull(record_strerror(-99999));
	ck_assert_ptr_nonnull(record_strerror(INT32_MIN));
}
END_TEST

START_TEST(test_enum_strings)
{
	int i;

	for (i = 0; i < _GUEST_MAX; i++)
		ck_assert_int_eq(guest_type_from_string(
		    guest_type_to_string((enum guest_type)i)), i);
	for (i = 0; i < _EVTCHN_MAX; i++)
		ck_assert_int_eq(evtchn_abi_from_string(
		    evtchn_abi_to_string((enum evtchn_abi)i)), i);
	for (i = 0; i < _KASLR_MAX; i++)
		ck_assert_int_eq(kaslr_state_from_string(
		    kaslr_state_to_string((enum kaslr_state)i)), i);
	for (i = 0; i < _RECORD_STATE_MAX; i++)
		ck_assert_int_eq(record_state_from_string(
		    record_state_to_string((enum record_state)i)), i);

	ck_assert_str_eq(guest_type_to_string(GUEST_PV), "PV");
	ck_assert_str_eq(guest_type_to_string(GUEST_PVH), "PVH");
	ck_assert_str_eq(guest_type_to_string(GUEST_HVM), "HVM");
	ck_assert_str_eq(evtchn_abi_to_string(EVTCHN_2L), "2l");
	ck_assert_str_eq(evtchn_abi_to_string(EVTCHN_FIFO), "fifo");
	ck_assert_str_eq(kaslr_state_to_string(KASLR_OFF), "nokaslr");
	ck_assert_str_eq(kaslr_state_to_string(KASLR_ON), "kaslr");
	ck_assert_str_eq(record_state_to_string(RECORD_STATE_HIBERNATING),
	    "hibernating");
	ck_assert_str_ne(guest_type_to_string(_GUEST_MAX), "unknown");
	ck_assert_ptr_nonnull(evtchn_abi_to_string((enum evtchn_abi)-1));
	ck_assert_ptr_nonnull(record_state_to_string(_RECORD_STATE_MAX));

	/* Case matters, as in /sys/hypervisor/guest_type. */
	ck_assert_int_eq(guest_type_from_string("hvm"), GUEST_UNKNOWN);
	ck_assert_int_eq(guest_type_from_string("PVH\n"), GUEST_UNKNOWN);
	ck_assert_int_eq(guest_type_from_string(""), GUEST_UNKNOWN);
	ck_assert_int_eq(guest_type_from_string(NULL), GUEST_UNKNOWN);
	ck_assert_int_eq(evtchn_abi_from_string("FIFO"), EVTCHN_UNKNOWN);
	ck_assert_int_eq(kaslr_state_from_string("on"), KASLR_UNKNOWN);
	ck_assert_int_eq(record_state_from_string("sleeping"), -EINVAL);
	ck_assert_int_eq(record_state_from_string(NULL), -EINVAL);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc;

	tc = tcase_create("roundtrip");
	tcase_add_test(tc, test_roundtrip_full);
	tcase_add_test(tc, test_roundtrip_minimal);
	tcase_add_test(tc, test_roundtrip_limits);
	tcase_add_test(tc, test_envelope_layout);
	tcase_add_test(tc, test_typical_size);
	tcase_add_test(tc, test_key_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("corruption");
	tcase_add_test(tc, test_bitflip_exact);
	tcase_add_test(tc, test_bitflip_sector);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_oversize_length);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("encode");
	tcase_add_test(tc, test_encode_too_big);
	tcase_add_test(tc, test_encode_nobufs);
	tcase_add_test(tc, test_encode_invalid);
	tcase_add_test(tc, test_encode_ignored_fields);
	tcase_add_test(tc, test_cmdline_fit);
	tcase_add_test(tc, test_cmdline_unprintable);
	tcase_add_test(tc, test_cmdline_digest_independent);
	suite_add_tcase(s, tc);

	tc = tcase_create("compat");
	tcase_add_test(tc, test_unknown_preserved);
	tcase_add_test(tc, test_newer_minor);
	tcase_add_test(tc, test_newer_major);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, test_error_nomsg);
	tcase_add_test(tc, test_error_badmsg);
	tcase_add_loop_test(tc, test_error_ilseq, 0,
	    sizeof(ilseq_payloads) / sizeof(ilseq_payloads[0]));
	tcase_add_test(tc, test_error_ilseq_nul);
	tcase_add_test(tc, test_error_notuniq);
	tcase_add_test(tc, test_error_nokey);
	tcase_add_loop_test(tc, test_error_einval, 0,
	    sizeof(einval_lines) / sizeof(einval_lines[0]));
	tcase_add_test(tc, test_valid_edges);
	tcase_add_test(tc, test_no_half_use);
	tcase_add_test(tc, test_error_precedence);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_enum_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(record_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
