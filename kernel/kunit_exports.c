// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols raftlog_test.ko and raftlog_tpctl.ko need from raftlog.ko.
 * This file is compiled only into test builds (RL_TEST_HOOKS=1, Kbuild) on
 * kernels with KUnit, and exports only into the EXPORTED_FOR_KUNIT_TESTING
 * namespace: the module users load (make module) exports nothing.  The
 * shared code itself (Raft core, codecs) stays free of kernel API; its
 * exports live here.
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
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_encode_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_decode_app);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_encode_app);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_encode_app_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_decode_part);
EXPORT_SYMBOL_IF_KUNIT(rl_snapblob_app_off);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_init);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_add);
EXPORT_SYMBOL_IF_KUNIT(rl_scan_finish);

/* -- storage: block-device log (kernel/storage*.c) -- */
#include "storage.h"
EXPORT_SYMBOL_IF_KUNIT(rl_storage_format);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_bad_reads);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_open);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_close);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_get_info);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_room);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_append);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_set_hard_state);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_set_commit);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_truncate);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_compact);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_save_snapshot);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_load_snapshot);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_stage_begin);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_stage_data);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_stage_commit);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_snap_read);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_snap_cur);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_snap_conf);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_wait);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_entry);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_entries);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_walk);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_term);
#ifdef RL_TEST_HOOKS
EXPORT_SYMBOL_IF_KUNIT(rl_storage_inject_fault);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_inject_crash);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_plug);
EXPORT_SYMBOL_IF_KUNIT(rl_vwc_create);
EXPORT_SYMBOL_IF_KUNIT(rl_vwc_destroy);
EXPORT_SYMBOL_IF_KUNIT(rl_storage_attach_vwc);
EXPORT_SYMBOL_IF_KUNIT(rl_vwc_crash);
#endif
EXPORT_SYMBOL_IF_KUNIT(rl_storage_raw_block);

/* -- wire codec (kernel/wire.c) -- */
#include "wire.h"
EXPORT_SYMBOL_IF_KUNIT(rl_wire_strerror);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_reject_name);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_hdr_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_frame_verify);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_frame_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_frame_seal);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_begin);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_end);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_split);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_hdr);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_seq);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_hello_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_ready_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_reject_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_hello_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_auth_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_reject_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_ready_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_hello_check);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_transcript);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_msg_size);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_msg_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_msg_decode);
EXPORT_SYMBOL_IF_KUNIT(rl_wire_msg_free);

/* -- transport (kernel/transport*.c) -- */
#include "transport.h"
EXPORT_SYMBOL_IF_KUNIT(rl_tp_init);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_exit);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_open);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_close);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_peer_add);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_peer_remove);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_send);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_peer_stats);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_listener_stats);
EXPORT_SYMBOL_IF_KUNIT(rl_tp_parse_addr);

/* -- group (kernel/group_params.c, group_members.c) -- */
#include "group.h"
EXPORT_SYMBOL_IF_KUNIT(rl_group_params_parse);
/* group_end_test.c: a real group's requests and reads at failure */
EXPORT_SYMBOL_IF_KUNIT(rl_group_create);
EXPORT_SYMBOL_IF_KUNIT(rl_group_destroy);
EXPORT_SYMBOL_IF_KUNIT(rl_group_put);
EXPORT_SYMBOL_IF_KUNIT(rl_group_read);
EXPORT_SYMBOL_IF_KUNIT(rl_group_barrier_async);
EXPORT_SYMBOL_IF_KUNIT(rl_group_req_put);
/* group_nomem_test.c: a real group under injected allocation failures */
EXPORT_SYMBOL_IF_KUNIT(rl_group_wait);
EXPORT_SYMBOL_IF_KUNIT(rl_group_applied);
EXPORT_SYMBOL_IF_KUNIT(rl_group_info);
EXPORT_SYMBOL_IF_KUNIT(rl_group_member_add);
EXPORT_SYMBOL_IF_KUNIT(rl_group_member_remove);
#include "group_int.h"
EXPORT_SYMBOL_IF_KUNIT(rl_members_boot);
EXPORT_SYMBOL_IF_KUNIT(rl_members_ready);
EXPORT_SYMBOL_IF_KUNIT(rl_members_addr);
EXPORT_SYMBOL_IF_KUNIT(rl_members_compact);
EXPORT_SYMBOL_IF_KUNIT(rl_members_snap_encode);
EXPORT_SYMBOL_IF_KUNIT(rl_members_snap_load);
EXPORT_SYMBOL_IF_KUNIT(rl_members_snap_check);
EXPORT_SYMBOL_IF_KUNIT(rl_members_free);
EXPORT_SYMBOL_IF_KUNIT(rl_msgs_recv);
EXPORT_SYMBOL_IF_KUNIT(rl_msgs_stop);

/* -- raft core (kernel/raft/) -- */
#include "raft/raft_int.h"
EXPORT_SYMBOL_IF_KUNIT(raft_create);
EXPORT_SYMBOL_IF_KUNIT(raft_destroy);
EXPORT_SYMBOL_IF_KUNIT(raft_tick);
EXPORT_SYMBOL_IF_KUNIT(raft_step);
EXPORT_SYMBOL_IF_KUNIT(raft_propose);
EXPORT_SYMBOL_IF_KUNIT(raft_set_room);
EXPORT_SYMBOL_IF_KUNIT(raft_propose_conf_change);
EXPORT_SYMBOL_IF_KUNIT(raft_propose_conf_change_ctx);
EXPORT_SYMBOL_IF_KUNIT(raft_read_index);
EXPORT_SYMBOL_IF_KUNIT(raft_quiesced);
EXPORT_SYMBOL_IF_KUNIT(raft_peer_lost);
EXPORT_SYMBOL_IF_KUNIT(raft_transfer_leader);
EXPORT_SYMBOL_IF_KUNIT(raft_compact);
EXPORT_SYMBOL_IF_KUNIT(raft_persisted);
EXPORT_SYMBOL_IF_KUNIT(raft_fetched);
EXPORT_SYMBOL_IF_KUNIT(raft_snapshot_installed);
EXPORT_SYMBOL_IF_KUNIT(raft_has_ready);
EXPORT_SYMBOL_IF_KUNIT(raft_ready);
EXPORT_SYMBOL_IF_KUNIT(raft_advance);
EXPORT_SYMBOL_IF_KUNIT(raft_status);
EXPORT_SYMBOL_IF_KUNIT(raft_term_at);
EXPORT_SYMBOL_IF_KUNIT(raft_peer_progress);
EXPORT_SYMBOL_IF_KUNIT(raft_msg_clone);
EXPORT_SYMBOL_IF_KUNIT(raft_msg_free);
EXPORT_SYMBOL_IF_KUNIT(raft_msg_type_name);
EXPORT_SYMBOL_IF_KUNIT(raft_role_name);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_encode);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_decode);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_encode_full);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_decode_full);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_encode_ctx);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_change_decode_ctx);
/* internals the white-box tests use */
EXPORT_SYMBOL_IF_KUNIT(raft_conf_apply);
EXPORT_SYMBOL_IF_KUNIT(raft_conf_valid);
EXPORT_SYMBOL_IF_KUNIT(raft_cur_conf);
EXPORT_SYMBOL_IF_KUNIT(raft_become_follower);
EXPORT_SYMBOL_IF_KUNIT(raft_vec_reserve);
EXPORT_SYMBOL_IF_KUNIT(raft_entry_copy);
EXPORT_SYMBOL_IF_KUNIT(raft_entry_free);
EXPORT_SYMBOL_IF_KUNIT(raft_log_entry);
