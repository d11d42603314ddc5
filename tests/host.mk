# Shared settings for host-side test programs (tests/unit/*, tests/sim,
# tests/fuzz).  Include with: TOP := ../.. ; include $(TOP)/tests/host.mk
CC ?= cc
HOST_SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined
HOST_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra \
	-Wno-unused-parameter -Wno-sign-compare -Werror \
	-I$(TOP)/kernel -I$(TOP)/uapi -I$(TOP)/tests $(HOST_SAN)
HOST_LDFLAGS := $(HOST_SAN)
# The runner and the userspace half of the portability layer.
HOST_COMMON := $(TOP)/tests/rltest_main.c $(TOP)/userspace/lib/crc32c.c
