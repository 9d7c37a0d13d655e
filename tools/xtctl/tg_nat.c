// SPDX-License-Identifier: GPL-2.0
/* NAT targets: SNAT, DNAT, MASQUERADE, REDIRECT and NETMAP. */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"

enum { O_TO, O_RANDOM, O_RANDOM_FULLY, O_PERSISTENT, O_TO_PORTS };

static const struct ext_opt snat_opts[] = {
	{ "to-source", O_TO, 1, false },
	{ "random", O_RANDOM, 0, false },
	{ "random-fully", O_RANDOM_FULLY, 0, false },
	{ "persistent", O_PERSISTENT, 0, false },
	{ NULL },
};

static const struct ext_opt dnat_opts[] = {
	{ "to-destination", O_TO, 1, false },
	{ "random", O_RANDOM, 0, false },
	{ "persistent", O_PERSISTENT, 0, false },
	{ NULL },
};

static const struct ext_opt masquerade_opts[] = {
	{ "to-ports", O_TO_PORTS, 1, false },
	{ "random", O_RANDOM, 0, false },
	{ "random-fully", O_RANDOM_FULLY, 0, false },
	{ NULL },
};

static const struct ext_opt redirect_opts[] = {
	{ "to-ports", O_TO_PORTS, 1, false },
	{ "random", O_RANDOM, 0, false },
	{ NULL },
};

static const struct ext_opt netmap_opts[] = {
	{ "to", O_TO, 1, false },
	{ NULL },
};

static const uint32_t flag_of[] = {
	[O_RANDOM] = XTFW_NAT_F_RANDOM,
	[O_RANDOM_FULLY] = XTFW_NAT_F_RANDOM_FULLY,
	[O_PERSISTENT] = XTFW_NAT_F_PERSISTENT,
};

static void nat_init(struct tg *t, const struct rule *r)
{
	(void)r;
	t->has |= BIT64(XTFW_TARGET_A_NAT_FLAGS);
	if (t->type != XTFW_TARGET_MASQUERADE &&
	    t->type != XTFW_TARGET_REDIRECT)
		t->has |= BIT64(XTFW_TARGET_A_NAT_RANGE);
}

static const char *port_proto(const struct rule *r)
{
	if (!rule_has_port_proto(r))
		perr("port mapping needs -p tcp|udp|udplite|sctp");
	return proto_name(r->proto, false);
}

/* "P" or "P-Q" */
static void parse_nat_ports(struct tg *t, const char *s, const struct rule *r)
{
	const char *proto = port_proto(r);
	const char *dash = strchr(s, '-');
	char lo[64];
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (strchr(s, ':'))
		perr("invalid port range \"%s\": use a dash, as in 1024-2048", s);
	if (n == 0 || n >= sizeof(lo))
		invarg("port", s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	t->nat.min_port = t->nat.max_port = parse_port(lo, proto);
	if (dash)
		t->nat.max_port = parse_u32(dash + 1, 0, PORT_MAX, "port");
	if (t->nat.max_port < t->nat.min_port)
		perr("invalid port range \"%s\" (min > max)", s);
	t->nat_flags |= XTFW_NAT_F_PROTO;
	t->has |= BIT64(XTFW_TARGET_A_NAT_RANGE);
}

static void parse_nat_addrs(struct tg *t, char *s, const struct rule *r)
{
	char *dash = strchr(s, '-');

	if (dash)
		*dash = '\0';
	parse_addr(s, r->family, &t->nat.min_addr);
	t->nat.max_addr = t->nat.min_addr;
	if (dash)
		parse_addr(dash + 1, r->family, &t->nat.max_addr);
	t->nat_flags |= XTFW_NAT_F_MAP_IPS;
}

/* [ADDR[-ADDR]][:PORT[-PORT]], IPv6 addresses in brackets with a port. */
static void parse_nat_to(struct tg *t, const char *arg, const struct rule *r)
{
	char buf[2 * ADDR_STRLEN + 32], *start = buf, *end, *colon;

	if (strlen(arg) >= sizeof(buf))
		invarg("address", arg);
	strcpy(buf, arg);
	if (*buf == '[') {
		end = strchr(buf, ']');
		if (!end || r->family != XTFW_FAMILY_IPV6)
			invarg("address", arg);
		*end = '\0';
		start = buf + 1;
		colon = strchr(end + 1, ':');
		if (end[1] && !colon)
			invarg("address", arg);
	} else {
		colon = strchr(buf, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL;	/* an IPv6 address, no port */
	}
	if (colon) {
		parse_nat_ports(t, colon + 1, r);
		*colon = '\0';
	}
	if (*start)
		parse_nat_addrs(t, start, r);
	if (!t->nat_flags)
		invarg("address", arg);
}

static void parse_netmap(struct tg *t, const char *arg, const struct rule *r)
{
	char buf[2 * ADDR_STRLEN], *slash;
	union xtfw_addr mask;

	if (strlen(arg) >= sizeof(buf))
		invarg("address", arg);
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	parse_addr(buf, r->family, &t->nat.min_addr);
	if (slash)
		parse_mask(slash + 1, r->family, &mask);
	else
		prefix_to_mask(fam_addrlen(r->family) * 8, r->family, &mask);
	addr_apply_mask(&t->nat.min_addr, &mask);
	t->nat.max_addr = t->nat.min_addr;
	for (int i = 0; i < fam_addrlen(r->family); i++)
		t->nat.max_addr.bytes[i] |= (uint8_t)~mask.bytes[i];
	t->nat_flags |= XTFW_NAT_F_MAP_IPS;
}

static void nat_parse(struct tg *t, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r)
{
	(void)inv;
	ext_once(&t->seen, o);
	switch (o->id) {
	case O_TO:
		if (t->type == XTFW_TARGET_NETMAP)
			parse_netmap(t, args[0], r);
		else
			parse_nat_to(t, args[0], r);
		break;
	case O_TO_PORTS:
		parse_nat_ports(t, args[0], r);
		break;
	default:
		t->nat_flags |= flag_of[o->id];
		break;
	}
}

static void nat_final(struct tg *t, const struct rule *r)
{
	(void)r;
	if (!(t->seen & (1U << O_TO)))
		perr("%s needs %s", t->type == XTFW_TARGET_SNAT ? "SNAT" :
		     t->type == XTFW_TARGET_DNAT ? "DNAT" : "NETMAP",
		     t->type == XTFW_TARGET_SNAT ? "--to-source" :
		     t->type == XTFW_TARGET_DNAT ? "--to-destination" : "--to");
}

/* As libxt_NAT's sprint_range. */
static void sb_nat_range(struct sbuf *b, const struct tg *t, uint8_t family)
{
	bool brackets = family == XTFW_FAMILY_IPV6 &&
			(t->nat_flags & XTFW_NAT_F_PROTO);
	const struct xtfw_nat_range *n = &t->nat;
	char a[ADDR_STRLEN];

	if (t->nat_flags & XTFW_NAT_F_MAP_IPS) {
		sb_puts(b, brackets ? "[" : "");
		sb_puts(b, addr_str(&n->min_addr, family, a));
		if (memcmp(&n->min_addr, &n->max_addr, sizeof(n->min_addr)))
			sb_printf(b, "-%s", addr_str(&n->max_addr, family, a));
		sb_puts(b, brackets ? "]" : "");
	}
	if (t->nat_flags & XTFW_NAT_F_PROTO) {
		sb_printf(b, ":%u", n->min_port);
		if (n->max_port != n->min_port)
			sb_printf(b, "-%u", n->max_port);
	}
}

static const char *nat_label(const struct tg *t, bool save)
{
	switch (t->type) {
	case XTFW_TARGET_SNAT:
		return save ? "--to-source" : "to:";
	case XTFW_TARGET_DNAT:
		return save ? "--to-destination" : "to:";
	case XTFW_TARGET_MASQUERADE:
		return save ? "--to-ports" : "masq ports: ";
	default:
		return save ? "--to-ports" : "redir ports ";
	}
}

static bool ports_only(const struct tg *t)
{
	return t->type == XTFW_TARGET_MASQUERADE ||
	       t->type == XTFW_TARGET_REDIRECT;
}

static void nat_range_text(struct sbuf *b, const struct tg *t,
			   const struct rule *r)
{
	sb_nat_range(b, t, r->family);
	if (ports_only(t) && b->len && b->s[0] == ':')
		memmove(b->s, b->s + 1, b->len--);
}

static void nat_print(struct pr *p, const struct tg *t, const struct rule *r)
{
	struct sbuf b = { 0 };

	nat_range_text(&b, t, r);
	if (b.len)
		sb_printf(p->b, " %s%s", nat_label(t, false), sb_str(&b));
	if (t->nat_flags & XTFW_NAT_F_RANDOM)
		sb_puts(p->b, " random");
	if (t->nat_flags & XTFW_NAT_F_RANDOM_FULLY)
		sb_puts(p->b, " random-fully");
	if (t->nat_flags & XTFW_NAT_F_PERSISTENT)
		sb_puts(p->b, " persistent");
	sb_free(&b);
}

static void nat_save(struct emit *e, const struct tg *t, const struct rule *r)
{
	struct sbuf b = { 0 };

	nat_range_text(&b, t, r);
	if (b.len)
		emit_opt(e, false, nat_label(t, true), "%s", sb_str(&b));
	if (t->nat_flags & XTFW_NAT_F_RANDOM)
		emit_flag(e, false, "--random");
	if (t->nat_flags & XTFW_NAT_F_RANDOM_FULLY)
		emit_flag(e, false, "--random-fully");
	if (t->nat_flags & XTFW_NAT_F_PERSISTENT)
		emit_flag(e, false, "--persistent");
	sb_free(&b);
}

const struct tg_ext tg_snat = {
	.name = "SNAT", .type = XTFW_TARGET_SNAT, .families = FAM_ALL,
	.opts = snat_opts, .init = nat_init, .parse = nat_parse,
	.final = nat_final, .print = nat_print, .save = nat_save,
};

const struct tg_ext tg_dnat = {
	.name = "DNAT", .type = XTFW_TARGET_DNAT, .families = FAM_ALL,
	.opts = dnat_opts, .init = nat_init, .parse = nat_parse,
	.final = nat_final, .print = nat_print, .save = nat_save,
};

const struct tg_ext tg_masquerade = {
	.name = "MASQUERADE", .type = XTFW_TARGET_MASQUERADE,
	.families = FAM_ALL, .opts = masquerade_opts, .init = nat_init,
	.parse = nat_parse, .print = nat_print, .save = nat_save,
};

const struct tg_ext tg_redirect = {
	.name = "REDIRECT", .type = XTFW_TARGET_REDIRECT, .families = FAM_ALL,
	.opts = redirect_opts, .init = nat_init, .parse = nat_parse,
	.print = nat_print, .save = nat_save,
};

/* NETMAP shows its range as a prefix. */
static void sb_netmap(struct sbuf *b, const struct tg *t, uint8_t family)
{
	union xtfw_addr mask = { 0 };
	char a[ADDR_STRLEN];
	int len;

	for (int i = 0; i < fam_addrlen(family); i++)
		mask.bytes[i] = ~(t->nat.min_addr.bytes[i] ^
				  t->nat.max_addr.bytes[i]);
	sb_puts(b, addr_str(&t->nat.min_addr, family, a));
	len = mask_to_prefix(&mask, family);
	if (len >= 0)
		sb_printf(b, "/%d", len);
	else
		sb_printf(b, "/%s", addr_str(&mask, family, a));
}

static void netmap_print(struct pr *p, const struct tg *t,
			 const struct rule *r)
{
	sb_puts(p->b, " to:");
	sb_netmap(p->b, t, r->family);
}

static void netmap_save(struct emit *e, const struct tg *t,
			const struct rule *r)
{
	struct sbuf b = { 0 };

	sb_netmap(&b, t, r->family);
	emit_opt(e, false, "--to", "%s", sb_str(&b));
	sb_free(&b);
}

const struct tg_ext tg_netmap = {
	.name = "NETMAP", .type = XTFW_TARGET_NETMAP, .families = FAM_ALL,
	.opts = netmap_opts, .init = nat_init, .parse = nat_parse,
	.final = nat_final, .print = netmap_print, .save = netmap_save,
};
