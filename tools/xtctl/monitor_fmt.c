// SPDX-License-Identifier: GPL-2.0
/*
 * The lines of xtctl monitor: trace events as iptables' TRACE log lines,
 * conntrack events as conntrack -E prints them. No netlink socket here,
 * so the unit tests can check them.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

#include "ct.h"
#include "names.h"

static const char *hook_names[] = {
	[NF_INET_PRE_ROUTING] = "PREROUTING", [NF_INET_LOCAL_IN] = "INPUT",
	[NF_INET_FORWARD] = "FORWARD", [NF_INET_LOCAL_OUT] = "OUTPUT",
	[NF_INET_POST_ROUTING] = "POSTROUTING",
};

static const char *verdict_name(uint32_t v)
{
	switch (v & NF_VERDICT_MASK) {
	case NF_ACCEPT:
		return "ACCEPT";
	case NF_DROP:
		return "DROP";
	case NF_STOLEN:
		return "STOLEN";
	case NF_QUEUE:
		return "QUEUE";
	default:
		return "?";
	}
}

struct trace_ev {
	struct nlattr *tb[XTFW_TRACE_A_MAX + 1];
};

static int trace_attr(const struct nlattr *a, void *data)
{
	struct trace_ev *ev = data;
	int type = mnl_attr_get_type(a);

	if (type > 0 && type <= XTFW_TRACE_A_MAX)
		ev->tb[type] = (struct nlattr *)a;
	return MNL_CB_OK;
}

static uint32_t u32_or(const struct nlattr *a, uint32_t def)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_U32) ?
	       mnl_attr_get_u32(a) : def;
}

static uint8_t u8_or(const struct nlattr *a, uint8_t def)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_U8) ?
	       mnl_attr_get_u8(a) : def;
}

static const char *str_or(const struct nlattr *a, const char *def)
{
	return a && !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) ?
	       mnl_attr_get_str(a) : def;
}

static void put_addr(struct sbuf *b, const char *what, const struct nlattr *a,
		     uint8_t family)
{
	char s[INET6_ADDRSTRLEN];

	if (!a || mnl_attr_get_payload_len(a) != sizeof(union xtfw_addr))
		return;
	inet_ntop(family == XTFW_FAMILY_IPV4 ? AF_INET : AF_INET6,
		  mnl_attr_get_payload(a), s, sizeof(s));
	sb_printf(b, " %s=%s", what, s);
}

/*
 * "TRACE: filter:INPUT:rule:3 ACCEPT IN=veth0 OUT= SRC=... ID=..." as
 * iptables' TRACE lines, with the verdict where the walk ended.
 */
void monitor_format_trace(struct sbuf *b, const struct nlattr *nest)
{
	static const char *const types[] = { "rule", "return", "policy" };
	struct trace_ev ev = { 0 };
	uint8_t family, type, hook, proto;
	const char *pname;

	mnl_attr_parse_nested(nest, trace_attr, &ev);
	family = u8_or(ev.tb[XTFW_TRACE_A_FAMILY], 0);
	type = u8_or(ev.tb[XTFW_TRACE_A_TYPE], 0);
	hook = u8_or(ev.tb[XTFW_TRACE_A_HOOK], 0);
	sb_printf(b, "TRACE: %s%s:%s:%s",
		  family == XTFW_FAMILY_IPV6 ? "ip6:" : "",
		  table_name(u8_or(ev.tb[XTFW_TRACE_A_TABLE], 0)),
		  str_or(ev.tb[XTFW_TRACE_A_CHAIN], "?"),
		  type < 3 ? types[type] : "?");
	if (type == XTFW_TRACE_RULE)
		sb_printf(b, ":%u", u32_or(ev.tb[XTFW_TRACE_A_RULENUM], 0));
	if (ev.tb[XTFW_TRACE_A_VERDICT])
		sb_printf(b, " %s",
			  verdict_name(u32_or(ev.tb[XTFW_TRACE_A_VERDICT], 0)));
	sb_printf(b, " HOOK=%s IN=%s OUT=%s",
		  hook < 5 ? hook_names[hook] : "?",
		  str_or(ev.tb[XTFW_TRACE_A_IIF], ""),
		  str_or(ev.tb[XTFW_TRACE_A_OIF], ""));
	put_addr(b, "SRC", ev.tb[XTFW_TRACE_A_SRC], family);
	put_addr(b, "DST", ev.tb[XTFW_TRACE_A_DST], family);
	sb_printf(b, " LEN=%u", u32_or(ev.tb[XTFW_TRACE_A_LEN], 0));
	proto = u8_or(ev.tb[XTFW_TRACE_A_PROTO], 0);
	pname = proto_name(proto, false);
	if (pname) {
		sb_puts(b, " PROTO=");
		for (; *pname; pname++)
			sb_putc(b, toupper((unsigned char)*pname));
	} else {
		sb_printf(b, " PROTO=%u", proto);
	}
	if (ev.tb[XTFW_TRACE_A_SPORT] &&
	    !mnl_attr_validate(ev.tb[XTFW_TRACE_A_SPORT], MNL_TYPE_U16))
		sb_printf(b, " SPT=%u DPT=%u",
			  mnl_attr_get_u16(ev.tb[XTFW_TRACE_A_SPORT]),
			  ev.tb[XTFW_TRACE_A_DPORT] ?
			  mnl_attr_get_u16(ev.tb[XTFW_TRACE_A_DPORT]) : 0);
	sb_printf(b, " MARK=0x%x ID=%08x",
		  u32_or(ev.tb[XTFW_TRACE_A_MARK], 0),
		  u32_or(ev.tb[XTFW_TRACE_A_ID], 0));
	if (ev.tb[XTFW_TRACE_A_LOST])
		sb_printf(b, " LOST=%u", u32_or(ev.tb[XTFW_TRACE_A_LOST], 0));
	sb_puts(b, "\n");
}
