/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Probes: what the running kernel set up with Xen, and where each fact
 * came from. Every read goes through a root directory (default "/") so
 * tests feed fixture trees. Missing files are facts ("unknown"), never
 * errors; only resource exhaustion fails a probe.
 */
#ifndef XH_PROBE_H
#define XH_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "cmdline.h"
#include "record.h"

enum fact_source {
	SRC_NONE = 0,		/* not found anywhere */
	SRC_KMSG,		/* kernel log (/dev/kmsg) */
	SRC_INTERRUPTS,		/* /proc/interrupts debugN hint */
	SRC_CMDLINE,		/* inferred from /proc/cmdline */
	SRC_SYSFS,		/* /sys/... */
	SRC_PROCFS,		/* /proc/... */
	SRC_KALLSYMS,		/* /proc/kallsyms */
	SRC_CONFIG,		/* our configuration file */
	SRC_DEFAULT,		/* the kernel's documented default */
	_SRC_MAX,
};

enum lockdown_mode {
	LOCKDOWN_UNKNOWN = 0,	/* no securityfs lockdown file */
	LOCKDOWN_NONE,
	LOCKDOWN_INTEGRITY,
	LOCKDOWN_CONFIDENTIALITY,
};

enum tristate {
	TRI_UNKNOWN = 0,
	TRI_NO,
	TRI_YES,
};

#define KMSG_LINE_MAX 256	/* longer lines are cut; none we match is */

/* Kernel log facts (also used by tests and the fuzz target). */
struct kmsg_facts {
	enum evtchn_abi evtchn;	/* last "xen:events: Using ..." line */
	int gnttab_version;	/* last "Grant tables using version N" */
	bool wrapped;		/* first record seq > 0, a seq gap, or EPIPE */
	bool saw_xen;		/* a "xen:" line or a Xen boot banner */
	bool has_seq;		/* some record carried a /dev/kmsg seq */
	unsigned long long first_seq;
	unsigned long long last_seq;
	unsigned long records;

	/* Parser state: the line being assembled across feed() calls. */
	size_t line_len;
	bool line_cut;		/* the current line overflowed line[] */
	char line[KMSG_LINE_MAX];
};

/*
 * Feed kernel log text: /dev/kmsg records ("6,123,456,-;msg"), one or
 * more per call, or plain dmesg lines ("[    0.123456] msg", optionally
 * "<6>" first). Chunks may split lines anywhere. Continuation lines
 * (starting with a space) are skipped. kmsg_facts_end() handles a last
 * line without a newline. Pure; call kmsg_facts_init() first.
 */
void kmsg_facts_init(struct kmsg_facts *k);
void kmsg_facts_feed(struct kmsg_facts *k, const char *buf, size_t len);
void kmsg_facts_end(struct kmsg_facts *k);

/*
 * /proc/interrupts text: TRI_YES when xen-percpu "debugN" lines exist
 * (2-level), TRI_NO when the xen-percpu IPIs bound next to them
 * (reschedN, callfuncN, callfuncsingleN, arch/x86/xen/smp.c
 * xen_smp_intr_init()) exist without them (FIFO), TRI_UNKNOWN otherwise
 * (no xen-percpu lines, or only timerN/spinlockN/irqworkN, which other
 * code binds under other conditions). Kernels before 5.10 bound debugN
 * in FIFO mode too: callers must not trust TRI_YES there.
 */
enum tristate interrupts_2l_hint(const char *text);

/* Parse a cpulist such as "0-3,5" into a count; -EINVAL when bad. */
int cpulist_count(const char *s);

/*
 * Parse /sys/kernel/notes (a sequence of ELF notes). Copies the GNU
 * build-id (type 3, name "GNU") into out. Returns its length, 0 when
 * absent, -EINVAL when the notes are malformed, -ENOBUFS when the
 * build-id is longer than outsz.
 */
int notes_build_id(const uint8_t *notes, size_t len, uint8_t *out,
    size_t outsz);

struct probe_swap {
	char resume_param[256];	/* xen_handover.resume= or else resume=,
				   as on the command line, or "" */
	bool has_resume_dev;	/* /sys/power/resume != 0:0 */
	uint32_t resume_major, resume_minor;
	bool has_resume_offset;
	uint64_t resume_offset;	/* pages */
	char device[256];	/* resolved path inside root ("/dev/xvda":
				   open root + device), "" if none */
	bool header_read;	/* the header page was read */
	bool is_swap;		/* it carries SWAPSPACE2 or an image sig */
	bool is_image;		/* a hibernation image signature */
	bool has_uuid;
	uint8_t uuid[16];
	bool active;		/* listed in /proc/swaps */
	uint64_t size_kib;	/* from /proc/swaps when active, else 0 */
};

struct probe {
	char root[256];

	/* Is this a Xen guest at all? */
	bool is_xen;		/* /sys/hypervisor/type == "xen" */

	struct record rec;	/* the facts as a record (state running) */

	/* Where each record fact came from. */
	enum fact_source evtchn_src, gnttab_src, kaslr_src;
	enum fact_source guest_src, xen_version_src, features_src;
	enum fact_source build_id_src, memmap_src, vcpus_src, ram_src;
	bool kmsg_readable;
	struct kmsg_facts kmsg;

	struct cmdline cmdline;	/* parsed /proc/cmdline */
	char cmdline_raw[CMDLINE_MAX];

	/* Things check and the gate need beyond the record. */
	enum lockdown_mode lockdown;
	bool hibernation_available;	/* "disk" in /sys/power/state and
					   /sys/power/disk not [disabled] */
	bool kexec_supported;		/* /sys/kernel/kexec_loaded exists */
	bool kexec_load_disabled;	/* kernel.kexec_load_disabled = 1 */
	bool kexec_tool;		/* kexec binary under root */
	enum tristate xen_pm_restore;	/* kernel re-establishes Xen devices
					   after a hibernation resume */
	char xen_pm_signal[64];		/* the symbol that decided it */
	enum fact_source xen_pm_src;
	bool has_memtotal;
	uint64_t memtotal_kib;
	struct probe_swap swap;
};

/*
 * Probe the system under root (NULL or "" = "/"). Fills p. Returns 0, or
 * -ENOMEM / -ENAMETOOLONG; absent files only leave facts unknown.
 * Sets p->rec.created from `now` (seconds) so callers control time.
 */
int probe_run(const char *root, int64_t now, struct probe *p);

const char *fact_source_to_string(enum fact_source s);
const char *lockdown_mode_to_string(enum lockdown_mode m);

#endif
