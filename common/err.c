/* SPDX-License-Identifier: Apache-2.0 */
/* The error value: set, wrap with context, and format for the user. */
#include "common/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int ct_err_set(struct ct_err *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);

	return -1;
}

int ct_err_wrap(struct ct_err *err, const char *fmt, ...)
{
	char prefix[CT_ERR_MSG_MAX];
	char joined[2 * CT_ERR_MSG_MAX + 2];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);

	if (err->msg[0])
		snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	else
		snprintf(joined, sizeof(joined), "%s", prefix);
	/* The innermost detail is cut first when the chain grows past the buffer. */
	snprintf(err->msg, sizeof(err->msg), "%.*s", (int)sizeof(err->msg) - 1, joined);

	return -1;
}

void ct_err_clear(struct ct_err *err)
{
	err->errnum = 0;
	err->msg[0] = '\0';
}

/* Length of the valid UTF-8 sequence at p (1 to 4), or 0 when p starts none. */
static size_t utf8_length(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

bool ct_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = utf8_length(p);

		if (n == 0)
			return false;
		p += n;
	}
	return true;
}

void ct_escape_controls(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t k = 0;

	if (size == 0)
		return;
	while (*p) {
		size_t len = utf8_length(p);
		char esc[5];
		const char *from = esc;
		size_t n;

		if (len > 1 || (len == 1 && *p >= 0x20 && *p != 0x7f)) {
			from = (const char *)p;
			n = len;
		} else if (*p == '\n' || *p == '\t' || *p == '\r') {
			esc[0] = '\\';
			esc[1] = (char)(*p == '\n' ? 'n' : *p == '\t' ? 't' : 'r');
			n = 2;
			len = 1;
		} else {
			/* A control character, or a byte of no valid UTF-8 sequence (a cut one). */
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			n = 4;
			len = 1;
		}
		if (k + n >= size)
			break;
		memcpy(out + k, from, n);
		k += n;
		p += len;
	}
	out[k] = '\0';
}

const char *ct_err_str(const struct ct_err *err, char *buf, size_t size)
{
	char raw[2 * CT_ERR_MSG_MAX];

	if (err->errnum)
		snprintf(raw, sizeof(raw), "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(raw, sizeof(raw), "%s", err->msg);
	ct_escape_controls(raw, buf, size);

	return buf;
}

void ct_err_print(const char *tool, const char *fmt, ...)
{
	char raw[2 * CT_ERR_MSG_MAX];
	char line[sizeof(raw) * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	ct_escape_controls(raw, line, sizeof(line));
	fprintf(stderr, "%s: %s\n", tool, line);
}

int ct_flush_stdout(struct ct_err *err)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	/* errno: the flush's, or that of the write that failed before it. */
	return ct_err_set(err, errno ? errno : EIO, "write '<stdout>'");
}
