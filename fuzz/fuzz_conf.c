// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the configuration parser. Properties checked on every input:
 * the parse never reads past the input (ASan, exact-size buffers from the
 * driver), an error leaves the configuration untouched and says where
 * ("name:line: ..."), a success leaves only valid values, and parsing
 * is deterministic.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c, before, again;
	char err[512], err2[512];
	int r, r2;

	conf_init(&c);
	/* A non-default start, so "unchanged" is a real check. */
	c.policy.mode = POLICY_STRICT;
	c.allow_kaslr = true;
	before = c;
	r = conf_parse(&c, (const char *)data, size, "fuzz", err,
	    sizeof(err));
	if (r != 0 && r != -EINVAL)
		abort();
	if (strnlen(err, sizeof(err)) >= sizeof(err))
		abort();
	if (r < 0) {
		if (memcmp(&c, &before, sizeof(c)) != 0)
			abort();
		if (strncmp(err, "fuzz:", 5) != 0)
			abort();
	} else {
		if ((unsigned int)c.policy.mode >= _POLICY_MAX ||
		    (unsigned int)c.policy.unknown_image >=
		    _UNKNOWN_IMAGE_MAX ||
		    (unsigned int)c.xen_pm_restore > TRI_YES)
			abort();
		/* Warnings, if any, name the input. */
		if (err[0] && strncmp(err, "fuzz:", 5) != 0)
			abort();
	}

	again = before;
	r2 = conf_parse(&again, (const char *)data, size, "fuzz", err2,
	    sizeof(err2));
	if (r2 != r || memcmp(&again, &c, sizeof(c)) != 0 ||
	    strcmp(err, err2) != 0)
		abort();
	return 0;
}
