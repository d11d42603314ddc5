# raftlog: top-level make targets.  The module itself is built by Kbuild
# (make -C $KDIR M=$PWD); this file drives everything around it.
#
#   make demo        build everything, boot a guest, show raftlog running
#   make check       every test tier; ends with "N passed, N failed"
#
# Tiers one at a time: unit, sim, fuzz-smoke, hygiene (checkpatch + sparse),
# kunit, vm, selftest.  Others: module (KDIR=...), kernel, fuzz, bench-kernel,
# checkpatch, sparse, clean, install (DESTDIR, PREFIX), install-dkms, package.  Every target installs what it needs first
# (scripts/install-deps.sh: apt on Debian 12, as root).

SHELL := /bin/sh
KDIR ?=
SEEDS ?=

.PHONY: all deps kernel bench-kernel module modules userspace unit sim \
	sim-long fuzz-smoke fuzz hygiene checkpatch sparse kunit vm selftest check demo \
	torture fuzz-guest clean install install-dkms package

all: modules userspace

deps:
	@scripts/install-deps.sh

kernel: deps
	@scripts/build-kernel.sh debug

bench-kernel: deps
	@scripts/build-kernel.sh bench

# Build raftlog.ko against one kernel tree: make module KDIR=/lib/modules/$(uname -r)/build
module:
	@test -n "$(KDIR)" || { echo "make module KDIR=<kernel build dir>"; exit 2; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Both supported kernels: the 6.12 test kernel and Debian 12's stock 6.1.
modules: deps
	@scripts/build-modules.sh debug
	@scripts/build-modules.sh stock

userspace: deps
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace; fi

unit: deps
	@tests/unit/run.sh

sim-long: deps
	@$(MAKE) -s -C tests/sim long $(if $(SEEDS),LONG_SEEDS=$(SEEDS))

sim: deps
	@if [ -f tests/sim/Makefile ]; then \
		if [ -n "$(SEEDS)" ]; then $(MAKE) -s -C tests/sim sim SEEDS=$(SEEDS); \
		else $(MAKE) -s -C tests/sim run; fi; \
	else echo "not ok - tests/sim is missing"; echo "0 passed, 1 failed"; exit 1; fi

fuzz-smoke: deps
	@if [ -f tests/fuzz/Makefile ]; then $(MAKE) -s -C tests/fuzz smoke; \
	else echo "not ok - tests/fuzz is missing"; echo "0 passed, 1 failed"; exit 1; fi

fuzz: deps
	@$(MAKE) -C tests/fuzz fuzz

hygiene: deps
	@scripts/tier-hygiene.sh

checkpatch: deps
	@scripts/tier-hygiene.sh checkpatch

sparse: deps
	@scripts/tier-hygiene.sh sparse

kunit: deps
	@scripts/tier-kunit.sh

vm: deps
	@scripts/tier-vm.sh

selftest: deps
	@scripts/tier-selftest.sh

check: deps
	@scripts/check.sh

# The long fault campaign: ROUNDS nemesis rounds (about 200 s each on
# the debug kernel under TCG), or MINUTES of them, checked by rlcheck at
# the end.
ROUNDS ?= 10
MINUTES ?= 0
torture: deps
	@scripts/torture.sh $(ROUNDS) $(MINUTES)

# the guest fuzzer (tests/vm/fuzz-guest.sh) for MINUTES (default 10) on
# the debug kernel; SEED replays a run
fuzz-guest: deps
	@scripts/fuzz-guest.sh $(if $(filter 0,$(MINUTES)),10,$(MINUTES)) $(SEED)

demo: deps
	@scripts/demo.sh

# Install the userspace (raftctl in $(PREFIX)/sbin, raftlog-bench,
# libraftlog with its header and pkg-config file), the man pages, the
# systemd units, the udev rule and the bash completion; install-dkms puts
# the module's source and dkms.conf in $(DESTDIR)/usr/src/raftlog-VERSION.
# Variables: DESTDIR, PREFIX (/usr/local), SYSCONFDIR (/etc) and the
# others listed in packaging/install.sh.
DESTDIR ?=
PREFIX ?= /usr/local
export DESTDIR PREFIX
install: userspace
	@packaging/install.sh all

install-dkms:
	@packaging/install.sh dkms

# The Debian packages raftlog-dkms and raftlog-utils (in build/deb), and
# dkms build against the installed kernel headers: scripts/tier-package.sh.
package: deps
	@scripts/tier-package.sh

clean:
	rm -rf build
	-$(MAKE) -s -C tests/unit/port clean
	-find . -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' | xargs rm -f
