/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * raftlog: the user-visible ABI of the raftlog module.
 *
 * Everything a program outside the module depends on is defined here or in
 * the headers this one includes:
 *   raftlog_disk.h  the on-disk format of a group's block device
 *   raftlog_wire.h  the peer-to-peer wire protocol
 * and, in this file, the character device (/dev/raftlog<N>) record header,
 * ioctls and uring_cmd opcodes, and the generic netlink family.
 */
#ifndef _UAPI_LINUX_RAFTLOG_H
#define _UAPI_LINUX_RAFTLOG_H

#include <linux/types.h>
#include <linux/raftlog_disk.h>

/* Version of the peer wire protocol spoken by this module. */
#define RAFTLOG_PROTOCOL_VERSION	1
/* Version of the on-disk format written by this module. */
#define RAFTLOG_FORMAT_VERSION		RAFTLOG_DISK_VERSION

#endif /* _UAPI_LINUX_RAFTLOG_H */
