/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-exit release of memory, descriptors and library handles. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <jansson.h>
#include <seccomp.h>
#include <sys/capability.h>

static inline void ct_freep(void *p)
{
	free(*(void **)p);
}

static inline void ct_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
	}
}

static inline void ct_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void ct_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static inline void ct_json_decrefp(json_t **j)
{
	json_decref(*j);
}

static inline void ct_cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

static inline void ct_seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

#define cleanup_free __attribute__((cleanup(ct_freep)))
#define cleanup_close __attribute__((cleanup(ct_closep)))
#define cleanup_fclose __attribute__((cleanup(ct_fclosep)))
#define cleanup_closedir __attribute__((cleanup(ct_closedirp)))
#define cleanup_json __attribute__((cleanup(ct_json_decrefp)))
#define cleanup_cap __attribute__((cleanup(ct_cap_freep)))
#define cleanup_seccomp __attribute__((cleanup(ct_seccomp_releasep)))

/* Hands ownership of an fd out of a cleanup_close variable. */
static inline int steal_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

/* Hands ownership of a pointer out of a cleanup_* variable. */
#define steal_ptr(pp)                                                                              \
	({                                                                                         \
		__typeof__(*(pp)) steal_tmp = *(pp);                                               \
		*(pp) = NULL;                                                                      \
		steal_tmp;                                                                         \
	})
