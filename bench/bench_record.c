// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Time record_encode() and record_decode() of a typical record (a Debian
 * 12 HVM guest, RECORD.md's budget example) and print ns/op and its size.
 * Usage: bench_record [iterations] (default 1000000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "sha256.h"

static void	fill_typical(struct record *);
static double	now_ns(void);

static void
fill_typical(struct record *r)
{
	static const char cmdline[] = "BOOT_IMAGE=/boot/vmlinuz-6.1.0-28-amd64 "
	    "root=UUID=5f0c8d3e-1b2a-4c5d-9e8f-0a1b2c3d4e5f ro quiet";
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	record_init(r);
	r->seq = 42;
	r->created = 1732200000;
	r->has_boot_id = true;
	r->has_domain_uuid = true;
	r->swap.has_uuid = true;
	r->has_memmap_digest = true;
	for (i = 0; i < 16; i++) {
		r->boot_id[i] = (uint8_t)(0x10 + i);
		r->domain_uuid[i] = (uint8_t)(0xf0 - i);
		r->swap.uuid[i] = (uint8_t)(0x30 + 3 * i);
		r->memmap_digest[i] = (uint8_t)(0x55 ^ i);
	}
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
	sha256(cmdline, strlen(cmdline), d);
	memcpy(r->cmdline_digest, d, RECORD_DIGEST_SIZE);
	r->vcpus_possible = 2;
	r->ram_kib = 2097152;
	r->swap.has_dev = true;
	r->swap.dev_major = 254;
	r->swap.dev_minor = 2;
	r->state = RECORD_STATE_HIBERNATING;
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	static struct record r, out;
	uint8_t buf[RECORD_MAX_SIZE];
	long i, iters = 1000000, failed = 0;
	double t0, t1, t2;
	int n;

	if (argc > 1 && (iters = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
		return 2;
	}
	fill_typical(&r);
	n = record_encode(&r, buf, sizeof(buf));
	if (n < 0) {
		fprintf(stderr, "encode: %s\n", record_strerror(n));
		return 1;
	}

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		r.seq = (uint64_t)i;
		if (record_encode(&r, buf, sizeof(buf)) != n)
			failed++;
	}
	t1 = now_ns();
	for (i = 0; i < iters; i++)
		if (record_decode(buf, (size_t)n, &out) != n)
			failed++;
	t2 = now_ns();
	if (failed > 0 || out.seq != (uint64_t)iters - 1) {
		fprintf(stderr, "%ld calls failed\n", failed);
		return 1;
	}

	printf("typical record: %d bytes (%d header + %d payload)\n", n,
	    RECORD_HDR_SIZE, n - RECORD_HDR_SIZE);
	printf("encode: %.1f ns/op\n", (t1 - t0) / (double)iters);
	printf("decode: %.1f ns/op\n", (t2 - t1) / (double)iters);
	return 0;
}
