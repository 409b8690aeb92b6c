/* SPDX-License-Identifier: Apache-2.0 */
/* A minimal TAP producer for the C unit tests: one `ok`/`not ok` line per check. */
#pragma once

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

#define TAP_OK(cond, ...)                                                                          \
	do {                                                                                       \
		tap_count++;                                                                       \
		if (cond) {                                                                        \
			printf("ok %d - ", tap_count);                                             \
		} else {                                                                           \
			tap_failed++;                                                              \
			printf("not ok %d - ", tap_count);                                         \
		}                                                                                  \
		printf(__VA_ARGS__);                                                               \
		printf("\n");                                                                      \
		if (!(cond))                                                                       \
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
	} while (0)

#define TAP_STR_EQ(a, b, ...) TAP_OK((a) && (b) && strcmp((a), (b)) == 0, __VA_ARGS__)

/* Prints the plan last ("1..N"), which TAP allows, and returns the exit status. */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
