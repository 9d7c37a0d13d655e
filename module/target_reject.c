// SPDX-License-Identifier: GPL-2.0
/*
 * REJECT: drop the packet and tell the sender, with an ICMP or ICMPv6
 * error or a TCP reset built by the kernel's nf_reject helpers, as
 * ipt_REJECT and ip6t_REJECT. Filter table, INPUT/FORWARD/OUTPUT only.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "target.h"

struct reject_type {
	const char *name;	/* --reject-with NAME */
	s8 family;		/* XTFW_FAMILY_*, or -1 for both */
	u8 icmp_code;		/* ICMP_* for IPv4 */
	u8 icmp6_code;		/* ICMPV6_* for IPv6 */
};

static const struct reject_type types[__XTFW_REJECT_MAX] = {
	[XTFW_REJECT_ICMP_NET_UNREACH] = { "icmp-net-unreachable",
		XTFW_FAMILY_IPV4, ICMP_NET_UNREACH },
	[XTFW_REJECT_ICMP_HOST_UNREACH] = { "icmp-host-unreachable",
		XTFW_FAMILY_IPV4, ICMP_HOST_UNREACH },
	[XTFW_REJECT_ICMP_PORT_UNREACH] = { "icmp-port-unreachable",
		-1, ICMP_PORT_UNREACH, ICMPV6_PORT_UNREACH },
	[XTFW_REJECT_ICMP_PROTO_UNREACH] = { "icmp-proto-unreachable",
		XTFW_FAMILY_IPV4, ICMP_PROT_UNREACH },
	[XTFW_REJECT_ICMP_NET_PROHIBITED] = { "icmp-net-prohibited",
		XTFW_FAMILY_IPV4, ICMP_NET_ANO },
	[XTFW_REJECT_ICMP_HOST_PROHIBITED] = { "icmp-host-prohibited",
		XTFW_FAMILY_IPV4, ICMP_HOST_ANO },
	[XTFW_REJECT_ICMP_ADMIN_PROHIBITED] = { "icmp-admin-prohibited",
		XTFW_FAMILY_IPV4, ICMP_PKT_FILTERED },
	[XTFW_REJECT_TCP_RESET] = { "tcp-reset", -1 },
	[XTFW_REJECT_ICMP6_NO_ROUTE] = { "icmp6-no-route",
		XTFW_FAMILY_IPV6, 0, ICMPV6_NOROUTE },
	[XTFW_REJECT_ICMP6_ADM_PROHIBITED] = { "icmp6-adm-prohibited",
		XTFW_FAMILY_IPV6, 0, ICMPV6_ADM_PROHIBITED },
	[XTFW_REJECT_ICMP6_ADDR_UNREACH] = { "icmp6-addr-unreachable",
		XTFW_FAMILY_IPV6, 0, ICMPV6_ADDR_UNREACH },
	[XTFW_REJECT_ICMP6_PORT_UNREACH] = { "icmp6-port-unreachable",
		XTFW_FAMILY_IPV6, 0, ICMPV6_PORT_UNREACH },
};

int xtfw_reject_parse(struct xtfw_target *t, const struct xtfw_targs *a)
{
	const struct nlattr *nla = a->tb[XTFW_TARGET_A_REJECT_WITH];
	static const u8 tcp = IPPROTO_TCP;
	const struct reject_type *rt;
	u8 with = XTFW_REJECT_ICMP_PORT_UNREACH;

	if (nla)
		with = nla_get_u8(nla);
	rt = &types[with];
	if (rt->family >= 0 && rt->family != a->ctx->family)
		return xtfw_parse_error(a->ctx, nla,
					"REJECT --reject-with %s is for %s rules only",
					rt->name,
					rt->family == XTFW_FAMILY_IPV4 ?
					"IPv4" : "IPv6");
	if (with == XTFW_REJECT_TCP_RESET &&
	    !xtfw_tg_has_proto(a->ip, &tcp, 1))
		return xtfw_parse_error(a->ctx, nla,
					"REJECT --reject-with tcp-reset needs -p tcp");
	t->u.reject_with = with;
	return 0;
}

int xtfw_reject_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	const struct nf_hook_state *state = pkt->state;
	const struct reject_type *rt = &types[t->u.reject_with];
	bool v4 = pkt->family == XTFW_FAMILY_IPV4;

	if (t->u.reject_with == XTFW_REJECT_TCP_RESET) {
		if (v4)
			nf_send_reset(state->net, state->sk, pkt->skb,
				      state->hook);
		else
			nf_send_reset6(state->net, state->sk, pkt->skb,
				       state->hook);
	} else if (v4) {
		nf_send_unreach(pkt->skb, rt->icmp_code, state->hook);
	} else {
		nf_send_unreach6(state->net, pkt->skb, rt->icmp6_code,
				 state->hook);
	}
	return NF_DROP;
}
