// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the kernel-log parser fed in arbitrary chunks: the facts must not
 * depend on where the chunks split. The same text also goes through the
 * /proc/interrupts and cpulist parsers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static void same(const struct kmsg_facts *a, const struct kmsg_facts *b);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same(const struct kmsg_facts *a, const struct kmsg_facts *b)
{
	if (a->evtchn != b->evtchn || a->gnttab_version != b->gnttab_version ||
	    a->wrapped != b->wrapped || a->saw_xen != b->saw_xen ||
	    a->has_seq != b->has_seq || a->first_seq != b->first_seq ||
	    a->last_seq != b->last_seq || a->records != b->records)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kmsg_facts whole, k;
	const char *text = (const char *)data;
	uint32_t rng = 2166136261u;
	size_t off = 0, i;
	char *z;

	kmsg_facts_init(&whole);
	kmsg_facts_feed(&whole, text, size);
	kmsg_facts_end(&whole);
	if (whole.gnttab_version < 0 || whole.gnttab_version > 2 ||
	    (unsigned)whole.evtchn >= _EVTCHN_MAX)
		abort();

	/* Chunk sizes from a hash of the input: reproducible. */
	for (i = 0; i < size && i < 64; i++)
		rng = (rng ^ data[i]) * 16777619u;
	kmsg_facts_init(&k);
	while (off < size) {
		size_t n;

		rng = rng * 1103515245u + 12345u;
		n = (rng >> 16) % 300;
		if (n > size - off)
			n = size - off;
		kmsg_facts_feed(&k, text + off, n);
		off += n;
	}
	kmsg_facts_end(&k);
	same(&whole, &k);

	/* Byte by byte for short inputs. */
	if (size <= 4096) {
		kmsg_facts_init(&k);
		for (i = 0; i < size; i++)
			kmsg_facts_feed(&k, text + i, 1);
		kmsg_facts_end(&k);
		same(&whole, &k);
	}

	z = malloc(size + 1);
	if (!z)
		return 0;
	memcpy(z, data, size);
	z[size] = '\0';
	if ((unsigned)interrupts_2l_hint(z) > TRI_YES)
		abort();
	if (cpulist_count(z) == 0)
		abort();	/* a list names at least one CPU */
	free(z);
	return 0;
}
