// SPDX-License-Identifier: GPL-2.0
/*
 * Matches on who the packet is from or to: iprange (address ranges),
 * addrtype (what the routing tables say an address is) and owner (the
 * local socket that sent it).
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/inetdevice.h>
#include <linux/ipv6_route.h>
#include <linux/netfilter_ipv6.h>
#include <linux/user_namespace.h>
#include <net/ip6_route.h>
#include <net/route.h>
#include <net/sock.h>

#include "match.h"

int xtfw_iprange_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	int ret = 0;

	if (!a->tb[XTFW_MATCH_A_SRC_RANGE] && !a->tb[XTFW_MATCH_A_DST_RANGE])
		return xtfw_parse_error(a->ctx, a->nest,
					"iprange needs --src-range or --dst-range");
	if (a->tb[XTFW_MATCH_A_SRC_RANGE]) {
		ret = xtfw_mt_addr_range(a, XTFW_MATCH_A_SRC_RANGE,
					 &m->u.iprange.src);
		m->u.iprange.has_src = true;
	}
	if (!ret && a->tb[XTFW_MATCH_A_DST_RANGE]) {
		ret = xtfw_mt_addr_range(a, XTFW_MATCH_A_DST_RANGE,
					 &m->u.iprange.dst);
		m->u.iprange.has_dst = true;
	}
	return ret;
}

/* Addresses in network order compare as big-endian numbers. */
static bool addr_in(const struct xtfw_addr_range *r, const void *addr,
		    size_t len)
{
	return memcmp(addr, r->min.bytes, len) >= 0 &&
	       memcmp(addr, r->max.bytes, len) <= 0;
}

bool xtfw_iprange_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	const void *saddr, *daddr;
	size_t len;

	if (pkt->family == XTFW_FAMILY_IPV4) {
		saddr = &ip_hdr(pkt->skb)->saddr;
		daddr = &ip_hdr(pkt->skb)->daddr;
		len = sizeof(__be32);
	} else {
		saddr = &ipv6_hdr(pkt->skb)->saddr;
		daddr = &ipv6_hdr(pkt->skb)->daddr;
		len = sizeof(struct in6_addr);
	}
	if (m->u.iprange.has_src &&
	    addr_in(&m->u.iprange.src, saddr, len) ==
	    !!(m->inv & XTFW_MINV_SRC_RANGE))
		return false;
	if (m->u.iprange.has_dst &&
	    addr_in(&m->u.iprange.dst, daddr, len) ==
	    !!(m->inv & XTFW_MINV_DST_RANGE))
		return false;
	return true;
}

/* IPv6 routes know only some of the types (as xt_addrtype). */
static int addrtype_check_ipv6(const struct xtfw_margs *a, u16 types)
{
	const char *what = NULL;

	if (types & XTFW_ADDRTYPE_BLACKHOLE)
		what = "BLACKHOLE";
	else if (types & XTFW_ADDRTYPE_BROADCAST)
		what = "BROADCAST";
	else if (types >= XTFW_ADDRTYPE_PROHIBIT)
		what = "PROHIBIT, THROW, NAT or XRESOLVE";
	if (!what)
		return 0;
	return xtfw_parse_error(a->ctx, a->nest,
				"addrtype: IPv6 does not support %s matching",
				what);
}

int xtfw_addrtype_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	struct nlattr **tb = a->tb;
	u32 flags = 0;

	if (!tb[XTFW_MATCH_A_SRC_TYPE] && !tb[XTFW_MATCH_A_DST_TYPE])
		return xtfw_parse_error(a->ctx, a->nest,
					"addrtype needs --src-type or --dst-type");
	if (tb[XTFW_MATCH_A_SRC_TYPE])
		m->u.addrtype.src = nla_get_u16(tb[XTFW_MATCH_A_SRC_TYPE]);
	if (tb[XTFW_MATCH_A_DST_TYPE])
		m->u.addrtype.dst = nla_get_u16(tb[XTFW_MATCH_A_DST_TYPE]);
	if (tb[XTFW_MATCH_A_ADDRTYPE_FLAGS])
		flags = nla_get_u32(tb[XTFW_MATCH_A_ADDRTYPE_FLAGS]);
	if ((flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN) &&
	    (flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT))
		return xtfw_parse_error(a->ctx,
					tb[XTFW_MATCH_A_ADDRTYPE_FLAGS],
					"addrtype: --limit-iface-in and --limit-iface-out exclude each other");
	m->u.addrtype.flags = flags;
	if (a->ctx->family == XTFW_FAMILY_IPV6)
		return addrtype_check_ipv6(a, m->u.addrtype.src |
					   m->u.addrtype.dst);
	return 0;
}

int xtfw_addrtype_check_hooks(const struct xtfw_match *m, u32 hook_mask,
			      const struct xtfw_parse_ctx *ctx)
{
	const u32 in_hooks = BIT(NF_INET_PRE_ROUTING) | BIT(NF_INET_LOCAL_IN);
	const u32 out_hooks = BIT(NF_INET_POST_ROUTING) |
			      BIT(NF_INET_LOCAL_OUT);

	if ((m->u.addrtype.flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT) &&
	    (hook_mask & in_hooks))
		return xtfw_parse_error(ctx, NULL,
					"addrtype: --limit-iface-out is not valid from %s",
					xtfw_hook_name(__ffs(hook_mask & in_hooks)));
	if ((m->u.addrtype.flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN) &&
	    (hook_mask & out_hooks))
		return xtfw_parse_error(ctx, NULL,
					"addrtype: --limit-iface-in is not valid from %s",
					xtfw_hook_name(__ffs(hook_mask & out_hooks)));
	return 0;
}

static bool type4_match(struct net *net, const struct net_device *dev,
			__be32 addr, u16 types)
{
	return types & BIT(inet_dev_addr_type(net, dev, addr));
}

/* The route lookup part of xt_addrtype's IPv6 path. */
static u16 type6_lookup(struct net *net, const struct net_device *dev,
			const struct in6_addr *addr, u16 types)
{
	struct flowi6 fl = { .daddr = *addr };
	struct dst_entry *dst;
	struct rt6_info *rt;
	u16 ret = 0;

	if (dev)
		fl.flowi6_oif = dev->ifindex;
	if (dev && (types & XTFW_ADDRTYPE_LOCAL) &&
	    nf_ipv6_chk_addr(net, addr, dev, true))
		ret = XTFW_ADDRTYPE_LOCAL;
	if (nf_ip6_route(net, &dst, flowi6_to_flowi(&fl), false))
		return XTFW_ADDRTYPE_UNREACHABLE;
	rt = container_of(dst, struct rt6_info, dst);
	if (rt->rt6i_flags & RTF_REJECT)
		ret = XTFW_ADDRTYPE_UNREACHABLE;
	if (!dev && (rt->rt6i_flags & RTF_LOCAL))
		ret |= XTFW_ADDRTYPE_LOCAL;
	if (ipv6_anycast_destination(dst, addr))
		ret |= XTFW_ADDRTYPE_ANYCAST;
	dst_release(dst);
	return ret;
}

static bool type6_match(struct net *net, const struct net_device *dev,
			const struct in6_addr *addr, u16 types)
{
	int kind = ipv6_addr_type(addr);

	if ((types & XTFW_ADDRTYPE_MULTICAST) && !(kind & IPV6_ADDR_MULTICAST))
		return false;
	if ((types & XTFW_ADDRTYPE_UNICAST) && !(kind & IPV6_ADDR_UNICAST))
		return false;
	if ((types & XTFW_ADDRTYPE_UNSPEC) && kind != IPV6_ADDR_ANY)
		return false;
	if (types & (XTFW_ADDRTYPE_LOCAL | XTFW_ADDRTYPE_ANYCAST |
		     XTFW_ADDRTYPE_UNREACHABLE))
		return types & type6_lookup(net, dev, addr, types);
	return true;
}

static bool type_match(const struct xtfw_pkt *pkt,
		       const struct net_device *dev, bool dst, u16 types)
{
	struct net *net = pkt->state->net;

	if (pkt->family == XTFW_FAMILY_IPV4) {
		const struct iphdr *iph = ip_hdr(pkt->skb);

		return type4_match(net, dev, dst ? iph->daddr : iph->saddr,
				   types);
	}
	return type6_match(net, dev, dst ? &ipv6_hdr(pkt->skb)->daddr :
				  &ipv6_hdr(pkt->skb)->saddr, types);
}

bool xtfw_addrtype_eval(const struct xtfw_match *m,
			const struct xtfw_pkt *pkt)
{
	const struct net_device *dev = NULL;

	if (m->u.addrtype.flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN)
		dev = pkt->state->in;
	else if (m->u.addrtype.flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT)
		dev = pkt->state->out;
	if (m->u.addrtype.src &&
	    type_match(pkt, dev, false, m->u.addrtype.src) ==
	    !!(m->inv & XTFW_MINV_SRC_TYPE))
		return false;
	if (m->u.addrtype.dst &&
	    type_match(pkt, dev, true, m->u.addrtype.dst) ==
	    !!(m->inv & XTFW_MINV_DST_TYPE))
		return false;
	return true;
}

static int owner_range(const struct xtfw_margs *a, int attr,
		       struct xtfw_u32_range *r)
{
	const struct nlattr *nla = a->tb[attr];
	struct user_namespace *ns = a->net->user_ns;
	bool uid = attr == XTFW_MATCH_A_UID;
	bool valid;

	nla_memcpy(r, nla, sizeof(*r));
	if (r->min > r->max)
		return xtfw_parse_error(a->ctx, nla,
					"owner: %s %u-%u runs backwards",
					uid ? "--uid-owner" : "--gid-owner",
					r->min, r->max);
	if (uid)
		valid = uid_valid(make_kuid(ns, r->min)) &&
			uid_valid(make_kuid(ns, r->max));
	else
		valid = gid_valid(make_kgid(ns, r->min)) &&
			gid_valid(make_kgid(ns, r->max));
	if (!valid)
		return xtfw_parse_error(a->ctx, nla,
					"owner: %s %u-%u is not mapped in this namespace",
					uid ? "--uid-owner" : "--gid-owner",
					r->min, r->max);
	return 0;
}

int xtfw_owner_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	struct user_namespace *ns = a->net->user_ns;
	struct xtfw_u32_range r;
	int ret;

	if (!a->tb[XTFW_MATCH_A_UID] && !a->tb[XTFW_MATCH_A_GID])
		return xtfw_parse_error(a->ctx, a->nest,
					"owner needs --uid-owner or --gid-owner");
	/* As xt_owner: ids are read in the user namespace of the netns. */
	if (current_user_ns() != ns)
		return xtfw_parse_error(a->ctx, a->nest,
					"owner: rules must come from the user namespace that owns the network namespace");
	if (a->tb[XTFW_MATCH_A_UID]) {
		ret = owner_range(a, XTFW_MATCH_A_UID, &r);
		if (ret)
			return ret;
		m->u.owner.uid_min = make_kuid(ns, r.min);
		m->u.owner.uid_max = make_kuid(ns, r.max);
		m->u.owner.has_uid = true;
	}
	if (a->tb[XTFW_MATCH_A_GID]) {
		ret = owner_range(a, XTFW_MATCH_A_GID, &r);
		if (ret)
			return ret;
		m->u.owner.gid_min = make_kgid(ns, r.min);
		m->u.owner.gid_max = make_kgid(ns, r.max);
		m->u.owner.has_gid = true;
	}
	return 0;
}

/* Without a socket (or its file) only negated options hold, as xt_owner. */
static bool owner_no_socket(const struct xtfw_match *m)
{
	return !(m->u.owner.has_uid && !(m->inv & XTFW_MINV_UID)) &&
	       !(m->u.owner.has_gid && !(m->inv & XTFW_MINV_GID));
}

static bool owner_cred_match(const struct xtfw_match *m,
			     const struct cred *cred)
{
	bool in;

	if (m->u.owner.has_uid) {
		in = uid_gte(cred->fsuid, m->u.owner.uid_min) &&
		     uid_lte(cred->fsuid, m->u.owner.uid_max);
		if (in == !!(m->inv & XTFW_MINV_UID))
			return false;
	}
	if (m->u.owner.has_gid) {
		in = gid_gte(cred->fsgid, m->u.owner.gid_min) &&
		     gid_lte(cred->fsgid, m->u.owner.gid_max);
		if (in == !!(m->inv & XTFW_MINV_GID))
			return false;
	}
	return true;
}

bool xtfw_owner_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	struct sock *sk = skb_to_full_sk(pkt->skb);
	const struct file *filp;
	bool ret;

	if (!sk || !sk_fullsock(sk) || !net_eq(pkt->state->net, sock_net(sk)))
		return owner_no_socket(m);
	/* sock_orphan() clears sk_socket under this lock. */
	read_lock_bh(&sk->sk_callback_lock);
	filp = sk->sk_socket ? sk->sk_socket->file : NULL;
	if (filp)
		ret = owner_cred_match(m, filp->f_cred);
	else
		ret = owner_no_socket(m);
	read_unlock_bh(&sk->sk_callback_lock);
	return ret;
}
