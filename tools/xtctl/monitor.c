// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl monitor trace|ct: the family's multicast groups, one line per
 * event, as iptables' TRACE log lines and conntrack -E print them.
 *
 *   xtctl monitor trace [-4|-6] [--count N] [--timeout SECONDS]
 *   xtctl monitor ct [-4|-6] [--count N] [--timeout SECONDS]
 *
 * Packets are traced by TRACE rules in the raw table (xtctl trace add
 * adds them). Exits after N events or SECONDS without one, if given.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "ct.h"
#include "names.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

struct group_query {
	const char *name;
	uint32_t id;
};

static int group_attr(const struct nlattr *a, void *data)
{
	struct group_query *q = data;
	const char *name = NULL;
	uint32_t id = 0;
	struct nlattr *g;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !mnl_attr_validate(g, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(g);
		else if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID &&
			 !mnl_attr_validate(g, MNL_TYPE_U32))
			id = mnl_attr_get_u32(g);
	}
	if (name && !strcmp(name, q->name))
		q->id = id;
	return MNL_CB_OK;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS) {
		struct nlattr *g;

		mnl_attr_for_each_nested(g, a)
			group_attr(g, data);
	}
	return MNL_CB_OK;
}

static int family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr,
			      data);
}

/* Join the family's multicast group @name. */
static void join(struct nl *nl, const char *name)
{
	struct group_query q = { name, 0 };
	struct nl_error e;

	if (nl_get_family(nl, family_msg, &q, &e) < 0)
		fail(XT_EXIT_RESOURCE, "cannot look up the xtfw family: %s",
		     nl_strerror(e.err));
	if (!q.id)
		fail(XT_EXIT_RESOURCE,
		     "this xtfw module has no \"%s\" events (too old?)", name);
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &q.id,
				  sizeof(q.id)) < 0)
		fail(XT_EXIT_RESOURCE, "cannot listen to %s events: %s", name,
		     nl_strerror(errno));
}

/* "[NEW] tcp 6 ..." as conntrack -E prints it. */
void monitor_format_ct(struct sbuf *b, uint8_t event, const struct nlattr *ct)
{
	static const char *const names[] = { "NEW", "UPDATE", "DESTROY" };
	struct ct_entry e;
	char tag[16];

	ct_parse_entry(ct, &e);
	snprintf(tag, sizeof(tag), "[%s]", event < 3 ? names[event] : "?");
	sb_printf(b, "%9s ", tag);
	ct_print_entry(b, &e);
}

struct monitor {
	uint8_t cmd;
	bool one_family;	/* only events of family */
	uint8_t family;
	unsigned long count, seen;
};

static int event_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type > 0 && type <= XTFW_A_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static uint8_t nest_family(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type &&
		    !mnl_attr_validate(a, MNL_TYPE_U8))
			return mnl_attr_get_u8(a);
	return 0;
}

static int event_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[XTFW_A_MAX + 1] = { 0 };
	struct monitor *m = data;
	struct sbuf b = { 0 };

	if (g->cmd != m->cmd)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*g), event_attr, tb);
	if (m->cmd == XTFW_CMD_TRACE && tb[XTFW_A_TRACE]) {
		if (m->one_family && nest_family(tb[XTFW_A_TRACE],
						 XTFW_TRACE_A_FAMILY) != m->family)
			return MNL_CB_OK;
		monitor_format_trace(&b, tb[XTFW_A_TRACE]);
	} else if (m->cmd == XTFW_CMD_CT_EVENT && tb[XTFW_A_CT] &&
		   tb[XTFW_A_CT_EVENT]) {
		if (m->one_family && nest_family(tb[XTFW_A_CT],
						 XTFW_CT_A_FAMILY) != m->family)
			return MNL_CB_OK;
		monitor_format_ct(&b, mnl_attr_get_u8(tb[XTFW_A_CT_EVENT]),
				  tb[XTFW_A_CT]);
	} else {
		return MNL_CB_OK;
	}
	fputs(sb_str(&b), stdout);
	fflush(stdout);
	sb_free(&b);
	m->seen++;
	return m->count && m->seen >= m->count ? MNL_CB_STOP : MNL_CB_OK;
}

static noreturn void monitor_usage(void)
{
	fputs("Usage: xtctl monitor trace|ct [-4|-6] [--count N] [--timeout SECONDS]\n",
	      stderr);
	exit(XT_EXIT_PARAM);
}

/*
 * xtctl trace add|del [-4|-6] MATCHES: a TRACE rule for those packets at
 * the top of raw PREROUTING and OUTPUT (del: the same rules removed).
 */
int cli_trace(int argc, char **argv)
{
	static const char *const chains[] = { "PREROUTING", "OUTPUT" };
	const char *fam = NULL;
	int i, first = 2, ret = 0;
	char **av;

	if (argc < 2 || (strcmp(argv[1], "add") && strcmp(argv[1], "del"))) {
		fputs("Usage: xtctl trace add|del [-4|-6] [MATCHES]\n", stderr);
		return XT_EXIT_PARAM;
	}
	if (argc > 2 && (!strcmp(argv[2], "-4") || !strcmp(argv[2], "-6"))) {
		fam = argv[2];
		first = 3;
	}
	av = xmalloc((argc + 16) * sizeof(*av));
	for (i = 0; i < 2 && !ret; i++) {
		int n = 0, j;

		av[n++] = "xtctl";
		if (fam)
			av[n++] = (char *)fam;
		av[n++] = "-t";
		av[n++] = "raw";
		av[n++] = !strcmp(argv[1], "add") ? "-I" : "-D";
		av[n++] = (char *)chains[i];
		for (j = first; j < argc; j++)
			av[n++] = argv[j];
		av[n++] = "-m";
		av[n++] = "comment";
		av[n++] = "--comment";
		av[n++] = "xtctl-trace";
		av[n++] = "-j";
		av[n++] = "TRACE";
		av[n] = NULL;
		ret = cli_command(n, av);
	}
	free(av);
	return ret;
}

int cli_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	int timeout_ms = -1, i, ret;
	struct nl nl;

	if (argc < 2)
		monitor_usage();
	if (!strcmp(argv[1], "trace"))
		m.cmd = XTFW_CMD_TRACE;
	else if (!strcmp(argv[1], "ct"))
		m.cmd = XTFW_CMD_CT_EVENT;
	else
		monitor_usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-4") || !strcmp(argv[i], "-6")) {
			m.one_family = true;
			m.family = argv[i][1] == '6' ? XTFW_FAMILY_IPV6 :
						       XTFW_FAMILY_IPV4;
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			m.count = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			timeout_ms = atoi(argv[++i]) * 1000;
		} else {
			monitor_usage();
		}
	}
	nl_open(&nl);
	join(&nl, m.cmd == XTFW_CMD_TRACE ? XTFW_MCGRP_TRACE : XTFW_MCGRP_CT);
	for (;;) {
		struct pollfd pfd = {
			.fd = mnl_socket_get_fd(nl.sock), .events = POLLIN,
		};
		ssize_t n;

		ret = poll(&pfd, 1, timeout_ms);
		if (ret == 0)
			break;
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			fail(XT_EXIT_RESOURCE, "poll: %s", strerror(errno));
		}
		n = mnl_socket_recvfrom(nl.sock, nl.rbuf, 1 << 16);
		if (n < 0) {
			if (errno == ENOBUFS) {
				fputs("xtctl: events lost (the kernel's buffer was full)\n",
				      stderr);
				continue;
			}
			fail(XT_EXIT_RESOURCE, "receive: %s", strerror(errno));
		}
		ret = mnl_cb_run(nl.rbuf, n, 0, 0, event_msg, &m);
		if (ret == MNL_CB_STOP)
			break;
	}
	nl_close(&nl);
	return 0;
}
