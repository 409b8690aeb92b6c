/* SPDX-License-Identifier: Apache-2.0 */
/* One line per event, as text or as JSON, to stderr or to a --log file. */
#pragma once

#include <stddef.h>
#include <time.h>

enum ct_log_level {
	CT_LOG_ERROR,
	CT_LOG_WARN,
	CT_LOG_INFO,
	CT_LOG_DEBUG,
};

enum ct_log_format {
	CT_LOG_TEXT,
	CT_LOG_JSON,
};

struct ct_err;

/*
 * Sets where log lines go. path NULL means stderr. Returns -1 when the file
 * cannot be opened (the log then stays on stderr). Safe to call again.
 */
int ct_log_init(const char *tool, const char *path, enum ct_log_format format,
		enum ct_log_level level, struct ct_err *err);

/* A time (NULL: now) as RFC 3339 in UTC: 2024-05-01T10:00:00.000000Z with DIGITS 6. */
void ct_log_time_utc(char *buf, size_t size, const struct timespec *when, int digits);

/* Parses "text" or "json"; returns -1 for anything else. */
int ct_log_parse_format(const char *name, enum ct_log_format *ret_format);

void ct_log(enum ct_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True when a --log file is set (stderr is then still the user's channel for the final error). */
int ct_log_has_file(void);

/* The descriptor of the --log file, or -1; so a child can write its own lines. */
int ct_log_fd(void);

void ct_log_close(void);
