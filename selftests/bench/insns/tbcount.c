// SPDX-License-Identifier: GPL-2.0
/*
 * tbcount: a QEMU TCG plugin that counts the guest kernel's instructions
 * per translation block, for insns.sh.
 *
 * Every block that starts at a kernel address gets an inline counter: each
 * time the block runs, its instruction count is added to the counter of
 * its start address. A block ends at a branch, so it lies within one
 * function, and the counts add up per function exactly (no sampling).
 *
 * Arguments: out=PREFIX (files PREFIX.0, PREFIX.1, ...) and mark=ADDR (hex):
 * each time the guest runs the block at ADDR (insns.sh gives the entry of
 * the syncfs(2) system call, which nothing else in the guest calls), the
 * counts so far are written to the next file. The difference of two
 * snapshots is what ran between two syncfs calls.
 *
 * Debian's QEMU ships no qemu-plugin.h: the few declarations needed are
 * below, as in version 1 of the plugin API (QEMU 5.2 to 8.1).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

enum qemu_plugin_op {
	QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*vcpu_udata_cb)(unsigned int vcpu, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  vcpu_udata_cb cb,
					  enum qemu_plugin_cb_flags flags,
					  void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

#define SLOTS		(1U << 22)	/* kernel blocks: a few 100,000 */
#define KERNEL_BASE	0xffff800000000000ULL

struct counter {
	uint64_t vaddr;
	uint64_t insns;
};

static struct counter *table;
static const char *prefix = "tbcount";
static uint64_t mark;
static unsigned int snapshots;

static struct counter *counter_of(uint64_t vaddr)
{
	uint64_t h = (vaddr * 0x9e3779b97f4a7c15ULL) >> 40;

	for (;; h++) {
		struct counter *c = &table[h & (SLOTS - 1)];

		if (c->vaddr == vaddr || !c->vaddr) {
			c->vaddr = vaddr;
			return c;
		}
	}
}

/* Write every counter to PREFIX.N (icount runs one vCPU at a time). */
static void snapshot(unsigned int vcpu, void *unused)
{
	char path[4096];
	FILE *f;

	(void)vcpu;
	(void)unused;
	snprintf(path, sizeof(path), "%s.%u", prefix, snapshots++);
	f = fopen(path, "w");
	if (!f)
		return;
	for (uint32_t i = 0; i < SLOTS; i++)
		if (table[i].insns)
			fprintf(f, "%llx %llu\n",
				(unsigned long long)table[i].vaddr,
				(unsigned long long)table[i].insns);
	fclose(f);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);

	(void)id;
	if (vaddr < KERNEL_BASE)
		return;
	if (vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, snapshot,
						     QEMU_PLUGIN_CB_NO_REGS,
						     NULL);
	qemu_plugin_register_vcpu_tb_exec_inline(tb,
						 QEMU_PLUGIN_INLINE_ADD_U64,
						 &counter_of(vaddr)->insns,
						 qemu_plugin_tb_n_insns(tb));
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
			int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			prefix = argv[i] + 4;
		else if (!strncmp(argv[i], "mark=", 5))
			mark = strtoull(argv[i] + 5, NULL, 16);
	}
	table = calloc(SLOTS, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	return 0;
}
