/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one portability header shared by the code that runs both in the
 * kernel module and in userspace test programs: the Raft core
 * (kernel/raft/), the wire codec (kernel/wire.c) and the on-disk format
 * codec.  Only what those need is here: fixed-width types, allocation,
 * assertions, logging, little-endian load/store and crc32c.
 *
 * Userspace builds compile with -I kernel and link userspace/lib/crc32c.c.
 */
#ifndef RL_PORT_H
#define RL_PORT_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/crc32c.h>

/*
 * The core and the codecs allocate like any process-context code
 * (GFP_KERNEL): raftlog is not a block device, so no writeback ever
 * waits on it and reclaim may recurse into I/O.
 */
#define rl_malloc(size)		kmalloc(size, GFP_KERNEL)
#define rl_zalloc(size)		kzalloc(size, GFP_KERNEL)
#define rl_calloc(n, size)	kcalloc(n, size, GFP_KERNEL)
#define rl_realloc(p, size)	krealloc(p, size, GFP_KERNEL)
#define rl_free(p)		kfree(p)
/*
 * Snapshot blobs: up to RAFT_MAX_SNAPSHOT_SIZE bytes, more than kmalloc
 * gives; vmalloc'd when pages are scarce, a failure is handled.
 */
#define rl_big_alloc(size)	kvmalloc(size, GFP_KERNEL | __GFP_NOWARN)
#define rl_big_free(p)		kvfree(p)

/* An assertion that fails is a bug in raftlog: warn once, keep running. */
#define rl_assert(cond)		WARN_ON_ONCE(!(cond))
#define rl_debug(fmt, ...)	pr_debug("raftlog: " fmt "\n", ##__VA_ARGS__)
#define rl_warn(fmt, ...)	pr_warn_ratelimited("raftlog: " fmt "\n", ##__VA_ARGS__)
/* Long loops of the core in process context (boot) let others run. */
#define rl_yield()		cond_resched()

/* Standard CRC-32C (Castagnoli): initial ~0, final inversion. */
static inline u32 rl_crc32c(u32 crc, const void *buf, size_t len)
{
	return ~crc32c(~crc, buf, len);
}

#else /* userspace */

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define rl_malloc(size)		malloc(size)
#define rl_zalloc(size)		calloc(1, size)
#define rl_calloc(n, size)	calloc(n, size)
#define rl_realloc(p, size)	realloc(p, size)
#define rl_free(p)		free(p)
#define rl_big_alloc(size)	malloc(size)
#define rl_big_free(p)		free(p)

#define rl_assert(cond)		assert(cond)
#ifdef RL_DEBUG
#define rl_debug(fmt, ...)	fprintf(stderr, "raftlog: " fmt "\n", ##__VA_ARGS__)
#else
#define rl_debug(fmt, ...)						\
	do {								\
		if (0)							\
			fprintf(stderr, fmt, ##__VA_ARGS__);		\
	} while (0)
#endif
#define rl_warn(fmt, ...)	fprintf(stderr, "raftlog: " fmt "\n", ##__VA_ARGS__)
#define rl_yield()		do { } while (0)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min
#define min(a, b)		({ typeof(a) _a = (a); typeof(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)		({ typeof(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
#endif

/* Standard CRC-32C (Castagnoli), in userspace/lib/crc32c.c. */
u32 rl_crc32c(u32 crc, const void *buf, size_t len);

#endif /* __KERNEL__ */

/*
 * Little-endian loads and stores at any alignment.  Written out byte by
 * byte so the codecs behave the same on every architecture and in both
 * worlds, and so no unaligned-access header (which moved in 6.12) is needed.
 */
static inline void rl_put_le16(void *p, u16 v)
{
	u8 *b = p;

	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
}

static inline void rl_put_le32(void *p, u32 v)
{
	u8 *b = p;

	b[0] = v & 0xff;
	b[1] = (v >> 8) & 0xff;
	b[2] = (v >> 16) & 0xff;
	b[3] = (v >> 24) & 0xff;
}

static inline void rl_put_le64(void *p, u64 v)
{
	rl_put_le32(p, (u32)(v & 0xffffffffU));
	rl_put_le32((u8 *)p + 4, (u32)(v >> 32));
}

static inline u16 rl_get_le16(const void *p)
{
	const u8 *b = p;

	return (u16)(b[0] | b[1] << 8);
}

static inline u32 rl_get_le32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static inline u64 rl_get_le64(const void *p)
{
	return (u64)rl_get_le32(p) | (u64)rl_get_le32((const u8 *)p + 4) << 32;
}

#endif /* RL_PORT_H */
