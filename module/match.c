// SPDX-License-Identifier: GPL-2.0
/*
 * Matches: the "-m NAME" modules of iptables. This file holds the dispatch
 * (which attributes and negations each type takes, which family it needs)
 * and the matches that fit in a few lines; the rest are in match_*.c.
 *
 * A parser validates everything its match says and fails with an extack
 * message naming the option; evaluation then never fails. A match that
 * cannot read the header it needs does not match.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/if_packet.h>
#include <net/ip.h>

#include "match.h"
#include "ct.h"

#define A(x)	BIT_ULL(XTFW_MATCH_A_##x)

/* iptables' spelling of each attribute, for messages. */
static const char * const attr_names[XTFW_MATCH_A_MAX + 1] = {
	[XTFW_MATCH_A_SPORT]		= "--sport",
	[XTFW_MATCH_A_DPORT]		= "--dport",
	[XTFW_MATCH_A_TCP_FLAGS]	= "--tcp-flags",
	[XTFW_MATCH_A_TCP_OPTION]	= "--tcp-option",
	[XTFW_MATCH_A_ICMP_TYPE]	= "--icmp-type",
	[XTFW_MATCH_A_ICMP_CODE]	= "the icmp code",
	[XTFW_MATCH_A_PORTS]		= "--ports",
	[XTFW_MATCH_A_MULTIPORT_DIR]	= "the multiport direction",
	[XTFW_MATCH_A_CTSTATE]		= "--ctstate",
	[XTFW_MATCH_A_MARK]		= "--mark",
	[XTFW_MATCH_A_MASK]		= "a mark mask",
	[XTFW_MATCH_A_RATE]		= "--limit",
	[XTFW_MATCH_A_BURST]		= "--limit-burst",
	[XTFW_MATCH_A_LEN]		= "--length",
	[XTFW_MATCH_A_TTL_OP]		= "the ttl comparison",
	[XTFW_MATCH_A_TTL]		= "the ttl value",
	[XTFW_MATCH_A_SRC_RANGE]	= "--src-range",
	[XTFW_MATCH_A_DST_RANGE]	= "--dst-range",
	[XTFW_MATCH_A_COMMENT]		= "--comment",
	[XTFW_MATCH_A_SRC_TYPE]		= "--src-type",
	[XTFW_MATCH_A_DST_TYPE]		= "--dst-type",
	[XTFW_MATCH_A_ADDRTYPE_FLAGS]	= "--limit-iface-in/out",
	[XTFW_MATCH_A_RECENT_NAME]	= "--name",
	[XTFW_MATCH_A_RECENT_CMD]	= "--set/--rcheck/--update/--remove",
	[XTFW_MATCH_A_RECENT_SECONDS]	= "--seconds",
	[XTFW_MATCH_A_RECENT_HITCOUNT]	= "--hitcount",
	[XTFW_MATCH_A_RECENT_FLAGS]	= "--rsource/--rdest/--rttl/--reap",
	[XTFW_MATCH_A_RECENT_MASK]	= "--mask",
	[XTFW_MATCH_A_UID]		= "--uid-owner",
	[XTFW_MATCH_A_GID]		= "--gid-owner",
	[XTFW_MATCH_A_STAT_MODE]	= "--mode",
	[XTFW_MATCH_A_PROBABILITY]	= "--probability",
	[XTFW_MATCH_A_EVERY]		= "--every",
	[XTFW_MATCH_A_PACKET]		= "--packet",
	[XTFW_MATCH_A_PKTTYPE]		= "--pkt-type",
	[XTFW_MATCH_A_RT_TYPE]		= "--rt-type",
	[XTFW_MATCH_A_RT_SEGSLEFT]	= "--rt-segsleft",
	[XTFW_MATCH_A_FRAG_ID]		= "--fragid",
	[XTFW_MATCH_A_FRAG_FLAGS]	= "--fragfirst/--fragmore/--fraglast",
};

/* The option each negation applies to; 0 where it negates the match. */
static const struct {
	u32 bit;
	u8 attr;
} inv_opts[] = {
	{ XTFW_MINV_SPORT,	XTFW_MATCH_A_SPORT },
	{ XTFW_MINV_DPORT,	XTFW_MATCH_A_DPORT },
	{ XTFW_MINV_TCP_FLAGS,	XTFW_MATCH_A_TCP_FLAGS },
	{ XTFW_MINV_TCP_OPTION,	XTFW_MATCH_A_TCP_OPTION },
	{ XTFW_MINV_ICMP,	0 },
	{ XTFW_MINV_PORTS,	XTFW_MATCH_A_PORTS },
	{ XTFW_MINV_CTSTATE,	XTFW_MATCH_A_CTSTATE },
	{ XTFW_MINV_MARK,	XTFW_MATCH_A_MARK },
	{ XTFW_MINV_LEN,	XTFW_MATCH_A_LEN },
	{ XTFW_MINV_SRC_RANGE,	XTFW_MATCH_A_SRC_RANGE },
	{ XTFW_MINV_DST_RANGE,	XTFW_MATCH_A_DST_RANGE },
	{ XTFW_MINV_SRC_TYPE,	XTFW_MATCH_A_SRC_TYPE },
	{ XTFW_MINV_DST_TYPE,	XTFW_MATCH_A_DST_TYPE },
	{ XTFW_MINV_RECENT,	0 },
	{ XTFW_MINV_UID,	XTFW_MATCH_A_UID },
	{ XTFW_MINV_GID,	XTFW_MATCH_A_GID },
	{ XTFW_MINV_STATISTIC,	0 },
	{ XTFW_MINV_PKTTYPE,	XTFW_MATCH_A_PKTTYPE },
	{ XTFW_MINV_RT_TYPE,	XTFW_MATCH_A_RT_TYPE },
	{ XTFW_MINV_RT_SEGSLEFT, XTFW_MATCH_A_RT_SEGSLEFT },
	{ XTFW_MINV_FRAG_ID,	XTFW_MATCH_A_FRAG_ID },
	{ XTFW_MINV_LIMIT,	0 },
};

typedef int (*parse_fn)(struct xtfw_match *m, const struct xtfw_margs *a);

struct match_desc {
	const char *name;
	u64 attrs;		/* attributes the type takes */
	u32 inv;		/* negations it takes */
	s8 family;		/* XTFW_FAMILY_*, or -1 for both */
	parse_fn parse;
};

static int parse_ct(struct xtfw_match *m, const struct xtfw_margs *a);
static int parse_mark(struct xtfw_match *m, const struct xtfw_margs *a);
static int parse_length(struct xtfw_match *m, const struct xtfw_margs *a);
static int parse_ttl(struct xtfw_match *m, const struct xtfw_margs *a);
static int parse_comment(struct xtfw_match *m, const struct xtfw_margs *a);
static int parse_pkttype(struct xtfw_match *m, const struct xtfw_margs *a);

#define PORT_ATTRS	(A(SPORT) | A(DPORT))
#define PORT_INV	(XTFW_MINV_SPORT | XTFW_MINV_DPORT)

static const struct match_desc descs[__XTFW_MATCH_TYPE_MAX] = {
	[XTFW_MATCH_TCP] = { "tcp", PORT_ATTRS | A(TCP_FLAGS) | A(TCP_OPTION),
		PORT_INV | XTFW_MINV_TCP_FLAGS | XTFW_MINV_TCP_OPTION, -1,
		xtfw_l4_parse },
	[XTFW_MATCH_UDP] = { "udp", PORT_ATTRS, PORT_INV, -1, xtfw_l4_parse },
	[XTFW_MATCH_UDPLITE] = { "udplite", PORT_ATTRS, PORT_INV, -1,
		xtfw_l4_parse },
	[XTFW_MATCH_SCTP] = { "sctp", PORT_ATTRS, PORT_INV, -1,
		xtfw_l4_parse },
	[XTFW_MATCH_ICMP] = { "icmp", A(ICMP_TYPE) | A(ICMP_CODE),
		XTFW_MINV_ICMP, XTFW_FAMILY_IPV4, xtfw_icmp_parse },
	[XTFW_MATCH_ICMPV6] = { "icmp6", A(ICMP_TYPE) | A(ICMP_CODE),
		XTFW_MINV_ICMP, XTFW_FAMILY_IPV6, xtfw_icmp_parse },
	[XTFW_MATCH_MULTIPORT] = { "multiport", A(PORTS) | A(MULTIPORT_DIR),
		XTFW_MINV_PORTS, -1, xtfw_multiport_parse },
	[XTFW_MATCH_CONNTRACK] = { "conntrack", A(CTSTATE), XTFW_MINV_CTSTATE,
		-1, parse_ct },
	[XTFW_MATCH_STATE] = { "state", A(CTSTATE), XTFW_MINV_CTSTATE, -1,
		parse_ct },
	[XTFW_MATCH_MARK] = { "mark", A(MARK) | A(MASK), XTFW_MINV_MARK, -1,
		parse_mark },
	[XTFW_MATCH_CONNMARK] = { "connmark", A(MARK) | A(MASK),
		XTFW_MINV_MARK, -1, parse_ct },
	[XTFW_MATCH_LIMIT] = { "limit", A(RATE) | A(BURST), XTFW_MINV_LIMIT,
		-1, xtfw_limit_parse },
	[XTFW_MATCH_LENGTH] = { "length", A(LEN), XTFW_MINV_LEN, -1,
		parse_length },
	[XTFW_MATCH_TTL] = { "ttl", A(TTL_OP) | A(TTL), 0, XTFW_FAMILY_IPV4,
		parse_ttl },
	[XTFW_MATCH_HL] = { "hl", A(TTL_OP) | A(TTL), 0, XTFW_FAMILY_IPV6,
		parse_ttl },
	[XTFW_MATCH_IPRANGE] = { "iprange", A(SRC_RANGE) | A(DST_RANGE),
		XTFW_MINV_SRC_RANGE | XTFW_MINV_DST_RANGE, -1,
		xtfw_iprange_parse },
	[XTFW_MATCH_COMMENT] = { "comment", A(COMMENT), 0, -1,
		parse_comment },
	[XTFW_MATCH_ADDRTYPE] = { "addrtype",
		A(SRC_TYPE) | A(DST_TYPE) | A(ADDRTYPE_FLAGS),
		XTFW_MINV_SRC_TYPE | XTFW_MINV_DST_TYPE, -1,
		xtfw_addrtype_parse },
	[XTFW_MATCH_RECENT] = { "recent",
		A(RECENT_NAME) | A(RECENT_CMD) | A(RECENT_SECONDS) |
		A(RECENT_HITCOUNT) | A(RECENT_FLAGS) | A(RECENT_MASK),
		XTFW_MINV_RECENT, -1, xtfw_recent_parse },
	[XTFW_MATCH_OWNER] = { "owner", A(UID) | A(GID),
		XTFW_MINV_UID | XTFW_MINV_GID, -1, xtfw_owner_parse },
	[XTFW_MATCH_STATISTIC] = { "statistic",
		A(STAT_MODE) | A(PROBABILITY) | A(EVERY) | A(PACKET),
		XTFW_MINV_STATISTIC, -1, xtfw_statistic_parse },
	[XTFW_MATCH_PKTTYPE] = { "pkttype", A(PKTTYPE), XTFW_MINV_PKTTYPE, -1,
		parse_pkttype },
	[XTFW_MATCH_RT] = { "rt", A(RT_TYPE) | A(RT_SEGSLEFT),
		XTFW_MINV_RT_TYPE | XTFW_MINV_RT_SEGSLEFT, XTFW_FAMILY_IPV6,
		xtfw_rt_parse },
	[XTFW_MATCH_FRAG] = { "frag", A(FRAG_ID) | A(FRAG_FLAGS),
		XTFW_MINV_FRAG_ID, XTFW_FAMILY_IPV6, xtfw_frag_parse },
};

static const char * const family_names[__XTFW_FAMILY_MAX] = {
	[XTFW_FAMILY_IPV4] = "IPv4",
	[XTFW_FAMILY_IPV6] = "IPv6",
};

/* "-p tcp" and friends: the rule header must name one of protos, not "!". */
int xtfw_mt_need_proto(const struct xtfw_margs *a, const u8 *protos,
		       unsigned int n, const char *what)
{
	const struct xtfw_ipmatch *ip = a->ip;
	unsigned int i;

	if ((ip->flags & XTFW_IPM_F_PROTO) && !(ip->inv & XTFW_INV_PROTO))
		for (i = 0; i < n; i++)
			if (ip->proto == protos[i])
				return 0;
	return xtfw_parse_error(a->ctx, a->nest, "%s needs -p %s", a->name,
				what);
}

int xtfw_mt_need_family(const struct xtfw_margs *a, u8 family)
{
	if (a->ctx->family == family)
		return 0;
	return xtfw_parse_error(a->ctx, a->nest, "%s is for %s rules only",
				a->name, family_names[family]);
}

bool xtfw_addr_is_family(const union xtfw_addr *addr, u8 family)
{
	return family == XTFW_FAMILY_IPV6 ||
	       !(addr->ip6[1] | addr->ip6[2] | addr->ip6[3]);
}

static int addr_cmp(const union xtfw_addr *x, const union xtfw_addr *y)
{
	/* Network order compares as a big-endian number. */
	return memcmp(x->bytes, y->bytes, sizeof(x->bytes));
}

/* An address range attribute: of the rule's family, first <= last. */
int xtfw_mt_addr_range(const struct xtfw_margs *a, int attr,
		       struct xtfw_addr_range *r)
{
	const struct nlattr *nla = a->tb[attr];

	nla_memcpy(r, nla, sizeof(*r));
	if (!xtfw_addr_is_family(&r->min, a->ctx->family) ||
	    !xtfw_addr_is_family(&r->max, a->ctx->family))
		return xtfw_parse_error(a->ctx, nla,
					"%s: IPv4 address with bytes past the fourth",
					attr_names[attr]);
	if (addr_cmp(&r->min, &r->max) > 0)
		return xtfw_parse_error(a->ctx, nla,
					"%s: first address above the last",
					attr_names[attr]);
	return 0;
}

/* The attributes and negations of the type, and nothing else. */
static_assert(XTFW_MATCH_A_MAX < 64, "a match's attributes fit a u64");

static int check_attrs(const struct match_desc *d, u32 inv, u64 present,
		       const struct xtfw_margs *a)
{
	const u64 any = BIT_ULL(XTFW_MATCH_A_TYPE) | BIT_ULL(XTFW_MATCH_A_INV);
	const struct nlattr *inv_nla = a->tb[XTFW_MATCH_A_INV];
	u64 extra = present & ~(d->attrs | any);
	unsigned int i;

	if (extra) {
		i = __ffs64(extra);
		return xtfw_parse_error(a->ctx, a->tb[i],
					"%s does not take %s",
					d->name, attr_names[i]);
	}
	if (inv & ~d->inv)
		return xtfw_parse_error(a->ctx, inv_nla,
					"%s: \"!\" on an option it does not have",
					d->name);
	for (i = 0; i < ARRAY_SIZE(inv_opts); i++)
		if ((inv & inv_opts[i].bit) && inv_opts[i].attr &&
		    !a->tb[inv_opts[i].attr])
			return xtfw_parse_error(a->ctx, inv_nla,
						"%s: \"!\" on %s, which is not given",
						d->name,
						attr_names[inv_opts[i].attr]);
	if (d->family >= 0)
		return xtfw_mt_need_family(a, d->family);
	return 0;
}

int xtfw_match_parse(struct net *net, struct xtfw_match *m,
		     const struct nlattr *nest,
		     const struct xtfw_ipmatch *ip,
		     const struct xtfw_parse_ctx *ctx)
{
	struct nlattr *tb[XTFW_MATCH_A_MAX + 1];
	struct xtfw_margs a = {
		.net = net, .tb = tb, .nest = nest, .ip = ip, .ctx = ctx,
	};
	const struct match_desc *d;
	u64 present;
	u32 type;
	int ret;

	memset(m, 0, sizeof(*m));
	/* validated with the rule, see xtfw_rule_create() */
	present = xtfw_nest_fill(tb, XTFW_MATCH_A_MAX, nest);
	if (!tb[XTFW_MATCH_A_TYPE])
		return xtfw_parse_error(ctx, nest, "match without a type");
	type = nla_get_u32(tb[XTFW_MATCH_A_TYPE]);
	if (type >= ARRAY_SIZE(descs) || !descs[type].parse)
		return xtfw_parse_error(ctx, tb[XTFW_MATCH_A_TYPE],
					"unknown match type");
	m->type = type;
	if (tb[XTFW_MATCH_A_INV])
		m->inv = nla_get_u32(tb[XTFW_MATCH_A_INV]);
	d = &descs[m->type];
	a.name = d->name;
	ret = check_attrs(d, m->inv, present, &a);
	if (ret)
		return ret;
	ret = d->parse(m, &a);
	if (ret)
		return ret;
	if (ctx->hook_mask) {
		ret = xtfw_match_check_hooks(m, ctx->hook_mask, ctx);
		if (ret)
			xtfw_match_destroy(m);
	}
	return ret;
}

void xtfw_match_destroy(struct xtfw_match *m)
{
	if (m->type == XTFW_MATCH_RECENT)
		xtfw_recent_destroy(m);
	xtfw_mt_state_free(m);
}

int xtfw_match_check_hooks(const struct xtfw_match *m, u32 hook_mask,
			   const struct xtfw_parse_ctx *ctx)
{
	const u32 owner_hooks = BIT(NF_INET_LOCAL_OUT) |
				BIT(NF_INET_POST_ROUTING);
	u32 bad;

	switch (m->type) {
	case XTFW_MATCH_OWNER:
		bad = hook_mask & ~owner_hooks;
		if (bad)
			return xtfw_parse_error(ctx, NULL,
						"owner is only valid in OUTPUT and POSTROUTING, not from %s",
						xtfw_hook_name(__ffs(bad)));
		return 0;
	case XTFW_MATCH_ADDRTYPE:
		return xtfw_addrtype_check_hooks(m, hook_mask, ctx);
	default:
		return 0;
	}
}

/*
 * conntrack, state and connmark: the options are checked, then refused,
 * until xtfw has connection tracking to answer them.
 */
static int parse_ct(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const u32 state_bits = XTFW_CTSTATE_INVALID | XTFW_CTSTATE_ESTABLISHED |
			       XTFW_CTSTATE_RELATED | XTFW_CTSTATE_NEW |
			       XTFW_CTSTATE_UNTRACKED;
	int ret;

	if (m->type == XTFW_MATCH_CONNMARK) {
		ret = parse_mark(m, a);
		if (ret)
			return ret;
	} else {
		if (!a->tb[XTFW_MATCH_A_CTSTATE])
			return xtfw_parse_error(a->ctx, a->nest,
						"%s needs --%s", a->name,
						m->type == XTFW_MATCH_STATE ?
						"state" : "ctstate");
		m->u.ctstate = nla_get_u32(a->tb[XTFW_MATCH_A_CTSTATE]);
		if (!m->u.ctstate)
			return xtfw_parse_error(a->ctx,
						a->tb[XTFW_MATCH_A_CTSTATE],
						"%s: no state given", a->name);
		if (m->type == XTFW_MATCH_STATE && (m->u.ctstate & ~state_bits))
			return xtfw_parse_error(a->ctx,
						a->tb[XTFW_MATCH_A_CTSTATE],
						"state: SNAT and DNAT need -m conntrack");
	}
	return 0;
}

static int parse_mark(struct xtfw_match *m, const struct xtfw_margs *a)
{
	if (!a->tb[XTFW_MATCH_A_MARK])
		return xtfw_parse_error(a->ctx, a->nest, "%s needs --mark",
					a->name);
	m->u.mark.mark = nla_get_u32(a->tb[XTFW_MATCH_A_MARK]);
	m->u.mark.mask = a->tb[XTFW_MATCH_A_MASK] ?
			 nla_get_u32(a->tb[XTFW_MATCH_A_MASK]) : ~0U;
	return 0;
}

static int parse_length(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_LEN];

	if (!nla)
		return xtfw_parse_error(a->ctx, a->nest,
					"length needs --length");
	nla_memcpy(&m->u.len, nla, sizeof(m->u.len));
	if (m->u.len.min > m->u.len.max)
		return xtfw_parse_error(a->ctx, nla,
					"--length %u:%u: first above the last",
					m->u.len.min, m->u.len.max);
	return 0;
}

static int parse_ttl(struct xtfw_match *m, const struct xtfw_margs *a)
{
	if (!a->tb[XTFW_MATCH_A_TTL_OP] || !a->tb[XTFW_MATCH_A_TTL])
		return xtfw_parse_error(a->ctx, a->nest,
					"%s needs a comparison and a value",
					a->name);
	m->u.ttl.op = nla_get_u8(a->tb[XTFW_MATCH_A_TTL_OP]);
	m->u.ttl.ttl = nla_get_u8(a->tb[XTFW_MATCH_A_TTL]);
	return 0;
}

static int parse_comment(struct xtfw_match *m, const struct xtfw_margs *a)
{
	/* The text stays in the rule's spec, for dumps; nothing to keep. */
	if (!a->tb[XTFW_MATCH_A_COMMENT])
		return xtfw_parse_error(a->ctx, a->nest,
					"comment needs --comment");
	return 0;
}

static int parse_pkttype(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_PKTTYPE];

	if (!nla)
		return xtfw_parse_error(a->ctx, a->nest,
					"pkttype needs --pkt-type");
	m->u.pkttype = nla_get_u8(nla);
	if (m->u.pkttype != PACKET_HOST && m->u.pkttype != PACKET_BROADCAST &&
	    m->u.pkttype != PACKET_MULTICAST)
		return xtfw_parse_error(a->ctx, nla,
					"--pkt-type must be unicast, broadcast or multicast");
	return 0;
}

static bool eval_length(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	u32 len;

	if (pkt->family == XTFW_FAMILY_IPV4)
		len = ntohs(ip_hdr(pkt->skb)->tot_len);
	else
		len = ntohs(ipv6_hdr(pkt->skb)->payload_len) +
		      sizeof(struct ipv6hdr);
	return (len >= m->u.len.min && len <= m->u.len.max) ^
	       !!(m->inv & XTFW_MINV_LEN);
}

static bool eval_ttl(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	u8 ttl;

	if (pkt->family == XTFW_FAMILY_IPV4)
		ttl = ip_hdr(pkt->skb)->ttl;
	else
		ttl = ipv6_hdr(pkt->skb)->hop_limit;
	switch (m->u.ttl.op) {
	case XTFW_TTL_EQ:
		return ttl == m->u.ttl.ttl;
	case XTFW_TTL_NE:
		return ttl != m->u.ttl.ttl;
	case XTFW_TTL_LT:
		return ttl < m->u.ttl.ttl;
	default:
		return ttl > m->u.ttl.ttl;
	}
}

/* As xt_pkttype: looped-back packets count as multicast or broadcast. */
static bool eval_pkttype(const struct xtfw_match *m,
			 const struct xtfw_pkt *pkt)
{
	const struct sk_buff *skb = pkt->skb;
	u8 type = skb->pkt_type;

	if (type == PACKET_LOOPBACK) {
		if (pkt->family == XTFW_FAMILY_IPV6 ||
		    ipv4_is_multicast(ip_hdr(skb)->daddr))
			type = PACKET_MULTICAST;
		else
			type = PACKET_BROADCAST;
	}
	return (type == m->u.pkttype) ^ !!(m->inv & XTFW_MINV_PKTTYPE);
}

static bool eval_mark(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	return ((pkt->skb->mark & m->u.mark.mask) == m->u.mark.mark) ^
	       !!(m->inv & XTFW_MINV_MARK);
}

bool xtfw_match_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	/* a dry run changes no state: these are taken to match */
	if (unlikely(pkt->explain) &&
	    (m->type == XTFW_MATCH_LIMIT || m->type == XTFW_MATCH_RECENT ||
	     m->type == XTFW_MATCH_STATISTIC))
		return true;
	switch (m->type) {
	case XTFW_MATCH_TCP:
	case XTFW_MATCH_UDP:
	case XTFW_MATCH_UDPLITE:
	case XTFW_MATCH_SCTP:
		return xtfw_l4_eval(m, pkt);
	case XTFW_MATCH_ICMP:
	case XTFW_MATCH_ICMPV6:
		return xtfw_icmp_eval(m, pkt);
	case XTFW_MATCH_MULTIPORT:
		return xtfw_multiport_eval(m, pkt);
	case XTFW_MATCH_MARK:
		return eval_mark(m, pkt);
	case XTFW_MATCH_LIMIT:
		return xtfw_limit_eval(m, pkt);
	case XTFW_MATCH_LENGTH:
		return eval_length(m, pkt);
	case XTFW_MATCH_TTL:
	case XTFW_MATCH_HL:
		return eval_ttl(m, pkt);
	case XTFW_MATCH_IPRANGE:
		return xtfw_iprange_eval(m, pkt);
	case XTFW_MATCH_COMMENT:
		return true;
	case XTFW_MATCH_ADDRTYPE:
		return xtfw_addrtype_eval(m, pkt);
	case XTFW_MATCH_RECENT:
		return xtfw_recent_eval(m, pkt);
	case XTFW_MATCH_OWNER:
		return xtfw_owner_eval(m, pkt);
	case XTFW_MATCH_STATISTIC:
		return xtfw_statistic_eval(m, pkt);
	case XTFW_MATCH_PKTTYPE:
		return eval_pkttype(m, pkt);
	case XTFW_MATCH_RT:
		return xtfw_rt_eval(m, pkt);
	case XTFW_MATCH_FRAG:
		return xtfw_frag_eval(m, pkt);
	case XTFW_MATCH_CONNTRACK:
	case XTFW_MATCH_STATE:
		return !!(xtfw_ct_state(pkt) & m->u.ctstate) ^
		       !!(m->inv & XTFW_MINV_CTSTATE);
	case XTFW_MATCH_CONNMARK:
		return ((xtfw_ct_mark_get(pkt) & m->u.mark.mask) ==
			m->u.mark.mark) ^ !!(m->inv & XTFW_MINV_MARK);
	default:
		return false;
	}
}

int xtfw_match_net_init(struct xtfw_net *xn)
{
	return xtfw_recent_net_init(xn);
}

void xtfw_match_net_exit(struct xtfw_net *xn)
{
	xtfw_recent_net_exit(xn);
}
