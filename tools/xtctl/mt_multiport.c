// SPDX-License-Identifier: GPL-2.0
/* -m multiport --sports/--dports/--ports. */
#include <string.h>

#include "ext.h"
#include <stdio.h>

#include "parse_util.h"

enum { O_PORTS };

static const struct ext_opt multiport_opts[] = {
	{ "source-ports", O_PORTS, 1, true },
	{ "sports", O_PORTS, 1, true },
	{ "destination-ports", O_PORTS, 1, true },
	{ "dports", O_PORTS, 1, true },
	{ "ports", O_PORTS, 1, true },
	{ NULL },
};

static uint8_t opt_dir(const char *name)
{
	if (strcmp(name, "ports") == 0)
		return XTFW_MULTIPORT_ANY;
	if (name[0] == 's')
		return XTFW_MULTIPORT_SRC;
	return XTFW_MULTIPORT_DST;
}

static void parse_list(struct mt *m, const char *s, const struct rule *r)
{
	char buf[512], *tok, *save = NULL;
	unsigned int slots = 0;

	if (strlen(s) >= sizeof(buf))
		invarg("port list", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct xtfw_port_range *pr = &m->ports[m->nports];

		slots += strchr(tok, ':') ? 2 : 1;
		if (slots > XTFW_MAX_MULTIPORT)
			perr("too many ports in \"%s\" (at most %d, a range counts as two)",
			     s, XTFW_MAX_MULTIPORT);
		parse_port_range(tok, rule_proto_name(r), pr);
		m->nports++;
	}
	if (!m->nports)
		invarg("port list", s);
}

static void multiport_parse(struct mt *m, const struct ext_opt *o,
			    char **args, bool inv, const struct rule *r)
{
	if (m->seen)
		perr("multiport takes only one of --sports, --dports and --ports");
	ext_once(&m->seen, o);
	m->multiport_dir = opt_dir(o->name);
	parse_list(m, args[0], r);
	m->has |= BIT64(XTFW_MATCH_A_PORTS) | BIT64(XTFW_MATCH_A_MULTIPORT_DIR);
	if (inv)
		m->inv |= XTFW_MINV_PORTS;
}

static void multiport_final(struct mt *m, const struct rule *r)
{
	if (!m->seen)
		perr("multiport needs one of --sports, --dports or --ports");
	if (!rule_has_port_proto(r))
		perr("multiport needs -p tcp|udp|udplite|sctp");
}

static const char *const dir_names[] = {
	[XTFW_MULTIPORT_SRC] = "sports",
	[XTFW_MULTIPORT_DST] = "dports",
	[XTFW_MULTIPORT_ANY] = "ports",
};

static const char *dir_name(const struct mt *m)
{
	return m->multiport_dir <= XTFW_MULTIPORT_ANY ?
	       dir_names[m->multiport_dir] : "ERROR";
}

static void print_list(struct pr *p, const struct mt *m, const char *proto)
{
	for (unsigned int i = 0; i < m->nports; i++) {
		const struct xtfw_port_range *pr = &m->ports[i];

		if (i)
			sb_putc(p->b, ',');
		print_port(p, pr->min, proto);
		if (pr->min != pr->max) {
			sb_putc(p->b, ':');
			print_port(p, pr->max, proto);
		}
	}
}

static void multiport_print(struct pr *p, const struct mt *m,
			    const struct rule *r)
{
	sb_printf(p->b, " multiport %s ", dir_name(m));
	if (m->inv & XTFW_MINV_PORTS)
		sb_puts(p->b, " !");
	print_list(p, m, rule_proto_name(r));
}

static void multiport_save(struct emit *e, const struct mt *m,
			   const struct rule *r)
{
	struct sbuf b = { 0 };
	struct pr p = { .b = &b, .numeric = true };
	char opt[16];

	(void)r;
	print_list(&p, m, NULL);
	snprintf(opt, sizeof(opt), "--%s", dir_name(m));
	emit_opt(e, m->inv & XTFW_MINV_PORTS, opt, "%s", sb_str(&b));
	sb_free(&b);
}

const struct mt_ext mt_multiport = {
	.name = "multiport", .type = XTFW_MATCH_MULTIPORT, .families = FAM_ALL,
	.opts = multiport_opts, .parse = multiport_parse,
	.final = multiport_final, .print = multiport_print,
	.save = multiport_save,
};
