/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for container records: ids, state.json round trip, atomic writes, computed status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/err.h"
#include "common/log.h"
#include "common/state.h"
#include "common/validate.h"
#include "tests/unit/tap.h"

static char root[64];

static bool id_ok(const char *id)
{
	struct ct_err err = {0};

	return ct_state_check_id(id, &err) == 0;
}

static void test_ids(void)
{
	char long_id[CT_STATE_ID_MAX + 2];

	TAP_OK(id_ok("web-1"), "letters, digits and '-' pass");
	TAP_OK(id_ok("a.b_c+d"), "'.', '_' and '+' pass");
	TAP_OK(!id_ok(""), "empty is refused");
	TAP_OK(!id_ok(NULL), "NULL is refused");
	TAP_OK(!id_ok("."), "'.' is refused");
	TAP_OK(!id_ok(".."), "'..' is refused");
	TAP_OK(!id_ok("../x"), "a path is refused");
	TAP_OK(!id_ok("a/b"), "'/' is refused");
	TAP_OK(!id_ok("a\nb"), "a control character is refused");
	TAP_OK(!id_ok("a b"), "a space is refused");
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	TAP_OK(!id_ok(long_id), "an id longer than the bound is refused");
	long_id[CT_STATE_ID_MAX] = '\0';
	TAP_OK(id_ok(long_id), "an id of exactly the bound passes");
}

static void fill(struct ct_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->id = strdup("c1");
	rec->status = CT_STATUS_CREATED;
	rec->pid = getpid();
	rec->bundle = strdup("/b");
	rec->rootfs = strdup("/b/rootfs");
	rec->created = strdup("2024-01-01T00:00:00Z");
	rec->own_mount_ns = true;
	rec->ns_paths[CT_NS_PID] = strdup("/proc/1/ns/pid");
	rec->annotations = json_pack("{s:s}", "k", "v");
	ct_proc_start_time(rec->pid, &rec->start_time, NULL, &(struct ct_err){0});
}

static void test_round_trip(void)
{
	struct ct_record rec, back;
	struct ct_err err = {0};
	json_t *doc;
	int rc;

	fill(&rec);
	doc = ct_record_to_json(&rec);
	TAP_OK(doc != NULL, "a record serialises");
	rc = ct_record_from_json(doc, &back, &err);
	TAP_OK(rc == 0, "and parses back");
	TAP_STR_EQ(back.id, "c1", "id survives");
	TAP_OK(back.pid == rec.pid && back.start_time == rec.start_time,
	       "pid and start time survive");
	TAP_OK(back.status == CT_STATUS_CREATED, "status survives");
	TAP_OK(back.own_mount_ns && !back.own_pid_ns, "flags survive");
	TAP_STR_EQ(back.ns_paths[CT_NS_PID], "/proc/1/ns/pid", "namespace paths survive");
	TAP_STR_EQ(json_string_value(json_object_get(back.annotations, "k")), "v",
		   "annotations survive");
	json_decref(doc);
	ct_record_free(&back);

	doc = json_pack("{s:s}", "id", "x");
	rc = ct_record_from_json(doc, &back, &err);
	TAP_OK(rc < 0, "a record without status or pid is refused");
	json_decref(doc);
	ct_record_free(&rec);
}

/* specgen validate --kind state knows every field the runtime writes, so none is "unknown". */
static void test_record_validates(void)
{
	struct ct_record rec;
	struct ct_diags d = {0};
	json_t *doc;

	fill(&rec);
	rec.cgroup = json_pack("{s:s, s:[]}", "mode", "hybrid", "dirs");
	doc = ct_record_to_json(&rec);
	ct_validate_doc(doc, CT_DOC_STATE, &d);
	TAP_OK(doc && d.count == 0,
	       "the state file's document validates without findings (%zu: %s)", d.count,
	       d.count ? d.items[0].msg : "");
	ct_diags_free(&d);
	json_decref(doc);
	ct_record_free(&rec);
}

static void test_dirs(void)
{
	struct ct_err err = {0};
	struct ct_record rec, back;
	int fd = -1, fd2 = -1, lock = -1, rc;
	struct stat st;
	char path[128];

	rc = ct_state_create_dir(root, "c1", &fd, &err);
	TAP_OK(rc == 0, "a new id gets its directory");
	snprintf(path, sizeof(path), "%s/c1", root);
	TAP_OK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700, "the directory is 0700");
	rc = ct_state_create_dir(root, "c1", &fd2, &err);
	TAP_OK(rc < 0 && err.errnum == EEXIST, "a second create of the id fails with EEXIST: %s",
	       err.msg);
	rc = ct_state_lock(fd, &lock, &err);
	TAP_OK(rc == 0, "the lock is taken");
	fill(&rec);
	rc = ct_state_save(fd, &rec, &err);
	TAP_OK(rc == 0, "state.json is written");
	rc = ct_state_load(fd, &back, &err);
	TAP_OK(rc == 0 && strcmp(back.id, "c1") == 0, "and read back");
	snprintf(path, sizeof(path), "%s/c1/.state.json.%d", root, (int)getpid());
	TAP_OK(access(path, F_OK) < 0, "no temporary file is left behind");
	ct_record_free(&back);
	ct_record_free(&rec);

	rc = ct_state_open_dir(root, "nosuch", &fd2, &err);
	TAP_OK(rc < 0 && err.errnum == ENOENT, "a missing container is ENOENT: %s", err.msg);
	close(lock);
	close(fd);
	rc = ct_state_remove(root, "c1", &err);
	TAP_OK(rc == 0, "remove succeeds");
	snprintf(path, sizeof(path), "%s/c1", root);
	TAP_OK(access(path, F_OK) < 0, "the directory is gone");
	rc = ct_state_remove(root, "c1", &err);
	TAP_OK(rc == 0, "removing twice is fine");
}

/* A symlink planted in the root is not followed, by open or by remove. */
static void test_symlink_refused(void)
{
	struct ct_err err = {0};
	char target[128], link[128], kept[160];
	int fd = -1, rc;

	snprintf(target, sizeof(target), "%s.elsewhere", root);
	snprintf(link, sizeof(link), "%s/planted", root);
	snprintf(kept, sizeof(kept), "%s/state.json", target);
	mkdir(target, 0700);
	close(open(kept, O_WRONLY | O_CREAT, 0600));
	rc = symlink(target, link);
	TAP_OK(rc == 0, "a symlink stands in the root");
	rc = ct_state_open_dir(root, "planted", &fd, &err);
	TAP_OK(rc < 0 && strstr(err.msg, "is not a state directory"), "open refuses it: %s",
	       err.msg);
	rc = ct_state_remove(root, "planted", &err);
	TAP_OK(rc < 0 && strstr(err.msg, "is not a state directory"), "remove refuses it: %s",
	       err.msg);
	TAP_OK(access(kept, F_OK) == 0, "what it points to is untouched");
	unlink(link);
	unlink(kept);
	rmdir(target);
}

static void test_escape_controls(void)
{
	struct ct_err err = {0};
	char buf[64], small[6];

	ct_err_set(&err, ENOENT, "open '/a\nb\t\x01'");
	TAP_STR_EQ(ct_err_str(&err, buf, sizeof(buf)),
		   "open '/a\\nb\\t\\x01': No such file or directory",
		   "an error with control characters stays one line: %s", buf);
	ct_escape_controls("ab\ncd", small, sizeof(small));
	TAP_OK(strcmp(small, "ab\\nc") == 0, "a short buffer cuts the text: %s", small);
	ct_escape_controls("caf\xc3\xa9 \xff \xc3", buf, sizeof(buf));
	TAP_OK(strcmp(buf, "caf\xc3\xa9 \\xff \\xc3") == 0,
	       "valid UTF-8 stays, a stray or cut byte is escaped: %s", buf);
	ct_escape_controls("\xed\xa0\x80\xc0\xaf\xf4\x90\x80\x80", buf, sizeof(buf));
	TAP_OK(strcmp(buf, "\\xed\\xa0\\x80\\xc0\\xaf\\xf4\\x90\\x80\\x80") == 0,
	       "surrogates, overlong forms and code points past U+10FFFF are escaped: %s", buf);
	ct_escape_controls("ab\xc3\xa9", small, 4);
	TAP_OK(strcmp(small, "ab") == 0, "a character that does not fit is left out whole: %s",
	       small);
	ct_escape_controls("abcd\n", small, sizeof(small));
	TAP_OK(strcmp(small, "abcd") == 0, "an escape that does not fit is left out whole: %s",
	       small);
}

static void test_status(void)
{
	struct ct_err err = {0};
	struct ct_record rec;
	int fd = -1;
	pid_t child;

	ct_state_create_dir(root, "s1", &fd, &err);
	fill(&rec);
	TAP_OK(ct_state_status(fd, &rec) == CT_STATUS_RUNNING,
	       "a live pid without exec.fifo is running");
	mkfifoat(fd, "exec.fifo", 0600);
	TAP_OK(ct_state_status(fd, &rec) == CT_STATUS_CREATED, "with exec.fifo it is created");
	rec.start_time += 1;
	TAP_OK(ct_state_status(fd, &rec) == CT_STATUS_STOPPED,
	       "a pid whose start time differs (reused) is stopped");
	rec.start_time -= 1;

	child = fork();
	if (child == 0)
		_exit(0);
	rec.pid = child;
	ct_proc_start_time(child, &rec.start_time, NULL, &err);
	usleep(100000);
	TAP_OK(ct_state_status(fd, &rec) == CT_STATUS_STOPPED, "a zombie is stopped");
	waitpid(child, NULL, 0);
	TAP_OK(ct_state_status(fd, &rec) == CT_STATUS_STOPPED, "a gone pid is stopped");
	ct_record_free(&rec);
	close(fd);
	ct_state_remove(root, "s1", &err);
}

/* A writer killed between write and rename leaves ".<file>.<pid>"; delete takes it along. */
static void test_remove_temporaries(void)
{
	struct ct_err err = {0};
	char path[256];
	int fd = -1, rc;

	ct_state_create_dir(root, "t1", &fd, &err);
	close(openat(fd, "state.json", O_WRONLY | O_CREAT, 0600));
	close(openat(fd, ".state.json.4242", O_WRONLY | O_CREAT, 0600));
	close(openat(fd, ".config.json.7", O_WRONLY | O_CREAT, 0600));
	close(fd);
	rc = ct_state_remove(root, "t1", &err);
	snprintf(path, sizeof(path), "%s/t1", root);
	TAP_OK(rc == 0 && access(path, F_OK) < 0,
	       "remove takes any writer's temporary files along: %s", err.msg);

	ct_state_create_dir(root, "t2", &fd, &err);
	close(openat(fd, ".state.json.x1", O_WRONLY | O_CREAT, 0600));
	rc = ct_state_remove(root, "t2", &err);
	TAP_OK(rc < 0 && err.errnum == ENOTEMPTY,
	       "a file that is no temporary of ours stays, and remove says so: %s", err.msg);
	unlinkat(fd, ".state.json.x1", 0);
	close(fd);
	ct_state_remove(root, "t2", &err);
}

static void test_pid_file(void)
{
	struct ct_err err = {0};
	char path[128], buf[32] = "";
	int fd, rc;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/pidfile", root);
	rc = ct_state_write_pid_file(path, 4242, &err);
	TAP_OK(rc == 0, "the pid file is written");
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	TAP_OK(n == 4 && strcmp(buf, "4242") == 0, "it holds the decimal pid without newline");
	unlink(path);
}

static void test_status_names(void)
{
	TAP_STR_EQ(ct_status_name(CT_STATUS_CREATING), "creating", "creating");
	TAP_OK(ct_status_from_name("stopped") == CT_STATUS_STOPPED, "stopped parses");
	TAP_OK(ct_status_from_name("bogus") == -1, "unknown status is -1");
}

/* Timestamps are written without gmtime_r (which reads /etc/localtime): same as glibc's. */
static void test_utc_times(void)
{
	static const long long fixed[] = {
		0,	   59,		 86399,		 86400, 951782400, 951868800,
		978307199, 4107542400LL, 253402300799LL, -1,	-86401};
	char ours[64], glibc[64], base[32];
	int bad = 0, checked = 0;
	struct timespec ts;
	struct tm tm;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 20000; i++) {
		/* The fixed ones, then one step of 5 days and 17 seconds at a time from 1900. */
		ts.tv_sec = i < sizeof(fixed) / sizeof(fixed[0])
				    ? fixed[i]
				    : -2208988800LL + (long long)i * 432017;
		ts.tv_nsec = 123456789;
		ct_log_time_utc(ours, sizeof(ours), &ts, 9);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(glibc, sizeof(glibc), "%s.123456789Z", base);
		if (strcmp(ours, glibc) != 0 && bad++ == 0)
			fprintf(stderr, "# %lld: ours %s, glibc %s\n", (long long)ts.tv_sec, ours,
				glibc);
		checked++;
	}
	TAP_OK(bad == 0, "%d UTC times from 1900 to 2170 and around leap days match gmtime_r",
	       checked);
	ts.tv_sec = 1714557600;
	ts.tv_nsec = 7000;
	ct_log_time_utc(ours, sizeof(ours), &ts, 6);
	TAP_OK(strcmp(ours, "2024-05-01T10:00:00.000007Z") == 0, "6 digits are microseconds");
}

int main(void)
{
	snprintf(root, sizeof(root), "/tmp/ct-test-state.%d", (int)getpid());
	test_ids();
	test_round_trip();
	test_record_validates();
	test_dirs();
	test_symlink_refused();
	test_escape_controls();
	test_status();
	test_remove_temporaries();
	test_pid_file();
	test_status_names();
	test_utc_times();
	rmdir(root);
	return tap_done();
}
