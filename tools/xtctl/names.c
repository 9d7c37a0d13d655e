// SPDX-License-Identifier: GPL-2.0
/* Name tables: tables and hooks, protocols, ICMP types and target options. */
#include <netdb.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "names.h"

static const char *const table_names[__XTFW_TABLE_MAX] = {
	[XTFW_TABLE_RAW] = "raw",
	[XTFW_TABLE_MANGLE] = "mangle",
	[XTFW_TABLE_NAT] = "nat",
	[XTFW_TABLE_FILTER] = "filter",
	[XTFW_TABLE_SECURITY] = "security",
};

#define ALL_HOOKS	((1U << HOOK_COUNT) - 1)
#define LOCAL_HOOKS	(HOOK_BIT(HOOK_INPUT) | HOOK_BIT(HOOK_FORWARD) | \
			 HOOK_BIT(HOOK_OUTPUT))

static const unsigned int table_hook_bits[__XTFW_TABLE_MAX] = {
	[XTFW_TABLE_RAW] = HOOK_BIT(HOOK_PREROUTING) | HOOK_BIT(HOOK_OUTPUT),
	[XTFW_TABLE_MANGLE] = ALL_HOOKS,
	[XTFW_TABLE_NAT] = HOOK_BIT(HOOK_PREROUTING) | HOOK_BIT(HOOK_INPUT) |
			   HOOK_BIT(HOOK_OUTPUT) | HOOK_BIT(HOOK_POSTROUTING),
	[XTFW_TABLE_FILTER] = LOCAL_HOOKS,
	[XTFW_TABLE_SECURITY] = LOCAL_HOOKS,
};

static const char *const hook_names[HOOK_COUNT] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

const char *table_name(unsigned int id)
{
	return id < __XTFW_TABLE_MAX ? table_names[id] : "?";
}

int table_by_name(const char *name)
{
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++)
		if (strcmp(table_names[i], name) == 0)
			return i;
	return -1;
}

unsigned int table_hooks(unsigned int id)
{
	return id < __XTFW_TABLE_MAX ? table_hook_bits[id] : 0;
}

const char *hook_name(enum hook h)
{
	return hook_names[h];
}

int hook_by_name(const char *name)
{
	for (unsigned int i = 0; i < HOOK_COUNT; i++)
		if (strcmp(hook_names[i], name) == 0)
			return i;
	return -1;
}

const char *family_name(uint8_t family)
{
	return family == XTFW_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

/* xtables_chain_protos: names iptables knows without /etc/protocols. */
static const struct named_value chain_protos[] = {
	{ "tcp", 6 }, { "sctp", 132 }, { "udp", 17 }, { "udplite", 136 },
	{ "icmp", 1 }, { "ipv6-icmp", 58 }, { "esp", 50 }, { "ah", 51 },
	{ "mh", 135 }, { "all", 0 },
};

const char *proto_name(uint8_t proto, bool lookup)
{
	const char *n = value_name(chain_protos, ARRAY_SIZE(chain_protos),
				   proto);
	struct protoent *pe;

	if (n || !proto || !lookup)
		return n;
	pe = getprotobynumber(proto);
	return pe ? pe->p_name : NULL;
}

int proto_by_name(const char *name, uint8_t family)
{
	struct protoent *pe;
	long v;

	(void)family;
	if (strcmp(name, "icmpv6") == 0)
		return IPPROTO_ICMPV6;
	v = value_by_name(chain_protos, ARRAY_SIZE(chain_protos), name);
	if (v >= 0)
		return v;
	pe = getprotobyname(name);
	return pe ? pe->p_proto : -1;
}

#define ANY_CODE	0, 0xff

static const struct icmp_name icmp4_names[] = {
	{ "any", 0xff, ANY_CODE },
	{ "echo-reply", 0, ANY_CODE },
	{ "destination-unreachable", 3, ANY_CODE },
	{ "network-unreachable", 3, 0, 0 },
	{ "host-unreachable", 3, 1, 1 },
	{ "protocol-unreachable", 3, 2, 2 },
	{ "port-unreachable", 3, 3, 3 },
	{ "fragmentation-needed", 3, 4, 4 },
	{ "source-route-failed", 3, 5, 5 },
	{ "network-unknown", 3, 6, 6 },
	{ "host-unknown", 3, 7, 7 },
	{ "network-prohibited", 3, 9, 9 },
	{ "host-prohibited", 3, 10, 10 },
	{ "TOS-network-unreachable", 3, 11, 11 },
	{ "TOS-host-unreachable", 3, 12, 12 },
	{ "communication-prohibited", 3, 13, 13 },
	{ "host-precedence-violation", 3, 14, 14 },
	{ "precedence-cutoff", 3, 15, 15 },
	{ "source-quench", 4, ANY_CODE },
	{ "redirect", 5, ANY_CODE },
	{ "network-redirect", 5, 0, 0 },
	{ "host-redirect", 5, 1, 1 },
	{ "TOS-network-redirect", 5, 2, 2 },
	{ "TOS-host-redirect", 5, 3, 3 },
	{ "echo-request", 8, ANY_CODE },
	{ "router-advertisement", 9, ANY_CODE },
	{ "router-solicitation", 10, ANY_CODE },
	{ "time-exceeded", 11, ANY_CODE },
	{ "ttl-zero-during-transit", 11, 0, 0 },
	{ "ttl-zero-during-reassembly", 11, 1, 1 },
	{ "parameter-problem", 12, ANY_CODE },
	{ "ip-header-bad", 12, 0, 0 },
	{ "required-option-missing", 12, 1, 1 },
	{ "timestamp-request", 13, ANY_CODE },
	{ "timestamp-reply", 14, ANY_CODE },
	{ "address-mask-request", 17, ANY_CODE },
	{ "address-mask-reply", 18, ANY_CODE },
	/* aliases */
	{ "pong", 0, ANY_CODE },
	{ "ping", 8, ANY_CODE },
	{ "ttl-exceeded", 11, ANY_CODE },
};

static const struct icmp_name icmp6_names[] = {
	{ "destination-unreachable", 1, ANY_CODE },
	{ "no-route", 1, 0, 0 },
	{ "communication-prohibited", 1, 1, 1 },
	{ "beyond-scope", 1, 2, 2 },
	{ "address-unreachable", 1, 3, 3 },
	{ "port-unreachable", 1, 4, 4 },
	{ "failed-policy", 1, 5, 5 },
	{ "reject-route", 1, 6, 6 },
	{ "packet-too-big", 2, ANY_CODE },
	{ "time-exceeded", 3, ANY_CODE },
	{ "ttl-zero-during-transit", 3, 0, 0 },
	{ "ttl-zero-during-reassembly", 3, 1, 1 },
	{ "parameter-problem", 4, ANY_CODE },
	{ "bad-header", 4, 0, 0 },
	{ "unknown-header-type", 4, 1, 1 },
	{ "unknown-option", 4, 2, 2 },
	{ "echo-request", 128, ANY_CODE },
	{ "echo-reply", 129, ANY_CODE },
	{ "router-solicitation", 133, ANY_CODE },
	{ "router-advertisement", 134, ANY_CODE },
	{ "neighbour-solicitation", 135, ANY_CODE },
	{ "neighbour-advertisement", 136, ANY_CODE },
	{ "redirect", 137, ANY_CODE },
	/* aliases */
	{ "ping", 128, ANY_CODE },
	{ "pong", 129, ANY_CODE },
	{ "ttl-exceeded", 3, ANY_CODE },
	{ "neighbor-solicitation", 135, ANY_CODE },
	{ "neighbor-advertisement", 136, ANY_CODE },
};

const struct icmp_name *icmp_names(uint8_t family, size_t *n)
{
	if (family == XTFW_FAMILY_IPV6) {
		*n = ARRAY_SIZE(icmp6_names);
		return icmp6_names;
	}
	*n = ARRAY_SIZE(icmp4_names);
	return icmp4_names;
}

const char *icmp_name_of(uint8_t family, uint8_t type, uint8_t cmin,
			 uint8_t cmax)
{
	size_t n;
	const struct icmp_name *t = icmp_names(family, &n);

	for (size_t i = 0; i < n; i++)
		if (t[i].type == type && t[i].code_min == cmin &&
		    t[i].code_max == cmax)
			return t[i].name;
	return NULL;
}

/* REJECT --reject-with: canonical names first, then iptables' aliases. */
const struct named_value reject_names4[] = {
	{ "icmp-net-unreachable", XTFW_REJECT_ICMP_NET_UNREACH },
	{ "icmp-host-unreachable", XTFW_REJECT_ICMP_HOST_UNREACH },
	{ "icmp-port-unreachable", XTFW_REJECT_ICMP_PORT_UNREACH },
	{ "icmp-proto-unreachable", XTFW_REJECT_ICMP_PROTO_UNREACH },
	{ "icmp-net-prohibited", XTFW_REJECT_ICMP_NET_PROHIBITED },
	{ "icmp-host-prohibited", XTFW_REJECT_ICMP_HOST_PROHIBITED },
	{ "tcp-reset", XTFW_REJECT_TCP_RESET },
	{ "icmp-admin-prohibited", XTFW_REJECT_ICMP_ADMIN_PROHIBITED },
	{ "net-unreach", XTFW_REJECT_ICMP_NET_UNREACH },
	{ "host-unreach", XTFW_REJECT_ICMP_HOST_UNREACH },
	{ "port-unreach", XTFW_REJECT_ICMP_PORT_UNREACH },
	{ "proto-unreach", XTFW_REJECT_ICMP_PROTO_UNREACH },
	{ "net-prohib", XTFW_REJECT_ICMP_NET_PROHIBITED },
	{ "host-prohib", XTFW_REJECT_ICMP_HOST_PROHIBITED },
	{ "tcp-rst", XTFW_REJECT_TCP_RESET },
	{ "admin-prohib", XTFW_REJECT_ICMP_ADMIN_PROHIBITED },
};
const size_t n_reject_names4 = ARRAY_SIZE(reject_names4);

const struct named_value reject_names6[] = {
	{ "icmp6-no-route", XTFW_REJECT_ICMP6_NO_ROUTE },
	{ "icmp6-adm-prohibited", XTFW_REJECT_ICMP6_ADM_PROHIBITED },
	{ "icmp6-addr-unreachable", XTFW_REJECT_ICMP6_ADDR_UNREACH },
	{ "icmp6-port-unreachable", XTFW_REJECT_ICMP6_PORT_UNREACH },
	{ "tcp-reset", XTFW_REJECT_TCP_RESET },
	{ "no-route", XTFW_REJECT_ICMP6_NO_ROUTE },
	{ "adm-prohibited", XTFW_REJECT_ICMP6_ADM_PROHIBITED },
	{ "addr-unreach", XTFW_REJECT_ICMP6_ADDR_UNREACH },
	{ "port-unreach", XTFW_REJECT_ICMP6_PORT_UNREACH },
	{ "tcp-rst", XTFW_REJECT_TCP_RESET },
};
const size_t n_reject_names6 = ARRAY_SIZE(reject_names6);

const char *reject_name(uint8_t family, uint32_t with)
{
	if (family == XTFW_FAMILY_IPV6)
		return value_name(reject_names6, n_reject_names6, with);
	return value_name(reject_names4, n_reject_names4, with);
}

/* --log-level accepts these (xtables' syslog level parser)... */
const struct named_value log_level_parse_names[] = {
	{ "alert", LOG_ALERT }, { "crit", LOG_CRIT }, { "debug", LOG_DEBUG },
	{ "emerg", LOG_EMERG }, { "error", LOG_ERR }, { "info", LOG_INFO },
	{ "notice", LOG_NOTICE }, { "panic", LOG_EMERG },
	{ "warning", LOG_WARNING },
	/* accepted by xtctl too: the names -L prints */
	{ "err", LOG_ERR }, { "warn", LOG_WARNING },
};
const size_t n_log_level_parse_names = ARRAY_SIZE(log_level_parse_names);

/* ...and -L prints these (libxt_LOG's own table). */
const struct named_value log_level_print_names[] = {
	{ "alert", LOG_ALERT }, { "crit", LOG_CRIT }, { "debug", LOG_DEBUG },
	{ "emerg", LOG_EMERG }, { "err", LOG_ERR }, { "info", LOG_INFO },
	{ "notice", LOG_NOTICE }, { "panic", LOG_EMERG },
	{ "warn", LOG_WARNING },
};
const size_t n_log_level_print_names = ARRAY_SIZE(log_level_print_names);

const struct named_value addrtype_names[] = {
	{ "UNSPEC", XTFW_ADDRTYPE_UNSPEC },
	{ "UNICAST", XTFW_ADDRTYPE_UNICAST },
	{ "LOCAL", XTFW_ADDRTYPE_LOCAL },
	{ "BROADCAST", XTFW_ADDRTYPE_BROADCAST },
	{ "ANYCAST", XTFW_ADDRTYPE_ANYCAST },
	{ "MULTICAST", XTFW_ADDRTYPE_MULTICAST },
	{ "BLACKHOLE", XTFW_ADDRTYPE_BLACKHOLE },
	{ "UNREACHABLE", XTFW_ADDRTYPE_UNREACHABLE },
	{ "PROHIBIT", XTFW_ADDRTYPE_PROHIBIT },
	{ "THROW", XTFW_ADDRTYPE_THROW },
	{ "NAT", XTFW_ADDRTYPE_NAT },
	{ "XRESOLVE", XTFW_ADDRTYPE_XRESOLVE },
};
const size_t n_addrtype_names = ARRAY_SIZE(addrtype_names);

/* Values are linux/if_packet.h's PACKET_HOST, _BROADCAST, _MULTICAST. */
const struct named_value pkttype_names[] = {
	{ "unicast", 0 }, { "broadcast", 1 }, { "multicast", 2 },
	{ "bcast", 1 }, { "mcast", 2 }, { "host", 0 },
};
const size_t n_pkttype_names = ARRAY_SIZE(pkttype_names);

const struct named_value tcp_flag_names[] = {
	{ "FIN", XTFW_TCP_FIN }, { "SYN", XTFW_TCP_SYN },
	{ "RST", XTFW_TCP_RST }, { "PSH", XTFW_TCP_PSH },
	{ "ACK", XTFW_TCP_ACK }, { "URG", XTFW_TCP_URG },
	{ "ECE", XTFW_TCP_ECE }, { "CWR", XTFW_TCP_CWR },
	{ "ALL", 0x3f }, { "NONE", 0 },
};
const size_t n_tcp_flag_names = ARRAY_SIZE(tcp_flag_names);

const char *value_name(const struct named_value *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

long value_by_name(const struct named_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(t[i].name, name) == 0)
			return t[i].value;
	return -1;
}
