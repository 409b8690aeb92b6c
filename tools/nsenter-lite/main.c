/* SPDX-License-Identifier: Apache-2.0 */
/* nsenter-lite: entry point. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("nsenter-lite version 0.1.0\n");
		return 0;
	}
	fprintf(stderr, "nsenter-lite: no command given\n");
	return 2;
}
