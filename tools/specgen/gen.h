/* SPDX-License-Identifier: Apache-2.0 */
/* specgen generate's flag table, value parsers and document edits. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct ct_err;

/* The longest flag value accepted, including the NUL. */
#define GEN_ARG_MAX 4096

/* How a flag's text becomes a JSON value (tools/specgen/gen_values.c). */
enum gen_parse {
	P_NONE,	    /* no argument; the op needs no value */
	P_TRUE,	    /* no argument; the value is true */
	P_FALSE,    /* no argument; the value is false */
	P_STRING,   /* any non-empty text */
	P_TEXT,	    /* any text, even empty */
	P_ABSPATH,  /* an absolute path */
	P_ID,	    /* a uid or gid: 0 .. 2^32-2, as (uid_t)-1 means "unchanged" */
	P_I64,	    /* a signed 64-bit number */
	P_U64,	    /* an unsigned 64-bit number */
	P_OOM,	    /* -1000 .. 1000 */
	P_WEIGHT,   /* blkio weight, 10 .. 1000 */
	P_UMASK,    /* octal, 0 .. 0777 */
	P_SIZE,	    /* bytes with an optional K/M/G/T suffix, or -1 */
	P_PIDS,	    /* a positive number, or -1 for unlimited */
	P_CPULIST,  /* "0-3,7" */
	P_GIDS,	    /* "1,2,3" -> array of numbers */
	P_ENV,	    /* "KEY=VALUE" -> string */
	P_ENVKEY,   /* "KEY" -> string */
	P_KV,	    /* "KEY=VALUE" -> {KEY: VALUE} */
	P_CAP,	    /* "[SET:]CAP" -> {sets: [...], cap: "CAP_X"} */
	P_NSTYPE,   /* "pid", "net", ... -> {type} */
	P_NSJOIN,   /* "TYPE=PATH" -> {type, path} */
	P_IDMAP,    /* "C:H:S" -> {containerID, hostID, size} */
	P_RLIMIT,   /* "TYPE=SOFT[:HARD]" -> {type, hard, soft} */
	P_WDEV,	    /* "MAJ:MIN:WEIGHT" -> {major, minor, weight} */
	P_THROTTLE, /* "MAJ:MIN:RATE" -> {major, minor, rate} */
	P_MOUNT,    /* "type=..,source=..,destination=..,options=a:b" -> mount object */
	P_HOOK,	    /* "STAGE:PATH[:ARG...]" -> {stage, hook: {path, args}} */
	P_TIMEOUT,  /* seconds > 0 */
	P_SECCOMP,  /* "default", "none" or a file */
	P_DEVICE,   /* "c:MAJ:MIN:PATH[:MODE]" or "type=c,path=..." -> device object */
	P_TIMEOFF,  /* "monotonic=SECS[.NANOS]" -> {monotonic: {secs, nanosecs}} */
	P_NETDEV,   /* "HOST[:NAME]" -> {HOST: {name}} */
	P_SCHED,    /* "POLICY[,nice=N,priority=N,...]" -> scheduler object */
	P_IOPRIO,   /* "CLASS:PRIO" -> ioPriority object */
	P_AFFINITY, /* "initial=LIST,final=LIST" -> execCPUAffinity object */
	P_MEMPOL,   /* "MODE:NODES[:FLAG,...]" -> memoryPolicy object */
	P_PERSONA,  /* "LINUX" or "LINUX32" -> {domain} */
	P_PROPAG,   /* rootfs propagation name */
};

/* What an edit does with its value at the flag's path (tools/specgen/gen_edit.c). */
enum gen_op {
	OP_MODE,	 /* handled by parse_args itself (output, template, args, seccomp) */
	OP_SET,		 /* set the value at path */
	OP_MERGE,	 /* copy each member of an object value into the object at path */
	OP_APPEND,	 /* append the value to the array at path */
	OP_ADD_STRING,	 /* append a string to the array at path unless present */
	OP_DEL_STRING,	 /* remove a string from the array at path */
	OP_PUT_BY_KEY,	 /* replace the array element whose key fields match, else append */
	OP_DEL_BY_KEY,	 /* remove the array elements whose key field equals the value */
	OP_ENV_SET,	 /* replace KEY=... in the env array or append */
	OP_ENV_UNSET,	 /* remove KEY=... from the env array */
	OP_CAP_ADD,	 /* add a capability to the named sets */
	OP_CAP_DROP,	 /* remove a capability from the named sets */
	OP_HOOK,	 /* append a hook to hooks.<stage> and make it the current hook */
	OP_HOOK_ENV,	 /* append to the current hook's env */
	OP_HOOK_TIMEOUT, /* set the current hook's timeout */
	OP_HOOK_ARG,	 /* append to the current hook's args */
	OP_DEVICE,	 /* put a device by path, and allow it in the device cgroup */
	OP_TIME_OFFSET,	 /* merge a time offset and make sure a time namespace exists */
	OP_IDMAP,	 /* append an id mapping and make sure a user namespace exists */
	OP_NS_REMOVE,	 /* remove a namespace and the fields that cannot live without it */
};

struct gen_flag {
	const char *section; /* when set, --help prints this heading before the flag */
	const char *name;    /* the long option, without "--" */
	const char *metavar; /* NULL when the flag takes no argument */
	enum gen_parse parse;
	enum gen_op op;
	const char *path; /* JSON pointer the op works on */
	const char *key;  /* for OP_*_BY_KEY: the field (or "major,minor") that identifies an
			     element; for caps: the set */
	const char *help;
};

/* One flag occurrence, parsed; applied in command-line order. */
struct gen_edit {
	const struct gen_flag *flag;
	const char *arg;
	json_t *value; /* owned; NULL for P_NONE */
};

/* The table of every flag, ending with a zeroed entry. */
extern const struct gen_flag gen_flags[];

/*
 * Parses arg as flag->parse says. On a bad value returns NULL (or -1) with
 * err->msg saying what was expected, e.g. "expected a number from 0 to 4294967294".
 */
int gen_parse_value(const struct gen_flag *flag, const char *arg, json_t **ret_value,
		    struct ct_err *err);

/* The structured values (mounts, hooks, devices, the 1.2+ fields): gen_values2.c. */
int gen_parse_struct(const struct gen_flag *flag, const char *arg, json_t **ret_value,
		     struct ct_err *err);

/* Helpers gen_values.c shares with gen_values2.c. */
bool gen_parse_u32(const char *s, uint32_t *ret);
bool gen_parse_i64(const char *s, int64_t min, int64_t max, int64_t *ret);
json_t *gen_idmap(const char *arg);
const char *gen_pick_name(const char *arg, const char *prefix, const char *const *names);

/*
 * Applies one edit to doc. Fails (errnum 0) when the document has a
 * different type where the edit needs an object or array.
 */
int gen_apply(json_t *doc, const struct gen_edit *edit, json_t **current_hook, struct ct_err *err);

/* The bounding set of doc as a malloc'd array of borrowed names; *ret_n set. */
const char **gen_bounding_caps(const json_t *doc, size_t *ret_n);
