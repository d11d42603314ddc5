// SPDX-License-Identifier: GPL-2.0
/*
 * raftlog_test.ko: the KUnit suites of raftlog.  Each suite registers
 * itself (kunit_test_suite) in its own file; this file carries the module
 * metadata and the switch that the harness self-test uses.
 */
#include <linux/module.h>
#include <kunit/test.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for raftlog");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
