// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl monitor: trace events printed as iptables' TRACE lines (rule,
 * return and policy steps, IPv4 and IPv6).
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>

#include "test.h"
#include "../ct.h"

static char buf[4096];

static struct nlattr *trace_nest(uint8_t family, uint8_t type, uint8_t table,
				 uint8_t hook, const char *chain,
				 uint32_t rulenum, int verdict)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	union xtfw_addr src = { 0 }, dst = { 0 };
	struct nlattr *nest;
	int af = family == XTFW_FAMILY_IPV4 ? AF_INET : AF_INET6;

	inet_pton(af, af == AF_INET ? "10.0.1.1" : "fd00:1::1", &src);
	inet_pton(af, af == AF_INET ? "10.0.1.2" : "fd00:1::2", &dst);
	nest = mnl_attr_nest_start(nlh, XTFW_A_TRACE);
	mnl_attr_put_u32(nlh, XTFW_TRACE_A_ID, 0xabcd);
	mnl_attr_put_u8(nlh, XTFW_TRACE_A_TYPE, type);
	mnl_attr_put_u8(nlh, XTFW_TRACE_A_FAMILY, family);
	mnl_attr_put_u8(nlh, XTFW_TRACE_A_TABLE, table);
	mnl_attr_put_u8(nlh, XTFW_TRACE_A_HOOK, hook);
	mnl_attr_put_strz(nlh, XTFW_TRACE_A_CHAIN, chain);
	if (rulenum)
		mnl_attr_put_u32(nlh, XTFW_TRACE_A_RULENUM, rulenum);
	if (verdict >= 0)
		mnl_attr_put_u32(nlh, XTFW_TRACE_A_VERDICT, verdict);
	mnl_attr_put_strz(nlh, XTFW_TRACE_A_IIF, "veth0");
	mnl_attr_put(nlh, XTFW_TRACE_A_SRC, sizeof(src), &src);
	mnl_attr_put(nlh, XTFW_TRACE_A_DST, sizeof(dst), &dst);
	mnl_attr_put_u8(nlh, XTFW_TRACE_A_PROTO, 6);
	mnl_attr_put_u16(nlh, XTFW_TRACE_A_SPORT, 40000);
	mnl_attr_put_u16(nlh, XTFW_TRACE_A_DPORT, 22);
	mnl_attr_put_u32(nlh, XTFW_TRACE_A_LEN, 60);
	mnl_attr_put_u32(nlh, XTFW_TRACE_A_MARK, 0);
	mnl_attr_nest_end(nlh, nest);
	return nest;
}

static const char *line_of(const struct nlattr *nest)
{
	static char out[512];
	struct sbuf b = { 0 };

	monitor_format_trace(&b, nest);
	snprintf(out, sizeof(out), "%s", sb_str(&b));
	sb_free(&b);
	return out;
}

static void test_trace_rule(void)
{
	CHECK_STR(line_of(trace_nest(XTFW_FAMILY_IPV4, XTFW_TRACE_RULE,
				     XTFW_TABLE_FILTER, NF_INET_LOCAL_IN,
				     "INPUT", 3, NF_ACCEPT)),
		  "TRACE: filter:INPUT:rule:3 ACCEPT HOOK=INPUT IN=veth0 OUT= SRC=10.0.1.1 DST=10.0.1.2 LEN=60 PROTO=TCP SPT=40000 DPT=22 MARK=0x0 ID=0000abcd\n");
}

static void test_trace_return_policy_v6(void)
{
	CHECK_STR(line_of(trace_nest(XTFW_FAMILY_IPV6, XTFW_TRACE_RETURN,
				     XTFW_TABLE_RAW, NF_INET_PRE_ROUTING,
				     "users", 0, -1)),
		  "TRACE: ip6:raw:users:return HOOK=PREROUTING IN=veth0 OUT= SRC=fd00:1::1 DST=fd00:1::2 LEN=60 PROTO=TCP SPT=40000 DPT=22 MARK=0x0 ID=0000abcd\n");
	CHECK_STR(line_of(trace_nest(XTFW_FAMILY_IPV6, XTFW_TRACE_POLICY,
				     XTFW_TABLE_FILTER, NF_INET_FORWARD,
				     "FORWARD", 0, NF_DROP)),
		  "TRACE: ip6:filter:FORWARD:policy DROP HOOK=FORWARD IN=veth0 OUT= SRC=fd00:1::1 DST=fd00:1::2 LEN=60 PROTO=TCP SPT=40000 DPT=22 MARK=0x0 ID=0000abcd\n");
}

static const struct test_case cases[] = {
	{ "trace_rule", test_trace_rule },
	{ "trace_return_policy_v6", test_trace_return_policy_v6 },
};

SUITE(monitor_suite, cases);
