/* SPDX-License-Identifier: Apache-2.0 */
/* Reading and writing JSON documents from outside with one set of parser rules. */
#pragma once

#include <stddef.h>

#include <jansson.h>

struct ct_err;
struct ct_diags;

/*
 * Parses a whole document. Duplicate keys, invalid UTF-8, NUL bytes, nesting
 * deeper than jansson's bound and integers out of range are refused; the
 * reason becomes one finding (with line and column) in diags. Returns a new
 * reference or NULL.
 */
json_t *ct_json_parse(const char *buf, size_t len, struct ct_diags *diags);

/*
 * Reads path ("-" is stdin) and parses it as ct_json_parse does. An I/O
 * failure fills err (errnum set) and returns NULL without adding a finding;
 * a parse failure adds the finding and returns NULL with err->errnum 0.
 */
json_t *ct_json_load_file(const char *path, struct ct_diags *diags, struct ct_err *err);

/*
 * Past this size a file is refused: an endless source (/dev/zero, a runaway
 * pipe) would otherwise eat the machine's memory. Parsed, the bound means
 * about 1 GB of RAM; a config near 100 MB still loads.
 */
#define CT_READ_FILE_MAX (256UL << 20)

/*
 * Reads a whole file ("-" is stdin) into a NUL-terminated malloc'd buffer.
 * errnum EFBIG: longer than CT_READ_FILE_MAX.
 */
int ct_read_file(const char *path, char **ret_buf, size_t *ret_len, struct ct_err *err);

/* The same from an open descriptor, to its end; name is what the messages call it. */
int ct_read_fd(int fd, const char *name, char **ret_buf, size_t *ret_len, struct ct_err *err);

/* Pretty-printed (4-space indent, keys in document order), with a trailing newline. */
char *ct_json_dump_pretty(const json_t *doc);

/* Writes ct_json_dump_pretty(doc) to path ("-" is stdout), via a temporary file and rename. */
int ct_json_write_file(const json_t *doc, const char *path, struct ct_err *err);
