// SPDX-License-Identifier: GPL-2.0
/*
 * Dump parsing. A table's messages come as NEWTABLE, then per chain
 * NEWCHAIN and its rules as NEWRULE with XTFW_A_RULE exactly as sent, which
 * the rule keeps so that it can be resent byte for byte. Attributes newer
 * than this tool are skipped.
 */
#include <linux/genetlink.h>
#include <string.h>

#include "dump.h"
#include "rule_nl.h"

static const uint8_t attr_type[XTFW_A_MAX + 1] = {
	[XTFW_A_GENERATION] = MNL_TYPE_U64,
	[XTFW_A_FAMILY] = MNL_TYPE_U8,
	[XTFW_A_TABLE] = MNL_TYPE_U8,
	[XTFW_A_CHAIN] = MNL_TYPE_NUL_STRING,
	[XTFW_A_POLICY] = MNL_TYPE_U8,
	[XTFW_A_COUNTERS] = MNL_TYPE_NESTED,
	[XTFW_A_RULE] = MNL_TYPE_NESTED,
	[XTFW_A_POSITION] = MNL_TYPE_U32,
	[XTFW_A_CHAIN_FLAGS] = MNL_TYPE_U32,
	[XTFW_A_CHAIN_REFS] = MNL_TYPE_U32,
};

static int top_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > XTFW_A_MAX || !attr_type[type])
		return MNL_CB_OK;
	if (mnl_attr_validate(a, attr_type[type]) < 0)
		fail(XT_EXIT_OTHER, "malformed attribute %u from the kernel",
		     type);
	tb[type] = a;
	return MNL_CB_OK;
}

static int counters_cb(const struct nlattr *a, void *data)
{
	uint64_t *c = data;
	uint16_t type = mnl_attr_get_type(a);

	if ((type == XTFW_COUNTERS_A_PACKETS ||
	     type == XTFW_COUNTERS_A_BYTES) &&
	    mnl_attr_validate(a, MNL_TYPE_U64) == 0)
		c[type == XTFW_COUNTERS_A_BYTES] = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static void get_counters(const struct nlattr *a, uint64_t *pkts,
			 uint64_t *bytes)
{
	uint64_t c[2] = { 0, 0 };

	if (a)
		mnl_attr_parse_nested(a, counters_cb, c);
	*pkts = c[0];
	*bytes = c[1];
}

static struct table *msg_table(struct dump *d, const struct nlattr **tb)
{
	uint8_t id;

	if (!tb[XTFW_A_FAMILY] || !tb[XTFW_A_TABLE] ||
	    mnl_attr_get_u8(tb[XTFW_A_FAMILY]) != d->family)
		return NULL;
	id = mnl_attr_get_u8(tb[XTFW_A_TABLE]);
	return id < __XTFW_TABLE_MAX ? ruleset_get(d->rs, d->family, id) : NULL;
}

static struct chain *msg_chain(struct table *t, const struct nlattr **tb)
{
	const char *name;
	struct chain *c;

	if (!tb[XTFW_A_CHAIN])
		return NULL;
	name = mnl_attr_get_str(tb[XTFW_A_CHAIN]);
	if (!*name || strlen(name) >= XTFW_CHAIN_MAXNAMELEN)
		fail(XT_EXIT_OTHER, "bad chain name from the kernel");
	c = table_chain(t, name);
	return c ? c : table_add_chain(t, name);
}

static void got_chain(struct table *t, const struct nlattr **tb)
{
	struct chain *c = msg_chain(t, tb);

	if (!c)
		return;
	if (tb[XTFW_A_POLICY])
		c->policy = mnl_attr_get_u8(tb[XTFW_A_POLICY]);
	get_counters(tb[XTFW_A_COUNTERS], &c->pkts, &c->bytes);
	if (tb[XTFW_A_CHAIN_REFS]) {
		c->refs = mnl_attr_get_u32(tb[XTFW_A_CHAIN_REFS]);
		c->refs_known = true;
	}
}

static void got_rule(struct table *t, const struct nlattr **tb)
{
	struct chain *c = msg_chain(t, tb);
	struct rule *r;

	if (!c || !tb[XTFW_A_RULE])
		return;
	r = rule_nl_decode(tb[XTFW_A_RULE], t->family);
	get_counters(tb[XTFW_A_COUNTERS], &r->pkts, &r->bytes);
	chain_insert(c, c->nrules, r);
}

static void note_gen(struct dump *d, const struct nlattr **tb)
{
	uint64_t gen;

	if (!tb[XTFW_A_GENERATION])
		return;
	gen = mnl_attr_get_u64(tb[XTFW_A_GENERATION]);
	if (d->have_gen && gen != d->gen)
		d->gen_changed = true;
	d->gen = gen;
	d->have_gen = true;
}

int dump_gen(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[XTFW_A_MAX + 1] = { 0 };

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), top_cb, tb);
	note_gen(data, tb);
	return MNL_CB_OK;
}

int dump_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[XTFW_A_MAX + 1] = { 0 };
	struct dump *d = data;
	struct table *t;

	mnl_attr_parse(nlh, sizeof(*g), top_cb, tb);
	note_gen(d, tb);
	t = msg_table(d, tb);
	if (!t)
		return MNL_CB_OK;
	switch (g->cmd) {
	case XTFW_CMD_NEWTABLE:
		table_reset(t);
		break;
	case XTFW_CMD_NEWCHAIN:
		got_chain(t, tb);
		break;
	case XTFW_CMD_NEWRULE:
		got_rule(t, tb);
		break;
	}
	return MNL_CB_OK;
}
