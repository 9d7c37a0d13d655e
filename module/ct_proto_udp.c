// SPDX-License-Identifier: GPL-2.0
/*
 * The trackers without a state machine: UDP (and UDP-Lite), ICMP and
 * ICMPv6 queries, and the generic one for every other protocol, which keys
 * a connection on the two addresses and the protocol alone.
 *
 * UDP, as in Linux: an entry lives UNREPLIED (30 s) until a reply, then
 * REPLIED (30 s); traffic both ways more than two seconds after the first
 * packet makes it a stream: ASSURED, STREAM timeout (120 s).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/udp.h>
#include <net/ip.h>

#include "ct.h"

#define UDP_STREAM_AFTER	(2 * HZ)

bool xtfw_ct_udp_valid(const struct xtfw_ct_pkt *p)
{
	const struct nf_hook_state *state = p->state;
	unsigned int udplen = p->skb->len - p->thoff;
	struct udphdr _uh;
	const struct udphdr *uh;

	uh = skb_header_pointer(p->skb, p->thoff, sizeof(_uh), &_uh);
	if (!uh)
		return false;
	if (p->tuple.proto == IPPROTO_UDPLITE)
		return true;
	if (udplen < sizeof(*uh) || ntohs(uh->len) > udplen ||
	    ntohs(uh->len) < sizeof(*uh))
		return false;
	/* no checksum is fine for IPv4 */
	if (!uh->check && p->family == XTFW_FAMILY_IPV4)
		return true;
	return state->hook != NF_INET_PRE_ROUTING ||
	       !nf_checksum(p->skb, state->hook, p->thoff, IPPROTO_UDP,
			    state->pf);
}

static bool udp_new(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		    const struct xtfw_ct_pkt *p)
{
	c->proto.udp.stream_ts = (u32)jiffies + UDP_STREAM_AFTER;
	return true;
}

int xtfw_ct_udp_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		       const struct xtfw_ct_pkt *p, u8 dir)
{
	const u32 *to = cn->to.udp;

	if (!test_bit(XTFW_CT_B_SEEN_REPLY, &c->status)) {
		xtfw_ct_refresh(c, READ_ONCE(to[XTFW_UDP_UNREPLIED]));
	} else if ((s32)((u32)jiffies - c->proto.udp.stream_ts) > 0) {
		xtfw_ct_refresh(c, READ_ONCE(to[XTFW_UDP_STREAM]));
		if (!test_bit(XTFW_CT_B_ASSURED, &c->status))
			set_bit(XTFW_CT_B_ASSURED, &c->status);
	} else {
		xtfw_ct_refresh(c, READ_ONCE(to[XTFW_UDP_REPLIED]));
	}
	return XTFW_CT_V_ACCEPT;
}

static u32 udp_timeout(const struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	u8 state = XTFW_UDP_UNREPLIED;

	if (test_bit(XTFW_CT_B_ASSURED, &c->status))
		state = XTFW_UDP_STREAM;
	else if (test_bit(XTFW_CT_B_SEEN_REPLY, &c->status))
		state = XTFW_UDP_REPLIED;
	return READ_ONCE(cn->to.udp[state]);
}

const struct xtfw_ct_proto xtfw_ct_proto_udp = {
	.valid = xtfw_ct_udp_valid,
	.new = udp_new,
	.packet = xtfw_ct_udp_packet,
	.timeout = udp_timeout,
};

/* ICMP and ICMPv6 queries, keyed on id and type. */

static bool icmp_valid(const struct xtfw_ct_pkt *p)
{
	const struct nf_hook_state *state = p->state;

	return state->hook != NF_INET_PRE_ROUTING ||
	       !nf_checksum(p->skb, state->hook, p->thoff, p->tuple.proto,
			    state->pf);
}

/* Only a request opens a connection; an answer needs its request. */
static bool icmp_new(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		     const struct xtfw_ct_pkt *p)
{
	u8 type = ntohs(p->tuple.dport) >> 8;

	if (p->family == XTFW_FAMILY_IPV4)
		return type == ICMP_ECHO || type == ICMP_TIMESTAMP ||
		       type == ICMP_INFO_REQUEST || type == ICMP_ADDRESS;
	return type == ICMPV6_ECHO_REQUEST || type == ICMPV6_NI_QUERY;
}

static u32 icmp_timeout(const struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	return c->th[0].tuple.family == XTFW_FAMILY_IPV4 ?
	       READ_ONCE(cn->to.icmp) : READ_ONCE(cn->to.icmpv6);
}

static int icmp_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		       const struct xtfw_ct_pkt *p, u8 dir)
{
	xtfw_ct_refresh(c, icmp_timeout(cn, c));
	return XTFW_CT_V_ACCEPT;
}

const struct xtfw_ct_proto xtfw_ct_proto_icmp = {
	.valid = icmp_valid,
	.new = icmp_new,
	.packet = icmp_packet,
	.timeout = icmp_timeout,
};

/* Every other protocol: the address pair is the connection. */

static bool generic_new(struct xtfw_ct_net *cn, struct xtfw_conn *c,
			const struct xtfw_ct_pkt *p)
{
	return true;
}

static u32 generic_timeout(const struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	return READ_ONCE(cn->to.generic);
}

static int generic_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
			  const struct xtfw_ct_pkt *p, u8 dir)
{
	xtfw_ct_refresh(c, generic_timeout(cn, c));
	return XTFW_CT_V_ACCEPT;
}

const struct xtfw_ct_proto xtfw_ct_proto_generic = {
	.new = generic_new,
	.packet = generic_packet,
	.timeout = generic_timeout,
};
