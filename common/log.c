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

static void format_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06ldZ", base, ts.tv_nsec / 1000);
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
	char when[64];
	char *line = NULL;
	int fd = log_fd >= 0 ? log_fd : STDERR_FILENO;
	int len;

	format_time(when, sizeof(when));
	if (log_format == CT_LOG_JSON) {
		json_t *obj = json_pack("{s:s, s:s, s:s}", "level", level_names[level], "msg", msg,
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

	len = asprintf(&line, "%s %s: %s: %s\n", when, log_tool, level_names[level], msg);
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
