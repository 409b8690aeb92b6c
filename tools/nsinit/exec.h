/* SPDX-License-Identifier: Apache-2.0 */
/* nsinit exec: runc exec's command line over the join library. */
#pragma once

#include <stdbool.h>

/* True when the command after nsinit's global options is "exec". */
bool nsinit_exec_wanted(int argc, char **argv);

/*
 * Parses the global options and exec's own, runs the process in the
 * container and returns nsinit's exit status: the process's (128+N when
 * killed by signal N), 0 with --detach, 255 when exec itself failed, 2 for
 * a usage mistake.
 */
int nsinit_exec_main(int argc, char **argv);
