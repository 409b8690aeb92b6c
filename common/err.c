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

const char *ct_err_str(const struct ct_err *err, char *buf, size_t size)
{
	if (err->errnum)
		snprintf(buf, size, "%s: %s", err->msg, strerror(err->errnum));
	else
		snprintf(buf, size, "%s", err->msg);

	return buf;
}
