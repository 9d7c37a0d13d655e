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
#include "ct.h"

/*
 * A word at a time: the names and masks of a rule are aligned for it (see
 * struct xtfw_ipmatch), and so is a device's name (asserted here; ip_tables
 * relies on it too). Byte by byte this was about 150 instructions a name.
 */
static_assert(offsetof(struct net_device, name) % sizeof(long) == 0);

static bool iface_match(const char *want, const char *mask,
			const struct net_device *dev)
{
	static const char nulldev[IFNAMSIZ] __aligned(sizeof(long));
	const unsigned long *n = (const void *)(dev ? dev->name : nulldev);
	const unsigned long *w = (const void *)want, *m = (const void *)mask;
	unsigned long diff = 0;
	unsigned int i;

	BUILD_BUG_ON(IFNAMSIZ % sizeof(long));
	for (i = 0; i < IFNAMSIZ / sizeof(long); i++)
		diff |= (n[i] ^ w[i]) & m[i];
	return !diff;
}

/*
 * Which of the rule's criteria the packet misses, in XTFW_IPM_F_* bits,
 * before "!" and before leaving out the criteria the rule does not have:
 * computing a miss costs less than branching on each criterion, and one
 * test at the end applies both (((miss ^ inv) & flags) == 0). Addresses
 * are only read when the rule has one (an absent one is 0 with mask 0:
 * never a miss), interfaces only when it names one.
 */
static __always_inline bool header_match(const struct xtfw_ipmatch *ip,
					 const struct xtfw_pkt *pkt)
{
	const struct sk_buff *skb = pkt->skb;
	u32 flags = ip->flags, miss = 0;

	if (!flags)
		return true;
	if (!(flags & (XTFW_IPM_F_SRC | XTFW_IPM_F_DST))) {
		/* no addresses to read */
	} else if (pkt->family == XTFW_FAMILY_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if ((iph->saddr & ip->smsk.ip) != ip->src.ip)
			miss |= XTFW_IPM_F_SRC;
		if ((iph->daddr & ip->dmsk.ip) != ip->dst.ip)
			miss |= XTFW_IPM_F_DST;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		if (ipv6_masked_addr_cmp(&ip6h->saddr, (const void *)ip->smsk.ip6,
					 (const void *)ip->src.ip6))
			miss |= XTFW_IPM_F_SRC;
		if (ipv6_masked_addr_cmp(&ip6h->daddr, (const void *)ip->dmsk.ip6,
					 (const void *)ip->dst.ip6))
			miss |= XTFW_IPM_F_DST;
	}
	if ((flags & XTFW_IPM_F_IIF) &&
	    !iface_match(ip->iif, ip->iifmask, pkt->state->in))
		miss |= XTFW_IPM_F_IIF;
	if ((flags & XTFW_IPM_F_OIF) &&
	    !iface_match(ip->oif, ip->oifmask, pkt->state->out))
		miss |= XTFW_IPM_F_OIF;
	if (pkt->l4proto != ip->proto)
		miss |= XTFW_IPM_F_PROTO;
	if (!pkt->fragment)
		miss |= XTFW_IPM_F_FRAG;
	return !((miss ^ ip->inv) & flags);
}

/*
 * The transport header's length (as far as any match reads) and ports,
 * read once per packet: port matches are the commonest, and the
 * classifier's key wants the ports too. A non-first fragment has none.
 * Inline: skb_header_pointer() reads the linear part in place and copies
 * only from the rest, and the buffer is in the hook's frame.
 */
static __always_inline void pkt_ports(struct xtfw_pkt *pkt)
{
	const struct sk_buff *skb = pkt->skb;
	const __be16 *p;
	__be16 buf[2];

	pkt->ports_done = true;
	pkt->l4len = 0;
	/* fewer than four bytes past thoff: skb_header_pointer() fails */
	if (pkt->fragment || !pkt->thoff)
		return;
	p = skb_header_pointer(skb, pkt->thoff, sizeof(buf), buf);
	if (!p)
		return;
	pkt->l4len = min(skb->len - pkt->thoff, 64U);
	pkt->sport = ntohs(p[0]);
	pkt->dport = ntohs(p[1]);
}

/*
 * A tcp, udp, udplite or sctp match with nothing but ports to check: what
 * xtfw_l4_eval() decides, without reading the header again.
 */
static __always_inline bool ports_match(const struct xtfw_match *m,
					struct xtfw_pkt *pkt)
{
	if (!pkt->ports_done)
		pkt_ports(pkt);
	if (pkt->l4len < m->u.l4.hlen)
		return false;
	return xtfw_l4_ports_match(m, pkt->sport, pkt->dport);
}

/* Inlined into the walk: it runs for every candidate rule. */
static __always_inline bool rule_match(const struct xtfw_rule *r,
				       struct xtfw_pkt *pkt)
{
	const struct xtfw_match *m = r->matches, *end = m + r->nmatches;

	if (!header_match(&r->ip, pkt))
		return false;
	for (; m < end; m++) {
		if (m->ports_only ? !ports_match(m, pkt) :
				    !xtfw_match_eval(m, pkt))
			return false;
	}
	return true;
}

/* A dry run (XTFW_CMD_EXPLAIN) counts nothing. */
static __always_inline void count(struct xtfw_counters __percpu *ctr,
				  const struct xtfw_pkt *pkt)
{
	if (likely(!pkt->explain))
		xtfw_counters_add(ctr, pkt->skb->len);
}

struct frame {
	u32 chain;
	u32 rule;
};

/* --- the classifier's view of packets and rules ---------------------------- */

static bool has_ports(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return true;
	default:
		return false;
	}
}

static void pkt_key(struct xtfw_pkt *pkt)
{
	const struct sk_buff *skb = pkt->skb;
	bool v6 = pkt->family == XTFW_FAMILY_IPV6;
	bool ports = false;

	if (has_ports(pkt->l4proto)) {
		if (!pkt->ports_done)
			pkt_ports(pkt);
		ports = pkt->l4len >= 4;
	}
	if (v6)
		xtfw_cls_pkt_set(&pkt->key, true,
				 (const u32 *)&ipv6_hdr(skb)->saddr,
				 (const u32 *)&ipv6_hdr(skb)->daddr,
				 pkt->l4proto, ports,
				 ports ? pkt->sport : 0,
				 ports ? pkt->dport : 0);
	else
		xtfw_cls_pkt_set(&pkt->key, false,
				 (const u32 *)&ip_hdr(skb)->saddr,
				 (const u32 *)&ip_hdr(skb)->daddr,
				 pkt->l4proto, ports,
				 ports ? pkt->sport : 0,
				 ports ? pkt->dport : 0);
	pkt->key_done = true;
}

/* The length of a prefix mask of @n words, or -1 if it is not one. */
static int prefix_len(const union xtfw_addr *mask, unsigned int n)
{
	unsigned int i, len = 0;
	bool end = false;

	for (i = 0; i < n; i++) {
		u32 m = ntohl(mask->ip6[i]);

		if (end && m)
			return -1;
		if (m & (~m >> 1))	/* a 1 after a 0, reading down */
			return -1;
		len += hweight32(m);
		end = m != U32_MAX;
	}
	return len;
}

static void key_addr(u32 *to, u8 *len, const union xtfw_addr *a,
		     const union xtfw_addr *mask, unsigned int n)
{
	int l = prefix_len(mask, n);
	unsigned int i;

	if (l <= 0)
		return;		/* not a prefix: checked in full only */
	for (i = 0; i < n; i++)
		to[i] = (__force u32)(a->ip6[i] & mask->ip6[i]);
	*len = l;
}

/**
 * xtfw_rule_cls_key() - what a rule requires of the classified fields
 * @r: the rule
 * @family: of its table
 * @k: filled in
 *
 * Only what the rule requires without negation, so that the key never
 * excludes a packet the rule matches: a prefix source or destination, a
 * protocol, a single port of a tcp, udp, udplite or sctp match.
 */
void xtfw_rule_cls_key(const struct xtfw_rule *r, u8 family,
		       struct xtfw_cls_key *k)
{
	unsigned int n = family == XTFW_FAMILY_IPV4 ? 1 : 4, i;
	const struct xtfw_ipmatch *ip = &r->ip;

	memset(k, 0, sizeof(*k));
	if ((ip->flags & XTFW_IPM_F_SRC) && !(ip->inv & XTFW_INV_SRC))
		key_addr(k->src, &k->slen, &ip->src, &ip->smsk, n);
	if ((ip->flags & XTFW_IPM_F_DST) && !(ip->inv & XTFW_INV_DST))
		key_addr(k->dst, &k->dlen, &ip->dst, &ip->dmsk, n);
	if ((ip->flags & XTFW_IPM_F_PROTO) && !(ip->inv & XTFW_INV_PROTO)) {
		k->proto = ip->proto;
		k->flags |= XTFW_CLS_K_PROTO;
	}
	for (i = 0; i < r->nmatches; i++) {
		const struct xtfw_match *m = &r->matches[i];

		if (m->type != XTFW_MATCH_TCP && m->type != XTFW_MATCH_UDP &&
		    m->type != XTFW_MATCH_UDPLITE && m->type != XTFW_MATCH_SCTP)
			continue;
		if (!(m->inv & XTFW_MINV_SPORT) &&
		    m->u.l4.sport.min == m->u.l4.sport.max) {
			k->sport = m->u.l4.sport.min;
			k->flags |= XTFW_CLS_K_SPORT;
		}
		if (!(m->inv & XTFW_MINV_DPORT) &&
		    m->u.l4.dport.min == m->u.l4.dport.max) {
			k->dport = m->u.l4.dport.min;
			k->flags |= XTFW_CLS_K_DPORT;
		}
		break;
	}
}

/* The next rule of @c from @i on that may match: all of them, or fewer. */
static u32 next_candidate(const struct xtfw_chain *c, struct xtfw_pkt *pkt,
			  u32 i)
{
	if (!c->cls || i < c->cls_lead || i >= c->nrules)
		return i;
	if (!pkt->key_done)
		pkt_key(pkt);
	return xtfw_cls_next(c->cls, &pkt->key, i);
}

static noinline void traced_slow(const struct xtfw_pkt *pkt,
				 const struct xtfw_chain *c, u32 i, int verdict)
{
	if (pkt->explain)
		xtfw_explain_step(pkt, c, i + 1, XTFW_TRACE_RULE, verdict,
				  NULL);
	else
		xtfw_trace_event(pkt, c, i + 1, XTFW_TRACE_RULE, verdict);
}

/*
 * The verdict of a rule's target; XTFW_CONTINUE: on to the next rule.
 * Reported to a trace or a dry run, out of line: most packets are
 * neither, and pay two tests here.
 */
static __always_inline int traced(const struct xtfw_pkt *pkt,
				  const struct xtfw_chain *c, u32 i,
				  int verdict)
{
	if (unlikely(pkt->explain) || xtfw_traced(pkt->skb))
		traced_slow(pkt, c, i, verdict);
	return verdict;
}

/* Report a chain's end or policy, to a trace or a dry run. */
static void traced_end(const struct xtfw_pkt *pkt,
		       const struct xtfw_chain *c, u8 type, int verdict)
{
	if (unlikely(pkt->explain))
		xtfw_explain_step(pkt, c, 0, type, verdict, NULL);
	else if (xtfw_traced(pkt->skb))
		xtfw_trace_event(pkt, c, 0, type, verdict);
}

/*
 * Inlined into the hook (one stack frame a packet, not two); nat and the
 * dry run call it through xtfw_table_eval().
 */
static __always_inline unsigned int table_eval(const struct xtfw_table *t,
					       struct xtfw_pkt *pkt)
{
	/* a frame is read only below sp, and written before: not zeroed */
	struct frame stack[XTFW_MAX_JUMP_DEPTH] __uninitialized;
	const struct xtfw_chain *base, *c;
	unsigned int sp = 0;
	u32 ci, i = 0;
	int verdict;

	ci = t->builtin[pkt->state->hook];
	base = t->chains[ci];
	c = base;
next_rule:
	for (; (i = next_candidate(c, pkt, i)) < c->nrules; i++) {
		const struct xtfw_rule *r = c->rules[i];

		if (!rule_match(r, pkt))
			continue;
		count(r->ctr, pkt);
		switch (r->target.type) {
		case XTFW_TARGET_NONE:
			traced(pkt, c, i, XTFW_CONTINUE);
			continue;
		case XTFW_TARGET_ACCEPT:
			return traced(pkt, c, i, NF_ACCEPT);
		case XTFW_TARGET_DROP:
			return traced(pkt, c, i, NF_DROP);
		case XTFW_TARGET_RETURN:
			traced(pkt, c, i, XTFW_CONTINUE);
			goto chain_end;
		case XTFW_TARGET_JUMP:
			if (WARN_ON_ONCE(sp >= ARRAY_SIZE(stack)))
				return NF_DROP;
			stack[sp].chain = ci;
			stack[sp].rule = i + 1;
			sp++;
			fallthrough;
		case XTFW_TARGET_GOTO:
			traced(pkt, c, i, XTFW_CONTINUE);
			ci = r->target.u.jump.chain;
			c = t->chains[ci];
			i = 0;
			goto next_rule;
		default:
			if (unlikely(pkt->explain))
				verdict = xtfw_explain_target(&r->target, pkt);
			else
				verdict = xtfw_target_eval(&r->target, pkt);
			traced(pkt, c, i, verdict);
			if (verdict != XTFW_CONTINUE)
				return verdict;
		}
	}
	/* fell off the end of a user chain */
	if (c != base)
		traced_end(pkt, c, XTFW_TRACE_RETURN, XTFW_CONTINUE);
chain_end:
	if (sp) {
		sp--;
		ci = stack[sp].chain;
		c = t->chains[ci];
		i = stack[sp].rule;
		goto next_rule;
	}
	count(base->policy_ctr, pkt);
	traced_end(pkt, base, XTFW_TRACE_POLICY, base->policy);
	return base->policy;
}

unsigned int xtfw_table_eval(const struct xtfw_table *t, struct xtfw_pkt *pkt)
{
	return table_eval(t, pkt);
}

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

/*
 * The hook function of every table (hooks.c registers it). Its priv is the
 * namespace's struct xtfw_hook_priv for the family and table, and the hook
 * number comes with the packet.
 */
unsigned int xtfw_hook(void *priv, struct sk_buff *skb,
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
		verdict = table_eval(t, &pkt);
	/* nothing to do unless dropped or holding a connection */
	if ((verdict & NF_VERDICT_MASK) == NF_DROP || (pkt.ct_done && pkt.ct))
		xtfw_ct_pkt_done(&pkt, verdict);
	return verdict;
}
