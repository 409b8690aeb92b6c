/* SPDX-License-Identifier: Apache-2.0 */
/* specgen: entry point. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("specgen version 0.1.0\n");
		return 0;
	}
	fprintf(stderr, "specgen: no command given\n");
	return 2;
}
