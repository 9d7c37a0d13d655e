// SPDX-License-Identifier: GPL-2.0
/*
 * TRACE: which rules a packet went through, as events on the family's
 * "trace" multicast group (xtctl monitor trace), in place of iptables'
 * TRACE lines in the kernel log. A TRACE rule in the raw table sets the
 * packet's nf_trace bit, which iptables and nftables use for the same
 * purpose; from then on every table walk reports each rule the packet
 * matches, each user chain it leaves at its end, and each built-in
 * chain's policy it gets.
 *
 * Tracing costs nothing unless a packet is traced and someone listens,
 * and is bounded: at most XTFW_TRACE_RATE events a second per namespace,
 * the others counted and reported as LOST in the next event sent.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "xtfw.h"

/* Only CAP_NET_ADMIN of the namespace's user namespace may listen. */
const struct genl_multicast_group xtfw_mcgrps[2] = {
	[XTFW_MCGRP_TRACE_ID] = {
		.name = XTFW_MCGRP_TRACE,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	[XTFW_MCGRP_CT_ID] = {
		.name = XTFW_MCGRP_CT,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* May one more event go this second? Counts the ones that may not. */
static bool trace_budget(struct xtfw_net *xn)
{
	u32 second = (u32)(jiffies / HZ);

	if (READ_ONCE(xn->trace.second) != second) {
		WRITE_ONCE(xn->trace.second, second);
		atomic_set(&xn->trace.sent, 0);
	}
	if (atomic_inc_return(&xn->trace.sent) > XTFW_TRACE_RATE) {
		atomic_inc(&xn->trace.lost);
		return false;
	}
	return true;
}

static int put_addrs(struct sk_buff *msg, const struct xtfw_pkt *pkt)
{
	union xtfw_addr src = {}, dst = {};

	if (pkt->family == XTFW_FAMILY_IPV4) {
		src.ip = ip_hdr(pkt->skb)->saddr;
		dst.ip = ip_hdr(pkt->skb)->daddr;
	} else {
		memcpy(&src, &ipv6_hdr(pkt->skb)->saddr, sizeof(src));
		memcpy(&dst, &ipv6_hdr(pkt->skb)->daddr, sizeof(dst));
	}
	if (nla_put(msg, XTFW_TRACE_A_SRC, sizeof(src), &src) ||
	    nla_put(msg, XTFW_TRACE_A_DST, sizeof(dst), &dst) ||
	    nla_put_u8(msg, XTFW_TRACE_A_PROTO, pkt->l4proto))
		return -EMSGSIZE;
	return 0;
}

static int put_ports(struct sk_buff *msg, const struct xtfw_pkt *pkt)
{
	const __be16 *ports;
	__be16 buf[2];

	switch (pkt->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		break;
	default:
		return 0;
	}
	if (pkt->fragment || !pkt->thoff)
		return 0;
	ports = skb_header_pointer(pkt->skb, pkt->thoff, sizeof(buf), buf);
	if (!ports)
		return 0;
	if (nla_put_u16(msg, XTFW_TRACE_A_SPORT, ntohs(ports[0])) ||
	    nla_put_u16(msg, XTFW_TRACE_A_DPORT, ntohs(ports[1])))
		return -EMSGSIZE;
	return 0;
}

static int put_event(struct sk_buff *msg, const struct xtfw_pkt *pkt,
		     const struct xtfw_chain *c, u32 rulenum, u8 type,
		     int verdict, u32 lost)
{
	const struct nf_hook_state *state = pkt->state;
	struct nlattr *nest = nla_nest_start(msg, XTFW_A_TRACE);

	if (!nest ||
	    nla_put_u32(msg, XTFW_TRACE_A_ID, (u32)hash_ptr(pkt->skb, 32)) ||
	    nla_put_u8(msg, XTFW_TRACE_A_TYPE, type) ||
	    nla_put_u8(msg, XTFW_TRACE_A_FAMILY, pkt->family) ||
	    nla_put_u8(msg, XTFW_TRACE_A_TABLE, pkt->table) ||
	    nla_put_u8(msg, XTFW_TRACE_A_HOOK, state->hook) ||
	    nla_put_string(msg, XTFW_TRACE_A_CHAIN, c->name) ||
	    (rulenum && nla_put_u32(msg, XTFW_TRACE_A_RULENUM, rulenum)) ||
	    (verdict != XTFW_CONTINUE &&
	     nla_put_u32(msg, XTFW_TRACE_A_VERDICT, verdict)) ||
	    (state->in &&
	     nla_put_string(msg, XTFW_TRACE_A_IIF, state->in->name)) ||
	    (state->out &&
	     nla_put_string(msg, XTFW_TRACE_A_OIF, state->out->name)) ||
	    put_addrs(msg, pkt) || put_ports(msg, pkt) ||
	    nla_put_u32(msg, XTFW_TRACE_A_LEN, pkt->skb->len) ||
	    nla_put_u32(msg, XTFW_TRACE_A_MARK, pkt->skb->mark) ||
	    (lost && nla_put_u32(msg, XTFW_TRACE_A_LOST, lost)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/**
 * xtfw_trace_event() - report one step of a traced packet
 * @pkt: the packet (xtfw_traced() is true for it)
 * @c: the chain
 * @rulenum: the rule (1-based) for XTFW_TRACE_RULE, else 0
 * @type: enum xtfw_trace_type
 * @verdict: the verdict that ended the walk there, or XTFW_CONTINUE
 */
void xtfw_trace_event(const struct xtfw_pkt *pkt,
		      const struct xtfw_chain *c, u32 rulenum, u8 type,
		      int verdict)
{
	struct net *net = pkt->state->net;
	struct xtfw_net *xn = xtfw_pernet(net);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&xtfw_genl_family, net, XTFW_MCGRP_TRACE_ID) ||
	    !trace_budget(xn))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		goto lost;
	hdr = genlmsg_put(msg, 0, 0, &xtfw_genl_family, 0, XTFW_CMD_TRACE);
	if (!hdr ||
	    put_event(msg, pkt, c, rulenum, type, verdict,
		      atomic_xchg(&xn->trace.lost, 0))) {
		nlmsg_free(msg);
		goto lost;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&xtfw_genl_family, net, msg, 0,
				XTFW_MCGRP_TRACE_ID, GFP_ATOMIC);
	return;
lost:
	atomic_inc(&xn->trace.lost);
}
