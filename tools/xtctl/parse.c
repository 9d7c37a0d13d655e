// SPDX-License-Identifier: GPL-2.0
/*
 * Rule options. An extension option belongs to the most recently loaded
 * extension (match or target) that has an option of that name, as in
 * iptables' getopt table merging; if none has it and -p names a protocol
 * with a match of its own, that match is loaded implicitly, once.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "names.h"
#include "parse.h"
#include "parse_util.h"

enum builtin {
	B_SRC, B_DST, B_PROTO, B_IIF, B_OIF, B_FRAG, B_JUMP, B_GOTO, B_MATCH,
	B_COUNTERS,
};

struct builtin_opt {
	const char *s, *l, *l2;
	enum builtin id;
	uint8_t nargs;
	bool invertible;
};

static const struct builtin_opt builtins[] = {
	{ "-s", "--source", "--src", B_SRC, 1, true },
	{ "-d", "--destination", "--dst", B_DST, 1, true },
	{ "-p", "--protocol", NULL, B_PROTO, 1, true },
	{ "-i", "--in-interface", NULL, B_IIF, 1, true },
	{ "-o", "--out-interface", NULL, B_OIF, 1, true },
	{ "-f", "--fragment", NULL, B_FRAG, 0, true },
	{ "-j", "--jump", NULL, B_JUMP, 1, false },
	{ "-g", "--goto", NULL, B_GOTO, 1, false },
	{ "-m", "--match", NULL, B_MATCH, 1, false },
	{ "-c", "--set-counters", NULL, B_COUNTERS, 2, false },
};

/* Options that mean "you forgot -p". */
static const char *const proto_opts[] = {
	"sport", "dport", "source-port", "destination-port", "syn",
	"tcp-flags", "tcp-option", "icmp-type", "icmpv6-type",
};

void rparse_init(struct rparse *p, uint8_t family, const char *chain)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->chain = chain;
	p->rule = rule_new(family);
}

static void addr_list_free(struct addr_list *l)
{
	free(l->addr);
	free(l->mask);
	memset(l, 0, sizeof(*l));
}

void rparse_free(struct rparse *p)
{
	rule_free(p->rule);
	p->rule = NULL;
	addr_list_free(&p->src);
	addr_list_free(&p->dst);
}

bool rparse_any(const struct rparse *p)
{
	return p->seen || p->rule->nmt;
}

bool rparse_only_counters(const struct rparse *p)
{
	return !(p->seen & ~(1U << B_COUNTERS)) && !p->rule->nmt;
}

static const struct builtin_opt *find_builtin(const char *arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(builtins); i++) {
		const struct builtin_opt *b = &builtins[i];

		if (opt_eq(arg, b->s) || opt_eq(arg, b->l) ||
		    (b->l2 && opt_eq(arg, b->l2)))
			return b;
	}
	return NULL;
}

static void addr_list_add(struct addr_list *l, const union xtfw_addr *a,
			  const union xtfw_addr *m)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (!memcmp(&l->addr[i], a, sizeof(*a)) &&
		    !memcmp(&l->mask[i], m, sizeof(*m)))
			return;
	l->addr = xrealloc(l->addr, (l->n + 1) * sizeof(*a));
	l->mask = xrealloc(l->mask, (l->n + 1) * sizeof(*m));
	l->addr[l->n] = *a;
	l->mask[l->n++] = *m;
}

#define MAX_HOST_ADDRS	64

/* A host name may stand for several addresses, as in iptables. */
static void resolve_host(const char *host, uint8_t family,
			 struct addr_list *l, const union xtfw_addr *mask)
{
	struct addrinfo hints = {
		.ai_family = family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET,
		.ai_socktype = SOCK_RAW,
	}, *res, *ai;
	union xtfw_addr a;
	unsigned int n = 0;

	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		perr("host/network \"%s\" not found", host);
	for (ai = res; ai && n < MAX_HOST_ADDRS; ai = ai->ai_next, n++) {
		memset(&a, 0, sizeof(a));
		if (family == XTFW_FAMILY_IPV6)
			memcpy(a.bytes, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			memcpy(a.bytes, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		addr_apply_mask(&a, mask);
		addr_list_add(l, &a, mask);
	}
	freeaddrinfo(res);
}

static void parse_one_addr(char *item, uint8_t family, struct addr_list *l)
{
	char *slash = strchr(item, '/');
	union xtfw_addr a, mask;
	int af = family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET;

	if (slash) {
		*slash = '\0';
		parse_mask(slash + 1, family, &mask);
	} else {
		prefix_to_mask(fam_addrlen(family) * 8, family, &mask);
	}
	memset(&a, 0, sizeof(a));
	if (!*item)
		invarg("address", item);
	if (inet_pton(af, item, a.bytes) != 1) {
		resolve_host(item, family, l, &mask);
		return;
	}
	addr_apply_mask(&a, &mask);
	addr_list_add(l, &a, &mask);
}

static void parse_addr_list(const char *arg, uint8_t family,
			    struct addr_list *l)
{
	char *buf = xstrdup(arg), *tok, *save = NULL;
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		free(buf);
		fail(fc.code, "%s", fc.msg);
	}
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		parse_one_addr(tok, family, l);
	fail_pop(&fc);
	free(buf);
	if (!l->n)
		invarg("address", arg);
	l->given = true;
}

static void parse_proto(struct rparse *p, const char *arg, bool inv)
{
	char name[64];
	uint32_t num;
	int proto;

	if (str_to_u32(arg, 0, 255, &num)) {
		proto = num;
	} else {
		if (strlen(arg) >= sizeof(name))
			invarg("protocol", arg);
		for (size_t i = 0; i <= strlen(arg); i++)
			name[i] = tolower((unsigned char)arg[i]);
		proto = proto_by_name(name, p->family);
		if (proto < 0)
			perr("unknown protocol \"%s\" specified", arg);
	}
	if (proto == 0 && inv)
		perr("rule would never match protocol");
	p->rule->proto = proto;
	if (proto)
		p->rule->has |= BIT64(XTFW_RULE_A_PROTO);
	if (inv)
		p->rule->inv |= XTFW_INV_PROTO;
}

static void parse_iface_opt(struct rparse *p, bool in, const char *arg,
			    bool inv)
{
	struct rule *r = p->rule;

	parse_iface(arg, in ? r->iif : r->oif);
	r->has |= BIT64(in ? XTFW_RULE_A_IIF : XTFW_RULE_A_OIF);
	if (inv)
		r->inv |= in ? XTFW_INV_IIF : XTFW_INV_OIF;
}

static void load_target(struct rparse *p, const char *name, bool go)
{
	const struct tg_ext *x = tg_ext_by_name(name, p->family);
	struct rule *r = p->rule;

	if (!*name)
		perr("invalid target name (too short)");
	if (go && x)
		perr("goto \"%s\" is not a chain", name);
	if (!x) {
		check_chain_name(name);
		rule_set_target(r, go ? XTFW_TARGET_GOTO : XTFW_TARGET_JUMP);
		strcpy(r->tg.chain, name);
		r->tg.has |= BIT64(XTFW_TARGET_A_CHAIN);
		return;
	}
	rule_set_target(r, x->type);
	p->tgx = x;
	p->tg_at = r->nmt;
	if (x->init)
		x->init(&r->tg, r);
}

static struct mt *load_match(struct rparse *p, const struct mt_ext *x)
{
	struct rule *r = p->rule;
	struct mt *m;

	if (r->nmt >= RULE_MAX_MATCHES)
		perr("too many matches in one rule (at most %d)",
		     RULE_MAX_MATCHES);
	m = rule_add_match(r, x->type);
	if (x->init)
		x->init(m, r);
	return m;
}

static void parse_match_opt(struct rparse *p, const char *name)
{
	const struct mt_ext *x = mt_ext_by_name(name, p->family);

	if (!x)
		perr("unknown match \"%s\"%s", name,
		     mt_ext_by_name(name, !p->family) ?
		     (p->family ? " for IPv6" : " for IPv4") : "");
	load_match(p, x);
}

static uint64_t parse_counter(const char *s, const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!isdigit((unsigned char)*s) || *end || errno)
		invarg(what, s);
	return v;
}

static void parse_counters(struct rparse *p, char **args)
{
	struct rule *r = p->rule;

	r->pkts = parse_counter(args[0], "packet counter");
	r->bytes = parse_counter(args[1], "byte counter");
	r->has_counters = true;
}

static void check_inv(bool inv, const char *opt)
{
	if (inv)
		perr("cannot have ! before %s", opt);
}

static void do_builtin(struct rparse *p, const struct builtin_opt *b,
		       char **args, bool inv)
{
	struct rule *r = p->rule;

	if ((p->seen & (1U << b->id)) && b->id != B_MATCH)
		perr("multiple %s flags not allowed", b->s);
	if ((b->id == B_JUMP || b->id == B_GOTO) &&
	    (p->seen & ((1U << B_JUMP) | (1U << B_GOTO))))
		perr("only one of -j and -g may be given");
	p->seen |= 1U << b->id;
	if (!b->invertible)
		check_inv(inv, b->s);
	switch (b->id) {
	case B_SRC:
	case B_DST:
		parse_addr_list(args[0], p->family,
				b->id == B_SRC ? &p->src : &p->dst);
		if (inv)
			r->inv |= b->id == B_SRC ? XTFW_INV_SRC : XTFW_INV_DST;
		break;
	case B_PROTO:
		parse_proto(p, args[0], inv);
		break;
	case B_IIF:
	case B_OIF:
		parse_iface_opt(p, b->id == B_IIF, args[0], inv);
		break;
	case B_FRAG:
		if (p->family == XTFW_FAMILY_IPV6)
			perr("-f is not supported for IPv6 (use -m frag)");
		r->has |= BIT64(XTFW_RULE_A_FRAG);
		if (inv)
			r->inv |= XTFW_INV_FRAG;
		break;
	case B_JUMP:
	case B_GOTO:
		load_target(p, args[0], b->id == B_GOTO);
		break;
	case B_MATCH:
		parse_match_opt(p, args[0]);
		break;
	case B_COUNTERS:
		parse_counters(p, args);
		break;
	}
}

/* Collect nargs arguments; "--opt ! arg" is the old spelling of "! --opt". */
static char **take_args(int argc, char **argv, int *i, unsigned int nargs,
			const char *opt, bool invertible, bool *inv)
{
	char **args = &argv[*i + 1];

	if (nargs && *i + 1 < argc && strcmp(argv[*i + 1], "!") == 0 &&
	    invertible && !*inv) {
		fprintf(stderr,
			"xtctl: Using intrapositioned negation (`--option ! this`) is deprecated in favor of extrapositioned (`! --option this`).\n");
		*inv = true;
		(*i)++;
		args++;
	}
	if (*i + (int)nargs >= argc)
		perr("option \"%s\" requires %s", opt,
		     nargs > 1 ? "more arguments" : "an argument");
	*i += nargs + 1;
	return args;
}

static bool mt_owns(const struct rule *r, unsigned int k, const char *name,
		    const struct ext_opt **o)
{
	const struct mt_ext *x = mt_ext_by_type(r->mt[k].type);

	*o = x ? ext_find_opt(x->opts, name) : NULL;
	return *o != NULL;
}

/* Newest extension first: the target counts from where -j appeared. */
static bool ext_owner(struct rparse *p, const char *name, struct mt **m,
		      const struct ext_opt **o)
{
	struct rule *r = p->rule;

	for (unsigned int k = r->nmt + 1; k-- > 0;) {
		if (p->tgx && k == p->tg_at &&
		    (*o = ext_find_opt(p->tgx->opts, name)) != NULL) {
			*m = NULL;
			return true;
		}
		if (k > 0 && mt_owns(r, k - 1, name, o)) {
			*m = &r->mt[k - 1];
			return true;
		}
	}
	return false;
}

static const struct mt_ext *proto_ext(const struct rparse *p)
{
	switch (p->rule->proto) {
	case IPPROTO_TCP: return &mt_tcp;
	case IPPROTO_UDP: return &mt_udp;
	case IPPROTO_UDPLITE: return &mt_udplite;
	case IPPROTO_SCTP: return &mt_sctp;
	case IPPROTO_ICMP:
		return p->family == XTFW_FAMILY_IPV4 ? &mt_icmp : NULL;
	case IPPROTO_ICMPV6:
		return p->family == XTFW_FAMILY_IPV6 ? &mt_icmpv6 : NULL;
	}
	return NULL;
}

static noreturn void unknown_option(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(proto_opts); i++)
		if (strcmp(name, proto_opts[i]) == 0)
			perr("--%s needs -p %s", name, name[0] == 'i' ?
			     "icmp|icmpv6" : strcmp(name, "syn") == 0 ||
			     name[0] == 't' ? "tcp" : "tcp|udp|udplite|sctp");
	perr("unknown option \"--%s\"", name);
}

static bool do_ext_opt(struct rparse *p, int argc, char **argv, int *i,
		       bool inv)
{
	const char *name = argv[*i] + 2;
	const struct ext_opt *o;
	const struct mt_ext *x;
	struct mt *m;
	char **args;

	if (!ext_owner(p, name, &m, &o)) {
		x = p->proto_loaded ? NULL : proto_ext(p);
		if (!x || !ext_find_opt(x->opts, name))
			unknown_option(name);
		p->proto_loaded = true;
		m = load_match(p, x);
		o = ext_find_opt(x->opts, name);
	}
	args = take_args(argc, argv, i, o->nargs, argv[*i], o->invertible,
			 &inv);
	if (inv && !o->invertible)
		perr("option \"--%s\" cannot be inverted", o->name);
	if (m)
		mt_ext_by_type(m->type)->parse(m, o, args, inv, p->rule);
	else
		p->tgx->parse(&p->rule->tg, o, args, inv, p->rule);
	return true;
}

bool rparse_opt(struct rparse *p, int argc, char **argv, int *i)
{
	const struct builtin_opt *b;
	bool inv = false;
	char **args;

	if (strcmp(argv[*i], "!") == 0) {
		if (*i + 1 >= argc)
			perr("\"!\" must be followed by an option");
		inv = true;
		(*i)++;
	}
	b = find_builtin(argv[*i]);
	if (b) {
		args = take_args(argc, argv, i, b->nargs, argv[*i],
				 b->invertible, &inv);
		do_builtin(p, b, args, inv);
		return true;
	}
	if (strncmp(argv[*i], "--", 2) == 0 && argv[*i][2])
		return do_ext_opt(p, argc, argv, i, inv);
	if (inv)
		perr("\"!\" must be followed by a rule option, not \"%s\"",
		     argv[*i]);
	return false;
}

static void check_hooks(const struct rparse *p)
{
	int hook = p->chain ? hook_by_name(p->chain) : -1;
	const struct rule *r = p->rule;

	if (RULE_HAS(r, XTFW_RULE_A_IIF) &&
	    (hook == HOOK_OUTPUT || hook == HOOK_POSTROUTING))
		perr("can't use -i with %s", p->chain);
	if (RULE_HAS(r, XTFW_RULE_A_OIF) &&
	    (hook == HOOK_INPUT || hook == HOOK_PREROUTING))
		perr("can't use -o with %s", p->chain);
}

static void run_finals(struct rparse *p)
{
	struct rule *r = p->rule;

	for (unsigned int k = 0; k < r->nmt; k++) {
		const struct mt_ext *x = mt_ext_by_type(r->mt[k].type);

		if (x->final)
			x->final(&r->mt[k], r);
	}
	if (p->tgx && p->tgx->final)
		p->tgx->final(&r->tg, r);
	check_hooks(p);
}

static void set_addr(struct rule *r, bool src, const struct addr_list *l,
		     unsigned int k)
{
	bool inv = r->inv & (src ? XTFW_INV_SRC : XTFW_INV_DST);
	union xtfw_addr zero = { 0 };

	if (!l->given)
		return;
	if (!memcmp(&l->mask[k], &zero, sizeof(zero)) && !inv)
		return;
	if (src) {
		r->src = l->addr[k];
		r->smsk = l->mask[k];
		r->has |= BIT64(XTFW_RULE_A_SRC) | BIT64(XTFW_RULE_A_SRC_MASK);
	} else {
		r->dst = l->addr[k];
		r->dmsk = l->mask[k];
		r->has |= BIT64(XTFW_RULE_A_DST) | BIT64(XTFW_RULE_A_DST_MASK);
	}
}

struct rule **rparse_finish(struct rparse *p, unsigned int *n)
{
	unsigned int ns = p->src.given ? p->src.n : 1;
	unsigned int nd = p->dst.given ? p->dst.n : 1;
	struct rule **out;

	run_finals(p);
	for (unsigned int k = 0; k < p->rule->nmt; k++)
		p->rule->mt[k].seen = 0;
	p->rule->tg.seen = 0;
	out = xcalloc(ns * nd, sizeof(*out));
	for (unsigned int s = 0; s < ns; s++) {
		for (unsigned int d = 0; d < nd; d++) {
			bool last = s == ns - 1 && d == nd - 1;
			/* the last copy is the parsed rule itself */
			struct rule *r = last ? p->rule : rule_dup(p->rule);

			set_addr(r, true, &p->src, s);
			set_addr(r, false, &p->dst, d);
			out[s * nd + d] = r;
		}
	}
	p->rule = NULL;
	*n = ns * nd;
	return out;
}
