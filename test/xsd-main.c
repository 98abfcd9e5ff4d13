// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test/xsd: the xenstored test double as a program (engine: test/xsd.c).
 * Point libxenstore at it with XENSTORED_PATH=<socket>.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xsd.h"

static const char usage[] =
"Usage: xsd --socket PATH [--domid N] [--dom0-socket PATH]\n"
"           [--guest N:PATH]... [--control PATH] [--pidfile FILE] [--bare]\n"
"\n"
"A xenstored test double: the xenstore wire protocol on unix sockets.\n"
"  --socket PATH       clients connect here (XENSTORED_PATH=PATH)\n"
"  --domid N           connections on --socket act as guest domain N\n"
"                      (relative paths under /local/domain/N, permission\n"
"                      checks); default 0 = dom0, privileged\n"
"  --dom0-socket PATH  another socket whose connections are dom0\n"
"  --guest N:PATH      another socket whose connections are domain N\n"
"  --control PATH      the control socket (below)\n"
"  --pidfile FILE      written once every socket listens (readiness)\n"
"  --bare              do not build /local/domain/N for the guest ids\n"
"\n"
"Guest ids named by --domid/--guest get libxl's layout: /local/domain/N\n"
"(n0 rN), name, domid, vm, control, device; data, drivers, feature,\n"
"attr, error, control/shutdown owned by N (nN); /vm/<uuid> (n0 rN).\n"
"\n"
"Control protocol: one command line, one reply line: \"OK[ data]\" or\n"
"\"ERR <ENAME>[ text]\". Commands act as dom0 and fire watches:\n"
"  set PATH [VALUE]         write (VALUE: rest of line, escaped: \\\\ \\t\n"
"                           \\n \\r \\xNN)\n"
"  mkdir PATH | rm PATH     (rm is recursive)\n"
"  get PATH                 -> OK <escaped value>\n"
"  perms PATH [PERM...]     set (e.g. n0 r5), or -> OK n0 r5\n"
"  refuse OP ERRNAME [N]    the next N (default: every) OP requests get\n"
"                           ERRNAME (EACCES, EAGAIN, ...; DROP closes the\n"
"                           connection); OP as in xs_wire.h without XS_:\n"
"                           READ, WRITE, TRANSACTION_END, ...\n"
"  refuse OP off | refuse off\n"
"  delay MS                 hold every later reply/event MS ms\n"
"  drop [DOMID]             close client connections -> OK <n>\n"
"  fire PATH [TOKEN]        send a watch event now -> OK <n>\n"
"  introduce DOMID          build the layout if missing, @introduceDomain\n"
"  release DOMID            drop N's connections and nodes, @releaseDomain\n"
"  softreset DOMID          as libxl: @releaseDomain, release, rebuild\n"
"                           /local/domain/N, @introduceDomain\n"
"  hold-watches on|off|discard  queue events; off sends, discard drops\n"
"  dump [PATH]              -> OK<TAB>path perms value<TAB>...\n"
"  watches                  -> OK <n><TAB>domid path token<TAB>...\n"
"  stats                    -> OK requests=.. connections=.. open=..\n"
"                           watches=.. transactions=.. events=.. held=..\n"
"                           dropped=.. refused=.. nodes=..\n"
"  quit\n";

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int
parse_id(const char *s, unsigned int *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end != '\0' || v > 65535 || s[0] == '-')
		return -EINVAL;
	*ret = (unsigned int)v;
	return 0;
}

static int
write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		return -errno;
	return 0;
}

#define GUESTS_MAX 64

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "domid", required_argument, NULL, 'd' },
		{ "dom0-socket", required_argument, NULL, '0' },
		{ "guest", required_argument, NULL, 'g' },
		{ "control", required_argument, NULL, 'c' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "bare", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = NULL, *dom0 = NULL, *ctl = NULL, *pidfile = NULL;
	const char *gpath[GUESTS_MAX];
	unsigned int gid[GUESTS_MAX], domid = 0;
	size_t ng = 0, i;
	bool bare = false;
	struct sigaction sa = { .sa_handler = on_signal };
	struct xsd *d;
	int o, r;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			sock = optarg;
			break;
		case 'd':
			if (parse_id(optarg, &domid) < 0) {
				fprintf(stderr, "xsd: bad --domid %s\n",
				    optarg);
				return 2;
			}
			break;
		case '0':
			dom0 = optarg;
			break;
		case 'g': {
			char *colon = strchr(optarg, ':');

			if (!colon || ng == GUESTS_MAX) {
				fprintf(stderr, "xsd: bad --guest %s\n",
				    optarg);
				return 2;
			}
			*colon = '\0';
			if (parse_id(optarg, &gid[ng]) < 0 || gid[ng] == 0) {
				fprintf(stderr, "xsd: bad --guest id %s\n",
				    optarg);
				return 2;
			}
			gpath[ng++] = colon + 1;
			break;
		}
		case 'c':
			ctl = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'b':
			bare = true;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!sock || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = xsd_new();
	r = xsd_listen(d, sock, domid);
	if (r == 0 && dom0)
		r = xsd_listen(d, dom0, 0);
	for (i = 0; r == 0 && i < ng; i++)
		r = xsd_listen(d, gpath[i], gid[i]);
	if (r == 0 && ctl)
		r = xsd_listen_control(d, ctl);
	if (r < 0) {
		fprintf(stderr, "xsd: listen: %s\n", strerror(-r));
		xsd_free(d);
		return 1;
	}
	if (!bare) {
		if (domid != 0)
			xsd_add_domain(d, domid);
		for (i = 0; i < ng; i++)
			xsd_add_domain(d, gid[i]);
	}
	if (pidfile && (r = write_pidfile(pidfile)) < 0) {
		fprintf(stderr, "xsd: %s: %s\n", pidfile, strerror(-r));
		xsd_free(d);
		return 1;
	}
	r = xsd_run(d, &stop);
	xsd_free(d);
	if (pidfile)
		unlink(pidfile);
	if (r < 0) {
		fprintf(stderr, "xsd: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
