// SPDX-License-Identifier: GPL-2.0
/* The extension registry and helpers shared by extensions. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "names.h"
#include "resolve.h"

static const struct mt_ext *const matches[] = {
	&mt_tcp, &mt_udp, &mt_udplite, &mt_sctp, &mt_icmp, &mt_icmpv6,
	&mt_multiport, &mt_conntrack, &mt_state, &mt_mark, &mt_connmark,
	&mt_limit, &mt_length, &mt_ttl, &mt_hl, &mt_iprange, &mt_comment,
	&mt_addrtype, &mt_recent, &mt_owner, &mt_statistic, &mt_pkttype,
	&mt_rt, &mt_frag,
};

static const struct tg_ext *const targets[] = {
	&tg_accept, &tg_drop, &tg_return, &tg_reject, &tg_log, &tg_mark,
	&tg_connmark, &tg_notrack, &tg_ct, &tg_ttl, &tg_hl, &tg_snat,
	&tg_dnat, &tg_masquerade, &tg_redirect, &tg_netmap, &tg_trace,
};

/* "-m icmp6" is how ip6tables names the ICMPv6 match. */
static const char *match_alias(const char *name)
{
	if (strcmp(name, "icmpv6") == 0 || strcmp(name, "ipv6-icmp") == 0)
		return "icmp6";
	return name;
}

const struct mt_ext *mt_ext_by_name(const char *name, uint8_t family)
{
	name = match_alias(name);
	for (size_t i = 0; i < ARRAY_SIZE(matches); i++)
		if (strcmp(matches[i]->name, name) == 0 &&
		    (matches[i]->families & FAM_BIT(family)))
			return matches[i];
	return NULL;
}

const struct mt_ext *mt_ext_by_type(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(matches); i++)
		if (matches[i]->type == type)
			return matches[i];
	return NULL;
}

const struct tg_ext *tg_ext_by_name(const char *name, uint8_t family)
{
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		if (strcmp(targets[i]->name, name) == 0 &&
		    (targets[i]->families & FAM_BIT(family)))
			return targets[i];
	return NULL;
}

const struct tg_ext *tg_ext_by_type(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
		if (targets[i]->type == type)
			return targets[i];
	return NULL;
}

const struct ext_opt *ext_find_opt(const struct ext_opt *opts,
				   const char *name)
{
	for (; opts && opts->name; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

void ext_once(uint32_t *seen, const struct ext_opt *o)
{
	if (*seen & (1U << o->id))
		perr("option \"--%s\" can only be used once", o->name);
	*seen |= 1U << o->id;
}

void emit_opt(struct emit *e, bool inv, const char *name, const char *fmt,
	      ...)
{
	char val[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	e->opt(e, inv, name, val, false);
}

void emit_flag(struct emit *e, bool inv, const char *name)
{
	e->opt(e, inv, name, NULL, false);
}

void emit_str(struct emit *e, bool inv, const char *name, const char *s)
{
	e->opt(e, inv, name, s, true);
}

const char *rule_proto_name(const struct rule *r)
{
	return proto_name(r->proto, false);
}

bool rule_has_port_proto(const struct rule *r)
{
	if (r->inv & XTFW_INV_PROTO)
		return false;
	switch (r->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
		return true;
	}
	return false;
}

void print_port(struct pr *p, uint16_t port, const char *proto)
{
	const char *svc = NULL;

	if (!p->numeric && proto)
		svc = resolver->service(port, proto);
	if (svc)
		sb_puts(p->b, svc);
	else
		sb_printf(p->b, "%u", port);
}

void sb_mask_hex(struct sbuf *b, uint32_t mark, uint32_t mask)
{
	if (mask != UINT32_MAX)
		sb_printf(b, " 0x%x/0x%x", mark, mask);
	else
		sb_printf(b, " 0x%x", mark);
}
