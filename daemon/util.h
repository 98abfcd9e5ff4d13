/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers shared by every program: cleanup attributes, sizes,
 * bounded string copies.
 */
#ifndef XH_UTIL_H
#define XH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strutil.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline void
freep(void *p)
{
	free(*(void **)p);
}

static inline void
closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void
fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Hand a cleanup-managed pointer over to someone else. */
#define TAKE_PTR(p)                            \
	({                                     \
		__typeof__(p) _tp = (p);       \
		(p) = NULL;                    \
		_tp;                           \
	})

#endif
