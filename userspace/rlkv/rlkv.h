/* SPDX-License-Identifier: GPL-2.0 */
/* rlkv: the parts of the one program (see rlkv.c for the commands). */
#ifndef RLKV_H
#define RLKV_H

#include <stdint.h>

#define RLKV_LINE_MAX	1024

const char *rlkv_errname(int err);
int rlkv_serve(const char *dev, const char *addr, int bug_no_barrier,
	       uint64_t snap_every);
int rlkv_load(int argc, char **argv);
int rlkv_holder(int argc, char **argv, int campaign);
int rlkv_observe(const char *addr, const char *name);
int rlkv_resource(const char *addr, const char *log);
int rlkv_lockcheck(int argc, char **argv);

#endif /* RLKV_H */
