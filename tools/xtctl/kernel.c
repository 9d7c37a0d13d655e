// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps into struct ruleset and transactions out of it:
 *   BEGIN [GENERATION], per table NEWTABLE, NEWCHAIN for every chain (all
 *   before any rule), NEWRULE for every rule in order, COMMIT or ABORT.
 * Rules carry XTFW_A_COUNTERS only when asked to set them (restore -c,
 * -Z CHAIN N); otherwise the kernel keeps the counters of unchanged rules.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump.h"
#include "names.h"
#include "kernel.h"
#include "txn.h"

#define DUMP_MAX_RESTARTS	20

static noreturn void nl_fail(const struct nl_error *e, const char *prefix)
{
	int code = e->err == EPERM || e->err == EACCES || e->err == ENOMEM ||
		   e->err == ENOBUFS ? XT_EXIT_RESOURCE : XT_EXIT_OTHER;
	const char *msg = e->msg[0] ? e->msg : nl_strerror(e->err);

	if (code == XT_EXIT_RESOURCE || !prefix)
		fail(code, "%s", msg);
	fail(code, "%s: %s", prefix, msg);
}

/* The generation now; an empty dump carries none. */
static void read_gen(struct nl *nl, struct dump *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_msg(nl, buf, XTFW_CMD_GETGEN, NLM_F_ACK);
	struct nl_error e;

	if (nl_exchange(nl, nlh, dump_gen, d, &e) < 0)
		nl_fail(&e, NULL);
}

static void free_family(struct ruleset *rs, uint8_t family)
{
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		table_free(rs->t[family][i]);
		rs->t[family][i] = NULL;
	}
}

void kernel_read(struct nl *nl, struct ruleset *rs, uint8_t family,
		 int table)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nl_error e;

	for (int tries = 0; tries < DUMP_MAX_RESTARTS; tries++) {
		struct dump d = { .rs = rs, .family = family };

		free_family(rs, family);
		read_gen(nl, &d);
		d.gen_changed = false;
		nlh = nl_put_msg(nl, buf, XTFW_CMD_GETRULESET,
				 NLM_F_DUMP);
		mnl_attr_put_u8(nlh, XTFW_A_FAMILY, family);
		if (table >= 0)
			mnl_attr_put_u8(nlh, XTFW_A_TABLE, table);
		if (nl_exchange(nl, nlh, dump_msg, &d, &e) < 0 && e.err != EINTR)
			nl_fail(&e, NULL);
		if (e.err == EINTR || d.gen_changed)
			continue;
		rs->gen = d.gen;
		rs->have_gen = d.have_gen;
		return;
	}
	fail(XT_EXIT_RESOURCE, "the ruleset keeps changing; giving up");
}

/* ---- transactions ---- */

struct batch_sink {
	struct txn_sink s;
	struct nl *nl;
	struct nl_batch nb;
};

static struct nlmsghdr *sink_begin(struct txn_sink *s, uint8_t cmd,
				   uint16_t flags, size_t *room)
{
	struct batch_sink *bs = (struct batch_sink *)s;

	return nl_put_msg(bs->nl, nl_batch_slot(&bs->nb, room), cmd, flags);
}

static void sink_end(struct txn_sink *s, unsigned int line,
		     unsigned int rules)
{
	nl_batch_add(&((struct batch_sink *)s)->nb, line, rules);
}

/*
 * COMMIT-time errors name "TABLE CHAIN rule N: ...", and so do those of a
 * NEWRULE of several rules; find that rule's restore line, if it has one.
 */
static unsigned int line_of_message(const struct ruleset *rs, uint8_t family,
				    const char *msg)
{
	char table[16], chain[XTFW_CHAIN_MAXNAMELEN];
	const struct table *t;
	const struct chain *c;
	unsigned int n;
	int id;

	if (sscanf(msg, "%15s %28s rule %u:", table, chain, &n) != 3)
		return 0;
	id = table_by_name(table);
	t = id >= 0 ? rs->t[family][id] : NULL;
	c = t ? table_chain(t, chain) : NULL;
	return c && n >= 1 && n <= c->nrules ? c->rules[n - 1]->line : 0;
}

int kernel_commit(struct nl *nl, const struct ruleset *rs, uint8_t family,
		  const struct commit_opts *o)
{
	struct batch_sink bs = {
		.s = { .begin = sink_begin, .end = sink_end,
		       .rules_per_msg = nl->family_version >= 2 ?
					KERNEL_RULES_PER_MSG : 1 },
		.nl = nl,
	};
	struct txn_opts to = {
		.use_gen = o->use_gen, .abort = o->abort, .del = o->del,
	};
	struct nl_origin where;
	struct nl_error e;

	nl_batch_init(&bs.nb, nl);
	txn_build(&bs.s, rs, family, &to);
	if (nl_batch_finish(&bs.nb, &where) == 0) {
		nl_batch_free(&bs.nb);
		return 0;
	}
	e = bs.nb.first;
	nl_batch_free(&bs.nb);
	if (e.err == EAGAIN)
		return -EAGAIN;
	if (!where.line || where.rules > 1) {
		unsigned int line = line_of_message(rs, family, e.msg);

		if (line)
			where.line = line;
	}
	if (where.line) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "line %u", where.line);
		nl_fail(&e, ctx);
	}
	nl_fail(&e, NULL);
}

void kernel_backoff(unsigned int n)
{
	static unsigned int seed;
	unsigned int cap = n < 14 ? 100U << n : KERNEL_BACKOFF_MAX_US;
	struct timespec ts;

	if (!seed)
		seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	if (cap > KERNEL_BACKOFF_MAX_US)
		cap = KERNEL_BACKOFF_MAX_US;
	cap = rand_r(&seed) % (cap + 1);
	ts.tv_sec = 0;
	ts.tv_nsec = cap * 1000L;
	nanosleep(&ts, NULL);
}

void kernel_zero(struct nl *nl, uint8_t family, int table, const char *chain)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_msg(nl, buf, XTFW_CMD_ZERO, NLM_F_ACK);
	struct nl_error e;

	mnl_attr_put_u8(nlh, XTFW_A_FAMILY, family);
	if (table >= 0)
		mnl_attr_put_u8(nlh, XTFW_A_TABLE, table);
	if (chain)
		mnl_attr_put_strz(nlh, XTFW_A_CHAIN, chain);
	if (nl_exchange(nl, nlh, NULL, NULL, &e) < 0)
		nl_fail(&e, NULL);
}
