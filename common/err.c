/* SPDX-License-Identifier: Apache-2.0 */
/* The error value: set, wrap with context, and format for the user. */
#include "common/err.h"

#include <stdarg.h>
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

void ct_escape_controls(const char *in, char *out, size_t size)
{
	size_t k = 0;

	if (size == 0)
		return;
	for (; *in; in++) {
		unsigned char c = (unsigned char)*in;
		char esc[5];
		size_t n;

		if (c >= 0x20 && c != 0x7f) {
			esc[0] = (char)c;
			n = 1;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			esc[0] = '\\';
			esc[1] = (char)(c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
			n = 2;
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", c);
			n = 4;
		}
		if (k + n >= size)
			break;
		memcpy(out + k, esc, n);
		k += n;
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
