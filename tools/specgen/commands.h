/* SPDX-License-Identifier: Apache-2.0 */
/* specgen's sub-commands; each returns the process exit status. */
#pragma once

int cmd_generate(int argc, char **argv);
int cmd_validate(int argc, char **argv);
