// SPDX-License-Identifier: GPL-2.0
/*
 * XTFW_CMD_EXPLAIN: what would the ruleset do with this packet? The
 * kernel builds the described packet, runs each table of the hook on it
 * in priority order with the evaluator the packet path uses (classifier,
 * matches, jumps), and reports each step like a trace, without counting
 * and without carrying out what would change the world (see the uapi).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "xtfw.h"

#define MAX_PAYLOAD	1400

struct xtfw_explain {
	struct sk_buff *msg;
	u32 steps;
	bool full;
};

const struct nla_policy xtfw_explain_policy[XTFW_EXPLAIN_A_MAX + 1] = {
	[XTFW_EXPLAIN_A_HOOK]	= NLA_POLICY_MAX(NLA_U8, NF_INET_POST_ROUTING),
	[XTFW_EXPLAIN_A_IIF]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTFW_EXPLAIN_A_OIF]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XTFW_EXPLAIN_A_SRC]	= NLA_POLICY_EXACT_LEN(sizeof(union xtfw_addr)),
	[XTFW_EXPLAIN_A_DST]	= NLA_POLICY_EXACT_LEN(sizeof(union xtfw_addr)),
	[XTFW_EXPLAIN_A_PROTO]	= { .type = NLA_U8 },
	[XTFW_EXPLAIN_A_SPORT]	= { .type = NLA_U16 },
	[XTFW_EXPLAIN_A_DPORT]	= { .type = NLA_U16 },
	[XTFW_EXPLAIN_A_TCP_FLAGS] = { .type = NLA_U8 },
	[XTFW_EXPLAIN_A_ICMP_TYPE] = { .type = NLA_U8 },
	[XTFW_EXPLAIN_A_ICMP_CODE] = { .type = NLA_U8 },
	[XTFW_EXPLAIN_A_CTSTATE] = NLA_POLICY_MASK(NLA_U32, XTFW_CTSTATE_ALL),
	[XTFW_EXPLAIN_A_MARK]	= { .type = NLA_U32 },
	[XTFW_EXPLAIN_A_LEN]	= NLA_POLICY_MAX(NLA_U16, MAX_PAYLOAD),
};

void xtfw_explain_step(const struct xtfw_pkt *pkt,
		       const struct xtfw_chain *c, u32 rulenum, u8 type,
		       int verdict, const char *note)
{
	struct xtfw_explain *ex = pkt->explain;
	struct sk_buff *msg = ex->msg;
	struct nlattr *nest;

	if (ex->full || ex->steps >= XTFW_EXPLAIN_MAX_STEPS) {
		ex->full = true;
		return;
	}
	nest = nla_nest_start(msg, XTFW_EXPLAIN_A_STEP);
	if (!nest ||
	    nla_put_u8(msg, XTFW_TRACE_A_TYPE, type) ||
	    nla_put_u8(msg, XTFW_TRACE_A_TABLE, pkt->table) ||
	    nla_put_string(msg, XTFW_TRACE_A_CHAIN, c->name) ||
	    (rulenum && nla_put_u32(msg, XTFW_TRACE_A_RULENUM, rulenum)) ||
	    (verdict != XTFW_CONTINUE &&
	     nla_put_u32(msg, XTFW_TRACE_A_VERDICT, verdict)) ||
	    (note && nla_put_string(msg, XTFW_EXPLAIN_A_NOTE, note))) {
		if (nest)
			nla_nest_cancel(msg, nest);
		ex->full = true;
		return;
	}
	nla_nest_end(msg, nest);
	ex->steps++;
}

int xtfw_explain_target(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	switch (t->type) {
	case XTFW_TARGET_REJECT:
		return NF_DROP;
	case XTFW_TARGET_SNAT:
	case XTFW_TARGET_DNAT:
	case XTFW_TARGET_MASQUERADE:
	case XTFW_TARGET_REDIRECT:
	case XTFW_TARGET_NETMAP:
		return NF_ACCEPT;
	case XTFW_TARGET_MARK:
	case XTFW_TARGET_TTL:
	case XTFW_TARGET_HL:
		return xtfw_target_eval(t, pkt);
	case XTFW_TARGET_NOTRACK:
		pkt->ctstate = XTFW_CTSTATE_UNTRACKED;
		return XTFW_CONTINUE;
	default:
		return XTFW_CONTINUE;
	}
}

static u8 attr_u8(struct nlattr **tb, int type, u8 def)
{
	return tb[type] ? nla_get_u8(tb[type]) : def;
}

static u16 attr_u16(struct nlattr **tb, int type, u16 def)
{
	return tb[type] ? nla_get_u16(tb[type]) : def;
}

/* The L4 header of the described packet, at skb's tail. */
static void put_l4(struct sk_buff *skb, struct nlattr **tb, u8 family,
		   u8 proto, unsigned int len)
{
	switch (proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = skb_put_zero(skb, sizeof(*th));

		th->source = htons(attr_u16(tb, XTFW_EXPLAIN_A_SPORT, 40000));
		th->dest = htons(attr_u16(tb, XTFW_EXPLAIN_A_DPORT, 0));
		th->doff = sizeof(*th) / 4;
		tcp_flag_byte(th) = attr_u8(tb, XTFW_EXPLAIN_A_TCP_FLAGS,
					    TCPHDR_SYN);
		th->window = htons(65535);
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE: {
		struct udphdr *uh = skb_put_zero(skb, sizeof(*uh));

		uh->source = htons(attr_u16(tb, XTFW_EXPLAIN_A_SPORT, 40000));
		uh->dest = htons(attr_u16(tb, XTFW_EXPLAIN_A_DPORT, 0));
		uh->len = htons(sizeof(*uh) + len);
		break;
	}
	case IPPROTO_SCTP:
	case IPPROTO_DCCP: {
		__be16 *ports = skb_put_zero(skb, 16);

		ports[0] = htons(attr_u16(tb, XTFW_EXPLAIN_A_SPORT, 40000));
		ports[1] = htons(attr_u16(tb, XTFW_EXPLAIN_A_DPORT, 0));
		break;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		u8 *h = skb_put_zero(skb, 8);

		h[0] = attr_u8(tb, XTFW_EXPLAIN_A_ICMP_TYPE,
			       family == XTFW_FAMILY_IPV4 ? ICMP_ECHO :
							    ICMPV6_ECHO_REQUEST);
		h[1] = attr_u8(tb, XTFW_EXPLAIN_A_ICMP_CODE, 0);
		break;
	}
	}
	skb_put_zero(skb, len);
}

static struct sk_buff *build_packet(struct nlattr **tb, u8 family)
{
	unsigned int len = attr_u16(tb, XTFW_EXPLAIN_A_LEN, 0);
	u8 proto = attr_u8(tb, XTFW_EXPLAIN_A_PROTO, IPPROTO_TCP);
	union xtfw_addr src = {}, dst = {};
	struct sk_buff *skb;

	if (tb[XTFW_EXPLAIN_A_SRC])
		nla_memcpy(&src, tb[XTFW_EXPLAIN_A_SRC], sizeof(src));
	if (tb[XTFW_EXPLAIN_A_DST])
		nla_memcpy(&dst, tb[XTFW_EXPLAIN_A_DST], sizeof(dst));
	skb = alloc_skb(LL_MAX_HEADER + 128 + len, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	if (family == XTFW_FAMILY_IPV4) {
		struct iphdr *iph = skb_put_zero(skb, sizeof(*iph));

		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = proto;
		iph->saddr = src.ip;
		iph->daddr = dst.ip;
		skb->protocol = htons(ETH_P_IP);
		skb_set_transport_header(skb, sizeof(*iph));
	} else {
		struct ipv6hdr *ip6h = skb_put_zero(skb, sizeof(*ip6h));

		ip6h->version = 6;
		ip6h->hop_limit = 64;
		ip6h->nexthdr = proto;
		memcpy(&ip6h->saddr, &src, sizeof(src));
		memcpy(&ip6h->daddr, &dst, sizeof(dst));
		skb->protocol = htons(ETH_P_IPV6);
		skb_set_transport_header(skb, sizeof(*ip6h));
	}
	put_l4(skb, tb, family, proto, len);
	if (family == XTFW_FAMILY_IPV4) {
		struct iphdr *iph = ip_hdr(skb);

		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		ipv6_hdr(skb)->payload_len = htons(skb->len -
						   sizeof(struct ipv6hdr));
	}
	skb->mark = tb[XTFW_EXPLAIN_A_MARK] ?
		    nla_get_u32(tb[XTFW_EXPLAIN_A_MARK]) : 0;
	skb->pkt_type = PACKET_HOST;
	return skb;
}

/* The tables of @hook, in the order the packet path runs them. */
static unsigned int tables_in_order(u8 hook, u8 *order)
{
	unsigned int n = 0, i, j;

	for (i = 0; i < __XTFW_TABLE_MAX; i++)
		if (xtfw_table_hooks(i) & BIT(hook))
			order[n++] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && xtfw_table_priority(order[j - 1], hook) >
				     xtfw_table_priority(order[j], hook); j--)
			swap(order[j - 1], order[j]);
	return n;
}

static int run(struct genl_info *info, struct nlattr **tb, u8 family,
	       struct net_device *in, struct net_device *out,
	       struct xtfw_explain *ex, unsigned int *verdict)
{
	struct net *net = genl_info_net(info);
	u8 hook = nla_get_u8(tb[XTFW_EXPLAIN_A_HOOK]);
	u32 ctstate = tb[XTFW_EXPLAIN_A_CTSTATE] ?
		      nla_get_u32(tb[XTFW_EXPLAIN_A_CTSTATE]) :
		      XTFW_CTSTATE_NEW;
	const struct xtfw_ruleset *rs;
	struct nf_hook_state state;
	u8 order[__XTFW_TABLE_MAX];
	struct sk_buff *skb;
	unsigned int n, i;

	skb = build_packet(tb, family);
	if (!skb)
		return -ENOMEM;
	skb->dev = in ?: out;
	nf_hook_state_init(&state, hook,
			   family == XTFW_FAMILY_IPV4 ? NFPROTO_IPV4 :
							NFPROTO_IPV6,
			   in, out, NULL, net, NULL);
	*verdict = NF_ACCEPT;
	n = tables_in_order(hook, order);
	rcu_read_lock();
	rs = rcu_dereference(xtfw_pernet(net)->ruleset);
	for (i = 0; rs && i < n && *verdict == NF_ACCEPT; i++) {
		const struct xtfw_table *t = rs->tables[family][order[i]];
		struct xtfw_pkt pkt = {
			.skb = skb, .state = &state, .xn = xtfw_pernet(net),
			.family = family,
			.table = order[i], .ct_done = true, .explain = ex,
		};

		if (!t)
			continue;
		/* raw runs before conntrack has seen the packet */
		pkt.ctstate = order[i] == XTFW_TABLE_RAW ?
			      XTFW_CTSTATE_INVALID : ctstate;
		if (family == XTFW_FAMILY_IPV4) {
			pkt.l4proto = ip_hdr(skb)->protocol;
			pkt.thoff = skb_transport_offset(skb);
		} else {
			pkt.l4proto = ipv6_hdr(skb)->nexthdr;
			pkt.thoff = skb_transport_offset(skb);
		}
		*verdict = xtfw_table_eval(t, &pkt) & NF_VERDICT_MASK;
		/* NOTRACK in raw: untracked from then on */
		if (pkt.ctstate == XTFW_CTSTATE_UNTRACKED)
			ctstate = XTFW_CTSTATE_UNTRACKED;
	}
	rcu_read_unlock();
	kfree_skb(skb);
	return 0;
}

static struct net_device *find_dev(struct genl_info *info, struct nlattr *a,
				   int *err)
{
	struct net_device *dev;

	if (!a)
		return NULL;
	dev = dev_get_by_name(genl_info_net(info), nla_data(a));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no such device");
		*err = -ENODEV;
	}
	return dev;
}

int xtfw_nl_explain(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[XTFW_EXPLAIN_A_MAX + 1];
	struct net_device *in = NULL, *out = NULL;
	struct xtfw_explain ex = {};
	struct nlattr *nest;
	unsigned int verdict;
	u8 family;
	void *hdr;
	int ret;

	if (!info->attrs[XTFW_A_FAMILY] || !info->attrs[XTFW_A_EXPLAIN]) {
		NL_SET_ERR_MSG(info->extack, "explain needs a family and a packet");
		return -EINVAL;
	}
	family = nla_get_u8(info->attrs[XTFW_A_FAMILY]);
	ret = nla_parse_nested(tb, XTFW_EXPLAIN_A_MAX,
			       info->attrs[XTFW_A_EXPLAIN], xtfw_explain_policy,
			       info->extack);
	if (ret)
		return ret;
	if (!tb[XTFW_EXPLAIN_A_HOOK]) {
		NL_SET_ERR_MSG(info->extack, "explain needs the hook");
		return -EINVAL;
	}
	in = find_dev(info, tb[XTFW_EXPLAIN_A_IIF], &ret);
	out = find_dev(info, tb[XTFW_EXPLAIN_A_OIF], &ret);
	if (ret)
		goto out;
	ret = -ENOMEM;
	ex.msg = genlmsg_new(NLMSG_GOODSIZE * 4, GFP_KERNEL);
	if (!ex.msg)
		goto out;
	hdr = genlmsg_put_reply(ex.msg, info, &xtfw_genl_family, 0,
				XTFW_CMD_EXPLAIN);
	nest = hdr ? nla_nest_start(ex.msg, XTFW_A_EXPLAIN) : NULL;
	if (!nest)
		goto free;
	ret = run(info, tb, family, in, out, &ex, &verdict);
	if (ret)
		goto free;
	ret = -EMSGSIZE;
	if (nla_put_u32(ex.msg, XTFW_EXPLAIN_A_VERDICT, verdict))
		goto free;
	nla_nest_end(ex.msg, nest);
	genlmsg_end(ex.msg, hdr);
	ret = genlmsg_reply(ex.msg, info);
	goto out;
free:
	nlmsg_free(ex.msg);
out:
	dev_put(in);
	dev_put(out);
	return ret;
}
