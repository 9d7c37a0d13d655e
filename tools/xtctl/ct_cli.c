// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl ct: list, count, delete and flush conntrack entries, read the
 * statistics, read and change the limit and timeouts (see ct.h).
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ct.h"
#include "json.h"
#include "names.h"
#include "nl.h"
#include "parse_util.h"

#define DUMP_TRIES	5	/* a resize flags a dump interrupted */

/* A filter, as given on the command line. */
struct ct_filter {
	unsigned int have;		/* BIT(XTFW_CT_A_*) */
	bool has_family;
	uint8_t family;
	uint8_t proto;
	uint8_t tcp_state;
	const char *src, *dst;		/* resolved once the family is known */
	uint16_t sport, dport;
	uint32_t mark, mark_mask, status, id;
	bool json;
};

#define HAVE(a)		(1U << XTFW_CT_A_##a)

static noreturn void ct_usage(void)
{
	fputs(
"Usage: xtctl ct list [FILTER] [--json]\n"
"       xtctl ct count\n"
"       xtctl ct stats\n"
"       xtctl ct flush [-4|-6]\n"
"       xtctl ct delete FILTER\n"
"       xtctl ct get timeout|max|tcp_loose|count\n"
"       xtctl ct set timeout PROTO [STATE] SECONDS\n"
"       xtctl ct set max N | tcp_loose 0|1\n"
"FILTER: [-4|-6|-f ipv4|ipv6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport P]\n"
"        [--dport P] [--state TCP_STATE] [--mark M[/MASK]]\n"
"        [--status ASSURED|SEEN_REPLY|SNAT|DNAT[,...]] [--id ID]\n", stderr);
	exit(XT_EXIT_PARAM);
}

static noreturn void ct_fail(const struct nl_error *e, const char *what)
{
	const char *msg = e->msg[0] ? e->msg : nl_strerror(e->err);

	fail(e->err == EPERM || e->err == ENOMEM ? XT_EXIT_RESOURCE :
	     XT_EXIT_OTHER, "ct %s: %s", what, msg);
}

/* --- filters ------------------------------------------------------------- */

static const char *next_arg(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		perr("option \"%s\" needs an argument", argv[*i]);
	return argv[++*i];
}

static void set_family(struct ct_filter *f, uint8_t family)
{
	if (f->has_family && f->family != family)
		perr("conflicting families");
	f->has_family = true;
	f->family = family;
}

static uint32_t parse_statuses(const char *s)
{
	static const struct named_value names[] = {
		{ "SEEN_REPLY", XTFW_CT_S_SEEN_REPLY },
		{ "ASSURED", XTFW_CT_S_ASSURED },
		{ "SNAT", XTFW_CT_S_SNAT },
		{ "DNAT", XTFW_CT_S_DNAT },
	};
	char *copy = xstrdup(s), *tok, *save = NULL;
	uint32_t status = 0;
	unsigned int i;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (!strcasecmp(tok, names[i].name))
				break;
		if (i == ARRAY_SIZE(names))
			invarg("status", tok);
		status |= names[i].value;
	}
	free(copy);
	if (!status)
		invarg("status", s);
	return status;
}

/* One filter option at argv[*i]; false if it is not one. */
static bool filter_opt(struct ct_filter *f, int argc, char **argv, int *i)
{
	const char *o = argv[*i], *v;
	int n;

	if (!strcmp(o, "-4") || !strcmp(o, "-6")) {
		set_family(f, o[1] == '6' ? XTFW_FAMILY_IPV6 : XTFW_FAMILY_IPV4);
		return true;
	}
	if (!strcmp(o, "--json")) {
		f->json = true;
		return true;
	}
	if (o[0] != '-' || !o[1])
		return false;
	v = next_arg(argc, argv, i);
	if (!strcmp(o, "-f") || !strcmp(o, "--family")) {
		if (strcmp(v, "ipv4") && strcmp(v, "ipv6"))
			invarg("family", v);
		set_family(f, v[3] == '6' ? XTFW_FAMILY_IPV6 : XTFW_FAMILY_IPV4);
	} else if (!strcmp(o, "-p") || !strcmp(o, "--proto")) {
		n = proto_by_name(v, XTFW_FAMILY_IPV4);
		if (n < 0)
			n = parse_u32(v, 0, 255, "protocol");
		f->proto = n;
		f->have |= HAVE(PROTO);
	} else if (!strcmp(o, "-s") || !strcmp(o, "--src")) {
		f->src = v;
		f->have |= HAVE(ORIG_SRC);
	} else if (!strcmp(o, "-d") || !strcmp(o, "--dst")) {
		f->dst = v;
		f->have |= HAVE(ORIG_DST);
	} else if (!strcmp(o, "--sport")) {
		f->sport = parse_port(v, "tcp");
		f->have |= HAVE(ORIG_SPORT);
	} else if (!strcmp(o, "--dport")) {
		f->dport = parse_port(v, "tcp");
		f->have |= HAVE(ORIG_DPORT);
	} else if (!strcmp(o, "--state")) {
		n = ct_tcp_state_by_name(v, false);
		if (n < 0)
			invarg("TCP state", v);
		f->tcp_state = n;
		f->have |= HAVE(TCP_STATE);
	} else if (!strcmp(o, "--mark")) {
		parse_mark_mask(v, &f->mark, &f->mark_mask);
		f->have |= HAVE(MARK) | HAVE(MARK_MASK);
	} else if (!strcmp(o, "--status")) {
		f->status = parse_statuses(v);
		f->have |= HAVE(STATUS);
	} else if (!strcmp(o, "--id")) {
		f->id = parse_u32(v, 0, UINT32_MAX, "id");
		f->have |= HAVE(ID);
	} else {
		perr("unknown option \"%s\"", o);
	}
	return true;
}

static void parse_filter(struct ct_filter *f, int argc, char **argv)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < argc; i++)
		if (!filter_opt(f, argc, argv, &i))
			perr("unexpected argument \"%s\"", argv[i]);
	if ((f->src && strchr(f->src, ':')) || (f->dst && strchr(f->dst, ':')))
		set_family(f, XTFW_FAMILY_IPV6);
	else if (f->src || f->dst)
		set_family(f, f->has_family ? f->family : XTFW_FAMILY_IPV4);
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const char *s,
		     uint8_t family)
{
	union xtfw_addr a;

	parse_addr(s, family, &a);
	mnl_attr_put(nlh, type, sizeof(a), &a);
}

static void put_filter(struct nlmsghdr *nlh, const struct ct_filter *f)
{
	struct nlattr *nest;

	if (f->has_family)
		mnl_attr_put_u8(nlh, XTFW_A_FAMILY, f->family);
	if (!f->have)
		return;
	nest = mnl_attr_nest_start(nlh, XTFW_A_CT_FILTER);
	if (f->have & HAVE(PROTO))
		mnl_attr_put_u8(nlh, XTFW_CT_A_PROTO, f->proto);
	if (f->src)
		put_addr(nlh, XTFW_CT_A_ORIG_SRC, f->src, f->family);
	if (f->dst)
		put_addr(nlh, XTFW_CT_A_ORIG_DST, f->dst, f->family);
	if (f->have & HAVE(ORIG_SPORT))
		mnl_attr_put_u16(nlh, XTFW_CT_A_ORIG_SPORT, f->sport);
	if (f->have & HAVE(ORIG_DPORT))
		mnl_attr_put_u16(nlh, XTFW_CT_A_ORIG_DPORT, f->dport);
	if (f->have & HAVE(TCP_STATE))
		mnl_attr_put_u8(nlh, XTFW_CT_A_TCP_STATE, f->tcp_state);
	if (f->have & HAVE(MARK)) {
		mnl_attr_put_u32(nlh, XTFW_CT_A_MARK, f->mark);
		mnl_attr_put_u32(nlh, XTFW_CT_A_MARK_MASK, f->mark_mask);
	}
	if (f->have & HAVE(STATUS))
		mnl_attr_put_u32(nlh, XTFW_CT_A_STATUS, f->status);
	if (f->have & HAVE(ID))
		mnl_attr_put_u32(nlh, XTFW_CT_A_ID, f->id);
	mnl_attr_nest_end(nlh, nest);
}

/* --- list ---------------------------------------------------------------- */

struct entries {
	struct ct_entry *e;
	size_t n, cap;
};

static void get_tuple_attr(const struct nlattr *a, struct ct_entry *e,
			   int type)
{
	int dir = type >= XTFW_CT_A_REPL_SRC;
	int what = (type - XTFW_CT_A_ORIG_SRC) % 4;

	if (what < 2) {
		if (mnl_attr_get_payload_len(a) != sizeof(union xtfw_addr))
			return;
		memcpy(what ? &e->dst[dir] : &e->src[dir],
		       mnl_attr_get_payload(a), sizeof(union xtfw_addr));
	} else if (!mnl_attr_validate(a, MNL_TYPE_U16)) {
		*(what == 2 ? &e->sport[dir] : &e->dport[dir]) =
			mnl_attr_get_u16(a);
	}
}

static uint64_t get_u64(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U64) ? 0 : mnl_attr_get_u64(a);
}

static uint32_t get_u32(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U32) ? 0 : mnl_attr_get_u32(a);
}

static uint8_t get_u8(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U8) ? 0 : mnl_attr_get_u8(a);
}

static int entry_attr(const struct nlattr *a, void *data)
{
	struct ct_entry *e = data;
	int type = mnl_attr_get_type(a);

	switch (type) {
	case XTFW_CT_A_FAMILY:
		e->family = get_u8(a);
		break;
	case XTFW_CT_A_PROTO:
		e->proto = get_u8(a);
		break;
	case XTFW_CT_A_ORIG_SRC ... XTFW_CT_A_REPL_DPORT:
		get_tuple_attr(a, e, type);
		break;
	case XTFW_CT_A_STATUS:
		e->status = get_u32(a);
		break;
	case XTFW_CT_A_TCP_STATE:
		e->has_tcp_state = true;
		e->tcp_state = get_u8(a);
		break;
	case XTFW_CT_A_TIMEOUT:
		e->timeout = get_u32(a);
		break;
	case XTFW_CT_A_MARK:
		e->mark = get_u32(a);
		break;
	case XTFW_CT_A_ID:
		e->id = get_u32(a);
		break;
	case XTFW_CT_A_ORIG_PACKETS:
	case XTFW_CT_A_REPL_PACKETS:
		e->packets[type == XTFW_CT_A_REPL_PACKETS] = get_u64(a);
		break;
	case XTFW_CT_A_ORIG_BYTES:
	case XTFW_CT_A_REPL_BYTES:
		e->bytes[type == XTFW_CT_A_REPL_BYTES] = get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

void ct_parse_entry(const struct nlattr *nest, struct ct_entry *e)
{
	memset(e, 0, sizeof(*e));
	mnl_attr_parse_nested(nest, entry_attr, e);
}

static int list_attr(const struct nlattr *a, void *data)
{
	struct entries *es = data;

	if (mnl_attr_get_type(a) != XTFW_A_CT)
		return MNL_CB_OK;
	if (es->n == es->cap) {
		es->cap = es->cap ? 2 * es->cap : 64;
		es->e = xrealloc(es->e, es->cap * sizeof(*es->e));
	}
	memset(&es->e[es->n], 0, sizeof(es->e[0]));
	mnl_attr_parse_nested(a, entry_attr, &es->e[es->n]);
	es->n++;
	return MNL_CB_OK;
}

static int list_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), list_attr, data);
}

static void dump(struct nl *nl, const struct ct_filter *f,
		 struct entries *es)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nl_error e;

	for (int tries = 0; tries < DUMP_TRIES; tries++) {
		es->n = 0;
		nlh = nl_put_msg(nl, buf, XTFW_CMD_CT_GET, NLM_F_DUMP);
		put_filter(nlh, f);
		if (!nl_exchange(nl, nlh, list_msg, es, &e))
			return;
		if (e.err != EINTR)
			ct_fail(&e, "list");
	}
	fail(XT_EXIT_OTHER, "ct list: the table kept changing, try again");
}

static int cmd_list(struct nl *nl, int argc, char **argv)
{
	struct entries es = { 0 };
	struct ct_filter f;
	struct sbuf b = { 0 };

	parse_filter(&f, argc, argv);
	dump(nl, &f, &es);
	if (f.json)
		ct_print_json(&b, es.e, es.n);
	else
		for (size_t i = 0; i < es.n; i++)
			ct_print_entry(&b, &es.e[i]);
	fputs(sb_str(&b), stdout);
	if (!f.json)
		fprintf(stderr, "xtctl ct: %zu flow entries have been shown.\n",
			es.n);
	sb_free(&b);
	free(es.e);
	return XT_EXIT_OK;
}

/* --- delete, flush --------------------------------------------------------- */

static int deleted_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == XTFW_CTCONF_A_DELETED)
		*(uint32_t *)data = get_u32(a);
	return MNL_CB_OK;
}

static int deleted_msg_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == XTFW_A_CT_CONF)
		mnl_attr_parse_nested(a, deleted_attr, data);
	return MNL_CB_OK;
}

static int deleted_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr),
			      deleted_msg_attr, data);
}

static int delete(struct nl *nl, uint8_t cmd, const struct ct_filter *f)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_msg(nl, buf, cmd, NLM_F_ACK);
	uint32_t n = 0;
	struct nl_error e;

	put_filter(nlh, f);
	if (nl_exchange(nl, nlh, deleted_msg, &n, &e) < 0)
		ct_fail(&e, cmd == XTFW_CMD_CT_FLUSH ? "flush" : "delete");
	fprintf(stderr, "xtctl ct: %u flow entries have been deleted.\n", n);
	return XT_EXIT_OK;
}

static int cmd_delete(struct nl *nl, int argc, char **argv)
{
	struct ct_filter f;

	parse_filter(&f, argc, argv);
	if (!f.have)
		perr("ct delete needs a filter; ct flush deletes all");
	return delete(nl, XTFW_CMD_CT_DELETE, &f);
}

static int cmd_flush(struct nl *nl, int argc, char **argv)
{
	struct ct_filter f;

	parse_filter(&f, argc, argv);
	if (f.have)
		perr("ct flush takes only -4 or -6; ct delete takes a filter");
	return delete(nl, XTFW_CMD_CT_FLUSH, &f);
}

/* --- settings and statistics --------------------------------------------- */

struct conf {
	uint32_t max, count;
	uint8_t tcp_loose;
	unsigned int ntimeouts;
	struct { uint8_t proto, state; uint32_t secs; } to[32];
};

static int timeout_attr(const struct nlattr *a, void *data)
{
	struct conf *c = data;

	switch (mnl_attr_get_type(a)) {
	case XTFW_TIMEOUT_A_PROTO:
		c->to[c->ntimeouts].proto = get_u8(a);
		break;
	case XTFW_TIMEOUT_A_STATE:
		c->to[c->ntimeouts].state = get_u8(a);
		break;
	case XTFW_TIMEOUT_A_SECONDS:
		c->to[c->ntimeouts].secs = get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int conf_attr(const struct nlattr *a, void *data)
{
	struct conf *c = data;

	switch (mnl_attr_get_type(a)) {
	case XTFW_CTCONF_A_MAX_ENTRIES:
		c->max = get_u32(a);
		break;
	case XTFW_CTCONF_A_COUNT:
		c->count = get_u32(a);
		break;
	case XTFW_CTCONF_A_TCP_LOOSE:
		c->tcp_loose = get_u8(a);
		break;
	case XTFW_CTCONF_A_TIMEOUT:
		if (c->ntimeouts == ARRAY_SIZE(c->to))
			break;
		mnl_attr_parse_nested(a, timeout_attr, c);
		c->ntimeouts++;
		break;
	}
	return MNL_CB_OK;
}

static int stats_attr(const struct nlattr *a, void *data)
{
	ct_stats_attr(data, a);
	return MNL_CB_OK;
}

struct reply {
	struct conf *conf;
	struct ct_stats *stats;
};

static int reply_attr(const struct nlattr *a, void *data)
{
	struct reply *r = data;

	if (mnl_attr_get_type(a) == XTFW_A_CT_CONF && r->conf)
		mnl_attr_parse_nested(a, conf_attr, r->conf);
	else if (mnl_attr_get_type(a) == XTFW_A_CT_STATS && r->stats)
		mnl_attr_parse_nested(a, stats_attr, r->stats);
	return MNL_CB_OK;
}

static int reply_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), reply_attr,
			      data);
}

static void get_conf(struct nl *nl, struct conf *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_put_msg(nl, buf, XTFW_CMD_CT_GETCONF,
					  NLM_F_ACK);
	struct reply r = { .conf = c };
	struct nl_error e;

	memset(c, 0, sizeof(*c));
	if (nl_exchange(nl, nlh, reply_msg, &r, &e) < 0)
		ct_fail(&e, "get");
}

static int cmd_count(struct nl *nl, int argc, char **argv)
{
	struct conf c;

	(void)argv;
	if (argc)
		perr("ct count takes no arguments");
	get_conf(nl, &c);
	printf("%u\n", c.count);
	return XT_EXIT_OK;
}

static int cmd_stats(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ct_stats stats = { 0 };
	struct reply r = { .stats = &stats };
	struct sbuf b = { 0 };
	struct nl_error e;

	(void)argv;
	if (argc)
		perr("ct stats takes no arguments");
	nlh = nl_put_msg(nl, buf, XTFW_CMD_CT_STATS, NLM_F_ACK);
	if (nl_exchange(nl, nlh, reply_msg, &r, &e) < 0)
		ct_fail(&e, "stats");
	ct_print_stats(&b, &stats);
	fputs(sb_str(&b), stdout);
	sb_free(&b);
	return XT_EXIT_OK;
}

static const char *timeout_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return "generic";
	}
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

static void print_timeout(uint8_t proto, uint8_t state, uint32_t secs)
{
	char name[16] = "";

	if (proto == IPPROTO_TCP)
		snprintf(name, sizeof(name), " %s", ct_tcp_state_name(state));
	else if (proto == IPPROTO_UDP)
		snprintf(name, sizeof(name), " %s", ct_udp_state_name(state));
	lower(name);
	printf("%s%s %u\n", timeout_proto_name(proto), name, secs);
}

static int cmd_get(struct nl *nl, int argc, char **argv)
{
	struct conf c;

	if (argc != 1)
		perr("ct get takes one of timeout, max, tcp_loose, count");
	get_conf(nl, &c);
	if (!strcmp(argv[0], "timeout"))
		for (unsigned int i = 0; i < c.ntimeouts; i++)
			print_timeout(c.to[i].proto, c.to[i].state,
				      c.to[i].secs);
	else if (!strcmp(argv[0], "max"))
		printf("%u\n", c.max);
	else if (!strcmp(argv[0], "tcp_loose"))
		printf("%u\n", c.tcp_loose);
	else if (!strcmp(argv[0], "count"))
		printf("%u\n", c.count);
	else
		invarg("setting", argv[0]);
	return XT_EXIT_OK;
}

/* "tcp established 600", "udp stream 180", "icmp 10", "generic 60" */
static void put_timeout_setting(struct nlmsghdr *nlh, int argc, char **argv)
{
	struct nlattr *nest;
	int proto, state = -1;

	if (argc < 2 || argc > 3)
		perr("ct set timeout PROTO [STATE] SECONDS");
	if (!strcmp(argv[0], "generic"))
		proto = 0;
	else if (!strcmp(argv[0], "icmpv6") || !strcmp(argv[0], "ipv6-icmp"))
		proto = IPPROTO_ICMPV6;
	else
		proto = proto_by_name(argv[0], XTFW_FAMILY_IPV4);
	if (proto < 0)
		invarg("protocol", argv[0]);
	if (argc == 3) {
		state = proto == IPPROTO_TCP ?
			ct_tcp_state_by_name(argv[1], true) :
			ct_udp_state_by_name(argv[1]);
		if (state < 0)
			invarg("state", argv[1]);
	}
	nest = mnl_attr_nest_start(nlh, XTFW_CTCONF_A_TIMEOUT);
	mnl_attr_put_u8(nlh, XTFW_TIMEOUT_A_PROTO, proto);
	if (state >= 0)
		mnl_attr_put_u8(nlh, XTFW_TIMEOUT_A_STATE, state);
	mnl_attr_put_u32(nlh, XTFW_TIMEOUT_A_SECONDS,
			 parse_u32(argv[argc - 1], 1, UINT32_MAX, "seconds"));
	mnl_attr_nest_end(nlh, nest);
}

static int cmd_set(struct nl *nl, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct nl_error e;

	if (argc < 2)
		perr("ct set takes timeout, max or tcp_loose and a value");
	nlh = nl_put_msg(nl, buf, XTFW_CMD_CT_SETCONF, NLM_F_ACK);
	nest = mnl_attr_nest_start(nlh, XTFW_A_CT_CONF);
	if (!strcmp(argv[0], "timeout")) {
		put_timeout_setting(nlh, argc - 1, argv + 1);
	} else if (argc != 2) {
		perr("ct set %s takes one value", argv[0]);
	} else if (!strcmp(argv[0], "max")) {
		mnl_attr_put_u32(nlh, XTFW_CTCONF_A_MAX_ENTRIES,
				 parse_u32(argv[1], 1, 1U << 24, "max"));
	} else if (!strcmp(argv[0], "tcp_loose")) {
		mnl_attr_put_u8(nlh, XTFW_CTCONF_A_TCP_LOOSE,
				parse_u32(argv[1], 0, 1, "tcp_loose"));
	} else {
		invarg("setting", argv[0]);
	}
	mnl_attr_nest_end(nlh, nest);
	if (nl_exchange(nl, nlh, NULL, NULL, &e) < 0)
		ct_fail(&e, "set");
	return XT_EXIT_OK;
}

static const struct {
	const char *name;
	int (*fn)(struct nl *nl, int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "count", cmd_count },
	{ "stats", cmd_stats },
	{ "flush", cmd_flush },
	{ "delete", cmd_delete },
	{ "get", cmd_get },
	{ "set", cmd_set },
};

int cli_ct(int argc, char **argv)
{
	struct nl nl;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		ct_usage();
	for (unsigned int i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		nl_open(&nl);
		ret = commands[i].fn(&nl, argc - 2, argv + 2);
		nl_close(&nl);
		return ret;
	}
	perr("unknown ct command \"%s\" (try xtctl ct help)", argv[1]);
}
