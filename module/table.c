// SPDX-License-Identifier: GPL-2.0
/*
 * The fixed shape of the five tables: which built-in chains (hooks) each
 * has and at which priority its hook functions run, as in iptables.
 */
#include <uapi/linux/netfilter_ipv4.h>

#include "xtfw.h"

#define HOOK(h) (1U << NF_INET_##h)

static const struct {
	const char *name;
	u32 hooks;
	int priority;
} tables[__XTFW_TABLE_MAX] = {
	[XTFW_TABLE_RAW] = {
		"raw", HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT), NF_IP_PRI_RAW
	},
	[XTFW_TABLE_MANGLE] = {
		"mangle", HOOK(PRE_ROUTING) | HOOK(LOCAL_IN) | HOOK(FORWARD) |
			  HOOK(LOCAL_OUT) | HOOK(POST_ROUTING),
		NF_IP_PRI_MANGLE
	},
	[XTFW_TABLE_NAT] = {
		"nat", HOOK(PRE_ROUTING) | HOOK(LOCAL_IN) | HOOK(LOCAL_OUT) |
		       HOOK(POST_ROUTING),
		NF_IP_PRI_NAT_DST
	},
	[XTFW_TABLE_FILTER] = {
		"filter", HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT),
		NF_IP_PRI_FILTER
	},
	[XTFW_TABLE_SECURITY] = {
		"security", HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT),
		NF_IP_PRI_SECURITY
	},
};

static const char * const hook_names[XTFW_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING]	= "PREROUTING",
	[NF_INET_LOCAL_IN]	= "INPUT",
	[NF_INET_FORWARD]	= "FORWARD",
	[NF_INET_LOCAL_OUT]	= "OUTPUT",
	[NF_INET_POST_ROUTING]	= "POSTROUTING",
};

const char *xtfw_table_name(u8 table)
{
	return table < __XTFW_TABLE_MAX ? tables[table].name : "?";
}

const char *xtfw_hook_name(u8 hook)
{
	return hook < XTFW_NUMHOOKS ? hook_names[hook] : "?";
}

u32 xtfw_table_hooks(u8 table)
{
	return tables[table].hooks;
}

/*
 * The nat table translates destinations before routing and sources after
 * it, so its INPUT and POSTROUTING hooks run late (iptables' NAT_SRC).
 */
int xtfw_table_priority(u8 table, u8 hook)
{
	if (table == XTFW_TABLE_NAT &&
	    (hook == NF_INET_LOCAL_IN || hook == NF_INET_POST_ROUTING))
		return NF_IP_PRI_NAT_SRC;
	return tables[table].priority;
}
