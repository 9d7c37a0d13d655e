// SPDX-License-Identifier: GPL-2.0
/*
 * The xtfw Generic Netlink family: transactions, dumps and counters. The
 * protocol is specified in uapi/linux/xtfw.h. Every operation needs
 * CAP_NET_ADMIN in the user namespace owning the socket's network
 * namespace (GENL_UNS_ADMIN_PERM); the core validates every attribute
 * against xtfw_attr_policy before a handler runs.
 */
#include <net/genetlink.h>

#include "xtfw.h"
#include "ct.h"

static int get_counters(const struct nlattr *nest, struct xtfw_counters *c,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XTFW_COUNTERS_A_MAX + 1];
	int ret;

	ret = nla_parse_nested(tb, XTFW_COUNTERS_A_MAX, nest,
			       xtfw_counters_policy, extack);
	if (ret)
		return ret;
	if (!tb[XTFW_COUNTERS_A_PACKETS] || !tb[XTFW_COUNTERS_A_BYTES]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "counters need both packets and bytes");
		return -EINVAL;
	}
	c->packets = nla_get_u64(tb[XTFW_COUNTERS_A_PACKETS]);
	c->bytes = nla_get_u64(tb[XTFW_COUNTERS_A_BYTES]);
	return 0;
}

static int put_counters(struct sk_buff *skb,
			struct xtfw_counters __percpu *pcpu)
{
	struct xtfw_counters sum;
	struct nlattr *nest;

	xtfw_counters_read(pcpu, &sum);
	nest = nla_nest_start(skb, XTFW_A_COUNTERS);
	if (!nest ||
	    nla_put_u64_64bit(skb, XTFW_COUNTERS_A_PACKETS, sum.packets,
			      XTFW_COUNTERS_A_PAD) ||
	    nla_put_u64_64bit(skb, XTFW_COUNTERS_A_BYTES, sum.bytes,
			      XTFW_COUNTERS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int reply_generation(struct genl_info *info, u8 cmd, u64 gen)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &xtfw_genl_family, 0, cmd);
	if (!hdr ||
	    nla_put_u64_64bit(msg, XTFW_A_GENERATION, gen, XTFW_A_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int xtfw_nl_getgen(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));

	return reply_generation(info, XTFW_CMD_GETGEN,
				READ_ONCE(xn->generation));
}

static int xtfw_nl_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));
	struct xtfw_txn *txn;
	int ret = 0;

	mutex_lock(&xn->txn_mutex);
	txn = xtfw_txn_begin(xn, info->snd_portid);
	if (IS_ERR(txn)) {
		ret = PTR_ERR(txn);
		if (ret == -EBUSY)
			NL_SET_ERR_MSG(info->extack,
				       "too many open transactions in this namespace");
		goto out;
	}
	if (info->attrs[XTFW_A_GENERATION]) {
		txn->has_gen = true;
		txn->base_gen = nla_get_u64(info->attrs[XTFW_A_GENERATION]);
	}
out:
	mutex_unlock(&xn->txn_mutex);
	return ret;
}

/* The socket's open transaction, or NULL with the reason in the extack. */
static struct xtfw_txn *open_txn(struct xtfw_net *xn, struct genl_info *info)
{
	struct xtfw_txn *txn = xtfw_txn_lookup(xn, info->snd_portid);

	if (txn && txn->open)
		return txn;
	NL_SET_ERR_MSG(info->extack,
		       "no open transaction on this socket (send BEGIN first)");
	return NULL;
}

/*
 * The messages inside a transaction. Each finds the socket's open
 * transaction, does its step, and poisons the transaction on failure.
 */
enum txn_step { STEP_NEWTABLE, STEP_DELTABLE, STEP_NEWCHAIN, STEP_NEWRULE };

static int do_step(struct net *net, struct xtfw_txn *txn,
		   struct genl_info *info, enum txn_step step,
		   struct xtfw_parse_ctx *ctx)
{
	struct nlattr **attrs = info->attrs;
	struct xtfw_counters ctr, *pctr = NULL;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_FAMILY) ||
	    GENL_REQ_ATTR_CHECK(info, XTFW_A_TABLE))
		return -EINVAL;
	ctx->family = nla_get_u8(attrs[XTFW_A_FAMILY]);
	ctx->table = nla_get_u8(attrs[XTFW_A_TABLE]);
	if (step == STEP_NEWTABLE)
		return xtfw_txn_newtable(txn, ctx->family, ctx->table);
	if (step == STEP_DELTABLE) {
		xtfw_txn_deltable(txn, ctx->family, ctx->table);
		return 0;
	}
	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_CHAIN))
		return -EINVAL;
	ctx->chain = nla_data(attrs[XTFW_A_CHAIN]);
	if (!ctx->chain[0]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[XTFW_A_CHAIN],
				    "empty chain name");
		return -EINVAL;
	}
	if (attrs[XTFW_A_COUNTERS]) {
		ret = get_counters(attrs[XTFW_A_COUNTERS], &ctr, info->extack);
		if (ret)
			return ret;
		pctr = &ctr;
	}
	if (step == STEP_NEWCHAIN)
		return xtfw_txn_newchain(txn, ctx, attrs[XTFW_A_POLICY],
					 attrs[XTFW_A_CHAIN_FROM], pctr);
	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_RULE))
		return -EINVAL;
	return xtfw_txn_newrule(net, txn, ctx, genlmsg_data(info->genlhdr),
				genlmsg_len(info->genlhdr), pctr);
}

static int txn_step(struct genl_info *info, enum txn_step step)
{
	struct net *net = genl_info_net(info);
	struct xtfw_net *xn = xtfw_pernet(net);
	struct xtfw_parse_ctx ctx = { .extack = info->extack };
	struct xtfw_txn *txn;
	int ret;

	mutex_lock(&xn->txn_mutex);
	txn = open_txn(xn, info);
	if (!txn) {
		ret = -ENOENT;
		goto out;
	}
	/* The first error was reported; the rest of the batch is moot. */
	ret = 0;
	if (txn->poisoned)
		goto out;
	ctx.errbuf = txn->errbuf;
	ret = do_step(net, txn, info, step, &ctx);
	if (ret) {
		const char *msg = info->extack ? info->extack->_msg : NULL;

		if (msg && msg != txn->errbuf)
			strscpy(txn->errbuf, msg, sizeof(txn->errbuf));
		txn->error = ret;
		xtfw_txn_poison(txn);
	}
out:
	mutex_unlock(&xn->txn_mutex);
	return ret;
}

static int xtfw_nl_newtable(struct sk_buff *skb, struct genl_info *info)
{
	return txn_step(info, STEP_NEWTABLE);
}

static int xtfw_nl_deltable(struct sk_buff *skb, struct genl_info *info)
{
	return txn_step(info, STEP_DELTABLE);
}

static int xtfw_nl_newchain(struct sk_buff *skb, struct genl_info *info)
{
	return txn_step(info, STEP_NEWCHAIN);
}

static int xtfw_nl_newrule(struct sk_buff *skb, struct genl_info *info)
{
	return txn_step(info, STEP_NEWRULE);
}

static int xtfw_nl_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));
	struct xtfw_parse_ctx ctx = { .extack = info->extack };
	struct xtfw_txn *txn;
	u64 gen = 0;
	int ret;

	mutex_lock(&xn->txn_mutex);
	txn = open_txn(xn, info);
	if (!txn) {
		ret = -ENOENT;
		goto out;
	}
	if (txn->poisoned) {
		xtfw_set_errmsg(info->extack, NULL, txn->errbuf);
		ret = txn->error;
		goto end;
	}
	ctx.errbuf = txn->errbuf;
	ret = xtfw_ruleset_commit(xn, txn, &ctx);
	gen = READ_ONCE(xn->generation);
end:
	xtfw_txn_end(txn);
out:
	mutex_unlock(&xn->txn_mutex);
	if (ret)
		return ret;
	return reply_generation(info, XTFW_CMD_COMMIT, gen);
}

static int xtfw_nl_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));
	struct xtfw_txn *txn;

	mutex_lock(&xn->txn_mutex);
	txn = xtfw_txn_lookup(xn, info->snd_portid);
	if (txn)
		xtfw_txn_end(txn);
	mutex_unlock(&xn->txn_mutex);
	return 0;
}

/* Zero the counters of one chain, one table or a whole family. */
static void zero_chain(struct xtfw_chain *c)
{
	u32 i;

	xtfw_counters_zero(c->policy_ctr);
	for (i = 0; i < c->nrules; i++)
		xtfw_counters_zero(c->rules[i]->ctr);
}

static int zero_table(struct xtfw_table *t, const char *chain,
		      struct netlink_ext_ack *extack)
{
	struct xtfw_chain *c;
	u32 i;

	if (!chain) {
		for (i = 0; i < t->nchains; i++)
			zero_chain(t->chains[i]);
		return 0;
	}
	c = xtfw_table_find_chain(t, chain, NULL);
	if (!c) {
		NL_SET_ERR_MSG(extack, "no such chain");
		return -ENOENT;
	}
	zero_chain(c);
	return 0;
}

static int xtfw_nl_zero(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	const char *chain = NULL;
	struct xtfw_ruleset *rs;
	unsigned int t;
	u8 f;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_FAMILY))
		return -EINVAL;
	f = nla_get_u8(attrs[XTFW_A_FAMILY]);
	if (attrs[XTFW_A_CHAIN]) {
		if (GENL_REQ_ATTR_CHECK(info, XTFW_A_TABLE))
			return -EINVAL;
		chain = nla_data(attrs[XTFW_A_CHAIN]);
	}
	mutex_lock(&xn->commit_mutex);
	rs = xtfw_ruleset_get_locked(xn);
	for (t = 0; t < __XTFW_TABLE_MAX && rs; t++) {
		if (attrs[XTFW_A_TABLE] && nla_get_u8(attrs[XTFW_A_TABLE]) != t)
			continue;
		if (rs->tables[f][t])
			ret = zero_table(rs->tables[f][t], chain, info->extack);
		else if (chain)
			ret = -ENOENT;
		if (ret)
			break;
	}
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such chain");
	mutex_unlock(&xn->commit_mutex);
	return ret;
}

/*
 * GETRULESET dump. The cursor in cb->args: family, table, chain + 1
 * (0: table message not sent yet), rule + 1 (0: chain message not sent).
 */
enum { CUR_FAMILY, CUR_TABLE, CUR_CHAIN, CUR_RULE, CUR_FILTER };

#define FILTER_FAMILY	BIT(0)
#define FILTER_TABLE	BIT(1)

static int xtfw_nl_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = xtfw_dump_attrs(cb);
	long filter = 0;

	if (attrs && attrs[XTFW_A_FAMILY]) {
		filter |= FILTER_FAMILY;
		cb->args[CUR_FAMILY] = nla_get_u8(attrs[XTFW_A_FAMILY]);
	}
	if (attrs && attrs[XTFW_A_TABLE]) {
		filter |= FILTER_TABLE | (nla_get_u8(attrs[XTFW_A_TABLE]) << 8);
		cb->args[CUR_TABLE] = nla_get_u8(attrs[XTFW_A_TABLE]);
	}
	cb->args[CUR_FILTER] = filter;
	return 0;
}

static void *dump_put(struct sk_buff *skb, struct netlink_callback *cb,
		      u8 cmd, const struct xtfw_table *t, u64 gen)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &xtfw_genl_family,
				NLM_F_MULTI, cmd);

	if (!hdr)
		return NULL;
	nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (nla_put_u64_64bit(skb, XTFW_A_GENERATION, gen, XTFW_A_PAD) ||
	    nla_put_u8(skb, XTFW_A_FAMILY, t->family) ||
	    nla_put_u8(skb, XTFW_A_TABLE, t->id)) {
		genlmsg_cancel(skb, hdr);
		return NULL;
	}
	return hdr;
}

static int dump_table(struct sk_buff *skb, struct netlink_callback *cb,
		      const struct xtfw_table *t, u64 gen)
{
	void *hdr = dump_put(skb, cb, XTFW_CMD_NEWTABLE, t, gen);

	if (!hdr)
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

static int dump_chain(struct sk_buff *skb, struct netlink_callback *cb,
		      const struct xtfw_table *t, const struct xtfw_chain *c,
		      u64 gen)
{
	void *hdr = dump_put(skb, cb, XTFW_CMD_NEWCHAIN, t, gen);
	u32 flags = c->hook >= 0 ? XTFW_CHAIN_F_BUILTIN : 0;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, XTFW_A_CHAIN, c->name) ||
	    nla_put_u32(skb, XTFW_A_CHAIN_FLAGS, flags) ||
	    nla_put_u32(skb, XTFW_A_CHAIN_REFS, c->refs) ||
	    (c->hook >= 0 &&
	     (nla_put_u8(skb, XTFW_A_POLICY, c->policy == NF_DROP ?
			 XTFW_VERDICT_DROP : XTFW_VERDICT_ACCEPT) ||
	      put_counters(skb, c->policy_ctr)))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int dump_rule(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct xtfw_table *t, const struct xtfw_chain *c,
		     u32 pos, u64 gen)
{
	const struct xtfw_rule *r = c->rules[pos - 1];
	void *hdr = dump_put(skb, cb, XTFW_CMD_NEWRULE, t, gen);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, XTFW_A_CHAIN, c->name) ||
	    nla_put_u32(skb, XTFW_A_POSITION, pos) ||
	    nla_put(skb, XTFW_A_RULE | NLA_F_NESTED,
		    nla_len(xtfw_rule_spec(r)), nla_data(xtfw_rule_spec(r))) ||
	    put_counters(skb, r->ctr)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Dump one table from the cursor on; -EMSGSIZE when the skb is full. */
static int dump_table_from(struct sk_buff *skb, struct netlink_callback *cb,
			   const struct xtfw_table *t, u64 gen)
{
	long *cur = cb->args;
	int ret;

	if (!cur[CUR_CHAIN]) {
		ret = dump_table(skb, cb, t, gen);
		if (ret)
			return ret;
		cur[CUR_CHAIN] = 1;
		cur[CUR_RULE] = 0;
	}
	for (; cur[CUR_CHAIN] <= t->nchains; cur[CUR_CHAIN]++) {
		const struct xtfw_chain *c = t->chains[cur[CUR_CHAIN] - 1];

		if (!cur[CUR_RULE]) {
			ret = dump_chain(skb, cb, t, c, gen);
			if (ret)
				return ret;
			cur[CUR_RULE] = 1;
		}
		for (; cur[CUR_RULE] <= c->nrules; cur[CUR_RULE]++) {
			ret = dump_rule(skb, cb, t, c, cur[CUR_RULE], gen);
			if (ret)
				return ret;
		}
		cur[CUR_RULE] = 0;
	}
	return 0;
}

static int xtfw_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct xtfw_net *xn = xtfw_pernet(sock_net(skb->sk));
	long filter = cb->args[CUR_FILTER];
	long *cur = cb->args;
	const struct xtfw_ruleset *rs;
	int ret = 0;

	rcu_read_lock();
	rs = rcu_dereference(xn->ruleset);
	/* a commit between two parts of the dump flags it interrupted */
	cb->seq = (rs ? rs->generation : READ_ONCE(xn->generation)) + 1;
	for (; rs && cur[CUR_FAMILY] < __XTFW_FAMILY_MAX; cur[CUR_FAMILY]++) {
		for (; cur[CUR_TABLE] < __XTFW_TABLE_MAX; cur[CUR_TABLE]++) {
			const struct xtfw_table *t;

			if ((filter & FILTER_TABLE) &&
			    cur[CUR_TABLE] != (filter >> 8))
				continue;
			t = rs->tables[cur[CUR_FAMILY]][cur[CUR_TABLE]];
			if (t)
				ret = dump_table_from(skb, cb, t, rs->generation);
			if (ret)
				goto out;
			cur[CUR_CHAIN] = 0;
		}
		cur[CUR_TABLE] = 0;
		if (filter & FILTER_FAMILY)
			break;
	}
	/* park the cursor past the end so the next call sends nothing */
	cur[CUR_FAMILY] = __XTFW_FAMILY_MAX;
out:
	rcu_read_unlock();
	/* a message that does not fit even an empty skb would end the dump */
	if (ret && (ret != -EMSGSIZE || !skb->len))
		return ret;
	return skb->len;
}

static const struct genl_ops xtfw_genl_ops[] = {
	{
		.cmd = XTFW_CMD_GETGEN,
		.doit = xtfw_nl_getgen,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_BEGIN,
		.doit = xtfw_nl_begin,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_NEWTABLE,
		.doit = xtfw_nl_newtable,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_DELTABLE,
		.doit = xtfw_nl_deltable,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_NEWCHAIN,
		.doit = xtfw_nl_newchain,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_NEWRULE,
		.doit = xtfw_nl_newrule,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_COMMIT,
		.doit = xtfw_nl_commit,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_ABORT,
		.doit = xtfw_nl_abort,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_GETRULESET,
		.start = xtfw_nl_dump_start,
		.dumpit = xtfw_nl_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_EXPLAIN,
		.doit = xtfw_nl_explain,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_ZERO,
		.doit = xtfw_nl_zero,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

struct genl_family xtfw_genl_family __ro_after_init = {
	.name = XTFW_GENL_NAME,
	.version = XTFW_GENL_VERSION,
	.maxattr = XTFW_A_MAX,
	.policy = xtfw_attr_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = xtfw_genl_ops,
	.n_ops = ARRAY_SIZE(xtfw_genl_ops),
	.mcgrps = xtfw_mcgrps,
	.n_mcgrps = ARRAY_SIZE(xtfw_mcgrps),
	.resv_start_op = XTFW_CMD_MAX + 1,
};

/* The family's operations and conntrack's (ct_netlink.c), in one array. */
static struct genl_ops xtfw_all_ops[ARRAY_SIZE(xtfw_genl_ops) +
				    XTFW_CT_GENL_N_OPS] __ro_after_init;

int __init xtfw_genl_register(void)
{
	memcpy(xtfw_all_ops, xtfw_genl_ops, sizeof(xtfw_genl_ops));
	memcpy(xtfw_all_ops + ARRAY_SIZE(xtfw_genl_ops), xtfw_ct_genl_ops,
	       sizeof(xtfw_ct_genl_ops));
	xtfw_genl_family.ops = xtfw_all_ops;
	xtfw_genl_family.n_ops = ARRAY_SIZE(xtfw_all_ops);
	return genl_register_family(&xtfw_genl_family);
}

void xtfw_genl_unregister(void)
{
	genl_unregister_family(&xtfw_genl_family);
}
