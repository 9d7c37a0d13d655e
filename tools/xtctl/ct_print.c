// SPDX-License-Identifier: GPL-2.0
/*
 * Printing conntrack entries: the line format of conntrack -L
 * (libnetfilter_conntrack's default output), so that habits and scripts
 * carry over, and a JSON array with the same facts plus the counters.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <strings.h>

#include "ct.h"
#include "json.h"
#include "names.h"

static const char *const tcp_states[__XTFW_TCP_TIMEOUT_MAX] = {
	[XTFW_TCP_NONE]			= "NONE",
	[XTFW_TCP_SYN_SENT]		= "SYN_SENT",
	[XTFW_TCP_SYN_RECV]		= "SYN_RECV",
	[XTFW_TCP_ESTABLISHED]		= "ESTABLISHED",
	[XTFW_TCP_FIN_WAIT]		= "FIN_WAIT",
	[XTFW_TCP_CLOSE_WAIT]		= "CLOSE_WAIT",
	[XTFW_TCP_LAST_ACK]		= "LAST_ACK",
	[XTFW_TCP_TIME_WAIT]		= "TIME_WAIT",
	[XTFW_TCP_CLOSE]		= "CLOSE",
	[XTFW_TCP_SYN_SENT2]		= "SYN_SENT2",
	[XTFW_TCP_TIMEOUT_RETRANS]	= "RETRANS",
	[XTFW_TCP_TIMEOUT_UNACK]	= "UNACK",
};

static const char *const udp_states[] = {
	[XTFW_UDP_UNREPLIED]	= "UNREPLIED",
	[XTFW_UDP_REPLIED]	= "REPLIED",
	[XTFW_UDP_STREAM]	= "STREAM",
};

static const struct named_value statuses[] = {
	{ "SEEN_REPLY", XTFW_CT_S_SEEN_REPLY },
	{ "ASSURED", XTFW_CT_S_ASSURED },
	{ "CONFIRMED", XTFW_CT_S_CONFIRMED },
	{ "SNAT", XTFW_CT_S_SNAT },
	{ "DNAT", XTFW_CT_S_DNAT },
	{ "DYING", XTFW_CT_S_DYING },
};

const char *ct_tcp_state_name(uint8_t state)
{
	return state < __XTFW_TCP_TIMEOUT_MAX ? tcp_states[state] : "?";
}

int ct_tcp_state_by_name(const char *name, bool timeouts)
{
	unsigned int n = timeouts ? __XTFW_TCP_TIMEOUT_MAX :
				    __XTFW_TCP_STATE_MAX;

	for (unsigned int i = 0; i < n; i++)
		if (!strcasecmp(name, tcp_states[i]))
			return i;
	return -1;
}

const char *ct_udp_state_name(uint8_t state)
{
	return state < ARRAY_SIZE(udp_states) ? udp_states[state] : "?";
}

int ct_udp_state_by_name(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(udp_states); i++)
		if (!strcasecmp(name, udp_states[i]))
			return i;
	return -1;
}

/* conntrack's names: "unknown" for protocols it has no tracker for. */
static const char *l4_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_UDPLITE:
		return "udplite";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_DCCP:
		return "dccp";
	case IPPROTO_GRE:
		return "gre";
	default:
		return "unknown";
	}
}

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE;
}

static bool is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

static const char *addr(const struct ct_entry *e, const union xtfw_addr *a,
			char *buf)
{
	return inet_ntop(e->family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET,
			 a, buf, INET6_ADDRSTRLEN) ?: "?";
}

static void print_tuple(struct sbuf *b, const struct ct_entry *e, int dir)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	sb_printf(b, "src=%s dst=%s ", addr(e, &e->src[dir], s),
		  addr(e, &e->dst[dir], d));
	if (has_ports(e->proto))
		sb_printf(b, "sport=%u dport=%u ", e->sport[dir],
			  e->dport[dir]);
	else if (is_icmp(e->proto))
		sb_printf(b, "type=%u code=%u id=%u ", e->dport[dir] >> 8,
			  e->dport[dir] & 0xff, e->sport[dir]);
}

void ct_print_entry(struct sbuf *b, const struct ct_entry *e)
{
	sb_printf(b, "%-8s %u %u ", l4_name(e->proto), e->proto, e->timeout);
	if (e->has_tcp_state)
		sb_printf(b, "%s ", ct_tcp_state_name(e->tcp_state));
	print_tuple(b, e, 0);
	if (!(e->status & XTFW_CT_S_SEEN_REPLY))
		sb_puts(b, "[UNREPLIED] ");
	print_tuple(b, e, 1);
	if (e->status & XTFW_CT_S_ASSURED)
		sb_puts(b, "[ASSURED] ");
	sb_printf(b, "mark=%u use=1\n", e->mark);
}

static void json_tuple(struct sbuf *b, const struct ct_entry *e, int dir)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];

	sb_printf(b, "{\"src\":\"%s\",\"dst\":\"%s\"", addr(e, &e->src[dir], s),
		  addr(e, &e->dst[dir], d));
	if (has_ports(e->proto))
		sb_printf(b, ",\"sport\":%u,\"dport\":%u", e->sport[dir],
			  e->dport[dir]);
	else if (is_icmp(e->proto))
		sb_printf(b, ",\"type\":%u,\"code\":%u,\"id\":%u",
			  e->dport[dir] >> 8, e->dport[dir] & 0xff,
			  e->sport[dir]);
	sb_printf(b, ",\"packets\":%llu,\"bytes\":%llu}",
		  (unsigned long long)e->packets[dir],
		  (unsigned long long)e->bytes[dir]);
}

static void json_entry(struct sbuf *b, const struct ct_entry *e)
{
	const char *sep = "";

	sb_printf(b, "{\"family\":\"%s\",\"proto\":\"%s\",\"protonum\":%u,"
		  "\"timeout\":%u,", e->family == XTFW_FAMILY_IPV6 ?
		  "ipv6" : "ipv4", l4_name(e->proto), e->proto, e->timeout);
	if (e->has_tcp_state)
		sb_printf(b, "\"state\":\"%s\",",
			  ct_tcp_state_name(e->tcp_state));
	sb_puts(b, "\"orig\":");
	json_tuple(b, e, 0);
	sb_puts(b, ",\"reply\":");
	json_tuple(b, e, 1);
	sb_puts(b, ",\"status\":[");
	for (unsigned int i = 0; i < ARRAY_SIZE(statuses); i++) {
		if (!(e->status & statuses[i].value))
			continue;
		sb_printf(b, "%s", sep);
		json_string(b, statuses[i].name);
		sep = ",";
	}
	sb_printf(b, "],\"mark\":%u,\"id\":%u}", e->mark, e->id);
}

void ct_print_json(struct sbuf *b, const struct ct_entry *e, size_t n)
{
	sb_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_putc(b, ',');
		json_entry(b, &e[i]);
	}
	sb_puts(b, "]\n");
}
