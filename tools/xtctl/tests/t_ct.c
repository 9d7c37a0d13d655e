// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl ct: entries printed as conntrack -L prints them (NAT'ed ones with
 * their two different tuples), as JSON, and the counters of "ct stats"
 * read from attributes the way the kernel lays them out (a PAD attribute
 * among them, counters after it, some a newer module may add).
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "test.h"
#include "../ct.h"

static union xtfw_addr ip(const char *s)
{
	union xtfw_addr a = { 0 };

	CHECK(inet_pton(strchr(s, ':') ? AF_INET6 : AF_INET, s, &a) == 1);
	return a;
}

/* A TCP connection from 10.0.1.1:40000 to 10.0.2.2:80, SNAT'ed. */
static struct ct_entry snat_entry(void)
{
	struct ct_entry e = {
		.family = XTFW_FAMILY_IPV4, .proto = IPPROTO_TCP,
		.has_tcp_state = true, .tcp_state = XTFW_TCP_ESTABLISHED,
		.sport = { 40000, 80 }, .dport = { 80, 2003 },
		.status = XTFW_CT_S_SEEN_REPLY | XTFW_CT_S_ASSURED |
			  XTFW_CT_S_CONFIRMED | XTFW_CT_S_SNAT,
		.timeout = 431999, .id = 7,
		.packets = { 6, 4 }, .bytes = { 400, 300 },
	};

	e.src[0] = ip("10.0.1.1");
	e.dst[0] = ip("10.0.2.2");
	e.src[1] = ip("10.0.2.2");
	e.dst[1] = ip("10.0.2.1");
	return e;
}

/* A first UDP packet to [fd00:2::1]:8080, DNAT'ed to [fd00:1::2]:80. */
static struct ct_entry dnat_entry(void)
{
	struct ct_entry e = {
		.family = XTFW_FAMILY_IPV6, .proto = IPPROTO_UDP,
		.sport = { 5000, 80 }, .dport = { 8080, 5000 },
		.status = XTFW_CT_S_CONFIRMED | XTFW_CT_S_DNAT,
		.timeout = 30, .mark = 66, .id = 8,
		.packets = { 1, 0 }, .bytes = { 60, 0 },
	};

	e.src[0] = ip("fd00:2::2");
	e.dst[0] = ip("fd00:2::1");
	e.src[1] = ip("fd00:1::2");
	e.dst[1] = ip("fd00:2::2");
	return e;
}

static void test_list_nat(void)
{
	struct ct_entry e = snat_entry();
	struct sbuf b = { 0 };

	ct_print_entry(&b, &e);
	CHECK_STR(sb_str(&b),
		  "tcp      6 431999 ESTABLISHED src=10.0.1.1 dst=10.0.2.2 sport=40000 dport=80 src=10.0.2.2 dst=10.0.2.1 sport=80 dport=2003 [ASSURED] mark=0 use=1\n");
	sb_reset(&b);
	e = dnat_entry();
	ct_print_entry(&b, &e);
	CHECK_STR(sb_str(&b),
		  "udp      17 30 src=fd00:2::2 dst=fd00:2::1 sport=5000 dport=8080 [UNREPLIED] src=fd00:1::2 dst=fd00:2::2 sport=80 dport=5000 mark=66 use=1\n");
	sb_free(&b);
}

static void test_json_nat(void)
{
	struct ct_entry e[2] = { snat_entry(), dnat_entry() };
	struct sbuf b = { 0 };

	ct_print_json(&b, e, 2);
	CHECK_STR(sb_str(&b),
		  "[{\"family\":\"ipv4\",\"proto\":\"tcp\",\"protonum\":6,\"timeout\":431999,\"state\":\"ESTABLISHED\","
		  "\"orig\":{\"src\":\"10.0.1.1\",\"dst\":\"10.0.2.2\",\"sport\":40000,\"dport\":80,\"packets\":6,\"bytes\":400},"
		  "\"reply\":{\"src\":\"10.0.2.2\",\"dst\":\"10.0.2.1\",\"sport\":80,\"dport\":2003,\"packets\":4,\"bytes\":300},"
		  "\"status\":[\"SEEN_REPLY\",\"ASSURED\",\"CONFIRMED\",\"SNAT\"],\"mark\":0,\"id\":7},"
		  "{\"family\":\"ipv6\",\"proto\":\"udp\",\"protonum\":17,\"timeout\":30,"
		  "\"orig\":{\"src\":\"fd00:2::2\",\"dst\":\"fd00:2::1\",\"sport\":5000,\"dport\":8080,\"packets\":1,\"bytes\":60},"
		  "\"reply\":{\"src\":\"fd00:1::2\",\"dst\":\"fd00:2::2\",\"sport\":80,\"dport\":5000,\"packets\":0,\"bytes\":0},"
		  "\"status\":[\"CONFIRMED\",\"DNAT\"],\"mark\":66,\"id\":8}]\n");
	sb_free(&b);
}

/* Parse the XTFW_A_CT_STATS nest of buf as ct_cli.c does, print it. */
static const char *stats_text(struct nlmsghdr *nlh)
{
	static struct sbuf b;
	struct ct_stats s = { 0 };
	const struct nlattr *nest = mnl_nlmsg_get_payload(nlh), *a;

	mnl_attr_for_each_nested(a, nest)
		ct_stats_attr(&s, a);
	sb_reset(&b);
	ct_print_stats(&b, &s);
	return sb_str(&b);
}

static struct nlmsghdr *stats_msg(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	mnl_attr_nest_start(nlh, XTFW_A_CT_STATS);
	return nlh;
}

static void test_stats_layout(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = stats_msg(buf);
	struct nlattr *nest = mnl_nlmsg_get_payload(nlh);

	/* as nla_put_u64_64bit: a PAD attribute may come before any u64 */
	for (unsigned int t = XTFW_CTSTATS_A_FOUND; t < XTFW_CTSTATS_A_PAD; t++)
		mnl_attr_put_u64(nlh, t, t);
	mnl_attr_put(nlh, XTFW_CTSTATS_A_PAD, 0, NULL);
	mnl_attr_put_u64(nlh, XTFW_CTSTATS_A_NAT_FAILED, 1ULL << 40);
	mnl_attr_put_u64(nlh, __XTFW_CTSTATS_A_MAX + 3, 99);	/* newer */
	mnl_attr_put_u32(nlh, XTFW_CTSTATS_A_DROP, 98);	/* not a u64 */
	mnl_attr_nest_end(nlh, nest);
	CHECK_STR(stats_text(nlh),
		  "found=1 new=2 invalid=3 insert_failed=4 drop=5 early_drop=6 search_restart=7 nat_failed=1099511627776\n");
}

/* A module without NAT sends no nat_failed: none is made up. */
static void test_stats_older_module(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = stats_msg(buf);
	struct nlattr *nest = mnl_nlmsg_get_payload(nlh);

	mnl_attr_put_u64(nlh, XTFW_CTSTATS_A_FOUND, 10);
	mnl_attr_put_u64(nlh, XTFW_CTSTATS_A_SEARCH_RESTART, 0);
	mnl_attr_nest_end(nlh, nest);
	CHECK_STR(stats_text(nlh), "found=10 search_restart=0\n");
}

/* A counter added to the uapi without a name here would never print. */
static void test_stats_all_named(void)
{
	for (unsigned int t = 0; t < __XTFW_CTSTATS_A_MAX + 2; t++) {
		bool counter = t != XTFW_CTSTATS_A_UNSPEC &&
			       t != XTFW_CTSTATS_A_PAD &&
			       t < __XTFW_CTSTATS_A_MAX;

		if (counter != (ct_stat_name(t) != NULL))
			fprintf(stderr, "  attribute %u\n", t);
		CHECK(counter == (ct_stat_name(t) != NULL));
	}
	CHECK_STR(ct_stat_name(XTFW_CTSTATS_A_NAT_FAILED) ?: "(none)",
		  "nat_failed");
}

static const struct test_case cases[] = {
	{ "list_nat", test_list_nat },
	{ "json_nat", test_json_nat },
	{ "stats_layout", test_stats_layout },
	{ "stats_older_module", test_stats_older_module },
	{ "stats_all_named", test_stats_all_named },
};

SUITE(ct_suite, cases);
