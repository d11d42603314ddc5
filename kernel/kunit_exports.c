// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols raftlog_test.ko needs from raftlog.ko.  They are exported only
 * when the kernel has KUnit, and only into the EXPORTED_FOR_KUNIT_TESTING
 * namespace, so production builds export nothing.  The shared code itself
 * (Raft core, codecs) stays free of kernel API; its exports live here.
 */
#include <linux/module.h>
#include <kunit/visibility.h>
#include "main.h"

EXPORT_SYMBOL_IF_KUNIT(rl_version);
