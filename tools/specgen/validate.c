/* SPDX-License-Identifier: Apache-2.0 */
/* specgen validate: check a config.json (or state.json, features.json) and print each finding. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/validate.h"

#include "tools/specgen/commands.h"

struct opts {
	const char *file;   /* "-" for stdin */
	const char *bundle; /* --bundle DIR, or NULL */
	enum ct_doc_kind kind;
	bool want_host;
	bool want_json;
	bool is_quiet;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: specgen validate [FILE|-] [OPTIONS]\n"
		"       specgen validate --bundle DIR [OPTIONS]\n"
		"\n"
		"Checks a document against runtime-spec "
		"v1.3.0: its schema and every rule the\n"
		"document alone can show. FILE defaults to ./config.json; '-' reads stdin.\n"
		"\n"
		"options:\n"
		"  -b, --bundle DIR   validate DIR/config.json (relative paths are taken from DIR)\n"
		"      --host         also check this machine: rootfs, hooks, namespace files,\n"
		"                     devices and bind mount sources\n"
		"      --json         print the findings as a JSON array on stdout\n"
		"  -k, --kind KIND    config (default), state or features\n"
		"  -q, --quiet        print errors only, not warnings\n"
		"  -h, --help         show this help\n"
		"\n"
		"exit status: 0 valid (warnings allowed), 1 invalid, 2 usage or I/O error\n");
}

static int parse_kind(const char *name, enum ct_doc_kind *ret)
{
	if (strcmp(name, "config") == 0)
		*ret = CT_DOC_CONFIG;
	else if (strcmp(name, "state") == 0)
		*ret = CT_DOC_STATE;
	else if (strcmp(name, "features") == 0)
		*ret = CT_DOC_FEATURES;
	else
		return -1;

	return 0;
}

/* Returns 0, 1 when --help was shown, or -1 after printing a usage error. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	enum {
		OPT_HOST = 256,
		OPT_JSON
	};
	static const struct option longopts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"host", no_argument, NULL, OPT_HOST},
		{"json", no_argument, NULL, OPT_JSON},
		{"kind", required_argument, NULL, 'k'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct opts){.file = NULL, .kind = CT_DOC_CONFIG};
	optind = 1;
	opterr = 0;
	/* The leading ':' tells a missing value (':') from an unknown option ('?'). */
	while ((c = getopt_long(argc, argv, ":b:k:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			/* An empty DIR would name /config.json. */
			if (!*optarg) {
				fprintf(stderr,
					"specgen: validate: --bundle '': expected a directory\n");
				return -1;
			}
			o->bundle = optarg;
			break;
		case OPT_HOST:
			o->want_host = true;
			break;
		case OPT_JSON:
			o->want_json = true;
			break;
		case 'k':
			if (parse_kind(optarg, &o->kind) < 0) {
				ct_err_print(
					"specgen",
					"validate: unknown kind '%s'; expected config, state or features",
					optarg);
				return -1;
			}
			break;
		case 'q':
			o->is_quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			ct_err_print("specgen", "validate: %s: expected a value", argv[optind - 1]);
			return -1;
		default:
			ct_err_print("specgen",
				     "validate: unknown option '%s'; see 'specgen validate --help'",
				     argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		o->file = argv[optind++];
	if (o->file && !*o->file) {
		fprintf(stderr, "specgen: validate: '': expected a file name, or '-' for stdin\n");
		return -1;
	}
	if (optind < argc) {
		ct_err_print("specgen", "validate: unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (o->file && o->bundle) {
		fprintf(stderr, "specgen: validate: give FILE or --bundle, not both\n");
		return -1;
	}
	if (o->want_host && o->kind != CT_DOC_CONFIG) {
		fprintf(stderr, "specgen: validate: --host applies to configs only\n");
		return -1;
	}

	return 0;
}

/* The directory relative paths in the config are taken from (root.path, bind sources). */
static void bundle_dir_of(const struct opts *o, const char *file, char *buf, size_t size)
{
	const char *slash = strrchr(file, '/');

	if (o->bundle)
		snprintf(buf, size, "%s", o->bundle);
	else if (strcmp(file, "-") == 0 || !slash)
		snprintf(buf, size, ".");
	else if (slash == file)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - file), file);
}

static void drop_warnings(struct ct_diags *d)
{
	size_t kept = 0;

	for (size_t i = 0; i < d->count; i++) {
		struct ct_diag *item = &d->items[i];

		if (item->level == CT_DIAG_ERROR) {
			d->items[kept++] = *item;
			continue;
		}
		free(item->pointer);
		free(item->msg);
		free(item->expected);
		free(item->found);
		free(item->hint);
	}
	d->count = kept;
}

static int report(const struct opts *o, struct ct_diags *d, const char *source)
{
	if (o->is_quiet)
		drop_warnings(d);
	if (o->want_json) {
		cleanup_json json_t *arr = ct_diags_to_json(d);
		cleanup_free char *text = arr ? json_dumps(arr, JSON_INDENT(2)) : NULL;

		if (!text) {
			fprintf(stderr, "specgen: validate: print findings: %s\n",
				strerror(ENOMEM));
			return 2;
		}
		printf("%s\n", text);
	} else {
		ct_diags_print(stdout, d, source);
	}
	if (fflush(stdout) != 0) {
		fprintf(stderr, "specgen: validate: write findings: %s\n", strerror(errno));
		return 2;
	}

	return d->errors > 0 ? 1 : 0;
}

int cmd_validate(int argc, char **argv)
{
	struct opts o;
	struct ct_diags diags = {0};
	struct ct_err err = {0};
	cleanup_free char *bundle_file = NULL;
	char bundle_dir[PATH_MAX];
	cleanup_json json_t *doc = NULL;
	const char *file;
	const char *source;
	int rc;

	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (o.bundle && asprintf(&bundle_file, "%s/config.json", o.bundle) < 0)
		bundle_file = NULL;
	file = o.bundle ? bundle_file : o.file ? o.file : "config.json";
	if (!file) {
		fprintf(stderr, "specgen: validate: %s\n", strerror(ENOMEM));
		return 2;
	}
	source = strcmp(file, "-") == 0 ? "<stdin>" : file;

	doc = ct_json_load_file(file, &diags, &err);
	if (!doc && err.errnum) {
		char buf[CT_ERR_MSG_MAX + 128];

		fprintf(stderr, "specgen: validate: %s\n", ct_err_str(&err, buf, sizeof(buf)));
		ct_diags_free(&diags);
		return 2;
	}
	if (doc) {
		ct_validate_doc(doc, o.kind, &diags);
		bundle_dir_of(&o, file, bundle_dir, sizeof(bundle_dir));
		if (o.want_host)
			ct_validate_host(doc, bundle_dir, &diags);
	}
	rc = report(&o, &diags, source);
	ct_diags_free(&diags);

	return rc;
}
