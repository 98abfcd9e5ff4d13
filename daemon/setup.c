// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xen-handover setup: rewrite GRUB's defaults so that the initramfs gate,
 * not the kernel, owns the resume step (resume=X becomes
 * xen_handover.resume=X: with resume= on the command line the kernel
 * resumes in a late initcall, before any initramfs code runs), and pin
 * the next boot kernel's Xen knobs to the running kernel's
 * (xen.fifo_events=, grant_table.version=, nokaslr).
 *
 * Edits are made in place, byte-exact: only the words setup adds, rewrites
 * or (with --force) replaces change; every other byte of every file stays
 * as it was. Knobs go into the GRUB_CMDLINE_LINUX assignment that takes
 * effect last (the main file, or the last drop-in that sets it), so no
 * file sourced earlier can override them, and the change also works
 * where grub-mkconfig does not read /etc/default/grub.d (upstream GRUB).
 * resume= is rewritten wherever it stands. The state file lists each
 * change so --undo reverts exactly those.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmdline.h"
#include "fileio.h"
#include "json.h"
#include "log.h"
#include "probe.h"
#include "record.h"
#include "setup.h"
#include "util.h"

#define MAX_FILES (1 + SETUP_DROPINS_MAX)
#define MAX_ASSIGNS 64		/* assignments of our variables per file */
#define MAX_ELEMS 8192		/* decoded elements per assigned value */
#define EVAL_MAX (2 * CMDLINE_MAX)
#define WORD_MAX 1024
#define MAX_CHANGES 64
#define MAX_EDITS 128
#define MAX_MSGS 24
#define MSG_MAX 1024
#define PREFIX "xen_handover."
#define PREFIX_LEN (sizeof(PREFIX) - 1)

enum grub_var {
	VAR_LINUX,
	VAR_DEFAULT,
	_VAR_MAX,
};

static const char *const grub_vars[_VAR_MAX] = {
	"GRUB_CMDLINE_LINUX",
	"GRUB_CMDLINE_LINUX_DEFAULT",
};

/* --- a small shell lexer ---------------------------------------------- */

enum {
	Q_NONE,
	Q_SINGLE,
	Q_DOUBLE,
};

enum el_kind {
	EL_CHAR,	/* a byte of the value, quotes and escapes removed */
	EL_EXPAND,	/* a byte of an expansion we do not evaluate */
	EL_REF,		/* $VAR / ${VAR} of a variable we track */
};

/* One element of an assigned value, and where it sits in the file. */
struct sh_elem {
	size_t raw;
	size_t rawlen;
	unsigned char kind;
	unsigned char quote;
	char c;
	int var;
};

/* NAME=value of a variable we track. */
struct sh_assign {
	int var;
	size_t line_off;	/* start of the line holding NAME */
	size_t name_off;
	size_t val_off, val_end;	/* the raw value */
	bool ends_quoted;	/* its last byte closes a quote */
	struct sh_elem *el;
	size_t nel, cap;
};

struct scan {
	const char *t;
	size_t len;
	const char *const *names;
	size_t nnames;
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/* isspace() of the kernel (lib/ctype.c), as cmdline.c splits words. */
static bool
kspace(char ch)
{
	unsigned char c = (unsigned char)ch;

	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

static void
assigns_free(struct sh_assign *as, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(as[i].el);
		as[i].el = NULL;
		as[i].nel = as[i].cap = 0;
	}
}

static int
el_push(struct sh_assign *a, unsigned char kind, unsigned char quote,
    size_t raw, size_t rawlen, char c, int var)
{
	struct sh_elem *p;
	size_t ncap;

	if (a->nel == a->cap) {
		if (a->cap >= MAX_ELEMS)
			return -E2BIG;
		ncap = a->cap ? a->cap * 2 : 64;
		if (ncap > MAX_ELEMS)
			ncap = MAX_ELEMS;
		p = realloc(a->el, ncap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		a->el = p;
		a->cap = ncap;
	}
	p = &a->el[a->nel++];
	p->raw = raw;
	p->rawlen = rawlen;
	p->kind = kind;
	p->quote = quote;
	p->c = c;
	p->var = var;
	return 0;
}

static int
push_expand(struct sh_assign *a, const char *t, size_t from, size_t to,
    unsigned char q)
{
	int r;

	for (; from < to; from++) {
		r = el_push(a, EL_EXPAND, q, from, 1, t[from], -1);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
name_index(const struct scan *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (strlen(s->names[i]) == n && memcmp(s->names[i], p, n) == 0)
			return (int)i;
	return -1;
}

/* Index of the '"' closing a double-quoted string opened before i. */
static size_t
skip_dq(const char *t, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i;
	}
	return len;
}

/* End (exclusive) of "$(...)" whose '(' is at i; 0 when unterminated. */
static size_t
skip_cmdsubst(const char *t, size_t len, size_t i)
{
	int depth = 0;
	size_t j;

	for (j = i; j < len; j++) {
		switch (t[j]) {
		case '\\':
			j++;
			break;
		case '\'':
			while (++j < len && t[j] != '\'')
				;
			break;
		case '"':
			j = skip_dq(t, len, j + 1);
			break;
		case '(':
			depth++;
			break;
		case ')':
			if (--depth == 0)
				return j + 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Index of the closing '`' of a backquote opened at i, or len. */
static size_t
skip_backquote(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '`')
			return i;
	}
	return len;
}

/* A '$' at *ip, in quote state q. */
static int
parse_dollar(const struct scan *s, struct sh_assign *a, size_t *ip,
    unsigned char q)
{
	const char *t = s->t;
	size_t i = *ip, j;
	int v;
	char c;

	if (i + 1 >= s->len) {
		*ip = i + 1;
		return el_push(a, EL_CHAR, q, i, 1, '$', -1);
	}
	c = t[i + 1];
	if (c == '{') {
		for (j = i + 2; j < s->len && t[j] != '}'; j++)
			;
		if (j >= s->len)
			return -EINVAL;
		*ip = j + 1;
		v = name_index(s, t + i + 2, j - i - 2);
		if (v >= 0)
			return el_push(a, EL_REF, q, i, j + 1 - i, 0, v);
		return push_expand(a, t, i, j + 1, q);
	}
	if (c == '(') {
		j = skip_cmdsubst(t, s->len, i + 1);
		if (!j)
			return -EINVAL;
		*ip = j;
		return push_expand(a, t, i, j, q);
	}
	if (is_name_start(c)) {
		for (j = i + 1; j < s->len && is_name_char(t[j]); j++)
			;
		*ip = j;
		v = name_index(s, t + i + 1, j - i - 1);
		if (v >= 0)
			return el_push(a, EL_REF, q, i, j - i, 0, v);
		return push_expand(a, t, i, j, q);
	}
	if ((c >= '0' && c <= '9') || strchr("@*#?$!-", c)) {
		*ip = i + 2;
		return push_expand(a, t, i, i + 2, q);
	}
	*ip = i + 1;
	return el_push(a, EL_CHAR, q, i, 1, '$', -1);
}

/*
 * The value of an assignment, from i up to the first unquoted blank or
 * operator. Quotes may span lines; backslash-newline continues a line.
 */
static int
parse_value(const struct scan *s, struct sh_assign *a, size_t i,
    size_t *endp)
{
	const char *t = s->t;
	size_t last_close = SIZE_MAX, j;
	unsigned char q = Q_NONE;
	int r = 0;
	char c;

	while (i < s->len) {
		c = t[i];
		if (q == Q_SINGLE) {
			if (c == '\'') {
				q = Q_NONE;
				last_close = i++;
				continue;
			}
			r = el_push(a, EL_CHAR, q, i, 1, c, -1);
			i++;
		} else if (q == Q_DOUBLE) {
			if (c == '"') {
				q = Q_NONE;
				last_close = i++;
				continue;
			}
			if (c == '\\' && i + 1 < s->len) {
				char n = t[i + 1];

				if (n == '\n') {
					i += 2;
					continue;
				}
				if (strchr("$`\"\\", n)) {
					r = el_push(a, EL_CHAR, q, i, 2, n, -1);
					i += 2;
				} else {
					r = el_push(a, EL_CHAR, q, i, 1, c, -1);
					i++;
				}
			} else if (c == '$') {
				r = parse_dollar(s, a, &i, q);
			} else if (c == '`') {
				j = skip_backquote(t, s->len, i);
				if (j >= s->len)
					return -EINVAL;
				r = push_expand(a, t, i, j + 1, q);
				i = j + 1;
			} else {
				r = el_push(a, EL_CHAR, q, i, 1, c, -1);
				i++;
			}
		} else {
			if (is_blank(c) || strchr("\n;&|<>()", c))
				break;
			if (c == '\'' || c == '"') {
				q = c == '\'' ? Q_SINGLE : Q_DOUBLE;
				i++;
				continue;
			}
			if (c == '\\') {
				if (i + 1 >= s->len) {
					i++;
					continue;
				}
				if (t[i + 1] == '\n') {
					i += 2;
					continue;
				}
				r = el_push(a, EL_CHAR, q, i, 2, t[i + 1], -1);
				i += 2;
			} else if (c == '$') {
				r = parse_dollar(s, a, &i, q);
			} else if (c == '`') {
				j = skip_backquote(t, s->len, i);
				if (j >= s->len)
					return -EINVAL;
				r = push_expand(a, t, i, j + 1, q);
				i = j + 1;
			} else {
				r = el_push(a, EL_CHAR, q, i, 1, c, -1);
				i++;
			}
		}
		if (r < 0)
			return r;
	}
	if (q != Q_NONE)
		return -EINVAL;
	a->val_end = i;
	a->ends_quoted = i > a->val_off && last_close == i - 1;
	*endp = i;
	return 0;
}

/* Words that may stand before an assignment at a command's start. */
static size_t
skip_keyword(const char *t, size_t len, size_t i)
{
	static const char *const kw[] = { "export", "then", "else", "do",
		"{", "!", NULL };
	size_t k, n;

	for (k = 0; kw[k]; k++) {
		n = strlen(kw[k]);
		if (i + n < len && memcmp(t + i, kw[k], n) == 0 &&
		    is_blank(t[i + n]))
			return i + n + 1;
	}
	return i;
}

static int
match_assign(const struct scan *s, size_t i, size_t *val)
{
	size_t j;
	int v;

	if (!is_name_start(s->t[i]))
		return -1;
	for (j = i; j < s->len && is_name_char(s->t[j]); j++)
		;
	if (j >= s->len || s->t[j] != '=')
		return -1;
	v = name_index(s, s->t + i, j - i);
	if (v >= 0)
		*val = j + 1;
	return v;
}

/*
 * Find the assignments of `names` at command starts in a shell file.
 * Fills as[0..*nas-1] (caller frees with assigns_free()). -EINVAL on an
 * unterminated quote or expansion, -E2BIG past the bounds.
 */
static int
scan_text(const char *t, size_t len, const char *const *names,
    size_t nnames, struct sh_assign *as, size_t maxas, size_t *nas)
{
	struct scan s = { t, len, names, nnames };
	size_t i = 0, j, line_off = 0;
	bool cmd = true;
	int r, v;

	*nas = 0;
	while (i < len) {
		if (cmd) {
			while (i < len && is_blank(t[i]))
				i++;
			if (i >= len)
				break;
			j = skip_keyword(t, len, i);
			if (j != i) {
				i = j;
				continue;
			}
			cmd = false;
			v = match_assign(&s, i, &j);
			if (v >= 0) {
				struct sh_assign *a;

				if (*nas >= maxas)
					return -E2BIG;
				a = &as[(*nas)++];
				memset(a, 0, sizeof(*a));
				a->var = v;
				a->line_off = line_off;
				a->name_off = i;
				a->val_off = j;
				r = parse_value(&s, a, j, &i);
				if (r < 0)
					return r;
			}
			continue;
		}
		switch (t[i]) {
		case '\n':
			line_off = i + 1;
			cmd = true;
			i++;
			break;
		case ';':
		case '&':
		case '|':
		case '(':
		case ')':
			cmd = true;
			i++;
			break;
		case '#':
			if (i == 0 || strchr(" \t\n;&|()", t[i - 1]))
				while (i < len && t[i] != '\n')
					i++;
			else
				i++;
			break;
		case '\\':
			i = i + 2 < len ? i + 2 : len;
			break;
		case '\'':
			for (j = i + 1; j < len && t[j] != '\''; j++)
				;
			if (j >= len)
				return -EINVAL;
			i = j + 1;
			break;
		case '"':
			j = skip_dq(t, len, i + 1);
			if (j >= len)
				return -EINVAL;
			i = j + 1;
			break;
		case '`':
			j = skip_backquote(t, len, i);
			if (j >= len)
				return -EINVAL;
			i = j + 1;
			break;
		case '$':
			if (i + 1 < len && t[i + 1] == '(') {
				j = skip_cmdsubst(t, len, i + 1);
				if (!j)
					return -EINVAL;
				i = j;
			} else {
				i++;
			}
			break;
		default:
			i++;
			break;
		}
	}
	return 0;
}

/* The value an assignment gives its variable, `vals` holding the others. */
static int
eval_assign(const struct sh_assign *a, char (*vals)[EVAL_MAX], char *out)
{
	size_t n = 0, k, l;

	for (k = 0; k < a->nel; k++) {
		const struct sh_elem *e = &a->el[k];

		if (e->kind == EL_REF) {
			l = strlen(vals[e->var]);
			if (n + l >= EVAL_MAX)
				return -E2BIG;
			memcpy(out + n, vals[e->var], l);
			n += l;
		} else {
			if (n + 1 >= EVAL_MAX)
				return -E2BIG;
			out[n++] = e->c;
		}
	}
	out[n] = '\0';
	return 0;
}

int
setup_grub_eval(const char *const *texts, const size_t *lens, size_t n,
    char *linux_out, char *default_out, size_t outsz)
{
	char (*vals)[EVAL_MAX] = NULL;
	struct sh_assign *as = NULL;
	char *tmp = NULL;
	size_t f, k, nas = 0;
	int r = -ENOMEM;

	vals = calloc(_VAR_MAX, sizeof(*vals));
	as = calloc(MAX_ASSIGNS, sizeof(*as));
	tmp = malloc(EVAL_MAX);
	if (!vals || !as || !tmp)
		goto out;
	for (f = 0; f < n; f++) {
		if (memchr(texts[f], '\0', lens[f])) {
			r = -EINVAL;
			goto out;
		}
		r = scan_text(texts[f], lens[f], grub_vars, _VAR_MAX, as,
		    MAX_ASSIGNS, &nas);
		if (r < 0)
			goto out;
		for (k = 0; k < nas; k++) {
			r = eval_assign(&as[k], vals, tmp);
			if (r < 0)
				goto out;
			memcpy(vals[as[k].var], tmp, strlen(tmp) + 1);
		}
		assigns_free(as, nas);
		nas = 0;
	}
	r = -E2BIG;
	if (xh_strlcpy(linux_out, vals[VAR_LINUX], outsz) >= outsz ||
	    xh_strlcpy(default_out, vals[VAR_DEFAULT], outsz) >= outsz)
		goto out;
	r = 0;
out:
	if (as)
		assigns_free(as, nas);
	free(as);
	free(vals);
	free(tmp);
	return r;
}

/* --- kernel words inside an assigned value ----------------------------- */

struct kword {
	size_t first, n;	/* elements of the assignment */
	bool literal;		/* only EL_CHAR: we know its text */
	bool contiguous;	/* one raw byte per element, back to back */
	bool too_long;
	char text[WORD_MAX];
};

/* The next word as the kernel's next_arg() splits the value. */
static bool
next_kword(const struct sh_assign *a, size_t *pos, struct kword *w)
{
	size_t i = *pos, k, n = 0;
	bool inq = false;

	while (i < a->nel && a->el[i].kind == EL_CHAR && kspace(a->el[i].c))
		i++;
	if (i >= a->nel)
		return false;
	memset(w, 0, offsetof(struct kword, text));
	w->first = i;
	w->literal = true;
	if (a->el[i].kind == EL_REF) {
		w->n = 1;
		w->literal = false;
		w->text[0] = '\0';
		*pos = i + 1;
		return true;
	}
	if (a->el[i].kind == EL_CHAR && a->el[i].c == '"') {
		inq = true;
		i++;
	}
	for (; i < a->nel; i++) {
		const struct sh_elem *e = &a->el[i];

		if (e->kind == EL_REF)
			break;
		if (e->kind == EL_CHAR && kspace(e->c) && !inq)
			break;
		if (e->kind == EL_CHAR && e->c == '"')
			inq = !inq;
	}
	w->n = i - w->first;
	w->contiguous = true;
	for (k = w->first; k < i; k++) {
		const struct sh_elem *e = &a->el[k];

		if (e->kind != EL_CHAR)
			w->literal = false;
		if (e->rawlen != 1 || (k > w->first &&
		    e->raw != a->el[k - 1].raw + 1))
			w->contiguous = false;
		if (n + 1 < sizeof(w->text))
			w->text[n++] = e->c;
		else
			w->too_long = true;
	}
	w->text[n] = '\0';
	*pos = i;
	return true;
}

/* Raw span of a contiguous word. */
static size_t
kword_raw_start(const struct sh_assign *a, const struct kword *w)
{
	return a->el[w->first].raw;
}

static size_t
kword_raw_end(const struct sh_assign *a, const struct kword *w)
{
	const struct sh_elem *e = &a->el[w->first + w->n - 1];

	return e->raw + e->rawlen;
}

/* Are elements [from, from + n) plain bytes, one raw byte each? */
static bool
elems_plain(const struct sh_assign *a, size_t from, size_t n)
{
	size_t k;

	if (from + n > a->nel)
		return false;
	for (k = from; k < from + n; k++) {
		if (a->el[k].kind != EL_CHAR || a->el[k].rawlen != 1)
			return false;
		if (k > from && a->el[k].raw != a->el[k - 1].raw + 1)
			return false;
	}
	return true;
}

/* --- the xl line for guests booted by dom0 ----------------------------- */

int
setup_xl_extra(const char *cmdline, const char *const *add,
    const char *const *replace_names, char *out, size_t outsz)
{
	const char *remove[16] = { "BOOT_IMAGE", NULL };
	const char *append[16] = { NULL };
	struct cmdline *c;
	char *resume_word = NULL;
	size_t nr = 1, na = 0, i;
	const char *v;
	int r;

	c = malloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	r = cmdline_parse(cmdline, c);
	if (r < 0)
		goto out;
	v = cmdline_get(c, "resume");
	if (v) {
		size_t l = strlen(PREFIX "resume=") + strlen(v) + 1;

		resume_word = malloc(l);
		if (!resume_word) {
			r = -ENOMEM;
			goto out;
		}
		snprintf(resume_word, l, PREFIX "resume=%s", v);
		remove[nr++] = "resume";
		/* Only the last resume= counts; one rewritten word is kept. */
		if (!cmdline_has(c, PREFIX "resume"))
			append[na++] = resume_word;
	}
	for (i = 0; replace_names && replace_names[i] && nr < 15; i++)
		remove[nr++] = replace_names[i];
	for (i = 0; add && add[i] && na < 15; i++)
		append[na++] = add[i];
	r = cmdline_rewrite(cmdline, remove, append, out, outsz);
out:
	free(resume_word);
	free(c);
	return r;
}

/* --- context ------------------------------------------------------------ */

struct sh_file {
	char path[PATH_MAX];	/* inside the root */
	char *text;
	size_t len;
	struct stat st;
	struct sh_assign as[MAX_ASSIGNS];
	size_t nas;
	char *new_text;
	size_t new_len;
	bool changed;
};

enum change_kind {
	CH_REWRITE,	/* resume=X -> xen_handover.resume=X */
	CH_ADD,		/* a knob appended */
	CH_REPLACE,	/* --force: a conflicting value replaced */
	CH_LINE,	/* a GRUB_CMDLINE_LINUX line created */
	CH_UNREWRITE,	/* --undo of CH_REWRITE */
	CH_REMOVE,	/* --undo of CH_ADD */
	CH_RESTORE,	/* --undo of CH_REPLACE */
	CH_UNLINE,	/* --undo of CH_LINE */
	_CH_MAX,
};

static const char *const change_names[_CH_MAX] = {
	"rewrite", "add", "replace", "line", "unrewrite", "remove",
	"restore", "unline",
};

/* State-file verbs of the install kinds. */
static const char *const state_verbs[] = {
	[CH_REWRITE] = "resume",
	[CH_ADD] = "add",
	[CH_REPLACE] = "replace",
	[CH_LINE] = "line",
};

struct change {
	enum change_kind kind;
	int file;
	int var;
	char word[WORD_MAX];	/* the word as the file holds it after */
	char old[WORD_MAX];	/* the word before (rewrite, replace) */
	char why[MSG_MAX];
};

struct edit {
	int file;
	int assign;		/* index in the file's as[], or -1 */
	bool dead;		/* superseded (undo of a whole line) */
	bool removes_word;	/* undo: a whole word goes */
	size_t off, del;
	char ins[WORD_MAX + 256];
	unsigned seq;
};

struct msg {
	bool problem;		/* left for the operator: exit 1 */
	char text[MSG_MAX];
};

struct ctx {
	const struct setup_opts *o;
	const char *root;
	bool real_root;
	FILE *out;
	struct probe *probe;
	struct cmdline *scratch;
	struct cmdline *eff;

	struct sh_file files[MAX_FILES];
	size_t nfiles;
	bool grub;		/* /etc/default/grub exists */

	struct change ch[MAX_CHANGES];
	size_t nch;
	struct edit ed[MAX_EDITS];
	size_t ned;
	unsigned seq;
	struct msg msgs[MAX_MSGS];
	size_t nmsgs;
	bool blocked;
	bool failed;		/* planning failed: write nothing */

	char before[EVAL_MAX];
	char after[EVAL_MAX];
	bool have_after;

	/* What the commit did, for the report. */
	char backups[MAX_FILES][PATH_MAX];
	size_t nbackups;
	char update_cmd[256];
	int update_status;	/* -1 not run */
	char update_why[256];
	bool state_written;
	bool state_removed;
	int undo_entries;	/* -1: no state file */
};

static void _printf_(3, 4)
msg_add(struct ctx *x, bool problem, const char *fmt, ...)
{
	va_list ap;
	struct msg *m;

	if (problem)
		x->blocked = true;
	if (x->nmsgs >= MAX_MSGS)
		return;
	m = &x->msgs[x->nmsgs++];
	m->problem = problem;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
}

/* snprintf() for messages, where a cut is acceptable. */
static void _printf_(3, 4)
fmt(char *buf, size_t sz, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	vsnprintf(buf, sz, format, ap);
	va_end(ap);
}

static struct change *
change_add(struct ctx *x, enum change_kind kind, int file, int var,
    const char *word, const char *old)
{
	struct change *c;

	if (x->nch >= MAX_CHANGES) {
		log_error("setup: too many changes");
		x->failed = true;
		return NULL;
	}
	c = &x->ch[x->nch++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->file = file;
	c->var = var;
	xh_strlcpy(c->word, word ? word : "", sizeof(c->word));
	xh_strlcpy(c->old, old ? old : "", sizeof(c->old));
	return c;
}

static struct edit *
edit_add(struct ctx *x, int file, int assign, size_t off, size_t del,
    const char *ins)
{
	struct edit *e;

	if (x->ned >= MAX_EDITS ||
	    strlen(ins) >= sizeof(x->ed[0].ins)) {
		log_error("setup: too many or too long edits");
		x->failed = true;
		return NULL;
	}
	e = &x->ed[x->ned++];
	memset(e, 0, sizeof(*e));
	e->file = file;
	e->assign = assign;
	e->off = off;
	e->del = del;
	e->seq = x->seq++;
	xh_strlcpy(e->ins, ins, sizeof(e->ins));
	return e;
}

static const char *
where(const struct ctx *x, int file, int var, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s in %s", grub_vars[var], x->files[file].path);
	return buf;
}

/* Does one kernel word name param? Leaves it parsed in x->scratch. */
static bool
word_is(struct ctx *x, const char *text, const char *param)
{
	if (!text[0] || cmdline_parse(text, x->scratch) < 0 ||
	    x->scratch->nargs != 1)
		return false;
	return cmdline_has(x->scratch, param);
}

/* --- loading the configuration ----------------------------------------- */

static void
files_free(struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nfiles; i++) {
		assigns_free(x->files[i].as, x->files[i].nas);
		free(x->files[i].text);
		free(x->files[i].new_text);
	}
	x->nfiles = 0;
}

/* Read root/path whole; -ENOENT when absent. */
static int
slurp(const char *root, const char *path, char **text, size_t *len,
    struct stat *st)
{
	char full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	char *buf;
	size_t n = 0;
	ssize_t k;
	int r;

	r = root_path(root, path, full, sizeof(full));
	if (r < 0)
		return r;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0)
		return -errno;
	if (!S_ISREG(st->st_mode))
		return -EISDIR;
	if (st->st_size > SETUP_FILE_MAX)
		return -EFBIG;
	buf = malloc(SETUP_FILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		k = read(fd, buf + n, SETUP_FILE_MAX + 1 - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			free(buf);
			return r;
		}
		if (k == 0)
			break;
		n += (size_t)k;
		if (n > SETUP_FILE_MAX) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

static int
load_one(struct ctx *x, const char *path)
{
	struct sh_file *f;
	int r;

	if (x->nfiles >= MAX_FILES)
		return -E2BIG;
	if (strpbrk(path, "\t\n")) {
		log_error("%s: file names with tabs or newlines are not "
		    "supported", path);
		return -EINVAL;
	}
	f = &x->files[x->nfiles];
	memset(f, 0, sizeof(*f));
	xh_strlcpy(f->path, path, sizeof(f->path));
	r = slurp(x->root, path, &f->text, &f->len, &f->st);
	if (r < 0)
		return r;
	x->nfiles++;
	if (memchr(f->text, '\0', f->len)) {
		log_error("%s: holds a NUL byte: not a shell file", path);
		return -EINVAL;
	}
	r = scan_text(f->text, f->len, grub_vars, _VAR_MAX, f->as,
	    MAX_ASSIGNS, &f->nas);
	if (r == -EINVAL)
		log_error("%s: unterminated quote or expansion", path);
	else if (r == -E2BIG)
		log_error("%s: too many or too long %s assignments", path,
		    grub_vars[VAR_LINUX]);
	return r;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * /etc/default/grub, then /etc/default/grub.d/ *.cfg in C order: what
 * Debian's grub-mkconfig sources (its glob sorts by the locale; file names
 * there are ASCII in practice).
 */
static int
load_grub(struct ctx *x)
{
	char dir[PATH_MAX], path[PATH_MAX];
	char *names[SETUP_DROPINS_MAX];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int r;

	r = load_one(x, SETUP_GRUB_PATH);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		if (r != -EINVAL && r != -E2BIG)
			log_error_errno(r, "cannot read %s: %m",
			    SETUP_GRUB_PATH);
		return r;
	}
	x->grub = true;
	r = root_path(x->root, SETUP_GRUB_DROPIN_DIR, dir, sizeof(dir));
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct stat st;

		if (l <= 4 || strcmp(de->d_name + l - 4, ".cfg") != 0)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name) >= sizeof(path) || stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (n >= SETUP_DROPINS_MAX) {
			r = -E2BIG;
			log_error("%s: more than %d drop-ins",
			    SETUP_GRUB_DROPIN_DIR, SETUP_DROPINS_MAX);
			break;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r >= 0) {
		qsort(names, n, sizeof(names[0]), cmp_str);
		for (i = 0; i < n && r >= 0; i++) {
			snprintf(path, sizeof(path), "%s/%s",
			    SETUP_GRUB_DROPIN_DIR, names[i]);
			r = load_one(x, path);
			if (r < 0 && r != -EINVAL && r != -E2BIG)
				log_error_errno(r, "cannot read %s: %m",
				    path);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return r < 0 ? r : 0;
}

/* --- applying edits ---------------------------------------------------- */

static int
cmp_edit(const void *pa, const void *pb)
{
	const struct edit *a = pa, *b = pb;

	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return 0;
}

/* Sort the edits and build each changed file's new text. */
static int
apply_edits(struct ctx *x)
{
	size_t i, f;

	qsort(x->ed, x->ned, sizeof(x->ed[0]), cmp_edit);
	for (f = 0; f < x->nfiles; f++) {
		struct sh_file *sf = &x->files[f];
		size_t cap = sf->len + 1, pos = 0, n = 0;
		char *out;

		for (i = 0; i < x->ned; i++)
			if (x->ed[i].file == (int)f && !x->ed[i].dead)
				cap += strlen(x->ed[i].ins);
		out = malloc(cap);
		if (!out)
			return -ENOMEM;
		for (i = 0; i < x->ned; i++) {
			const struct edit *e = &x->ed[i];
			size_t l;

			if (e->file != (int)f || e->dead)
				continue;
			if (e->off < pos || e->off + e->del > sf->len) {
				free(out);
				log_error("%s: overlapping edits", sf->path);
				return -EINVAL;
			}
			memcpy(out + n, sf->text + pos, e->off - pos);
			n += e->off - pos;
			l = strlen(e->ins);
			memcpy(out + n, e->ins, l);
			n += l;
			pos = e->off + e->del;
		}
		memcpy(out + n, sf->text + pos, sf->len - pos);
		n += sf->len - pos;
		out[n] = '\0';
		free(sf->new_text);
		sf->new_text = out;
		sf->new_len = n;
		sf->changed = n != sf->len || memcmp(out, sf->text, n) != 0;
	}
	return 0;
}

/* Effective normal-entry command line of texts (old or new). */
static int
effective(struct ctx *x, bool new_texts, char *out, size_t outsz)
{
	const char *texts[MAX_FILES];
	size_t lens[MAX_FILES], i;
	char *lin, *def;
	int r;

	lin = malloc(EVAL_MAX);
	def = malloc(EVAL_MAX);
	if (!lin || !def) {
		free(lin);
		free(def);
		return -ENOMEM;
	}
	for (i = 0; i < x->nfiles; i++) {
		texts[i] = new_texts ? x->files[i].new_text : x->files[i].text;
		lens[i] = new_texts ? x->files[i].new_len : x->files[i].len;
	}
	r = setup_grub_eval(texts, lens, x->nfiles, lin, def, EVAL_MAX);
	if (r >= 0) {
		/* grub-mkconfig's 10_linux: "${CMDLINE} ${CMDLINE_DEFAULT}" */
		if ((size_t)snprintf(out, outsz, "%s%s%s", lin,
		    lin[0] && def[0] ? " " : "", def) >= outsz)
			r = -E2BIG;
	}
	free(lin);
	free(def);
	return r;
}

/* --- planning: install ------------------------------------------------- */

/* The last literal occurrence of param in any assignment, for messages. */
static bool
find_param(struct ctx *x, const char *param, int *file, int *var,
    char *word, size_t wsz)
{
	struct kword w;
	bool found = false;
	size_t f, k, pos;

	for (f = 0; f < x->nfiles; f++)
		for (k = 0; k < x->files[f].nas; k++) {
			const struct sh_assign *a = &x->files[f].as[k];

			pos = 0;
			while (next_kword(a, &pos, &w))
				if (w.literal && !w.too_long &&
				    word_is(x, w.text, param)) {
					*file = (int)f;
					*var = a->var;
					xh_strlcpy(word, w.text, wsz);
					found = true;
				}
		}
	return found;
}

/* resume=X -> xen_handover.resume=X for one word of assignment k of f. */
static void
resume_word(struct ctx *x, size_t f, size_t k, const struct kword *w)
{
	const struct sh_assign *a = &x->files[f].as[k];
	char loc[PATH_MAX + 64], nw[WORD_MAX];
	struct change *c;
	size_t at;

	where(x, (int)f, a->var, loc, sizeof(loc));
	/* The prefix goes before "resume=", after a quote around the
	 * whole word. */
	at = w->first + (w->text[0] == '"' ? 1 : 0);
	if (!elems_plain(a, at, strlen("resume=")) || w->too_long) {
		msg_add(x, true, "%s holds %s in a form setup cannot edit "
		    "(escapes or expansions): replace resume= with "
		    PREFIX "resume= there yourself", loc, w->text);
		return;
	}
	fmt(nw, sizeof(nw), "%.*s" PREFIX "%s", (int)(at - w->first),
	    w->text, w->text + (at - w->first));
	if (!edit_add(x, (int)f, (int)k, a->el[at].raw, 0, PREFIX))
		return;
	c = change_add(x, CH_REWRITE, (int)f, a->var, nw, w->text);
	if (c)
		fmt(c->why, sizeof(c->why), "rewrote %s as %s (%s): with "
		    "resume= on the command line the kernel resumes by itself "
		    "before the initramfs gate can check the image; the gate "
		    "reads " PREFIX "resume= and resumes only an image this "
		    "boot kernel matches", w->text, nw, loc);
}

static void
plan_resume(struct ctx *x)
{
	struct kword w;
	size_t f, k, pos;

	for (f = 0; f < x->nfiles && !x->failed; f++)
		for (k = 0; k < x->files[f].nas && !x->failed; k++) {
			pos = 0;
			while (next_kword(&x->files[f].as[k], &pos, &w))
				if (word_is(x, w.text, "resume") &&
				    cmdline_get(x->scratch, "resume"))
					resume_word(x, f, k, &w);
		}
}

/* What the kernel makes of a knob word: KNOB_UNSET when it ignores it. */
static long
knob_value(struct ctx *x, const char *text, const char *param, bool is_bool)
{
	long v;

	if (!word_is(x, text, param))
		return KNOB_UNSET;
	if (is_bool)
		return cmdline_get_bool(x->scratch, param);
	v = cmdline_get_uint(x->scratch, param);
	return v >= 1 && v <= 2 ? v : KNOB_UNSET;
}

/*
 * --force: replace each occurrence of param whose value the kernel would
 * take and which differs from the wanted one with `canon`.
 */
static void
force_replace(struct ctx *x, const char *param, bool is_bool, long want,
    const char *canon, const char *why)
{
	char loc[PATH_MAX + 64];
	const struct sh_assign *a;
	struct change *c;
	struct kword w;
	size_t f, k, pos, s;
	long v;

	for (f = 0; f < x->nfiles; f++)
		for (k = 0; k < x->files[f].nas; k++) {
			a = &x->files[f].as[k];
			where(x, (int)f, a->var, loc, sizeof(loc));
			pos = 0;
			while (next_kword(a, &pos, &w) && !x->failed) {
				v = knob_value(x, w.text, param, is_bool);
				if (v == KNOB_UNSET || v == want)
					continue;
				if (!w.literal || !w.contiguous ||
				    w.too_long) {
					msg_add(x, true, "%s holds %s in a "
					    "form setup cannot edit: replace "
					    "it with %s yourself", loc, w.text,
					    canon);
					continue;
				}
				s = kword_raw_start(a, &w);
				if (!edit_add(x, (int)f, (int)k, s,
				    kword_raw_end(a, &w) - s, canon))
					return;
				c = change_add(x, CH_REPLACE, (int)f, a->var,
				    canon, w.text);
				if (c)
					fmt(c->why, sizeof(c->why), "replaced "
					    "%s with %s (%s; --force) because "
					    "%s", w.text, canon, loc, why);
			}
		}
}

/*
 * A knob already set to another value than this kernel runs: replace it
 * under --force, else say where it is and leave it (exit 1).
 */
static void
resolve_conflict(struct ctx *x, const char *param, bool is_bool, long want,
    const char *canon, const char *because, const char *consequence)
{
	char loc[PATH_MAX + 64], found[WORD_MAX] = "";
	int file, var;

	if (x->o->force) {
		force_replace(x, param, is_bool, want, canon, because);
		return;
	}
	if (!find_param(x, param, &file, &var, found, sizeof(found)))
		snprintf(loc, sizeof(loc), "the GRUB configuration (through "
		    "an expansion)");
	else
		where(x, file, var, loc, sizeof(loc));
	msg_add(x, true, "%s is set (%s) but %s: left as is%s; rerun with "
	    "--force to replace it with %s", found[0] ? found : param, loc,
	    because, consequence, canon);
}

static bool
safe_unquoted(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.,:=/+@%-",
		    s[i]))
			return false;
	return true;
}

/* Append words (space-separated) to the GRUB_CMDLINE_LINUX in effect. */
static void
plan_append(struct ctx *x, char words[][64], const char *whys[], size_t n)
{
	char joined[64 * 8 + 8], ins[sizeof(joined) + 64];
	const struct sh_assign *a = NULL;
	int file = -1, assign = -1;
	size_t f, k, i;

	if (n == 0)
		return;
	joined[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(joined, " ");
		strcat(joined, words[i]);
	}
	for (f = 0; f < x->nfiles; f++)
		for (k = 0; k < x->files[f].nas; k++)
			if (x->files[f].as[k].var == VAR_LINUX) {
				file = (int)f;
				assign = (int)k;
			}
	if (file < 0) {
		/* No assignment anywhere: add one to the main file. */
		const struct sh_file *m = &x->files[0];

		file = 0;
		snprintf(ins, sizeof(ins), "%s%s=\"%s\"\n", m->len &&
		    m->text[m->len - 1] != '\n' ? "\n" : "",
		    grub_vars[VAR_LINUX], joined);
		if (!edit_add(x, 0, -1, m->len, 0, ins))
			return;
		if (!change_add(x, CH_LINE, 0, VAR_LINUX, "", ""))
			return;
		fmt(x->ch[x->nch - 1].why, sizeof(x->ch[0].why),
		    "added a %s line to %s, which had none",
		    grub_vars[VAR_LINUX], m->path);
	} else {
		const struct sh_file *sf = &x->files[file];
		bool space;

		a = &sf->as[assign];
		space = a->nel > 0 && !(a->el[a->nel - 1].kind == EL_CHAR &&
		    kspace(a->el[a->nel - 1].c));
		if (a->ends_quoted) {
			snprintf(ins, sizeof(ins), "%s%s", space ? " " : "",
			    joined);
			if (!edit_add(x, file, assign, a->val_end - 1, 0, ins))
				return;
		} else if (a->val_off == a->val_end) {
			snprintf(ins, sizeof(ins), "\"%s\"", joined);
			if (!edit_add(x, file, assign, a->val_end, 0, ins))
				return;
		} else if (safe_unquoted(sf->text + a->val_off,
		    a->val_end - a->val_off)) {
			/* quiet -> "quiet nokaslr" */
			if (!edit_add(x, file, assign, a->val_off, 0, "\""))
				return;
			snprintf(ins, sizeof(ins), "%s%s\"", space ? " " : "",
			    joined);
			if (!edit_add(x, file, assign, a->val_end, 0, ins))
				return;
		} else {
			snprintf(ins, sizeof(ins), "\"%s%s\"", space ? " " :
			    "", joined);
			if (!edit_add(x, file, assign, a->val_end, 0, ins))
				return;
		}
	}
	for (i = 0; i < n; i++) {
		struct change *c = change_add(x, CH_ADD, file, VAR_LINUX,
		    words[i], NULL);

		if (!c)
			return;
		xh_strlcpy(c->why, whys[i], sizeof(c->why));
	}
}

static const char *
abi_words(enum evtchn_abi a)
{
	return a == EVTCHN_2L ? "2-level" : "FIFO";
}

/*
 * What the running kernel asks of the next boot kernel, against the
 * effective GRUB command line `c`.
 */
static void
plan_knobs(struct ctx *x, const struct cmdline *c)
{
	const struct record *rec = &x->probe->rec;
	char whys[4][MSG_MAX];
	const char *why_ptr[4];
	char words[4][64];
	char because[256];
	size_t n = 0;
	int cur, want;
	long gcur, gwant;

	/* Event-channel ABI. */
	want = rec->evtchn == EVTCHN_2L ? 0 : rec->evtchn == EVTCHN_FIFO ?
	    1 : -1;
	cur = cmdline_get_bool(c, "xen.fifo_events");
	if (want < 0) {
		msg_add(x, true, "cannot tell which event-channel ABI this "
		    "kernel uses (no 'xen:events: Using' line in the kernel "
		    "log): xen.fifo_events= not pinned; see `xen-handover "
		    "check`");
	} else if (cur == KNOB_UNSET) {
		snprintf(words[n], sizeof(words[n]), "xen.fifo_events=%d",
		    want);
		if (want == 0)
			snprintf(whys[n], sizeof(whys[n]), "pinned %s because "
			    "this kernel runs 2-level event channels",
			    words[n]);
		else
			snprintf(whys[n], sizeof(whys[n]), "pinned %s because "
			    "this kernel runs FIFO event channels: FIFO is "
			    "the default, and the explicit value records "
			    "that the image expects it (and keeps "
			    "`xen-handover check` from reporting an unpinned "
			    "ABI)", words[n]);
		n++;
	} else if (cur != want) {
		snprintf(because, sizeof(because), "this kernel runs %s event "
		    "channels", abi_words(rec->evtchn));
		snprintf(words[3], sizeof(words[3]), "xen.fifo_events=%d",
		    want);
		resolve_conflict(x, "xen.fifo_events", true, want, words[3],
		    because, ", so the next boot kernel may pick another ABI "
		    "than the image expects");
	}

	/* Grant-table version: v1 is the automatic choice. */
	gwant = rec->gnttab_version == 1 || rec->gnttab_version == 2 ?
	    rec->gnttab_version : 0;
	gcur = cmdline_get_uint(c, "grant_table.version");
	if (gcur < 1 || gcur > 2)
		gcur = KNOB_UNSET;	/* the kernel ignores other values */
	if (gwant && gcur == KNOB_UNSET && gwant == 2) {
		snprintf(words[n], sizeof(words[n]), "grant_table.version=2");
		snprintf(whys[n], sizeof(whys[n]), "pinned %s because this "
		    "kernel uses version 2 grant tables, which Linux picks "
		    "by itself only on very large guests", words[n]);
		n++;
	} else if (gwant && gcur != KNOB_UNSET && gcur != gwant) {
		snprintf(because, sizeof(because), "this kernel uses version "
		    "%ld grant tables", gwant);
		snprintf(words[3], sizeof(words[3]), "grant_table.version=%ld",
		    gwant);
		resolve_conflict(x, "grant_table.version", false, gwant,
		    words[3], because, "");
	}

	if (!cmdline_has(c, "nokaslr")) {
		snprintf(words[n], sizeof(words[n]), "nokaslr");
		snprintf(whys[n], sizeof(whys[n]), "added nokaslr so that "
		    "every boot kernel puts its Xen pages (vcpu_info, "
		    "per-CPU data) where the image expects them");
		n++;
	}
	for (size_t i = 0; i < n; i++)
		why_ptr[i] = whys[i];
	plan_append(x, words, why_ptr, n);
}

/* After planning: does the new configuration say what we meant? */
static void
verify_after(struct ctx *x)
{
	size_t i;
	int r;

	r = effective(x, true, x->after, sizeof(x->after));
	if (r >= 0)
		r = cmdline_parse(x->after, x->eff);
	if (r < 0) {
		log_error_errno(r, "the rewritten GRUB configuration does not "
		    "parse back: %m");
		x->failed = true;
		return;
	}
	x->have_after = true;
	if (cmdline_get(x->eff, "resume")) {
		msg_add(x, true, "resume= is still on the command line GRUB "
		    "builds (it comes from an expansion setup does not "
		    "edit): replace it with " PREFIX "resume= yourself");
	}
	for (i = 0; i < x->nch; i++) {
		const struct change *c = &x->ch[i];
		const char *eq = strchr(c->word, '=');
		char name[64];
		bool ok = true;

		if (c->kind != CH_ADD && c->kind != CH_REPLACE)
			continue;
		if (!eq) {
			ok = cmdline_has(x->eff, c->word);
		} else {
			snprintf(name, sizeof(name), "%.*s",
			    (int)(eq - c->word), c->word);
			ok = cmdline_get(x->eff, name) &&
			    streq(cmdline_get(x->eff, name), eq + 1);
		}
		if (!ok) {
			msg_add(x, true, "%s would not take effect where setup "
			    "can put it (a \"--\" or a later expansion in the "
			    "GRUB configuration?): nothing written",
			    c->word);
			x->failed = true;
		}
	}
}

/* Say so when the shell would compute part of a value we only read. */
static void
note_expansions(struct ctx *x)
{
	char loc[PATH_MAX + 64];
	size_t f, k, e;

	for (f = 0; f < x->nfiles; f++)
		for (k = 0; k < x->files[f].nas; k++) {
			const struct sh_assign *a = &x->files[f].as[k];

			for (e = 0; e < a->nel; e++)
				if (a->el[e].kind == EL_EXPAND)
					break;
			if (e == a->nel)
				continue;
			where(x, (int)f, a->var, loc, sizeof(loc));
			msg_add(x, false, "%s uses a shell expansion setup "
			    "does not evaluate (it reads it as written): check "
			    "the command line grub-mkconfig builds", loc);
			return;
		}
}

static int
plan_install(struct ctx *x)
{
	int r;

	r = effective(x, false, x->before, sizeof(x->before));
	if (r >= 0)
		r = cmdline_parse(x->before, x->eff);
	if (r < 0) {
		log_error_errno(r, "cannot evaluate the GRUB command line: %m");
		return EXIT_BLOCKED;
	}
	note_expansions(x);
	plan_resume(x);
	if (!x->failed)
		plan_knobs(x, x->eff);
	if (x->failed)
		return EXIT_SYSTEM;
	r = apply_edits(x);
	if (r < 0)
		return EXIT_SYSTEM;
	verify_after(x);
	if (x->failed)
		return EXIT_BLOCKED;
	return EXIT_OK;
}

/* --- the state file ----------------------------------------------------- */

struct state_entry {
	enum change_kind kind;	/* install kind */
	char path[PATH_MAX];
	int var;
	char word[WORD_MAX];
	char old[WORD_MAX];
};

static int
state_line(const struct ctx *x, const struct change *c, char *buf,
    size_t sz)
{
	int n;

	if (c->kind == CH_REPLACE)
		n = snprintf(buf, sz, "%s\t%s\t%s\t%s\t%s\n",
		    state_verbs[c->kind], x->files[c->file].path,
		    grub_vars[c->var], c->word, c->old);
	else
		n = snprintf(buf, sz, "%s\t%s\t%s\t%s\n", state_verbs[c->kind],
		    x->files[c->file].path, grub_vars[c->var], c->word);
	if (n < 0 || (size_t)n >= sz || strpbrk(c->word, "\t\n") ||
	    strpbrk(c->old, "\t\n"))
		return -EINVAL;
	return n;
}

/* Parse one state line; 0 ok, -EINVAL when malformed. */
static int
state_parse_line(char *line, struct state_entry *e)
{
	char *f[5] = { NULL };
	size_t n = 0;
	char *p = line;
	int k;

	while (n < 5) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (p || n < 3)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	for (k = 0; k <= CH_LINE; k++)
		if (streq(f[0], state_verbs[k]))
			break;
	if (k > CH_LINE)
		return -EINVAL;
	e->kind = (enum change_kind)k;
	if (f[1][0] != '/' || xh_strlcpy(e->path, f[1], sizeof(e->path)) >=
	    sizeof(e->path))
		return -EINVAL;
	e->var = -1;
	for (k = 0; k < _VAR_MAX; k++)
		if (streq(f[2], grub_vars[k]))
			e->var = k;
	if (e->var < 0)
		return -EINVAL;
	if (e->kind == CH_LINE)
		return n == 3 || (n == 4 && !f[3][0]) ? 0 : -EINVAL;
	if (n < 4 || !f[3][0] || xh_strlcpy(e->word, f[3], sizeof(e->word)) >=
	    sizeof(e->word))
		return -EINVAL;
	if (e->kind == CH_REPLACE) {
		if (n != 5 || !f[4][0] || xh_strlcpy(e->old, f[4],
		    sizeof(e->old)) >= sizeof(e->old))
			return -EINVAL;
	} else if (n != 4) {
		return -EINVAL;
	}
	if (e->kind == CH_REWRITE && !strstr(e->word, PREFIX "resume="))
		return -EINVAL;
	return 0;
}

#define STATE_HEADER "# xen-handover setup: changes it made to the boot " \
	"configuration,\n# one per line (verb, file, variable, word[, old " \
	"word]), tab-separated.\n# `xen-handover setup --undo` reverts them. " \
	"Do not edit.\n"

/* --- planning: undo ----------------------------------------------------- */

/* Last literal word equal to `word` in var's assignments of file f that
 * no earlier undo step claimed. */
static bool
find_word(struct ctx *x, size_t f, int var, const char *word,
    bool need_contiguous, size_t *assign, struct kword *out)
{
	struct kword w;
	bool found = false;
	size_t k, pos, i;

	for (k = 0; k < x->files[f].nas; k++) {
		const struct sh_assign *a = &x->files[f].as[k];

		if (a->var != var)
			continue;
		pos = 0;
		while (next_kword(a, &pos, &w)) {
			size_t ws, we;
			bool claimed = false;

			if (w.too_long || !w.text[0] || !streq(w.text, word))
				continue;
			if (need_contiguous && (!w.literal || !w.contiguous))
				continue;
			ws = kword_raw_start(a, &w);
			we = kword_raw_end(a, &w);
			for (i = 0; i < x->ned; i++) {
				const struct edit *e = &x->ed[i];

				if (e->file != (int)f || e->assign != (int)k)
					continue;
				if (e->del ? e->off < we && e->off + e->del > ws
				    : e->off >= ws && e->off < we)
					claimed = true;
			}
			if (claimed)
				continue;
			*assign = k;
			*out = w;
			found = true;
		}
	}
	return found;
}

/* Is byte off of file f deleted by an edit already planned? */
static bool
raw_claimed(const struct ctx *x, size_t f, size_t off)
{
	size_t i;

	for (i = 0; i < x->ned; i++)
		if (x->ed[i].file == (int)f && !x->ed[i].dead &&
		    off >= x->ed[i].off && off < x->ed[i].off + x->ed[i].del)
			return true;
	return false;
}

/* A plain blank element at index i, raw byte at off, not yet deleted. */
static bool
free_blank(const struct ctx *x, size_t f, const struct sh_assign *a,
    size_t i, size_t off)
{
	return i < a->nel && a->el[i].kind == EL_CHAR &&
	    is_blank(a->el[i].c) && a->el[i].rawlen == 1 &&
	    a->el[i].raw == off && !raw_claimed(x, f, off);
}

/* Remove a word and one blank next to it (before, else after). */
static bool
undo_remove(struct ctx *x, size_t f, size_t k, const struct kword *w)
{
	const struct sh_assign *a = &x->files[f].as[k];
	size_t s = kword_raw_start(a, w), e = kword_raw_end(a, w);

	if (w->first > 0 && s > 0 && free_blank(x, f, a, w->first - 1, s - 1))
		s--;
	else if (free_blank(x, f, a, w->first + w->n, e))
		e++;
	struct edit *ed = edit_add(x, (int)f, (int)k, s, e - s, "");

	if (ed)
		ed->removes_word = true;
	return ed != NULL;
}

/* The line setup created: delete it if nothing but our words is left. */
static void
undo_line(struct ctx *x, size_t f, int var)
{
	const struct sh_file *sf = &x->files[f];
	const struct sh_assign *a = NULL;
	struct kword w;
	size_t k, pos, i, end, nwords = 0, nremoved = 0;
	int ai = -1;

	for (k = 0; k < sf->nas; k++)
		if (sf->as[k].var == var) {
			a = &sf->as[k];
			ai = (int)k;
		}
	if (!a)
		return;
	pos = 0;
	while (next_kword(a, &pos, &w))
		nwords++;
	for (i = 0; i < x->ned; i++)
		if (x->ed[i].file == (int)f && x->ed[i].assign == ai &&
		    x->ed[i].removes_word)
			nremoved++;
	/* Only blanks around NAME=value on its own line. */
	for (i = a->line_off; i < a->name_off; i++)
		if (!is_blank(sf->text[i]))
			return;
	for (end = a->val_end; end < sf->len && is_blank(sf->text[end]); end++)
		;
	if (end < sf->len && sf->text[end] != '\n')
		return;
	if (nremoved != nwords)
		return;
	for (i = 0; i < x->ned; i++)
		if (x->ed[i].file == (int)f && x->ed[i].assign == ai)
			x->ed[i].dead = true;
	if (end < sf->len)
		end++;
	if (edit_add(x, (int)f, ai, a->line_off, end - a->line_off, "") &&
	    change_add(x, CH_UNLINE, (int)f, var, "", ""))
		fmt(x->ch[x->nch - 1].why, sizeof(x->ch[0].why),
		    "removed the %s line setup had added to %s",
		    grub_vars[var], sf->path);
}

static int
plan_undo(struct ctx *x, struct state_entry *es, size_t n)
{
	char loc[PATH_MAX + 64];
	struct kword w;
	size_t i, f, k;

	for (i = n; i-- > 0;) {
		const struct state_entry *e = &es[i];
		struct change *c;

		for (f = 0; f < x->nfiles; f++)
			if (streq(x->files[f].path, e->path))
				break;
		if (f == x->nfiles) {
			msg_add(x, false, "%s no longer exists: nothing to "
			    "undo there (%s)", e->path, e->kind == CH_LINE ?
			    grub_vars[e->var] : e->word);
			continue;
		}
		where(x, (int)f, e->var, loc, sizeof(loc));
		switch (e->kind) {
		case CH_ADD:
			if (!find_word(x, f, e->var, e->word, true, &k, &w)) {
				msg_add(x, false, "%s, added by setup, is no "
				    "longer in %s: nothing to undo for it",
				    e->word, loc);
				break;
			}
			if (!undo_remove(x, f, k, &w))
				return EXIT_SYSTEM;
			c = change_add(x, CH_REMOVE, (int)f, e->var, "",
			    e->word);
			if (!c)
				return EXIT_SYSTEM;
			fmt(c->why, sizeof(c->why), "removed %s from %s "
			    "(setup had added it)", e->word, loc);
			break;
		case CH_REWRITE: {
			size_t at;

			if (!find_word(x, f, e->var, e->word, false, &k, &w)) {
				msg_add(x, false, "%s is no longer in %s: "
				    "nothing to turn back", e->word, loc);
				break;
			}
			at = w.first + (w.text[0] == '"' ? 1 : 0);
			if (!elems_plain(&x->files[f].as[k], at, PREFIX_LEN)) {
				msg_add(x, true, "cannot edit %s in %s: turn "
				    "it back into resume= yourself", e->word,
				    loc);
				break;
			}
			if (!edit_add(x, (int)f, (int)k,
			    x->files[f].as[k].el[at].raw, PREFIX_LEN, ""))
				return EXIT_SYSTEM;
			c = change_add(x, CH_UNREWRITE, (int)f, e->var, "",
			    e->word);
			if (!c)
				return EXIT_SYSTEM;
			snprintf(c->word, sizeof(c->word), "%.*s%s",
			    (int)(at - w.first), w.text,
			    w.text + (at - w.first) + PREFIX_LEN);
			fmt(c->why, sizeof(c->why), "turned %s back into "
			    "%s (%s)", e->word, c->word, loc);
			break;
		}
		case CH_REPLACE:
			if (!find_word(x, f, e->var, e->word, true, &k, &w)) {
				msg_add(x, false, "%s, put there by setup "
				    "--force, is no longer in %s: %s not "
				    "restored", e->word, loc, e->old);
				break;
			}
			if (!edit_add(x, (int)f, (int)k,
			    kword_raw_start(&x->files[f].as[k], &w),
			    kword_raw_end(&x->files[f].as[k], &w) -
			    kword_raw_start(&x->files[f].as[k], &w), e->old))
				return EXIT_SYSTEM;
			c = change_add(x, CH_RESTORE, (int)f, e->var, e->old,
			    e->word);
			if (!c)
				return EXIT_SYSTEM;
			fmt(c->why, sizeof(c->why), "put back %s in place "
			    "of %s (%s; setup --force had replaced it)",
			    e->old, e->word, loc);
			break;
		case CH_LINE:
			undo_line(x, f, e->var);
			break;
		default:
			break;
		}
		if (x->failed)
			return EXIT_SYSTEM;
	}
	if (apply_edits(x) < 0)
		return EXIT_SYSTEM;
	if (effective(x, false, x->before, sizeof(x->before)) >= 0 &&
	    effective(x, true, x->after, sizeof(x->after)) >= 0)
		x->have_after = true;
	return EXIT_OK;
}

/* --- writing ------------------------------------------------------------ */

static int
fsync_dir_of(const char *path)
{
	char dir[PATH_MAX], *slash;
	_cleanup_close_ int fd = -1;

	xh_strlcpy(dir, path, sizeof(dir));
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fsync(fd) < 0 && errno != EINVAL ? -errno : 0;
}

/*
 * Write full (a path on the real file system) through a temporary file,
 * fsync, rename; keeps the mode and owner of `like` when given.
 */
static int
write_atomic(const char *full, const char *data, size_t len,
    const struct stat *like)
{
	char tmp[PATH_MAX];
	ssize_t k;
	size_t off = 0;
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.xen-handover.tmp", full) >=
	    sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return -errno;
	while (off < len) {
		k = write(fd, data + off, len - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		off += (size_t)k;
	}
	if (fchmod(fd, like ? like->st_mode & 07777 : 0644) < 0) {
		r = -errno;
		goto fail;
	}
	if (like && (like->st_uid != geteuid() || like->st_gid != getegid()) &&
	    fchown(fd, like->st_uid, like->st_gid) < 0 && errno != EPERM) {
		r = -errno;
		goto fail;
	}
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, full) < 0) {
		r = -errno;
		goto fail;
	}
	return fsync_dir_of(full);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

/* Where to write root/path: through a symlink to its target. */
static int
real_target(const char *root, const char *path, char *out, size_t sz)
{
	char full[PATH_MAX], *rp;
	int r;

	r = root_path(root, path, full, sizeof(full));
	if (r < 0)
		return r;
	rp = realpath(full, NULL);
	if (!rp)
		return errno == ENOENT ? (xh_strlcpy(out, full, sz) >= sz ?
		    -ENAMETOOLONG : 0) : -errno;
	r = xh_strlcpy(out, rp, sz) >= sz ? -ENAMETOOLONG : 0;
	free(rp);
	return r;
}

static int
write_state(struct ctx *x)
{
	char full[PATH_MAX], dir[PATH_MAX], line[3 * WORD_MAX + PATH_MAX];
	char *old = NULL, *buf = NULL;
	size_t oldlen = 0, n = 0, cap, i;
	struct stat st;
	int r;

	r = slurp(x->root, SETUP_STATE_PATH, &old, &oldlen, &st);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "cannot read %s: %m",
		    SETUP_STATE_PATH);
	cap = oldlen + sizeof(STATE_HEADER) + x->nch * sizeof(line) + 1;
	buf = malloc(cap);
	if (!buf) {
		free(old);
		return log_error_errno(-ENOMEM, "%m");
	}
	if (old && oldlen) {
		memcpy(buf, old, oldlen);
		n = oldlen;
		if (buf[n - 1] != '\n')
			buf[n++] = '\n';
	} else {
		memcpy(buf, STATE_HEADER, strlen(STATE_HEADER));
		n = strlen(STATE_HEADER);
	}
	buf[n] = '\0';
	for (i = 0; i < x->nch; i++) {
		int l = state_line(x, &x->ch[i], line, sizeof(line));
		const char *p;
		bool dup = false;

		if (l < 0) {
			r = log_error_errno(-EINVAL, "cannot record '%s' in %s",
			    x->ch[i].word, SETUP_STATE_PATH);
			goto out;
		}
		/* The same change twice is one change. */
		for (p = buf; (p = strstr(p, line)); p++)
			if (p == buf || p[-1] == '\n')
				dup = true;
		if (dup)
			continue;
		memcpy(buf + n, line, (size_t)l + 1);
		n += (size_t)l;
	}
	r = root_path(x->root, "/etc/xen-handover", dir, sizeof(dir));
	if (r >= 0 && mkdir(dir, 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r >= 0)
		r = real_target(x->root, SETUP_STATE_PATH, full, sizeof(full));
	if (r >= 0)
		r = write_atomic(full, buf, n, NULL);
	if (r < 0)
		log_error_errno(r, "cannot write %s: %m", SETUP_STATE_PATH);
	else
		x->state_written = true;
out:
	free(old);
	free(buf);
	return r;
}

/* Backups (first time only), state, files. */
static int
commit(struct ctx *x)
{
	char full[PATH_MAX], bak[PATH_MAX + 32];
	size_t f;
	int r;

	for (f = 0; f < x->nfiles; f++) {
		struct sh_file *sf = &x->files[f];
		struct stat st;

		if (!sf->changed)
			continue;
		/* Next to the name we read, even when it is a symlink. */
		r = root_path(x->root, sf->path, full, sizeof(full));
		if (r < 0)
			return log_error_errno(r, "%s: %m", sf->path);
		snprintf(bak, sizeof(bak), "%s%s", full, SETUP_BACKUP_SUFFIX);
		if (lstat(bak, &st) < 0) {
			if (errno != ENOENT)
				return log_error_errno(-errno, "%s: %m", bak);
			r = write_atomic(bak, sf->text, sf->len, &sf->st);
			if (r < 0)
				return log_error_errno(r, "cannot back up %s: "
				    "%m", sf->path);
			snprintf(x->backups[x->nbackups++], PATH_MAX, "%s%s",
			    sf->path, SETUP_BACKUP_SUFFIX);
		}
	}
	if (!x->o->undo) {
		r = write_state(x);
		if (r < 0)
			return r;
	}
	for (f = 0; f < x->nfiles; f++) {
		struct sh_file *sf = &x->files[f];

		if (!sf->changed)
			continue;
		r = real_target(x->root, sf->path, full, sizeof(full));
		if (r >= 0)
			r = write_atomic(full, sf->new_text, sf->new_len,
			    &sf->st);
		if (r < 0)
			return log_error_errno(r, "cannot write %s: %m",
			    sf->path);
	}
	if (x->o->undo) {
		r = root_path(x->root, SETUP_STATE_PATH, full, sizeof(full));
		if (r >= 0 && unlink(full) < 0 && errno != ENOENT)
			r = -errno;
		if (r < 0)
			return log_error_errno(r, "cannot remove %s: %m",
			    SETUP_STATE_PATH);
		x->state_removed = true;
	}
	return 0;
}

/* --- update-grub ---------------------------------------------------------- */

static bool
find_in_path(const char *name, char *out, size_t sz)
{
	const char *path = getenv("PATH");
	const char *p, *e;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin";
	for (p = path; *p; p = *e ? e + 1 : e) {
		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		if (e == p)
			continue;
		if ((size_t)snprintf(out, sz, "%.*s/%s", (int)(e - p), p,
		    name) >= sz)
			continue;
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

static void
run_update(struct ctx *x)
{
	static const struct {
		const char *cmd;
		const char *out;
	} cands[] = {
		{ "update-grub", NULL },
		{ "grub-mkconfig", "/boot/grub/grub.cfg" },
		{ "grub2-mkconfig", "/boot/grub2/grub.cfg" },
	};
	char exe[PATH_MAX];
	size_t i;
	pid_t pid;
	int status;

	x->update_status = -1;
	if (!x->real_root) {
		snprintf(x->update_why, sizeof(x->update_why), "--root is not "
		    "/ (run update-grub, or grub-mkconfig -o "
		    "/boot/grub/grub.cfg, inside that system)");
		return;
	}
	if (x->o->no_update) {
		snprintf(x->update_why, sizeof(x->update_why), "--no-update "
		    "(run update-grub, or grub-mkconfig -o "
		    "/boot/grub/grub.cfg, yourself)");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(cands); i++)
		if (find_in_path(cands[i].cmd, exe, sizeof(exe)))
			break;
	if (i == ARRAY_SIZE(cands)) {
		snprintf(x->update_why, sizeof(x->update_why), "found no "
		    "update-grub, grub-mkconfig or grub2-mkconfig: regenerate "
		    "grub.cfg yourself");
		x->update_status = 127;
		return;
	}
	snprintf(x->update_cmd, sizeof(x->update_cmd), "%s%s%s", cands[i].cmd,
	    cands[i].out ? " -o " : "", cands[i].out ? cands[i].out : "");
	fflush(x->out);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		x->update_status = 127;
		snprintf(x->update_why, sizeof(x->update_why), "fork: %s",
		    strerror(errno));
		return;
	}
	if (pid == 0) {
		/* Its chatter goes to stderr: stdout may carry JSON. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		if (cands[i].out)
			execl(exe, cands[i].cmd, "-o", cands[i].out,
			    (char *)NULL);
		else
			execl(exe, cands[i].cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			x->update_status = 127;
			return;
		}
	x->update_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* --- notes about other boot pieces --------------------------------------- */

static void
notes_other(struct ctx *x)
{
	static const char *const itrd_names[] = { "RESUME" };
	static const char *const bls_names[] = { "GRUB_ENABLE_BLSCFG" };
	char *text = NULL, *val = NULL;
	struct sh_assign *as;
	size_t len, nas = 0, k;
	struct stat st;
	char (*vals)[EVAL_MAX];

	as = calloc(MAX_ASSIGNS, sizeof(*as));
	vals = calloc(1, sizeof(*vals));
	val = malloc(EVAL_MAX);
	if (!as || !vals || !val)
		goto out;

	/* initramfs-tools keeps its own resume device. */
	if (slurp(x->root, SETUP_ITRD_RESUME_PATH, &text, &len, &st) == 0 &&
	    scan_text(text, len, itrd_names, 1, as, MAX_ASSIGNS, &nas) == 0) {
		val[0] = '\0';
		for (k = 0; k < nas; k++)
			if (eval_assign(&as[k], vals, val) == 0)
				memcpy(vals[0], val, strlen(val) + 1);
		if (vals[0][0] && !streq(vals[0], "none"))
			msg_add(x, false, "initramfs-tools resumes from "
			    "RESUME=%s (%s) by itself; the xen-handover "
			    "initramfs hook takes that step over (it writes "
			    "noresume to /conf/param.conf), so keep the file "
			    "and rebuild the initramfs (update-initramfs -u) "
			    "after installing xen-handover", vals[0],
			    SETUP_ITRD_RESUME_PATH);
	}
	assigns_free(as, nas);
	nas = 0;
	free(text);
	text = NULL;

	/* Fedora-style BootLoaderSpec entries carry their own options. */
	if (x->nfiles && scan_text(x->files[0].text, x->files[0].len,
	    bls_names, 1, as, MAX_ASSIGNS, &nas) == 0) {
		vals[0][0] = '\0';
		for (k = 0; k < nas; k++)
			if (eval_assign(&as[k], vals, val) == 0)
				memcpy(vals[0], val, strlen(val) + 1);
		if (streq(vals[0], "true"))
			msg_add(x, false, "GRUB_ENABLE_BLSCFG=true: the boot "
			    "entries under /boot/loader/entries keep their "
			    "own options; also run `grubby --update-kernel=ALL "
			    "--remove-args=resume --args=\"...\"` with the "
			    "words above (or grub2-mkconfig "
			    "--update-bls-cmdline)");
	}
	assigns_free(as, nas);
	if (exists_at(x->root, "/etc/kernel/cmdline") > 0)
		msg_add(x, false, "/etc/kernel/cmdline exists: kernels "
		    "installed by kernel-install (systemd-boot, unified "
		    "kernel images) take their command line from it, not "
		    "from GRUB; make the same changes there");
out:
	free(as);
	free(vals);
	free(val);
}

/* --- output ------------------------------------------------------------- */

static size_t
line_start(const char *t, size_t pos)
{
	while (pos > 0 && t[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t
line_end(const char *t, size_t len, size_t pos)
{
	while (pos < len && t[pos] != '\n')
		pos++;
	return pos < len ? pos + 1 : len;
}

static size_t
line_no(const char *t, size_t pos)
{
	size_t i, n = 1;

	for (i = 0; i < pos; i++)
		if (t[i] == '\n')
			n++;
	return n;
}

static size_t
count_lines(const char *t, size_t from, size_t to)
{
	size_t i, n = 0;

	for (i = from; i < to; i++)
		if (t[i] == '\n')
			n++;
	if (to > from && t[to - 1] != '\n')
		n++;
	return n;
}

static void
emit_lines(FILE *o, char sign, const char *t, size_t len, size_t from,
    size_t to)
{
	size_t s = from, e;

	while (s < to) {
		for (e = s; e < to && t[e] != '\n'; e++)
			;
		fprintf(o, "%c%.*s\n", sign, (int)(e - s), t + s);
		s = e + 1;
	}
	if (to > from && to == len && t[len - 1] != '\n')
		fprintf(o, "\\ No newline at end of file\n");
}

/* A unified diff (no context) of one file, from its sorted edits. */
static void
file_diff(const struct ctx *x, size_t f, FILE *o)
{
	const struct sh_file *sf = &x->files[f];
	size_t i, shift = 0, os = 0, oe = 0, ns = 0, ne = 0;
	bool open = false;

	fprintf(o, "--- %s\n+++ %s\n", sf->path, sf->path);
	for (i = 0; i <= x->ned; i++) {
		const struct edit *e = i < x->ned ? &x->ed[i] : NULL;
		size_t a, b, c, d, noff, inl;
		bool whole;

		if (e && (e->file != (int)f || e->dead))
			continue;
		if (e) {
			noff = e->off + shift;
			inl = strlen(e->ins);
			whole = (e->off == 0 || sf->text[e->off - 1] == '\n') &&
			    (e->del == 0 || sf->text[e->off + e->del - 1] ==
			    '\n' || e->off + e->del == sf->len) &&
			    (inl == 0 || e->ins[inl - 1] == '\n') &&
			    (e->del || inl);
			if (whole) {
				a = e->off;
				b = e->off + e->del;
				c = noff;
				d = noff + inl;
			} else {
				a = line_start(sf->text, e->off);
				b = line_end(sf->text, sf->len, e->off +
				    e->del);
				c = line_start(sf->new_text, noff);
				d = line_end(sf->new_text, sf->new_len,
				    noff + inl);
				if (e->del && sf->text[e->off + e->del - 1] ==
				    '\n')
					b = e->off + e->del;
			}
			shift += inl;
			shift -= e->del;
			if (open && a <= oe) {
				if (b > oe)
					oe = b;
				if (d > ne)
					ne = d;
				continue;
			}
		}
		if (open) {
			size_t on = count_lines(sf->text, os, oe);
			size_t nn = count_lines(sf->new_text, ns, ne);
			size_t ol = line_no(sf->text, os);
			size_t nl = line_no(sf->new_text, ns);

			fprintf(o, "@@ -%zu,%zu +%zu,%zu @@\n",
			    on ? ol : ol - 1, on, nn ? nl : nl - 1, nn);
			emit_lines(o, '-', sf->text, sf->len, os, oe);
			emit_lines(o, '+', sf->new_text, sf->new_len, ns, ne);
			open = false;
		}
		if (e) {
			os = a;
			oe = b;
			ns = c;
			ne = d;
			open = true;
		}
	}
}

static char *
diff_string(const struct ctx *x, size_t f)
{
	char *buf = NULL;
	size_t sz = 0;
	FILE *m = open_memstream(&buf, &sz);

	if (!m)
		return NULL;
	file_diff(x, f, m);
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static void
report_json(const struct ctx *x, const char *bootloader, const char *xl,
    int code)
{
	struct json j;
	size_t i;

	json_init(&j, x->out, true);
	json_begin_object(&j, NULL);
	if (x->probe)
		json_bool(&j, "xen", x->probe->is_xen);
	json_string(&j, "root", x->root);
	json_string(&j, "mode", x->o->undo ? "undo" : "setup");
	json_bool(&j, "dry_run", x->o->dry_run);
	json_string(&j, "bootloader", bootloader);
	json_bool(&j, "changed", x->nch > 0);
	json_begin_array(&j, "changes");
	for (i = 0; i < x->nch; i++) {
		const struct change *c = &x->ch[i];

		json_begin_object(&j, NULL);
		json_string(&j, "action", change_names[c->kind]);
		if (c->file >= 0) {
			json_string(&j, "file", x->files[c->file].path);
			json_string(&j, "variable", grub_vars[c->var]);
		}
		if (c->word[0])
			json_string(&j, "word", c->word);
		if (c->old[0])
			json_string(&j, "old", c->old);
		json_string(&j, "reason", c->why);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "problems");
	for (i = 0; i < x->nmsgs; i++)
		if (x->msgs[i].problem)
			json_string(&j, NULL, x->msgs[i].text);
	json_end_array(&j);
	json_begin_array(&j, "notes");
	for (i = 0; i < x->nmsgs; i++)
		if (!x->msgs[i].problem)
			json_string(&j, NULL, x->msgs[i].text);
	json_end_array(&j);
	json_begin_array(&j, "files");
	for (i = 0; i < x->nfiles; i++) {
		char *d;

		if (!x->files[i].changed)
			continue;
		json_begin_object(&j, NULL);
		json_string(&j, "path", x->files[i].path);
		d = diff_string(x, i);
		json_string(&j, "diff", d ? d : "");
		free(d);
		json_end_object(&j);
	}
	json_end_array(&j);
	if (xl) {
		json_string(&j, "cmdline_before", x->probe->cmdline_raw);
		json_string(&j, "xl_extra", xl);
	} else if (x->grub) {
		json_string(&j, "cmdline_before", x->before);
		if (x->have_after)
			json_string(&j, "cmdline_after", x->after);
	}
	json_begin_array(&j, "backups");
	for (i = 0; i < x->nbackups; i++)
		json_string(&j, NULL, x->backups[i]);
	json_end_array(&j);
	json_begin_object(&j, "update");
	if (x->update_cmd[0])
		json_string(&j, "command", x->update_cmd);
	else
		json_null(&j, "command");
	if (x->update_status >= 0)
		json_int(&j, "status", x->update_status);
	else
		json_null(&j, "status");
	json_string(&j, "detail", x->update_why);
	json_end_object(&j);
	json_bool(&j, "state_written", x->state_written);
	json_int(&j, "exit", code);
	json_end_object(&j);
	json_finish(&j);
}

static void
report_msgs(const struct ctx *x)
{
	size_t i;
	bool any;

	for (any = false, i = 0; i < x->nmsgs; i++)
		if (x->msgs[i].problem) {
			if (!any)
				fprintf(x->out, "Not changed:\n");
			any = true;
			fprintf(x->out, "  * %s.\n", x->msgs[i].text);
		}
	for (any = false, i = 0; i < x->nmsgs; i++)
		if (!x->msgs[i].problem) {
			if (!any)
				fprintf(x->out, "Notes:\n");
			any = true;
			fprintf(x->out, "  * %s.\n", x->msgs[i].text);
		}
}

static void
report_text(const struct ctx *x)
{
	size_t i;

	for (i = 0; i < x->nfiles; i++)
		if (x->files[i].changed)
			file_diff(x, i, x->out);
	if (x->nch) {
		fprintf(x->out, "%s:\n", x->o->dry_run ? "Changes (dry run)" :
		    "Changes");
		for (i = 0; i < x->nch; i++)
			fprintf(x->out, "  * %s.\n", x->ch[i].why);
	} else {
		fprintf(x->out, "Boot configuration: nothing to %s.\n",
		    x->o->undo ? "undo" : "change");
	}
	report_msgs(x);
	if (x->nch && x->have_after) {
		fprintf(x->out, "Kernel command line GRUB builds (normal "
		    "entries):\n  before: %s\n  after:  %s\n", x->before,
		    x->after);
	}
}

static void
report_commit(const struct ctx *x)
{
	size_t i;

	if (x->o->json || !x->nch)
		return;
	if (x->o->dry_run) {
		fprintf(x->out, "Dry run: nothing was written; run without "
		    "--dry-run to apply.\n");
		return;
	}
	for (i = 0; i < x->nbackups; i++)
		fprintf(x->out, "Kept a copy of the original in %s.\n",
		    x->backups[i]);
	for (i = 0; i < x->nfiles; i++)
		if (x->files[i].changed)
			fprintf(x->out, "Wrote %s.\n", x->files[i].path);
	if (x->state_written)
		fprintf(x->out, "Recorded the changes in %s (`xen-handover "
		    "setup --undo` reverts them).\n", SETUP_STATE_PATH);
	if (x->state_removed)
		fprintf(x->out, "Removed %s.\n", SETUP_STATE_PATH);
	if (x->update_cmd[0])
		fprintf(x->out, "Ran `%s`: exit status %d.\n", x->update_cmd,
		    x->update_status);
	else
		fprintf(x->out, "Did not run update-grub: %s.\n",
		    x->update_why);
	fprintf(x->out, "Reboot for the new command line to take effect.\n");
}

/* --- dom0-booted guests --------------------------------------------------- */

static int
no_grub(struct ctx *x, const char *why)
{
	const struct record *rec = &x->probe->rec;
	const struct cmdline *c = &x->probe->cmdline;
	const char *add[4] = { NULL }, *repl[3] = { NULL };
	char fe[32], gv[32], xl[CMDLINE_MAX];
	size_t na = 0, nr = 0, i;
	struct change *ch;
	int want, cur;
	long gcur;
	int code, gwant;
	char q;

	/* The same decisions as for GRUB, against /proc/cmdline. */
	if (cmdline_get(c, "resume")) {
		char nw[WORD_MAX], ow[WORD_MAX];

		fmt(nw, sizeof(nw), PREFIX "resume=%s", cmdline_get(c,
		    "resume"));
		fmt(ow, sizeof(ow), "resume=%s", cmdline_get(c, "resume"));
		ch = change_add(x, CH_REWRITE, -1, 0, nw, ow);
		if (ch)
			fmt(ch->why, sizeof(ch->why), "rewrite resume=%s "
			    "as " PREFIX "resume=%s: with resume= the kernel "
			    "resumes by itself before the initramfs gate can "
			    "check the image", cmdline_get(c, "resume"),
			    cmdline_get(c, "resume"));
	}
	want = rec->evtchn == EVTCHN_2L ? 0 : rec->evtchn == EVTCHN_FIFO ?
	    1 : -1;
	cur = cmdline_get_bool(c, "xen.fifo_events");
	if (want < 0) {
		msg_add(x, true, "cannot tell which event-channel ABI this "
		    "kernel uses: xen.fifo_events= not pinned");
	} else if (cur == KNOB_UNSET || (cur != want && x->o->force)) {
		snprintf(fe, sizeof(fe), "xen.fifo_events=%d", want);
		add[na++] = fe;
		if (cur != KNOB_UNSET)
			repl[nr++] = "xen.fifo_events";
		ch = change_add(x, cur == KNOB_UNSET ? CH_ADD : CH_REPLACE, -1,
		    0, fe, "");
		if (ch)
			fmt(ch->why, sizeof(ch->why), "pin %s because "
			    "this kernel runs %s event channels", fe,
			    abi_words(rec->evtchn));
	} else if (cur != want) {
		msg_add(x, true, "xen.fifo_events=%d is on the command line "
		    "but this kernel runs %s event channels; rerun with "
		    "--force to replace it", cur, abi_words(rec->evtchn));
	}
	gcur = cmdline_get_uint(c, "grant_table.version");
	if (gcur < 1 || gcur > 2)
		gcur = KNOB_UNSET;
	gwant = rec->gnttab_version == 1 || rec->gnttab_version == 2 ?
	    rec->gnttab_version : 0;
	if (gwant == 2 && gcur == KNOB_UNSET) {
		snprintf(gv, sizeof(gv), "grant_table.version=2");
		add[na++] = gv;
		ch = change_add(x, CH_ADD, -1, 0, gv, "");
		if (ch)
			fmt(ch->why, sizeof(ch->why), "pin %s because "
			    "this kernel uses version 2 grant tables", gv);
	} else if (gwant && gcur != KNOB_UNSET && gcur != gwant &&
	    x->o->force) {
		snprintf(gv, sizeof(gv), "grant_table.version=%d", gwant);
		add[na++] = gv;
		repl[nr++] = "grant_table.version";
		ch = change_add(x, CH_REPLACE, -1, 0, gv, "");
		if (ch)
			fmt(ch->why, sizeof(ch->why), "pin %s because "
			    "this kernel uses version %d grant tables", gv,
			    gwant);
	} else if (gwant && gcur != KNOB_UNSET && gcur != gwant) {
		msg_add(x, true, "grant_table.version=%ld is on the command "
		    "line but this kernel uses version %d grant tables; "
		    "rerun with --force to replace it", gcur, gwant);
	}
	if (!cmdline_has(c, "nokaslr")) {
		add[na++] = "nokaslr";
		ch = change_add(x, CH_ADD, -1, 0, "nokaslr", "");
		if (ch)
			fmt(ch->why, sizeof(ch->why), "add nokaslr so "
			    "that every boot kernel puts its Xen pages where "
			    "the image expects them");
	}
	if (setup_xl_extra(x->probe->cmdline_raw, add, repl, xl,
	    sizeof(xl)) < 0) {
		log_error("cannot build the command line for dom0 from '%s'",
		    x->probe->cmdline_raw);
		return EXIT_SYSTEM;
	}
	q = strchr(xl, '"') ? '\'' : '"';
	code = x->nch || x->blocked ? EXIT_BLOCKED : EXIT_OK;
	if (x->o->json) {
		report_json(x, "dom0", xl, code);
	} else {
		fprintf(x->out, "%s.\n", why);
		if (!x->nch) {
			fprintf(x->out, "The command line dom0 gives this "
			    "guest needs no change.\n");
			report_msgs(x);
		} else {
			fprintf(x->out, "Changes dom0 must make (this guest "
			    "cannot):\n");
			for (i = 0; i < x->nch; i++)
				fprintf(x->out, "  * %s.\n", x->ch[i].why);
			report_msgs(x);
			fprintf(x->out, "In dom0, set in this domain's xl "
			    "configuration:\n  extra=%c%s%c\n(or the same "
			    "string in cmdline=, if the configuration uses "
			    "it: xl then ignores root= and extra=), then shut "
			    "the domain down and start it with `xl create`.\n",
			    q, xl, q);
		}
	}
	return code;
}

/* --- entry points ------------------------------------------------------- */

static bool
is_real_root(const char *root)
{
	char *rp;
	bool r;

	if (!root || !*root || streq(root, "/"))
		return true;
	rp = realpath(root, NULL);
	r = rp && streq(rp, "/");
	free(rp);
	return r;
}

static int
load_state(struct ctx *x, struct state_entry **esp, size_t *np)
{
	struct state_entry *es = NULL;
	char *text = NULL, *line, *nl;
	size_t len, n = 0, lineno = 0;
	struct stat st;
	int r;

	*esp = NULL;
	*np = 0;
	r = slurp(x->root, SETUP_STATE_PATH, &text, &len, &st);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return log_error_errno(r, "cannot read %s: %m",
		    SETUP_STATE_PATH);
	es = calloc(MAX_CHANGES * 4, sizeof(*es));
	if (!es) {
		free(text);
		return log_error_errno(-ENOMEM, "%m");
	}
	for (line = text; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lineno++;
		if (!line[0] || line[0] == '#')
			continue;
		if (n >= MAX_CHANGES * 4 || state_parse_line(line,
		    &es[n]) < 0) {
			log_warning("%s:%zu: ignoring a line setup did not "
			    "write", SETUP_STATE_PATH, lineno);
			continue;
		}
		n++;
	}
	free(text);
	*esp = es;
	*np = n;
	return 1;
}

/* Load the files the state names besides GRUB's (drop-ins since gone are
 * reported by plan_undo()). */
static int
run_undo(struct ctx *x)
{
	struct state_entry *es = NULL;
	size_t n;
	int r, code;

	r = load_state(x, &es, &n);
	if (r < 0)
		return EXIT_SYSTEM;
	r = load_grub(x);
	if (r < 0) {
		free(es);
		return r == -EINVAL || r == -E2BIG ? EXIT_BLOCKED : EXIT_SYSTEM;
	}
	if (!es) {
		if (x->o->json)
			report_json(x, x->grub ? "grub" : "none", NULL,
			    EXIT_OK);
		else
			fprintf(x->out, "Nothing to undo: %s does not exist "
			    "(setup made no changes here).\n",
			    SETUP_STATE_PATH);
		return EXIT_OK;
	}
	code = plan_undo(x, es, n);
	free(es);
	if (code != EXIT_OK || x->failed)
		return code != EXIT_OK ? code : EXIT_SYSTEM;
	if (!x->o->dry_run) {
		if (commit(x) < 0)
			code = EXIT_SYSTEM;
		else if (x->nch)
			run_update(x);
		if (code == EXIT_OK && x->update_cmd[0] &&
		    x->update_status != 0)
			code = EXIT_SYSTEM;
	}
	if (x->o->json) {
		report_json(x, x->grub ? "grub" : "none", NULL, code);
	} else {
		report_text(x);
		report_commit(x);
	}
	return code;
}

static int
run_setup(struct ctx *x)
{
	int code, r;

	x->probe = calloc(1, sizeof(*x->probe));
	if (!x->probe)
		return log_error_errno(-ENOMEM, "%m"), EXIT_SYSTEM;
	r = probe_run(x->root, (int64_t)time(NULL), x->probe);
	if (r < 0) {
		log_error_errno(r, "cannot probe %s: %m", x->root);
		return EXIT_SYSTEM;
	}
	if (!x->probe->is_xen) {
		if (x->o->json) {
			struct json j;

			json_init(&j, x->out, true);
			json_begin_object(&j, NULL);
			json_bool(&j, "xen", false);
			json_string(&j, "error", "not a Xen guest");
			json_end_object(&j);
			json_finish(&j);
		}
		log_error("%s is not a Xen guest (no /sys/hypervisor/type = "
		    "xen): nothing to set up", x->real_root ? "this system" :
		    x->root);
		return EXIT_NOT_XEN;
	}
	if (x->probe->rec.guest_type == GUEST_PV) {
		msg_add(x, true, "this is a PV guest: Linux cannot hibernate "
		    "PV guests on Xen (the kernel oopses while creating the "
		    "image), so setup changes nothing; run it as a PVH or HVM "
		    "guest");
		if (x->o->json)
			report_json(x, "none", NULL, EXIT_BLOCKED);
		else
			report_msgs(x);
		return EXIT_BLOCKED;
	}
	r = load_grub(x);
	if (r < 0)
		return r == -EINVAL || r == -E2BIG ? EXIT_BLOCKED : EXIT_SYSTEM;
	notes_other(x);
	if (!x->grub)
		return no_grub(x, "This guest has no GRUB configuration ("
		    SETUP_GRUB_PATH " is missing): its kernel and command "
		    "line come from dom0 (kernel= and extra= in the domain's "
		    "xl configuration), and the guest cannot change them");
	if (!x->o->grub && !cmdline_has(&x->probe->cmdline, "BOOT_IMAGE"))
		return no_grub(x, "The running kernel was not started by GRUB "
		    "(no BOOT_IMAGE= on /proc/cmdline): dom0 gives this guest "
		    "its kernel and command line, so editing "
		    SETUP_GRUB_PATH " would change nothing. If dom0 boots it "
		    "through pygrub, which reads the guest's grub.cfg, rerun "
		    "with --grub");

	code = plan_install(x);
	if (code == EXIT_SYSTEM || x->failed) {
		if (x->o->json)
			report_json(x, "grub", NULL, code);
		else
			report_msgs(x);
		return code;
	}
	if (!x->o->dry_run && x->nch) {
		if (commit(x) < 0)
			code = EXIT_SYSTEM;
		else
			run_update(x);
		if (code == EXIT_OK && x->update_cmd[0] &&
		    x->update_status != 0)
			code = EXIT_SYSTEM;
	}
	if (code == EXIT_OK && x->blocked)
		code = EXIT_BLOCKED;
	if (x->o->json) {
		report_json(x, "grub", NULL, code);
	} else {
		report_text(x);
		report_commit(x);
	}
	return code;
}

int
setup_run(const struct setup_opts *opts, FILE *out)
{
	struct ctx *x;
	int code;

	x = calloc(1, sizeof(*x));
	if (!x)
		return log_error_errno(-ENOMEM, "%m"), EXIT_SYSTEM;
	x->o = opts;
	x->root = opts->root && *opts->root ? opts->root : "/";
	x->real_root = is_real_root(x->root);
	x->out = out;
	x->update_status = -1;
	x->scratch = malloc(sizeof(*x->scratch));
	x->eff = malloc(sizeof(*x->eff));
	if (!x->scratch || !x->eff) {
		code = EXIT_SYSTEM;
		log_error_errno(-ENOMEM, "%m");
		goto out;
	}
	code = opts->undo ? run_undo(x) : run_setup(x);
	fflush(out);
out:
	files_free(x);
	free(x->probe);
	free(x->scratch);
	free(x->eff);
	free(x);
	return code;
}

static void
help(void)
{
	printf("Usage: xen-handover setup [OPTIONS]\n"
	    "\n"
	    "Rewrite GRUB's defaults so the initramfs gate owns the resume "
	    "step\n(resume= becomes xen_handover.resume=) and pin the next "
	    "boot kernel's\nXen knobs to this kernel's (xen.fifo_events=, "
	    "grant_table.version=,\nnokaslr). Prints a diff and one sentence "
	    "per change.\n"
	    "\n"
	    "Options:\n"
	    "  -r, --root DIR      work on the system under DIR (default /); "
	    "never\n"
	    "                      runs update-grub unless DIR is /\n"
	    "  -n, --dry-run       show what would change, write nothing\n"
	    "      --undo          revert exactly what setup changed\n"
	    "      --force         replace knob values that conflict with "
	    "this kernel\n"
	    "      --no-update     do not run update-grub\n"
	    "      --grub          edit GRUB although this kernel was not "
	    "started by it\n"
	    "                      (dom0 boots the guest through pygrub)\n"
	    "  -j, --json          machine-readable output\n"
	    "  -v, --verbose       debug messages\n"
	    "  -h, --help          this help\n"
	    "\n"
	    "Exit codes: 0 done or nothing to change, 1 something is left "
	    "for the\noperator (see the messages), 2 usage, 3 not a Xen "
	    "guest, 4 system error.\n");
}

int
setup_main(int argc, char **argv)
{
	enum {
		ARG_UNDO = 0x100,
		ARG_FORCE,
		ARG_NO_UPDATE,
		ARG_GRUB,
	};
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "undo", no_argument, NULL, ARG_UNDO },
		{ "force", no_argument, NULL, ARG_FORCE },
		{ "no-update", no_argument, NULL, ARG_NO_UPDATE },
		{ "grub", no_argument, NULL, ARG_GRUB },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct setup_opts o = { .root = "/" };
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:njvh", options, NULL)) >= 0) {
		switch (c) {
		case 'r':
			o.root = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case ARG_UNDO:
			o.undo = true;
			break;
		case ARG_FORCE:
			o.force = true;
			break;
		case ARG_NO_UPDATE:
			o.no_update = true;
			break;
		case ARG_GRUB:
			o.grub = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'v':
			log_set_max_level(LOG_DEBUG);
			break;
		case 'h':
			help();
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("setup: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (o.undo && o.force) {
		log_error("setup: --undo and --force do not go together");
		return EXIT_USAGE;
	}
	return setup_run(&o, stdout);
}
