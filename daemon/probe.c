// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Probe the running kernel's Xen state and identity through files under
 * a root directory (references/linux.md sections 1, 3, 8, 9). Missing
 * files leave facts unknown; only resource exhaustion fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fileio.h"
#include "probe.h"
#include "resume.h"
#include "sha256.h"
#include "swaphdr.h"
#include "util.h"

struct ksyms;

static int line_u64(const char *root, const char *path, int base,
    unsigned long long *v);
static bool release_at_least(const char *rel, unsigned major, unsigned minor);
static void probe_cmdline(struct probe *p);
static void probe_hypervisor(struct probe *p);
static void probe_identity(struct probe *p);
static void probe_memory(struct probe *p, char *scratch);
static void probe_kmsg(struct probe *p);
static enum tristate probe_interrupts(struct probe *p, char *text);
static void decide_xen_state(struct probe *p, enum tristate hint);
static void ksyms_line(struct ksyms *k, char *l);
static void read_kallsyms(const char *root, struct ksyms *k, char *buf,
    size_t bufsz);
static void probe_kallsyms(struct probe *p, char *scratch);
static void probe_power(struct probe *p);
static void unescape_octal(char *s);
static void probe_swaps_file(struct probe *p, char *text);
static void probe_swap(struct probe *p, char *scratch);

#define KMSG_READ_MAX (16u << 20)	/* bytes of kernel log we read */
#define KMSG_ERR_MAX 1024		/* EPIPE/EINVAL/EINTR retries */
#define KALLSYMS_READ_MAX (64u << 20)	/* a real one is ~10-20 MiB */
#define SCRATCH_SIZE (4u << 20)		/* /proc/interrupts, meminfo... */
#define MEMMAP_MAX 4096			/* /sys/firmware/memmap/N */
#define SMALL 256			/* one-line sysfs files */

/* _text of an x86-64 kernel that was not relocated (KASLR off). */
#define TEXT_UNRANDOMISED 0xffffffff81000000ull

/*
 * Symbols only a kernel carrying the (unmerged) "Fix PM hibernation in
 * Xen guests" series has: arch/x86/xen/suspend.c syscore callbacks that
 * redo the shared_info mapping, pvclock and grant tables after a PM
 * hibernation restore (linux.md 4.4). Both are function pointers in a
 * struct syscore_ops, so they cannot be inlined away.
 */
static const char *const xen_pm_symbols[] = {
	"xen_syscore_resume",
	"xen_syscore_suspend",
};

const char *
fact_source_to_string(enum fact_source s)
{
	static const char *const names[_SRC_MAX] = {
		[SRC_NONE] = "none",
		[SRC_KMSG] = "kmsg",
		[SRC_INTERRUPTS] = "interrupts",
		[SRC_CMDLINE] = "cmdline",
		[SRC_SYSFS] = "sysfs",
		[SRC_PROCFS] = "procfs",
		[SRC_KALLSYMS] = "kallsyms",
		[SRC_CONFIG] = "config",
		[SRC_DEFAULT] = "default",
	};

	if ((unsigned)s >= _SRC_MAX)
		return "invalid";
	return names[s];
}

const char *
lockdown_mode_to_string(enum lockdown_mode m)
{
	switch (m) {
	case LOCKDOWN_NONE:
		return "none";
	case LOCKDOWN_INTEGRITY:
		return "integrity";
	case LOCKDOWN_CONFIDENTIALITY:
		return "confidentiality";
	case LOCKDOWN_UNKNOWN:
	default:
		return "unknown";
	}
}

/* A whole unsigned decimal (or base) number in a sysfs line. */
static int
line_u64(const char *root, const char *path, int base,
    unsigned long long *v)
{
	char buf[SMALL];

	if (read_line_at(root, path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	return xh_parse_u64(buf, base, v);
}


/* "6.1.0-56-amd64" is at least major.minor? False when unparsable. */
static bool
release_at_least(const char *rel, unsigned major, unsigned minor)
{
	unsigned long a = 0, b = 0;
	char *end;

	if (!rel[0] || rel[0] < '0' || rel[0] > '9')
		return false;
	a = strtoul(rel, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return false;
	b = strtoul(end + 1, &end, 10);
	return a > major || (a == major && b >= minor);
}

static void
probe_cmdline(struct probe *p)
{
	struct record *r = &p->rec;
	uint8_t d[SHA256_DIGEST_SIZE];
	ssize_t n;
	long v;

	n = read_file_at(p->root, "/proc/cmdline", p->cmdline_raw,
	    sizeof(p->cmdline_raw));
	if (n < 0) {
		p->cmdline_raw[0] = '\0';
		return;
	}
	/* The raw text as the kernel keeps it: drop the one '\n' added. */
	if (n > 0 && p->cmdline_raw[n - 1] == '\n')
		p->cmdline_raw[--n] = '\0';
	if ((size_t)n < sizeof(r->cmdline)) {
		memcpy(r->cmdline, p->cmdline_raw, (size_t)n + 1);
		r->has_cmdline = true;
	}
	if (cmdline_parse(p->cmdline_raw, &p->cmdline) < 0) {
		/* Not parseable as the kernel would: digest the raw text. */
		sha256(p->cmdline_raw, (size_t)n, d);
		memcpy(r->cmdline_digest, d, RECORD_DIGEST_SIZE);
		return;		/* knobs stay unset */
	}
	cmdline_layout_digest(&p->cmdline, r->cmdline_digest,
	    RECORD_DIGEST_SIZE);
	r->knob_fifo_events = cmdline_get_bool(&p->cmdline,
	    "xen.fifo_events");
	v = cmdline_get_uint(&p->cmdline, "grant_table.version");
	/*
	 * The record holds 0..255. Any value but 1 and 2 means "choose
	 * automatically" to the kernel, so a larger one keeps its meaning.
	 */
	r->knob_gnttab_version = v > 255 ? 255 : (int)v;
}

static void
probe_hypervisor(struct probe *p)
{
	struct record *r = &p->rec;
	unsigned long long major, minor, feat;
	char buf[SMALL];

	if (read_line_at(p->root, "/sys/hypervisor/type", buf,
	    sizeof(buf)) >= 0 && streq(buf, "xen"))
		p->is_xen = true;
	if (!p->is_xen)
		return;

	if (read_line_at(p->root, "/sys/hypervisor/guest_type", buf,
	    sizeof(buf)) >= 0) {
		r->guest_type = guest_type_from_string(buf);
		if (r->guest_type != GUEST_UNKNOWN)
			p->guest_src = SRC_SYSFS;
	}
	if (line_u64(p->root, "/sys/hypervisor/version/major", 10,
	    &major) == 0 &&
	    line_u64(p->root, "/sys/hypervisor/version/minor", 10,
	    &minor) == 0 && major <= UINT_MAX && minor <= UINT_MAX) {
		r->has_xen_version = true;
		r->xen_major = (unsigned)major;
		r->xen_minor = (unsigned)minor;
		p->xen_version_src = SRC_SYSFS;
		/* ".7", "-rc": the record wants it printable, short and
		 * not starting with a digit; anything else stays unknown. */
		if (read_line_at(p->root, "/sys/hypervisor/version/extra",
		    buf, sizeof(buf)) >= 0 && xh_printable(buf) &&
		    strlen(buf) < sizeof(r->xen_extra) &&
		    !(buf[0] >= '0' && buf[0] <= '9'))
			xh_strlcpy(r->xen_extra, buf, sizeof(r->xen_extra));
	}
	if (line_u64(p->root, "/sys/hypervisor/properties/features", 16,
	    &feat) == 0 && feat <= UINT32_MAX) {
		r->has_xen_features = true;
		r->xen_features = (uint32_t)feat;
		p->features_src = SRC_SYSFS;
	}
	if (read_line_at(p->root, "/sys/hypervisor/uuid", buf,
	    sizeof(buf)) >= 0 && xh_parse_uuid(buf, r->domain_uuid) == 0)
		r->has_domain_uuid = true;
}

static void
probe_identity(struct probe *p)
{
	struct record *r = &p->rec;
	uint8_t notes[4096];
	char buf[SMALL];
	ssize_t n;
	int len;

	if (read_line_at(p->root, "/proc/sys/kernel/osrelease", buf,
	    sizeof(buf)) >= 0 && xh_printable(buf) &&
	    strlen(buf) < sizeof(r->kernel_release))
		xh_strlcpy(r->kernel_release, buf,
		    sizeof(r->kernel_release));
	if (read_line_at(p->root, "/proc/sys/kernel/random/boot_id", buf,
	    sizeof(buf)) >= 0 && xh_parse_uuid(buf, r->boot_id) == 0)
		r->has_boot_id = true;
	n = read_bin_at(p->root, "/sys/kernel/notes", notes, sizeof(notes));
	if (n > 0) {
		len = notes_build_id(notes, (size_t)n, r->build_id,
		    sizeof(r->build_id));
		if (len > 0) {
			r->build_id_len = (size_t)len;
			p->build_id_src = SRC_SYSFS;
		}
	}
}

static void
probe_memory(struct probe *p, char *scratch)
{
	struct record *r = &p->rec;
	struct sha256 ctx;
	char buf[SMALL], path[96];
	unsigned n, entries = 0;
	char *meminfo = scratch;
	uint64_t ram_bytes = 0;
	bool ram_ok = true;
	int cpus;

	sha256_init(&ctx);
	for (n = 0; n < MEMMAP_MAX; n++) {
		char start[SMALL], end[SMALL], type[SMALL], line[3 * SMALL];
		int len;

		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/start",
		    n);
		if (read_line_at(p->root, path, start, sizeof(start)) < 0)
			break;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/end", n);
		if (read_line_at(p->root, path, end, sizeof(end)) < 0)
			break;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%u/type",
		    n);
		if (read_line_at(p->root, path, type, sizeof(type)) < 0)
			break;
		len = snprintf(line, sizeof(line), "%s %s %s\n", start, end,
		    type);
		sha256_update(&ctx, line, (size_t)len);
		entries++;
		if (streq(type, "System RAM")) {
			unsigned long long a, b;

			if (xh_parse_u64(start, 0, &a) < 0 ||
			    xh_parse_u64(end, 0, &b) < 0 || b < a ||
			    b - a + 1 > UINT64_MAX - ram_bytes)
				ram_ok = false;
			else
				ram_bytes += b - a + 1;
		}
	}
	if (entries > 0) {
		uint8_t d[SHA256_DIGEST_SIZE];

		sha256_final(&ctx, d);
		memcpy(r->memmap_digest, d, RECORD_DIGEST_SIZE);
		r->has_memmap_digest = true;
		p->memmap_src = SRC_SYSFS;
		/*
		 * RAM size from the firmware map, not MemTotal: MemTotal
		 * moves with the kernel build and its command line, the
		 * firmware map only with the domain's memory configuration
		 * (which is what the kernel's image check compares).
		 */
		if (ram_ok && ram_bytes >= 1024) {
			r->ram_kib = ram_bytes / 1024;
			p->ram_src = SRC_SYSFS;
		}
	}

	if (read_line_at(p->root, "/sys/devices/system/cpu/possible", buf,
	    sizeof(buf)) >= 0 && (cpus = cpulist_count(buf)) > 0) {
		r->vcpus_possible = (unsigned)cpus;
		p->vcpus_src = SRC_SYSFS;
	}

	if (read_file_at(p->root, "/proc/meminfo", meminfo,
	    SCRATCH_SIZE) >= 0) {
		const char *m = strstr(meminfo, "MemTotal:");
		unsigned long long kib;
		char *e;

		if (m && (m == meminfo || m[-1] == '\n')) {
			m += strlen("MemTotal:");
			while (*m == ' ' || *m == '\t')
				m++;
			if (*m >= '0' && *m <= '9') {
				kib = strtoull(m, &e, 10);
				if (startswith(e, " kB") && kib > 0) {
					p->has_memtotal = true;
					p->memtotal_kib = kib;
					if (p->ram_src == SRC_NONE) {
						r->ram_kib = kib;
						p->ram_src = SRC_PROCFS;
					}
				}
			}
		}
	}
}

static void
probe_kmsg(struct probe *p)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX], buf[8192];
	size_t total = 0;
	unsigned errs = 0;

	if (root_path(p->root, "/dev/kmsg", path, sizeof(path)) < 0)
		return;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	/*
	 * SEEK_SET is the oldest record still in the buffer (SEEK_DATA would
	 * skip what "dmesg -c" cleared). A fresh open starts there anyway;
	 * a regular file fixture is at 0 already.
	 */
	(void)lseek(fd, 0, SEEK_SET);
	while (total < KMSG_READ_MAX) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			total += (size_t)n;
			kmsg_facts_feed(&p->kmsg, buf, (size_t)n);
			p->kmsg_readable = true;
			continue;
		}
		if (n == 0) {
			p->kmsg_readable = true;
			break;
		}
		if (errno == EAGAIN) {
			p->kmsg_readable = true;
			break;
		}
		if (++errs > KMSG_ERR_MAX)
			break;
		if (errno == EPIPE)
			p->kmsg.wrapped = true;	/* overwritten under us */
		else if (errno != EINVAL && errno != EINTR)
			break;	/* EPERM (dmesg_restrict) and the like */
	}
	kmsg_facts_end(&p->kmsg);
}

static enum tristate
probe_interrupts(struct probe *p, char *text)
{
	if (read_file_at(p->root, "/proc/interrupts", text,
	    SCRATCH_SIZE) < 0)
		return TRI_UNKNOWN;
	return interrupts_2l_hint(text);
}

static void
decide_xen_state(struct probe *p, enum tristate hint)
{
	struct record *r = &p->rec;

	if (p->kmsg.evtchn != EVTCHN_UNKNOWN) {
		r->evtchn = p->kmsg.evtchn;
		p->evtchn_src = SRC_KMSG;
	} else if (hint == TRI_YES &&
	    release_at_least(r->kernel_release, 5, 10)) {
		/* Before 5.10 debugN was bound in FIFO mode as well. */
		r->evtchn = EVTCHN_2L;
		p->evtchn_src = SRC_INTERRUPTS;
	} else if (hint == TRI_NO) {
		r->evtchn = EVTCHN_FIFO;
		p->evtchn_src = SRC_INTERRUPTS;
	} else if (p->is_xen && r->knob_fifo_events == 0) {
		r->evtchn = EVTCHN_2L;
		p->evtchn_src = SRC_CMDLINE;
	} else if (p->is_xen && r->has_xen_version) {
		/* FIFO unless Xen lacks it (before 4.4): linux.md 1.2. */
		r->evtchn = r->xen_major > 4 ||
		    (r->xen_major == 4 && r->xen_minor >= 4) ?
		    EVTCHN_FIFO : EVTCHN_2L;
		p->evtchn_src = SRC_CMDLINE;
	}

	if (p->kmsg.gnttab_version) {
		r->gnttab_version = p->kmsg.gnttab_version;
		p->gnttab_src = SRC_KMSG;
	} else if (r->knob_gnttab_version == 1 ||
	    r->knob_gnttab_version == 2) {
		r->gnttab_version = r->knob_gnttab_version;
		p->gnttab_src = SRC_CMDLINE;
	} else if (p->is_xen || p->kmsg.saw_xen) {
		r->gnttab_version = 1;
		p->gnttab_src = SRC_DEFAULT;
	}
}

struct ksyms {
	unsigned long lines;	/* symbol lines parsed */
	bool complete;		/* read to EOF */
	bool has_text;
	unsigned long long text;
	const char *pm_symbol;	/* first xen_pm_symbols[] hit */
};

/* "ffffffff81000000 T _text" or "... t name\t[module]". */
static void
ksyms_line(struct ksyms *k, char *l)
{
	char *addr = l, *type, *name, *end;
	unsigned long long a;
	size_t i;

	type = strchr(addr, ' ');
	if (!type)
		return;
	*type++ = '\0';
	name = strchr(type, ' ');
	if (!name || name - type != 1)
		return;
	*name++ = '\0';
	end = name + strcspn(name, " \t");
	*end = '\0';
	if (!*name || xh_parse_u64(addr, 16, &a) < 0)
		return;
	k->lines++;
	if (!k->has_text && streq(name, "_text")) {
		k->has_text = true;
		k->text = a;
	}
	for (i = 0; !k->pm_symbol && i < ARRAY_SIZE(xen_pm_symbols); i++)
		if (streq(name, xen_pm_symbols[i]))
			k->pm_symbol = xen_pm_symbols[i];
}

/* Stream /proc/kallsyms with a fixed buffer: it is megabytes long. */
static void
read_kallsyms(const char *root, struct ksyms *k, char *buf, size_t bufsz)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX], line[512];
	size_t total = 0, len = 0;
	bool cut = false;

	memset(k, 0, sizeof(*k));
	if (root_path(root, "/proc/kallsyms", path, sizeof(path)) < 0)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	while (total < KALLSYMS_READ_MAX) {
		ssize_t n = read(fd, buf, bufsz);
		ssize_t i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (n == 0) {
			if (len > 0 && !cut) {
				line[len] = '\0';
				ksyms_line(k, line);
			}
			k->complete = true;
			return;
		}
		total += (size_t)n;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				line[len] = '\0';
				if (!cut)
					ksyms_line(k, line);
				len = 0;
				cut = false;
			} else if (len < sizeof(line) - 1) {
				line[len++] = buf[i];
			} else {
				cut = true;
			}
		}
	}
}

static void
probe_kallsyms(struct probe *p, char *scratch)
{
	struct record *r = &p->rec;
	struct ksyms k;

	read_kallsyms(p->root, &k, scratch, 65536);

	if (cmdline_has(&p->cmdline, "nokaslr")) {
		r->kaslr = KASLR_OFF;
		p->kaslr_src = SRC_CMDLINE;
	} else if (k.has_text && k.text != 0) {
		/* Zero addresses: kptr_restrict hides them from us. */
		r->kaslr = k.text == TEXT_UNRANDOMISED ? KASLR_OFF : KASLR_ON;
		p->kaslr_src = SRC_KALLSYMS;
	}

	if (k.pm_symbol) {
		p->xen_pm_restore = TRI_YES;
		xh_strlcpy(p->xen_pm_signal, k.pm_symbol,
		    sizeof(p->xen_pm_signal));
		p->xen_pm_src = SRC_KALLSYMS;
	} else if (k.complete && k.lines > 0) {
		p->xen_pm_restore = TRI_NO;
		p->xen_pm_src = SRC_KALLSYMS;
	}
}

static void
probe_power(struct probe *p)
{
	char buf[SMALL];
	struct stat st;
	size_t i;
	static const char *const kexec_paths[] = {
		"/usr/sbin/kexec",
		"/sbin/kexec",
	};

	if (read_line_at(p->root, "/sys/kernel/security/lockdown", buf,
	    sizeof(buf)) >= 0) {
		if (strstr(buf, "[none]"))
			p->lockdown = LOCKDOWN_NONE;
		else if (strstr(buf, "[integrity]"))
			p->lockdown = LOCKDOWN_INTEGRITY;
		else if (strstr(buf, "[confidentiality]"))
			p->lockdown = LOCKDOWN_CONFIDENTIALITY;
	}

	if (read_line_at(p->root, "/sys/power/state", buf,
	    sizeof(buf)) >= 0) {
		char *save = NULL, *w;
		bool disk = false;

		for (w = strtok_r(buf, " \t\n", &save); w;
		    w = strtok_r(NULL, " \t\n", &save))
			if (streq(w, "disk"))
				disk = true;
		/* Without hibernation_available() it reads "[disabled]". */
		if (disk && (read_line_at(p->root, "/sys/power/disk", buf,
		    sizeof(buf)) < 0 || !streq(buf, "[disabled]")))
			p->hibernation_available = true;
	}

	p->kexec_supported = exists_at(p->root, "/sys/kernel/kexec_loaded") > 0;
	p->kexec_load_disabled = read_line_at(p->root,
	    "/proc/sys/kernel/kexec_load_disabled", buf, sizeof(buf)) >= 0 &&
	    streq(buf, "1");
	for (i = 0; i < ARRAY_SIZE(kexec_paths); i++) {
		char path[PATH_MAX];

		if (root_path(p->root, kexec_paths[i], path, sizeof(path)) < 0)
			continue;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111)) {
			p->kexec_tool = true;
			break;
		}
	}
}

/* /proc/swaps escapes ' ', '\t', '\n' and '\\' as \ooo. */
static void
unescape_octal(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
			    (s[3] - '0'));
			s += 4;
		} else {
			*w++ = *s++;
		}
	}
	*w = '\0';
}

static void
probe_swaps_file(struct probe *p, char *text)
{
	struct probe_swap *sw = &p->swap;
	char *save = NULL, *line;
	bool first = true;

	if (read_file_at(p->root, "/proc/swaps", text, SCRATCH_SIZE) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char name[PATH_MAX], type[32], resolved[256];
		unsigned long long size;

		if (first) {	/* the "Filename Type Size ..." header */
			first = false;
			if (startswith(line, "Filename"))
				continue;
		}
		if (sscanf(line, "%4095s %31s %llu", name, type, &size) != 3)
			continue;
		unescape_octal(name);
		if (!streq(name, sw->device) &&
		    (resume_resolve_in_root(p->root, name, resolved,
		    sizeof(resolved)) < 0 || !streq(resolved, sw->device)) &&
		    !resume_same_file_in_root(p->root, name, sw->device))
			continue;
		sw->active = true;
		sw->size_kib = size;
		return;
	}
}

static void
probe_swap(struct probe *p, char *scratch)
{
	struct probe_swap *sw = &p->swap;
	struct record_swap *rs = &p->rec.swap;
	struct resume_spec spec = { 0 };
	char buf[SMALL], devnum[32], full[PATH_MAX];
	unsigned long long off;
	struct stat st;
	int r = -ENOENT;

	/* xen_handover.resume= (setup moves resume= there) before resume=. */
	resume_spec_from_cmdline(&p->cmdline, &spec);
	xh_strlcpy(sw->resume_param, spec.param, sizeof(sw->resume_param));
	if (read_line_at(p->root, "/sys/power/resume", buf,
	    sizeof(buf)) >= 0 &&
	    resume_parse_devnum(buf, &sw->resume_major,
	    &sw->resume_minor) == 0 &&
	    (sw->resume_major || sw->resume_minor))
		sw->has_resume_dev = true;
	if (line_u64(p->root, "/sys/power/resume_offset", 10, &off) == 0) {
		sw->has_resume_offset = true;
		sw->resume_offset = off;
	} else if (spec.has_offset) {
		sw->has_resume_offset = true;
		sw->resume_offset = spec.offset;
	}

	/* What the kernel was told wins over what the command line says. */
	if (sw->has_resume_dev) {
		snprintf(devnum, sizeof(devnum), "%u:%u", sw->resume_major,
		    sw->resume_minor);
		r = resume_locate(p->root, devnum, sw->device,
		    sizeof(sw->device));
	} else if (sw->resume_param[0]) {
		r = resume_locate(p->root, sw->resume_param, sw->device,
		    sizeof(sw->device));
	}
	if (r < 0)
		sw->device[0] = '\0';

	/* dev_t holds a 12-bit major and a 20-bit minor. */
	if (sw->has_resume_dev && sw->resume_major < 4096 &&
	    sw->resume_minor < (1u << 20)) {
		rs->has_dev = true;
		rs->dev_major = sw->resume_major;
		rs->dev_minor = sw->resume_minor;
	}
	rs->offset = sw->has_resume_offset ? sw->resume_offset : 0;
	if (!sw->device[0])
		return;

	if (root_path(p->root, sw->device, full, sizeof(full)) == 0) {
		_cleanup_close_ int fd = open(full,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY);
		uint8_t page[SWAP_PAGE_SIZE];
		uint64_t at = rs->offset;

		if (fd >= 0 && fstat(fd, &st) == 0) {
			if (!rs->has_dev && S_ISBLK(st.st_mode)) {
				rs->has_dev = true;
				rs->dev_major = major(st.st_rdev);
				rs->dev_minor = minor(st.st_rdev);
			}
			if (at <= (uint64_t)INT64_MAX / SWAP_PAGE_SIZE &&
			    pread(fd, page, sizeof(page),
			    (off_t)(at * SWAP_PAGE_SIZE)) ==
			    (ssize_t)sizeof(page)) {
				struct swaphdr h;
				size_t i;

				sw->header_read = true;
				if (swaphdr_parse(page, &h) == 0) {
					sw->is_swap = true;
					sw->is_image = h.is_image;
					memcpy(sw->uuid, h.uuid, 16);
					for (i = 0; i < 16; i++)
						if (h.uuid[i])
							sw->has_uuid = true;
				}
			}
		}
	}
	if (sw->has_uuid) {
		rs->has_uuid = true;
		memcpy(rs->uuid, sw->uuid, 16);
	}
	probe_swaps_file(p, scratch);
}

int
probe_run(const char *root, int64_t now, struct probe *p)
{
	_cleanup_free_ char *scratch = NULL;
	enum tristate hint;

	memset(p, 0, sizeof(*p));
	record_init(&p->rec);
	kmsg_facts_init(&p->kmsg);
	if (!root || !*root)
		root = "/";
	if (xh_strlcpy(p->root, root, sizeof(p->root)) >= sizeof(p->root))
		return -ENAMETOOLONG;
	scratch = malloc(SCRATCH_SIZE);
	if (!scratch)
		return -ENOMEM;

	probe_cmdline(p);
	probe_hypervisor(p);
	probe_identity(p);
	probe_memory(p, scratch);
	probe_kmsg(p);
	hint = probe_interrupts(p, scratch);
	decide_xen_state(p, hint);
	probe_kallsyms(p, scratch);
	probe_power(p);
	probe_swap(p, scratch);

	p->rec.state = RECORD_STATE_RUNNING;
	p->rec.created = now;
	return 0;
}
