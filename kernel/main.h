/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RL_MAIN_H
#define RL_MAIN_H

#include <linux/types.h>

/* The module's version string, also shown by modinfo. */
extern const char rl_version[];
/* Log role and membership changes at info level (module parameter). */
extern bool rl_verbose;

#endif
