// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Time the resume gate's compatible path end to end: configuration,
 * command line, device, header and record, probe of the boot kernel,
 * verdict, and the two /sys/power writes (plain files here, so nothing
 * resumes). The root is a copy of a captured fixture whose swap area
 * holds the same kernel's record and an S1SUSPEND signature.
 * Usage: bench_gate [iterations] [fixture] (default 2000,
 * test/fixtures/deb12-6.1-pvh-2l), in $TMPDIR, else /dev/shm, else /tmp.
 * Target: <= 2 ms per run.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "gate.h"
#include "probe.h"
#include "store.h"

#ifndef XH_FIXTURES_DIR
#define XH_FIXTURES_DIR "test/fixtures"
#endif

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* The kernel log stays as captured: no appends between runs. */
static void
quiet_log(struct gate *g, int level, bool console, const char *msg)
{
	(void)g;
	(void)level;
	(void)console;
	(void)msg;
}

static int
no_run(struct gate *g, char *const argv[])
{
	(void)g;
	(void)argv;
	return -ENOSYS;
}

static int
put(const char *root, const char *path, const char *text)
{
	char full[PATH_MAX];
	FILE *f;

	if (root_path(root, path, full, sizeof(full)) < 0)
		return -1;
	f = fopen(full, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Copy the fixture, record its kernel into its swap area, hibernate. */
static int
prepare(const char *fixture, char *root, size_t rootsz)
{
	static struct probe p;
	char cmd[3 * PATH_MAX], dev[PATH_MAX];
	int fd, r;

	/* On tmpfs, as the initramfs is; TMPDIR wins when set. */
	snprintf(root, rootsz, "%s/xh-bench-gate-XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") :
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(root))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s'", fixture, root);
	if (system(cmd) != 0)
		return -1;
	if (root_path(root, "/dev/xvda", dev, sizeof(dev)) < 0 ||
	    truncate(dev, 1 << 30) < 0)
		return -1;
	r = probe_run(root, 1795000000, &p);
	if (r < 0 || !p.swap.has_uuid)
		return -1;
	p.rec.state = RECORD_STATE_HIBERNATING;
	r = store_write(dev, 0, p.swap.uuid, &p.rec);
	if (r < 0) {
		fprintf(stderr, "record: %s\n", store_strerror(r));
		return -1;
	}
	fd = open(dev, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, "SWAPSPACE2S1SUSPEND", 20, 4076) != 20)
		return -1;
	close(fd);
	/* As in the initramfs: nothing told the kernel, the gate owns it. */
	return put(root, "/sys/power/resume", "0:0\n");
}

int
main(int argc, char **argv)
{
	/* The real writes to /sys/power (files here); no kexec, no log. */
	const struct gate_ops ops = {
		.write_attr = gate_ops_default.write_attr,
		.run = no_run,
		.log = quiet_log,
	};
	const char *fixture = XH_FIXTURES_DIR "/deb12-6.1-pvh-2l";
	char root[PATH_MAX], cmd[PATH_MAX + 16];
	static struct probe p;
	long i, iters = 2000, bad = 0;
	struct gate *g;
	double t0, t1, t2;

	if (argc > 1)
		iters = strtol(argv[1], NULL, 10);
	if (argc > 2)
		fixture = argv[2];
	if (iters <= 0)
		return 2;
	if (prepare(fixture, root, sizeof(root)) < 0) {
		fprintf(stderr, "bench_gate: cannot prepare a root from %s\n",
		    fixture);
		return 1;
	}
	g = malloc(sizeof(*g));
	if (!g)
		return 1;

	t0 = now_us();
	for (i = 0; i < iters; i++) {
		gate_init(g);
		g->root = root;
		g->ops = &ops;
		g->timeout = 0;
		if (gate_run(g) != EXIT_OK || g->outcome != GATE_OUT_RESUME)
			bad++;
		gate_free(g);
	}
	t1 = now_us();
	for (i = 0; i < iters; i++)
		probe_run(root, 0, &p);
	t2 = now_us();

	printf("gate (proceed, %s): %.1f us/run over %ld runs%s\n",
	    fixture, (t1 - t0) / (double)iters, iters,
	    bad ? " -- SOME RUNS DID NOT PROCEED" : "");
	printf("  of which probe_run: %.1f us\n", (t2 - t1) / (double)iters);
	free(g);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return bad ? 1 : 0;
}
