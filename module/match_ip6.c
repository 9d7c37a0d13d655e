// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 extension header matches: rt (routing header) and frag (fragment
 * header), as ip6t_rt and ip6t_frag. A packet without the header, or too
 * short to hold it, does not match.
 */
#include <linux/ipv6.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <net/ipv6.h>

#include "match.h"

static bool u32_in(const struct xtfw_u32_range *r, u32 v)
{
	return v >= r->min && v <= r->max;
}

static int parse_u32_range(const struct xtfw_margs *a, int attr,
			   struct xtfw_u32_range *r, const char *opt)
{
	const struct nlattr *nla = a->tb[attr];

	r->min = 0;
	r->max = U32_MAX;
	if (!nla)
		return 0;
	nla_memcpy(r, nla, sizeof(*r));
	if (r->min > r->max)
		return xtfw_parse_error(a->ctx, nla,
					"%s: %s %u:%u runs backwards",
					a->name, opt, r->min, r->max);
	return 0;
}

/* Neither option: any packet with a routing header matches. */
int xtfw_rt_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	if (a->tb[XTFW_MATCH_A_RT_TYPE]) {
		m->u.rt.type = nla_get_u8(a->tb[XTFW_MATCH_A_RT_TYPE]);
		m->u.rt.has_type = true;
	}
	m->u.rt.has_segsleft = !!a->tb[XTFW_MATCH_A_RT_SEGSLEFT];
	return parse_u32_range(a, XTFW_MATCH_A_RT_SEGSLEFT,
			       &m->u.rt.segsleft, "--rt-segsleft");
}

bool xtfw_rt_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	struct ipv6_rt_hdr buf;
	const struct ipv6_rt_hdr *rh;
	unsigned int off = 0;

	if (ipv6_find_hdr(pkt->skb, &off, NEXTHDR_ROUTING, NULL, NULL) < 0)
		return false;
	rh = skb_header_pointer(pkt->skb, off, sizeof(buf), &buf);
	if (!rh || pkt->skb->len - off < ipv6_optlen(rh))
		return false;
	if (m->u.rt.has_type &&
	    !(rh->type == m->u.rt.type) == !(m->inv & XTFW_MINV_RT_TYPE))
		return false;
	if (m->u.rt.has_segsleft &&
	    u32_in(&m->u.rt.segsleft, rh->segments_left) ==
	    !!(m->inv & XTFW_MINV_RT_SEGSLEFT))
		return false;
	return true;
}

int xtfw_frag_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *flags = a->tb[XTFW_MATCH_A_FRAG_FLAGS];

	if (flags)
		m->u.frag.flags = nla_get_u32(flags);
	if ((m->u.frag.flags & XTFW_FRAG_F_MORE) &&
	    (m->u.frag.flags & XTFW_FRAG_F_LAST))
		return xtfw_parse_error(a->ctx, flags,
					"frag: --fragmore and --fraglast exclude each other");
	return parse_u32_range(a, XTFW_MATCH_A_FRAG_ID, &m->u.frag.id,
			       "--fragid");
}

bool xtfw_frag_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	struct frag_hdr buf;
	const struct frag_hdr *fh;
	unsigned int off = 0;
	u32 flags = m->u.frag.flags;

	if (ipv6_find_hdr(pkt->skb, &off, NEXTHDR_FRAGMENT, NULL, NULL) < 0)
		return false;
	fh = skb_header_pointer(pkt->skb, off, sizeof(buf), &buf);
	if (!fh)
		return false;
	if (u32_in(&m->u.frag.id, ntohl(fh->identification)) ==
	    !!(m->inv & XTFW_MINV_FRAG_ID))
		return false;
	if ((flags & XTFW_FRAG_F_FIRST) && (fh->frag_off & htons(IP6_OFFSET)))
		return false;
	if ((flags & XTFW_FRAG_F_MORE) && !(fh->frag_off & htons(IP6_MF)))
		return false;
	if ((flags & XTFW_FRAG_F_LAST) && (fh->frag_off & htons(IP6_MF)))
		return false;
	return true;
}
