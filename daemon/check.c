// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "Can this guest hibernate safely?" Turns a probe into a list of
 * problems, each with a concrete fix. Pure: the probe and configuration
 * come in, nothing is read or logged here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "check.h"
#include "util.h"

static const char *const blocker_names[_BLOCK_MAX] = {
	[BLOCK_NOT_XEN] = "not-xen",
	[BLOCK_PV_GUEST] = "pv-guest",
	[BLOCK_NO_XEN_PM] = "no-xen-pm-restore",
	[BLOCK_HIBERNATION_OFF] = "hibernation-off",
	[BLOCK_LOCKDOWN] = "lockdown",
	[BLOCK_KASLR] = "kaslr",
	[BLOCK_EVTCHN_UNPINNED] = "evtchn-unpinned",
	[BLOCK_EVTCHN_UNKNOWN] = "evtchn-unknown",
	[BLOCK_GNTTAB_UNPINNED] = "gnttab-unpinned",
	[BLOCK_NO_RESUME_SWAP] = "no-resume-swap",
	[BLOCK_SWAP_NOT_SWAP] = "swap-not-swap",
	[BLOCK_SWAP_TOO_SMALL] = "swap-too-small",
	[BLOCK_RESUME_ON_CMDLINE] = "resume-on-cmdline",
	[BLOCK_NO_KEXEC] = "no-kexec",
};

static const char *const level_names[] = {
	[LEVEL_WARNING] = "warning",
	[LEVEL_BLOCKER] = "blocker",
};

#define CONF_HINT "in " CONF_PATH

static struct blocker *add(struct blocker_list *out, enum blocker_id id,
    enum blocker_level level);
static void set_what(struct blocker *b, const char *fmt, ...) _printf_(2, 3);
static void set_fix(struct blocker *b, const char *fmt, ...) _printf_(2, 3);

static struct blocker *
add(struct blocker_list *out, enum blocker_id id, enum blocker_level level)
{
	struct blocker *b;

	/* One entry per id at most: the list cannot overflow. */
	if (out->n >= ARRAY_SIZE(out->b))
		return NULL;
	b = &out->b[out->n++];
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->level = level;
	return b;
}

static void
set_what(struct blocker *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->what, sizeof(b->what), fmt, ap);
	va_end(ap);
}

static void
set_fix(struct blocker *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->fix, sizeof(b->fix), fmt, ap);
	va_end(ap);
}

/* hibernate=no... disables hibernation (kernel/power/hibernate.c
 * hibernate_setup(): "noresume" and "nocompress" are other options). */
static bool
cmdline_disables_hibernation(const struct cmdline *c)
{
	const char *v = cmdline_get(c, "hibernate");

	if (cmdline_has(c, "nohibernate"))
		return true;
	return v && startswith(v, "no") && !startswith(v, "noresume") &&
	    !startswith(v, "nocompress");
}

/* noresume or hibernate=noresume: the kernel will not resume by itself. */
static bool
cmdline_noresume(const struct cmdline *c)
{
	const char *v = cmdline_get(c, "hibernate");

	return cmdline_has(c, "noresume") ||
	    (v && startswith(v, "noresume"));
}

static void
check_xen_pm(const struct probe *p, const struct conf *cfg,
    struct blocker_list *out)
{
	enum tristate eff = cfg->xen_pm_restore != TRI_UNKNOWN ?
	    cfg->xen_pm_restore : p->xen_pm_restore;
	struct blocker *b;

	if (eff == TRI_YES)
		return;
	b = add(out, BLOCK_NO_XEN_PM, LEVEL_BLOCKER);
	if (!b)
		return;
	if (cfg->xen_pm_restore == TRI_NO)
		set_what(b, "Hibernation is disabled by the configuration "
		    "(xen-pm-restore = no).");
	else if (eff == TRI_NO)
		set_what(b, "This kernel does not re-establish its Xen devices "
		    "after a hibernation resume%s%s%s: disk and network I/O "
		    "would hang.", p->xen_pm_signal[0] ? " (" : "",
		    p->xen_pm_signal, p->xen_pm_signal[0] ? ")" : "");
	else
		set_what(b, "Cannot tell whether this kernel re-establishes "
		    "its Xen devices after a hibernation resume; upstream "
		    "Linux does not, and its disk I/O then hangs.");
	set_fix(b, "Use a kernel carrying the 'Fix PM hibernation in Xen "
	    "guests' patch series (vendor kernels have it); if this kernel "
	    "does, set `xen-pm-restore = yes` " CONF_HINT ".");
}

static void
check_hibernation(const struct probe *p, struct blocker_list *out)
{
	struct blocker *b;

	if (!p->hibernation_available) {
		b = add(out, BLOCK_HIBERNATION_OFF, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "The kernel offers no hibernation "
			    "(/sys/power/state lacks \"disk\" or "
			    "/sys/power/disk is [disabled]).");
			if (cmdline_disables_hibernation(&p->cmdline))
				set_fix(b, "Remove nohibernate and "
				    "hibernate=no from the kernel command "
				    "line, then reboot.");
			else if (p->lockdown == LOCKDOWN_INTEGRITY ||
			    p->lockdown == LOCKDOWN_CONFIDENTIALITY)
				set_fix(b, "Lift the kernel lockdown (see the "
				    "lockdown entry), then reboot.");
			else
				set_fix(b, "Use a kernel built with "
				    "CONFIG_HIBERNATION and without secretmem "
				    "or CXL memory in use.");
		}
	}
	if (p->lockdown == LOCKDOWN_INTEGRITY ||
	    p->lockdown == LOCKDOWN_CONFIDENTIALITY) {
		b = add(out, BLOCK_LOCKDOWN, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "Kernel lockdown (%s) is active and the "
			    "kernel refuses to hibernate under it.",
			    p->lockdown == LOCKDOWN_INTEGRITY ? "integrity" :
			    "confidentiality");
			set_fix(b, "Boot without lockdown: turn off Secure "
			    "Boot's lockdown (the distribution's "
			    "lockdown-on-secure-boot) and remove lockdown= "
			    "from the kernel command line.");
		}
	}
}

static void
check_xen_state(const struct probe *p, const struct conf *cfg,
    struct blocker_list *out)
{
	const struct record *r = &p->rec;
	struct blocker *b;
	int v;

	if (r->kaslr == KASLR_ON && !cfg->allow_kaslr) {
		b = add(out, BLOCK_KASLR, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "KASLR randomises this kernel: its Xen "
			    "pages (vcpu_info, per-CPU data) would sit where "
			    "no boot kernel can put them again.");
			set_fix(b, "Add `nokaslr` to the kernel command line "
			    "(GRUB_CMDLINE_LINUX) and reboot; set `allow-kaslr "
			    "= yes` " CONF_HINT " only if this guest boots "
			    "unrandomised (direct PVH boot).");
		}
	}

	if (r->evtchn == EVTCHN_UNKNOWN) {
		b = add(out, BLOCK_EVTCHN_UNKNOWN, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "Cannot tell which event-channel ABI this "
			    "kernel uses: no 'xen:events: Using' line in the "
			    "kernel log%s.", !p->kmsg_readable ?
			    " (the log was unreadable)" : p->kmsg.wrapped ?
			    " (the log has wrapped)" : "");
			set_fix(b, "Pin it on the kernel command line: add "
			    "xen.fifo_events=0 (2-level, works on every Xen) "
			    "or xen.fifo_events=1, and reboot.");
		}
	} else if (r->knob_fifo_events == KNOB_UNSET) {
		b = add(out, BLOCK_EVTCHN_UNPINNED, LEVEL_BLOCKER);
		if (b) {
			v = r->evtchn == EVTCHN_2L ? 0 : 1;
			set_what(b, "The event-channel ABI (%s) is not pinned "
			    "on the command line: after a Xen change the boot "
			    "kernel may pick the other one and the resumed "
			    "guest hangs.", r->evtchn == EVTCHN_2L ?
			    "2-level" : "FIFO");
			set_fix(b, "Add xen.fifo_events=%d to the kernel "
			    "command line (GRUB_CMDLINE_LINUX) and reboot.",
			    v);
		}
	}

	/*
	 * A warning, and only when the kernel runs (or may run) something
	 * other than the automatic choice: Linux picks v1 unless the guest is
	 * huge or asks for v2, so an unpinned v1 stays v1 from boot to boot.
	 */
	if (r->knob_gnttab_version == KNOB_UNSET && r->gnttab_version != 1) {
		b = add(out, BLOCK_GNTTAB_UNPINNED, LEVEL_WARNING);
		if (b) {
			v = r->gnttab_version > 0 ? r->gnttab_version : 1;
			if (r->gnttab_version > 0)
				set_what(b, "The grant-table version (v%d) is "
				    "not pinned on the command line.",
				    r->gnttab_version);
			else
				set_what(b, "The grant-table version is "
				    "unknown and not pinned on the command "
				    "line.");
			set_fix(b, "Add grant_table.version=%d to the kernel "
			    "command line and reboot.", v);
		}
	}
}

static void
check_swap(const struct probe *p, struct blocker_list *out)
{
	const struct probe_swap *s = &p->swap;
	bool resume_arg = s->resume_param[0] ||
	    cmdline_has(&p->cmdline, "resume");
	struct blocker *b;

	if (!resume_arg && !s->has_resume_dev && !s->device[0] &&
	    !cmdline_has(&p->cmdline, "xen_handover.resume")) {
		b = add(out, BLOCK_NO_RESUME_SWAP, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "No resume swap area: the command line has "
			    "no resume= or xen_handover.resume= and "
			    "/sys/power/resume is unset.");
			set_fix(b, "Choose a swap area at least as large as "
			    "RAM (`swapon --show`), add "
			    "xen_handover.resume=UUID=<its swap UUID> to the "
			    "kernel command line and rebuild the initramfs.");
		}
	}

	if (s->header_read && !s->is_swap) {
		b = add(out, BLOCK_SWAP_NOT_SWAP, LEVEL_BLOCKER);
		if (b) {
			set_what(b, "The resume device %s carries no swap "
			    "signature.", s->device[0] ? s->device :
			    "(unnamed)");
			set_fix(b, "Point xen_handover.resume= at a swap area "
			    "(`swapon --show`), or create one with mkswap and "
			    "run `xen-handover setup`.");
		}
	}

	/*
	 * A warning: the kernel aims at an image of 2/5 of RAM
	 * (/sys/power/image_size) and compresses it, so a smaller swap
	 * usually holds it; when it does not, hibernation fails cleanly.
	 */
	if (s->size_kib > 0 && p->has_memtotal &&
	    s->size_kib < p->memtotal_kib) {
		b = add(out, BLOCK_SWAP_TOO_SMALL, LEVEL_WARNING);
		if (b) {
			set_what(b, "The swap area (%" PRIu64 " KiB) is "
			    "smaller than RAM (%" PRIu64 " KiB): a large "
			    "image may not fit.", s->size_kib,
			    p->memtotal_kib);
			set_fix(b, "Grow the swap area to at least %" PRIu64
			    " KiB, or lower /sys/power/image_size.",
			    p->memtotal_kib);
		}
	}

	/*
	 * A warning: the kernel only resumes by itself when the device is
	 * there at late_initcall time (blkfront built in); noresume keeps it
	 * from doing so and the gate's write to /sys/power/resume still works
	 * (linux.md §5.2).
	 */
	if (resume_arg && !cmdline_noresume(&p->cmdline)) {
		b = add(out, BLOCK_RESUME_ON_CMDLINE, LEVEL_WARNING);
		if (b) {
			set_what(b, "resume= is on the kernel command line: "
			    "the kernel may resume by itself before the "
			    "initramfs gate checks the image.");
			set_fix(b, "Run `xen-handover setup`, or replace "
			    "resume= with xen_handover.resume= on the kernel "
			    "command line.");
		}
	}
}

/*
 * A warning: without kexec a mismatch can still be caught and the image
 * kept; only the repair is lost.
 */
static void
check_kexec(const struct probe *p, struct blocker_list *out)
{
	struct blocker *b;

	if (p->kexec_supported && !p->kexec_load_disabled && p->kexec_tool)
		return;
	b = add(out, BLOCK_NO_KEXEC, LEVEL_WARNING);
	if (!b)
		return;
	if (!p->kexec_supported) {
		set_what(b, "This kernel has no kexec support: a mismatch "
		    "at resume can only be refused, not repaired.");
		set_fix(b, "Use a kernel built with CONFIG_KEXEC (or "
		    "CONFIG_KEXEC_FILE) to allow repairs.");
	} else if (p->kexec_load_disabled) {
		set_what(b, "kexec is disabled (kernel.kexec_load_disabled = "
		    "1): a mismatch at resume can only be refused.");
		set_fix(b, "Stop setting kernel.kexec_load_disabled = 1 "
		    "(sysctl.d) and reboot; once set it stays set.");
	} else {
		set_what(b, "The kexec tool is missing: a mismatch at resume "
		    "can only be refused, not repaired.");
		set_fix(b, "Install kexec-tools and rebuild the initramfs so "
		    "it contains kexec.");
	}
}

int
check_run(const struct probe *p, const struct conf *cfg,
    struct blocker_list *out)
{
	struct conf defaults;
	struct blocker *b;
	size_t i;
	int n = 0;

	if (!p || !out)
		return -EINVAL;
	if (!cfg) {
		conf_init(&defaults);
		cfg = &defaults;
	}
	memset(out, 0, sizeof(*out));

	if (!p->is_xen) {
		b = add(out, BLOCK_NOT_XEN, LEVEL_BLOCKER);
		set_what(b, "This is not a Xen guest (/sys/hypervisor/type is "
		    "not \"xen\").");
		set_fix(b, "Nothing to make safe here: xen-handover guards "
		    "hibernation of Xen guests only; disable its units.");
		return 1;
	}
	if (p->rec.guest_type == GUEST_PV) {
		b = add(out, BLOCK_PV_GUEST, LEVEL_BLOCKER);
		set_what(b, "PV guests cannot hibernate: the kernel oopses "
		    "while creating the image (xen_load_idt in "
		    "restore_processor_state).");
		set_fix(b, "Convert the domain to PVH (type = \"pvh\" in its "
		    "xl config) or HVM, or do not hibernate it.");
	}
	check_xen_pm(p, cfg, out);
	check_hibernation(p, out);
	check_xen_state(p, cfg, out);
	check_swap(p, out);
	check_kexec(p, out);

	for (i = 0; i < out->n; i++)
		if (out->b[i].level == LEVEL_BLOCKER)
			n++;
	return n;
}

const char *
blocker_id_to_string(enum blocker_id id)
{
	if ((unsigned int)id >= _BLOCK_MAX)
		return NULL;
	return blocker_names[id];
}

const char *
blocker_level_to_string(enum blocker_level l)
{
	if ((unsigned int)l >= ARRAY_SIZE(level_names))
		return NULL;
	return level_names[l];
}
