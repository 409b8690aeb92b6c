/* SPDX-License-Identifier: Apache-2.0 */
/* Log lines in runc's shapes: text "<time> <tool>: <level>: <msg>" or JSON objects. */
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/err.h"

static const char *log_tool = "ct";
static int log_fd = -1;
static enum ct_log_format log_format = CT_LOG_TEXT;
static enum ct_log_level log_level = CT_LOG_WARN;

static const char *const level_names[] = {
	[CT_LOG_ERROR] = "error",
	[CT_LOG_WARN] = "warning",
	[CT_LOG_INFO] = "info",
	[CT_LOG_DEBUG] = "debug",
};

int ct_log_init(const char *tool, const char *path, enum ct_log_format format,
		enum ct_log_level level, struct ct_err *err)
{
	log_tool = tool;
	log_format = format;
	log_level = level;
	ct_log_close();
	if (!path || !*path)
		return 0;

	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return ct_err_set(err, errno, "open log file '%s'", path);

	return 0;
}

int ct_log_parse_format(const char *name, enum ct_log_format *ret_format)
{
	if (strcmp(name, "text") == 0)
		*ret_format = CT_LOG_TEXT;
	else if (strcmp(name, "json") == 0)
		*ret_format = CT_LOG_JSON;
	else
		return -1;

	return 0;
}

/*
 * A time (NULL: now) as RFC 3339 in UTC with DIGITS (1 to 9) of the second's fraction.
 * The date is worked out here: glibc's gmtime_r and strftime both call tzset, which
 * opens and reads /etc/localtime on each start, though UTC needs no zone.
 */
void ct_log_time_utc(char *buf, size_t size, const struct timespec *when, int digits)
{
	long fraction_divisor = 1;
	struct timespec ts;
	long long days, secs, era, year;
	unsigned day_of_era, year_of_era, day_of_year, month_index, day, month;

	if (digits < 1 || digits > 9)
		digits = 9;
	for (int i = digits; i < 9; i++)
		fraction_divisor *= 10;
	if (when)
		ts = *when;
	else
		clock_gettime(CLOCK_REALTIME, &ts);
	days = ts.tv_sec / 86400;
	secs = ts.tv_sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	/* Proleptic Gregorian calendar in 400-year eras that start on 0000-03-01. */
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = (unsigned)(days - era * 146097);
	year_of_era =
		(day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	month_index = (5 * day_of_year + 2) / 153; /* 0 is March */
	day = day_of_year - (153 * month_index + 2) / 5 + 1;
	month = month_index < 10 ? month_index + 3 : month_index - 9;
	year = year_of_era + era * 400 + (month <= 2);
	snprintf(buf, size, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%0*ldZ", year, month, day,
		 secs / 3600, secs / 60 % 60, secs % 60, digits, ts.tv_nsec / fraction_divisor);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void emit(enum ct_log_level level, const char *msg)
{
	char text[4096];
	char when[64];
	char *line = NULL;
	int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;
	int len;

	ct_log_time_utc(when, sizeof(when), NULL, 6);
	/* One event, one line; and JSON takes only valid UTF-8, which a path need not be. */
	ct_escape_controls(msg, text, sizeof(text));
	if (log_format == CT_LOG_JSON) {
		json_t *obj = json_pack("{s:s, s:s, s:s}", "level", level_names[level], "msg", text,
					"time", when);

		if (!obj)
			return;
		line = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(obj);
		if (!line)
			return;
		len = (int)strlen(line);
		write_all(fd, line, (size_t)len);
		write_all(fd, "\n", 1);
		free(line);
		return;
	}

	len = asprintf(&line, "%s %s: %s: %s\n", when, log_tool, level_names[level], text);
	if (len < 0)
		return;
	write_all(fd, line, (size_t)len);
	free(line);
}

void ct_log(enum ct_log_level level, const char *fmt, ...)
{
	char msg[2048];
	int saved = errno;
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(level, msg);
	errno = saved;
}

int ct_log_has_file(void)
{
	return log_fd >= 0;
}

int ct_log_fd(void)
{
	return log_fd;
}

void ct_log_close(void)
{
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
}
