/* SPDX-License-Identifier: Apache-2.0 */
/* Setting the five capability sets of the calling process from the spec, through libcap. */
#include "common/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <sys/capability.h>
#include <sys/prctl.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/spec.h"

/* Capability numbers fit in one 64-bit mask: the kernel defines 41 today. */
#define CAPS_MASK_BITS 64

struct caps_masks {
	uint64_t bounding;
	uint64_t permitted;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t ambient;
};

static bool is_set(uint64_t mask, cap_value_t cap)
{
	return (mask >> cap) & 1;
}

/* The spec's spelling of cap ("CAP_CHOWN") for a message; libcap gives "cap_chown". */
static void cap_name(cap_value_t cap, char *buf, size_t size)
{
	char *name = cap_to_name(cap);

	snprintf(buf, size, "%s", name ? name : "?");
	cap_free(name);
	for (char *p = buf; *p; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* True when name already appeared before position (list, idx) among the five lists. */
static bool seen_before(const struct ct_strv *lists[], size_t list, size_t idx, const char *name)
{
	for (size_t l = 0; l <= list; l++) {
		size_t end = l == list ? idx : lists[l]->n;

		for (size_t i = 0; i < end; i++)
			if (strcmp(lists[l]->v[i], name) == 0)
				return true;
	}

	return false;
}

/*
 * Turns the five name lists into masks. A name libcap does not know, or one
 * the running kernel does not have (a newer capability on an older kernel),
 * is reported once and skipped: the spec lets configs list capabilities for
 * the newest kernels, and refusing them would break portable configs.
 */
static void caps_to_masks(const struct ct_capabilities *caps, cap_value_t max,
			  void (*warn)(const char *name), struct caps_masks *ret)
{
	const struct ct_strv *lists[] = {&caps->bounding, &caps->permitted, &caps->effective,
					 &caps->inheritable, &caps->ambient};
	uint64_t *masks[] = {&ret->bounding, &ret->permitted, &ret->effective, &ret->inheritable,
			     &ret->ambient};

	memset(ret, 0, sizeof(*ret));
	for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const char *name = lists[l]->v[i];
			int cap = ct_caps_from_name(name);

			if (cap < 0 || cap >= max || cap >= CAPS_MASK_BITS) {
				if (warn && !seen_before(lists, l, i, name))
					warn(name);
				continue;
			}
			*masks[l] |= UINT64_C(1) << cap;
		}
	}
}

/*
 * The calling process's own bounding, permitted and inheritable sets: what it can grant. The
 * bounding set takes a prctl per capability, so only the capabilities in ask are read there;
 * the others read as held.
 */
static int held_masks(cap_value_t max, uint64_t ask, uint64_t *ret_bnd, uint64_t *ret_prm,
		      uint64_t *ret_inh, struct ct_err *err)
{
	cleanup_cap cap_t cur = cap_get_proc();
	uint64_t bnd = 0, prm = 0, inh = 0;

	if (!cur)
		return ct_err_set(err, errno, "read capabilities");
	for (cap_value_t c = 0; c < max && c < CAPS_MASK_BITS; c++) {
		cap_flag_value_t p = CAP_CLEAR, i = CAP_CLEAR;

		if (cap_get_flag(cur, c, CAP_PERMITTED, &p) < 0 ||
		    cap_get_flag(cur, c, CAP_INHERITABLE, &i) < 0)
			return ct_err_set(err, errno, "read capability %d", c);
		bnd |= (uint64_t)(!is_set(ask, c) || cap_get_bound(c) > 0) << c;
		prm |= (uint64_t)(p == CAP_SET) << c;
		inh |= (uint64_t)(i == CAP_SET) << c;
	}
	*ret_bnd = bnd;
	*ret_prm = prm;
	*ret_inh = inh;

	return 0;
}

/*
 * Drops what the caller cannot grant, each capability reported once: the
 * spec asks runtimes in a restricted environment (a runtime inside a
 * container) to warn and go on, not fail. Granting less is always safe.
 */
static int trim_to_held(struct caps_masks *m, cap_value_t max, void (*warn)(const char *name),
			struct ct_err *err)
{
	uint64_t bnd = 0, prm = 0, inh = 0, warned = 0;

	/* The bounding set limits only what goes into the bounding and inheritable sets. */
	if (held_masks(max, m->bounding | m->inheritable, &bnd, &prm, &inh, err) < 0)
		return -1;

	/* A new inheritable set may take from the bounding set (with CAP_SETPCAP) or the old one.
	 */
	uint64_t *masks[] = {&m->bounding, &m->permitted, &m->effective, &m->inheritable,
			     &m->ambient};
	const uint64_t grantable[] = {bnd, prm, prm, bnd | inh, prm};

	for (size_t l = 0; l < sizeof(masks) / sizeof(masks[0]); l++) {
		uint64_t lost = *masks[l] & ~grantable[l];

		for (cap_value_t c = 0; c < CAPS_MASK_BITS; c++) {
			char name[64];

			if (!is_set(lost, c) || is_set(warned, c))
				continue;
			warned |= UINT64_C(1) << c;
			cap_name(c, name, sizeof(name));
			if (warn)
				warn(name);
		}
		*masks[l] &= grantable[l];
	}

	return 0;
}

/*
 * After a switch to a non-zero uid with PR_SET_KEEPCAPS the permitted set is
 * kept but the effective one is empty; dropping from the bounding set needs
 * CAP_SETPCAP effective, so raise effective to permitted first.
 */
static int raise_effective(cap_value_t max, struct ct_err *err)
{
	cleanup_cap cap_t cur = cap_get_proc();

	if (!cur)
		return ct_err_set(err, errno, "read capabilities");
	for (cap_value_t c = 0; c < max; c++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(cur, c, CAP_PERMITTED, &v) < 0)
			return ct_err_set(err, errno, "read capability %d", c);
		if (cap_set_flag(cur, CAP_EFFECTIVE, 1, &c, v) < 0)
			return ct_err_set(err, errno, "raise capability %d", c);
	}
	if (cap_set_proc(cur) < 0)
		return ct_err_set(err, errno, "raise effective capabilities");

	return 0;
}

/*
 * Dropping a capability the set does not hold succeeds, so the set is read only when a drop
 * is refused: without CAP_SETPCAP, a capability already gone is no failure.
 */
static int drop_bounding(uint64_t keep, cap_value_t max, struct ct_err *err)
{
	for (cap_value_t c = 0; c < max; c++) {
		char name[64];

		if (is_set(keep, c))
			continue;
		if (cap_drop_bound(c) < 0 && !(errno == EPERM && cap_get_bound(c) == 0)) {
			cap_name(c, name, sizeof(name));
			return ct_err_set(err, errno, "drop '%s' from the bounding set", name);
		}
	}

	return 0;
}

/* Refuses a capability in sub but not in super with a message naming it. */
static int check_subset(uint64_t sub, uint64_t super, const char *what, struct ct_err *err)
{
	for (cap_value_t c = 0; c < CAPS_MASK_BITS; c++) {
		char name[64];

		if (!is_set(sub, c) || is_set(super, c))
			continue;
		cap_name(c, name, sizeof(name));
		return ct_err_set(err, 0, "capability '%s' is %s", name, what);
	}

	return 0;
}

static int set_pei(const struct caps_masks *m, cap_value_t max, struct ct_err *err)
{
	cleanup_cap cap_t want = cap_init();

	if (!want)
		return ct_err_set(err, errno, "allocate capability set");
	for (cap_value_t c = 0; c < max; c++) {
		if (is_set(m->permitted, c) &&
		    cap_set_flag(want, CAP_PERMITTED, 1, &c, CAP_SET) < 0)
			return ct_err_set(err, errno, "set capability %d", c);
		if (is_set(m->effective, c) &&
		    cap_set_flag(want, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0)
			return ct_err_set(err, errno, "set capability %d", c);
		if (is_set(m->inheritable, c) &&
		    cap_set_flag(want, CAP_INHERITABLE, 1, &c, CAP_SET) < 0)
			return ct_err_set(err, errno, "set capability %d", c);
	}
	if (cap_set_proc(want) < 0)
		return ct_err_set(err, errno,
				  "set permitted, effective and inheritable capabilities");

	return 0;
}

static int set_ambient(uint64_t ambient, cap_value_t max, struct ct_err *err)
{
	/*
	 * A kernel without ambient capabilities (before 4.3) is fine as long as none are asked.
	 * One prctl: libcap's cap_reset_ambient asks about each capability first.
	 */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && ambient)
		return ct_err_set(err, errno, "clear ambient capabilities");
	for (cap_value_t c = 0; c < max; c++) {
		char name[64];

		if (!is_set(ambient, c))
			continue;
		if (cap_set_ambient(c, CAP_SET) < 0) {
			cap_name(c, name, sizeof(name));
			return ct_err_set(err, errno, "raise ambient capability '%s'", name);
		}
	}

	return 0;
}

int ct_caps_apply(const struct ct_capabilities *caps, void (*warn)(const char *name),
		  struct ct_err *err)
{
	static const struct ct_capabilities none;
	cap_value_t max = cap_max_bits();
	struct caps_masks m;

	caps_to_masks(caps ? caps : &none, max, warn, &m);
	if (trim_to_held(&m, max, warn, err) < 0)
		return -1;

	/*
	 * The kernel would refuse these with a bare EPERM from capset or
	 * PR_CAP_AMBIENT_RAISE; say which capability is at fault instead.
	 */
	if (check_subset(m.effective, m.permitted, "effective but not permitted", err) < 0 ||
	    check_subset(m.ambient, m.permitted & m.inheritable,
			 "ambient but not both permitted and inheritable", err) < 0)
		return -1;

	/* Bounding first: it needs CAP_SETPCAP, which the next step may drop. */
	if (raise_effective(max, err) < 0 || drop_bounding(m.bounding, max, err) < 0)
		return -1;
	if (set_pei(&m, max, err) < 0)
		return -1;
	/* Ambient last: the kernel only keeps an ambient cap that is permitted and inheritable. */
	if (set_ambient(m.ambient, max, err) < 0)
		return -1;

	return 0;
}
