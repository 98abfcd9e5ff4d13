// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The dom0 companion's xenstore side (proto/XENSTORE.md sections 3, 4.1
 * and 9): read a guest's report by its known names only, bounded and in
 * one transaction, and publish the verdict in a dom0-owned directory the
 * guest may read but not write. Paths are built from the domid the
 * hypervisor reported, never from anything a guest wrote. Logs nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dom0d-io.h"
#include "util.h"

#define TX_TRIES 3

/* Optional nodes a publication may leave out and must then remove. */
static const char *const host_optional[] = {
	"soft-reset", "record-seq", "reason", "checked", "pending", "fields",
};

struct read_ctx {
	struct xsc *x;
	uint32_t tx;
	const char *dir;
	int err;		/* a transport error, 0 if none */
};

static int
get_node(void *userdata, const char *name, char *buf, size_t bufsz)
{
	struct read_ctx *c = userdata;
	char path[128];
	int r;

	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	r = xsc_read(c->x, c->tx, path, buf, bufsz);
	if (r < 0 && r != -ENOENT && r != -EFBIG)
		c->err = r;
	return r;
}

int
dom0d_xs_read_report(struct xsc *x, uint32_t domid, struct xs_nodes *scratch,
    struct guest_report *ret, const char **ret_node)
{
	struct read_ctx c = { .x = x };
	char dir[96];
	int tries, r = -EAGAIN;

	*ret_node = NULL;
	snprintf(dir, sizeof(dir), "/local/domain/%" PRIu32 "/%s", domid,
	    XSSCHEMA_GUEST_DIR);
	c.dir = dir;
	for (tries = 0; tries < TX_TRIES; tries++) {
		int e;

		r = xsc_tx_start(x, &c.tx);
		if (r < 0)
			return r;
		c.err = 0;
		r = dom0d_ingest_nodes(get_node, &c, scratch, ret, ret_node);
		if (c.err) {
			(void)xsc_tx_end(x, c.tx, true);
			return c.err;
		}
		/* Commit even a read: xenstored then says whether a write
		 * came in between (EAGAIN), and the read is done again. */
		e = xsc_tx_end(x, c.tx, false);
		if (e < 0)
			return e;
		if (e == 0)
			return r;
		r = -EAGAIN;
	}
	return r;
}

static int
publish_once(struct xsc *x, uint32_t tx, const char *dir, const char *perms,
    const struct xs_nodes *nodes)
{
	char path[160], buf[8];
	size_t i, k;
	int r;

	/* Only into a domain directory the toolstack built. */
	snprintf(path, sizeof(path), "%.*s", (int)(strrchr(dir, '/') - dir),
	    dir);
	r = xsc_read(x, tx, path, buf, sizeof(buf));
	if (r < 0 && r != -EFBIG)
		return r;
	r = xsc_write(x, tx, dir, "");
	if (r < 0)
		return r;
	if ((r = xsc_set_perms(x, tx, dir, perms)) < 0)
		return r;
	for (i = 0; i < nodes->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
		    nodes->node[i].name);
		if ((r = xsc_write(x, tx, path, nodes->node[i].value)) < 0)
			return r;
		if ((r = xsc_set_perms(x, tx, path, perms)) < 0)
			return r;
	}
	for (k = 0; k < ARRAY_SIZE(host_optional); k++) {
		bool there = false;

		for (i = 0; i < nodes->n; i++)
			if (streq(nodes->node[i].name, host_optional[k]))
				there = true;
		if (there)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, host_optional[k]);
		r = xsc_rm(x, tx, path);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int
add_ext(struct xs_nodes *nodes, const char *name, const char *value)
{
	int r = xsschema_add_node(nodes, name, value, strlen(value));

	return r < 0 ? r : 0;
}

int
dom0d_xs_publish(struct xsc *x, uint32_t self, uint32_t domid,
    const struct host_verdict *v, const struct dom0d_ext *ext,
    struct xs_nodes *scratch)
{
	char dir[96], perms[48], num[24];
	int tries, r;

	r = xsschema_host_nodes(v, scratch);
	if (r < 0)
		return r;
	if (ext && ext->checked > 0) {
		snprintf(num, sizeof(num), "%" PRId64, ext->checked);
		if ((r = add_ext(scratch, "checked", num)) < 0)
			return r;
	}
	if (ext && ext->pending && ext->pending[0] &&
	    (r = add_ext(scratch, "pending", ext->pending)) < 0)
		return r;
	if (ext && ext->fields && ext->fields[0] &&
	    (r = add_ext(scratch, "fields", ext->fields)) < 0)
		return r;
	snprintf(dir, sizeof(dir), "/local/domain/%" PRIu32 "/%s", domid,
	    XSSCHEMA_HOST_DIR);
	snprintf(perms, sizeof(perms), "n%" PRIu32 " r%" PRIu32, self, domid);
	for (tries = 0; tries < TX_TRIES; tries++) {
		uint32_t tx;
		int e;

		r = xsc_tx_start(x, &tx);
		if (r < 0)
			return r;
		r = publish_once(x, tx, dir, perms, scratch);
		e = xsc_tx_end(x, tx, r < 0);
		if (r < 0)
			return r;
		if (e < 0)
			return e;
		if (e == 0)
			return 0;
	}
	return -EAGAIN;
}

int
dom0d_xs_published(struct xsc *x, uint32_t domid, const struct host_verdict *v)
{
	char path[128], buf[32], want[24];
	int r;

	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/%s/verdict",
	    domid, XSSCHEMA_HOST_DIR);
	r = xsc_read(x, XS_NO_TX, path, buf, sizeof(buf));
	if (r == -ENOENT || r == -EFBIG)
		return 0;
	if (r < 0)
		return r;
	if (!streq(buf, host_verdict_to_string(v->verdict)))
		return 0;
	if (v->verdict == HOST_VERDICT_UNKNOWN)
		return 1;
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32
	    "/%s/record-seq", domid, XSSCHEMA_HOST_DIR);
	r = xsc_read(x, XS_NO_TX, path, buf, sizeof(buf));
	if (r == -ENOENT || r == -EFBIG)
		return 0;
	if (r < 0)
		return r;
	snprintf(want, sizeof(want), "%" PRIu64, v->record_seq);
	return streq(buf, want);
}

int
dom0d_xs_read_name(struct xsc *x, uint32_t domid, char *buf, size_t bufsz)
{
	char path[64], value[DOM0D_NAME_MAX + 1];
	int r;

	if (bufsz)
		buf[0] = '\0';
	snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/name", domid);
	r = xsc_read(x, XS_NO_TX, path, value, sizeof(value));
	if (r == -ENOENT)
		return 0;
	if (r == -EFBIG) {
		r = 0;	/* over-long: keep nothing rather than a part */
		return 0;
	}
	if (r < 0)
		return r;
	dom0d_sanitize_name(value, (size_t)r, buf, bufsz);
	return 0;
}
