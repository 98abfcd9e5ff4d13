// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The gate's note (guestd-gatenote.h): a bounded reader for the few
 * top-level members of gate.json that xen-handoverd reports.
 */
#include <errno.h>
#include <stdio.h>

#include "fileio.h"
#include "guestd-gatenote.h"
#include "util.h"

#define DEPTH_MAX 16

struct cur {
	const char *p, *end;
};

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
	    *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * A string at c->p (at its quote): copied to out (may be NULL), cut at
 * outsz - 1, escapes decoded, anything outside printable ASCII as '?'.
 */
static int
string(struct cur *c, char *out, size_t outsz)
{
	size_t o = 0;

	if (c->p >= c->end || *c->p != '"')
		return -EBADMSG;
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;
		int i;

		if ((unsigned char)ch < 0x20)
			return -EBADMSG;
		if (ch == '\\') {
			if (c->p >= c->end)
				return -EBADMSG;
			ch = *c->p++;
			switch (ch) {
			case '"': case '\\': case '/':
				break;
			case 'b': case 'f': case 'n': case 'r': case 't':
				ch = ' ';
				break;
			case 'u':
				if (c->end - c->p < 4)
					return -EBADMSG;
				for (i = 0; i < 4; i++)
					if (hexval(c->p[i]) < 0)
						return -EBADMSG;
				i = hexval(c->p[0]) << 12 |
				    hexval(c->p[1]) << 8 |
				    hexval(c->p[2]) << 4 | hexval(c->p[3]);
				c->p += 4;
				ch = i >= 0x20 && i < 0x7f ? (char)i : '?';
				break;
			default:
				return -EBADMSG;
			}
		} else if ((unsigned char)ch >= 0x7f) {
			ch = '?';
		}
		if (out && o + 1 < outsz)
			out[o++] = ch;
	}
	if (c->p >= c->end)
		return -EBADMSG;
	c->p++;
	if (out && outsz)
		out[o] = '\0';
	return 0;
}

static int
number(struct cur *c, bool *ok, int64_t *ret)
{
	const char *s = c->p;
	bool neg = false, frac = false;
	uint64_t v = 0;

	if (c->p < c->end && *c->p == '-') {
		neg = true;
		c->p++;
	}
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return -EBADMSG;
	*ok = true;
	while (c->p < c->end && ((*c->p >= '0' && *c->p <= '9') ||
	    *c->p == '.' || *c->p == 'e' || *c->p == 'E' || *c->p == '+' ||
	    *c->p == '-')) {
		char ch = *c->p++;

		if (ch < '0' || ch > '9') {
			frac = true;
			continue;
		}
		if (!frac) {
			if (v > (uint64_t)INT64_MAX / 10)
				*ok = false;
			else
				v = v * 10 + (uint64_t)(ch - '0');
		}
	}
	if (frac || v > (uint64_t)INT64_MAX)
		*ok = false;
	if (*ok && ret)
		*ret = neg ? -(int64_t)v : (int64_t)v;
	return c->p > s ? 0 : -EBADMSG;
}

static int
literal(struct cur *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
		return -EBADMSG;
	c->p += n;
	return 0;
}

static int value(struct cur *c, int depth);

static int
container(struct cur *c, int depth, char close, bool object)
{
	int r;

	if (depth > DEPTH_MAX)
		return -EBADMSG;
	c->p++;
	ws(c);
	if (c->p < c->end && *c->p == close) {
		c->p++;
		return 0;
	}
	for (;;) {
		ws(c);
		if (object) {
			if ((r = string(c, NULL, 0)) < 0)
				return r;
			ws(c);
			if (c->p >= c->end || *c->p != ':')
				return -EBADMSG;
			c->p++;
			ws(c);
		}
		if ((r = value(c, depth + 1)) < 0)
			return r;
		ws(c);
		if (c->p >= c->end)
			return -EBADMSG;
		if (*c->p == close) {
			c->p++;
			return 0;
		}
		if (*c->p != ',')
			return -EBADMSG;
		c->p++;
	}
}

/* Skip any value. */
static int
value(struct cur *c, int depth)
{
	bool ok;

	ws(c);
	if (c->p >= c->end)
		return -EBADMSG;
	switch (*c->p) {
	case '{':
		return container(c, depth, '}', true);
	case '[':
		return container(c, depth, ']', false);
	case '"':
		return string(c, NULL, 0);
	case 't':
		return literal(c, "true");
	case 'f':
		return literal(c, "false");
	case 'n':
		return literal(c, "null");
	default:
		return number(c, &ok, NULL);
	}
}

static int
member(struct cur *c, const char *key, struct gate_note *out)
{
	struct {
		const char *key;
		char *buf;
		size_t size;
	} strs[] = {
		{ "outcome", out->outcome, sizeof(out->outcome) },
		{ "verdict", out->verdict, sizeof(out->verdict) },
		{ "reason", out->reason, sizeof(out->reason) },
		{ "note", out->note, sizeof(out->note) },
		{ "cmdline", out->cmdline, sizeof(out->cmdline) },
	};
	bool ok = false;
	size_t i;
	int r;

	ws(c);
	if (c->p >= c->end)
		return -EBADMSG;
	for (i = 0; i < ARRAY_SIZE(strs); i++)
		if (streq(key, strs[i].key) && *c->p == '"')
			return string(c, strs[i].buf, strs[i].size);
	if (streq(key, "time") && (*c->p == '-' ||
	    (*c->p >= '0' && *c->p <= '9'))) {
		r = number(c, &ok, &out->time);
		out->has_time = ok;
		return r;
	}
	if (streq(key, "dry_run") && *c->p == 't') {
		out->dry_run = true;
		return literal(c, "true");
	}
	return value(c, 1);
}

int
gatenote_parse(const char *text, size_t len, struct gate_note *out)
{
	struct cur c = { text, text + len };
	char key[32];
	int r;

	memset(out, 0, sizeof(*out));
	ws(&c);
	if (c.p >= c.end || *c.p != '{')
		return -EBADMSG;
	c.p++;
	ws(&c);
	if (c.p < c.end && *c.p == '}') {
		c.p++;
	} else {
		for (;;) {
			ws(&c);
			if ((r = string(&c, key, sizeof(key))) < 0)
				goto bad;
			ws(&c);
			if (c.p >= c.end || *c.p != ':')
				goto bad;
			c.p++;
			if ((r = member(&c, key, out)) < 0)
				goto bad;
			ws(&c);
			if (c.p >= c.end)
				goto bad;
			if (*c.p == '}') {
				c.p++;
				break;
			}
			if (*c.p != ',')
				goto bad;
			c.p++;
		}
	}
	ws(&c);
	if (c.p != c.end)
		goto bad;
	if (!out->outcome[0]) {
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EBADMSG;
}

int
gatenote_load(const char *root, struct gate_note *out)
{
	_cleanup_free_ char *buf = malloc(GATENOTE_MAX + 1);
	ssize_t n;
	int r;

	if (!buf)
		return -ENOMEM;
	n = read_file_at(root, GATENOTE_PATH, buf, GATENOTE_MAX + 1);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return (int)n;
	r = gatenote_parse(buf, (size_t)n, out);
	return r < 0 ? r : 1;
}

void
gatenote_summary(const struct gate_note *n, enum guest_state *state,
    const char **gate, char *detail, size_t detailsz)
{
	static const char *const verdicts[] = { "proceed", "repair",
		"refuse", "force" };
	const char *why = n->reason[0] ? n->reason : n->note;
	size_t i;

	*state = GUEST_STATE_RUNNING;
	*gate = "none";
	for (i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (streq(n->verdict, verdicts[i]))
			*gate = verdicts[i];
	if (streq(n->outcome, "refuse") && !n->dry_run) {
		*state = GUEST_STATE_REFUSED_LAST_BOOT;
		*gate = "refuse";
		snprintf(detail, detailsz, "the resume gate refused the "
		    "hibernated image and kept it: %s", why[0] ? why :
		    "see /run/xen-handover/gate.json");
	} else if (streq(n->outcome, "repair")) {
		snprintf(detail, detailsz, "the resume gate started a repair "
		    "that did not resume the image%s%s", why[0] ? ": " : "",
		    why);
	} else if (streq(n->outcome, "error") ||
	    streq(n->outcome, "device-timeout")) {
		snprintf(detail, detailsz, "the resume gate failed (%s)%s%s",
		    n->outcome, why[0] ? ": " : "", why);
	} else {
		snprintf(detail, detailsz, "resume gate: %s", n->outcome);
	}
	/* Only printable ASCII goes to xenstore; the parser ensured it. */
}
