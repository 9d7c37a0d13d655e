// SPDX-License-Identifier: GPL-2.0
/*
 * Transaction messages. Rules carry XTFW_A_COUNTERS only when asked to set
 * them (restore -c, -Z CHAIN N); otherwise the kernel keeps the counters of
 * unchanged rules, which it recognises by their XTFW_A_RULE bytes.
 */
#include "rule_nl.h"
#include "txn.h"

static void need(bool ok)
{
	if (!ok)
		fail(XT_EXIT_RESOURCE, "netlink message too large");
}

static void put_where(struct nlmsghdr *nlh, size_t room, uint8_t family,
		      const struct table *t, const char *chain)
{
	need(mnl_attr_put_u8_check(nlh, room, XTFW_A_FAMILY, family));
	need(mnl_attr_put_u8_check(nlh, room, XTFW_A_TABLE, t->id));
	if (chain)
		need(mnl_attr_put_strz_check(nlh, room, XTFW_A_CHAIN, chain));
}

static void put_counters(struct nlmsghdr *nlh, size_t room, uint64_t pkts,
			 uint64_t bytes)
{
	struct nlattr *n = mnl_attr_nest_start_check(nlh, room,
						     XTFW_A_COUNTERS);

	need(n != NULL);
	need(mnl_attr_put_u64_check(nlh, room, XTFW_COUNTERS_A_PACKETS, pkts));
	need(mnl_attr_put_u64_check(nlh, room, XTFW_COUNTERS_A_BYTES, bytes));
	mnl_attr_nest_end(nlh, n);
}

static void put_chain(struct txn_sink *s, uint8_t family,
		      const struct table *t, const struct chain *c)
{
	size_t room;
	struct nlmsghdr *nlh = s->begin(s, XTFW_CMD_NEWCHAIN, 0, &room);

	put_where(nlh, room, family, t, c->name);
	if (c->builtin)
		need(mnl_attr_put_u8_check(nlh, room, XTFW_A_POLICY,
					   c->policy));
	if (c->builtin && c->has_counters)
		put_counters(nlh, room, c->pkts, c->bytes);
	if (c->from[0])
		need(mnl_attr_put_strz_check(nlh, room, XTFW_A_CHAIN_FROM,
					     c->from));
	s->end(s, c->line ? c->line : t->line, 0);
}

static void put_rule(struct txn_sink *s, uint8_t family,
		     const struct table *t, const struct chain *c,
		     const struct rule *r)
{
	size_t room;
	struct nlmsghdr *nlh = s->begin(s, XTFW_CMD_NEWRULE, 0, &room);

	put_where(nlh, room, family, t, c->name);
	need(rule_nl_put(nlh, room, r));
	if (r->has_counters)
		put_counters(nlh, room, r->pkts, r->bytes);
	s->end(s, r->line, 1);
}

/*
 * The rules of @c from @k on that go in one NEWRULE, as many as the sink
 * allows and TXN_RULES_BYTES holds, none with counters (those go one per
 * message). Returns the index after the last one sent.
 */
static unsigned int put_rules(struct txn_sink *s, uint8_t family,
			      const struct table *t, const struct chain *c,
			      unsigned int k)
{
	unsigned int first = k;
	struct nlmsghdr *nlh;
	size_t room;

	if (s->rules_per_msg <= 1 || c->rules[k]->has_counters) {
		put_rule(s, family, t, c, c->rules[k]);
		return k + 1;
	}
	nlh = s->begin(s, XTFW_CMD_NEWRULE, 0, &room);
	put_where(nlh, room, family, t, c->name);
	while (k < c->nrules && k - first < s->rules_per_msg &&
	       !c->rules[k]->has_counters &&
	       nlh->nlmsg_len < TXN_RULES_BYTES)
		need(rule_nl_put(nlh, room, c->rules[k++]));
	s->end(s, c->rules[first]->line, k - first);
	return k;
}

static void put_table(struct txn_sink *s, uint8_t family,
		      const struct table *t)
{
	size_t room;
	struct nlmsghdr *nlh = s->begin(s, XTFW_CMD_NEWTABLE, 0, &room);

	put_where(nlh, room, family, t, NULL);
	s->end(s, t->line, 0);
	for (unsigned int i = 0; i < t->nchains; i++)
		put_chain(s, family, t, t->chains[i]);
	for (unsigned int i = 0; i < t->nchains; i++)
		for (unsigned int k = 0; k < t->chains[i]->nrules;)
			k = put_rules(s, family, t, t->chains[i], k);
}

void txn_build(struct txn_sink *s, const struct ruleset *rs, uint8_t family,
	       const struct txn_opts *o)
{
	struct nlmsghdr *nlh;
	size_t room;

	nlh = s->begin(s, XTFW_CMD_BEGIN, 0, &room);
	if (o->use_gen && rs->have_gen)
		need(mnl_attr_put_u64_check(nlh, room, XTFW_A_GENERATION,
					    rs->gen));
	s->end(s, 0, 0);
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		const struct table *t = rs->t[family][i];

		if (t && t->dirty) {
			put_table(s, family, t);
		} else if (!t && (o->del & (1U << i))) {
			nlh = s->begin(s, XTFW_CMD_DELTABLE, 0, &room);
			need(mnl_attr_put_u8_check(nlh, room, XTFW_A_FAMILY,
						   family));
			need(mnl_attr_put_u8_check(nlh, room, XTFW_A_TABLE, i));
			s->end(s, 0, 0);
		}
	}
	s->begin(s, o->abort ? XTFW_CMD_ABORT : XTFW_CMD_COMMIT, NLM_F_ACK,
		 &room);
	s->end(s, 0, 0);
}
