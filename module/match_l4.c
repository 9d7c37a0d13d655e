// SPDX-License-Identifier: GPL-2.0
/*
 * Matches on the transport header: tcp, udp, udplite, sctp, multiport, icmp
 * and icmp6. None of them matches a non-first fragment (it has no transport
 * header) or a packet too short to hold the header it reads; "!" does not
 * change that, as in xt_tcpudp.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/sctp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/tcp.h>

#include "match.h"

#define TCP_OPTIONS_MAX		(60 - sizeof(struct tcphdr))

static const u8 port_protos[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, IPPROTO_SCTP, IPPROTO_DCCP,
};

static const void *l4_header(const struct xtfw_pkt *pkt, unsigned int len,
			     void *buf)
{
	if (pkt->fragment)
		return NULL;
	return skb_header_pointer(pkt->skb, pkt->thoff, len, buf);
}

/* The header a match of @type reads: tcp, udp, udplite or sctp. */
static u8 l4_hlen(u8 type)
{
	switch (type) {
	case XTFW_MATCH_TCP:
		return sizeof(struct tcphdr);
	case XTFW_MATCH_SCTP:
		return sizeof(struct sctphdr);
	default:
		return sizeof(struct udphdr);
	}
}

static bool port_in(const struct xtfw_port_range *r, u16 port)
{
	return port >= r->min && port <= r->max;
}

static int parse_range(const struct xtfw_margs *a, int attr,
		       struct xtfw_port_range *r)
{
	const struct nlattr *nla = a->tb[attr];

	r->min = 0;
	r->max = U16_MAX;
	if (!nla)
		return 0;
	nla_memcpy(r, nla, sizeof(*r));
	if (r->min > r->max)
		return xtfw_parse_error(a->ctx, nla,
					"%s: port range %u:%u runs backwards",
					a->name, r->min, r->max);
	return 0;
}

static int parse_tcp(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *flags = a->tb[XTFW_MATCH_A_TCP_FLAGS];
	const struct nlattr *opt = a->tb[XTFW_MATCH_A_TCP_OPTION];

	if (flags) {
		nla_memcpy(&m->u.l4.flags, flags, sizeof(m->u.l4.flags));
		if (m->u.l4.flags.cmp & ~m->u.l4.flags.mask)
			return xtfw_parse_error(a->ctx, flags,
						"--tcp-flags: a flag to be set is not in the examined set, so the rule never matches");
	}
	if (opt) {
		m->u.l4.option = nla_get_u8(opt);
		m->u.l4.has_option = true;
	}
	return 0;
}

int xtfw_l4_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	u8 proto;
	int ret;

	switch (m->type) {
	case XTFW_MATCH_TCP:
		proto = IPPROTO_TCP;
		break;
	case XTFW_MATCH_UDP:
		proto = IPPROTO_UDP;
		break;
	case XTFW_MATCH_UDPLITE:
		proto = IPPROTO_UDPLITE;
		break;
	default:
		proto = IPPROTO_SCTP;
		break;
	}
	ret = xtfw_mt_need_proto(a, &proto, 1, a->name);
	if (!ret)
		ret = parse_range(a, XTFW_MATCH_A_SPORT, &m->u.l4.sport);
	if (!ret)
		ret = parse_range(a, XTFW_MATCH_A_DPORT, &m->u.l4.dport);
	if (!ret && m->type == XTFW_MATCH_TCP)
		ret = parse_tcp(m, a);
	m->u.l4.hlen = l4_hlen(m->type);
	/* no --tcp-flags, --syn or --tcp-option: the ports decide (eval.c) */
	m->ports_only = m->type != XTFW_MATCH_TCP ||
			     (!m->u.l4.has_option && !m->u.l4.flags.mask &&
			      !(m->inv & XTFW_MINV_TCP_FLAGS));
	return ret;
}

/*
 * Walk the options as tcp_parse_options() does: EOL ends the list, NOP is
 * one byte, anything else carries its length; a bad length ends the walk.
 * Returns 1 if the option is there, 0 if not, -1 if the header is bad.
 */
static int tcp_has_option(const struct xtfw_pkt *pkt, const struct tcphdr *th,
			  u8 kind)
{
	u8 buf[TCP_OPTIONS_MAX];
	unsigned int len, i = 0;
	const u8 *op;

	if (th->doff * 4 < sizeof(*th))
		return -1;
	len = th->doff * 4 - sizeof(*th);
	op = skb_header_pointer(pkt->skb, pkt->thoff + sizeof(*th), len, buf);
	if (!op)
		return -1;
	while (i < len) {
		if (op[i] == kind)
			return 1;
		if (op[i] == TCPOPT_EOL)
			break;
		if (op[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || op[i + 1] < 2)
			break;
		i += op[i + 1];
	}
	return 0;
}

static bool tcp_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt,
		     const struct tcphdr *th)
{
	const struct xtfw_tcp_flags *f = &m->u.l4.flags;
	int has;

	if (((tcp_flag_byte(th) & f->mask) == f->cmp) ==
	    !!(m->inv & XTFW_MINV_TCP_FLAGS))
		return false;
	if (!m->u.l4.has_option)
		return true;
	has = tcp_has_option(pkt, th, m->u.l4.option);
	if (has < 0)
		return false;
	return has ^ !!(m->inv & XTFW_MINV_TCP_OPTION);
}

bool xtfw_l4_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	union {
		struct tcphdr tcp;
		struct udphdr udp;
		struct sctphdr sctp;
	} buf;
	const __be16 *ports;

	/* All four headers start with the source and destination port. */
	ports = l4_header(pkt, m->u.l4.hlen, &buf);
	if (!ports)
		return false;
	if (!xtfw_l4_ports_match(m, ntohs(ports[0]), ntohs(ports[1])))
		return false;
	if (m->type == XTFW_MATCH_TCP)
		return tcp_eval(m, pkt, (const struct tcphdr *)ports);
	return true;
}

/* --sports/--dports/--ports: up to 15 ports, a range counting as two. */
int xtfw_multiport_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_PORTS];
	struct xtfw_port_range *r = m->u.multiport.ports;
	unsigned int i, n, weight = 0;
	int ret;

	ret = xtfw_mt_need_proto(a, port_protos, ARRAY_SIZE(port_protos),
				 "tcp, udp, udplite, sctp or dccp");
	if (ret)
		return ret;
	if (!nla || !a->tb[XTFW_MATCH_A_MULTIPORT_DIR])
		return xtfw_parse_error(a->ctx, a->nest,
					"multiport needs --sports, --dports or --ports");
	n = nla_len(nla) / sizeof(*r);
	if (!n || nla_len(nla) % sizeof(*r))
		return xtfw_parse_error(a->ctx, nla,
					"multiport: malformed port list");
	nla_memcpy(r, nla, n * sizeof(*r));
	for (i = 0; i < n; i++) {
		if (r[i].min > r[i].max)
			return xtfw_parse_error(a->ctx, nla,
						"multiport: port range %u:%u runs backwards",
						r[i].min, r[i].max);
		weight += r[i].min == r[i].max ? 1 : 2;
	}
	if (weight > XTFW_MAX_MULTIPORT)
		return xtfw_parse_error(a->ctx, nla,
					"multiport: more than %d ports (a range counts as two)",
					XTFW_MAX_MULTIPORT);
	m->u.multiport.count = n;
	m->u.multiport.dir = nla_get_u8(a->tb[XTFW_MATCH_A_MULTIPORT_DIR]);
	return 0;
}

bool xtfw_multiport_eval(const struct xtfw_match *m,
			 const struct xtfw_pkt *pkt)
{
	__be16 buf[2];
	const __be16 *ports;
	u16 sport, dport;
	bool hit = false;
	unsigned int i;

	ports = l4_header(pkt, sizeof(buf), buf);
	if (!ports)
		return false;
	sport = ntohs(ports[0]);
	dport = ntohs(ports[1]);
	for (i = 0; i < m->u.multiport.count && !hit; i++) {
		const struct xtfw_port_range *r = &m->u.multiport.ports[i];

		switch (m->u.multiport.dir) {
		case XTFW_MULTIPORT_SRC:
			hit = port_in(r, sport);
			break;
		case XTFW_MULTIPORT_DST:
			hit = port_in(r, dport);
			break;
		default:
			hit = port_in(r, sport) || port_in(r, dport);
			break;
		}
	}
	return hit ^ !!(m->inv & XTFW_MINV_PORTS);
}

int xtfw_icmp_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *type = a->tb[XTFW_MATCH_A_ICMP_TYPE];
	const struct nlattr *code = a->tb[XTFW_MATCH_A_ICMP_CODE];
	bool v4 = m->type == XTFW_MATCH_ICMP;
	u8 proto = v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int ret;

	ret = xtfw_mt_need_proto(a, &proto, 1, v4 ? "icmp" : "icmpv6");
	if (ret)
		return ret;
	m->u.icmp.code.min = 0;
	m->u.icmp.code.max = U8_MAX;
	if (!type) {
		if (code)
			return xtfw_parse_error(a->ctx, code,
						"%s: a code needs a type",
						a->name);
		m->u.icmp.any_type = true;
		return 0;
	}
	m->u.icmp.type = nla_get_u8(type);
	if (code) {
		nla_memcpy(&m->u.icmp.code, code, sizeof(m->u.icmp.code));
		if (m->u.icmp.code.min > m->u.icmp.code.max)
			return xtfw_parse_error(a->ctx, code,
						"%s: code range %u-%u runs backwards",
						a->name, m->u.icmp.code.min,
						m->u.icmp.code.max);
	}
	return 0;
}

bool xtfw_icmp_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	/* struct icmphdr and struct icmp6hdr: type, code, 6 more bytes */
	u8 buf[sizeof(struct icmphdr)];
	const u8 *h;
	bool hit;

	BUILD_BUG_ON(sizeof(struct icmphdr) != sizeof(struct icmp6hdr));
	h = l4_header(pkt, sizeof(buf), buf);
	if (!h)
		return false;
	hit = m->u.icmp.any_type ||
	      (h[0] == m->u.icmp.type && h[1] >= m->u.icmp.code.min &&
	       h[1] <= m->u.icmp.code.max);
	return hit ^ !!(m->inv & XTFW_MINV_ICMP);
}
