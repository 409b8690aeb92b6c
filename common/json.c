/* SPDX-License-Identifier: Apache-2.0 */
/* The project's one JSON reader and writer, so every tool refuses the same inputs. */
#include "common/json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/diag.h"
#include "common/err.h"

json_t *ct_json_parse(const char *buf, size_t len, struct ct_diags *diags)
{
	json_error_t jerr;
	json_t *doc;

	if (len == 0) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", "a JSON object", "an empty document",
			     "write at least {}", "document is empty");
		return NULL;
	}

	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", NULL, NULL,
			     "fix the JSON syntax at that place",
			     "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
			     jerr.text);
		return NULL;
	}

	return doc;
}

int ct_read_file(const char *path, char **ret_buf, size_t *ret_len, struct ct_err *err)
{
	cleanup_close int fd = -1;
	cleanup_free char *buf = NULL;
	size_t len = 0;
	size_t cap = 0;
	bool is_stdin = strcmp(path, "-") == 0;

	fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", is_stdin ? "<stdin>" : path);

	for (;;) {
		ssize_t n;

		if (cap - len < 65536) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *nbuf;

			/* A path like /dev/zero (or an endless pipe) must fail, not eat memory. */
			if (ncap > CT_READ_FILE_MAX)
				return ct_err_set(err, EFBIG, "read '%s': more than %d MiB",
						  is_stdin ? "<stdin>" : path,
						  CT_READ_FILE_MAX >> 20);
			nbuf = realloc(buf, ncap + 1);

			if (!nbuf)
				return ct_err_set(err, ENOMEM, "read '%s'", path);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err_set(err, errno, "read '%s'", is_stdin ? "<stdin>" : path);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = steal_ptr(&buf);
	*ret_len = len;

	return 0;
}

json_t *ct_json_load_file(const char *path, struct ct_diags *diags, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;

	ct_err_clear(err);
	if (ct_read_file(path, &buf, &len, err) < 0)
		return NULL;

	return ct_json_parse(buf, len, diags);
}

char *ct_json_dump_pretty(const json_t *doc)
{
	cleanup_free char *text = json_dumps(doc, JSON_INDENT(4) | JSON_ENCODE_ANY);
	char *out = NULL;

	if (!text)
		return NULL;
	if (asprintf(&out, "%s\n", text) < 0)
		return NULL;

	return out;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}

	return 0;
}

int ct_json_write_file(const json_t *doc, const char *path, struct ct_err *err)
{
	cleanup_free char *text = ct_json_dump_pretty(doc);
	cleanup_free char *tmp = NULL;
	cleanup_close int fd = -1;

	if (!text)
		return ct_err_set(err, ENOMEM, "serialise JSON");
	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, text, strlen(text)) < 0)
			return ct_err_set(err, errno, "write '<stdout>'");
		return 0;
	}

	if (asprintf(&tmp, "%s.tmp.%d", path, (int)getpid()) < 0)
		return ct_err_set(err, ENOMEM, "write '%s'", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return ct_err_set(err, errno, "create '%s'", tmp);
	if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		ct_err_set(err, errno, "write '%s'", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		ct_err_set(err, errno, "rename '%s' to '%s'", tmp, path);
		unlink(tmp);
		return -1;
	}

	return 0;
}
