# SPDX-License-Identifier: GPL-2.0
#
# Drives the zswap series: lay it over a Linux 6.1 base, build, boot in QEMU,
# test.  See README.md.  The work is done by the scripts in
# tools/testing/selftests/zswap/bin/; this file only names the steps.
#
#   make run      build the patched kernel, boot it, show zswap working
#   make check    every test tier; ends with "N passed, N failed"
#   make series   the patch series against the base, in BUILD/series
#   make bench    the series against 6.1 and 6.1 + shrink-until-accept, QEMU -icount
#   make deb      installable Debian packages of the patched kernel (DEB_CONFIG)
#   make kernel   build one kernel flavour (FLAVOUR=run|debug|bench)
#   make base     unpack the base tree (once); make overlay: lay the repo over it
#   make clean    remove kernel objects and guest runs; make distclean: all of BUILD
#
# Variables: BUILD (./build), KDIR (a plain 6.1.y tree instead of Debian's
# linux-source-6.1), JOBS, and for run: ZPOOL, COMPRESSOR, MAX_POOL_PERCENT,
# MEM, DEMO_MB, SMP, SEED, APPEND; for check: TIERS, BASE (patched or
# vanilla: the selftests on the unmodified base), STRESS_SECONDS, VM_TIMEOUT;
# for bench: BENCH_KERNELS, BENCH_WORKLOADS, BENCH_PAIRS, BENCH_JOBS,
# BENCH_MEM, BENCH_SCALE, BENCH_WARM_PCT, BENCH_DISK, BENCH_B_APPEND,
# NVME_READ_US, NVME_WRITE_US, CLOUD_READ_US, CLOUD_WRITE_US (bin/bench.sh);
# for deb: DEB_CONFIG (cloud-amd64 or amd64), DEB_DEBUG_INFO (bin/deb.sh).

BIN := tools/testing/selftests/zswap/bin
BUILD ?= $(CURDIR)/build
FLAVOUR ?= run
TIERS ?=
export BUILD KDIR JOBS ZPOOL COMPRESSOR MAX_POOL_PERCENT MEM DEMO_MB SMP SEED APPEND
export BASE STRESS_SECONDS VM_TIMEOUT RECONFIG_ZPOOLS
export BENCH_KERNELS BENCH_WORKLOADS BENCH_PAIRS BENCH_JOBS BENCH_MEM BENCH_SCALE BENCH_WARM_PCT
export BENCH_TIMEOUT BENCH_DISK BENCH_B_APPEND
export NVME_READ_US NVME_WRITE_US CLOUD_READ_US CLOUD_WRITE_US DEB_CONFIG DEB_DEBUG_INFO

.PHONY: run check series bench deb kernel base overlay initramfs clean distclean help

run:
	@$(BIN)/run.sh

check:
	@$(BIN)/check.sh $(TIERS)

series:
	@$(BIN)/series.sh

bench:
	@$(BIN)/bench.sh

deb:
	@$(BIN)/deb.sh

kernel:
	@$(BIN)/build-kernel.sh $(FLAVOUR)

base:
	@$(BIN)/base.sh

overlay: base
	@$(BIN)/overlay.sh

initramfs: overlay
	@$(BIN)/mkinitramfs.sh

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/series-kunit/obj-* $(BUILD)/series $(BUILD)/vm \
		$(BUILD)/check $(BUILD)/selftests \
		$(BUILD)/bench \
		$(BUILD)/initramfs $(BUILD)/initramfs.cpio

distclean:
	rm -rf $(BUILD)

help:
	@sed -n '3,24p' Makefile
