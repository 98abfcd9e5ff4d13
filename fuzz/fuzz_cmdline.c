// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the kernel command-line parser: parse, look-ups, and rewrite.
 * Properties checked: a rewrite the function accepts parses again, the
 * removed names are gone, the appended words come back with their values
 * in order, and init's part keeps its word count.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

static int removed(const struct cmdline_arg *a);
static void check_rewrite(const char *s, const struct cmdline *before);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"xen.fifo_events", "grant_table.version", "nokaslr", "resume", NULL,
};
static const char *const rm[] = { "xen.fifo_events", "resume", NULL };
static const char *const app[] = {
	"xen.fifo_events=0", "resume=/dev/xvda b", "nokaslr", NULL,
};

/* Would cmdline_rewrite() drop this argument? */
static int
removed(const struct cmdline_arg *a)
{
	static struct cmdline one;
	size_t i;

	one.nargs = 1;
	one.args[0] = *a;
	for (i = 0; rm[i]; i++)
		if (cmdline_has(&one, rm[i]))
			return 1;
	return 0;
}

static void
check_rewrite(const char *s, const struct cmdline *before)
{
	static struct cmdline after;
	char out[CMDLINE_MAX];
	size_t i, kept = 0;
	int r;

	r = cmdline_rewrite(s, rm, app, out, sizeof(out));
	if (r < 0)
		return;
	if ((size_t)r != strlen(out) || r >= CMDLINE_MAX)
		abort();
	if (cmdline_parse(out, &after) != 0)
		abort();
	for (i = 0; i < before->nargs; i++)
		if (!removed(&before->args[i]))
			kept++;
	if (after.nargs != kept + 3 || after.ninit != before->ninit)
		abort();
	/* The appended words, in order, after the kept ones. */
	if (strcmp(after.args[kept].param, "xen.fifo_events") != 0 ||
	    !after.args[kept].val || strcmp(after.args[kept].val, "0") != 0)
		abort();
	if (strcmp(after.args[kept + 1].param, "resume") != 0 ||
	    !after.args[kept + 1].val ||
	    strcmp(after.args[kept + 1].val, "/dev/xvda b") != 0)
		abort();
	if (strcmp(after.args[kept + 2].param, "nokaslr") != 0 ||
	    after.args[kept + 2].val)
		abort();
	if (cmdline_get_bool(&after, "xen.fifo_events") != 0)
		abort();
	for (i = 0; i < kept; i++)
		if (removed(&after.args[i]))
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmdline c;
	char *s;
	size_t i;

	/* A C string: the bytes up to the first NUL. */
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (cmdline_parse(s, &c) == 0) {
		if (c.nargs > CMDLINE_MAX_ARGS)
			abort();
		for (i = 0; names[i]; i++) {
			const char *v = cmdline_get(&c, names[i]);
			int b = cmdline_get_bool(&c, names[i]);
			long u = cmdline_get_uint(&c, names[i]);

			if (v && !cmdline_has(&c, names[i]))
				abort();
			if (b < -1 || b > 1 || u < -1 || u > 0xffffffffL)
				abort();
			(void)cmdline_parse_bool(v);
		}
		for (i = 0; i < c.nargs; i++) {
			/* Every parameter finds itself. */
			if (!cmdline_has(&c, c.args[i].param))
				abort();
			(void)cmdline_get_bool(&c, c.args[i].param);
			(void)cmdline_get_uint(&c, c.args[i].param);
		}
		check_rewrite(s, &c);
	}
	free(s);
	return 0;
}
