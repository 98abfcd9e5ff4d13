// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every implementation of the hypervisor seam (daemon/hv.h) shares:
 * listing all domains in chunks, one domain by id, the guest type rule
 * and the shutdown code names. Logs nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv.h"
#include "util.h"

#define LIST_CHUNK 256

/* XEN_X86_EMU_LAPIC: all a PVH domain emulates (libxl_x86.c). */
#define EMU_LAPIC (1u << 0)

static const char *const shutdown_names[_HV_SHUTDOWN_MAX] = {
	[HV_SHUTDOWN_POWEROFF] = "poweroff",
	[HV_SHUTDOWN_REBOOT] = "reboot",
	[HV_SHUTDOWN_SUSPEND] = "suspend",
	[HV_SHUTDOWN_CRASH] = "crash",
	[HV_SHUTDOWN_WATCHDOG] = "watchdog",
	[HV_SHUTDOWN_SOFT_RESET] = "soft_reset",
};

void
hv_free(struct hv *hv)
{
	if (hv)
		hv->ops->free(hv);
}

int
hv_list_all(struct hv *hv, size_t max, struct hv_domain **ret)
{
	struct hv_domain *all = NULL, *grown;
	size_t n = 0, cap = 0;
	uint32_t first = 0;

	for (;;) {
		size_t want = LIST_CHUNK;
		int r;

		if (n + want > cap) {
			cap = cap ? cap * 2 : LIST_CHUNK;
			while (n + want > cap)
				cap *= 2;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				free(all);
				return -ENOMEM;
			}
			all = grown;
		}
		r = hv->ops->list(hv, first, all + n, want);
		if (r < 0) {
			free(all);
			return r;
		}
		if ((size_t)r > want) {
			free(all);
			return -EIO;
		}
		n += (size_t)r;
		if ((size_t)r < want || n >= max)
			break;
		first = all[n - 1].domid + 1;
		if (first >= HV_DOMID_LIMIT)
			break;
	}
	if (n > max)
		n = max;
	*ret = all;
	return (int)n;
}

int
hv_domain_get(struct hv *hv, uint32_t domid, struct hv_domain *ret)
{
	struct hv_domain d;
	int r;

	if (domid >= HV_DOMID_LIMIT)
		return -ESRCH;
	r = hv->ops->list(hv, domid, &d, 1);
	if (r < 0)
		return r;
	if (r == 0 || d.domid != domid)
		return -ESRCH;
	*ret = d;
	return 0;
}

enum guest_type
hv_guest_type(bool hvm_container, uint32_t emulation_flags)
{
	if (!hvm_container)
		return GUEST_PV;
	if ((emulation_flags & ~EMU_LAPIC) == 0)
		return GUEST_PVH;
	return GUEST_HVM;
}

const char *
hv_shutdown_to_string(unsigned int reason)
{
	if (reason >= _HV_SHUTDOWN_MAX)
		return NULL;
	return shutdown_names[reason];
}

int
hv_shutdown_from_string(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(shutdown_names); i++)
		if (streq(s, shutdown_names[i]))
			return (int)i;
	return -EINVAL;
}
