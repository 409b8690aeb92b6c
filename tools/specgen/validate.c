/* SPDX-License-Identifier: Apache-2.0 */
/* specgen validate: placeholder until the validator lands. */
#include <stdio.h>

#include "tools/specgen/commands.h"

int cmd_validate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "specgen: validate: not built yet\n");
	return 2;
}
