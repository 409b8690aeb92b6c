/* SPDX-License-Identifier: Apache-2.0 */
/* The caller-owned error value every fallible function fills. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CT_ERR_MSG_MAX 512

/*
 * Fixed size on purpose: filling it never allocates, and nsinit's child can
 * send it whole over the sync socket. errnum is 0 when no syscall failed.
 */
struct ct_err {
	int errnum;
	char msg[CT_ERR_MSG_MAX];
};

/* Sets errnum and the message; always returns -1 so callers can `return ct_err_set(...)`. */
int ct_err_set(struct ct_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Puts "<context>: " in front of the message; keeps errnum; returns -1. */
int ct_err_wrap(struct ct_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the error (errnum 0, empty message). */
void ct_err_clear(struct ct_err *err);

/*
 * Formats "<msg>: <strerror(errnum)>" (or just msg when errnum is 0) into buf
 * and returns buf, through ct_escape_controls: a newline in a path from a config
 * leaves the error one line, and a log in JSON can carry it.
 */
const char *ct_err_str(const struct ct_err *err, char *buf, size_t size);

/*
 * Copies in to out (size bytes with the NUL, cut short if need be, never inside a
 * character) as one line of valid UTF-8: control characters and bytes of no valid
 * UTF-8 sequence (a name in another encoding, a message cut mid-character) are
 * written as \n, \t, \r or \xHH.
 */
void ct_escape_controls(const char *in, char *out, size_t size);

/*
 * Flushes stdout: -1 with err filled ("write '<stdout>'") when what was printed did not all
 * arrive (a full disk, a closed pipe): an answer that never arrived is no success.
 */
int ct_flush_stdout(struct ct_err *err);

/* True when s is valid UTF-8 throughout (JSON documents take nothing else). */
bool ct_utf8_valid(const char *s);

/* Prints "TOOL: <message>" and a newline to stderr, the message escaped as above. */
void ct_err_print(const char *tool, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
