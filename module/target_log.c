// SPDX-License-Identifier: GPL-2.0
/*
 * LOG: one kernel log line per packet, in the format of iptables' LOG.
 * The line is written by the kernel's own syslog logger (nf_log_syslog,
 * through nf_log_packet()), the one xt_LOG uses, so the format is the
 * same byte for byte and so is its rule for other network namespaces:
 * they log only when net.netfilter.nf_log_all_netns is 1.
 *
 * On top of that xtfw limits the lines of all namespaces together, so a
 * rule set can never flood the log; suppressed lines are counted, and the
 * count is logged as "xtfw LOG: N callbacks suppressed" once lines may be
 * written again.
 */
#include <linux/kmod.h>
#include <linux/ratelimit.h>
#include <net/netfilter/nf_log.h>

#include "target.h"

enum log_limits {
	LOG_LEVEL_DEFAULT = 4,		/* warning, as iptables */
	LOG_BURST = 100,		/* lines per LOG_INTERVAL */
	LOG_INTERVAL = HZ,
};

static DEFINE_RATELIMIT_STATE(log_ratelimit, LOG_INTERVAL, LOG_BURST);

static u8 log_pf(u8 family)
{
	return family == XTFW_FAMILY_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
}

/* Hold the syslog logger of the family for as long as the rule lives. */
static int logger_get(u8 pf)
{
	if (!nf_logger_find_get(pf, NF_LOG_TYPE_LOG))
		return 0;
	request_module("nf_log_syslog");
	return nf_logger_find_get(pf, NF_LOG_TYPE_LOG);
}

int xtfw_log_parse(struct xtfw_target *t, const struct xtfw_targs *a)
{
	struct nlattr **tb = a->tb;

	t->u.log.level = LOG_LEVEL_DEFAULT;
	if (tb[XTFW_TARGET_A_LOG_LEVEL])
		t->u.log.level = nla_get_u8(tb[XTFW_TARGET_A_LOG_LEVEL]);
	if (tb[XTFW_TARGET_A_LOG_FLAGS])
		t->u.log.flags = nla_get_u32(tb[XTFW_TARGET_A_LOG_FLAGS]);
	if (tb[XTFW_TARGET_A_LOG_PREFIX])
		nla_strscpy(t->u.log.prefix, tb[XTFW_TARGET_A_LOG_PREFIX],
			    sizeof(t->u.log.prefix));
	t->u.log.pf = log_pf(a->ctx->family);
	if (logger_get(t->u.log.pf))
		return xtfw_parse_error(a->ctx, a->nest,
					"LOG needs the kernel's nf_log_syslog module, which could not be loaded");
	return 0;
}

void xtfw_log_destroy(struct xtfw_target *t)
{
	nf_logger_put(t->u.log.pf, NF_LOG_TYPE_LOG);
}

int xtfw_log_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt)
{
	const struct nf_hook_state *state = pkt->state;
	const struct nf_loginfo info = {
		.type = NF_LOG_TYPE_LOG,
		.u.log.level = t->u.log.level,
		.u.log.logflags = t->u.log.flags,
	};

	/* Lines the logger would drop must not use up the budget. */
	if (!net_eq(state->net, &init_net) &&
	    !READ_ONCE(sysctl_nf_log_all_netns))
		return XTFW_CONTINUE;
	if (___ratelimit(&log_ratelimit, "xtfw LOG"))
		nf_log_packet(state->net, t->u.log.pf, state->hook, pkt->skb,
			      state->in, state->out, &info, "%s",
			      t->u.log.prefix);
	return XTFW_CONTINUE;
}
