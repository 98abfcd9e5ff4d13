// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The verdict engine. verdict_compare() lists how the boot kernel differs
 * from what the hibernation image expects; verdict_decide() turns that
 * list, the policy and what this boot can do into proceed / repair /
 * refuse / force. Pure: no I/O, no logging, no clock.
 *
 * References: linux.md (kernel facts: what the image inherits from the
 * boot kernel, §0, §2.3, §10; the resume path, §5.2; kexec and soft
 * reset, §6), lab.md §10 (what real Xen did with each mismatch).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "util.h"
#include "cmdline.h"
#include "verdict.h"

/*
 * The rules: one row per (field, case). Each row says how bad the case
 * is, whether a kexec soft reset into the image's kernel with the image's
 * Xen knobs on the command line makes the boot side match ("fixable"),
 * and one sentence the user can act on ("{}" takes a specific value).
 * The comment on each group says why.
 */
enum rule_id {
	R_GUEST_DIFFER,
	R_GUEST_UNKNOWN,
	R_EVTCHN_DIFFER,
	R_EVTCHN_NO_FIFO,
	R_EVTCHN_UNKNOWN,
	R_EVTCHN_KNOB,
	R_GNTTAB_DIFFER,
	R_GNTTAB_NO_V2,
	R_GNTTAB_UNKNOWN,
	R_GNTTAB_KNOB,
	R_KASLR_IMAGE_ON,
	R_KASLR_BOOT_ON,
	R_KASLR_UNKNOWN,
	R_BUILD_ID_DIFFER,
	R_BUILD_ID_UNKNOWN,
	R_RELEASE_DIFFER,
	R_RELEASE_ALSO,
	R_RELEASE_UNKNOWN,
	R_CMDLINE_DIFFER_FULL,
	R_CMDLINE_DIFFER_DIGEST,
	R_CMDLINE_UNKNOWN,
	R_VCPUS_DIFFER,
	R_VCPUS_UNKNOWN,
	R_RAM_DIFFER,
	R_RAM_UNKNOWN,
	R_MEMMAP_DIFFER,
	R_MEMMAP_UNKNOWN,
	R_XEN_VERSION_DIFFER,
	R_XEN_VERSION_UNKNOWN,
	R_FEATURES_LOST,
	R_FEATURES_GAINED,
	R_FEATURES_UNKNOWN,
	R_UUID_DIFFER,
	R_UUID_UNKNOWN,
	R_SWAP_DIFFER,
	R_SWAP_UNKNOWN,
	_R_MAX,
};

struct rule {
	enum field field;
	enum severity severity;
	bool fixable;
	const char *detail;
};

static const struct rule rules[_R_MAX] = {
	/*
	 * Guest type: PV, PVH and HVM enter the kernel differently, use
	 * different paging and event delivery; nothing inside the guest can
	 * change its type, so no kexec fixes it.
	 */
	[R_GUEST_DIFFER] = { FIELD_GUEST_TYPE, SEV_CRITICAL, false,
	    "The guest type changed; recreate the domain with the image's "
	    "type (type= in its config) to resume it." },
	[R_GUEST_UNKNOWN] = { FIELD_GUEST_TYPE, SEV_WARN, false,
	    "Cannot verify the guest type: it was not recorded or "
	    "/sys/hypervisor/guest_type was unreadable." },
	/*
	 * Event-channel ABI: the image keeps its own evtchn ops and never
	 * re-initialises them; with the other ABI active in Xen it loses
	 * every event or corrupts memory (linux.md §2.3; lab.md §10: both
	 * directions hang). A soft reset returns Xen to 2-level and the
	 * kexec'd kernel picks the ABI again: fixable with xen.fifo_events=0
	 * for a 2-level image, without it (or =1) for a FIFO image (§6.2).
	 * Except when this Xen cannot do FIFO (< 4.4, or version unknown
	 * while the kernel fell back to 2-level without being asked: the
	 * kernel's only other reason for 2-level, §0.1): no kernel can make
	 * a FIFO image's Xen state here.
	 */
	[R_EVTCHN_DIFFER] = { FIELD_EVTCHN, SEV_CRITICAL, true,
	    "Event-channel ABI differs: events would be lost or memory "
	    "corrupted; boot with {} to match the image." },
	[R_EVTCHN_NO_FIFO] = { FIELD_EVTCHN, SEV_CRITICAL, false,
	    "The image uses FIFO event channels but this Xen ({}) gave the "
	    "kernel 2-level ones: resume on a host with Xen 4.4 or later." },
	[R_EVTCHN_UNKNOWN] = { FIELD_EVTCHN, SEV_WARN, false,
	    "Cannot verify the event-channel ABI (no 'xen:events: Using' "
	    "log line on one side); a mismatch hangs the resumed guest." },
	/* Same ABI, different knob: nothing differs in Xen today. */
	[R_EVTCHN_KNOB] = { FIELD_EVTCHN, SEV_INFO, true,
	    "xen.fifo_events differs but both kernels use the same ABI: "
	    "harmless now; pin it so a Xen upgrade cannot change it." },
	/*
	 * Grant-table version: the image reads and writes grant entries in
	 * its own layout; the other layout makes Xen misread every grant.
	 * Soft reset does not reset the version (§6.2), but the kexec'd
	 * kernel's GNTTABOP_set_version succeeds once no grants are in use,
	 * i.e. after the toolstack tore down the backends (INFERENCE from
	 * Xen's rule, §3.2): fixable with grant_table.version=<image's>.
	 * Except when this kernel already asked for v2 and got v1: the
	 * domain's max_grant_version refuses v2 and a kexec cannot change it.
	 */
	[R_GNTTAB_DIFFER] = { FIELD_GNTTAB, SEV_CRITICAL, true,
	    "Grant-table version differs: Xen would misread every grant; "
	    "boot with grant_table.version={} to match the image." },
	[R_GNTTAB_NO_V2] = { FIELD_GNTTAB, SEV_CRITICAL, false,
	    "The image uses grant v2 but Xen gave v1 despite "
	    "grant_table.version=2: allow v2 (max_grant_version=2) in the "
	    "domain config." },
	[R_GNTTAB_UNKNOWN] = { FIELD_GNTTAB, SEV_WARN, false,
	    "Cannot verify the grant-table version (no 'Grant tables using "
	    "version' log line on one side)." },
	[R_GNTTAB_KNOB] = { FIELD_GNTTAB, SEV_INFO, true,
	    "grant_table.version differs but both kernels use the same "
	    "version: harmless now." },
	/*
	 * KASLR: the image's per-CPU vcpu_info (registered once, §10) and
	 * other Xen pages sit at randomised addresses no boot kernel can
	 * reproduce, so a randomised image is never safe (the Amazon series
	 * names KASLR as its known failure, §4.2). A randomised boot kernel
	 * with a non-randomised image is fixed by kexec with nokaslr.
	 */
	[R_KASLR_IMAGE_ON] = { FIELD_KASLR, SEV_CRITICAL, false,
	    "The image ran with KASLR: its Xen pages sit where no boot kernel "
	    "can put them; only policy force resumes it. Add nokaslr." },
	[R_KASLR_BOOT_ON] = { FIELD_KASLR, SEV_CRITICAL, true,
	    "This boot kernel is randomised (KASLR) and the image is not, so "
	    "its Xen pages moved; boot with nokaslr to match." },
	[R_KASLR_UNKNOWN] = { FIELD_KASLR, SEV_WARN, false,
	    "Cannot verify whether KASLR randomised one of the kernels; its "
	    "Xen pages may have moved." },
	/*
	 * Kernel identity: another build lays out its per-CPU data, FIFO
	 * control blocks and shared_info elsewhere (§2.3, §10). kexec of the
	 * image's kernel fixes it, if that kernel file is at hand (decide()
	 * checks caps->image_kernel). The release only counts when the
	 * build-ids cannot tell: with different build-ids it is just shown.
	 */
	[R_BUILD_ID_DIFFER] = { FIELD_BUILD_ID, SEV_CRITICAL, true,
	    "Another kernel build booted and its Xen pages lie elsewhere; "
	    "boot the image's kernel ({}) to resume." },
	[R_BUILD_ID_UNKNOWN] = { FIELD_BUILD_ID, SEV_WARN, false,
	    "Cannot verify the kernel build (no build-id on one side); "
	    "another build would put its Xen pages elsewhere." },
	[R_RELEASE_DIFFER] = { FIELD_KERNEL_RELEASE, SEV_CRITICAL, true,
	    "Another kernel release booted and its Xen pages lie elsewhere; "
	    "boot the image's kernel ({}) to resume." },
	[R_RELEASE_ALSO] = { FIELD_KERNEL_RELEASE, SEV_INFO, true,
	    "The kernel release differs along with the build-id." },
	[R_RELEASE_UNKNOWN] = { FIELD_KERNEL_RELEASE, SEV_WARN, false,
	    "Cannot verify the kernel release, and no build-id proves the "
	    "kernels are the same." },
	/*
	 * Command line: parameters that change the memory layout move Xen
	 * pages, but most parameters do not, and the knobs that matter are
	 * compared on their own (evtchn, gnttab, KASLR): a warning. Fixable
	 * only when the record carries the full command line for the kexec.
	 */
	[R_CMDLINE_DIFFER_FULL] = { FIELD_CMDLINE, SEV_WARN, true,
	    "The command line differs and layout parameters may move Xen "
	    "pages; a repair boots with the image's recorded command line." },
	[R_CMDLINE_DIFFER_DIGEST] = { FIELD_CMDLINE, SEV_WARN, false,
	    "The command line differs and layout parameters may move Xen "
	    "pages; boot with the command line the image ran with." },
	[R_CMDLINE_UNKNOWN] = { FIELD_CMDLINE, SEV_WARN, false,
	    "Cannot compare the command lines: a digest is missing on one "
	    "side." },
	/*
	 * vCPUs, memory size and memory map belong to the domain, not the
	 * kernel. lab.md §10: a vCPU change hangs the resumed guest; a
	 * memory change makes the kernel refuse the image after erasing its
	 * signature (linux.md §5.2, §9.2): the session is lost either way.
	 */
	[R_VCPUS_DIFFER] = { FIELD_VCPUS, SEV_CRITICAL, false,
	    "The vCPU count changed and the resumed guest would hang; restore "
	    "the domain's vcpus/maxvcpus config to the recorded value." },
	[R_VCPUS_UNKNOWN] = { FIELD_VCPUS, SEV_WARN, false,
	    "Cannot verify the vCPU count; a change hangs the resumed "
	    "guest." },
	[R_RAM_DIFFER] = { FIELD_RAM, SEV_CRITICAL, false,
	    "The memory size changed: the kernel would wipe the image's "
	    "signature, then refuse it; restore the domain's memory config to "
	    "the recorded value." },
	[R_RAM_UNKNOWN] = { FIELD_RAM, SEV_WARN, false,
	    "Cannot verify the memory size; a change makes the kernel "
	    "discard the image." },
	[R_MEMMAP_DIFFER] = { FIELD_MEMMAP, SEV_CRITICAL, false,
	    "The memory map changed: the kernel would wipe the image's "
	    "signature, then refuse it; restore the domain's memory config to "
	    "the recorded one." },
	[R_MEMMAP_UNKNOWN] = { FIELD_MEMMAP, SEV_WARN, false,
	    "Cannot verify the memory map (no digest on one side); a change "
	    "makes the kernel discard the image." },
	/*
	 * Xen version: by itself harmless; what a version change can break
	 * (FIFO availability, features) is compared on its own.
	 */
	[R_XEN_VERSION_DIFFER] = { FIELD_XEN_VERSION, SEV_INFO, false,
	    "Xen changed version; its features and event-channel support are "
	    "checked separately." },
	[R_XEN_VERSION_UNKNOWN] = { FIELD_XEN_VERSION, SEV_INFO, false,
	    "The Xen version is unknown on one side." },
	/*
	 * Xen features, bit by bit: the image kernel chose its code paths
	 * from the bits at its boot and never looks again; a bit gone now
	 * breaks it. New bits are ignored by the image.
	 */
	[R_FEATURES_LOST] = { FIELD_XEN_FEATURES, SEV_CRITICAL, false,
	    "Xen lacks features the image kernel uses ({}); resume on a host "
	    "that offers them." },
	[R_FEATURES_GAINED] = { FIELD_XEN_FEATURES, SEV_INFO, false,
	    "Xen offers new features ({}); the image kernel ignores them." },
	[R_FEATURES_UNKNOWN] = { FIELD_XEN_FEATURES, SEV_WARN, false,
	    "Cannot verify the Xen feature bits the image kernel relies on." },
	/*
	 * Domain UUID: xl makes a fresh UUID on every create unless the
	 * config pins uuid=, so a different UUID is common and proves
	 * little: a warning.
	 */
	[R_UUID_DIFFER] = { FIELD_DOMAIN_UUID, SEV_WARN, false,
	    "The domain UUID differs: common, xl makes a new one per create "
	    "unless the config pins uuid=; pin it to verify the domain." },
	[R_UUID_UNKNOWN] = { FIELD_DOMAIN_UUID, SEV_WARN, false,
	    "Cannot verify the domain UUID." },
	/* Swap identity: the record describes an image in another area. */
	[R_SWAP_DIFFER] = { FIELD_SWAP, SEV_CRITICAL, false,
	    "The record belongs to another swap area (different swap UUID); "
	    "resume from the swap area that holds this image." },
	[R_SWAP_UNKNOWN] = { FIELD_SWAP, SEV_WARN, false,
	    "Cannot verify that the record belongs to this swap area (no "
	    "swap UUID on one side)." },
};

/* XENFEAT_* bit names, xen/include/public/features.h (submap 0). */
static const char *const xenfeat_names[32] = {
	[0] = "writable_page_tables",
	[1] = "writable_descriptor_tables",
	[2] = "auto_translated_physmap",
	[3] = "supervisor_mode_kernel",
	[4] = "pae_pgdir_above_4gb",
	[5] = "mmu_pt_update_preserve_ad",
	[6] = "highmem_assist",
	[7] = "gnttab_map_avail_bits",
	[8] = "hvm_callback_vector",
	[9] = "hvm_safe_pvclock",
	[10] = "hvm_pirqs",
	[11] = "dom0",
	[12] = "grant_map_identity",	/* deprecated */
	[13] = "memory_op_vnode_supported",
	[14] = "ARM_SMCCC_supported",
	[15] = "linux_rsdp_unrestricted",
	[16] = "not_direct_mapped",
	[17] = "direct_mapped",
	[18] = "runstate_phys_area",
	[19] = "vcpu_time_phys_area",
	[20] = "dm_msix_all_writes",
};

static const char *const field_names[_FIELD_MAX] = {
	[FIELD_GUEST_TYPE] = "guest-type",
	[FIELD_EVTCHN] = "evtchn",
	[FIELD_GNTTAB] = "gnttab",
	[FIELD_KASLR] = "kaslr",
	[FIELD_BUILD_ID] = "build-id",
	[FIELD_KERNEL_RELEASE] = "kernel-release",
	[FIELD_CMDLINE] = "cmdline",
	[FIELD_VCPUS] = "vcpus",
	[FIELD_RAM] = "ram",
	[FIELD_MEMMAP] = "memmap",
	[FIELD_XEN_VERSION] = "xen-version",
	[FIELD_XEN_FEATURES] = "xen-features",
	[FIELD_DOMAIN_UUID] = "domain-uuid",
	[FIELD_SWAP] = "swap",
};

/* How reasons name each field. */
static const char *const field_labels[_FIELD_MAX] = {
	[FIELD_GUEST_TYPE] = "guest type",
	[FIELD_EVTCHN] = "event-channel ABI",
	[FIELD_GNTTAB] = "grant-table version",
	[FIELD_KASLR] = "KASLR",
	[FIELD_BUILD_ID] = "kernel build-id",
	[FIELD_KERNEL_RELEASE] = "kernel release",
	[FIELD_CMDLINE] = "kernel command line",
	[FIELD_VCPUS] = "vCPU count",
	[FIELD_RAM] = "memory size",
	[FIELD_MEMMAP] = "memory map",
	[FIELD_XEN_VERSION] = "Xen version",
	[FIELD_XEN_FEATURES] = "Xen features",
	[FIELD_DOMAIN_UUID] = "domain UUID",
	[FIELD_SWAP] = "swap area",
};

static const char *const severity_names[] = {
	[SEV_INFO] = "info",
	[SEV_WARN] = "warning",
	[SEV_CRITICAL] = "critical",
};

static const char *const verdict_names[_VERDICT_MAX] = {
	[VERDICT_PROCEED] = "proceed",
	[VERDICT_REPAIR] = "repair",
	[VERDICT_REFUSE] = "refuse",
	[VERDICT_FORCE] = "force",
};

static const char *const policy_names[_POLICY_MAX] = {
	[POLICY_AUTO] = "auto",
	[POLICY_STRICT] = "strict",
	[POLICY_REFUSE] = "refuse",
	[POLICY_FORCE] = "force",
};

static const char *const unknown_image_names[_UNKNOWN_IMAGE_MAX] = {
	[UNKNOWN_IMAGE_PROCEED] = "proceed",
	[UNKNOWN_IMAGE_REFUSE] = "refuse",
};

/* A bounded string builder that marks truncation with "...". */
struct sbuf {
	char *buf;
	size_t size;
	size_t len;
	bool truncated;
};

static void sb_init(struct sbuf *sb, char *buf, size_t size);
static void sb_printf(struct sbuf *sb, const char *fmt, ...) _printf_(2, 3);
static void fill_detail(char *out, size_t outsz, const char *tmpl,
    const char *extra);
static void emit(struct diff_list *out, enum rule_id id, const char *exp,
    const char *fnd, const char *extra);

static void
sb_init(struct sbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->size = size;
	sb->len = 0;
	sb->truncated = false;
	if (size > 0)
		buf[0] = '\0';
}

static void
sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (sb->size == 0) {
		sb->truncated = true;
		return;
	}
	room = sb->size - sb->len;	/* >= 1: len stays below size */
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n < room) {
		sb->len += (size_t)n;
		return;
	}
	/* Truncated: end with "..." so nobody mistakes it for whole. */
	sb->truncated = true;
	sb->len = sb->size - 1;
	if (sb->size > 4)
		memcpy(sb->buf + sb->size - 4, "...", 4);
}

/* Copy tmpl into out, replacing the first "{}" with extra. */
static void
fill_detail(char *out, size_t outsz, const char *tmpl, const char *extra)
{
	const char *hole = strstr(tmpl, "{}");
	struct sbuf sb;

	sb_init(&sb, out, outsz);
	if (!hole) {
		sb_printf(&sb, "%s", tmpl);
		return;
	}
	sb_printf(&sb, "%.*s%s%s", (int)(hole - tmpl), tmpl,
	    extra ? extra : "", hole + 2);
}

static void
emit(struct diff_list *out, enum rule_id id, const char *exp, const char *fnd,
    const char *extra)
{
	const struct rule *r = &rules[id];
	struct difference *d;

	/* One entry per field at most, so this cannot overflow. */
	if (out->n >= ARRAY_SIZE(out->d))
		return;
	d = &out->d[out->n++];
	memset(d, 0, sizeof(*d));
	d->field = r->field;
	d->severity = r->severity;
	d->fixable = r->fixable;
	xh_strlcpy(d->expected, exp, sizeof(d->expected));
	xh_strlcpy(d->found, fnd, sizeof(d->found));
	fill_detail(d->detail, sizeof(d->detail), r->detail, extra);
}

static const char *
str_or_unknown(const char *s)
{
	return s ? s : "unknown";
}

static bool
xen_at_least(bool known, unsigned int major, unsigned int minor,
    unsigned int want_major, unsigned int want_minor)
{
	return known && (major > want_major ||
	    (major == want_major && minor >= want_minor));
}

static void
fmt_xen_version(const struct record *r, char *out, size_t outsz)
{
	if (!r->has_xen_version)
		snprintf(out, outsz, "unknown");
	else
		snprintf(out, outsz, "%u.%u%s", r->xen_major, r->xen_minor,
		    r->xen_extra);
}

/* "with xen.fifo_events=0" or "without xen.fifo_events" */
static void
fmt_knob(const char *name, int knob, char *out, size_t outsz)
{
	if (knob == KNOB_UNSET)
		snprintf(out, outsz, "without %s", name);
	else
		snprintf(out, outsz, "with %s=%d", name, knob);
}

static void
fmt_hex(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	char hex[2 * RECORD_BUILD_ID_MAX + 1];

	if (n == 0) {
		snprintf(out, outsz, "unknown");
		return;
	}
	if (n > RECORD_BUILD_ID_MAX)
		n = RECORD_BUILD_ID_MAX;
	xh_hex(p, n, hex);
	xh_strlcpy(out, hex, outsz);
}

static bool
digest_known(const uint8_t d[RECORD_DIGEST_SIZE])
{
	size_t i;

	/* No presence flag: all zero means "not recorded" (a real SHA-256
	 * prefix of 128 zero bits does not happen). */
	for (i = 0; i < RECORD_DIGEST_SIZE; i++)
		if (d[i])
			return true;
	return false;
}

static void
cmp_guest(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	const char *e, *f;

	e = img->guest_type == GUEST_UNKNOWN ? "unknown" :
	    str_or_unknown(guest_type_to_string(img->guest_type));
	f = boot->guest_type == GUEST_UNKNOWN ? "unknown" :
	    str_or_unknown(guest_type_to_string(boot->guest_type));
	if (img->guest_type == GUEST_UNKNOWN ||
	    boot->guest_type == GUEST_UNKNOWN)
		emit(out, R_GUEST_UNKNOWN, e, f, NULL);
	else if (img->guest_type != boot->guest_type)
		emit(out, R_GUEST_DIFFER, e, f, NULL);
}

static void
fmt_evtchn(const struct record *r, char *out, size_t outsz)
{
	char knob[40];

	fmt_knob("xen.fifo_events", r->knob_fifo_events, knob, sizeof(knob));
	snprintf(out, outsz, "%s %s", r->evtchn == EVTCHN_UNKNOWN ?
	    "unknown" : str_or_unknown(evtchn_abi_to_string(r->evtchn)),
	    knob);
}

static void
cmp_evtchn(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[96], f[96], xv[48];

	fmt_evtchn(img, e, sizeof(e));
	fmt_evtchn(boot, f, sizeof(f));
	if (img->evtchn == EVTCHN_UNKNOWN || boot->evtchn == EVTCHN_UNKNOWN) {
		emit(out, R_EVTCHN_UNKNOWN, e, f, NULL);
		return;
	}
	if (img->evtchn == boot->evtchn) {
		if (img->knob_fifo_events != boot->knob_fifo_events) {
			fmt_knob("xen.fifo_events", img->knob_fifo_events, e,
			    sizeof(e));
			fmt_knob("xen.fifo_events", boot->knob_fifo_events, f,
			    sizeof(f));
			emit(out, R_EVTCHN_KNOB, e, f, NULL);
		}
		return;
	}
	if (img->evtchn == EVTCHN_2L) {
		emit(out, R_EVTCHN_DIFFER, e, f, "xen.fifo_events=0");
		return;
	}
	/* FIFO image, 2-level boot. Asked for by the knob: fixable. */
	if (boot->knob_fifo_events == 0) {
		emit(out, R_EVTCHN_DIFFER, e, f,
		    "xen.fifo_events=1 (or without xen.fifo_events=0)");
		return;
	}
	/* Not asked for: Xen refused FIFO, unless it is known to have it. */
	if (!xen_at_least(boot->has_xen_version, boot->xen_major,
	    boot->xen_minor, 4, 4)) {
		fmt_xen_version(boot, xv, sizeof(xv));
		emit(out, R_EVTCHN_NO_FIFO, e, f, xv);
		return;
	}
	emit(out, R_EVTCHN_DIFFER, e, f, "xen.fifo_events=1");
}

static void
fmt_gnttab(const struct record *r, char *out, size_t outsz)
{
	char knob[40];

	fmt_knob("grant_table.version", r->knob_gnttab_version, knob,
	    sizeof(knob));
	if (r->gnttab_version <= 0)
		snprintf(out, outsz, "unknown %s", knob);
	else
		snprintf(out, outsz, "v%d %s", r->gnttab_version, knob);
}

static void
cmp_gnttab(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[96], f[96], v[16];

	fmt_gnttab(img, e, sizeof(e));
	fmt_gnttab(boot, f, sizeof(f));
	if (img->gnttab_version <= 0 || boot->gnttab_version <= 0) {
		emit(out, R_GNTTAB_UNKNOWN, e, f, NULL);
		return;
	}
	if (img->gnttab_version == boot->gnttab_version) {
		if (img->knob_gnttab_version != boot->knob_gnttab_version) {
			fmt_knob("grant_table.version",
			    img->knob_gnttab_version, e, sizeof(e));
			fmt_knob("grant_table.version",
			    boot->knob_gnttab_version, f, sizeof(f));
			emit(out, R_GNTTAB_KNOB, e, f, NULL);
		}
		return;
	}
	if (img->gnttab_version == 2 && boot->gnttab_version == 1 &&
	    boot->knob_gnttab_version == 2) {
		emit(out, R_GNTTAB_NO_V2, e, f, NULL);
		return;
	}
	snprintf(v, sizeof(v), "%d", img->gnttab_version);
	emit(out, R_GNTTAB_DIFFER, e, f, v);
}

static void
cmp_kaslr(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	const char *e, *f;

	e = img->kaslr == KASLR_UNKNOWN ? "unknown" :
	    str_or_unknown(kaslr_state_to_string(img->kaslr));
	f = boot->kaslr == KASLR_UNKNOWN ? "unknown" :
	    str_or_unknown(kaslr_state_to_string(boot->kaslr));
	/* A randomised image is unsafe whatever the boot side is. */
	if (img->kaslr == KASLR_ON)
		emit(out, R_KASLR_IMAGE_ON, e, f, NULL);
	else if (img->kaslr == KASLR_UNKNOWN || boot->kaslr == KASLR_UNKNOWN)
		emit(out, R_KASLR_UNKNOWN, e, f, NULL);
	else if (boot->kaslr == KASLR_ON)
		emit(out, R_KASLR_BOOT_ON, e, f, NULL);
}

static bool
build_ids_known(const struct record *img, const struct record *boot)
{
	return img->build_id_len > 0 && boot->build_id_len > 0;
}

static bool
build_ids_equal(const struct record *img, const struct record *boot)
{
	return build_ids_known(img, boot) &&
	    img->build_id_len == boot->build_id_len &&
	    memcmp(img->build_id, boot->build_id, img->build_id_len) == 0;
}

static const char *
image_kernel_name(const struct record *img)
{
	return img->kernel_release[0] ? img->kernel_release :
	    "release not recorded";
}

static void
cmp_build_id(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[96], f[96];

	fmt_hex(img->build_id, img->build_id_len, e, sizeof(e));
	fmt_hex(boot->build_id, boot->build_id_len, f, sizeof(f));
	if (!build_ids_known(img, boot))
		emit(out, R_BUILD_ID_UNKNOWN, e, f, NULL);
	else if (!build_ids_equal(img, boot))
		emit(out, R_BUILD_ID_DIFFER, e, f, image_kernel_name(img));
}

static void
cmp_release(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	const char *e = img->kernel_release[0] ? img->kernel_release :
	    "unknown";
	const char *f = boot->kernel_release[0] ? boot->kernel_release :
	    "unknown";
	bool known = img->kernel_release[0] && boot->kernel_release[0];

	if (build_ids_known(img, boot) && !build_ids_equal(img, boot)) {
		/* The build-id entry already says it all. */
		if (known && !streq(img->kernel_release, boot->kernel_release))
			emit(out, R_RELEASE_ALSO, e, f, NULL);
		return;
	}
	if (!known) {
		/* Equal build-ids prove the kernel; else nothing does. */
		if (!build_ids_equal(img, boot))
			emit(out, R_RELEASE_UNKNOWN, e, f, NULL);
		return;
	}
	if (!streq(img->kernel_release, boot->kernel_release))
		emit(out, R_RELEASE_DIFFER, e, f, image_kernel_name(img));
}

/*
 * Both command lines known in full (the image's fitted its record, and
 * the boot side always has its own): compare what shapes the layout, so
 * a repair's added knobs and marker, a new BOOT_IMAGE or resume= do not
 * count. Otherwise only the digests of the whole lines can be compared.
 */
static int
cmdline_layout_cmp(const struct record *img, const struct record *boot)
{
	struct cmdline a, b;

	if (cmdline_parse(img->cmdline, &a) < 0 ||
	    cmdline_parse(boot->cmdline, &b) < 0)
		return -EINVAL;
	return cmdline_layout_equal(&a, &b);
}

static void
cmp_cmdline(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[96], f[96];
	bool ik = digest_known(img->cmdline_digest);
	bool bk = digest_known(boot->cmdline_digest);
	int same;

	fmt_hex(img->cmdline_digest, ik ? RECORD_DIGEST_SIZE : 0, e,
	    sizeof(e));
	fmt_hex(boot->cmdline_digest, bk ? RECORD_DIGEST_SIZE : 0, f,
	    sizeof(f));
	if (img->has_cmdline && boot->has_cmdline) {
		same = cmdline_layout_cmp(img, boot);
		if (same == 1)
			return;
		if (same == 0) {
			emit(out, R_CMDLINE_DIFFER_FULL, e, f, NULL);
			return;
		}
	}
	if (!ik || !bk)
		emit(out, R_CMDLINE_UNKNOWN, e, f, NULL);
	else if (memcmp(img->cmdline_digest, boot->cmdline_digest,
	    RECORD_DIGEST_SIZE) != 0)
		emit(out, img->has_cmdline ? R_CMDLINE_DIFFER_FULL :
		    R_CMDLINE_DIFFER_DIGEST, e, f, NULL);
}

static void
fmt_uint(unsigned long long v, const char *unit, char *out, size_t outsz)
{
	if (v == 0)
		snprintf(out, outsz, "unknown");
	else
		snprintf(out, outsz, "%llu%s", v, unit);
}

static void
cmp_vcpus(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[32], f[32];

	fmt_uint(img->vcpus_possible, "", e, sizeof(e));
	fmt_uint(boot->vcpus_possible, "", f, sizeof(f));
	if (!img->vcpus_possible || !boot->vcpus_possible)
		emit(out, R_VCPUS_UNKNOWN, e, f, NULL);
	else if (img->vcpus_possible != boot->vcpus_possible)
		emit(out, R_VCPUS_DIFFER, e, f, NULL);
}

static void
cmp_ram(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[48], f[48];

	fmt_uint(img->ram_kib, " KiB", e, sizeof(e));
	fmt_uint(boot->ram_kib, " KiB", f, sizeof(f));
	if (!img->ram_kib || !boot->ram_kib)
		emit(out, R_RAM_UNKNOWN, e, f, NULL);
	else if (img->ram_kib != boot->ram_kib)
		emit(out, R_RAM_DIFFER, e, f, NULL);
}

static void
cmp_memmap(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[96], f[96];

	fmt_hex(img->memmap_digest,
	    img->has_memmap_digest ? RECORD_DIGEST_SIZE : 0, e, sizeof(e));
	fmt_hex(boot->memmap_digest,
	    boot->has_memmap_digest ? RECORD_DIGEST_SIZE : 0, f, sizeof(f));
	if (!img->has_memmap_digest || !boot->has_memmap_digest)
		emit(out, R_MEMMAP_UNKNOWN, e, f, NULL);
	else if (memcmp(img->memmap_digest, boot->memmap_digest,
	    RECORD_DIGEST_SIZE) != 0)
		emit(out, R_MEMMAP_DIFFER, e, f, NULL);
}

static void
cmp_xen_version(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[48], f[48];

	fmt_xen_version(img, e, sizeof(e));
	fmt_xen_version(boot, f, sizeof(f));
	if (!img->has_xen_version || !boot->has_xen_version)
		emit(out, R_XEN_VERSION_UNKNOWN, e, f, NULL);
	else if (img->xen_major != boot->xen_major ||
	    img->xen_minor != boot->xen_minor ||
	    !streq(img->xen_extra, boot->xen_extra))
		emit(out, R_XEN_VERSION_DIFFER, e, f, NULL);
}

/* "10 hvm_pirqs, 21" for the bits set in mask. */
static void
fmt_bits(uint32_t mask, char *out, size_t outsz)
{
	struct sbuf sb;
	unsigned int bit;
	const char *sep = "";

	sb_init(&sb, out, outsz);
	for (bit = 0; bit < 32; bit++) {
		if (!(mask & (UINT32_C(1) << bit)))
			continue;
		if (xenfeat_names[bit])
			sb_printf(&sb, "%s%u %s", sep, bit, xenfeat_names[bit]);
		else
			sb_printf(&sb, "%s%u", sep, bit);
		sep = ", ";
	}
}

static void
cmp_xen_features(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[16], f[16], bits[128];
	uint32_t lost, gained;

	snprintf(e, sizeof(e), img->has_xen_features ? "0x%08x" : "unknown",
	    img->xen_features);
	snprintf(f, sizeof(f), boot->has_xen_features ? "0x%08x" : "unknown",
	    boot->xen_features);
	if (!img->has_xen_features || !boot->has_xen_features) {
		emit(out, R_FEATURES_UNKNOWN, e, f, NULL);
		return;
	}
	lost = img->xen_features & ~boot->xen_features;
	gained = boot->xen_features & ~img->xen_features;
	if (lost) {
		fmt_bits(lost, bits, sizeof(bits));
		emit(out, R_FEATURES_LOST, e, f, bits);
	} else if (gained) {
		fmt_bits(gained, bits, sizeof(bits));
		emit(out, R_FEATURES_GAINED, e, f, bits);
	}
}

static void
fmt_uuid(bool has, const uint8_t *u, char *out, size_t outsz)
{
	char s[37];

	if (!has) {
		snprintf(out, outsz, "unknown");
		return;
	}
	xh_format_uuid(u, s);
	xh_strlcpy(out, s, outsz);
}

static void
cmp_domain_uuid(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[40], f[40];

	fmt_uuid(img->has_domain_uuid, img->domain_uuid, e, sizeof(e));
	fmt_uuid(boot->has_domain_uuid, boot->domain_uuid, f, sizeof(f));
	if (!img->has_domain_uuid || !boot->has_domain_uuid)
		emit(out, R_UUID_UNKNOWN, e, f, NULL);
	else if (memcmp(img->domain_uuid, boot->domain_uuid, 16) != 0)
		emit(out, R_UUID_DIFFER, e, f, NULL);
}

static void
cmp_swap(const struct record *img, const struct record *boot,
    struct diff_list *out)
{
	char e[40], f[40];

	fmt_uuid(img->swap.has_uuid, img->swap.uuid, e, sizeof(e));
	fmt_uuid(boot->swap.has_uuid, boot->swap.uuid, f, sizeof(f));
	if (!img->swap.has_uuid || !boot->swap.has_uuid)
		emit(out, R_SWAP_UNKNOWN, e, f, NULL);
	else if (memcmp(img->swap.uuid, boot->swap.uuid, 16) != 0)
		emit(out, R_SWAP_DIFFER, e, f, NULL);
}

int
verdict_compare(const struct record *image, const struct record *boot,
    struct diff_list *out)
{
	/* In enum field order: one call, at most one entry, per field. */
	static void (*const cmp[_FIELD_MAX])(const struct record *,
	    const struct record *, struct diff_list *) = {
		[FIELD_GUEST_TYPE] = cmp_guest,
		[FIELD_EVTCHN] = cmp_evtchn,
		[FIELD_GNTTAB] = cmp_gnttab,
		[FIELD_KASLR] = cmp_kaslr,
		[FIELD_BUILD_ID] = cmp_build_id,
		[FIELD_KERNEL_RELEASE] = cmp_release,
		[FIELD_CMDLINE] = cmp_cmdline,
		[FIELD_VCPUS] = cmp_vcpus,
		[FIELD_RAM] = cmp_ram,
		[FIELD_MEMMAP] = cmp_memmap,
		[FIELD_XEN_VERSION] = cmp_xen_version,
		[FIELD_XEN_FEATURES] = cmp_xen_features,
		[FIELD_DOMAIN_UUID] = cmp_domain_uuid,
		[FIELD_SWAP] = cmp_swap,
	};
	size_t i;

	if (!image || !boot || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (i = 0; i < ARRAY_SIZE(cmp); i++)
		cmp[i](image, boot, out);
	return (int)out->n;
}

/* Decide. */

static bool
is_mismatch(const struct difference *d, enum policy_mode mode)
{
	return d->severity == SEV_CRITICAL ||
	    (mode == POLICY_STRICT && d->severity == SEV_WARN);
}

static const struct difference *
find_diff(const struct diff_list *diffs, enum field f)
{
	size_t i;

	for (i = 0; i < diffs->n; i++)
		if (diffs->d[i].field == f)
			return &diffs->d[i];
	return NULL;
}

/*
 * What the boot command line needs to match the image, for the repair's
 * kexec and for "boot with ..." advice:
 * - 2-level image: xen.fifo_events=0 always, because after a soft reset
 *   (or on another host) only the knob keeps the next kernel at 2-level;
 *   likewise when the ABI was not seen but the image ran with the knob.
 * - FIFO image whose boot side is 2-level and fixable (the knob or an
 *   unexplained fallback): xen.fifo_events=1, overriding any =0.
 * - grant_table.version: the image's version when it differs; else the
 *   image's own knob, so a kexec'd kernel keeps the same request.
 * - nokaslr whenever the image was not randomised: a kexec'd kernel
 *   enters through the decompressor and would be randomised otherwise,
 *   even where a direct PVH boot was not (lab.md §10).
 */
static void
fill_knobs(const struct record *img, const struct diff_list *diffs,
    struct decision *out)
{
	const struct difference *d;

	out->set_fifo_events = KNOB_UNSET;
	if (img->evtchn == EVTCHN_2L ||
	    (img->evtchn == EVTCHN_UNKNOWN && img->knob_fifo_events == 0))
		out->set_fifo_events = 0;
	else if (img->evtchn == EVTCHN_FIFO &&
	    (d = find_diff(diffs, FIELD_EVTCHN)) &&
	    d->severity == SEV_CRITICAL && d->fixable)
		out->set_fifo_events = 1;

	out->set_gnttab_version = KNOB_UNSET;
	d = find_diff(diffs, FIELD_GNTTAB);
	if (img->gnttab_version > 0 && d && d->severity == SEV_CRITICAL &&
	    d->fixable)
		out->set_gnttab_version = img->gnttab_version;
	else if (img->knob_gnttab_version != KNOB_UNSET)
		out->set_gnttab_version = img->knob_gnttab_version;

	out->set_nokaslr = img->kaslr == KASLR_OFF;
}

static bool
can_repair(const struct policy *pol, const struct capabilities *caps,
    bool needs_kernel)
{
	return pol->repair_kexec && (caps->guest_type == GUEST_HVM ||
	    caps->guest_type == GUEST_PVH) &&
	    xen_at_least(true, caps->xen_major, caps->xen_minor, 4, 7) &&
	    caps->kexec && caps->toolstack_soft_reset &&
	    (!needs_kernel || caps->image_kernel) && !caps->repaired;
}

/* Everything a reason is written from. */
struct reason_ctx {
	const struct policy *pol;
	const struct record *img;
	const struct diff_list *diffs;
	const struct capabilities *caps;
	const struct decision *dec;
	bool needs_kernel;
	bool strict_warn;	/* a non-fixable warning counts (strict) */
	size_t nwarn;
	size_t nfix;		/* fixable mismatches */
};

/*
 * How much to say per field: reasons are tried from the most verbose
 * down until they fit.
 */
enum verbosity {
	V_LABEL = 0,	/* "memory size" */
	V_VALUES,	/* "memory size (image: X, this boot: Y)" */
	V_DETAIL,	/* ... plus the detail sentence for unfixable ones */
};

/*
 * List the mismatches: all of them (which = 0), only the fixable ones
 * (1) or only the unfixable ones (2).
 */
static void
sb_mismatches(struct sbuf *sb, const struct reason_ctx *c, int which,
    enum verbosity v)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < c->diffs->n; i++) {
		const struct difference *d = &c->diffs->d[i];

		if (!is_mismatch(d, c->pol->mode) ||
		    (which == 1 && !d->fixable) || (which == 2 && d->fixable))
			continue;
		sb_printf(sb, "%s%s", sep, field_labels[d->field]);
		if (v >= V_VALUES)
			sb_printf(sb, " (image: %s, this boot: %s)",
			    d->expected, d->found);
		if (v >= V_DETAIL && !d->fixable)
			sb_printf(sb, ": %s", d->detail);
		sep = v >= V_DETAIL && which == 2 ? " " : ", ";
	}
}

/* The words to add to the boot command line for the fixable mismatches. */
static void
sb_boot_with(struct sbuf *sb, const struct reason_ctx *c)
{
	bool seen[_FIELD_MAX] = { false };
	const char *sep = "";
	size_t i;

	for (i = 0; i < c->diffs->n; i++) {
		const struct difference *d = &c->diffs->d[i];

		if (is_mismatch(d, c->pol->mode) && d->fixable)
			seen[d->field] = true;
	}
	if (seen[FIELD_BUILD_ID] || seen[FIELD_KERNEL_RELEASE]) {
		sb_printf(sb, "%sthe image's kernel (%s)", sep,
		    image_kernel_name(c->img));
		sep = ", ";
	}
	if (seen[FIELD_CMDLINE]) {
		sb_printf(sb, "%sthe image's command line", sep);
		sep = ", ";
	}
	if (seen[FIELD_EVTCHN] && c->dec->set_fifo_events != KNOB_UNSET) {
		sb_printf(sb, "%sxen.fifo_events=%d", sep,
		    c->dec->set_fifo_events);
		sep = ", ";
	}
	if (seen[FIELD_GNTTAB] && c->dec->set_gnttab_version != KNOB_UNSET) {
		sb_printf(sb, "%sgrant_table.version=%d", sep,
		    c->dec->set_gnttab_version);
		sep = ", ";
	}
	if (seen[FIELD_KASLR] && c->dec->set_nokaslr)
		sb_printf(sb, "%snokaslr", sep);
}

/* Why a repair cannot run here; each missing capability once. */
static void
sb_missing_caps(struct sbuf *sb, const struct reason_ctx *c)
{
	const struct capabilities *caps = c->caps;
	const char *sep = "";

	if (!c->pol->repair_kexec) {
		sb_printf(sb, "repair by kexec is off (repair = kexec turns "
		    "it on; on Linux 6.1 a repaired HVM resume hung in the "
		    "lab)");
		return;
	}
	/* The loop guard says it all: the capabilities were there. */
	if (caps->repaired) {
		sb_printf(sb, "a repair already ran (xen_handover.repaired=1) "
		    "and the kernel still differs: the repair did not "
		    "converge");
		return;
	}
	if (caps->guest_type == GUEST_PV) {
		sb_printf(sb, "a PV guest cannot be soft-reset (kexec halts "
		    "it)");
		sep = "; ";
	} else if (caps->guest_type != GUEST_HVM &&
	    caps->guest_type != GUEST_PVH) {
		sb_printf(sb, "the guest type is unknown (soft reset needs HVM "
		    "or PVH)");
		sep = "; ";
	}
	if (!xen_at_least(true, caps->xen_major, caps->xen_minor, 4, 7)) {
		if (caps->xen_major == 0 && caps->xen_minor == 0)
			sb_printf(sb, "%sthe Xen version is unknown (soft "
			    "reset needs 4.7)", sep);
		else
			sb_printf(sb, "%sXen %u.%u has no soft reset (needs "
			    "4.7)", sep, caps->xen_major, caps->xen_minor);
		sep = "; ";
	}
	if (!caps->kexec) {
		sb_printf(sb, "%skexec is not available", sep);
		sep = "; ";
	}
	if (!caps->toolstack_soft_reset) {
		if (caps->guest_type == GUEST_PVH)
			sb_printf(sb, "%sxl does not soft-reset PVH guests and "
			    "no dom0 verdict allows it", sep);
		else
			sb_printf(sb, "%sthe toolstack does not soft-reset "
			    "this domain (on_soft_reset)", sep);
		sep = "; ";
	}
	if (c->needs_kernel && !caps->image_kernel)
		sb_printf(sb, "%sthe image's kernel (%s) was not found", sep,
		    image_kernel_name(c->img));
}

/*
 * Write the reason for out->verdict at verbosity v; fixable_only: every
 * mismatch could be repaired. Returns true if the text had to be cut.
 */
static bool
compose(struct decision *out, const struct reason_ctx *c, bool fixable_only,
    enum verbosity v)
{
	struct sbuf sb;

	sb_init(&sb, out->reason, sizeof(out->reason));
	switch (out->verdict) {
	case VERDICT_PROCEED:
		sb_printf(&sb, "The boot kernel matches what the image "
		    "expects");
		if (c->nwarn)
			sb_printf(&sb, " as far as can be verified (%zu "
			    "warning%s)", c->nwarn, c->nwarn == 1 ? "" : "s");
		sb_printf(&sb, "; resuming.");
		break;
	case VERDICT_FORCE:
		sb_printf(&sb, "Resuming despite mismatches because policy "
		    "force was chosen (the user opted in): ");
		sb_mismatches(&sb, c, 0, v > V_VALUES ? V_VALUES : v);
		sb_printf(&sb, ".");
		break;
	case VERDICT_REPAIR:
		sb_printf(&sb, "Repairing ");
		sb_mismatches(&sb, c, 0, v > V_VALUES ? V_VALUES : v);
		sb_printf(&sb, ": soft-resetting Xen by kexec with ");
		sb_boot_with(&sb, c);
		sb_printf(&sb, ", then resuming.");
		break;
	case VERDICT_REFUSE:
	default:
		if (!fixable_only) {
			/* Something no kexec can fix: say what and how. */
			sb_printf(&sb, "Refusing to resume: ");
			sb_mismatches(&sb, c, 2, v);
			if (v < V_DETAIL)
				sb_printf(&sb, " cannot be repaired.");
			if (c->strict_warn)
				sb_printf(&sb, " Policy strict refuses on "
				    "warnings; policy auto accepts them.");
			if (c->nfix) {
				sb_printf(&sb, " Then also boot with: ");
				sb_boot_with(&sb, c);
				sb_printf(&sb, ".");
			}
		} else if (c->pol->mode == POLICY_REFUSE) {
			sb_printf(&sb, "Refusing to resume (policy refuse "
			    "never repairs): ");
			sb_mismatches(&sb, c, 0, v > V_VALUES ? V_VALUES : v);
			sb_printf(&sb, " differ. To resume, boot with: ");
			sb_boot_with(&sb, c);
			sb_printf(&sb, ".");
		} else {
			sb_printf(&sb, "Refusing to resume: ");
			sb_mismatches(&sb, c, 0, v > V_VALUES ? V_VALUES : v);
			sb_printf(&sb, " could be repaired, but ");
			sb_missing_caps(&sb, c);
			sb_printf(&sb, ". To resume, boot with: ");
			sb_boot_with(&sb, c);
			sb_printf(&sb, ".");
		}
		break;
	}
	return sb.truncated;
}

static int
validate(const struct policy *pol, const struct diff_list *diffs,
    const struct capabilities *caps)
{
	size_t i;

	if ((unsigned int)pol->mode >= _POLICY_MAX ||
	    (unsigned int)pol->unknown_image >= _UNKNOWN_IMAGE_MAX)
		return -EINVAL;
	if (!diffs || !caps)
		return -EINVAL;
	if (diffs->n > ARRAY_SIZE(diffs->d) ||
	    (unsigned int)caps->guest_type >= _GUEST_MAX)
		return -EINVAL;
	for (i = 0; i < diffs->n; i++)
		if ((unsigned int)diffs->d[i].field >= _FIELD_MAX ||
		    (unsigned int)diffs->d[i].severity > SEV_CRITICAL)
			return -EINVAL;
	return 0;
}

int
verdict_decide(const struct policy *pol, const struct record *image,
    const struct diff_list *diffs, const struct capabilities *caps,
    struct decision *out)
{
	struct reason_ctx c;
	size_t i, nmis = 0;
	int r, v;

	if (!pol || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->set_fifo_events = KNOB_UNSET;
	out->set_gnttab_version = KNOB_UNSET;

	if (!image) {
		struct sbuf sb;

		if ((unsigned int)pol->mode >= _POLICY_MAX ||
		    (unsigned int)pol->unknown_image >= _UNKNOWN_IMAGE_MAX)
			return -EINVAL;
		sb_init(&sb, out->reason, sizeof(out->reason));
		if (pol->unknown_image == UNKNOWN_IMAGE_REFUSE) {
			out->verdict = VERDICT_REFUSE;
			sb_printf(&sb, "Refusing to resume: the image has no "
			    "valid handover record, so its Xen state cannot be "
			    "checked (unknown-image = refuse). Set "
			    "unknown-image = proceed to resume it unchecked.");
		} else {
			out->verdict = VERDICT_PROCEED;
			sb_printf(&sb, "Warning: the image has no valid "
			    "handover record, so its Xen state cannot be "
			    "checked; resuming unchecked (unknown-image = "
			    "proceed). If it hangs, boot with noresume.");
		}
		return 0;
	}
	r = validate(pol, diffs, caps);
	if (r < 0)
		return r;
	fill_knobs(image, diffs, out);

	memset(&c, 0, sizeof(c));
	c.pol = pol;
	c.img = image;
	c.diffs = diffs;
	c.caps = caps;
	c.dec = out;
	for (i = 0; i < diffs->n; i++) {
		const struct difference *d = &diffs->d[i];

		if (d->severity == SEV_WARN)
			c.nwarn++;
		if (!is_mismatch(d, pol->mode))
			continue;
		nmis++;
		if (d->fixable)
			c.nfix++;
		if (d->severity == SEV_WARN && !d->fixable)
			c.strict_warn = true;
		if (d->fixable && (d->field == FIELD_BUILD_ID ||
		    d->field == FIELD_KERNEL_RELEASE))
			c.needs_kernel = true;
	}

	if (nmis == 0)
		out->verdict = VERDICT_PROCEED;
	else if (pol->mode == POLICY_FORCE)
		out->verdict = VERDICT_FORCE;
	else if (c.nfix < nmis || pol->mode == POLICY_REFUSE)
		out->verdict = VERDICT_REFUSE;
	else if (can_repair(pol, caps, c.needs_kernel))
		out->verdict = VERDICT_REPAIR;
	else
		out->verdict = VERDICT_REFUSE;

	for (v = V_DETAIL; v >= V_LABEL; v--)
		if (!compose(out, &c, c.nfix == nmis, (enum verbosity)v))
			break;
	return 0;
}

const char *
field_to_string(enum field f)
{
	if ((unsigned int)f >= _FIELD_MAX)
		return NULL;
	return field_names[f];
}

const char *
severity_to_string(enum severity s)
{
	if ((unsigned int)s >= ARRAY_SIZE(severity_names))
		return NULL;
	return severity_names[s];
}

const char *
verdict_to_string(enum verdict v)
{
	if ((unsigned int)v >= _VERDICT_MAX)
		return NULL;
	return verdict_names[v];
}

const char *
policy_mode_to_string(enum policy_mode m)
{
	if ((unsigned int)m >= _POLICY_MAX)
		return NULL;
	return policy_names[m];
}

int
policy_mode_from_string(const char *s)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(policy_names); i++)
		if (streq(s, policy_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *
unknown_image_to_string(enum unknown_image_action a)
{
	if ((unsigned int)a >= _UNKNOWN_IMAGE_MAX)
		return NULL;
	return unknown_image_names[a];
}

int
unknown_image_from_string(const char *s)
{
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(unknown_image_names); i++)
		if (streq(s, unknown_image_names[i]))
			return (int)i;
	return -EINVAL;
}
