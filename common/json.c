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

static void report_nul(const char *buf, size_t off, struct ct_diags *diags)
{
	int line = 1;
	int column = 1;

	for (size_t i = 0; i < off; i++) {
		column++;
		if (buf[i] == '\n') {
			line++;
			column = 1;
		}
	}
	ct_diags_add(diags, CT_DIAG_ERROR, "", NULL, NULL,
		     "JSON text holds no NUL bytes: is this a binary file?",
		     "invalid JSON at line %d, column %d: NUL byte", line, column);
}

json_t *ct_json_parse(const char *buf, size_t len, struct ct_diags *diags)
{
	json_error_t jerr;
	const char *nul;
	json_t *doc;

	if (len == 0) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", "a JSON object", "an empty document",
			     "write at least {}", "document is empty");
		return NULL;
	}

	nul = memchr(buf, '\0', len);
	if (nul) {
		/* jansson stops at the byte and reports "end of file expected": say what it is. */
		report_nul(buf, (size_t)(nul - buf), diags);
		return NULL;
	}

	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc && strstr(jerr.text, "JSON_ALLOW_NUL")) {
		/* jansson names its own flag; the user wrote a \u0000 escape. */
		ct_diags_add(
			diags, CT_DIAG_ERROR, "", NULL, NULL,
			"remove the \\u0000 escape: strings passed to the kernel cannot hold NUL",
			"invalid JSON at line %d, column %d: \\u0000 is not allowed in a string",
			jerr.line, jerr.column);
		return NULL;
	}
	if (!doc) {
		ct_diags_add(diags, CT_DIAG_ERROR, "", NULL, NULL,
			     "fix the JSON syntax at that place",
			     "invalid JSON at line %d, column %d: %s", jerr.line, jerr.column,
			     jerr.text);
		return NULL;
	}

	return doc;
}

/*
 * A path may name anything: a FIFO is opened without waiting for a writer (it then reads
 * as empty) and a device is refused, so a hostile bundle can neither hang nor exhaust us.
 */
static int open_input(const char *path, int *ret_fd, struct ct_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return ct_err_set(err, errno, "open '%s'", path);
	if (fstat(fd, &st) < 0)
		return ct_err_set(err, errno, "stat '%s'", path);
	if (S_ISDIR(st.st_mode))
		return ct_err_set(err, EISDIR, "read '%s'", path);
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode))
		return ct_err_set(err, EINVAL, "read '%s': not a regular file", path);
	if (fcntl(fd, F_SETFL, O_RDONLY) < 0)
		return ct_err_set(err, errno, "read '%s'", path);
	*ret_fd = steal_fd(&fd);

	return 0;
}

int ct_read_fd(int fd, const char *name, char **ret_buf, size_t *ret_len, struct ct_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0;
	size_t cap = 0;
	size_t first = 4096;
	struct stat st;

	/* The size it has now, if it says (a /proc file says 0), saves growing: a config is read
	 * in one go, into no more memory than it takes. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size <= CT_READ_FILE_MAX)
		first = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		if (len > CT_READ_FILE_MAX)
			return ct_err_set(err, EFBIG, "read '%s': larger than %lu MiB", name,
					  CT_READ_FILE_MAX >> 20);
		if (cap == len) {
			/* One byte past the bound is read: a file of exactly the bound passes. */
			size_t ncap = cap ? cap * 2 : first;
			char *nbuf;

			if (ncap > CT_READ_FILE_MAX + 1)
				ncap = CT_READ_FILE_MAX + 1;
			nbuf = realloc(buf, ncap + 1);
			if (!nbuf)
				return ct_err_set(err, ENOMEM, "read '%s'", name);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ct_err_set(err, errno, "read '%s'", name);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = steal_ptr(&buf);
	*ret_len = len;

	return 0;
}

int ct_read_file(const char *path, char **ret_buf, size_t *ret_len, struct ct_err *err)
{
	cleanup_close int fd = -1;
	bool is_stdin = strcmp(path, "-") == 0;

	if (is_stdin) {
		fd = dup(STDIN_FILENO);
		if (fd < 0)
			return ct_err_set(err, errno, "open '<stdin>'");
	} else if (open_input(path, &fd, err) < 0) {
		return -1;
	}

	return ct_read_fd(fd, is_stdin ? "<stdin>" : path, ret_buf, ret_len, err);
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
	/* The messages name the file asked for: the temporary name means nothing to the user. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return ct_err_set(err, errno, "create '%s'", path);
	if (write_all(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
		ct_err_set(err, errno, "write '%s'", path);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		ct_err_set(err, errno, "replace '%s'", path);
		unlink(tmp);
		return -1;
	}

	return 0;
}
