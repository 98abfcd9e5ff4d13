// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xsd-ctl: send one command to the xenstored test double's control
 * socket (test/xsd --control PATH) and print its reply line, for script
 * tests. Exit 0 for "OK ...", 1 for "ERR ...", 2 when the socket failed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xsd.h"

int
main(int argc, char **argv)
{
	char cmd[XSD_CTL_LINE_MAX], reply[XSD_CTL_LINE_MAX];
	size_t o = 0;
	int i, r;

	if (argc < 3) {
		fprintf(stderr, "Usage: xsd-ctl CONTROL-SOCKET COMMAND...\n");
		return 2;
	}
	cmd[0] = '\0';
	for (i = 2; i < argc; i++) {
		int n = snprintf(cmd + o, sizeof(cmd) - o, "%s%s",
		    i > 2 ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmd) - o) {
			fprintf(stderr, "xsd-ctl: command too long\n");
			return 2;
		}
		o += (size_t)n;
	}
	r = xsd_ctl(argv[1], cmd, reply, sizeof(reply));
	if (r < 0 && r != -EREMOTEIO) {
		fprintf(stderr, "xsd-ctl: %s: %s\n", argv[1], strerror(-r));
		return 2;
	}
	printf("%s\n", reply);
	return r == 0 ? 0 : 1;
}
