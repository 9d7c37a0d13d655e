// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: NAT on xtfw's conntrack
 *
 * A connection's NAT is decided by its first packet, one half at each of
 * the nat table's hooks: the destination at PREROUTING or OUTPUT (-100),
 * the source at POSTROUTING or INPUT (100). The nat table's rules run only
 * then; a rule's SNAT, DNAT, MASQUERADE, REDIRECT or NETMAP target, or no
 * target at all (a "null binding"), gives the connection its reply tuple:
 * the inverse of the original tuple as it will leave the host. The entry
 * keeps nothing else: every later packet, in either direction, is
 * rewritten at the same two hooks from the two tuples, as nf_nat does.
 *
 *   original:  c:p -> v:q      DNAT to d:r, SNAT to s:t
 *   reply:     d:r -> s:t
 *
 * A packet of the original direction gets the destination of the inverted
 * reply tuple at the DNAT hook and its source at the SNAT hook; a reply
 * gets the destination of the inverted original tuple at the first hook
 * and its source at the second. ICMP ids count as source ports, so only
 * SNAT changes them.
 *
 * Reply tuples are unique: a source port (ICMP id) already used by
 * another connection's reply is replaced by a free one from the allowed
 * range, even with no SNAT rule (the null binding does it too), so that a
 * reply always finds its own connection. No free one: the packet is
 * dropped and counted (stat nat_failed).
 *
 * Finding the entry of a translated packet: see xtfw_ct_lookup(). A
 * packet between DNAT and SNAT has neither tuple nor an inverse, so a
 * connection with both gets a third hash node (struct xtfw_ct_mid).
 *
 * MASQUERADE entries are marked; when a device goes down or loses an
 * address, a work item deletes the marked entries whose address is no
 * longer the host's on a running device (per namespace, like
 * nf_nat_masquerade does by device).
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "ct.h"

enum { MANIP_SRC, MANIP_DST };

#define PORT_TRIES	128	/* candidates looked at in the first round */
#define PORT_ROUNDS	4	/* rounds, each half as long from elsewhere */

static bool has_ports(u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE;
}

static bool is_icmp(u8 proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static u8 manip_of_hook(unsigned int hook)
{
	return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ?
	       MANIP_DST : MANIP_SRC;
}

/* The NAT status bit a manipulation of @type serves for a packet of @dir. */
static unsigned int manip_bit(u8 dir, u8 type)
{
	return (type == MANIP_SRC) == (dir == XTFW_CT_DIR_ORIG) ?
	       XTFW_CT_B_SNAT : XTFW_CT_B_DNAT;
}

/* Rewrite the fields of @t that @type changes, from @target. */
static void tuple_set(struct xtfw_ct_tuple *t, const struct xtfw_ct_tuple *target,
		      u8 type, bool id)
{
	if (type == MANIP_SRC) {
		t->src = target->src;
		if (has_ports(t->proto))
			t->sport = target->sport;
	} else {
		t->dst = target->dst;
		if (has_ports(t->proto))
			t->dport = target->dport;
	}
	if (id && is_icmp(t->proto))
		t->sport = target->sport;
}

/**
 * xtfw_nat_tuple_at() - the tuple of a packet of a NATed entry at a stage
 * @c: the entry
 * @dir: the direction of the packet
 * @stage: XTFW_CT_STAGE_*: the translations it has been through
 * @t: the tuple, dir and pad zero
 */
void xtfw_nat_tuple_at(const struct xtfw_conn *c, u8 dir, u8 stage,
		       struct xtfw_ct_tuple *t)
{
	struct xtfw_ct_tuple target;
	u8 type;

	*t = c->th[dir].tuple;
	t->dir = 0;
	t->pad = 0;
	for (type = MANIP_SRC; type <= MANIP_DST; type++) {
		unsigned int bit = manip_bit(dir, type);

		if (!(stage & (type == MANIP_SRC ? XTFW_CT_STAGE_SRC :
						   XTFW_CT_STAGE_DST)) ||
		    !test_bit(bit, &c->status))
			continue;
		xtfw_ct_invert(&target, &c->th[!dir].tuple);
		tuple_set(t, &target, type, bit == XTFW_CT_B_SNAT);
	}
}

/* --- rewriting packets ---------------------------------------------------- */

/* Where the transport header is, or 0 for a later fragment. */
static unsigned int l4_offset(struct sk_buff *skb, u8 family,
			      unsigned int nhoff, u8 *proto)
{
	const struct ipv6hdr *ip6h;
	__be16 frag_off;
	int off;

	if (family == XTFW_FAMILY_IPV4) {
		const struct iphdr *iph = (void *)skb->data + nhoff;

		*proto = iph->protocol;
		if (iph->frag_off & htons(IP_OFFSET))
			return 0;
		return nhoff + iph->ihl * 4;
	}
	ip6h = (void *)skb->data + nhoff;
	*proto = ip6h->nexthdr;
	off = ipv6_skip_exthdr(skb, nhoff + sizeof(*ip6h), proto, &frag_off);
	if (off < 0 || (frag_off & htons(~0x7)))
		return 0;
	return off;
}

/* Fix a transport checksum for an address change; UDP's 0 stays 0. */
static void csum_addr(__sum16 *sum, struct sk_buff *skb, u8 family,
		      const union xtfw_addr *from, const union xtfw_addr *to)
{
	if (family == XTFW_FAMILY_IPV4)
		inet_proto_csum_replace4(sum, skb, from->ip, to->ip, true);
	else
		inet_proto_csum_replace16(sum, skb, from->ip6, to->ip6, true);
}

/*
 * Rewrite the source or destination (@type) of the IP packet at @nhoff to
 * that of @target: address, port or (with @id) ICMP id, checksums fixed.
 * @inner: the packet is the one quoted in an ICMP error, whose transport
 * header may be cut short after 8 bytes. @l3: addresses only. Return:
 * false if the packet could not be made writable (drop it).
 */
static bool manip_pkt(struct sk_buff *skb, u8 family, unsigned int nhoff,
		      const struct xtfw_ct_tuple *target, u8 type, bool id,
		      bool inner, bool l3)
{
	unsigned int iplen = family == XTFW_FAMILY_IPV4 ?
			     sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	unsigned int thoff, need = 0, full = 0;
	union xtfw_addr old = {}, *to;
	__sum16 *sum = NULL;
	__be16 *port = NULL;
	u8 proto;

	if (skb_ensure_writable(skb, nhoff + iplen))
		return false;
	thoff = l4_offset(skb, family, nhoff, &proto);
	if (thoff && !l3) {
		switch (proto) {
		case IPPROTO_TCP:
			need = 8;
			full = sizeof(struct tcphdr);
			break;
		case IPPROTO_UDP:
		case IPPROTO_UDPLITE:
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			need = 8;
			full = 8;
			break;
		}
		if (!inner)
			need = full;
		if (need && skb->len < thoff + need)
			return inner;
		if (need && skb_ensure_writable(skb, thoff + need))
			return false;
	}
	to = type == MANIP_SRC ? (union xtfw_addr *)&target->src :
				 (union xtfw_addr *)&target->dst;
	if (family == XTFW_FAMILY_IPV4) {
		struct iphdr *iph = (void *)skb->data + nhoff;
		__be32 *addr = type == MANIP_SRC ? &iph->saddr : &iph->daddr;

		old.ip = *addr;
	} else {
		struct ipv6hdr *ip6h = (void *)skb->data + nhoff;
		struct in6_addr *addr = type == MANIP_SRC ? &ip6h->saddr :
							  &ip6h->daddr;

		memcpy(old.ip6, addr, sizeof(old.ip6));
	}
	if (need) {
		void *l4 = skb->data + thoff;
		__be16 newport = 0;

		switch (proto) {
		case IPPROTO_TCP:
			if (skb->len >= thoff + full)
				sum = &((struct tcphdr *)l4)->check;
			port = type == MANIP_SRC ? &((struct tcphdr *)l4)->source :
						   &((struct tcphdr *)l4)->dest;
			break;
		case IPPROTO_UDP:
		case IPPROTO_UDPLITE:
			sum = &((struct udphdr *)l4)->check;
			/* a UDP checksum of 0 over IPv4 means none */
			if (proto == IPPROTO_UDP && family == XTFW_FAMILY_IPV4 &&
			    !*sum && skb->ip_summed != CHECKSUM_PARTIAL)
				sum = NULL;
			port = type == MANIP_SRC ? &((struct udphdr *)l4)->source :
						   &((struct udphdr *)l4)->dest;
			break;
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			sum = &((struct icmphdr *)l4)->checksum;
			if (id)
				port = &((struct icmphdr *)l4)->un.echo.id;
			break;
		}
		if (port)
			newport = is_icmp(proto) ? target->sport :
				  type == MANIP_SRC ? target->sport :
						      target->dport;
		if (sum && proto != IPPROTO_ICMP)
			csum_addr(sum, skb, family, &old, to);
		if (port && *port != newport) {
			if (sum)
				inet_proto_csum_replace2(sum, skb, *port,
							 newport, false);
			*port = newport;
		}
		if (sum && !*sum && proto == IPPROTO_UDP)
			*sum = CSUM_MANGLED_0;
	}
	if (family == XTFW_FAMILY_IPV4) {
		struct iphdr *iph = (void *)skb->data + nhoff;
		__be32 *addr = type == MANIP_SRC ? &iph->saddr : &iph->daddr;

		csum_replace4(&iph->check, *addr, to->ip);
		*addr = to->ip;
	} else {
		struct ipv6hdr *ip6h = (void *)skb->data + nhoff;

		memcpy(type == MANIP_SRC ? &ip6h->saddr : &ip6h->daddr,
		       to->ip6, sizeof(ip6h->saddr));
	}
	return true;
}

/* Recompute an ICMP(v6) checksum over the whole message. */
static void icmp_csum(struct sk_buff *skb, u8 family, unsigned int thoff)
{
	struct icmphdr *icmph = (void *)skb->data + thoff;
	unsigned int len = skb->len - thoff;

	if (skb->ip_summed == CHECKSUM_PARTIAL)
		return;
	icmph->checksum = 0;
	if (family == XTFW_FAMILY_IPV4) {
		icmph->checksum = csum_fold(skb_checksum(skb, thoff, len, 0));
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		icmph->checksum = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
						  len, IPPROTO_ICMPV6,
						  skb_checksum(skb, thoff, len,
							       0));
	}
	if (skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
}

/*
 * An ICMP error about a NATed connection: translate the packet it quotes
 * the way that packet was translated, backwards, and the error's own
 * addresses like a packet of its direction, so the sender recognises it.
 */
static unsigned int icmp_translate(struct xtfw_pkt *pkt, struct xtfw_conn *c,
				   u8 dir, u8 type)
{
	struct sk_buff *skb = pkt->skb;
	unsigned int bit = manip_bit(dir, type);
	struct xtfw_ct_tuple target;
	const struct xtfw_ct_tuple *inner = &c->th[!dir].tuple;

	if (!test_bit(bit, &c->status))
		return NF_ACCEPT;
	if (!pkt->thoff || skb_ensure_writable(skb, pkt->thoff + 8))
		return NF_DROP;
	if (!manip_pkt(skb, pkt->family, pkt->thoff + 8, inner, !type,
		       bit == XTFW_CT_B_SNAT, true, false))
		return NF_DROP;
	xtfw_ct_invert(&target, inner);
	if (!manip_pkt(skb, pkt->family, skb_network_offset(skb), &target,
		       type, false, false, true))
		return NF_DROP;
	icmp_csum(skb, pkt->family, pkt->thoff);
	return NF_ACCEPT;
}

/* Locally sent packets whose destination changed need a new route. */
static int reroute(struct xtfw_pkt *pkt)
{
	const struct nf_hook_state *state = pkt->state;

	if (pkt->family == XTFW_FAMILY_IPV4)
		return ip_route_me_harder(state->net, state->sk, pkt->skb,
					  RTN_UNSPEC);
	return nf_ip6_route_me_harder(state->net, state->sk, pkt->skb);
}

static bool same_dst(const struct xtfw_pkt *pkt, const union xtfw_addr *a)
{
	if (pkt->family == XTFW_FAMILY_IPV4)
		return ip_hdr(pkt->skb)->daddr == a->ip;
	return !memcmp(&ipv6_hdr(pkt->skb)->daddr, a->ip6, sizeof(a->ip6));
}

/* Translate a packet of @c at the hook of @type, from the entry. */
static unsigned int nat_packet(struct xtfw_pkt *pkt, struct xtfw_conn *c,
			       u8 dir, u8 type)
{
	unsigned int bit = manip_bit(dir, type);
	struct xtfw_ct_tuple target;
	bool moved;

	if (!test_bit(bit, &c->status))
		return NF_ACCEPT;
	xtfw_ct_invert(&target, &c->th[!dir].tuple);
	moved = type == MANIP_DST && !same_dst(pkt, &target.dst);
	if (!manip_pkt(pkt->skb, pkt->family, skb_network_offset(pkt->skb),
		       &target, type, bit == XTFW_CT_B_SNAT, false, false))
		return NF_DROP;
	if (moved && pkt->state->hook == NF_INET_LOCAL_OUT && reroute(pkt))
		return NF_DROP;
	return NF_ACCEPT;
}

/* --- choosing a mapping --------------------------------------------------- */

static bool taken(struct xtfw_conn *c, const struct xtfw_ct_tuple *cand)
{
	struct xtfw_ct_tuple reply;

	xtfw_ct_invert(&reply, cand);
	return xtfw_ct_tuple_taken(c->cn, c, &reply);
}

/* The port range a source port may be moved to, as nf_nat's defaults. */
static void default_ports(const struct xtfw_ct_tuple *t, u16 *min, u16 *max)
{
	u16 port = ntohs(t->sport);

	if (is_icmp(t->proto)) {
		*min = 0;
		*max = U16_MAX;
	} else if (port < 512) {
		*min = 1;
		*max = 511;
	} else if (port < 1024) {
		*min = 600;
		*max = 1023;
	} else {
		*min = 1024;
		*max = U16_MAX;
	}
}

/*
 * Make @cand's reply tuple unique by choosing its port (ICMP: id) on the
 * side @type changes within [min, max]: the current one if it is in range
 * and free, else a search from a random point (from the start for DNAT
 * without --random), in rounds of PORT_TRIES, then fewer.
 */
static bool unique_port(struct xtfw_conn *c, struct xtfw_ct_tuple *cand,
			u8 type, u16 min, u16 max, u32 flags)
{
	__be16 *port = type == MANIP_SRC || is_icmp(cand->proto) ?
		       &cand->sport : &cand->dport;
	bool random = flags & (XTFW_NAT_F_RANDOM | XTFW_NAT_F_RANDOM_FULLY);
	u32 size = (u32)max - min + 1, tries, off, i, round;

	if (!has_ports(cand->proto) && !is_icmp(cand->proto))
		return !taken(c, cand);
	if (!random && ntohs(*port) >= min && ntohs(*port) <= max &&
	    !taken(c, cand))
		return true;
	off = type == MANIP_DST && !random ? 0 : get_random_u32();
	tries = min_t(u32, size, PORT_TRIES);
	for (round = 0; round < PORT_ROUNDS && tries; round++) {
		for (i = 0; i < tries; i++) {
			*port = htons(min + (off + i) % size);
			if (!taken(c, cand))
				return true;
		}
		off = get_random_u32();
		tries /= 2;
	}
	return false;
}

/* An address from a range: by hash of the addresses, like nf_nat. */
static void pick_addr(union xtfw_addr *out, const struct xtfw_nat_range *r,
		      const struct xtfw_conn *c, u32 flags)
{
	const struct xtfw_ct_tuple *o = &c->th[XTFW_CT_DIR_ORIG].tuple;
	int w = o->family == XTFW_FAMILY_IPV4 ? 0 : 3;
	u32 lo = ntohl(r->min_addr.ip6[w]), n, h;

	*out = r->min_addr;
	/* only ranges within the last 32 bits are spread */
	if (memcmp(r->min_addr.ip6, r->max_addr.ip6, w * sizeof(u32)))
		return;
	n = ntohl(r->max_addr.ip6[w]) - lo + 1;
	h = jhash2((const u32 *)&o->src, 4,
		   flags & XTFW_NAT_F_PERSISTENT ? 0 : jhash2((const u32 *)o->dst.ip6, 4, 0));
	out->ip6[w] = htonl(lo + (n ? reciprocal_scale(h, n) : h));
}

/* NETMAP: the prefix of @r, the host part of @a. */
static void netmap_addr(union xtfw_addr *a, const struct xtfw_nat_range *r)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		__be32 mask = ~(r->min_addr.ip6[i] ^ r->max_addr.ip6[i]);

		a->ip6[i] = (a->ip6[i] & ~mask) | (r->min_addr.ip6[i] & mask);
	}
}

/* MASQUERADE: the address the outgoing device would use to the target. */
static bool masq_addr(struct xtfw_pkt *pkt, union xtfw_addr *a)
{
	const struct net_device *out = pkt->state->out;

	memset(a, 0, sizeof(*a));
	if (!out)
		return false;
	if (pkt->family == XTFW_FAMILY_IPV4) {
		const struct rtable *rt = skb_rtable(pkt->skb);
		__be32 nh;

		if (!rt)
			return false;
		nh = rt_nexthop(rt, ip_hdr(pkt->skb)->daddr);
		a->ip = inet_select_addr(out, nh, RT_SCOPE_UNIVERSE);
		return a->ip;
	}
	return !ipv6_dev_get_saddr(pkt->state->net, out,
				   &ipv6_hdr(pkt->skb)->daddr, 0,
				   (struct in6_addr *)a->ip6);
}

/* REDIRECT: the incoming device's first address, loopback for OUTPUT. */
static bool redirect_addr(struct xtfw_pkt *pkt, union xtfw_addr *a)
{
	const struct net_device *in = pkt->state->in;
	bool found = false;

	memset(a, 0, sizeof(*a));
	if (pkt->state->hook == NF_INET_LOCAL_OUT) {
		if (pkt->family == XTFW_FAMILY_IPV4)
			a->ip = htonl(INADDR_LOOPBACK);
		else
			memcpy(a->ip6, &in6addr_loopback, sizeof(a->ip6));
		return true;
	}
	if (!in)
		return false;
	if (pkt->family == XTFW_FAMILY_IPV4) {
		const struct in_device *idev = __in_dev_get_rcu(in);
		const struct in_ifaddr *ifa;

		ifa = idev ? rcu_dereference(idev->ifa_list) : NULL;
		if (ifa) {
			a->ip = ifa->ifa_local;
			found = true;
		}
	} else {
		struct inet6_dev *idev = __in6_dev_get(in);
		const struct inet6_ifaddr *ifa;

		if (!idev)
			return false;
		read_lock_bh(&idev->lock);
		ifa = list_first_entry_or_null(&idev->addr_list,
					       struct inet6_ifaddr, if_list);
		if (ifa) {
			memcpy(a->ip6, &ifa->addr, sizeof(a->ip6));
			found = true;
		}
		read_unlock_bh(&idev->lock);
	}
	return found;
}

/* The status bit saying the NAT of @type is decided. */
static unsigned int done_bit(u8 type)
{
	return type == MANIP_DST ? XTFW_CT_B_DST_DONE : XTFW_CT_B_SRC_DONE;
}

/* nat_bind() with c->lock held */
static unsigned int nat_decide(struct xtfw_pkt *pkt, struct xtfw_conn *c,
			       const struct xtfw_target *tg, u8 type)
{
	const struct xtfw_nat_range *r = tg ? &tg->u.nat.range : NULL;
	u32 flags = tg ? tg->u.nat.flags : 0;
	struct xtfw_ct_tuple cur, cand, reply;
	const struct xtfw_ct_tuple *mid = NULL;
	unsigned int done = done_bit(type);
	struct xtfw_ct_net *cn = c->cn;
	bool masq = false, changed = false;
	u16 pmin = 0, pmax = 0;
	int tries, ret;

	/* the original tuple as translated so far */
	xtfw_ct_invert(&cur, &c->th[XTFW_CT_DIR_REPLY].tuple);
	cand = cur;
	if (tg && (flags & XTFW_NAT_F_PROTO)) {
		pmin = r->min_port;
		pmax = r->max_port;
	} else if (type == MANIP_SRC) {
		default_ports(&cur, &pmin, &pmax);
	}
	switch (tg ? tg->type : XTFW_TARGET_NONE) {
	case XTFW_TARGET_SNAT:
	case XTFW_TARGET_DNAT:
		if (flags & XTFW_NAT_F_MAP_IPS)
			pick_addr(type == MANIP_SRC ? &cand.src : &cand.dst, r,
				  c, flags);
		break;
	case XTFW_TARGET_MASQUERADE:
		if (!masq_addr(pkt, &cand.src))
			return NF_DROP;
		masq = true;
		break;
	case XTFW_TARGET_REDIRECT:
		if (!redirect_addr(pkt, &cand.dst))
			return NF_DROP;
		break;
	case XTFW_TARGET_NETMAP:
		netmap_addr(type == MANIP_SRC ? &cand.src : &cand.dst, r);
		break;
	}
	/* DNAT with ports sets the port; without, only the address */
	if (type == MANIP_DST && (flags & XTFW_NAT_F_PROTO) &&
	    has_ports(cand.proto) && !(flags & XTFW_NAT_F_RANDOM))
		cand.dport = htons(pmin);
	for (tries = 0; tries < 3; tries++) {
		if (type == MANIP_SRC || (flags & XTFW_NAT_F_PROTO)) {
			if (!unique_port(c, &cand, type, pmin, pmax, flags))
				goto failed;
		} else if (taken(c, &cand)) {
			goto failed;
		}
		changed = !xtfw_ct_key_equal(&cand, &cur);
		if (!changed && test_bit(XTFW_CT_B_REPLY_HASHED, &c->status))
			break;
		/* DNATed, now SNATed: the tuple between needs a node */
		mid = type == MANIP_SRC && changed &&
		      test_bit(XTFW_CT_B_DNAT, &c->status) ? &cur : NULL;
		xtfw_ct_invert(&reply, &cand);
		ret = xtfw_ct_set_reply(c, &reply, mid);
		if (!ret)
			break;
		if (ret != -EEXIST)
			return NF_DROP;
		/* another CPU took it meanwhile: choose again */
	}
	if (tries == 3)
		goto failed;
	if (changed) {
		unsigned int bit = type == MANIP_SRC ? XTFW_CT_B_SNAT :
						       XTFW_CT_B_DNAT;

		if (!xtfw_ct_natted(c))
			atomic_inc(&cn->nat_count);
		set_bit(bit, &c->status);
		if (masq && !test_and_set_bit(XTFW_CT_B_MASQ, &c->status))
			atomic_inc(&cn->masq_count);
	}
	/* the tuples are written before anyone sees the decision made */
	smp_mb__before_atomic();
	set_bit(done, &c->status);
	return NF_ACCEPT;

failed:
	xtfw_ct_stat_inc(cn, XTFW_CT_STAT_NAT_FAILED);
	net_warn_ratelimited("no free NAT mapping, dropping packet\n");
	return NF_DROP;
}

/*
 * Decide the NAT of @type for the first packet of @c: @tg is the rule's
 * target, or NULL for no translation (which may still move a source port
 * that is taken). Until the entry is confirmed, every original-direction
 * packet of the connection may come here, on any CPU; the first to take
 * c->lock decides, and the others are translated by its decision.
 * Return: NF_ACCEPT or NF_DROP.
 */
static unsigned int nat_bind(struct xtfw_pkt *pkt, struct xtfw_conn *c,
			     const struct xtfw_target *tg, u8 type)
{
	unsigned int done = done_bit(type);
	unsigned int verdict = NF_ACCEPT;

	spin_lock_bh(&c->lock);
	if (!test_bit(done, &c->status))
		verdict = nat_decide(pkt, c, tg, type);
	spin_unlock_bh(&c->lock);
	return verdict;
}

/**
 * xtfw_nat_target() - SNAT, DNAT, MASQUERADE, REDIRECT, NETMAP
 * @tg: the target
 * @pkt: the first packet of a connection, in the nat table
 *
 * Return: NF_ACCEPT (the nat table is done with the packet) or NF_DROP.
 */
unsigned int xtfw_nat_target(const struct xtfw_target *tg,
			     struct xtfw_pkt *pkt)
{
	if (WARN_ON_ONCE(!pkt->ct))
		return NF_DROP;
	return nat_bind(pkt, pkt->ct, tg, manip_of_hook(pkt->state->hook));
}

/**
 * xtfw_nat_hook() - the nat table's hook
 * @t: the nat table of the ruleset
 * @pkt: the packet
 *
 * Runs the table's rules for the first packet of a connection only, and
 * translates every packet from its entry.
 */
unsigned int xtfw_nat_hook(const struct xtfw_table *t, struct xtfw_pkt *pkt)
{
	u8 type = manip_of_hook(pkt->state->hook);
	unsigned int done = done_bit(type);
	unsigned int verdict;
	struct xtfw_conn *c;
	u8 dir;

	xtfw_ct_classify(pkt);
	c = pkt->ct;
	if (!c)		/* INVALID, UNTRACKED: never translated */
		return NF_ACCEPT;
	dir = pkt->ctdir;
	if (pkt->ctstate & XTFW_CTSTATE_RELATED)
		return icmp_translate(pkt, c, dir, type);
	if (!test_bit(done, &c->status)) {
		if (!xtfw_ct_confirmed(c) && dir == XTFW_CT_DIR_ORIG) {
			/* a retransmission whose first copy was lost: its turn */
			WRITE_ONCE(c->owner, xtfw_ct_owner(pkt->skb));
			verdict = xtfw_table_eval(t, pkt);
			if ((verdict & NF_VERDICT_MASK) != NF_ACCEPT)
				return verdict;
			if (!test_bit(done, &c->status) &&
			    nat_bind(pkt, c, NULL, type) != NF_ACCEPT)
				return NF_DROP;
		} else {
			/* older than the nat table: left as it is */
			set_bit(done, &c->status);
		}
	}
	smp_rmb();	/* the tuples of the decision; see nat_decide() */
	return nat_packet(pkt, c, dir, type);
}

/* --- MASQUERADE and address changes --------------------------------------- */

/*
 * Is the address a MASQUERADE entry's replies go to gone, or its device
 * down? (The address, not the device, is what the entry depends on.)
 */
static bool masq_stale(const struct xtfw_conn *c, const void *arg)
{
	struct net *net = (struct net *)arg;
	const union xtfw_addr *a = &c->th[XTFW_CT_DIR_REPLY].tuple.dst;
	struct net_device *dev;

	if (!test_bit(XTFW_CT_B_MASQ, &c->status))
		return false;
	if (c->th[0].tuple.family == XTFW_FAMILY_IPV4) {
		dev = __ip_dev_find(net, a->ip, false);
		return !dev || !netif_running(dev);
	}
	/* under RCU (xtfw_ct_flush()); kept addresses stay on a down device */
	dev = ipv6_dev_find(net, (const struct in6_addr *)a->ip6, NULL);
	return !dev || !netif_running(dev);
}

void xtfw_nat_masq_work(struct work_struct *work)
{
	struct xtfw_ct_net *cn = container_of(work, struct xtfw_ct_net,
					      masq_work);

	xtfw_ct_flush(cn, masq_stale, cn->xn->net, NULL);
}

static void masq_event(struct net *net)
{
	struct xtfw_net *xn = xtfw_pernet(net);
	struct xtfw_ct_net *cn = xn ? xtfw_ct_net_get(xn) : NULL;

	if (cn && !READ_ONCE(cn->exiting) && atomic_read(&cn->masq_count))
		schedule_work(&cn->masq_work);
}

static int masq_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	if (event == NETDEV_DOWN || event == NETDEV_CHANGEADDR)
		masq_event(dev_net(netdev_notifier_info_to_dev(ptr)));
	return NOTIFY_DONE;
}

static int masq_inet_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	const struct in_ifaddr *ifa = ptr;

	if (event == NETDEV_DOWN)
		masq_event(dev_net(ifa->ifa_dev->dev));
	return NOTIFY_DONE;
}

static int masq_inet6_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;

	if (event == NETDEV_DOWN)
		masq_event(dev_net(ifa->idev->dev));
	return NOTIFY_DONE;
}

static struct notifier_block masq_netdev_nb = {
	.notifier_call = masq_netdev_event,
};

static struct notifier_block masq_inet_nb = {
	.notifier_call = masq_inet_event,
};

static struct notifier_block masq_inet6_nb = {
	.notifier_call = masq_inet6_event,
};

int __init xtfw_nat_init(void)
{
	int ret;

	ret = register_netdevice_notifier(&masq_netdev_nb);
	if (ret)
		return ret;
	ret = register_inetaddr_notifier(&masq_inet_nb);
	if (ret)
		goto err_inet;
	ret = register_inet6addr_notifier(&masq_inet6_nb);
	if (ret)
		goto err_inet6;
	return 0;

err_inet6:
	unregister_inetaddr_notifier(&masq_inet_nb);
err_inet:
	unregister_netdevice_notifier(&masq_netdev_nb);
	return ret;
}

void xtfw_nat_exit(void)
{
	unregister_inet6addr_notifier(&masq_inet6_nb);
	unregister_inetaddr_notifier(&masq_inet_nb);
	unregister_netdevice_notifier(&masq_netdev_nb);
}
