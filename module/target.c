// SPDX-License-Identifier: GPL-2.0
/*
 * Targets: what a matching rule does. The verdicts (ACCEPT, DROP, RETURN,
 * jumps) are carried out by the evaluator; this file parses every target,
 * checks the tables and hooks it may run from, and runs the ones that act
 * on the packet. REJECT and LOG have files of their own.
 *
 * The NAT targets are carried out by nat.c.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "target.h"
#include "ct.h"

#define A(x)		BIT(XTFW_TARGET_A_##x)
#define HOOK(h)		BIT(NF_INET_##h)
#define NAT_ATTRS	(A(NAT_RANGE) | A(NAT_FLAGS))
#define ANY_TABLE	(-1)

typedef int (*parse_fn)(struct xtfw_target *t, const struct xtfw_targs *a);

struct target_desc {
	const char *name;
	u32 attrs;		/* attributes the type takes */
	s8 family;		/* XTFW_FAMILY_*, or -1 for both */
	s8 table;		/* XTFW_TABLE_*, or ANY_TABLE */
	u32 hooks;		/* hooks it may run from; 0 = any */
	parse_fn parse;
};

static int parse_jump(struct xtfw_target *t, const struct xtfw_targs *a);
static int parse_mark(struct xtfw_target *t, const struct xtfw_targs *a);
static int parse_connmark(struct xtfw_target *t, const struct xtfw_targs *a);
static int parse_ttl(struct xtfw_target *t, const struct xtfw_targs *a);
static int parse_nat(struct xtfw_target *t, const struct xtfw_targs *a);

static const struct target_desc descs[__XTFW_TARGET_TYPE_MAX] = {
	[XTFW_TARGET_NONE] = { "no target", 0, -1, ANY_TABLE },
	[XTFW_TARGET_ACCEPT] = { "ACCEPT", 0, -1, ANY_TABLE },
	[XTFW_TARGET_DROP] = { "DROP", 0, -1, ANY_TABLE },
	[XTFW_TARGET_RETURN] = { "RETURN", 0, -1, ANY_TABLE },
	[XTFW_TARGET_JUMP] = { "-j CHAIN", A(CHAIN), -1, ANY_TABLE, 0,
		parse_jump },
	[XTFW_TARGET_GOTO] = { "-g CHAIN", A(CHAIN), -1, ANY_TABLE, 0,
		parse_jump },
	[XTFW_TARGET_REJECT] = { "REJECT", A(REJECT_WITH), -1,
		XTFW_TABLE_FILTER, HOOK(LOCAL_IN) | HOOK(FORWARD) |
		HOOK(LOCAL_OUT), xtfw_reject_parse },
	[XTFW_TARGET_LOG] = { "LOG", A(LOG_PREFIX) | A(LOG_LEVEL) |
		A(LOG_FLAGS), -1, ANY_TABLE, 0, xtfw_log_parse },
	[XTFW_TARGET_MARK] = { "MARK", A(MARK) | A(MASK), -1, ANY_TABLE, 0,
		parse_mark },
	[XTFW_TARGET_CONNMARK] = { "CONNMARK", A(CONNMARK_OP) | A(MARK) |
		A(MASK) | A(CTMASK) | A(NFMASK), -1, ANY_TABLE, 0,
		parse_connmark },
	[XTFW_TARGET_NOTRACK] = { "NOTRACK", 0, -1, XTFW_TABLE_RAW },
	[XTFW_TARGET_TTL] = { "TTL", A(TTL_OP) | A(TTL), XTFW_FAMILY_IPV4,
		XTFW_TABLE_MANGLE, 0, parse_ttl },
	[XTFW_TARGET_HL] = { "HL", A(TTL_OP) | A(TTL), XTFW_FAMILY_IPV6,
		XTFW_TABLE_MANGLE, 0, parse_ttl },
	[XTFW_TARGET_SNAT] = { "SNAT", NAT_ATTRS, -1, XTFW_TABLE_NAT,
		HOOK(POST_ROUTING) | HOOK(LOCAL_IN), parse_nat },
	[XTFW_TARGET_DNAT] = { "DNAT", NAT_ATTRS, -1, XTFW_TABLE_NAT,
		HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), parse_nat },
	[XTFW_TARGET_MASQUERADE] = { "MASQUERADE", NAT_ATTRS, -1,
		XTFW_TABLE_NAT, HOOK(POST_ROUTING), parse_nat },
	[XTFW_TARGET_REDIRECT] = { "REDIRECT", NAT_ATTRS, -1, XTFW_TABLE_NAT,
		HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), parse_nat },
	[XTFW_TARGET_NETMAP] = { "NETMAP", NAT_ATTRS, -1, XTFW_TABLE_NAT, 0,
		parse_nat },
	[XTFW_TARGET_TRACE] = { "TRACE", 0, -1, XTFW_TABLE_RAW },
};

static const char * const attr_names[XTFW_TARGET_A_MAX + 1] = {
	[XTFW_TARGET_A_CHAIN]		= "a chain",
	[XTFW_TARGET_A_REJECT_WITH]	= "--reject-with",
	[XTFW_TARGET_A_LOG_PREFIX]	= "--log-prefix",
	[XTFW_TARGET_A_LOG_LEVEL]	= "--log-level",
	[XTFW_TARGET_A_LOG_FLAGS]	= "--log-tcp-sequence/-options/...",
	[XTFW_TARGET_A_MARK]		= "a mark",
	[XTFW_TARGET_A_MASK]		= "a mask",
	[XTFW_TARGET_A_CONNMARK_OP]	= "a CONNMARK operation",
	[XTFW_TARGET_A_CTMASK]		= "--ctmask",
	[XTFW_TARGET_A_NFMASK]		= "--nfmask",
	[XTFW_TARGET_A_TTL_OP]		= "--ttl-set/-dec/-inc",
	[XTFW_TARGET_A_TTL]		= "a ttl value",
	[XTFW_TARGET_A_NAT_RANGE]	= "an address or port range",
	[XTFW_TARGET_A_NAT_FLAGS]	= "NAT flags",
};

static const u8 port_protos[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP, IPPROTO_DCCP,
};

/* Does the rule header say "-p P" (not negated) for one of protos? */
bool xtfw_tg_has_proto(const struct xtfw_ipmatch *ip, const u8 *protos,
		       unsigned int n)
{
	unsigned int i;

	if (!(ip->flags & XTFW_IPM_F_PROTO) || (ip->inv & XTFW_INV_PROTO))
		return false;
	for (i = 0; i < n; i++)
		if (ip->proto == protos[i])
			return true;
	return false;
}

static int parse_jump(struct xtfw_target *t, const struct xtfw_targs *a)
{
	const struct nlattr *nla = a->tb[XTFW_TARGET_A_CHAIN];

	if (!nla || !nla_len(nla) || !*(const char *)nla_data(nla))
		return xtfw_parse_error(a->ctx, a->nest,
					"a jump or goto needs a chain name");
	nla_strscpy(t->u.jump.name, nla, sizeof(t->u.jump.name));
	return 0;
}

/* set-xmark: mark = (mark & ~MASK) ^ MARK; no mask means all bits. */
static int parse_mark(struct xtfw_target *t, const struct xtfw_targs *a)
{
	if (!a->tb[XTFW_TARGET_A_MARK])
		return xtfw_parse_error(a->ctx, a->nest,
					"MARK needs --set-mark or --set-xmark");
	t->u.mark.mark = nla_get_u32(a->tb[XTFW_TARGET_A_MARK]);
	t->u.mark.mask = a->tb[XTFW_TARGET_A_MASK] ?
			 nla_get_u32(a->tb[XTFW_TARGET_A_MASK]) : ~0U;
	return 0;
}

static int parse_connmark(struct xtfw_target *t, const struct xtfw_targs *a)
{
	struct nlattr **tb = a->tb;
	int ret;

	if (!tb[XTFW_TARGET_A_CONNMARK_OP])
		return xtfw_parse_error(a->ctx, a->nest,
					"CONNMARK needs --set-xmark, --save-mark or --restore-mark");
	t->u.connmark.op = nla_get_u8(tb[XTFW_TARGET_A_CONNMARK_OP]);
	if (t->u.connmark.op == XTFW_CONNMARK_SET) {
		if (tb[XTFW_TARGET_A_CTMASK] || tb[XTFW_TARGET_A_NFMASK])
			return xtfw_parse_error(a->ctx, tb[XTFW_TARGET_A_CTMASK] ?:
						tb[XTFW_TARGET_A_NFMASK],
						"CONNMARK: --ctmask and --nfmask go with --save-mark and --restore-mark");
		u32 mark, mask;

		ret = parse_mark(t, a);
		if (ret)
			return ret;
		/* u.mark and u.connmark share memory */
		mark = t->u.mark.mark;
		mask = t->u.mark.mask;
		t->u.connmark.op = XTFW_CONNMARK_SET;
		t->u.connmark.mark = mark;
		t->u.connmark.mask = mask;
	} else {
		if (tb[XTFW_TARGET_A_MARK] || tb[XTFW_TARGET_A_MASK])
			return xtfw_parse_error(a->ctx, tb[XTFW_TARGET_A_MARK] ?:
						tb[XTFW_TARGET_A_MASK],
						"CONNMARK: a mark and mask go with --set-xmark; --save-mark and --restore-mark take --ctmask and --nfmask");
		t->u.connmark.ctmask = tb[XTFW_TARGET_A_CTMASK] ?
				nla_get_u32(tb[XTFW_TARGET_A_CTMASK]) : ~0U;
		t->u.connmark.nfmask = tb[XTFW_TARGET_A_NFMASK] ?
				nla_get_u32(tb[XTFW_TARGET_A_NFMASK]) : ~0U;
	}
	return 0;
}

static int parse_ttl(struct xtfw_target *t, const struct xtfw_targs *a)
{
	const char *field = t->type == XTFW_TARGET_TTL ? "ttl" : "hl";

	if (!a->tb[XTFW_TARGET_A_TTL_OP] || !a->tb[XTFW_TARGET_A_TTL])
		return xtfw_parse_error(a->ctx, a->nest,
					"%s needs --%s-set, --%s-dec or --%s-inc",
					a->name, field, field, field);
	t->u.ttl.op = nla_get_u8(a->tb[XTFW_TARGET_A_TTL_OP]);
	t->u.ttl.ttl = nla_get_u8(a->tb[XTFW_TARGET_A_TTL]);
	if (t->u.ttl.op != XTFW_TTL_SET && !t->u.ttl.ttl)
		return xtfw_parse_error(a->ctx, a->tb[XTFW_TARGET_A_TTL],
					"%s: increment or decrement by 0",
					a->name);
	return 0;
}

/* NETMAP's range is a prefix: first and last differ in the low bits only. */
static bool range_is_prefix(const struct xtfw_nat_range *r, int words)
{
	bool host = true;
	int i;

	for (i = words - 1; i >= 0; i--) {
		u32 lo = ntohl(r->min_addr.ip6[i]);
		u32 bits = lo ^ ntohl(r->max_addr.ip6[i]);

		if ((!host && bits) || (bits & (bits + 1)) || (lo & bits))
			return false;
		host = bits == U32_MAX;
	}
	return true;
}

static int nat_addrs(const struct xtfw_target *t, const struct xtfw_targs *a)
{
	const struct xtfw_nat_range *r = &t->u.nat.range;
	const struct nlattr *nla = a->tb[XTFW_TARGET_A_NAT_RANGE];
	bool v4 = a->ctx->family == XTFW_FAMILY_IPV4;

	if (v4 && ((r->min_addr.ip6[1] | r->min_addr.ip6[2] |
		    r->min_addr.ip6[3] | r->max_addr.ip6[1] |
		    r->max_addr.ip6[2] | r->max_addr.ip6[3])))
		return xtfw_parse_error(a->ctx, nla,
					"%s: IPv4 address with bytes past the fourth",
					a->name);
	if (memcmp(&r->min_addr, &r->max_addr, sizeof(r->min_addr)) > 0)
		return xtfw_parse_error(a->ctx, nla,
					"%s: first address above the last",
					a->name);
	if (t->type == XTFW_TARGET_NETMAP && !range_is_prefix(r, v4 ? 1 : 4))
		return xtfw_parse_error(a->ctx, nla,
					"NETMAP: the range is not an address/prefix");
	return 0;
}

static int nat_ports(const struct xtfw_target *t, const struct xtfw_targs *a)
{
	const struct xtfw_nat_range *r = &t->u.nat.range;
	const struct nlattr *nla = a->tb[XTFW_TARGET_A_NAT_RANGE];

	if (!r->min_port || r->min_port > r->max_port)
		return xtfw_parse_error(a->ctx, nla,
					"%s: bad port range %u-%u", a->name,
					r->min_port, r->max_port);
	if (!xtfw_tg_has_proto(a->ip, port_protos, ARRAY_SIZE(port_protos)))
		return xtfw_parse_error(a->ctx, nla,
					"%s: ports need -p tcp, udp, udplite, sctp or dccp",
					a->name);
	return 0;
}

/* Which flags each NAT target takes, as the iptables extensions. */
static u32 nat_flags_allowed(u8 type)
{
	switch (type) {
	case XTFW_TARGET_SNAT:
		return XTFW_NAT_F_ALL;
	case XTFW_TARGET_DNAT:
		return XTFW_NAT_F_ALL & ~XTFW_NAT_F_RANDOM_FULLY;
	case XTFW_TARGET_MASQUERADE:
		return XTFW_NAT_F_PROTO | XTFW_NAT_F_RANDOM |
		       XTFW_NAT_F_RANDOM_FULLY;
	case XTFW_TARGET_REDIRECT:
		return XTFW_NAT_F_PROTO | XTFW_NAT_F_RANDOM;
	default:
		return XTFW_NAT_F_MAP_IPS;
	}
}

static int parse_nat(struct xtfw_target *t, const struct xtfw_targs *a)
{
	const struct nlattr *range = a->tb[XTFW_TARGET_A_NAT_RANGE];
	const struct nlattr *flags = a->tb[XTFW_TARGET_A_NAT_FLAGS];
	const u32 given = XTFW_NAT_F_MAP_IPS | XTFW_NAT_F_PROTO;
	bool needs_range = t->type == XTFW_TARGET_SNAT ||
			   t->type == XTFW_TARGET_DNAT ||
			   t->type == XTFW_TARGET_NETMAP;
	int ret = 0;

	if (flags)
		t->u.nat.flags = nla_get_u32(flags);
	if (t->u.nat.flags & ~nat_flags_allowed(t->type))
		return xtfw_parse_error(a->ctx, flags,
					"%s does not take some of the options given",
					a->name);
	if (!range != !(t->u.nat.flags & given))
		return xtfw_parse_error(a->ctx, range ?: flags,
					"%s: the range must say whether it holds addresses, ports or both",
					a->name);
	if (!range && needs_range)
		return xtfw_parse_error(a->ctx, a->nest,
					"%s needs an address to map to", a->name);
	if (t->type == XTFW_TARGET_NETMAP && !(t->u.nat.flags & given))
		return xtfw_parse_error(a->ctx, a->nest,
					"NETMAP needs --to address/prefix");
	if (range)
		nla_memcpy(&t->u.nat.range, range, sizeof(t->u.nat.range));
	if (t->u.nat.flags & XTFW_NAT_F_MAP_IPS)
		ret = nat_addrs(t, a);
	if (!ret && (t->u.nat.flags & XTFW_NAT_F_PROTO))
		ret = nat_ports(t, a);
	return ret;
}

static_assert(XTFW_TARGET_A_MAX < 32, "a target's attributes fit a u32");

static int check_attrs(const struct target_desc *d, u64 present,
		       const struct xtfw_targs *a)
{
	u64 extra = present & ~((u64)d->attrs | BIT_ULL(XTFW_TARGET_A_TYPE));
	unsigned int i;

	if (extra) {
		i = __ffs64(extra);
		return xtfw_parse_error(a->ctx, a->tb[i],
					"%s does not take %s",
					d->name, attr_names[i]);
	}
	if (d->family >= 0 && d->family != a->ctx->family)
		return xtfw_parse_error(a->ctx, a->nest,
					"%s is for %s rules only", d->name,
					d->family == XTFW_FAMILY_IPV4 ?
					"IPv4" : "IPv6");
	return 0;
}

int xtfw_target_parse(struct xtfw_target *t, const struct nlattr *nest,
		      const struct xtfw_ipmatch *ip,
		      const struct xtfw_parse_ctx *ctx)
{
	struct nlattr *tb[XTFW_TARGET_A_MAX + 1];
	struct xtfw_targs a = { .tb = tb, .nest = nest, .ip = ip, .ctx = ctx };
	const struct target_desc *d;
	u64 present;
	u32 type;
	int ret;

	memset(t, 0, sizeof(*t));
	/* validated with the rule, see xtfw_rule_create() */
	present = xtfw_nest_fill(tb, XTFW_TARGET_A_MAX, nest);
	if (!tb[XTFW_TARGET_A_TYPE])
		return xtfw_parse_error(ctx, nest, "target without a type");
	type = nla_get_u32(tb[XTFW_TARGET_A_TYPE]);
	if (type >= ARRAY_SIZE(descs) || !descs[type].name)
		return xtfw_parse_error(ctx, tb[XTFW_TARGET_A_TYPE],
					"unknown target type");
	t->type = type;
	d = &descs[t->type];
	a.name = d->name;
	ret = check_attrs(d, present, &a);
	if (!ret && d->parse)
		ret = d->parse(t, &a);
	if (ret) {
		/* A parser that fails leaves nothing to undo. */
		t->type = XTFW_TARGET_NONE;
		return ret;
	}
	ret = xtfw_target_check_hooks(t, ctx->hook_mask, ctx);
	if (ret)
		xtfw_target_destroy(t);
	return ret;
}

void xtfw_target_destroy(struct xtfw_target *t)
{
	if (t->type == XTFW_TARGET_LOG)
		xtfw_log_destroy(t);
	t->type = XTFW_TARGET_NONE;
}

int xtfw_target_check_hooks(const struct xtfw_target *t, u32 hook_mask,
			    const struct xtfw_parse_ctx *ctx)
{
	const struct target_desc *d = &descs[t->type];
	u32 bad = d->hooks ? hook_mask & ~d->hooks : 0;

	if (d->table != ANY_TABLE && d->table != ctx->table)
		return xtfw_parse_error(ctx, NULL,
					"%s is only valid in the %s table",
					d->name, xtfw_table_name(d->table));
	if (bad)
		return xtfw_parse_error(ctx, NULL,
					"%s is not valid in a chain reached from %s",
					d->name, xtfw_hook_name(__ffs(bad)));
	return 0;
}

/* TTL and HL, as xt_HL: saturate at 0 and 255, fix the IPv4 checksum. */
static u8 ttl_new(const struct xtfw_target *t, u8 old)
{
	switch (t->u.ttl.op) {
	case XTFW_TTL_SET:
		return t->u.ttl.ttl;
	case XTFW_TTL_INC:
		return min_t(unsigned int, old + t->u.ttl.ttl, U8_MAX);
	default:
		return old > t->u.ttl.ttl ? old - t->u.ttl.ttl : 0;
	}
}

static int eval_ttl(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	struct sk_buff *skb = pkt->skb;
	struct ipv6hdr *ip6h;
	struct iphdr *iph;
	u8 ttl;

	if (t->type == XTFW_TARGET_TTL) {
		if (skb_ensure_writable(skb, sizeof(*iph)))
			return NF_DROP;
		iph = ip_hdr(skb);
		ttl = ttl_new(t, iph->ttl);
		if (ttl != iph->ttl) {
			csum_replace2(&iph->check, htons(iph->ttl << 8),
				      htons(ttl << 8));
			iph->ttl = ttl;
		}
	} else {
		if (skb_ensure_writable(skb, sizeof(*ip6h)))
			return NF_DROP;
		ip6h = ipv6_hdr(skb);
		ip6h->hop_limit = ttl_new(t, ip6h->hop_limit);
	}
	return XTFW_CONTINUE;
}

static int eval_connmark(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	const typeof(t->u.connmark) *cm = &t->u.connmark;
	u32 ctmark = xtfw_ct_mark_get(pkt);

	switch (cm->op) {
	case XTFW_CONNMARK_SET:
		xtfw_ct_mark_set(pkt, (ctmark & ~cm->mask) ^ cm->mark);
		break;
	case XTFW_CONNMARK_SAVE:
		xtfw_ct_mark_set(pkt, (ctmark & ~cm->ctmask) ^
				 (pkt->skb->mark & cm->nfmask));
		break;
	case XTFW_CONNMARK_RESTORE:
		if (xtfw_ct_has_conn(pkt))
			pkt->skb->mark = (pkt->skb->mark & ~cm->nfmask) ^
					 (ctmark & cm->ctmask);
		break;
	}
	return XTFW_CONTINUE;
}

int xtfw_target_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	switch (t->type) {
	case XTFW_TARGET_REJECT:
		return xtfw_reject_eval(t, pkt);
	case XTFW_TARGET_LOG:
		return xtfw_log_eval(t, pkt);
	case XTFW_TARGET_MARK:
		pkt->skb->mark = (pkt->skb->mark & ~t->u.mark.mask) ^
				 t->u.mark.mark;
		return XTFW_CONTINUE;
	case XTFW_TARGET_TTL:
	case XTFW_TARGET_HL:
		return eval_ttl(t, pkt);
	case XTFW_TARGET_NOTRACK:
		return xtfw_ct_notrack(pkt) ? XTFW_CONTINUE : NF_DROP;
	case XTFW_TARGET_CONNMARK:
		return eval_connmark(t, pkt);
	case XTFW_TARGET_SNAT:
	case XTFW_TARGET_DNAT:
	case XTFW_TARGET_MASQUERADE:
	case XTFW_TARGET_REDIRECT:
	case XTFW_TARGET_NETMAP:
		return xtfw_nat_target(t, pkt);
	case XTFW_TARGET_TRACE:
		xtfw_skb_set_trace(pkt->skb);
		return XTFW_CONTINUE;
	default:
		return XTFW_CONTINUE;
	}
}
