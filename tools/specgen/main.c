/* SPDX-License-Identifier: Apache-2.0 */
/* specgen: generate and validate OCI runtime-spec config.json files. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/spec.h"

#include "tools/specgen/commands.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"generate", cmd_generate,
	 "print a config.json, from defaults or a template, edited by flags"},
	{"validate", cmd_validate, "check a config.json (or state/features) against the spec"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: specgen COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'specgen COMMAND --help' shows a command's options.\n");
}

/* 0, or 1 with one line when what went to stdout (help, version) did not arrive. */
static int flushed(void)
{
	struct ct_err err = {0};
	char line[CT_ERR_MSG_MAX + 64];

	if (ct_flush_stdout(&err) == 0)
		return 0;
	ct_err_print("specgen", "%s", ct_err_str(&err, line, sizeof(line)));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return flushed();
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("specgen version 0.1.0\nspec: %s\n", CT_OCI_VERSION);
		return flushed();
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			int rc = commands[i].run(argc - 1, argv + 1);

			return rc == 0 ? flushed() : rc;
		}
	}
	ct_err_print("specgen", "unknown command '%s'; see 'specgen --help'", argv[1]);
	return 2;
}
