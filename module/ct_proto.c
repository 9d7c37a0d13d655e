// SPDX-License-Identifier: GPL-2.0
/*
 * From a packet to its tuple: the IPv4 or IPv6 header (extension headers
 * walked with ipv6_skip_exthdr()), then ports, or the ICMP id and type. An
 * ICMP(v6) error carries the header of the packet it is about; its tuple is
 * that inner packet's (xtfw_ct_parse_inner()). Fragments never get here
 * whole: nf_defrag reassembles them at priority -400, so one that does is
 * INVALID, like a truncated header.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ndisc.h>

#include "ct.h"

const struct xtfw_ct_proto *xtfw_ct_proto_find(u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return &xtfw_ct_proto_tcp;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return &xtfw_ct_proto_udp;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return &xtfw_ct_proto_icmp;
	default:
		return &xtfw_ct_proto_generic;
	}
}

/* ICMP queries: the type of the answer + 1; 0 for the other types. */
static const u8 icmp_answer[] = {
	[ICMP_ECHO] = ICMP_ECHOREPLY + 1,
	[ICMP_ECHOREPLY] = ICMP_ECHO + 1,
	[ICMP_TIMESTAMP] = ICMP_TIMESTAMPREPLY + 1,
	[ICMP_TIMESTAMPREPLY] = ICMP_TIMESTAMP + 1,
	[ICMP_INFO_REQUEST] = ICMP_INFO_REPLY + 1,
	[ICMP_INFO_REPLY] = ICMP_INFO_REQUEST + 1,
	[ICMP_ADDRESS] = ICMP_ADDRESSREPLY + 1,
	[ICMP_ADDRESSREPLY] = ICMP_ADDRESS + 1,
};

/* The same for ICMPv6, indexed by type - ICMPV6_ECHO_REQUEST. */
static const u8 icmpv6_answer[] = {
	[ICMPV6_ECHO_REQUEST - 128] = ICMPV6_ECHO_REPLY + 1,
	[ICMPV6_ECHO_REPLY - 128] = ICMPV6_ECHO_REQUEST + 1,
	[ICMPV6_NI_QUERY - 128] = ICMPV6_NI_REPLY + 1,
	[ICMPV6_NI_REPLY - 128] = ICMPV6_NI_QUERY + 1,
};

/* Neighbour discovery and MLD: not connections, UNTRACKED as in Linux. */
static bool icmpv6_untracked(u8 type)
{
	switch (type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case ICMPV6_MLD2_REPORT:
		return true;
	default:
		return false;
	}
}

/* The answer's type, or -1 if @type is not a query or answer. */
static int icmp_answer_type(u8 family, u8 type)
{
	if (family == XTFW_FAMILY_IPV4)
		return type < ARRAY_SIZE(icmp_answer) && icmp_answer[type] ?
		       icmp_answer[type] - 1 : -1;
	type -= ICMPV6_ECHO_REQUEST;
	return type < ARRAY_SIZE(icmpv6_answer) && icmpv6_answer[type] ?
	       icmpv6_answer[type] - 1 : -1;
}

void xtfw_ct_invert(struct xtfw_ct_tuple *dst, const struct xtfw_ct_tuple *src)
{
	u16 tc = ntohs(src->dport);

	dst->src = src->dst;
	dst->dst = src->src;
	dst->family = src->family;
	dst->proto = src->proto;
	dst->dir = 0;
	dst->pad = 0;
	if (src->proto == IPPROTO_ICMP || src->proto == IPPROTO_ICMPV6) {
		int answer = icmp_answer_type(src->family, tc >> 8);

		dst->sport = src->sport;
		dst->dport = htons((answer < 0 ? 0 : answer) << 8 | (tc & 0xff));
	} else {
		dst->sport = src->dport;
		dst->dport = src->sport;
	}
}

/*
 * The IP header of the packet at @off: addresses, protocol, L4 offset.
 * Inline, with the TCP/UDP part of parse_l4(): every packet is parsed at
 * the conntrack hook and again at the first table hook that asks.
 */
static __always_inline int parse_ipv4(struct sk_buff *skb,
				      unsigned int off,
				      struct xtfw_ct_tuple *t,
				      unsigned int *thoff)
{
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5 || iph->version != 4)
		return -EINVAL;
	if (iph->frag_off & htons(IP_OFFSET))	/* a later fragment */
		return -EINVAL;
	t->src.ip = iph->saddr;
	t->dst.ip = iph->daddr;
	t->proto = iph->protocol;
	*thoff = off + iph->ihl * 4;
	return 0;
}

static int parse_ipv6(struct sk_buff *skb, unsigned int off,
		      struct xtfw_ct_tuple *t, unsigned int *thoff)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	u8 nexthdr;
	int hoff;

	ip6h = skb_header_pointer(skb, off, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return -EINVAL;
	nexthdr = ip6h->nexthdr;
	hoff = ipv6_skip_exthdr(skb, off + sizeof(_ip6h), &nexthdr, &frag_off);
	if (hoff < 0 || (frag_off & htons(~0x7)))
		return -EINVAL;
	memcpy(t->src.ip6, &ip6h->saddr, sizeof(t->src.ip6));
	memcpy(t->dst.ip6, &ip6h->daddr, sizeof(t->dst.ip6));
	t->proto = nexthdr == NEXTHDR_NONE ? 0 : nexthdr;
	*thoff = hoff;
	return 0;
}

static bool icmp_is_error(u8 family, u8 type)
{
	if (family == XTFW_FAMILY_IPV4)
		return icmp_is_err(type);
	return type < ICMPV6_ECHO_REQUEST;
}

/* parse_l4() of anything but TCP, UDP and UDP-Lite. */
static u8 parse_l4_other(struct sk_buff *skb, struct xtfw_ct_tuple *t,
			 unsigned int thoff, bool inner)
{
	u8 _ih[2];
	const u8 *ih;

	if (t->proto != IPPROTO_ICMP && t->proto != IPPROTO_ICMPV6)
		return XTFW_CT_K_TRACK;	/* generic: addresses only */
	/* ICMP in IPv6 or ICMPv6 in IPv4 */
	if (t->proto != (t->family == XTFW_FAMILY_IPV4 ? IPPROTO_ICMP :
							  IPPROTO_ICMPV6))
		return XTFW_CT_K_INVALID;
	/* type, code, checksum, then id and sequence for queries */
	ih = skb_header_pointer(skb, thoff, sizeof(_ih), _ih);
	if (!ih || skb->len < thoff + 8)
		return XTFW_CT_K_INVALID;
	if (!inner && t->family == XTFW_FAMILY_IPV6 && icmpv6_untracked(ih[0]))
		return XTFW_CT_K_UNTRACKED;
	if (icmp_is_error(t->family, ih[0]))
		return inner ? XTFW_CT_K_INVALID : XTFW_CT_K_ICMP_ERROR;
	if (icmp_answer_type(t->family, ih[0]) < 0)
		return XTFW_CT_K_INVALID;
	if (skb_copy_bits(skb, thoff + 4, &t->sport, sizeof(t->sport)))
		return XTFW_CT_K_INVALID;
	t->dport = htons(ih[0] << 8 | ih[1]);
	return XTFW_CT_K_TRACK;
}

/*
 * The transport part of the tuple. Return: the kind of packet. @inner is
 * set for the header quoted in an ICMP error: there only queries and
 * port-carrying protocols count, and errors about errors are refused.
 */
static __always_inline u8 parse_l4(struct sk_buff *skb,
				   struct xtfw_ct_tuple *t,
				   unsigned int thoff, bool inner)
{
	__be16 _ports[2];
	const __be16 *ports;

	switch (t->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		ports = skb_header_pointer(skb, thoff, sizeof(_ports), _ports);
		if (!ports)
			return XTFW_CT_K_INVALID;
		t->sport = ports[0];
		t->dport = ports[1];
		return XTFW_CT_K_TRACK;
	default:
		return parse_l4_other(skb, t, thoff, inner);
	}
}

/**
 * xtfw_ct_parse() - the tuple of a packet at a hook
 * @p: filled in; p->kind says what kind of packet it is
 * @skb: the packet, its network header set
 * @state: the hook
 * @family: XTFW_FAMILY_*
 *
 * Return: 0, or -EINVAL when the packet cannot be tracked (p->kind INVALID).
 */
int xtfw_ct_parse(struct xtfw_ct_pkt *p, struct sk_buff *skb,
		  const struct nf_hook_state *state, u8 family)
{
	unsigned int off = skb_network_offset(skb);
	int ret;

	memset(&p->tuple, 0, sizeof(p->tuple));
	p->skb = skb;
	p->state = state;
	p->family = family;
	p->tuple.family = family;
	p->hash = 0;
	p->stage = 0;
	p->thoff = 0;
	if (family == XTFW_FAMILY_IPV4)
		ret = parse_ipv4(skb, off, &p->tuple, &p->thoff);
	else
		ret = parse_ipv6(skb, off, &p->tuple, &p->thoff);
	p->kind = ret ? XTFW_CT_K_INVALID :
			parse_l4(skb, &p->tuple, p->thoff, false);
	return p->kind == XTFW_CT_K_INVALID ? -EINVAL : 0;
}

/**
 * xtfw_ct_parse_inner() - the tuple of the packet an ICMP error is about
 * @p: the error, parsed (kind XTFW_CT_K_ICMP_ERROR)
 * @inner: the tuple of the quoted packet, as it was sent
 *
 * Return: false if the quoted header is too short or cannot be tracked.
 */
bool xtfw_ct_parse_inner(const struct xtfw_ct_pkt *p,
			 struct xtfw_ct_tuple *inner)
{
	unsigned int off = p->thoff + 8, thoff;	/* past the ICMP header */
	int ret;

	memset(inner, 0, sizeof(*inner));
	inner->family = p->family;
	if (p->family == XTFW_FAMILY_IPV4)
		ret = parse_ipv4(p->skb, off, inner, &thoff);
	else
		ret = parse_ipv6(p->skb, off, inner, &thoff);
	return !ret && parse_l4(p->skb, inner, thoff, true) == XTFW_CT_K_TRACK;
}
