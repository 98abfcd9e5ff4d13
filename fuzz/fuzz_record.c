// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the record decoder. Whatever decodes must re-encode, and decode
 * again to the same record (round-trip property). The CRC would stop
 * almost every mutation at the envelope, so each input is also tried
 * with its CRC recomputed, which lets the fuzzer reach the payload parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
roundtrip(const uint8_t *data, size_t size)
{
	static struct record r, r2;
	uint8_t buf[RECORD_MAX_SIZE];
	int n, m;

	n = record_decode(data, size, &r);
	if (n < 0) {
		struct record z;

		/* Never half-used: a failed decode leaves a reset record. */
		record_init(&z);
		if (memcmp(&r, &z, sizeof(z)) != 0)
			abort();
		return;
	}
	if (n > RECORD_MAX_SIZE || (size_t)n > size)
		abort();
	m = record_encode(&r, buf, sizeof(buf));
	/* The same lines (known keys reordered): the same size. */
	if (m != n)
		abort();
	if (record_decode(buf, (size_t)m, &r2) != m)
		abort();
	/* Only the version differs: the encoder writes 1.0. */
	if (r2.ver_major != 1 || r2.ver_minor != 0)
		abort();
	r2.ver_minor = r.ver_minor;
	if (memcmp(&r, &r2, sizeof(r)) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t copy[RECORD_MAX_SIZE + 64];
	uint32_t crc;

	roundtrip(data, size);
	if (size < RECORD_HDR_SIZE || size > sizeof(copy))
		return 0;
	/* The same bytes with a CRC that matches their announced length. */
	memcpy(copy, data, size);
	if ((size_t)(copy[10] | copy[11] << 8) + RECORD_HDR_SIZE <= size) {
		size_t len = (size_t)(copy[10] | copy[11] << 8) +
		    RECORD_HDR_SIZE;

		memset(copy + 12, 0, 4);
		crc = crc32c(0, copy, len);
		copy[12] = (uint8_t)crc;
		copy[13] = (uint8_t)(crc >> 8);
		copy[14] = (uint8_t)(crc >> 16);
		copy[15] = (uint8_t)(crc >> 24);
		roundtrip(copy, size);
	}
	return 0;
}
