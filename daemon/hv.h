/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hypervisor seam of the dom0 companion: what dom0 learns about the
 * host and its domains from Xen itself (xen.md 7.1), never from a guest.
 * hv-xenctrl.c implements it over libxenctrl (xc_domain_getinfolist,
 * xc_gnttab_get_version, xc_version, xc_physinfo); hv-fixture.c replaces
 * the hypervisor with a text file for tests and demos (its format is in
 * that file and in xen-handover-dom0d(8)). Implementations log nothing.
 */
#ifndef XH_HV_H
#define XH_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

#define HV_DOMID_LIMIT 0x7FF0u	/* DOMID_FIRST_RESERVED: domains are below */

/* public/sched.h SHUTDOWN_* codes, as XEN_DOMINF_shutdown carries them. */
enum hv_shutdown {
	HV_SHUTDOWN_POWEROFF = 0,
	HV_SHUTDOWN_REBOOT = 1,
	HV_SHUTDOWN_SUSPEND = 2,
	HV_SHUTDOWN_CRASH = 3,
	HV_SHUTDOWN_WATCHDOG = 4,
	HV_SHUTDOWN_SOFT_RESET = 5,
	_HV_SHUTDOWN_MAX,
};

/* hv_domain.flags (XEN_DOMINF_* as far as dom0d uses them). */
#define HV_DOM_DYING (1u << 0)
#define HV_DOM_SHUTDOWN (1u << 1)	/* shutdown_reason is valid */
#define HV_DOM_PAUSED (1u << 2)
#define HV_DOM_RUNNING (1u << 3)
#define HV_DOM_HVM (1u << 4)	/* an HVM container: HVM or PVH */

struct hv_domain {
	uint32_t domid;
	uint8_t uuid[16];	/* the handle (xen_domain_handle_t) */
	uint32_t flags;		/* HV_DOM_* */
	unsigned int shutdown_reason;	/* enum hv_shutdown, with SHUTDOWN */
	unsigned int max_vcpus;	/* max_vcpu_id + 1; 0 when it has none */
	unsigned int online_vcpus;
	uint64_t tot_pages;	/* 4 KiB pages allocated now */
	uint64_t max_pages;	/* the domain's memory limit (maxmem) */
	enum guest_type type;	/* GUEST_UNKNOWN when dom0 cannot tell */
};

/* XEN_SYSCTL_PHYSCAP_* bits dom0d looks at. */
#define HV_PHYSCAP_HVM (1u << 0)
#define HV_PHYSCAP_PV (1u << 1)
#define HV_PHYSCAP_GNTTAB_V1 (1u << 8)	/* Xen 4.16+ reports these two */
#define HV_PHYSCAP_GNTTAB_V2 (1u << 9)

struct hv_host {
	unsigned int xen_major, xen_minor;
	char xen_extra[RECORD_XEN_EXTRA_MAX + 1];	/* ".3", "-rc", "" */
	/*
	 * XENVER_get_features submap 0 as the calling domain (dom0) sees
	 * it. Most bits depend on the caller's type; dom0d compares only
	 * the host-wide ones (HV_FEATURES_HOST_MASK).
	 */
	bool has_features;
	uint32_t features;
	uint32_t physcaps;	/* HV_PHYSCAP_* */
	uint64_t total_pages, free_pages;
	unsigned int nr_cpus;
};

/*
 * XENFEAT bits Xen sets for every domain on a host whatever its type or
 * privilege (xen/common/kernel.c XENVER_get_features): 13
 * memory_op_vnode_supported, 14 ARM_SMCCC_supported (Arm), 18
 * runstate_phys_area, 19 vcpu_time_phys_area (x86). What dom0 reads of
 * them holds for a domU too; every other bit may differ by guest type.
 */
#define HV_FEATURES_HOST_MASK \
	((1u << 13) | (1u << 14) | (1u << 18) | (1u << 19))

struct hv;

struct hv_ops {
	const char *name;
	int (*host)(struct hv *hv, struct hv_host *ret);
	/*
	 * Domains with domid >= first, ascending, at most max: the count
	 * (fewer than max: no more), or -errno.
	 */
	int (*list)(struct hv *hv, uint32_t first, struct hv_domain *out,
	    size_t max);
	/*
	 * The domain's grant-table version: 1 or 2; 0 before the guest set
	 * its table up (Xen < 4.12 only); -ESRCH no such domain, -errno.
	 */
	int (*gnttab_version)(struct hv *hv, uint32_t domid);
	/* Re-read whatever backs the seam (the fixture); 0 or -errno. */
	int (*reload)(struct hv *hv);
	void (*free)(struct hv *hv);
};

struct hv {
	const struct hv_ops *ops;
};

/* libxenctrl (/dev/xen/privcmd): -errno when it cannot be opened. */
int hv_xenctrl_open(struct hv **ret);

/*
 * The test double: a fixture file, re-read whenever it changed (its
 * inode, size or modification time) and on hv_reload(). -errno when it
 * cannot be read or parsed (the error names the line in err).
 */
int hv_fixture_open(const char *path, struct hv **ret, char *err,
    size_t errsz);

void hv_free(struct hv *hv);

static inline int
hv_host(struct hv *hv, struct hv_host *ret)
{
	return hv->ops->host(hv, ret);
}

static inline int
hv_gnttab_version(struct hv *hv, uint32_t domid)
{
	return hv->ops->gnttab_version(hv, domid);
}

static inline int
hv_reload(struct hv *hv)
{
	return hv->ops->reload ? hv->ops->reload(hv) : 0;
}

/*
 * Every domain (at most max), ascending domid, in one malloc()ed array.
 * Returns the count or -errno.
 */
int hv_list_all(struct hv *hv, size_t max, struct hv_domain **ret);

/* One domain by id: 0, -ESRCH when absent, -errno. */
int hv_domain_get(struct hv *hv, uint32_t domid, struct hv_domain *ret);

/*
 * Guest type from getdomaininfo (x86): no HVM container: PV; an HVM
 * container that emulates nothing beyond the local APIC: PVH (libxl sets
 * XEN_X86_EMU_LAPIC for PVH, the full set for HVM); otherwise HVM.
 */
enum guest_type hv_guest_type(bool hvm_container, uint32_t emulation_flags);

/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset". */
const char *hv_shutdown_to_string(unsigned int reason);
int hv_shutdown_from_string(const char *s);	/* -EINVAL if bad */

#endif
