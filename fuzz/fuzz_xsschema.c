// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the xenstore schema readers (proto/xsschema.c) and the record
 * payload decoder. The input is split into (name, value) pairs: entries
 * separated by NUL, each "name<TAB>value" (no tab: an empty value). The
 * pairs go through xsschema_add_node() into xsschema_parse_guest() and
 * xsschema_parse_host(); the whole input also goes to
 * record_decode_payload(), and raw bytes are poured into a struct
 * xs_nodes (unterminated names and values, any count). Whatever parses
 * must build the same nodes again and parse to the same result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "xsschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_guest(const struct xs_nodes *in)
{
	static struct guest_report g, g2;
	static struct xs_nodes out;
	int r = xsschema_parse_guest(in, &g);

	if (r < 0) {
		struct guest_report z;

		memset(&z, 0, sizeof(z));
		record_init(&z.rec);
		if (memcmp(&g, &z, sizeof(z)) != 0)
			abort();	/* never half-filled */
		return;
	}
	if (r != 0 || g.schema != XSSCHEMA_VERSION)
		abort();
	/* A record without seq is refused; with one, it is the record's. */
	if (g.has_record && g.rec.seq != g.seq)
		abort();
	r = xsschema_guest_nodes(g.has_record ? &g.rec : NULL, g.state,
	    g.updated, g.detail, g.gate[0] ? g.gate : NULL, &out);
	if (r < 0)
		abort();
	if (xsschema_parse_guest(&out, &g2) != 0)
		abort();
	if (g2.state != g.state || g2.updated != g.updated ||
	    strcmp(g2.detail, g.detail) != 0 || strcmp(g2.gate, g.gate) != 0 ||
	    g2.has_record != g.has_record ||
	    (g.has_record && g2.seq != g.seq))
		abort();
	if (g.has_record) {
		char a[RECORD_MAX_PAYLOAD + 1], b[RECORD_MAX_PAYLOAD + 1];
		int na = record_encode_payload(&g.rec, a, sizeof(a));
		int nb = record_encode_payload(&g2.rec, b, sizeof(b));

		if (na < 0 || na != nb || memcmp(a, b, (size_t)na) != 0)
			abort();
	}
}

static void
check_host(const struct xs_nodes *in)
{
	struct host_verdict v, v2;
	static struct xs_nodes out;

	if (xsschema_parse_host(in, &v) < 0)
		return;
	if (xsschema_host_nodes(&v, &out) < 0)
		abort();
	/* An unknown verdict is about no record: record-seq is not kept. */
	if (v.verdict == HOST_VERDICT_UNKNOWN)
		v.record_seq = 0;
	if (xsschema_parse_host(&out, &v2) != 0 ||
	    memcmp(&v, &v2, sizeof(v)) != 0)
		abort();
}

static void
check_payload(const uint8_t *data, size_t size)
{
	static struct record r, r2;
	char text[RECORD_MAX_PAYLOAD + 1];
	int n = record_decode_payload((const char *)data, size, &r);

	if (n < 0)
		return;
	if ((size_t)n != size)
		abort();
	/* The same lines (known keys reordered): the same length. */
	if (record_encode_payload(&r, text, sizeof(text)) != n)
		abort();
	if (record_decode_payload(text, (size_t)n, &r2) != n ||
	    memcmp(&r, &r2, sizeof(r)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xs_nodes nodes;
	const char *p = (const char *)data, *end = p + size;

	check_payload(data, size);

	nodes.n = 0;
	while (p < end) {
		const char *e = memchr(p, '\0', (size_t)(end - p));
		const char *tab;
		char name[64];
		size_t len = e ? (size_t)(e - p) : (size_t)(end - p), nlen;

		tab = memchr(p, '\t', len);
		nlen = tab ? (size_t)(tab - p) : len;
		if (nlen < sizeof(name)) {
			static char value[XSSCHEMA_VALUE_MAX + 1];
			size_t vlen = tab ? len - nlen - 1 : 0;

			memcpy(name, p, nlen);
			name[nlen] = '\0';
			if (vlen < sizeof(value)) {
				memcpy(value, tab ? tab + 1 : "", vlen);
				value[vlen] = '\0';
				xsschema_check_guest_node(name, value);
				xsschema_check_host_node(name, value);
			}
			xsschema_add_node(&nodes, name, tab ? tab + 1 : "",
			    vlen);
		}
		p += len + 1;
	}
	check_guest(&nodes);
	check_host(&nodes);

	/* Raw bytes in the struct: nothing terminated, any count. */
	memset(&nodes, 0, sizeof(nodes));
	memcpy(&nodes.node, data, size < sizeof(nodes.node) ? size :
	    sizeof(nodes.node));
	nodes.n = size > 0 ? data[0] : 0;
	check_guest(&nodes);
	check_host(&nodes);
	return 0;
}
