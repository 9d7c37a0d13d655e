// SPDX-License-Identifier: GPL-2.0
/*
 * The command part of an iptables command line: one command (-A, -L, ...),
 * the global options (-t, -4/-6, -n, -v, ...) and, for rule commands, the
 * rule options handed to parse.c. Short flags may be bundled (-nvL).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "names.h"
#include "parse.h"
#include "parse_util.h"

enum argk { NO_ARG, ONE_ARG, OPT_ARG, OPT_ARG2, TWO_ARG, ONE_OPT_NUM };

struct cmd_opt {
	char s;
	const char *l;
	enum cmd_op op;
	enum argk args;
};

static const struct cmd_opt commands[] = {
	{ 'A', "--append", CMD_APPEND, ONE_ARG },
	{ 'C', "--check", CMD_CHECK, ONE_ARG },
	{ 'D', "--delete", CMD_DELETE, ONE_OPT_NUM },
	{ 'I', "--insert", CMD_INSERT, ONE_OPT_NUM },
	{ 'R', "--replace", CMD_REPLACE, TWO_ARG },
	{ 'L', "--list", CMD_LIST, OPT_ARG2 },
	{ 'S', "--list-rules", CMD_LIST_RULES, OPT_ARG2 },
	{ 'F', "--flush", CMD_FLUSH, OPT_ARG },
	{ 'Z', "--zero", CMD_ZERO, OPT_ARG2 },
	{ 'N', "--new-chain", CMD_NEW_CHAIN, ONE_ARG },
	{ 'X', "--delete-chain", CMD_DELETE_CHAIN, OPT_ARG },
	{ 'E', "--rename-chain", CMD_RENAME_CHAIN, TWO_ARG },
	{ 'P', "--policy", CMD_POLICY, TWO_ARG },
	{ 'h', "--help", CMD_HELP, NO_ARG },
	{ 'V', "--version", CMD_VERSION, NO_ARG },
};

#define CTX_CHAIN_MAX	40
_Static_assert(sizeof(((struct cmd *)0)->ctx) >= CTX_CHAIN_MAX + 4,
	       "room for -L CHAIN");

/* Letters that may be bundled into one argument, as in -nvL. */
static const char bundle_letters[] = "nvxLSFZX46";

/*
 * Every argument of every line of a restore file comes here first: a
 * value or a rule option ("-s", "--dport") is turned away without a
 * string comparison against each long name.
 */
static const struct cmd_opt *find_command(const char *arg)
{
	if (arg[0] != '-' || !arg[1])
		return NULL;
	if (arg[1] != '-') {
		if (arg[2])
			return NULL;
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (arg[1] == commands[i].s)
				return &commands[i];
		return NULL;
	}
	if (opt_eq(arg, "--new"))
		arg = "--new-chain";
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (opt_eq(arg, commands[i].l))
			return &commands[i];
	return NULL;
}

static bool is_value(int argc, char **argv, int i)
{
	return i < argc && argv[i][0] != '-' && strcmp(argv[i], "!") != 0;
}

static bool is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

static unsigned int parse_rulenum(const char *s)
{
	return parse_u32(s, 1, INT32_MAX, "rule number");
}

#define NEXT_ARG(argc, argv, i, opt)					\
	do {								\
		if (++(i) >= (argc))					\
			perr("option \"%s\" requires an argument", opt); \
	} while (0)

static void set_command(struct cmd *c, const struct cmd_opt *o)
{
	bool list_zero = (c->op == CMD_LIST || c->op == CMD_LIST_RULES) &&
			 o->op == CMD_ZERO;

	if (list_zero || (o->op == CMD_LIST && c->op == CMD_ZERO)) {
		c->zero_after_list = true;
		if (o->op == CMD_LIST)
			c->op = CMD_LIST;
		return;
	}
	if (c->op != CMD_NONE)
		perr("cannot use -%c with -%c", o->s, c->letter);
	c->op = o->op;
	c->letter = o->s;
}

static void parse_policy(struct cmd *c, const char *s)
{
	if (strcmp(s, "ACCEPT") == 0)
		c->policy = XTFW_VERDICT_ACCEPT;
	else if (strcmp(s, "DROP") == 0)
		c->policy = XTFW_VERDICT_DROP;
	else
		perr("bad policy name \"%s\" (ACCEPT or DROP)", s);
}

static void command_args(struct cmd *c, const struct cmd_opt *o, int argc,
			 char **argv, int *i)
{
	const char *opt = argv[*i];

	switch (o->args) {
	case NO_ARG:
		return;
	case ONE_ARG:
	case TWO_ARG:
	case ONE_OPT_NUM:
		NEXT_ARG(argc, argv, *i, opt);
		c->chain = argv[*i];
		break;
	case OPT_ARG:
	case OPT_ARG2:
		if (is_value(argc, argv, *i + 1))
			c->chain = argv[++*i];
		break;
	}
	if (o->args == TWO_ARG) {
		NEXT_ARG(argc, argv, *i, opt);
		if (o->op == CMD_REPLACE)
			c->rulenum = parse_rulenum(argv[*i]);
		else if (o->op == CMD_POLICY)
			parse_policy(c, argv[*i]);
		else
			c->newname = argv[*i];
	} else if ((o->args == ONE_OPT_NUM || (o->args == OPT_ARG2 && c->chain)) &&
		   *i + 1 < argc && is_number(argv[*i + 1])) {
		c->rulenum = parse_rulenum(argv[++*i]);
		if (o->op == CMD_DELETE)
			c->op = CMD_DELETE_NUM;
	}
}

static bool global_opt(struct cmd *c, int argc, char **argv, int *i,
		       bool restore)
{
	const char *a = argv[*i];

	if (a[0] != '-')
		return false;	/* a value: no option */
	if (opt_eq(a, "-t") || opt_eq(a, "--table")) {
		if (restore)
			perr("-t cannot be used in a restore file");
		NEXT_ARG(argc, argv, *i, a);
		c->table = table_by_name(argv[*i]);
		if (c->table < 0)
			perr("unknown table \"%s\"", argv[*i]);
	} else if (opt_eq(a, "-4") || opt_eq(a, "--ipv4") ||
		   opt_eq(a, "-6") || opt_eq(a, "--ipv6")) {
		uint8_t f = strchr(a, '6') ? XTFW_FAMILY_IPV6 :
			    XTFW_FAMILY_IPV4;

		if (restore && f != c->family)
			c->skip = true;
		c->family_given = true;
	} else if (opt_eq(a, "-n") || opt_eq(a, "--numeric")) {
		c->numeric = true;
	} else if (opt_eq(a, "-v") || opt_eq(a, "--verbose")) {
		c->verbose = true;
	} else if (opt_eq(a, "-x") || opt_eq(a, "--exact")) {
		c->exact = true;
	} else if (strlen(a) >= strlen("--line") &&
		   !strncmp(a, "--line-numbers", strlen(a))) {
		/* getopt lets iptables users shorten it; --line is common */
		c->linenum = true;
	} else if (opt_eq(a, "--json")) {
		c->json = true;
	} else if (opt_eq(a, "-w") || opt_eq(a, "--wait") ||
		   opt_eq(a, "-W") || opt_eq(a, "--wait-interval")) {
		/* no lock to wait for: transactions check the generation */
		if (*i + 1 < argc && is_number(argv[*i + 1]))
			(*i)++;
	} else if (opt_eq(a, "--modprobe")) {
		NEXT_ARG(argc, argv, *i, a);
	} else {
		return false;
	}
	return true;
}

static uint8_t prescan_family(int argc, char **argv, uint8_t dflt)
{
	for (int i = 0; i < argc; i++) {
		if (opt_eq(argv[i], "-6") || opt_eq(argv[i], "--ipv6"))
			return XTFW_FAMILY_IPV6;
		if (opt_eq(argv[i], "-4") || opt_eq(argv[i], "--ipv4"))
			return XTFW_FAMILY_IPV4;
	}
	return dflt;
}

static bool bundle(const char *a)
{
	return a[0] == '-' && a[1] && a[1] != '-' && a[2] &&
	       strspn(a + 1, bundle_letters) == strlen(a + 1);
}

/* -nvL becomes -n -v -L; the expanded vector lives in *store. */
static char **unbundle(int *argc, char **argv, char ***store, char **letters)
{
	int n = 0, cap = 1;
	char **out, *l, *p;

	/* as many words as letters in bundles, one per other argument */
	for (int i = 0; i < *argc; i++)
		cap += i && bundle(argv[i]) ? (int)strlen(argv[i]) - 1 : 1;
	out = xcalloc(cap, sizeof(*out));
	l = xcalloc((size_t)cap * 3, 1);
	p = l;

	for (int i = 0; i < *argc; i++) {
		if (i == 0 || !bundle(argv[i])) {
			out[n++] = argv[i];
			continue;
		}
		for (const char *s = argv[i] + 1; *s; s++) {
			p[0] = '-', p[1] = *s, p[2] = '\0';
			out[n++] = p;
			p += 3;
		}
	}
	*argc = n;
	*store = out;
	*letters = l;
	return out;
}

static bool takes_rule(enum cmd_op op)
{
	return op == CMD_APPEND || op == CMD_INSERT || op == CMD_DELETE ||
	       op == CMD_REPLACE || op == CMD_CHECK || op == CMD_POLICY;
}

static void finish_rule(struct cmd *c, struct rparse *p)
{
	bool any = rparse_any(p);

	if (c->op == CMD_POLICY) {
		if (!rparse_only_counters(p))
			perr("-P takes only -c as an option");
		c->has_counters = p->rule->has_counters;
		c->pkts = p->rule->pkts;
		c->bytes = p->rule->bytes;
		return;
	}
	if (!takes_rule(c->op)) {
		if (any)
			perr("rule options are not allowed with -%c", c->letter);
		return;
	}
	if (c->op == CMD_DELETE && !any)
		perr("-D needs a rule number or a rule specification");
	p->chain = c->chain;
	c->rules = rparse_finish(p, &c->nrules);
}

/*
 * "-A CHAIN", the context of the command's errors: what snprintf() with
 * "-%c%s%.40s" would write, at a fiftieth of its cost, once or twice for
 * each line of a restore file.
 */
static void set_ctx(struct cmd *c)
{
	size_t n = 0, len;

	c->ctx[n++] = '-';
	c->ctx[n++] = c->letter;
	if (c->chain) {
		len = strnlen(c->chain, CTX_CHAIN_MAX);
		c->ctx[n++] = ' ';
		memcpy(&c->ctx[n], c->chain, len);
		n += len;
	}
	c->ctx[n] = '\0';
}

static void check_command(struct cmd *c, bool restore)
{
	if (c->op == CMD_NONE)
		perr("no command specified");
	if (restore && (c->op == CMD_LIST || c->op == CMD_LIST_RULES ||
			c->op == CMD_HELP || c->op == CMD_VERSION ||
			c->op == CMD_CHECK))
		perr("-%c cannot be used in a restore file", c->letter);
	if (c->chain)
		check_chain_name(c->chain);
	if (c->newname)
		check_chain_name(c->newname);
	set_ctx(c);
}

static void parse_all(struct cmd *c, struct rparse *p, int argc, char **argv,
		      bool restore)
{
	const struct cmd_opt *o;

	for (int i = restore ? 0 : 1; i < argc; i++) {
		if (strcmp(argv[i], "!") && (o = find_command(argv[i]))) {
			set_command(c, o);
			command_args(c, o, argc, argv, &i);
			set_ctx(c);
			continue;
		}
		if (global_opt(c, argc, argv, &i, restore))
			continue;
		if (rparse_opt(p, argc, argv, &i)) {
			i--;
			continue;
		}
		if (argv[i][0] == '-')
			perr("unknown option \"%s\"", argv[i]);
		perr("bad argument \"%s\"", argv[i]);
	}
}

struct parse_job {
	struct cmd *c;
	struct rparse p;
	int argc;
	char **argv, *letters;
	bool restore;
};

static void parse_job_run(void *arg)
{
	struct parse_job *j = arg;

	parse_all(j->c, &j->p, j->argc, j->argv, j->restore);
	if (!j->c->skip) {
		check_command(j->c, j->restore);
		finish_rule(j->c, &j->p);
	}
}

static void parse_job_free(void *arg)
{
	struct parse_job *j = arg;

	rparse_free(&j->p);
	free(j->argv);
	free(j->letters);
}

void cmd_parse(struct cmd *c, int argc, char **argv, bool restore,
	       uint8_t family)
{
	struct parse_job j = { .c = c, .argc = argc, .restore = restore };

	memset(c, 0, sizeof(*c));
	c->table = XTFW_TABLE_FILTER;
	c->family = prescan_family(argc, argv, family);
	if (restore && c->family != family) {
		/* ip6tables-restore skips "-4" lines and the other way round */
		c->skip = true;
		return;
	}
	unbundle(&j.argc, argv, &j.argv, &j.letters);
	rparse_init(&j.p, c->family, NULL);
	fail_guard(parse_job_run, parse_job_free, &j);
	parse_job_free(&j);
}

void cmd_free(struct cmd *c)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		rule_free(c->rules[i]);
	free(c->rules);
	c->rules = NULL;
	c->nrules = 0;
}
