// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hypervisor seam over libxenctrl (xen.md 7.1). Built against the
 * host's own libxenctrl: the domctl/sysctl ABI is not stable across Xen
 * releases. Uses only calls present from Xen 4.17 on:
 * xc_domain_getinfolist() (xc_domaininfo_t = xen_domctl_getdomaininfo_t),
 * xc_gnttab_get_version(), xc_version() and xc_physinfo(). libxenctrl's
 * own messages go to a logger that drops them: this seam logs nothing,
 * its callers log the -errno it returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>

#include "hv.h"
#include "util.h"

#define GETINFO_CHUNK 64

struct hv_xc {
	struct hv hv;
	xc_interface *xch;
	xentoollog_logger quiet;
	xc_domaininfo_t info[GETINFO_CHUNK];
};

static int xc_host(struct hv *hv, struct hv_host *ret);
static int xc_list(struct hv *hv, uint32_t first, struct hv_domain *out,
    size_t max);
static int xc_gnttab(struct hv *hv, uint32_t domid);
static void xc_free(struct hv *hv);

static const struct hv_ops xc_ops = {
	.name = "xenctrl",
	.host = xc_host,
	.list = xc_list,
	.gnttab_version = xc_gnttab,
	.reload = NULL,
	.free = xc_free,
};

static void __attribute__((format(printf, 5, 0)))
quiet_vmessage(struct xentoollog_logger *logger, xentoollog_level level,
    int errnoval, const char *context, const char *format, va_list al)
{
	(void)logger;
	(void)level;
	(void)errnoval;
	(void)context;
	(void)format;
	(void)al;
}

static void
quiet_destroy(struct xentoollog_logger *logger)
{
	(void)logger;
}

static struct hv_xc *
to_xc(struct hv *hv)
{
	return (struct hv_xc *)hv;
}

static int
neg_errno(void)
{
	return errno ? -errno : -EIO;
}

static int
xc_host(struct hv *hv, struct hv_host *ret)
{
	struct hv_xc *x = to_xc(hv);
	struct hv_host h;
	xen_extraversion_t extra;
	xen_feature_info_t fi = { .submap_idx = 0 };
	xc_physinfo_t pi;
	int v;

	memset(&h, 0, sizeof(h));
	errno = 0;
	v = xc_version(x->xch, XENVER_version, NULL);
	if (v < 0)
		return neg_errno();
	h.xen_major = (unsigned int)v >> 16;
	h.xen_minor = (unsigned int)v & 0xffff;
	memset(extra, 0, sizeof(extra));
	if (xc_version(x->xch, XENVER_extraversion, &extra) == 0) {
		size_t i, len = strnlen(extra, sizeof(extra));

		/* Keep only what a record can carry: printable, bounded. */
		for (i = 0; i < len && i < RECORD_XEN_EXTRA_MAX; i++)
			h.xen_extra[i] = extra[i] >= 0x20 && extra[i] < 0x7f ?
			    extra[i] : '?';
		h.xen_extra[i] = '\0';
	}
	if (xc_version(x->xch, XENVER_get_features, &fi) == 0) {
		h.has_features = true;
		h.features = fi.submap;
	}
	memset(&pi, 0, sizeof(pi));
	if (xc_physinfo(x->xch, &pi) == 0) {
		h.physcaps = pi.capabilities;
		h.total_pages = pi.total_pages;
		h.free_pages = pi.free_pages;
		h.nr_cpus = pi.nr_cpus;
	}
	*ret = h;
	return 0;
}

static void
from_info(const xc_domaininfo_t *i, struct hv_domain *d)
{
	uint32_t emu = 0;

	memset(d, 0, sizeof(*d));
	d->domid = i->domain;
	memcpy(d->uuid, i->handle, sizeof(d->uuid));
	if (i->flags & XEN_DOMINF_dying)
		d->flags |= HV_DOM_DYING;
	if (i->flags & XEN_DOMINF_shutdown) {
		d->flags |= HV_DOM_SHUTDOWN;
		d->shutdown_reason = (i->flags >> XEN_DOMINF_shutdownshift) &
		    XEN_DOMINF_shutdownmask;
	}
	if (i->flags & XEN_DOMINF_paused)
		d->flags |= HV_DOM_PAUSED;
	if (i->flags & XEN_DOMINF_running)
		d->flags |= HV_DOM_RUNNING;
	if (i->flags & XEN_DOMINF_hvm_guest)
		d->flags |= HV_DOM_HVM;
	d->max_vcpus = i->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ? 0 :
	    i->max_vcpu_id + 1;
	d->online_vcpus = i->nr_online_vcpus;
	d->tot_pages = i->tot_pages;
	d->max_pages = i->max_pages;
#if defined(__i386__) || defined(__x86_64__)
	emu = i->arch_config.emulation_flags;
	d->type = hv_guest_type(i->flags & XEN_DOMINF_hvm_guest, emu);
#else
	(void)emu;
	d->type = GUEST_UNKNOWN;	/* Arm: no PV/PVH/HVM split */
#endif
}

static int
xc_list(struct hv *hv, uint32_t first, struct hv_domain *out, size_t max)
{
	struct hv_xc *x = to_xc(hv);
	size_t n = 0;

	while (n < max && first < HV_DOMID_LIMIT) {
		unsigned int want = (unsigned int)(max - n < GETINFO_CHUNK ?
		    max - n : GETINFO_CHUNK);
		int r, i;

		errno = 0;
		r = xc_domain_getinfolist(x->xch, first, want, x->info);
		if (r < 0)
			return neg_errno();
		if ((unsigned int)r > want)
			return -EIO;
		for (i = 0; i < r; i++) {
			if (x->info[i].domain < first ||
			    x->info[i].domain >= HV_DOMID_LIMIT)
				return (int)n;	/* no domain ids past that */
			from_info(&x->info[i], &out[n++]);
			first = x->info[i].domain + 1u;
		}
		if ((unsigned int)r < want)
			break;
	}
	return (int)n;
}

static int
xc_gnttab(struct hv *hv, uint32_t domid)
{
	int r;

	errno = 0;
	r = xc_gnttab_get_version(to_xc(hv)->xch, domid);
	if (r < 0)
		return neg_errno();
	return r;
}

static void
xc_free(struct hv *hv)
{
	struct hv_xc *x = to_xc(hv);

	if (x->xch)
		xc_interface_close(x->xch);
	free(x);
}

int
hv_xenctrl_open(struct hv **ret)
{
	struct hv_xc *x;

	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->hv.ops = &xc_ops;
	x->quiet.vmessage = quiet_vmessage;
	x->quiet.destroy = quiet_destroy;
	errno = 0;
	x->xch = xc_interface_open(&x->quiet, &x->quiet, 0);
	if (!x->xch) {
		int e = errno ? errno : ENODEV;

		free(x);
		return -e;
	}
	*ret = &x->hv;
	return 0;
}
