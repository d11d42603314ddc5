// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the group driver's tracepoints (rl_trace.h) are
 * defined: every other file only includes the header to call them.
 */
#include <linux/module.h>
#include "raft/raft.h"
#include "wire.h"
#include "group.h"
#include "group_int.h"

#define CREATE_TRACE_POINTS
#include "rl_trace.h"
