// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the dom0 companion's ingest path: arbitrary xenstore contents of a
 * guest's data/xen-handover/, read the way the daemon reads them
 * (dom0d_ingest_nodes(): known names, bounded values), then every report
 * that validates moves an entry (dom0d_ingest_*), the entry is judged
 * (dom0d_validate(), dom0d_preflight()) and written and read back as the
 * state directory keeps it (dom0d_entry_encode/decode).
 *
 * Input: entries separated by NUL. "name<TAB>value" sets a node of the
 * current directory (a later value replaces an earlier one, as in
 * xenstore; a name with no tab removes it). An entry starting with '@'
 * is an event: "@read" reads the directory and ingests it, "@shutdown N",
 * "@gone", "@created N" move the domain, "@gnttab N" sets what the
 * hypervisor reports. The whole input is also fed to the entry decoder.
 *
 * Invariants (abort() on violation): an entry always encodes and decodes
 * back to the same text; reasons are bounded printable ASCII; verdicts
 * and phases stay in range; nothing grows with the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dom0d.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NODES 64		/* distinct names kept: more are dropped */
#define NAME_MAX_LEN 40
#define VALUE_MAX_LEN 4096	/* XENSTORE_PAYLOAD_MAX */

struct node {
	char name[NAME_MAX_LEN + 1];
	char value[VALUE_MAX_LEN];
	size_t len;
};

struct dir {
	struct node node[MAX_NODES];
	size_t n;
};

static struct dir dir;

static void
set_node(const char *name, size_t nlen, const char *value, size_t vlen,
    bool remove)
{
	size_t i;

	if (nlen == 0 || nlen > NAME_MAX_LEN || vlen > VALUE_MAX_LEN)
		return;
	for (i = 0; i < dir.n; i++)
		if (strlen(dir.node[i].name) == nlen &&
		    memcmp(dir.node[i].name, name, nlen) == 0)
			break;
	if (remove) {
		if (i < dir.n)
			dir.node[i] = dir.node[--dir.n];
		return;
	}
	if (i == dir.n) {
		if (dir.n == MAX_NODES)
			return;
		dir.n++;
	}
	memcpy(dir.node[i].name, name, nlen);
	dir.node[i].name[nlen] = '\0';
	memcpy(dir.node[i].value, value, vlen);
	dir.node[i].len = vlen;
}

/* dom0d_get_fn over the fuzzed directory, with xsc_read()'s bounds. */
static int
get(void *userdata, const char *name, char *buf, size_t bufsz)
{
	size_t i;

	(void)userdata;
	for (i = 0; i < dir.n; i++) {
		if (strcmp(dir.node[i].name, name) != 0)
			continue;
		if (bufsz == 0 || dir.node[i].len > bufsz - 1)
			return -EFBIG;
		memcpy(buf, dir.node[i].value, dir.node[i].len);
		buf[dir.node[i].len] = '\0';
		return (int)dir.node[i].len;
	}
	return -ENOENT;
}

static void
check_text(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1), i;

	if (n > max)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

static void
check_entry(const struct dom0d_entry *e)
{
	static char a[DOM0D_ENTRY_MAX_SIZE], b[DOM0D_ENTRY_MAX_SIZE];
	static struct dom0d_entry back;
	int n, m;

	if ((unsigned int)e->phase >= _PHASE_MAX ||
	    (unsigned int)e->outcome >= _OUTCOME_MAX)
		abort();
	n = dom0d_entry_encode(e, a, sizeof(a));
	if (n < 0)
		abort();
	if (dom0d_entry_decode(a, (size_t)n, &back) != 0)
		abort();
	m = dom0d_entry_encode(&back, b, sizeof(b));
	if (m != n || memcmp(a, b, (size_t)n) != 0)
		abort();
}

static void
check_judgement(const struct dom0d_entry *e, const struct hv_host *h,
    const struct hv_domain *d, int gnttab)
{
	struct dom0d_view v = { .host = h, .dom = d, .gnttab = gnttab,
	    .settled = gnttab & 1 };
	static struct dom0d_check c;

	if (dom0d_validate(e, &v, &c) != 0)
		abort();
	if (c.verdict < HOST_VERDICT_UNKNOWN || c.verdict > HOST_VERDICT_UNSAFE)
		abort();
	check_text(c.reason, DOM0D_REASON_MAX);
	if ((c.verdict == HOST_VERDICT_UNSAFE) != (c.fields != 0))
		abort();
	if (!dom0d_entry_pending(e) && c.verdict != HOST_VERDICT_UNKNOWN)
		abort();
	if (dom0d_preflight(e, 4, (unsigned int)(gnttab & 31), true,
	    (uint32_t)gnttab * 0x9e3779b9u, &c) != 0)
		abort();
	check_text(c.reason, DOM0D_REASON_MAX);
}

static unsigned int
num(const char *s, size_t len)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < len && i < 6; i++)
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (unsigned int)(s[i] - '0');
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dom0d_entry e, decoded;
	static struct xs_nodes scratch;
	static struct guest_report rep;
	const char *p = (const char *)data, *end = p + size;
	struct hv_host host;
	struct hv_domain dom;
	struct dom0d_facts f;
	int gnttab = 1;
	int64_t now = 1000;
	const char *node;
	unsigned int steps = 0;

	/* The state file parser sees the raw bytes too. */
	if (dom0d_entry_decode(p, size, &decoded) == 0)
		check_entry(&decoded);

	memset(&host, 0, sizeof(host));
	host.xen_major = 4;
	host.xen_minor = size > 0 ? data[0] % 24 : 17;
	host.has_features = true;
	host.features = 0x000c2000;
	memset(&dom, 0, sizeof(dom));
	dom.domid = 5;
	dom.uuid[0] = 0x42;
	dom.flags = HV_DOM_RUNNING | HV_DOM_HVM;
	dom.max_vcpus = size > 1 ? data[1] % 8 : 2;
	dom.max_pages = 524288;
	dom.tot_pages = 524288;
	dom.type = size > 2 ? (enum guest_type)(data[2] % _GUEST_MAX) :
	    GUEST_HVM;
	dom0d_entry_init(&e, dom.uuid);
	dir.n = 0;

	while (p < end && steps++ < 4096) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t len = z ? (size_t)(z - p) : (size_t)(end - p);
		const char *tab = memchr(p, '\t', len);
		int r;

		now++;
		if (len > 0 && p[0] == '@') {
			if (len >= 5 && memcmp(p, "@read", 5) == 0) {
				r = dom0d_ingest_nodes(get, NULL, &scratch,
				    &rep, &node);
				if (r == 0) {
					f.dom = &dom;
					f.host = &host;
					f.gnttab = gnttab;
					f.now = now;
					dom0d_ingest_report(&e, &rep, &f);
				} else if (node && !strstr("schema state seq "
				    "updated record detail gate", node)) {
					abort();	/* not one of ours */
				}
			} else if (len >= 9 && memcmp(p, "@shutdown", 9) == 0) {
				dom0d_ingest_shutdown(&e, num(p + 9, len - 9),
				    now);
			} else if (len >= 5 && memcmp(p, "@gone", 5) == 0) {
				dom0d_ingest_gone(&e, now);
			} else if (len >= 8 && memcmp(p, "@created", 8) == 0) {
				dom.domid = num(p + 8, len - 8) %
				    HV_DOMID_LIMIT;
				dom0d_ingest_created(&e, &dom, now);
			} else if (len >= 7 && memcmp(p, "@gnttab", 7) == 0) {
				gnttab = (int)num(p + 7, len - 7) % 4 - 1;
			}
			check_entry(&e);
			check_judgement(&e, &host, &dom, gnttab);
		} else if (tab) {
			set_node(p, (size_t)(tab - p), tab + 1,
			    len - (size_t)(tab - p) - 1, false);
		} else {
			set_node(p, len, "", 0, true);
		}
		p += len + 1;
	}
	/* Whatever happened, one final read and judgement. */
	if (dom0d_ingest_nodes(get, NULL, &scratch, &rep, &node) == 0) {
		f.dom = &dom;
		f.host = &host;
		f.gnttab = gnttab;
		f.now = now;
		dom0d_ingest_report(&e, &rep, &f);
	}
	check_entry(&e);
	check_judgement(&e, &host, &dom, gnttab);
	return 0;
}
