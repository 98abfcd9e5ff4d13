/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pure string helpers (no I/O), shared by proto/ and daemon/. */
#ifndef XH_STRUTIL_H
#define XH_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline bool
streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static inline bool
startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Copy at most dstsz - 1 bytes and always terminate. Returns the length of
 * src, so a result >= dstsz means truncation (as strlcpy).
 */
size_t xh_strlcpy(char *dst, const char *src, size_t dstsz);

/* True when s holds printable ASCII (0x20..0x7e) only. */
bool xh_printable(const char *s);

/* Remove trailing whitespace in place; returns s. */
char *xh_rstrip(char *s);

/*
 * Parse a whole unsigned number: base 10, 16, or 0 (C prefixes). No sign,
 * no leading or trailing junk, no overflow. 0 or -EINVAL / -ERANGE.
 */
int xh_parse_u64(const char *s, int base, unsigned long long *ret);

/* Lower-case hex of n bytes into out (2n + 1 bytes, terminated). */
void xh_hex(const unsigned char *in, size_t n, char *out);

/* Parse exactly 2n hex digits (either case) into out; -EINVAL otherwise. */
int xh_unhex(const char *s, unsigned char *out, size_t n);

/*
 * Parse a UUID in canonical 8-4-4-4-12 form or as 32 hex digits.
 * 0 or -EINVAL.
 */
int xh_parse_uuid(const char *s, unsigned char out[16]);

/* Canonical 36-character form plus terminator. */
void xh_format_uuid(const unsigned char in[16], char out[37]);

#endif
