// SPDX-License-Identifier: GPL-2.0
/*
 * A QEMU TCG plugin for the benchmark (bench.sh, BENCH_PROFILE=1): counts
 * the instructions the guest executes, per translation block start address
 * in the kernel's half of the address space, and all of user space as one.
 * Under -icount shift=0 an instruction is a nanosecond of guest time, so
 * bench-profile.py, which maps the addresses to the kernel's functions
 * through System.map, shows where one kernel spends the time another does
 * not.  The plugin only reads: the guest runs the same instructions with
 * and without it.
 *
 * Usage: qemu-system-x86_64 -plugin insn-profile.so,out=FILE ...
 * FILE gets "user N", then "ADDRESS N" lines (hexadecimal address).
 *
 * One vCPU: the counters are not atomic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu-plugin-api.h"

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define KERNEL_START	0xffff800000000000ull
#define SLOTS		0x400000u	/* open addressing, far more than a kernel's blocks */

struct slot {
	uint64_t pc;
	uint64_t insns;
};

static struct slot *slots;
static uint64_t user_insns;
static const char *out_path;

/* The counter of the block starting at @pc; a block address is never 0 */
static uint64_t *counter(uint64_t pc)
{
	uint32_t h = (pc * 0x9e3779b97f4a7c15ull) >> 42;
	uint32_t n;

	for (n = 0; n < SLOTS; n++, h++) {
		struct slot *s = &slots[h & (SLOTS - 1)];

		if (!s->pc)
			s->pc = pc;
		if (s->pc == pc)
			return &s->insns;
	}
	return &user_insns;	/* full: never seen, but count somewhere */
}

/* A block is translated: count its instructions each time it runs */
static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t pc = qemu_plugin_tb_vaddr(tb);
	uint64_t *c = pc >= KERNEL_START ? counter(pc) : &user_insns;

	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 c, qemu_plugin_tb_n_insns(tb));
}

static void write_out(qemu_plugin_id_t id, void *udata)
{
	FILE *f = fopen(out_path, "w");
	uint32_t i;

	if (!f) {
		perror(out_path);
		return;
	}
	fprintf(f, "user %llu\n", (unsigned long long)user_insns);
	for (i = 0; i < SLOTS; i++)
		if (slots[i].insns)
			fprintf(f, "%llx %llu\n", (unsigned long long)slots[i].pc,
				(unsigned long long)slots[i].insns);
	fclose(f);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_path = strdup(argv[i] + 4);
	if (!out_path) {
		fprintf(stderr, "insn-profile: wants out=FILE\n");
		return -1;
	}
	slots = calloc(SLOTS, sizeof(*slots));
	if (!slots)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, write_out, NULL);
	return 0;
}
