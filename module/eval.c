// SPDX-License-Identifier: GPL-2.0
/*
 * Walking a table's chains for one packet: first match wins, jumps push a
 * return frame, gotos do not, and falling off a chain returns to the
 * caller or, at the bottom, applies the built-in chain's policy. Commit has
 * proven the jump graph loop-free and no deeper than the frame stack.
 */
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "xtfw.h"

static bool iface_match(const char *want, const char *mask,
			const struct net_device *dev)
{
	static const char nulldev[IFNAMSIZ] __aligned(sizeof(long));
	const char *name = dev ? dev->name : nulldev;
	unsigned int i;
	char diff = 0;

	for (i = 0; i < IFNAMSIZ; i++)
		diff |= (name[i] ^ want[i]) & mask[i];
	return !diff;
}

static bool addr_match(const union xtfw_addr *want,
		       const union xtfw_addr *mask, const void *addr,
		       u8 family)
{
	if (family == XTFW_FAMILY_IPV4)
		return (*(const __be32 *)addr & mask->ip) == want->ip;
	return !ipv6_masked_addr_cmp(addr, (const void *)mask->ip6,
				     (const void *)want->ip6);
}

#define INV(ip, bit, cond)	(!!(cond) ^ !!((ip)->inv & (bit)))

static bool header_match(const struct xtfw_ipmatch *ip,
			 const struct xtfw_pkt *pkt)
{
	const struct sk_buff *skb = pkt->skb;
	const void *saddr, *daddr;

	if (!ip->flags)
		return true;
	if (pkt->family == XTFW_FAMILY_IPV4) {
		saddr = &ip_hdr(skb)->saddr;
		daddr = &ip_hdr(skb)->daddr;
	} else {
		saddr = &ipv6_hdr(skb)->saddr;
		daddr = &ipv6_hdr(skb)->daddr;
	}
	if ((ip->flags & XTFW_IPM_F_SRC) &&
	    !INV(ip, XTFW_INV_SRC,
		 addr_match(&ip->src, &ip->smsk, saddr, pkt->family)))
		return false;
	if ((ip->flags & XTFW_IPM_F_DST) &&
	    !INV(ip, XTFW_INV_DST,
		 addr_match(&ip->dst, &ip->dmsk, daddr, pkt->family)))
		return false;
	if ((ip->flags & XTFW_IPM_F_IIF) &&
	    !INV(ip, XTFW_INV_IIF,
		 iface_match(ip->iif, ip->iifmask, pkt->state->in)))
		return false;
	if ((ip->flags & XTFW_IPM_F_OIF) &&
	    !INV(ip, XTFW_INV_OIF,
		 iface_match(ip->oif, ip->oifmask, pkt->state->out)))
		return false;
	if ((ip->flags & XTFW_IPM_F_PROTO) &&
	    !INV(ip, XTFW_INV_PROTO, pkt->l4proto == ip->proto))
		return false;
	if ((ip->flags & XTFW_IPM_F_FRAG) &&
	    !INV(ip, XTFW_INV_FRAG, pkt->fragment))
		return false;
	return true;
}

static bool rule_match(const struct xtfw_rule *r, const struct xtfw_pkt *pkt)
{
	unsigned int i;

	if (!header_match(&r->ip, pkt))
		return false;
	for (i = 0; i < r->nmatches; i++)
		if (!xtfw_match_eval(&r->matches[i], pkt))
			return false;
	return true;
}

/* Per-CPU, no lock: this_cpu_add() is safe against preemption and irqs. */
static void count(struct xtfw_counters __percpu *ctr,
		  const struct sk_buff *skb)
{
	this_cpu_add(ctr->packets, 1);
	this_cpu_add(ctr->bytes, skb->len);
}

struct frame {
	u32 chain;
	u32 rule;
};

unsigned int xtfw_table_eval(const struct xtfw_table *t, struct xtfw_pkt *pkt)
{
	struct frame stack[XTFW_MAX_JUMP_DEPTH];
	const struct xtfw_chain *base, *c;
	unsigned int sp = 0;
	u32 ci, i = 0;
	int verdict;

	ci = t->builtin[pkt->state->hook];
	base = t->chains[ci];
	c = base;
next_rule:
	for (; i < c->nrules; i++) {
		const struct xtfw_rule *r = c->rules[i];

		if (!rule_match(r, pkt))
			continue;
		count(r->ctr, pkt->skb);
		switch (r->target.type) {
		case XTFW_TARGET_NONE:
			continue;
		case XTFW_TARGET_ACCEPT:
			return NF_ACCEPT;
		case XTFW_TARGET_DROP:
			return NF_DROP;
		case XTFW_TARGET_RETURN:
			goto chain_end;
		case XTFW_TARGET_JUMP:
			if (WARN_ON_ONCE(sp >= ARRAY_SIZE(stack)))
				return NF_DROP;
			stack[sp].chain = ci;
			stack[sp].rule = i + 1;
			sp++;
			fallthrough;
		case XTFW_TARGET_GOTO:
			ci = r->target.u.jump.chain;
			c = t->chains[ci];
			i = 0;
			goto next_rule;
		default:
			verdict = xtfw_target_eval(&r->target, pkt);
			if (verdict != XTFW_CONTINUE)
				return verdict;
		}
	}
chain_end:
	if (sp) {
		sp--;
		ci = stack[sp].chain;
		c = t->chains[ci];
		i = stack[sp].rule;
		goto next_rule;
	}
	count(base->policy_ctr, pkt->skb);
	return base->policy;
}
