/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The resume gate (`xen-handover gate`, run in the boot kernel's
 * initramfs before anything can resume): find the resume device, look
 * for an image, read its record, probe this boot kernel, decide, act.
 *
 *   proceed/force  write /sys/power/resume_offset, then /sys/power/resume
 *                  (the kernel resumes inside that write);
 *   repair         kexec the image's kernel (embedded in the initramfs)
 *                  with the image's Xen knobs and xen_handover.repaired=1;
 *                  Xen soft-resets the domain (linux.md 6);
 *   refuse         never write /sys/power/resume, leave the signature,
 *                  keep this boot from activating the area (runtime swap
 *                  unit masks, /run/xen-handover/no-swapon), say why and
 *                  how to resume, record /run/xen-handover/gate.json.
 *
 * Writing /sys/power/resume erases the image's signature before the
 * kernel loads it (linux.md 5.2): every check happens before that write,
 * and nothing else in the gate writes to the swap area.
 *
 * Side effects go through struct gate_ops so tests and the benchmark can
 * watch them; gate_ops_default does the real thing under g->root.
 */
#ifndef XH_GATE_H
#define XH_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cmdline.h"
#include "conf.h"
#include "json.h"
#include "probe.h"
#include "record.h"
#include "resume.h"
#include "store.h"
#include "verdict.h"

/* Where the hooks put the image kernels: <dir>/<release>/vmlinuz and
 * <dir>/<release>/build-id (one line of hex). */
#define GATE_KERNEL_DIR "/usr/lib/xen-handover/kernel"
#define GATE_RUN_DIR "/run/xen-handover"
#define GATE_EVENT_PATH GATE_RUN_DIR "/gate.json"
#define GATE_NO_SWAPON_PATH GATE_RUN_DIR "/no-swapon"
#define GATE_INITRD_PATH GATE_RUN_DIR "/initrd.cpio"
#define GATE_MASK_DIR "/run/systemd/system"
#define GATE_TIMEOUT_DEFAULT 10		/* seconds to wait for the device */
#define GATE_POLL_MS 50
#define GATE_MASK_MAX 16
#define GATE_UNIT_MAX 256		/* systemd's UNIT_NAME_MAX */
#define GATE_INITRD_MAX (1024ull << 20)	/* repacked initramfs, bytes */
#define GATE_KERNELS_MAX 64		/* directories looked at */

/* --- pieces `xen-handover verdict` shares ------------------------------ */

/* gate_find_kernel() flags. */
#define GATE_KERNEL_ALLOW_BOOT 1u	/* also /boot/vmlinuz-<release> */

/*
 * The image's kernel file under root: the directory of GATE_KERNEL_DIR
 * whose build-id equals the record's (or, when the record has none,
 * whose name equals its release) and holds a vmlinuz; with
 * GATE_KERNEL_ALLOW_BOOT, else /boot/vmlinuz-<release> (the running
 * system, where no build-id can be checked). Path inside root to out.
 * 0 found, -ENOENT not found, -ENAMETOOLONG.
 */
int gate_find_kernel(const char *root, const struct record *image,
    unsigned int flags, char *out, size_t outsz);

/*
 * What this boot can do for a repair. kexec_tool: a kexec binary is at
 * hand; kernel_found: gate_find_kernel() found the image's kernel.
 */
void gate_build_caps(const struct probe *p, bool kexec_tool,
    bool kernel_found, bool dom0_soft_reset, struct capabilities *caps);

/*
 * The policy: the configuration's, then xen_handover.policy= and
 * xen_handover.repair= on the command line, then policy_arg (already
 * validated; may be NULL). Returns 0, or GATE_IGNORED_* bits for those
 * that held no valid value (ignored: the caller warns).
 */
#define GATE_IGNORED_POLICY 1
#define GATE_IGNORED_REPAIR 2
int gate_resolve_policy(const struct conf *cfg, const struct cmdline *c,
    const char *policy_arg, struct policy *pol);

/*
 * The warning for gate_resolve_policy()'s GATE_IGNORED_* bits: each word
 * ignored, its value (at most 64 bytes of it) and the values it takes.
 */
#define GATE_IGNORED_TEXT_MAX 320
void gate_ignored_text(int ignored, const struct cmdline *c, char *buf,
    size_t size);

/*
 * verdict_decide(), then the gate's own rule: force never resumes an
 * image whose memory size, memory map or vCPU count changed. The kernel
 * rejects the first two only after erasing the signature and hangs on
 * the third (lab.md 10): the session would be lost either way, so that
 * is a refusal that keeps the image. Same returns as verdict_decide().
 */
int gate_decide(const struct policy *pol, const struct record *image,
    const struct diff_list *diffs, const struct capabilities *caps,
    struct decision *out);

/*
 * The command line for a repair's kexec or for a refusal's advice: the
 * boot's line (the image's recorded one when the layout differs and the
 * record carries it) with the image's Xen knobs, without
 * xen_handover.repaired, and with resume=/resume_offset= turned into
 * xen_handover.resume=/xen_handover.resume_offset= so that the next
 * kernel cannot resume before its gate checked the image; for a repair
 * plus xen_handover.repaired=1 (the loop guard). cmdline_rewrite()'s
 * returns, -ENOMEM.
 */
int gate_cmdline(const char *boot_cmdline, const struct record *image,
    const struct diff_list *diffs, const struct decision *d, char *out,
    size_t outsz);

/* One sentence: what the gate does for a verdict. */
const char *gate_action_text(enum verdict v);

/* The differences as a JSON array "differences", or as text lines
 * ("Differences (image -> this boot):", one per field, with the detail
 * sentence under each when details). */
void gate_json_differences(struct json *j, const struct diff_list *diffs);
void gate_print_differences(FILE *f, const struct diff_list *diffs,
    bool details);

/*
 * systemd's unit name for the swap unit of an absolute path
 * (systemd-escape --path --suffix=swap): "/dev/xvdb" is "dev-xvdb.swap",
 * "/dev/disk/by-uuid/a-b" is "dev-disk-by\x2duuid-a\x2db.swap". 0,
 * -EINVAL (relative, or a ".." component), -ENAMETOOLONG (longer than
 * GATE_UNIT_MAX - 1, or than outsz).
 */
int gate_swap_unit_name(const char *path, char *out, size_t outsz);

/*
 * udev's link name for a label (encode_devnode_name(): bytes other than
 * alphanumerics and "#+-.:=@_" as \xNN). 0 or -ENAMETOOLONG.
 */
int gate_udev_encode(const char *s, char *out, size_t outsz);

/* --- the gate ---------------------------------------------------------- */

struct gate;

struct gate_ops {
	/* Write value to root/path, one write(2) (a sysfs attribute). */
	int (*write_attr)(struct gate *g, const char *path,
	    const char *value);
	/* Run argv[0] (a path) with argv and wait: its exit status
	 * (0..255, 128 + signal) or -errno. */
	int (*run)(struct gate *g, char *const argv[]);
	/* One message for the kernel log (no newline); console: also for
	 * stderr, false when the console message shows it already. */
	void (*log)(struct gate *g, int level, bool console,
	    const char *msg);
};

/* Real: the files under g->root, fork/exec, /dev/kmsg + stderr. */
extern const struct gate_ops gate_ops_default;

enum gate_outcome {
	GATE_OUT_NONE = 0,	/* nothing decided yet */
	GATE_OUT_NORESUME,	/* noresume on the command line */
	GATE_OUT_NO_DEVICE,	/* no resume device configured */
	GATE_OUT_TIMEOUT,	/* the device did not appear in time */
	GATE_OUT_NO_IMAGE,	/* no hibernation image on it */
	GATE_OUT_RESUME,	/* proceed/force: the resume was triggered */
	GATE_OUT_REPAIR,	/* kexec took over */
	GATE_OUT_REFUSE,	/* image kept, not resumed */
	GATE_OUT_ERROR,		/* could not read the area or act */
	_GATE_OUT_MAX,
};

struct gate {
	/* Set by the caller after gate_init(). */
	const char *root;		/* default "/" */
	bool dry_run;			/* decide and print, act on nothing */
	int timeout;			/* seconds; -1: configuration, else
					   GATE_TIMEOUT_DEFAULT */
	const char *policy_arg;		/* --policy, NULL */
	const char *resume_arg;		/* --resume: wins over the command
					   line and gate.conf; NULL */
	bool has_offset_arg;		/* --resume-offset given */
	uint64_t offset_arg;
	const char *kexec_arg;		/* --kexec, NULL: under root */
	bool dom0_soft_reset;
	int64_t now;			/* seconds, for gate.json */
	const struct gate_ops *ops;
	void *userdata;			/* for ops */
	FILE *console;			/* the message for the user; NULL */

	/* What the gate found and decided (read them after gate_run()). */
	struct conf conf;
	char conf_error[512];
	struct cmdline cmdline;
	char cmdline_raw[CMDLINE_MAX];
	struct resume_spec spec;
	char device[256];		/* resolved, a path inside root */
	bool has_devnum;
	uint32_t dev_major, dev_minor;
	struct store_state st;
	bool has_record;
	struct record image;
	struct probe *probe;		/* this boot kernel (allocated) */
	struct diff_list diffs;
	struct capabilities caps;
	struct policy pol;
	bool decided;
	struct decision dec;
	char kernel[256];		/* the image's kernel inside root */
	char kexec[4096];		/* the kexec binary (a host path) */
	char fixed_cmdline[CMDLINE_MAX];	/* repair/refuse, else "" */
	size_t nmasks;
	char masks[GATE_MASK_MAX][GATE_UNIT_MAX];
	enum gate_outcome outcome;
	char note[512];			/* why an action failed */
	int exit_code;			/* cli.h EXIT_* */
};

/* Defaults; the caller then sets the options. */
void gate_init(struct gate *g);
void gate_free(struct gate *g);

/* All of it: returns the exit code (also in g->exit_code). */
int gate_run(struct gate *g);

/*
 * The steps gate_run() takes, for tests. gate_locate(): configuration,
 * command line, device and wait (the device from --resume, else
 * xen_handover.resume=, else resume=, else gate.conf; the offset the
 * same way from the _offset parameters and resume-offset);
 * gate_examine(): header, record, probe, verdict (g->decided);
 * gate_act(): the action for g->dec. Each returns 1 when the gate goes
 * on, 0 when it is done (g->outcome and g->exit_code set).
 */
int gate_locate(struct gate *g);
int gate_examine(struct gate *g);
int gate_act(struct gate *g);

/* The event as JSON (gate.json, --json). */
void gate_write_json(const struct gate *g, FILE *f);

const char *gate_outcome_to_string(enum gate_outcome o);

#endif
