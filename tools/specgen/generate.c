/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate: the default config (or a template) edited by flags, written out once. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "common/cleanup.h"
#include "common/defaults.h"
#include "common/diag.h"
#include "common/err.h"
#include "common/json.h"
#include "common/seccomp_default.h"
#include "common/validate.h"

#include "tools/specgen/commands.h"
#include "tools/specgen/gen.h"

#define FLAG_BASE 1000
#define MAX_FLAGS 128

struct opts {
	const char *template_path;
	const char *output;
	const char *bundle;
	bool is_rootless;
	bool want_help;
	const char *seccomp; /* NULL: default without a template, kept with one */
	struct gen_edit *edits;
	size_t n_edits;
	const char **args;
	size_t n_args;
	bool has_hook; /* --hook-env and --hook-timeout edit the last --hook */
};

/* Prints text from column 31, wrapped before column 80. */
static void print_wrapped(FILE *out, const char *text)
{
	size_t col = 31;

	while (*text) {
		size_t word = strcspn(text, " ");

		if (col > 31 && col + 1 + word > 79) {
			fprintf(out, "\n%31s", "");
			col = 31;
		} else if (col > 31) {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)word, text);
		col += word;
		text += word;
		text += strspn(text, " ");
	}
	fputc('\n', out);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: specgen generate [OPTIONS] [--] [COMMAND [ARG...]]\n\n"
		     "Prints a runtime-spec config.json: the default (like 'runc spec') or the\n"
		     "--template, with each flag applied in command-line order. Repeating a flag\n"
		     "that sets one value keeps the last; list flags add or replace by key.\n");
	for (const struct gen_flag *f = gen_flags; f->name; f++) {
		char left[64];
		const char *shortopt = strcmp(f->name, "output") == 0 ? "-o, "
				       : strcmp(f->name, "help") == 0 ? "-h, "
								      : "";

		if (f->section)
			fprintf(out, "\n%s:\n", f->section);
		snprintf(left, sizeof(left), "%s--%s%s%s", shortopt, f->name, f->metavar ? " " : "",
			 f->metavar ? f->metavar : "");
		if (strlen(left) > 28)
			fprintf(out, "  %s\n%31s", left, "");
		else
			fprintf(out, "  %-28s ", left);
		print_wrapped(out, f->help);
	}
	fprintf(out, "\nExamples:\n"
		     "  specgen generate --bundle DIR --hostname web -- sh -c 'echo hello'\n"
		     "  specgen generate --template - --env A=1 < config.json > new.json\n"
		     "  specgen generate --rootless --mount src=/srv,dst=/srv,options=rbind:ro\n"
		     "\nExit status: 0 written, 1 the template or output failed, 2 a bad flag or\n"
		     "flags that make the config invalid (errors the template had already do not\n"
		     "count, so flags can repair a template).\n");
}

static void opts_free(struct opts *o)
{
	for (size_t i = 0; i < o->n_edits; i++)
		json_decref(o->edits[i].value);
	free(o->edits);
	free(o->args);
}

static int add_arg(struct opts *o, const char *arg, struct ct_err *err)
{
	const char **v = realloc(o->args, (o->n_args + 1) * sizeof(*v));

	if (!v)
		return ct_err_set(err, ENOMEM, "parse arguments");
	v[o->n_args++] = arg;
	o->args = v;

	return 0;
}

/* Flags that steer the run rather than edit a field. */
static int set_mode(struct opts *o, const struct gen_flag *f, const char *arg, struct ct_err *err)
{
	/*
	 * An empty --bundle would make the output path "/config.json": refuse it up front. A
	 * P_STRING flag has a metavar, so getopt always gives it a value; the NULL test is for
	 * the analyzer, which cannot see that through the flag table.
	 */
	if (f->parse == P_STRING && (!arg || !*arg))
		return ct_err_set(err, 0, "--%s '': expected a non-empty %s", f->name, f->metavar);

	if (strcmp(f->name, "template") == 0)
		o->template_path = arg;
	else if (strcmp(f->name, "output") == 0)
		o->output = arg;
	else if (strcmp(f->name, "bundle") == 0)
		o->bundle = arg;
	else if (strcmp(f->name, "rootless") == 0)
		o->is_rootless = true;
	else if (strcmp(f->name, "help") == 0)
		o->want_help = true;
	else if (strcmp(f->name, "seccomp") == 0)
		o->seccomp = arg;
	else if (strcmp(f->name, "args") == 0)
		return add_arg(o, arg, err);

	return 0;
}

/*
 * The message buffer is fixed: a long value echoed whole would push out the
 * reason, so only its start is quoted.
 */
#define ARG_ECHO_MAX 80

static int wrap_flag(struct ct_err *err, const char *name, const char *arg)
{
	size_t len = arg ? strlen(arg) : 0;

	return ct_err_wrap(err, "--%s '%.*s%s'", name, ARG_ECHO_MAX, arg ? arg : "",
			   len > ARG_ECHO_MAX ? "..." : "");
}

static int add_edit(struct opts *o, const struct gen_flag *f, const char *arg, struct ct_err *err)
{
	struct gen_edit *v;
	json_t *value = NULL;

	if (gen_parse_value(f, arg, &value, err) < 0)
		return wrap_flag(err, f->name, arg);
	if ((f->op == OP_HOOK_ENV || f->op == OP_HOOK_TIMEOUT || f->op == OP_HOOK_ARG) &&
	    !o->has_hook) {
		json_decref(value);
		ct_err_set(err, 0, "expected after a --hook");
		return wrap_flag(err, f->name, arg);
	}
	o->has_hook |= f->op == OP_HOOK;
	v = realloc(o->edits, (o->n_edits + 1) * sizeof(*v));
	if (!v) {
		json_decref(value);
		return ct_err_set(err, ENOMEM, "parse arguments");
	}
	v[o->n_edits++] = (struct gen_edit){.flag = f, .arg = arg, .value = value};
	o->edits = v;

	return 0;
}

/* JSON text is UTF-8: jansson refuses to make a string of anything else. */
static bool is_utf8(const char *s)
{
	json_t *v = json_string(s);

	json_decref(v);
	return v != NULL;
}

static void build_longopts(struct option *lo)
{
	size_t n = 0;

	for (const struct gen_flag *f = gen_flags; f->name && n < MAX_FLAGS; f++, n++)
		lo[n] = (struct option){f->name, f->metavar ? required_argument : no_argument, NULL,
					FLAG_BASE + (int)n};
	lo[n] = (struct option){NULL, 0, NULL, 0};
}

static const struct gen_flag *flag_named(const char *name)
{
	for (const struct gen_flag *f = gen_flags; f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
	}

	return NULL;
}

static int parse_args(int argc, char **argv, struct opts *o, struct ct_err *err)
{
	struct option lo[MAX_FLAGS + 1];
	int c;

	build_longopts(lo);
	opterr = 0;
	optind = 1;
	/* '+': the first word that is not an option starts the command, as with env(1). */
	while ((c = getopt_long(argc, argv, "+ho:", lo, NULL)) != -1) {
		const struct gen_flag *f;

		if (c == '?' || c == ':') {
			if (optopt >= FLAG_BASE)
				return ct_err_set(err, 0, "--%s: expected a value",
						  gen_flags[optopt - FLAG_BASE].name);
			if (optopt == 'o')
				return ct_err_set(err, 0, "-o: expected a file name");
			return ct_err_set(err, 0,
					  "unknown option '%s'; see 'specgen generate --help'",
					  argv[optind - 1]);
		}
		f = c == 'h'   ? flag_named("help")
		    : c == 'o' ? flag_named("output")
			       : &gen_flags[c - FLAG_BASE];
		/*
		 * Values go into the JSON document, file names (--template, -o, --bundle,
		 * --seccomp) do not and may be any bytes. The value is not echoed: its
		 * bytes are not text.
		 */
		if (optarg && (f->op != OP_MODE || strcmp(f->name, "args") == 0) &&
		    !is_utf8(optarg))
			return ct_err_set(err, 0, "--%s: expected UTF-8 text", f->name);
		if (f->op == OP_MODE) {
			if (set_mode(o, f, optarg, err) < 0)
				return -1;
		} else if (add_edit(o, f, optarg, err) < 0) {
			return -1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (!is_utf8(argv[i]))
			return ct_err_set(err, 0, "command word %d: expected UTF-8 text",
					  i - optind + 1);
		if (add_arg(o, argv[i], err) < 0)
			return -1;
	}

	if (o->output && o->bundle)
		return ct_err_set(err, 0, "--output and --bundle: expected one of them, not both");
	if (o->seccomp && strcmp(o->seccomp, "default") != 0 && strcmp(o->seccomp, "none") != 0 &&
	    access(o->seccomp, R_OK) < 0)
		return ct_err_set(err, errno,
				  "--seccomp '%s': expected default, none or a readable file",
				  o->seccomp);

	return 0;
}

/* A JSON file that must hold an object: the template or a seccomp profile. */
static json_t *load_object(const char *path, struct ct_err *err)
{
	struct ct_diags diags = {0};
	json_t *doc = ct_json_load_file(path, &diags, err);
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	if (!doc && err->errnum == 0) {
		ct_err_set(err, 0, "parse '%s': %s", name,
			   diags.count ? diags.items[0].msg : "invalid JSON");
		ct_diags_free(&diags);
		return NULL;
	}
	ct_diags_free(&diags);
	if (!doc)
		return NULL;
	if (!json_is_object(doc)) {
		json_decref(doc);
		return ct_err_set(err, 0, "'%s' does not hold a JSON object", name), NULL;
	}

	return doc;
}

static json_t *load_base(const struct opts *o, struct ct_err *err)
{
	json_t *doc;

	if (!o->template_path)
		return ct_default_config(o->is_rootless, err);

	doc = load_object(o->template_path, err);
	if (!doc)
		return ct_err_wrap(err, "read template"), NULL;
	if (o->is_rootless && ct_default_make_rootless(doc, getuid(), getgid(), err) < 0) {
		json_decref(doc);
		return NULL;
	}

	return doc;
}

static int set_linux_member(json_t *doc, const char *key, json_t *value, struct ct_err *err)
{
	json_t *linux_obj = json_object_get(doc, "linux");

	if (!linux_obj) {
		linux_obj = json_object();
		json_object_set_new(doc, "linux", linux_obj);
	}
	if (!json_is_object(linux_obj)) {
		json_decref(value);
		return ct_err_set(err, 0, "'/linux' in the document is not an object");
	}
	if (json_object_set_new(linux_obj, key, value) < 0)
		return ct_err_set(err, ENOMEM, "set '/linux/%s'", key);

	return 0;
}

/*
 * The default profile depends on the capabilities (mount needs CAP_SYS_ADMIN),
 * so it is computed last, from the bounding set the flags left.
 */
static int apply_seccomp(json_t *doc, const struct opts *o, struct ct_err *err)
{
	const char *mode = o->seccomp ? o->seccomp : o->template_path ? NULL : "default";
	json_t *profile;

	if (!mode)
		return 0;
	if (strcmp(mode, "none") == 0) {
		json_object_del(json_object_get(doc, "linux"), "seccomp");
		return 0;
	}
	if (strcmp(mode, "default") == 0) {
		size_t n = 0;
		cleanup_free const char **caps = gen_bounding_caps(doc, &n);

		profile = caps ? ct_default_seccomp_caps(caps, n, err) : NULL;
		if (!caps)
			ct_err_set(err, ENOMEM, "build the seccomp profile");
	} else {
		profile = load_object(mode, err);
		if (!profile)
			ct_err_wrap(err, "--seccomp");
	}
	if (!profile)
		return -1;

	return set_linux_member(doc, "seccomp", profile, err);
}

static int set_args(json_t *doc, const struct opts *o, struct ct_err *err)
{
	json_t *process = json_object_get(doc, "process");
	json_t *args = json_array();

	if (!args)
		return ct_err_set(err, ENOMEM, "set args");
	for (size_t i = 0; i < o->n_args; i++)
		json_array_append_new(args, json_string(o->args[i]));
	if (!process) {
		process = json_object();
		json_object_set_new(doc, "process", process);
	}
	if (!json_is_object(process)) {
		json_decref(args);
		return ct_err_set(err, 0, "'/process' in the document is not an object");
	}
	if (json_object_set_new(process, "args", args) < 0)
		return ct_err_set(err, ENOMEM, "set args");

	return 0;
}

static int build(json_t *doc, const struct opts *o, struct ct_err *err)
{
	json_t *current_hook = NULL;

	for (size_t i = 0; i < o->n_edits; i++) {
		if (gen_apply(doc, &o->edits[i], &current_hook, err) < 0)
			return wrap_flag(err, o->edits[i].flag->name, o->edits[i].arg);
	}
	if (o->n_args > 0 && set_args(doc, o, err) < 0)
		return -1;

	return apply_seccomp(doc, o, err);
}

static int write_out(const json_t *doc, const struct opts *o, struct ct_err *err)
{
	cleanup_free char *path = NULL;

	if (o->bundle && asprintf(&path, "%s/config.json", o->bundle) < 0)
		return ct_err_set(err, ENOMEM, "write config");

	return ct_json_write_file(doc, path ? path : o->output ? o->output : "-", err);
}

static int fail(const struct ct_err *err, int status)
{
	char buf[CT_ERR_MSG_MAX + 128];

	fprintf(stderr, "specgen: generate: %s\n", ct_err_str(err, buf, sizeof(buf)));
	return status;
}

/* One key per error, so a finding is looked up in a hash table, not a list. */
static char *error_key(const struct ct_diag *g)
{
	char *key = NULL;

	if (asprintf(&key, "%s\n%s", g->pointer ? g->pointer : "", g->msg ? g->msg : "") < 0)
		return NULL;

	return key;
}

/*
 * The starting document's errors as a set. A template can hold millions
 * (every entry of a huge env list), so comparing lists pairwise could hang.
 */
static json_t *error_set(const struct ct_diags *d)
{
	json_t *set = json_object();

	for (size_t i = 0; set && i < d->count; i++) {
		cleanup_free char *key = NULL;

		if (d->items[i].level != CT_DIAG_ERROR)
			continue;
		key = error_key(&d->items[i]);
		if (key)
			json_object_set_new(set, key, json_true());
	}

	return set;
}

static bool has_error(const json_t *set, const struct ct_diag *g)
{
	cleanup_free char *key = error_key(g);

	return key && json_object_get(set, key);
}

/* A profile read with --seccomp FILE is a document, like a template: its errors are its own. */
static bool is_from_profile(const struct opts *o, const struct ct_diag *g)
{
	static const char prefix[] = "/linux/seccomp";
	size_t len = sizeof(prefix) - 1;

	return o->seccomp && strcmp(o->seccomp, "default") != 0 &&
	       strcmp(o->seccomp, "none") != 0 && g->pointer &&
	       strncmp(g->pointer, prefix, len) == 0 &&
	       (g->pointer[len] == '\0' || g->pointer[len] == '/');
}

/*
 * The flags must not turn the config into one the runtime would refuse
 * (--ns-remove uts --hostname x, --scheduler deadline with the times out of
 * order). Errors the starting document or a --seccomp FILE already had are
 * not the flags' doing: a broken template stays editable, so flags can fix
 * it, and a broken profile can still be handed to the runtime to test it.
 */
static int check_result(const json_t *doc, const struct opts *o, const struct ct_diags *before,
			struct ct_err *err)
{
	cleanup_json json_t *known = error_set(before);
	struct ct_diags after = {0};
	const struct ct_diag *first = NULL;
	size_t n = 0;

	if (!known)
		return ct_err_set(err, ENOMEM, "check the config");
	ct_validate_doc(doc, CT_DOC_CONFIG, &after);
	for (size_t i = 0; i < after.count; i++) {
		const struct ct_diag *g = &after.items[i];

		if (g->level != CT_DIAG_ERROR || has_error(known, g) || is_from_profile(o, g))
			continue;
		if (!first)
			first = g;
		n++;
	}
	if (first) {
		/* The validator's own line, without its "<file>: error: " prefix. */
		cleanup_free char *line = ct_diag_format(first, "");
		const char *text = line ? strstr(line, "error: ") : NULL;

		ct_err_set(err, 0, "the flags make the config invalid: %s%s",
			   text ? text + strlen("error: ") : first->msg,
			   n > 1 ? " (and more)" : "");
	}
	ct_diags_free(&after);

	return first ? -1 : 0;
}

static int generate(int argc, char **argv, struct opts *o)
{
	struct ct_err err = {0};
	cleanup_json json_t *doc = NULL;
	struct ct_diags before = {0};
	int status;

	if (parse_args(argc, argv, o, &err) < 0)
		return fail(&err, 2);
	if (o->want_help) {
		usage(stdout);
		return 0;
	}

	doc = load_base(o, &err);
	if (!doc)
		return fail(&err, 1);
	/* The default config is valid (a test pins it): only a template can bring errors along. */
	if (o->template_path)
		ct_validate_doc(doc, CT_DOC_CONFIG, &before);
	status = build(doc, o, &err) < 0 ? 1 : check_result(doc, o, &before, &err) < 0 ? 2 : 0;
	ct_diags_free(&before);
	if (status == 0 && write_out(doc, o, &err) < 0)
		status = 1;

	return status ? fail(&err, status) : 0;
}

int cmd_generate(int argc, char **argv)
{
	struct opts o = {0};
	int status = generate(argc, argv, &o);

	opts_free(&o);
	return status;
}
