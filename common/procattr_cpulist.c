/* SPDX-License-Identifier: Apache-2.0 */
/* CPU and NUMA node lists ("0-3,7") as the kernel's bit masks. */
#include "common/procattr.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/err.h"

/* Highest CPU or node number a list may name: far above any machine, low enough to bound malloc. */
#define LIST_MAX_BIT 65535

#define LONG_BITS (sizeof(long) * CHAR_BIT)

static int parse_num(const char **p, unsigned long *ret)
{
	char *end;
	unsigned long v;

	if (**p < '0' || **p > '9')
		return -1;
	errno = 0;
	v = strtoul(*p, &end, 10);
	if (errno || v > LIST_MAX_BIT)
		return -1;
	*p = end;
	*ret = v;

	return 0;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/*
 * One pass over the list: checks it, sets its bits in mask when mask is not
 * NULL, and finds the highest number. Called first without a mask, so the
 * mask is allocated only for a valid list and only as long as it needs.
 */
static int walk_list(const char *list, unsigned long *mask, unsigned long *ret_highest)
{
	const char *p = skip_blanks(list);
	unsigned long highest = 0;

	while (*p) {
		unsigned long lo, hi;

		if (parse_num(&p, &lo) < 0)
			return -1;
		hi = lo;
		p = skip_blanks(p);
		if (*p == '-') {
			p = skip_blanks(p + 1);
			if (parse_num(&p, &hi) < 0 || hi < lo)
				return -1;
			p = skip_blanks(p);
		}
		for (unsigned long b = lo; mask && b <= hi; b++)
			mask[b / LONG_BITS] |= 1UL << (b % LONG_BITS);
		if (hi > highest)
			highest = hi;
		if (*p == ',')
			p = skip_blanks(p + 1);
		else if (*p)
			return -1;
	}
	*ret_highest = highest;

	return 0;
}

int ct_parse_cpu_list(const char *list, unsigned long **ret_mask, size_t *ret_nbits,
		      struct ct_err *err)
{
	unsigned long highest = 0;
	size_t nlongs;
	unsigned long *mask;

	if (walk_list(list, NULL, &highest) < 0)
		return ct_err_set(err, 0, "malformed list '%s'", list);
	nlongs = highest / LONG_BITS + 1;
	mask = calloc(nlongs, sizeof(*mask));
	if (!mask)
		return ct_err_set(err, ENOMEM, "parse list '%s'", list);
	/* Cannot fail: the same list passed the walk above. */
	walk_list(list, mask, &highest);

	*ret_nbits = nlongs * LONG_BITS;
	*ret_mask = mask;
	return 0;
}
