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

/* -- storage: on-disk codec (kernel/disk.c) -- */
#include "disk.h"
EXPORT_SYMBOL_IF_KUNIT(rl_disk_strerror);
EXPORT_SYMBOL_IF_KUNIT(rl_sb_layout);
EXPORT_SYMBOL_IF_KUNIT(rl_sb_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_sb_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_sb_check_geometry);
EXPORT_SYMBOL_IF_KUNIT(rl_meta_init);
EXPORT_SYMBOL_IF_KUNIT(rl_meta_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_meta_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_meta_pick);
EXPORT_SYMBOL_IF_KUNIT(rl_rec_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_rec_decode_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_rec_check_body);
EXPORT_SYMBOL_IF_KUNIT(rl_rec_get_ent);
EXPORT_SYMBOL_IF_KUNIT(rl_snap_encode_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_snap_decode_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_init);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_add);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_finish);
