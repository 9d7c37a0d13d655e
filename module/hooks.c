// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook registration. A namespace registers the hooks of a table
 * only while its ruleset has that table, so a namespace without rules pays
 * nothing. One hook function serves every table; its priv points to the
 * namespace's struct xtfw_hook_priv for the family and table (the ops are
 * unregistered before the namespace's state goes, so the pointer outlives
 * every packet that uses it: no net_generic() lookup, which takes and drops
 * the RCU read lock, per packet), and the hook number comes with the
 * packet.
 */
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "xtfw.h"
#include "ct.h"

static void pkt_init_ipv4(struct xtfw_pkt *pkt)
{
	const struct iphdr *iph = ip_hdr(pkt->skb);

	pkt->l4proto = iph->protocol;
	pkt->fragoff = ntohs(iph->frag_off) & IP_OFFSET;
	pkt->fragment = pkt->fragoff != 0;
	pkt->thoff = skb_network_offset(pkt->skb) + iph->ihl * 4;
}

static void pkt_init_ipv6(struct xtfw_pkt *pkt)
{
	unsigned short fragoff = 0;
	unsigned int thoff = 0;
	int proto;

	proto = ipv6_find_hdr(pkt->skb, &thoff, -1, &fragoff, NULL);
	pkt->fragoff = fragoff >> 3;
	if (proto < 0) {
		/* a non-first fragment, or a broken extension header chain */
		pkt->l4proto = 0;
		pkt->fragment = true;
		pkt->thoff = 0;
		return;
	}
	pkt->l4proto = proto;
	pkt->fragment = fragoff != 0;
	pkt->thoff = thoff;
}

static unsigned int xtfw_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	const struct xtfw_hook_priv *hp = priv;
	u8 family = hp->family, table = hp->table;
	struct xtfw_net *xn = hp->xn;
	const struct xtfw_chain *base;
	const struct xtfw_ruleset *rs;
	const struct xtfw_table *t;
	/*
	 * Not zeroed first (CONFIG_INIT_STACK_ALL_ZERO would, ~100 bytes a
	 * packet): every field is set below, except ct*, key and the ports,
	 * which are read only once ct_done, key_done and ports_done say they
	 * were filled.
	 */
	struct xtfw_pkt pkt __uninitialized;
	unsigned int verdict;

	rs = rcu_dereference(xn->ruleset);
	if (unlikely(!rs))
		return NF_ACCEPT;
	t = rs->tables[family][table];
	if (unlikely(!t))
		return NF_ACCEPT;
	/*
	 * An empty built-in chain whose policy accepts (the FORWARD chain of
	 * a host's firewall, say) has nothing to decide: count the policy
	 * and let the packet go without looking at it. Not in nat, whose
	 * hook does more than its chains say, nor for a traced packet, whose
	 * trace reports the policy.
	 */
	base = t->chains[t->builtin[state->hook]];
	if (!base->nrules && base->policy == NF_ACCEPT &&
	    table != XTFW_TABLE_NAT && !xtfw_traced(skb)) {
		xtfw_counters_add(base->policy_ctr, skb->len);
		return NF_ACCEPT;
	}

	pkt.skb = skb;
	pkt.state = state;
	pkt.xn = xn;
	pkt.family = family;
	pkt.table = table;
	pkt.ct = NULL;
	pkt.ct_done = false;
	pkt.key_done = false;
	pkt.ports_done = false;
	pkt.explain = NULL;
	if (family == XTFW_FAMILY_IPV4)
		pkt_init_ipv4(&pkt);
	else
		pkt_init_ipv6(&pkt);
	if (table == XTFW_TABLE_NAT)
		verdict = xtfw_nat_hook(t, &pkt);
	else
		verdict = xtfw_table_eval(t, &pkt);
	/* nothing to do unless dropped or holding a connection */
	if ((verdict & NF_VERDICT_MASK) == NF_DROP || (pkt.ct_done && pkt.ct))
		xtfw_ct_pkt_done(&pkt, verdict);
	return verdict;
}

static struct nf_hook_ops *ops_create(struct xtfw_net *xn, u8 family,
				      u8 table, unsigned int *n)
{
	struct xtfw_hook_priv *hp = &xn->hook_priv[family][table];
	unsigned long hooks = xtfw_table_hooks(table);
	struct nf_hook_ops *ops;
	unsigned int hook, i = 0;

	*n = hweight_long(hooks);
	ops = kcalloc(*n, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return NULL;
	hp->xn = xn;
	hp->family = family;
	hp->table = table;
	for_each_set_bit(hook, &hooks, XTFW_NUMHOOKS) {
		ops[i].hook = xtfw_hook;
		ops[i].pf = family == XTFW_FAMILY_IPV4 ? NFPROTO_IPV4 :
							 NFPROTO_IPV6;
		ops[i].hooknum = hook;
		ops[i].priority = xtfw_table_priority(table, hook);
		ops[i].priv = hp;
		i++;
	}
	return ops;
}

static int table_hooks_add(struct xtfw_net *xn, u8 family, u8 table)
{
	struct nf_hook_ops *ops;
	unsigned int n;
	int ret;

	ops = ops_create(xn, family, table, &n);
	if (!ops)
		return -ENOMEM;
	ret = nf_register_net_hooks(xn->net, ops, n);
	if (ret) {
		kfree(ops);
		return ret;
	}
	xn->hook_ops[family][table] = ops;
	return 0;
}

static void table_hooks_del(struct xtfw_net *xn, u8 family, u8 table)
{
	struct nf_hook_ops *ops = xn->hook_ops[family][table];

	nf_unregister_net_hooks(xn->net, ops,
				hweight_long(xtfw_table_hooks(table)));
	kfree(ops);
	xn->hook_ops[family][table] = NULL;
}

/*
 * Make the registered hooks follow @want. With @add, register what @want
 * has and we lack (may fail; hooks of tables not yet published just see no
 * table and accept). Without, unregister what @want lacks (cannot fail).
 */
int xtfw_hooks_sync(struct xtfw_net *xn, const struct xtfw_ruleset *want,
		    bool add)
{
	unsigned int f, t;
	int ret;

	lockdep_assert_held(&xn->commit_mutex);
	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			bool wanted = want && want->tables[f][t];
			bool have = xn->hook_ops[f][t];

			if (add && wanted && !have) {
				ret = table_hooks_add(xn, f, t);
				if (ret)
					return ret;
			} else if (!add && !wanted && have) {
				table_hooks_del(xn, f, t);
			}
		}
	}
	return xtfw_ct_hooks_sync(xn, want, add);
}

void xtfw_hooks_unregister_all(struct xtfw_net *xn)
{
	unsigned int f, t;

	for (f = 0; f < __XTFW_FAMILY_MAX; f++)
		for (t = 0; t < __XTFW_TABLE_MAX; t++)
			if (xn->hook_ops[f][t])
				table_hooks_del(xn, f, t);
}
