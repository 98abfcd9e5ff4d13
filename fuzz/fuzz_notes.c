// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the /sys/kernel/notes parser: bounded by its input, a build-id
 * never larger than the room given, and the result independent of how
 * much room there is (as long as the id fits).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t a[RECORD_BUILD_ID_MAX], b[256];
	int r, s;

	r = notes_build_id(data, size, a, sizeof(a));
	if (r != 0 && r != -EINVAL && r != -ENOBUFS &&
	    (r < 0 || r > (int)sizeof(a)))
		abort();
	s = notes_build_id(data, size, b, sizeof(b));
	if (r > 0 && (s != r || memcmp(a, b, (size_t)r) != 0))
		abort();
	if (r == 0 || r == -EINVAL) {
		if (s != r)
			abort();
	}
	if (r == -ENOBUFS && s <= (int)sizeof(a) && s != -ENOBUFS)
		abort();
	return 0;
}
