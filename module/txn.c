// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: the tables a netlink socket is building between BEGIN and
 * COMMIT. A transaction belongs to one socket (port id) and is reached only
 * under xn->txn_mutex. The first error poisons it: its tables are freed at
 * once, later messages are ignored, and COMMIT reports the first error.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "xtfw.h"

struct xtfw_txn *xtfw_txn_lookup(struct xtfw_net *xn, u32 portid)
{
	struct xtfw_txn *txn;

	lockdep_assert_held(&xn->txn_mutex);
	list_for_each_entry(txn, &xn->txns, list)
		if (txn->portid == portid)
			return txn;
	return NULL;
}

static void txn_clear(struct xtfw_txn *txn)
{
	unsigned int f, t;

	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			xtfw_table_destroy(txn->tables[f][t]);
			txn->tables[f][t] = NULL;
			txn->deleted[f][t] = false;
		}
	}
	txn->nrules = 0;
}

struct xtfw_txn *xtfw_txn_begin(struct xtfw_net *xn, u32 portid)
{
	struct xtfw_txn *txn;

	lockdep_assert_held(&xn->txn_mutex);
	txn = xtfw_txn_lookup(xn, portid);
	if (txn) {
		txn_clear(txn);
	} else {
		if (xn->ntxns >= XTFW_MAX_TXNS_PER_NET)
			return ERR_PTR(-EBUSY);
		txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);
		if (!txn)
			return ERR_PTR(-ENOMEM);
		txn->portid = portid;
		list_add(&txn->list, &xn->txns);
		xn->ntxns++;
	}
	txn->open = true;
	txn->poisoned = false;
	txn->has_gen = false;
	txn->errbuf[0] = '\0';
	return txn;
}

/*
 * The transaction is over, but its object stays until the socket closes or
 * begins again: the extack message of a failed COMMIT lives in its errbuf.
 */
void xtfw_txn_end(struct xtfw_txn *txn)
{
	txn_clear(txn);
	txn->open = false;
}

void xtfw_txn_poison(struct xtfw_txn *txn)
{
	txn_clear(txn);
	txn->poisoned = true;
}

static void txn_free(struct xtfw_net *xn, struct xtfw_txn *txn)
{
	txn_clear(txn);
	list_del(&txn->list);
	xn->ntxns--;
	kfree(txn);
}

void xtfw_txn_release_portid(struct xtfw_net *xn, u32 portid)
{
	struct xtfw_txn *txn;

	mutex_lock(&xn->txn_mutex);
	txn = xtfw_txn_lookup(xn, portid);
	if (txn)
		txn_free(xn, txn);
	mutex_unlock(&xn->txn_mutex);
}

void xtfw_txn_free_all(struct xtfw_net *xn)
{
	struct xtfw_txn *txn, *tmp;

	mutex_lock(&xn->txn_mutex);
	list_for_each_entry_safe(txn, tmp, &xn->txns, list)
		txn_free(xn, txn);
	mutex_unlock(&xn->txn_mutex);
}

int xtfw_txn_newtable(struct xtfw_txn *txn, u8 family, u8 table)
{
	struct xtfw_table *t = xtfw_table_create(family, table);

	if (!t)
		return -ENOMEM;
	xtfw_table_destroy(txn->tables[family][table]);
	txn->tables[family][table] = t;
	txn->deleted[family][table] = false;
	return 0;
}

void xtfw_txn_deltable(struct xtfw_txn *txn, u8 family, u8 table)
{
	xtfw_table_destroy(txn->tables[family][table]);
	txn->tables[family][table] = NULL;
	txn->deleted[family][table] = true;
}

static void counters_set(struct xtfw_counters __percpu *pcpu,
			 const struct xtfw_counters *val)
{
	xtfw_counters_zero(pcpu);
	*per_cpu_ptr(pcpu, 0) = *val;
}

/*
 * Rules one transaction may hold: a rule with its counters and encoding
 * takes about 1 KiB, so at most a quarter of memory (and never more than
 * XTFW_MAX_RULES_PER_TXN): a huge restore fails cleanly instead of
 * driving the machine out of memory.
 */
static u32 max_rules(void)
{
	u64 by_memory = ((u64)totalram_pages() << PAGE_SHIFT) >> 12;

	return clamp_t(u64, by_memory, XTFW_MIN_RULES_PER_TXN,
		       XTFW_MAX_RULES_PER_TXN);
}

static int table_of(struct xtfw_txn *txn, struct xtfw_parse_ctx *ctx,
		    struct xtfw_table **t)
{
	*t = txn->tables[ctx->family][ctx->table];
	if (!*t) {
		NL_SET_ERR_MSG(ctx->extack,
			       "table not replaced in this transaction (send NEWTABLE first)");
		return -ENOENT;
	}
	return 0;
}

int xtfw_txn_newchain(struct xtfw_txn *txn, struct xtfw_parse_ctx *ctx,
		      const struct nlattr *policy, const struct nlattr *from,
		      const struct xtfw_counters *ctr)
{
	struct xtfw_table *t;
	struct xtfw_chain *c;
	int ret;

	ret = table_of(txn, ctx, &t);
	if (ret)
		return ret;
	c = xtfw_table_find_chain(t, ctx->chain, NULL);
	if (c && c->hook < 0)
		return xtfw_parse_error(ctx, NULL, "chain already exists");
	if (!c) {
		if (policy)
			return xtfw_parse_error(ctx, policy,
						"only built-in chains have a policy");
		c = xtfw_table_add_chain(t, ctx->chain);
		if (IS_ERR(c))
			return PTR_ERR(c);
	}
	if (from) {
		if (c->hook >= 0)
			return xtfw_parse_error(ctx, from,
						"a built-in chain cannot be renamed");
		nla_strscpy(c->from, from, sizeof(c->from));
	}
	if (policy)
		c->policy = nla_get_u8(policy) == XTFW_VERDICT_DROP ?
			    NF_DROP : NF_ACCEPT;
	if (ctr) {
		counters_set(c->policy_ctr, ctr);
		c->ctr_given = true;
	}
	return 0;
}

/* Append one rule to @c; ctx names it in errors. */
static int add_rule(struct net *net, struct xtfw_txn *txn,
		    struct xtfw_chain *c, struct xtfw_parse_ctx *ctx,
		    const struct nlattr *spec, const struct xtfw_counters *ctr)
{
	struct xtfw_rule *rule;
	int ret;

	ctx->rulenum = c->nrules + 1;
	if (txn->nrules >= max_rules())
		return xtfw_parse_error(ctx, NULL,
					"more than %u rules in one transaction (the limit for this machine's memory)",
					max_rules());
	rule = xtfw_rule_create(net, spec, ctx);
	if (IS_ERR(rule))
		return PTR_ERR(rule);
	ret = xtfw_chain_append(c, rule);
	if (ret) {
		xtfw_rule_destroy(rule);
		return ret;
	}
	if (ctr) {
		counters_set(rule->ctr, ctr);
		rule->ctr_given = true;
	}
	txn->nrules++;
	return 0;
}

/**
 * xtfw_txn_newrule() - append the rules of one NEWRULE message
 * @net: the namespace
 * @txn: the open transaction
 * @ctx: the table and chain; names the failing rule in errors
 * @attrs: the message's attributes, @len bytes: each XTFW_A_RULE among
 *	them is a rule, appended in order
 * @len: of @attrs
 * @ctr: the rule's counters, only if the message has a single rule
 *
 * One message carries many rules so that a large restore pays the
 * message's own costs (the core's parse, the permission check, finding
 * the chain) once per message, not once per rule. An error leaves the
 * extack pointing into the failing rule.
 */
int xtfw_txn_newrule(struct net *net, struct xtfw_txn *txn,
		     struct xtfw_parse_ctx *ctx, const struct nlattr *attrs,
		     int len, const struct xtfw_counters *ctr)
{
	const struct nlattr *spec;
	struct xtfw_table *t;
	struct xtfw_chain *c;
	int rem, ret, n = 0;

	ret = table_of(txn, ctx, &t);
	if (ret)
		return ret;
	c = xtfw_table_find_chain(t, ctx->chain, NULL);
	if (!c)
		return xtfw_parse_error(ctx, NULL, "no such chain");
	ctx->hook_mask = c->hook >= 0 ? BIT(c->hook) : 0;
	nla_for_each_attr(spec, attrs, len, rem) {
		if (nla_type(spec) != XTFW_A_RULE)
			continue;
		if (ctr && n)
			return xtfw_parse_error(ctx, spec,
						"counters go with a message of one rule");
		ret = add_rule(net, txn, c, ctx, spec, ctr);
		if (ret) {
			if (ctx->extack && !ctx->extack->bad_attr)
				NL_SET_BAD_ATTR(ctx->extack, spec);
			return ret;
		}
		n++;
	}
	return 0;
}
