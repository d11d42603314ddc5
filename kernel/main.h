/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RL_MAIN_H
#define RL_MAIN_H

#include <linux/types.h>

/* The module's version string, also shown by modinfo. */
extern const char rl_version[];

#endif
