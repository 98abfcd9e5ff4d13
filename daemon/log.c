// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char *log_prog = "xen-handover";
static int log_max = LOG_INFO;
static int log_journal;	/* stderr is the journal: use <N> prefixes */

void
log_init(const char *progname, int max_level)
{
	log_prog = progname;
	log_max = max_level;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void
log_set_max_level(int level)
{
	log_max = level;
}

int
log_get_max_level(void)
{
	return log_max;
}

int
log_internal(int level, int err, const char *fmt, ...)
{
	char msg[1024], expanded[1024];
	const char *p;
	size_t o = 0;
	va_list ap;
	int saved = errno;

	if (err < 0)
		err = -err;
	if (level > log_max)
		return -err;

	/* Expand %m to strerror(err) ourselves so it follows err. */
	for (p = fmt; *p && o + 1 < sizeof(expanded); p++) {
		if (p[0] == '%' && p[1] == 'm') {
			const char *e = strerror(err ? err : saved);
			size_t el = strlen(e);

			if (o + el >= sizeof(expanded))
				break;
			memcpy(expanded + o, e, el);
			o += el;
			p++;
			continue;
		}
		if (p[0] == '%' && p[1] == '%') {
			if (o + 2 >= sizeof(expanded))
				break;
			expanded[o++] = '%';
			expanded[o++] = '%';
			p++;
			continue;
		}
		expanded[o++] = *p;
	}
	expanded[o] = '\0';

	va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(msg, sizeof(msg), expanded, ap);
#pragma GCC diagnostic pop
	va_end(ap);

	if (log_journal)
		fprintf(stderr, "<%d>%s\n", level, msg);
	else
		fprintf(stderr, "%s: %s%s\n", log_prog,
		    level <= LOG_ERR ? "error: " :
		    level == LOG_WARNING ? "warning: " : "", msg);
	errno = saved;
	return -err;
}
