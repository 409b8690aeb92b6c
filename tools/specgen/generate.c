/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate: placeholder until the generator lands. */
#include <stdio.h>

#include "tools/specgen/commands.h"

int cmd_generate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "specgen: generate: not built yet\n");
	return 2;
}
