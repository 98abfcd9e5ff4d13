// SPDX-License-Identifier: GPL-2.0-or-later
/* placeholder: being written */
#include "cli.h"
#include "log.h"

int
setup_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("setup: not built yet");
	return EXIT_USAGE;
}
