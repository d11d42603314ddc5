/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One way to write a test that runs in two places: as a KUnit case inside
 * raftlog_test.ko in the test kernel, and as a host program under ASan and
 * UBSan (tests/rltest_main.c prints TAP).  Tests of code shared between the
 * kernel and userspace (the Raft core, the codecs) are written with these
 * macros only, so the same assertions prove the same code in both worlds.
 *
 *	RL_TEST(elects_a_leader)
 *	{
 *		RL_EXPECT_EQ(net.leader, 1);
 *		RL_ASSERT(p != NULL);	// stops this case on failure
 *	}
 *	RL_SUITE(election, RL_CASE(elects_a_leader), RL_CASE(...));
 *
 * Inside a test the current test handle is `rl_t`; pass it to helpers that
 * assert (declare them with `RL_T *rl_t`).
 */
#ifndef RL_TEST_H
#define RL_TEST_H

#ifdef __KERNEL__

#include <kunit/test.h>

typedef struct kunit RL_T;

#define RL_TEST(fn)		static void fn(RL_T *rl_t)
#define RL_CASE(fn)		KUNIT_CASE(fn)
#define RL_EXPECT(cond)		KUNIT_EXPECT_TRUE(rl_t, !!(cond))
#define RL_ASSERT(cond)		KUNIT_ASSERT_TRUE(rl_t, !!(cond))
#define RL_EXPECT_EQ(a, b)	KUNIT_EXPECT_EQ(rl_t, (long long)(a), (long long)(b))
#define RL_EXPECT_NE(a, b)	KUNIT_EXPECT_NE(rl_t, (long long)(a), (long long)(b))
#define RL_ASSERT_EQ(a, b)	KUNIT_ASSERT_EQ(rl_t, (long long)(a), (long long)(b))
#define RL_EXPECT_MEMEQ(a, b, n) KUNIT_EXPECT_EQ(rl_t, memcmp(a, b, n), 0)
#define RL_LOG(fmt, ...)	kunit_info(rl_t, fmt, ##__VA_ARGS__)
#define RL_FAIL(fmt, ...)	KUNIT_FAIL(rl_t, fmt, ##__VA_ARGS__)

#define RL_SUITE(sname, ...)						\
	static struct kunit_case sname##_cases[] = { __VA_ARGS__, {} };	\
	static struct kunit_suite sname##_suite = {			\
		.name = "raftlog_" #sname,				\
		.test_cases = sname##_cases,				\
	};								\
	kunit_test_suite(sname##_suite)

#else /* userspace */

#include <stdio.h>
#include <string.h>

typedef struct rl_test {
	const char *name;
	int failed;
	int aborted;
} RL_T;

struct rl_case {
	const char *name;
	void (*run)(RL_T *rl_t);
};

struct rl_suite {
	const char *name;
	const struct rl_case *cases;
	struct rl_suite *next;
};

void rl__register(struct rl_suite *suite);
int rl__check(RL_T *t, int ok, const char *expr, const char *file, int line);
int rl__check_eq(RL_T *t, int ok, const char *a, const char *b,
		 long long va, long long vb, const char *file, int line);

#define RL_TEST(fn)		static void fn(RL_T *rl_t)
#define RL_CASE(fn)		{ #fn, fn }
#define RL_EXPECT(cond)		((void)rl__check(rl_t, !!(cond), #cond, __FILE__, __LINE__))
#define RL_ASSERT(cond)							\
	do {								\
		if (!rl__check(rl_t, !!(cond), #cond, __FILE__, __LINE__)) \
			return;						\
	} while (0)
/* each operand is evaluated once: it may be a call with side effects */
#define RL__EQ(a, b, op)						\
	({								\
		long long rl__a = (long long)(a), rl__b = (long long)(b); \
		rl__check_eq(rl_t, rl__a op rl__b, #a, #b, rl__a, rl__b, \
			     __FILE__, __LINE__);			\
	})
#define RL_EXPECT_EQ(a, b)	((void)RL__EQ(a, b, ==))
#define RL_EXPECT_NE(a, b)	((void)RL__EQ(a, b, !=))
#define RL_ASSERT_EQ(a, b)						\
	do {								\
		if (!RL__EQ(a, b, ==))					\
			return;						\
	} while (0)
#define RL_EXPECT_MEMEQ(a, b, n) RL_EXPECT(memcmp(a, b, n) == 0)
#define RL_LOG(fmt, ...)	printf("    # " fmt "\n", ##__VA_ARGS__)
#define RL_FAIL(fmt, ...)						\
	((void)rl__check(rl_t, 0, "RL_FAIL", __FILE__, __LINE__),	\
	 printf("    # " fmt "\n", ##__VA_ARGS__))

#define RL_SUITE(sname, ...)						\
	static const struct rl_case sname##_cases[] = { __VA_ARGS__, { 0 } }; \
	static struct rl_suite sname##_suite = { #sname, sname##_cases, 0 }; \
	__attribute__((constructor)) static void sname##_register(void) \
	{								\
		rl__register(&sname##_suite);				\
	}

#endif /* __KERNEL__ */
#endif /* RL_TEST_H */
