// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pure parsers for the probes: kernel log, /proc/interrupts, cpulists,
 * ELF notes. No I/O; every parser is bounded by its input.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "probe.h"

static bool is_digit(char c);
static bool has_prefix(const char *s, size_t n, const char *prefix);
static bool equals(const char *s, size_t n, const char *lit);
static int parse_ull(const char **p, const char *end, unsigned long long *v);
static const char *kmsg_header(const char *l, const char *end,
    unsigned long long *seq);
static const char *plain_message(const char *l, const char *end);
static void kmsg_message(struct kmsg_facts *k, const char *m, size_t n);
static void kmsg_line(struct kmsg_facts *k, const char *l, size_t n, bool cut);
static bool name_is(const char *tok, size_t n, const char *prefix);
static int cpu_number(const char **p, unsigned *v);

/* Exact lines (references/linux.md 1.3 and 3.1). */
#define EVT_FIFO "xen:events: Using FIFO-based ABI"
#define EVT_2L "xen:events: Using 2-level ABI"
#define GNT_PREFIX "xen:grant_table: Grant tables using version "
#define GNT_SUFFIX " layout"

void
kmsg_facts_init(struct kmsg_facts *k)
{
	memset(k, 0, sizeof(*k));
	k->evtchn = EVTCHN_UNKNOWN;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
has_prefix(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);

	return n >= pl && memcmp(s, prefix, pl) == 0;
}

static bool
equals(const char *s, size_t n, const char *lit)
{
	return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

/* Decimal digits at *p (before end): 0 and the value, or -1. */
static int
parse_ull(const char **p, const char *end, unsigned long long *v)
{
	const char *s = *p;
	unsigned long long x = 0;

	if (s == end || !is_digit(*s))
		return -1;
	for (; s < end && is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (x > (ULLONG_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*p = s;
	*v = x;
	return 0;
}

/*
 * A /dev/kmsg record header: "prio,seq,ts_usec,flags[,more...];".
 * Returns the message start and the seq, or NULL when l is not one.
 */
static const char *
kmsg_header(const char *l, const char *end, unsigned long long *seq)
{
	unsigned long long prio, ts;
	const char *p = l;

	if (parse_ull(&p, end, &prio) < 0 || p == end || *p++ != ',')
		return NULL;
	if (parse_ull(&p, end, seq) < 0 || p == end || *p++ != ',')
		return NULL;
	if (parse_ull(&p, end, &ts) < 0 || p == end || *p++ != ',')
		return NULL;
	p = memchr(p, ';', (size_t)(end - p));
	return p ? p + 1 : NULL;
}

/* Plain dmesg: optional "<N>", optional "[ timestamp ]" and one space. */
static const char *
plain_message(const char *l, const char *end)
{
	const char *p = l, *q;

	if (p < end && *p == '<') {
		for (q = p + 1; q < end && is_digit(*q); q++)
			;
		if (q > p + 1 && q < end && *q == '>')
			p = q + 1;
	}
	if (p < end && *p == '[') {
		q = memchr(p, ']', (size_t)(end - p));
		if (q && q - p <= 40) {
			p = q + 1;
			if (p < end && *p == ' ')
				p++;
		}
	}
	return p;
}

static void
kmsg_message(struct kmsg_facts *k, const char *m, size_t n)
{
	while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\r' ||
	    m[n - 1] == '\t'))
		n--;
	if (has_prefix(m, n, "xen:") || has_prefix(m, n, "Xen version") ||
	    has_prefix(m, n, "Booting kernel on Xen") ||
	    has_prefix(m, n, "Booting paravirtualized kernel on Xen") ||
	    has_prefix(m, n, "Hypervisor detected: Xen"))
		k->saw_xen = true;
	if (equals(m, n, EVT_FIFO)) {
		k->evtchn = EVTCHN_FIFO;
	} else if (equals(m, n, EVT_2L)) {
		k->evtchn = EVTCHN_2L;
	} else if (has_prefix(m, n, GNT_PREFIX)) {
		const char *p = m + strlen(GNT_PREFIX), *end = m + n;
		unsigned long long v;

		if (parse_ull(&p, end, &v) == 0 &&
		    equals(p, (size_t)(end - p), GNT_SUFFIX) &&
		    (v == 1 || v == 2))
			k->gnttab_version = (int)v;
	}
}

static void
kmsg_line(struct kmsg_facts *k, const char *l, size_t n, bool cut)
{
	const char *end = l + n, *msg;
	unsigned long long seq;

	if (n == 0 || l[0] == ' ' || l[0] == '\t')
		return;		/* empty, or a record's KEY=value line */
	msg = kmsg_header(l, end, &seq);
	if (msg) {
		if (!k->has_seq) {
			k->has_seq = true;
			k->first_seq = seq;
			/* Sequence numbers start at 0 at boot. */
			if (seq > 0)
				k->wrapped = true;
		} else if (seq > k->last_seq &&
		    seq - k->last_seq > 1) {
			k->wrapped = true;	/* records went missing */
		}
		k->last_seq = seq;
	} else {
		msg = plain_message(l, end);
	}
	k->records++;
	if (!cut)
		kmsg_message(k, msg, (size_t)(end - msg));
}

void
kmsg_facts_feed(struct kmsg_facts *k, const char *buf, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;
		size_t room = sizeof(k->line) - k->line_len;

		if (take > room) {
			k->line_cut = true;
			memcpy(k->line + k->line_len, buf, room);
			k->line_len += room;
		} else {
			memcpy(k->line + k->line_len, buf, take);
			k->line_len += take;
		}
		if (!nl)
			return;
		kmsg_line(k, k->line, k->line_len, k->line_cut);
		k->line_len = 0;
		k->line_cut = false;
		buf = nl + 1;
		len -= take + 1;
	}
}

void
kmsg_facts_end(struct kmsg_facts *k)
{
	if (k->line_len > 0)
		kmsg_line(k, k->line, k->line_len, k->line_cut);
	k->line_len = 0;
	k->line_cut = false;
}

/* tok (n bytes) is prefix followed by one or more digits. */
static bool
name_is(const char *tok, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix), i;

	if (n <= pl || memcmp(tok, prefix, pl) != 0)
		return false;
	for (i = pl; i < n; i++)
		if (!is_digit(tok[i]))
			return false;
	return true;
}

enum tristate
interrupts_2l_hint(const char *text)
{
	bool debug = false, ipi = false;
	const char *line = text;

	while (*line) {
		const char *eol = strchr(line, '\n');
		const char *end = eol ? eol : line + strlen(line);
		const char *p = line;
		bool chip = false;

		while (p < end) {
			const char *tok;
			size_t n;

			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			tok = p;
			while (p < end && *p != ' ' && *p != '\t')
				p++;
			n = (size_t)(p - tok);
			if (n > 0 && tok[n - 1] == ',')
				n--;
			if (n == 0)
				continue;
			if (!chip) {
				/* "xen-percpu" plus "-virq"/"-ipi" (flow). */
				chip = has_prefix(tok, n, "xen-percpu");
				continue;
			}
			if (name_is(tok, n, "debug"))
				debug = true;
			else if (name_is(tok, n, "resched") ||
			    name_is(tok, n, "callfunc") ||
			    name_is(tok, n, "callfuncsingle"))
				ipi = true;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	if (debug)
		return TRI_YES;
	if (ipi)
		return TRI_NO;
	return TRI_UNKNOWN;
}

#define CPU_NUM_MAX (1u << 22)	/* far above any NR_CPUS */

static int
cpu_number(const char **p, unsigned *v)
{
	const char *s = *p;
	unsigned x = 0;

	if (!is_digit(*s))
		return -EINVAL;
	for (; is_digit(*s); s++) {
		x = x * 10 + (unsigned)(*s - '0');
		if (x >= CPU_NUM_MAX)
			return -EINVAL;
	}
	*p = s;
	*v = x;
	return 0;
}

int
cpulist_count(const char *s)
{
	long long prev_end = -1, count = 0;
	const char *p = s;

	for (;;) {
		unsigned a, b;

		if (cpu_number(&p, &a) < 0)
			return -EINVAL;
		b = a;
		if (*p == '-') {
			p++;
			if (cpu_number(&p, &b) < 0 || b < a)
				return -EINVAL;
		}
		/* The kernel prints ranges in ascending order. */
		if ((long long)a <= prev_end)
			return -EINVAL;
		count += (long long)b - a + 1;
		prev_end = b;
		if (*p != ',')
			break;
		p++;
	}
	if (*p == '\n')
		p++;
	if (*p)
		return -EINVAL;
	return count > INT_MAX ? -EINVAL : (int)count;
}

#define NT_GNU_BUILD_ID 3

int
notes_build_id(const uint8_t *notes, size_t len, uint8_t *out,
    size_t outsz)
{
	size_t off = 0, i;

	while (len - off >= 12) {
		uint32_t namesz, descsz, type;
		const uint8_t *name, *desc;
		size_t left;

		/* Notes are in the running kernel's byte order. */
		memcpy(&namesz, notes + off, 4);
		memcpy(&descsz, notes + off + 4, 4);
		memcpy(&type, notes + off + 8, 4);
		off += 12;

		left = len - off;
		if (namesz > left)
			return -EINVAL;
		name = notes + off;
		/* Pad to 4; the very last padding may be missing. */
		off += ((size_t)namesz + 3) / 4 * 4 > left ?
		    left : ((size_t)namesz + 3) / 4 * 4;

		left = len - off;
		if (descsz > left)
			return -EINVAL;
		desc = notes + off;
		off += ((size_t)descsz + 3) / 4 * 4 > left ?
		    left : ((size_t)descsz + 3) / 4 * 4;

		if (type == NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0) {
			if (descsz == 0 || descsz > INT_MAX)
				return -EINVAL;
			if (descsz > outsz)
				return -ENOBUFS;
			memcpy(out, desc, descsz);
			return (int)descsz;
		}
	}
	/* A partial header may only be zero padding. */
	for (i = off; i < len; i++)
		if (notes[i] != 0)
			return -EINVAL;
	return 0;
}
