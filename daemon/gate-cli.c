// SPDX-License-Identifier: GPL-2.0-or-later
/* placeholder: being written */
#include "cli.h"
#include "log.h"

int
gate_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	log_error("gate: not built yet");
	return EXIT_USAGE;
}
