// SPDX-License-Identifier: GPL-2.0
/* The protocol matches: tcp, udp, udplite, sctp, icmp and icmpv6. */
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"

enum {
	O_SPORT,
	O_DPORT,
	O_SYN,
	O_TCP_FLAGS,
	O_TCP_OPTION,
	O_ICMP_TYPE,
};

#define TCP_SYN_MASK	(XTFW_TCP_FIN | XTFW_TCP_SYN | XTFW_TCP_RST | \
			 XTFW_TCP_ACK)

static const struct ext_opt port_opts[] = {
	{ "source-port", O_SPORT, 1, true },
	{ "sport", O_SPORT, 1, true },
	{ "destination-port", O_DPORT, 1, true },
	{ "dport", O_DPORT, 1, true },
	{ NULL },
};

static const struct ext_opt tcp_opts[] = {
	{ "source-port", O_SPORT, 1, true },
	{ "sport", O_SPORT, 1, true },
	{ "destination-port", O_DPORT, 1, true },
	{ "dport", O_DPORT, 1, true },
	{ "syn", O_SYN, 0, true },
	{ "tcp-flags", O_TCP_FLAGS, 2, true },
	{ "tcp-option", O_TCP_OPTION, 1, true },
	{ NULL },
};

static bool full_range(const struct xtfw_port_range *p)
{
	return p->min == 0 && p->max == PORT_MAX;
}

static void parse_ports(struct mt *m, const struct ext_opt *o,
			const char *arg, bool inv, const char *proto)
{
	bool src = o->id == O_SPORT;
	struct xtfw_port_range *pr = src ? &m->sport : &m->dport;

	parse_port_range(arg, proto, pr);
	if (full_range(pr) && !inv)
		return;
	m->has |= BIT64(src ? XTFW_MATCH_A_SPORT : XTFW_MATCH_A_DPORT);
	if (inv)
		m->inv |= src ? XTFW_MINV_SPORT : XTFW_MINV_DPORT;
}

static uint8_t parse_tcp_flag_list(const char *s)
{
	char buf[128], *tok, *save = NULL;
	uint8_t flags = 0;
	long v;

	if (strlen(s) >= sizeof(buf))
		invarg("TCP flags", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = value_by_name(tcp_flag_names, n_tcp_flag_names, tok);
		if (v < 0)
			perr("unknown TCP flag \"%s\"", tok);
		flags |= v;
	}
	return flags;
}

static void set_tcp_flags(struct mt *m, uint8_t mask, uint8_t cmp, bool inv)
{
	m->tcp_flags.mask = mask;
	m->tcp_flags.cmp = cmp;
	if (!mask && !inv)
		return;
	m->has |= BIT64(XTFW_MATCH_A_TCP_FLAGS);
	if (inv)
		m->inv |= XTFW_MINV_TCP_FLAGS;
}

static void tcp_parse_flags(struct mt *m, const struct ext_opt *o,
			    char **args, bool inv)
{
	/* --syn and --tcp-flags set the same thing */
	if (m->seen & (1U << (o->id == O_SYN ? O_TCP_FLAGS : O_SYN)))
		perr("only one of --syn and --tcp-flags is allowed");
	if (o->id == O_SYN)
		set_tcp_flags(m, TCP_SYN_MASK, XTFW_TCP_SYN, inv);
	else
		set_tcp_flags(m, parse_tcp_flag_list(args[0]),
			      parse_tcp_flag_list(args[1]), inv);
}

static void tcp_parse(struct mt *m, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	switch (o->id) {
	case O_SPORT:
	case O_DPORT:
		parse_ports(m, o, args[0], inv, "tcp");
		break;
	case O_SYN:
	case O_TCP_FLAGS:
		tcp_parse_flags(m, o, args, inv);
		break;
	case O_TCP_OPTION:
		m->tcp_option = parse_u32(args[0], 1, 255, "TCP option");
		m->has |= BIT64(XTFW_MATCH_A_TCP_OPTION);
		if (inv)
			m->inv |= XTFW_MINV_TCP_OPTION;
		break;
	}
}

static const char *const l4_names[] = {
	[XTFW_MATCH_TCP] = "tcp",
	[XTFW_MATCH_UDP] = "udp",
	[XTFW_MATCH_UDPLITE] = "udplite",
	[XTFW_MATCH_SCTP] = "sctp",
};

static void ports_parse(struct mt *m, const struct ext_opt *o, char **args,
			bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	parse_ports(m, o, args[0], inv, l4_names[m->type]);
}

static void need_proto(const struct rule *r, uint8_t proto, const char *mt)
{
	if (r->proto != proto || (r->inv & XTFW_INV_PROTO))
		perr("-m %s needs -p %s", mt, proto_name(proto, false));
}

static const uint8_t l4_protos[] = {
	[XTFW_MATCH_TCP] = IPPROTO_TCP,
	[XTFW_MATCH_UDP] = IPPROTO_UDP,
	[XTFW_MATCH_UDPLITE] = IPPROTO_UDPLITE,
	[XTFW_MATCH_SCTP] = IPPROTO_SCTP,
};

static void l4_final(struct mt *m, const struct rule *r)
{
	need_proto(r, l4_protos[m->type], l4_names[m->type]);
}

/* -L: " spt:22", " dpts:!1024:65535" */
static void print_range(struct pr *p, const char *name,
			const struct xtfw_port_range *pr, bool inv,
			const char *proto)
{
	if (full_range(pr) && !inv)
		return;
	sb_printf(p->b, " %s%s:%s", name, pr->min == pr->max ? "" : "s",
		  inv ? "!" : "");
	print_port(p, pr->min, proto);
	if (pr->min != pr->max) {
		sb_putc(p->b, ':');
		print_port(p, pr->max, proto);
	}
}

static void print_l4_ports(struct pr *p, const struct mt *m,
			   const char *proto)
{
	if (MT_HAS(m, XTFW_MATCH_A_SPORT))
		print_range(p, "spt", &m->sport, m->inv & XTFW_MINV_SPORT,
			    proto);
	if (MT_HAS(m, XTFW_MATCH_A_DPORT))
		print_range(p, "dpt", &m->dport, m->inv & XTFW_MINV_DPORT,
			    proto);
}

static void print_tcp_flag_names(struct sbuf *b, uint8_t flags)
{
	bool any = false;

	for (size_t i = 0; flags && i < n_tcp_flag_names; i++) {
		uint8_t f = tcp_flag_names[i].value;

		if (!f || (flags & f) != f)
			continue;
		sb_printf(b, "%s%s", any ? "," : "", tcp_flag_names[i].name);
		flags &= ~f;
		any = true;
	}
	if (!any)
		sb_puts(b, "NONE");
}

static void tcp_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	const struct xtfw_tcp_flags *f = &m->tcp_flags;
	bool finv = m->inv & XTFW_MINV_TCP_FLAGS;

	(void)r;
	sb_puts(p->b, " tcp");
	print_l4_ports(p, m, "tcp");
	if (MT_HAS(m, XTFW_MATCH_A_TCP_OPTION))
		sb_printf(p->b, " option=%s%u",
			  m->inv & XTFW_MINV_TCP_OPTION ? "!" : "",
			  m->tcp_option);
	if (!MT_HAS(m, XTFW_MATCH_A_TCP_FLAGS) || (!f->mask && !finv))
		return;
	sb_printf(p->b, " flags:%s", finv ? "!" : "");
	if (p->numeric) {
		sb_printf(p->b, "0x%02X/0x%02X", f->mask, f->cmp);
		return;
	}
	print_tcp_flag_names(p->b, f->mask);
	sb_putc(p->b, '/');
	print_tcp_flag_names(p->b, f->cmp);
}

static void l4_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	const char *name = l4_names[m->type];

	(void)r;
	sb_printf(p->b, " %s", name);
	print_l4_ports(p, m, name);
}

static void save_range(struct emit *e, const char *name,
		       const struct xtfw_port_range *pr, bool inv)
{
	if (full_range(pr))
		return;
	if (pr->min == pr->max)
		emit_opt(e, inv, name, "%u", pr->min);
	else
		emit_opt(e, inv, name, "%u:%u", pr->min, pr->max);
}

static void save_l4_ports(struct emit *e, const struct mt *m)
{
	if (MT_HAS(m, XTFW_MATCH_A_SPORT))
		save_range(e, "--sport", &m->sport, m->inv & XTFW_MINV_SPORT);
	if (MT_HAS(m, XTFW_MATCH_A_DPORT))
		save_range(e, "--dport", &m->dport, m->inv & XTFW_MINV_DPORT);
}

static void l4_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	(void)r;
	save_l4_ports(e, m);
}

static void tcp_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	struct sbuf b = { 0 };

	(void)r;
	save_l4_ports(e, m);
	if (MT_HAS(m, XTFW_MATCH_A_TCP_OPTION))
		emit_opt(e, m->inv & XTFW_MINV_TCP_OPTION, "--tcp-option",
			 "%u", m->tcp_option);
	if (!MT_HAS(m, XTFW_MATCH_A_TCP_FLAGS))
		return;
	print_tcp_flag_names(&b, m->tcp_flags.mask);
	sb_putc(&b, ' ');
	print_tcp_flag_names(&b, m->tcp_flags.cmp);
	emit_opt(e, m->inv & XTFW_MINV_TCP_FLAGS, "--tcp-flags", "%s",
		 sb_str(&b));
	sb_free(&b);
}

const struct mt_ext mt_tcp = {
	.name = "tcp", .type = XTFW_MATCH_TCP, .families = FAM_ALL,
	.opts = tcp_opts, .parse = tcp_parse, .final = l4_final,
	.print = tcp_print, .save = tcp_save,
};

const struct mt_ext mt_udp = {
	.name = "udp", .type = XTFW_MATCH_UDP, .families = FAM_ALL,
	.opts = port_opts, .parse = ports_parse, .final = l4_final,
	.print = l4_print, .save = l4_save,
};

const struct mt_ext mt_udplite = {
	.name = "udplite", .type = XTFW_MATCH_UDPLITE, .families = FAM_ALL,
	.opts = port_opts, .parse = ports_parse, .final = l4_final,
	.print = l4_print, .save = l4_save,
};

const struct mt_ext mt_sctp = {
	.name = "sctp", .type = XTFW_MATCH_SCTP, .families = FAM_ALL,
	.opts = port_opts, .parse = ports_parse, .final = l4_final,
	.print = l4_print, .save = l4_save,
};

/* ---- icmp / icmpv6 ---- */

#define ICMP_ANY	0xff

static const struct ext_opt icmp_opts[] = {
	{ "icmp-type", O_ICMP_TYPE, 1, true },
	{ NULL },
};

static const struct ext_opt icmp6_opts[] = {
	{ "icmpv6-type", O_ICMP_TYPE, 1, true },
	{ NULL },
};

static const struct icmp_name *icmp_lookup(const char *s, uint8_t family)
{
	const struct icmp_name *t, *found = NULL;
	size_t n, len = strlen(s);

	t = icmp_names(family, &n);
	for (size_t i = 0; i < n; i++) {
		if (strncasecmp(t[i].name, s, len) != 0)
			continue;
		if (strlen(t[i].name) == len)
			return &t[i];
		if (found && (found->type != t[i].type ||
			      found->code_min != t[i].code_min))
			perr("ambiguous ICMP type \"%s\": \"%s\" or \"%s\"?",
			     s, found->name, t[i].name);
		found = &t[i];
	}
	return found;
}

static void icmp_numeric(const char *s, uint8_t *type, uint8_t *cmin,
			 uint8_t *cmax)
{
	const char *slash = strchr(s, '/');
	char t[16];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t v;

	if (n >= sizeof(t))
		invarg("ICMP type", s);
	memcpy(t, s, n);
	t[n] = '\0';
	if (!str_to_u32(t, 0, 255, &v))
		perr("invalid ICMP type \"%s\"", s);
	*type = v;
	*cmin = 0;
	*cmax = 0xff;
	if (slash) {
		*cmin = *cmax = parse_u32(slash + 1, 0, 255, "ICMP code");
	}
}

static void icmp_parse(struct mt *m, const struct ext_opt *o, char **args,
		       bool inv, const struct rule *r)
{
	const struct icmp_name *in = icmp_lookup(args[0], r->family);
	uint8_t type, cmin, cmax;

	ext_once(&m->seen, o);
	if (in) {
		type = in->type;
		cmin = in->code_min;
		cmax = in->code_max;
	} else {
		icmp_numeric(args[0], &type, &cmin, &cmax);
	}
	if (inv)
		m->inv |= XTFW_MINV_ICMP;
	if (type == ICMP_ANY && r->family == XTFW_FAMILY_IPV4)
		return;
	m->icmp_type = type;
	m->has |= BIT64(XTFW_MATCH_A_ICMP_TYPE);
	if (cmin == 0 && cmax == 0xff)
		return;
	m->icmp_code.min = cmin;
	m->icmp_code.max = cmax;
	m->has |= BIT64(XTFW_MATCH_A_ICMP_CODE);
}

static void icmp_final(struct mt *m, const struct rule *r)
{
	(void)m;
	if (r->family == XTFW_FAMILY_IPV6)
		need_proto(r, IPPROTO_ICMPV6, "icmp6");
	else
		need_proto(r, IPPROTO_ICMP, "icmp");
}

static void icmp_get(const struct mt *m, const struct rule *r, int *type,
		     uint8_t *cmin, uint8_t *cmax)
{
	*type = MT_HAS(m, XTFW_MATCH_A_ICMP_TYPE) ? m->icmp_type : -1;
	if (*type < 0 && r->family == XTFW_FAMILY_IPV4)
		*type = ICMP_ANY;
	*cmin = 0;
	*cmax = 0xff;
	if (MT_HAS(m, XTFW_MATCH_A_ICMP_CODE)) {
		*cmin = m->icmp_code.min;
		*cmax = m->icmp_code.max;
	}
}

static void icmp_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	bool inv = m->inv & XTFW_MINV_ICMP;
	const char *name = NULL;
	uint8_t cmin, cmax;
	int type;

	icmp_get(m, r, &type, &cmin, &cmax);
	sb_puts(p->b, r->family == XTFW_FAMILY_IPV6 ? " ipv6-icmp" : " icmp");
	if (type < 0) {
		sb_printf(p->b, " %sany", inv ? "!" : "");
		return;
	}
	if (!p->numeric)
		name = icmp_name_of(r->family, type, cmin, cmax);
	if (name) {
		sb_printf(p->b, " %s%s", inv ? "!" : "", name);
		return;
	}
	sb_printf(p->b, "%stype %d", inv ? " !" : "", type);
	if (cmin == cmax)
		sb_printf(p->b, " code %u", cmin);
	else if (cmin != 0 || cmax != 0xff)
		sb_printf(p->b, " codes %u-%u", cmin, cmax);
}

static void icmp_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	bool v6 = r->family == XTFW_FAMILY_IPV6;
	const char *opt = v6 ? "--icmpv6-type" : "--icmp-type";
	bool inv = m->inv & XTFW_MINV_ICMP;
	uint8_t cmin, cmax;
	int type;

	icmp_get(m, r, &type, &cmin, &cmax);
	if (type < 0)
		return;
	if (type == ICMP_ANY && !v6)
		emit_opt(e, inv, opt, "any");
	else if (cmin != 0 || cmax != 0xff)
		emit_opt(e, inv, opt, "%d/%u", type, cmin);
	else
		emit_opt(e, inv, opt, "%d", type);
}

const struct mt_ext mt_icmp = {
	.name = "icmp", .type = XTFW_MATCH_ICMP, .families = FAM_V4,
	.opts = icmp_opts, .parse = icmp_parse, .final = icmp_final,
	.print = icmp_print, .save = icmp_save,
};

const struct mt_ext mt_icmpv6 = {
	.name = "icmp6", .type = XTFW_MATCH_ICMPV6, .families = FAM_V6,
	.opts = icmp6_opts, .parse = icmp_parse, .final = icmp_final,
	.print = icmp_print, .save = icmp_save,
};
