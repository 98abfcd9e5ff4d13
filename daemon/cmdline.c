// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel command line with the kernel's own rules:
 *  - lib/cmdline.c next_arg(): words split at unquoted white space; a
 *    word may start with '"' (the whole word quoted) or quote its value
 *    after '='; the quotes are stripped exactly as the kernel strips them,
 *    there is no escape character;
 *  - lib/ctype.c isspace(): \t \n \v \f \r, ' ' and 0xa0;
 *  - kernel/params.c parse_args(): a bare "--" ends the kernel's part,
 *    the words after it go to init; parameq() treats '-' and '_' alike;
 *  - lib/kstrtox.c kstrtobool() and kstrtouint(s, 0): a bool parameter
 *    without a value is true, an invalid value leaves the previous one.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "record.h"	/* KNOB_UNSET */
#include "sha256.h"

static bool kisspace(unsigned char c);
static char *skip_spaces(char *s);
static char *next_arg_raw(char *args, char **param, char **val,
    size_t *rawlen, bool *open_quote);
static char *next_arg(char *args, char **param, char **val);
static char dash2underscore(char c);
static bool parameq(const char *a, const char *b);
static int check_text(const char *s, size_t *lenp);
static const struct cmdline_arg *find_last(const struct cmdline *c,
    const char *param);
static int kstrtouint0(const char *s, unsigned int *res);
static int out_word(char *out, size_t outsz, size_t *pos, const char *s,
    size_t len);
static bool in_list(const char *const *list, const char *param);
static int out_append(char *out, size_t outsz, size_t *pos, const char *w);

static bool
kisspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static char *
skip_spaces(char *s)
{
	while (kisspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * lib/cmdline.c next_arg(), on our own copy: modifies args in place.
 * Also reports the raw word's length (quotes included) and whether it
 * ends inside a quote (it then swallowed the rest of the line).
 */
static char *
next_arg_raw(char *args, char **param, char **val, size_t *rawlen,
    bool *open_quote)
{
	size_t i, equals = 0;
	bool in_quote = false, quoted = false;

	if (*args == '"') {
		args++;
		in_quote = true;
		quoted = true;
	}
	for (i = 0; args[i]; i++) {
		if (kisspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*rawlen = i + (quoted ? 1 : 0);
	*open_quote = in_quote;
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		/* Don't include quotes in the value. */
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	return skip_spaces(args);
}

static char *
next_arg(char *args, char **param, char **val)
{
	size_t rawlen;
	bool open_quote;

	return next_arg_raw(args, param, val, &rawlen, &open_quote);
}

static char
dash2underscore(char c)
{
	return c == '-' ? '_' : c;
}

static bool
parameq(const char *a, const char *b)
{
	size_t i;

	for (i = 0;; i++) {
		if (dash2underscore(a[i]) != dash2underscore(b[i]))
			return false;
		if (!a[i])
			return true;
	}
}

/* Length of s, or -E2BIG / -EILSEQ as cmdline_parse() documents. */
static int
check_text(const char *s, size_t *lenp)
{
	size_t len = strnlen(s, CMDLINE_MAX);
	size_t i;

	if (len >= CMDLINE_MAX)
		return -E2BIG;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 || c == 0x7f) && !kisspace(c))
			return -EILSEQ;
	}
	*lenp = len;
	return 0;
}

int
cmdline_parse(const char *s, struct cmdline *c)
{
	char *args, *param, *val;
	size_t len, words = 0;
	bool init = false;
	int r;

	c->nargs = 0;
	c->ninit = 0;
	c->buf[0] = '\0';
	r = check_text(s, &len);
	if (r < 0)
		return r;
	memcpy(c->buf, s, len);
	c->buf[len] = '\0';

	args = skip_spaces(c->buf);
	while (*args) {
		args = next_arg(args, &param, &val);
		if (++words > CMDLINE_MAX_ARGS) {
			c->nargs = 0;
			c->ninit = 0;
			return -E2BIG;
		}
		if (init) {
			c->ninit++;
			continue;
		}
		if (!val && strcmp(param, "--") == 0) {
			init = true;
			continue;
		}
		c->args[c->nargs].param = param;
		c->args[c->nargs].val = val;
		c->nargs++;
	}
	return 0;
}

static const struct cmdline_arg *
find_last(const struct cmdline *c, const char *param)
{
	size_t i;

	for (i = c->nargs; i > 0; i--)
		if (parameq(c->args[i - 1].param, param))
			return &c->args[i - 1];
	return NULL;
}

bool
cmdline_has(const struct cmdline *c, const char *param)
{
	return find_last(c, param) != NULL;
}

const char *
cmdline_get(const struct cmdline *c, const char *param)
{
	const struct cmdline_arg *a = find_last(c, param);

	return a ? a->val : NULL;
}

int
cmdline_parse_bool(const char *val)
{
	/* param_set_bool(): no value means "set". */
	if (!val)
		return 1;
	switch (val[0]) {
	case 'y':
	case 'Y':
	case 't':
	case 'T':
	case '1':
		return 1;
	case 'n':
	case 'N':
	case 'f':
	case 'F':
	case '0':
		return 0;
	case 'o':
	case 'O':
		switch (val[1]) {
		case 'n':
		case 'N':
			return 1;
		case 'f':
		case 'F':
			return 0;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return -EINVAL;
}

int
cmdline_get_bool(const struct cmdline *c, const char *param)
{
	int v = KNOB_UNSET;
	size_t i;

	for (i = 0; i < c->nargs; i++) {
		int r;

		if (!parameq(c->args[i].param, param))
			continue;
		r = cmdline_parse_bool(c->args[i].val);
		if (r >= 0)
			v = r;
	}
	return v;
}

/* lib/kstrtox.c kstrtouint(s, 0, ...): 0 or -EINVAL / -ERANGE. */
static int
kstrtouint0(const char *s, unsigned int *res)
{
	unsigned long long v = 0;
	unsigned int base;
	size_t n = 0;

	if (s[0] == '+')
		s++;
	if (s[0] == '0') {
		if ((s[1] | 0x20) == 'x' && s[2] &&
		    strchr("0123456789abcdefABCDEF", s[2])) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	} else {
		base = 10;
	}
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, lc = c | 0x20, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (lc >= 'a' && lc <= 'f')
			d = lc - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (ULLONG_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (n == 0)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

long
cmdline_get_uint(const struct cmdline *c, const char *param)
{
	long v = KNOB_UNSET;
	size_t i;

	for (i = 0; i < c->nargs; i++) {
		unsigned int u;

		if (!parameq(c->args[i].param, param))
			continue;
		/* A uint parameter needs a value: parse_one() -EINVAL. */
		if (!c->args[i].val)
			continue;
		if (kstrtouint0(c->args[i].val, &u) == 0)
			v = (long)u;
	}
	return v;
}

/* Append len bytes of s to out at *pos, with a separating space. */
static int
out_word(char *out, size_t outsz, size_t *pos, const char *s, size_t len)
{
	size_t need = len + (*pos ? 1 : 0);

	if (*pos + need >= outsz)
		return -E2BIG;
	if (*pos)
		out[(*pos)++] = ' ';
	memcpy(out + *pos, s, len);
	*pos += len;
	out[*pos] = '\0';
	return 0;
}

static bool
in_list(const char *const *list, const char *param)
{
	for (; list && *list; list++)
		if (parameq(param, *list))
			return true;
	return false;
}

/*
 * One appended word, quoted when it holds white space: the value after
 * '=' (param="a b"), or the whole word when it has no '=' or its name
 * holds the space ("a b").
 */
static int
out_append(char *out, size_t outsz, size_t *pos, const char *w)
{
	char tmp[CMDLINE_MAX];
	const char *eq;
	bool space = false;
	size_t len, i, n;
	int r;

	r = check_text(w, &len);
	if (r < 0)
		return r;
	if (len == 0 || strcmp(w, "--") == 0 || strcmp(w, "\"--\"") == 0)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (w[i] == '"')
			return -EINVAL;	/* the kernel has no escape */
		if (kisspace((unsigned char)w[i]))
			space = true;
	}
	if (!space)
		return out_word(out, outsz, pos, w, len);
	if (len + 3 > sizeof(tmp))
		return -E2BIG;
	eq = memchr(w, '=', len);
	for (i = 0; eq && w + i < eq; i++)
		if (kisspace((unsigned char)w[i]))
			eq = NULL;	/* a space in the name: quote it all */
	if (eq && eq != w) {
		n = (size_t)(eq - w) + 1;
		memcpy(tmp, w, n);
		tmp[n] = '"';
		memcpy(tmp + n + 1, eq + 1, len - n);
		tmp[len + 1] = '"';
	} else {
		/* "=x y" has no name: the kernel keeps it whole too. */
		tmp[0] = '"';
		memcpy(tmp + 1, w, len);
		tmp[len + 1] = '"';
	}
	return out_word(out, outsz, pos, tmp, len + 2);
}

int
cmdline_rewrite(const char *in, const char *const *remove,
    const char *const *append, char *out, size_t outsz)
{
	char copy[CMDLINE_MAX];
	const char *init = NULL;
	char *args, *param, *val;
	size_t len, pos = 0, words = 0, out_words = 0;
	bool open_kept = false;
	int r;

	if (outsz == 0)
		return -E2BIG;
	out[0] = '\0';
	r = check_text(in, &len);
	if (r < 0)
		return r;
	memcpy(copy, in, len + 1);

	/*
	 * Walk the copy with next_arg(); it only writes inside the word it
	 * returns, so the same offsets in `in` hold the raw word, quotes
	 * and all, which is what we copy out.
	 */
	args = skip_spaces(copy);
	while (*args) {
		const char *raw = in + (args - copy);
		size_t rawlen;
		bool open_quote;

		args = next_arg_raw(args, &param, &val, &rawlen, &open_quote);
		if (++words > CMDLINE_MAX_ARGS)
			return -E2BIG;
		if (!val && strcmp(param, "--") == 0) {
			init = raw;
			out_words++;
			/* Init's words are kept: count them too. */
			while (*args) {
				args = next_arg(args, &param, &val);
				out_words++;
			}
			break;
		}
		if (in_list(remove, param))
			continue;
		out_words++;
		open_kept = open_quote;
		r = out_word(out, outsz, &pos, raw, rawlen);
		if (r < 0)
			return r;
	}
	if (out_words > CMDLINE_MAX_ARGS)
		return -E2BIG;
	/* An unclosed quote would swallow whatever we append after it. */
	if (open_kept && append && *append)
		return -EINVAL;
	for (; append && *append; append++) {
		/* The result must parse: no more words than we take. */
		if (++out_words > CMDLINE_MAX_ARGS)
			return -E2BIG;
		r = out_append(out, outsz, &pos, *append);
		if (r < 0)
			return r;
	}
	if (init) {
		size_t n = strlen(init);

		while (n > 0 && kisspace((unsigned char)init[n - 1]))
			n--;
		r = out_word(out, outsz, &pos, init, n);
		if (r < 0)
			return r;
	}
	if (pos >= CMDLINE_MAX)
		return -E2BIG;
	return (int)pos;
}

/*
 * Parameters that do not shape the kernel's memory layout or its Xen
 * state, or that the verdict compares on their own: left out when two
 * command lines are compared for layout.
 */
static const char *const layout_ignored[] = {
	"BOOT_IMAGE", "initrd", "resume", "resume_offset", "noresume",
	"xen.fifo_events", "grant_table.version", "nokaslr", NULL
};

static bool
layout_ignores(const char *param)
{
	return in_list(layout_ignored, param) ||
	    strncmp(param, "xen_handover.", 13) == 0 ||
	    strncmp(param, "xen-handover.", 13) == 0;
}

/* The index of the next argument that counts for layout, from *i. */
static const struct cmdline_arg *
next_layout_arg(const struct cmdline *c, size_t *i)
{
	while (*i < c->nargs && layout_ignores(c->args[*i].param))
		(*i)++;
	return *i < c->nargs ? &c->args[(*i)++] : NULL;
}

int
cmdline_layout_equal(const struct cmdline *a, const struct cmdline *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		const struct cmdline_arg *x = next_layout_arg(a, &i);
		const struct cmdline_arg *y = next_layout_arg(b, &j);

		if (!x || !y)
			return !x && !y;
		if (!parameq(x->param, y->param))
			return 0;
		if (!x->val != !y->val || (x->val && strcmp(x->val, y->val)))
			return 0;
	}
}

int
cmdline_layout_digest(const struct cmdline *c, uint8_t *out, size_t outsz)
{
	uint8_t d[SHA256_DIGEST_SIZE];
	struct sha256 ctx;
	size_t i = 0, k;
	const struct cmdline_arg *a;

	if (outsz > SHA256_DIGEST_SIZE)
		return -EINVAL;
	sha256_init(&ctx);
	while ((a = next_layout_arg(c, &i))) {
		/* Names as the kernel compares them: '-' is '_'. */
		for (k = 0; a->param[k]; k++) {
			char ch = dash2underscore(a->param[k]);

			sha256_update(&ctx, &ch, 1);
		}
		if (a->val) {
			sha256_update(&ctx, "=", 1);
			sha256_update(&ctx, a->val, strlen(a->val));
		}
		sha256_update(&ctx, "\n", 1);
	}
	sha256_final(&ctx, d);
	memcpy(out, d, outsz);
	return 0;
}
