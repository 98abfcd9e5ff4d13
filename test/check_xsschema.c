// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xenstore schema (proto/xsschema.c, proto/XENSTORE.md) and the
 * record's payload codec (record_encode_payload/record_decode_payload):
 * round trips of guest and host nodes, every validation error, unknown
 * names ignored, oversize and binary values rejected, and the "record"
 * node byte for byte what the record codec puts after its envelope.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "xsschema.h"

/* A Debian 12 HVM guest's record before hibernating (RECORD.md 3). */
static void
fill_record(struct record *r)
{
	size_t i;

	record_init(r);
	r->seq = 42;
	r->created = 1732200000;
	r->has_boot_id = true;
	for (i = 0; i < 16; i++)
		r->boot_id[i] = (uint8_t)(0x10 + i);
	r->guest_type = GUEST_HVM;
	r->has_xen_version = true;
	r->xen_major = 4;
	r->xen_minor = 17;
	strcpy(r->xen_extra, ".3");
	strcpy(r->kernel_release, "6.1.0-28-amd64");
	r->build_id_len = 20;
	for (i = 0; i < 20; i++)
		r->build_id[i] = (uint8_t)(0xa0 + i);
	r->evtchn = EVTCHN_FIFO;
	r->gnttab_version = 1;
	r->kaslr = KASLR_ON;
	for (i = 0; i < 16; i++)
		r->cmdline_digest[i] = (uint8_t)(0xc0 + i);
	r->vcpus_possible = 2;
	r->ram_kib = 2097152;
	r->swap.offset = 0;
	r->state = RECORD_STATE_HIBERNATING;
}

/* Unknown lines filling a whole record: too large with the rest. */
static void
fill_unknown(struct record *r)
{
	unsigned int i = 0;

	r->unknown_len = 0;
	while (r->unknown_len + 16 <= sizeof(r->unknown)) {
		char line[32];
		int n = snprintf(line, sizeof(line), "u%04u=abcdefghi\n",
		    i++ % 10000);

		memcpy(r->unknown + r->unknown_len, line, (size_t)n);
		r->unknown_len += (size_t)n;
	}
}

/* Equal records: same encoding and same seq. */
static void
assert_same_record(const struct record *a, const struct record *b)
{
	uint8_t ea[RECORD_MAX_SIZE], eb[RECORD_MAX_SIZE];
	int na = record_encode(a, ea, sizeof(ea));
	int nb = record_encode(b, eb, sizeof(eb));

	ck_assert_int_gt(na, 0);
	ck_assert_int_eq(na, nb);
	ck_assert_mem_eq(ea, eb, (size_t)na);
	ck_assert_uint_eq(a->seq, b->seq);
}

static const char *
value_of(const struct xs_nodes *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (strcmp(n->node[i].name, name) == 0)
			return n->node[i].value;
	return NULL;
}

static void
add(struct xs_nodes *n, const char *name, const char *value)
{
	int want = (int)n->n + 1;

	ck_assert_int_eq(xsschema_add_node(n, name, value, strlen(value)),
	    want);
}

/* A valid guest directory, with a record. */
static void
valid_guest(struct xs_nodes *n)
{
	struct record r;

	fill_record(&r);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING,
	    1732200001, "ok", "none", n), 7);
}

/* Replace (or add) one node of a valid guest directory, then parse. */
static int
parse_guest_with(const char *name, const char *value)
{
	struct xs_nodes n;
	struct guest_report g;
	size_t i;

	valid_guest(&n);
	for (i = 0; i < n.n; i++)
		if (strcmp(n.node[i].name, name) == 0)
			break;
	if (i == n.n) {
		add(&n, name, value);
	} else {
		ck_assert_uint_le(strlen(value), XSSCHEMA_VALUE_MAX);
		strcpy(n.node[i].value, value);
	}
	return xsschema_parse_guest(&n, &g);
}

static void
valid_host(struct xs_nodes *n)
{
	struct host_verdict v = {
		.verdict = HOST_VERDICT_SAFE, .soft_reset = true,
		.record_seq = 42, .reason = "matches",
	};

	ck_assert_int_eq(xsschema_host_nodes(&v, n), 5);
}

static int
parse_host_with(const char *name, const char *value)
{
	struct xs_nodes n;
	struct host_verdict v;
	size_t i;

	valid_host(&n);
	for (i = 0; i < n.n; i++)
		if (strcmp(n.node[i].name, name) == 0)
			break;
	if (i == n.n)
		add(&n, name, value);
	else
		strcpy(n.node[i].value, value);
	return xsschema_parse_host(&n, &v);
}

static void
remove_node(struct xs_nodes *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		if (strcmp(n->node[i].name, name) == 0) {
			memmove(&n->node[i], &n->node[i + 1],
			    (n->n - i - 1) * sizeof(n->node[0]));
			n->n--;
			return;
		}
	ck_abort_msg("no node %s", name);
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	ck_assert_ptr_nonnull(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/*
 * The record payload codec.
 */

START_TEST(test_payload_matches_codec)
{
	struct record r, back;
	uint8_t rec[RECORD_MAX_SIZE];
	char text[RECORD_MAX_PAYLOAD + 1];
	int n, m, pass;

	for (pass = 0; pass < 3; pass++) {
		fill_record(&r);
		if (pass == 1) {
			r.has_cmdline = true;
			strcpy(r.cmdline, "root=/dev/xvda1 ro quiet");
		}
		if (pass == 2) {
			strcpy(r.unknown, "zz=later key\n");
			r.unknown_len = strlen(r.unknown);
		}
		n = record_encode(&r, rec, sizeof(rec));
		ck_assert_int_gt(n, RECORD_HDR_SIZE);
		m = record_encode_payload(&r, text, sizeof(text));
		ck_assert_int_eq(m, n - RECORD_HDR_SIZE);
		ck_assert_mem_eq(text, rec + RECORD_HDR_SIZE, (size_t)m);
		ck_assert_int_eq(text[m], '\0');
		ck_assert_uint_eq(strlen(text), (size_t)m);
		ck_assert_int_eq(record_decode_payload(text, (size_t)m, &back),
		    m);
		/* The envelope's fields are the carrier's business. */
		ck_assert_uint_eq(back.seq, 0);
		ck_assert_uint_eq(back.ver_major, 0);
		back.seq = r.seq;
		assert_same_record(&r, &back);
		ck_assert_int_eq(back.has_cmdline, pass == 1);
		ck_assert_uint_eq(back.unknown_len, r.unknown_len);
	}
}
END_TEST

START_TEST(test_payload_encode_errors)
{
	struct record r;
	char text[RECORD_MAX_PAYLOAD + 1];
	int n;

	fill_record(&r);
	n = record_encode_payload(&r, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	/* Room for the text but not its terminator. */
	ck_assert_int_eq(record_encode_payload(&r, text, (size_t)n),
	    -ENOBUFS);
	ck_assert_int_eq(record_encode_payload(&r, text, 0), -ENOBUFS);
	ck_assert_int_eq(record_encode_payload(&r, text, (size_t)n + 1), n);
	r.kernel_release[0] = '\0';
	ck_assert_int_eq(record_encode_payload(&r, text, sizeof(text)),
	    -EINVAL);
	fill_record(&r);
	fill_unknown(&r);
	ck_assert_int_eq(record_encode_payload(&r, text, sizeof(text)),
	    -EMSGSIZE);
}
END_TEST

START_TEST(test_payload_decode_errors)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "", -ENOKEY },
		{ "ts=1\n", -ENOKEY },
		{ "ts=1", -EILSEQ },
		{ "TS=1\n", -EILSEQ },
		{ "ts=1\x01\n", -EILSEQ },
		{ "=1\n", -EILSEQ },
		{ "ts=1\nts=2\n", -ENOTUNIQ },
		{ "ts=01\n", -EINVAL },
		{ "zz=1\nzz=2\n", -ENOTUNIQ },
	};
	struct record r, z;
	char text[RECORD_MAX_PAYLOAD + 2];
	size_t i;

	record_init(&z);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		ck_assert_msg(record_decode_payload(cases[i].text,
		    strlen(cases[i].text), &r) == cases[i].err, "case %zu", i);
		ck_assert_mem_eq(&r, &z, sizeof(r));	/* never half-used */
	}
	/* A NUL within the length is a syntax error, not an end. */
	fill_record(&r);
	ck_assert_int_gt(record_encode_payload(&r, text, sizeof(text)), 0);
	text[3] = '\0';
	ck_assert_int_eq(record_decode_payload(text, strlen(text + 4) + 4,
	    &r), -EILSEQ);
	/* Longer than a record's payload. */
	memset(text, 'a', sizeof(text));
	ck_assert_int_eq(record_decode_payload(text, RECORD_MAX_PAYLOAD + 1,
	    &r), -EMSGSIZE);
}
END_TEST

/*
 * Guest nodes.
 */

START_TEST(test_guest_roundtrip)
{
	struct record r;
	struct xs_nodes n;
	struct guest_report g;
	char text[RECORD_MAX_PAYLOAD + 1];
	static const char *const order[] = {
		"schema", "state", "seq", "updated", "record", "detail", "gate",
	};
	size_t i;

	fill_record(&r);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_HIBERNATING,
	    1732200000, "image written", "proceed", &n), 7);
	ck_assert_uint_eq(n.n, 7);
	for (i = 0; i < 7; i++)
		ck_assert_str_eq(n.node[i].name, order[i]);
	ck_assert_str_eq(value_of(&n, "schema"), "1");
	ck_assert_str_eq(value_of(&n, "state"), "hibernating");
	ck_assert_str_eq(value_of(&n, "seq"), "42");
	ck_assert_str_eq(value_of(&n, "updated"), "1732200000");
	ck_assert_int_gt(record_encode_payload(&r, text, sizeof(text)), 0);
	ck_assert_str_eq(value_of(&n, "record"), text);
	ck_assert_str_eq(value_of(&n, "detail"), "image written");
	ck_assert_str_eq(value_of(&n, "gate"), "proceed");

	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
	ck_assert_uint_eq(g.schema, 1);
	ck_assert_int_eq(g.state, GUEST_STATE_HIBERNATING);
	ck_assert_uint_eq(g.seq, 42);
	ck_assert_int_eq(g.updated, 1732200000);
	ck_assert_str_eq(g.detail, "image written");
	ck_assert_str_eq(g.gate, "proceed");
	ck_assert(g.has_record);
	assert_same_record(&r, &g.rec);
}
END_TEST

START_TEST(test_guest_minimal)
{
	struct xs_nodes n;
	struct guest_report g;

	ck_assert_int_eq(xsschema_guest_nodes(NULL, GUEST_STATE_DEGRADED, 0,
	    NULL, NULL, &n), 3);
	ck_assert_str_eq(n.node[0].name, "schema");
	ck_assert_str_eq(n.node[1].name, "state");
	ck_assert_str_eq(n.node[2].name, "updated");
	ck_assert_str_eq(n.node[2].value, "0");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
	ck_assert_int_eq(g.state, GUEST_STATE_DEGRADED);
	ck_assert(!g.has_record);
	ck_assert_str_eq(g.gate, "");
	ck_assert_str_eq(g.detail, "");
	/* Only schema and state are required. */
	remove_node(&n, "updated");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
}
END_TEST

START_TEST(test_guest_nodes_errors)
{
	struct record r;
	struct xs_nodes n;
	char *s;

	fill_record(&r);
	n.n = 5;
	ck_assert_int_eq(xsschema_guest_nodes(&r, _GUEST_STATE_MAX, 1, NULL,
	    NULL, &n), -EINVAL);
	ck_assert_uint_eq(n.n, 0);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, -1,
	    NULL, NULL, &n), -EINVAL);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1,
	    "two\nlines", NULL, &n), -EINVAL);
	s = repeat('d', XSSCHEMA_DETAIL_MAX + 1);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1, s,
	    NULL, &n), -EMSGSIZE);
	s[XSSCHEMA_DETAIL_MAX] = '\0';
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1, s,
	    NULL, &n), 6);
	ck_assert_str_eq(value_of(&n, "detail"), s);
	free(s);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1,
	    NULL, "maybe", &n), -EINVAL);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1,
	    NULL, "Proceed", &n), -EINVAL);
	r.kernel_release[0] = '\0';
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1,
	    NULL, NULL, &n), -EINVAL);
	ck_assert_uint_eq(n.n, 0);
	fill_record(&r);
	fill_unknown(&r);
	ck_assert_int_eq(xsschema_guest_nodes(&r, GUEST_STATE_RUNNING, 1,
	    NULL, NULL, &n), -EMSGSIZE);
	ck_assert_uint_eq(n.n, 0);
}
END_TEST

static const struct {
	const char *name, *value;
	int err;
} guest_cases[] = {
	{ "schema", "2", -EPROTO },
	{ "schema", "0", -EINVAL },
	{ "schema", "01", -EINVAL },
	{ "schema", "1 ", -EINVAL },
	{ "schema", "+1", -EINVAL },
	{ "schema", "", -EINVAL },
	{ "schema", "99999999999", -ERANGE },
	{ "schema", "123456789012345678901", -EMSGSIZE },
	{ "state", "Running", -EINVAL },
	{ "state", "running ", -EINVAL },
	{ "state", "run\x01ing", -EILSEQ },
	{ "state", "refused-last-boot-and-then-some-more", -EMSGSIZE },
	{ "state", "", -EINVAL },
	{ "seq", "18446744073709551616", -ERANGE },
	{ "seq", "-1", -EINVAL },
	{ "seq", "0x10", -EINVAL },
	{ "seq", "007", -EINVAL },
	{ "seq", "", -EINVAL },
	{ "updated", "9223372036854775808", -ERANGE },
	{ "updated", "1.5", -EINVAL },
	{ "record", "hello", -EBADMSG },
	{ "record", "ts=1\n", -EBADMSG },
	{ "detail", "tab\there", -EILSEQ },
	{ "detail", "del\x7f", -EILSEQ },
	{ "detail", "hi\xc3\xa9", -EILSEQ },
	{ "gate", "NONE", -EINVAL },
	{ "gate", "", -EINVAL },
	{ "ping", "abc", -EINVAL },
	{ "ping", "18446744073709551616", -ERANGE },
};

START_TEST(test_guest_value_errors)
{
	const char *name = guest_cases[_i].name, *value = guest_cases[_i].value;
	int want = guest_cases[_i].err;

	ck_assert_msg(parse_guest_with(name, value) == want,
	    "%s=\"%s\": %d, wanted %d", name, value,
	    parse_guest_with(name, value), want);
	/* The per-node check says the same. */
	ck_assert_int_eq(xsschema_check_guest_node(name, value), want);
}
END_TEST

START_TEST(test_guest_valid_edges)
{
	char *s = repeat('x', XSSCHEMA_DETAIL_MAX);

	ck_assert_int_eq(parse_guest_with("seq", "18446744073709551615"), 0);
	ck_assert_int_eq(parse_guest_with("seq", "0"), 0);
	ck_assert_int_eq(parse_guest_with("updated", "9223372036854775807"),
	    0);
	ck_assert_int_eq(parse_guest_with("detail", s), 0);
	ck_assert_int_eq(parse_guest_with("detail", ""), 0);
	ck_assert_int_eq(parse_guest_with("detail", " ~!\"#$%&'()*+,-./"),
	    0);
	ck_assert_int_eq(parse_guest_with("state", "refused-last-boot"), 0);
	ck_assert_int_eq(parse_guest_with("gate", "force"), 0);
	ck_assert_int_eq(parse_guest_with("ping", "18446744073709551615"),
	    0);
	ck_assert_int_eq(xsschema_check_guest_node("detail", s), 0);
	s[0] = '\n';
	ck_assert_int_eq(xsschema_check_guest_node("detail", s), -EILSEQ);
	free(s);
	s = repeat('x', XSSCHEMA_DETAIL_MAX + 1);
	ck_assert_int_eq(parse_guest_with("detail", s), -EMSGSIZE);
	free(s);
}
END_TEST

START_TEST(test_guest_missing)
{
	struct xs_nodes n;
	struct guest_report g;

	valid_guest(&n);
	remove_node(&n, "schema");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -ENOKEY);
	valid_guest(&n);
	remove_node(&n, "state");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -ENOKEY);
	valid_guest(&n);
	remove_node(&n, "seq");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -ENOKEY);
	valid_guest(&n);
	remove_node(&n, "record");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
	ck_assert(!g.has_record);
	n.n = 0;
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -ENOKEY);
}
END_TEST

/* A newer schema is refused before any other node is looked at. */
START_TEST(test_guest_newer_schema)
{
	struct xs_nodes n;
	struct guest_report g;

	n.n = 0;
	add(&n, "state", "some-future-state");
	add(&n, "record", "v2 stuff");
	add(&n, "schema", "2");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -EPROTO);
}
END_TEST

START_TEST(test_guest_unknown_ignored)
{
	struct xs_nodes n;
	struct guest_report g, ref;
	char junk[] = "\x01\x02\xff not even text";

	valid_guest(&n);
	ck_assert_int_eq(xsschema_parse_guest(&n, &ref), 0);
	add(&n, "future-node", junk);
	add(&n, "x", "");
	strcpy(n.node[n.n - 1].name, "Schema");	/* names match exactly */
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
	ck_assert_mem_eq(&g, &ref, sizeof(g));
}
END_TEST

START_TEST(test_guest_duplicate)
{
	struct xs_nodes n;
	struct guest_report g;

	valid_guest(&n);
	add(&n, "state", "running");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -ENOTUNIQ);
	/* Unknown names may repeat: they are ignored. */
	valid_guest(&n);
	add(&n, "zz", "1");
	add(&n, "zz", "2");
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
}
END_TEST

/* A struct filled by hand: unterminated names and values, a bad count. */
START_TEST(test_guest_unterminated)
{
	struct xs_nodes n;
	struct guest_report g, z;
	int r;

	valid_guest(&n);
	memset(n.node[5].value, 'a', sizeof(n.node[5].value));	/* detail */
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -EMSGSIZE);
	valid_guest(&n);
	memset(n.node[3].name, 'n', sizeof(n.node[3].name));
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), -EINVAL);
	/* At most XSSCHEMA_MAX_NODES are looked at, whatever n says. */
	valid_guest(&n);
	n.n = 1000;
	memset(&n.node[7], 0, sizeof(n.node[7]) * (XSSCHEMA_MAX_NODES - 7));
	ck_assert_int_eq(xsschema_parse_guest(&n, &g), 0);
	/* A failure leaves the report reset. */
	valid_guest(&n);
	strcpy(n.node[1].value, "bogus");
	memset(&g, 0x5a, sizeof(g));
	r = xsschema_parse_guest(&n, &g);
	ck_assert_int_eq(r, -EINVAL);
	memset(&z, 0, sizeof(z));
	record_init(&z.rec);
	ck_assert_mem_eq(&g, &z, sizeof(g));
}
END_TEST

START_TEST(test_add_node)
{
	struct xs_nodes n = { .n = 0 };
	char *big = repeat('v', XSSCHEMA_VALUE_MAX + 1);
	char name[40];
	int i;

	ck_assert_int_eq(xsschema_add_node(&n, "", "x", 1), -EINVAL);
	memset(name, 'n', 32);
	name[32] = '\0';
	ck_assert_int_eq(xsschema_add_node(&n, name, "x", 1), -EINVAL);
	name[31] = '\0';
	ck_assert_int_eq(xsschema_add_node(&n, name, "x", 1), 1);
	ck_assert_int_eq(xsschema_add_node(&n, "state", "run\0ning", 8),
	    -EILSEQ);
	ck_assert_int_eq(xsschema_add_node(&n, "state", big,
	    XSSCHEMA_VALUE_MAX + 1), -EMSGSIZE);
	ck_assert_int_eq(xsschema_add_node(&n, "state", big,
	    XSSCHEMA_VALUE_MAX), 2);
	ck_assert_uint_eq(strlen(n.node[1].value), XSSCHEMA_VALUE_MAX);
	/* Only the given length is taken, and terminated. */
	ck_assert_int_eq(xsschema_add_node(&n, "seq", "12345", 2), 3);
	ck_assert_str_eq(n.node[2].value, "12");
	for (i = 3; i < XSSCHEMA_MAX_NODES; i++)
		ck_assert_int_eq(xsschema_add_node(&n, "z", "", 0), i + 1);
	ck_assert_int_eq(xsschema_add_node(&n, "z", "", 0), -ENOSPC);
	free(big);
}
END_TEST

/*
 * Host nodes.
 */

START_TEST(test_host_roundtrip)
{
	struct host_verdict v = {
		.verdict = HOST_VERDICT_UNSAFE, .soft_reset = true,
		.record_seq = 18446744073709551615ull,
		.reason = "evtchn: image fifo, host forces 2l",
	}, back;
	struct xs_nodes n;

	ck_assert_int_eq(xsschema_host_nodes(&v, &n), 5);
	ck_assert_str_eq(n.node[0].name, "schema");
	ck_assert_str_eq(n.node[0].value, "1");
	ck_assert_str_eq(value_of(&n, "verdict"), "unsafe");
	ck_assert_str_eq(value_of(&n, "soft-reset"), "1");
	ck_assert_str_eq(value_of(&n, "record-seq"), "18446744073709551615");
	ck_assert_str_eq(value_of(&n, "reason"), v.reason);
	ck_assert_int_eq(xsschema_parse_host(&n, &back), 0);
	ck_assert_uint_eq(back.schema, 1);
	ck_assert_int_eq(back.verdict, HOST_VERDICT_UNSAFE);
	ck_assert(back.soft_reset);
	ck_assert_uint_eq(back.record_seq, v.record_seq);
	ck_assert_str_eq(back.reason, v.reason);

	memset(&v, 0, sizeof(v));
	ck_assert_int_eq(xsschema_host_nodes(&v, &n), 3);
	ck_assert_ptr_null(value_of(&n, "record-seq"));
	ck_assert_ptr_null(value_of(&n, "reason"));
	ck_assert_str_eq(value_of(&n, "soft-reset"), "0");
	ck_assert_int_eq(xsschema_parse_host(&n, &back), 0);
	ck_assert_int_eq(back.verdict, HOST_VERDICT_UNKNOWN);
	ck_assert(!back.soft_reset);
	remove_node(&n, "soft-reset");
	ck_assert_int_eq(xsschema_parse_host(&n, &back), 0);
}
END_TEST

START_TEST(test_host_errors)
{
	struct host_verdict v = { .verdict = HOST_VERDICT_SAFE };
	struct xs_nodes n;

	ck_assert_int_eq(parse_host_with("schema", "3"), -EPROTO);
	ck_assert_int_eq(parse_host_with("verdict", "SAFE"), -EINVAL);
	ck_assert_int_eq(parse_host_with("verdict", "maybe"), -EINVAL);
	ck_assert_int_eq(parse_host_with("soft-reset", "2"), -ERANGE);
	ck_assert_int_eq(parse_host_with("soft-reset", "yes"), -EINVAL);
	ck_assert_int_eq(parse_host_with("record-seq", "1e3"), -EINVAL);
	ck_assert_int_eq(parse_host_with("reason", "a\tb"), -EILSEQ);
	ck_assert_int_eq(parse_host_with("verdict", "safe"), 0);
	ck_assert_int_eq(parse_host_with("future", "\x01"), 0);
	ck_assert_int_eq(xsschema_check_host_node("soft-reset", "2"),
	    -ERANGE);
	ck_assert_int_eq(xsschema_check_host_node("future", "\x01"), 1);
	ck_assert_int_eq(xsschema_check_host_node("reason", "fine"), 0);

	valid_host(&n);
	remove_node(&n, "verdict");
	ck_assert_int_eq(xsschema_parse_host(&n, &v), -ENOKEY);
	valid_host(&n);
	remove_node(&n, "record-seq");
	ck_assert_int_eq(xsschema_parse_host(&n, &v), -ENOKEY);
	valid_host(&n);
	remove_node(&n, "schema");
	ck_assert_int_eq(xsschema_parse_host(&n, &v), -ENOKEY);

	memset(&v, 0, sizeof(v));
	v.verdict = 7;
	ck_assert_int_eq(xsschema_host_nodes(&v, &n), -EINVAL);
	v.verdict = HOST_VERDICT_SAFE;
	strcpy(v.reason, "line\n");
	ck_assert_int_eq(xsschema_host_nodes(&v, &n), -EINVAL);
	memset(v.reason, 'r', sizeof(v.reason));
	ck_assert_int_eq(xsschema_host_nodes(&v, &n), -EMSGSIZE);
	ck_assert_uint_eq(n.n, 0);
}
END_TEST

START_TEST(test_ping_and_strings)
{
	uint64_t p = 1;
	int s, e;
	static const int errs[] = {
		-ENOKEY, -EPROTO, -ENOTUNIQ, -EMSGSIZE, -EILSEQ, -ERANGE,
		-EINVAL, -EBADMSG, -ENOSPC,
	};
	size_t i, j;

	ck_assert_int_eq(xsschema_parse_ping("0", &p), 0);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(xsschema_parse_ping("123", &p), 0);
	ck_assert_uint_eq(p, 123);
	ck_assert_int_eq(xsschema_parse_ping("12a", &p), -EINVAL);
	ck_assert_uint_eq(p, 123);
	for (s = 0; s < _GUEST_STATE_MAX; s++) {
		ck_assert_int_eq(guest_state_from_string(
		    guest_state_to_string((enum guest_state)s)), s);
	}
	ck_assert_str_eq(guest_state_to_string(GUEST_STATE_REFUSED_LAST_BOOT),
	    "refused-last-boot");
	ck_assert_str_eq(guest_state_to_string(_GUEST_STATE_MAX), "invalid");
	ck_assert_int_eq(guest_state_from_string("RUNNING"), -EINVAL);
	ck_assert_int_eq(guest_state_from_string(NULL), -EINVAL);
	ck_assert_str_eq(host_verdict_to_string(HOST_VERDICT_SAFE), "safe");
	ck_assert_str_eq(host_verdict_to_string(-1), "invalid");
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		e = errs[i];
		ck_assert_str_eq(xsschema_strerror(e), xsschema_strerror(-e));
		for (j = 0; j < i; j++)
			ck_assert_str_ne(xsschema_strerror(errs[j]),
			    xsschema_strerror(e));
		ck_assert_str_ne(xsschema_strerror(e),
		    xsschema_strerror(-EXDEV));
	}
}
END_TEST

static Suite *
xsschema_suite(void)
{
	Suite *s = suite_create("xsschema");
	TCase *tc;

	tc = tcase_create("payload");
	tcase_add_test(tc, test_payload_matches_codec);
	tcase_add_test(tc, test_payload_encode_errors);
	tcase_add_test(tc, test_payload_decode_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("guest");
	tcase_add_test(tc, test_guest_roundtrip);
	tcase_add_test(tc, test_guest_minimal);
	tcase_add_test(tc, test_guest_nodes_errors);
	tcase_add_loop_test(tc, test_guest_value_errors, 0,
	    (int)(sizeof(guest_cases) / sizeof(guest_cases[0])));
	tcase_add_test(tc, test_guest_valid_edges);
	tcase_add_test(tc, test_guest_missing);
	tcase_add_test(tc, test_guest_newer_schema);
	tcase_add_test(tc, test_guest_unknown_ignored);
	tcase_add_test(tc, test_guest_duplicate);
	tcase_add_test(tc, test_guest_unterminated);
	tcase_add_test(tc, test_add_node);
	suite_add_tcase(s, tc);

	tc = tcase_create("host");
	tcase_add_test(tc, test_host_roundtrip);
	tcase_add_test(tc, test_host_errors);
	tcase_add_test(tc, test_ping_and_strings);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xsschema_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
