/* SPDX-License-Identifier: Apache-2.0 */
/* Signal names as `kill` takes them: TERM, SIGTERM, 15, RTMIN+3. */
#pragma once

struct ct_err;

/*
 * Parses a signal as runc does: a number (0..SIGRTMAX, 0 only probes), or a name with or
 * without "SIG", in any case; also RTMIN+N and RTMAX-N. errnum 0 (a
 * refusal, no syscall failed) with "unknown signal" on refusal.
 */
int ct_signal_parse(const char *text, int *ret_sig, struct ct_err *err);

/* "SIGTERM" for 15; NULL for a number with no name. */
const char *ct_signal_name(int sig);
