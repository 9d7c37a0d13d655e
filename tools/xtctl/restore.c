// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-restore format: "*table", ":CHAIN POLICY [pkts:bytes]", command
 * lines ("-A ..." with an optional "[pkts:bytes]" prefix), "COMMIT" and
 * "#" comments. Hostile input ends in an error naming the line, never in a
 * crash: lines and argument counts are bounded and NUL bytes refused.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>

#include "check.h"
#include "cmd.h"
#include "names.h"
#include "parse_util.h"
#include "restore.h"

struct restore {
	const struct restore_opts *o;
	struct ruleset *rs;
	struct table *cur;
	unsigned int line;
	const char *p, *end;		/* input not yet read */
	char *buf;			/* the current line */
	unsigned int nrules, max_rules;	/* rules added, and the bound */
};

/*
 * The module refuses a transaction of more rules than one per 4 KiB of
 * memory (module/txn.c, max_rules()). Parsed, a rule takes about 700 bytes
 * here, so a file far beyond that bound would exhaust memory in xtctl
 * before the kernel could refuse it (1,000,000 rules on a 1 GiB machine):
 * the restore stops at the same count, with the same reason.
 */
static unsigned int restore_max_rules(void)
{
	struct sysinfo si;
	uint64_t by_memory;

	if (sysinfo(&si))
		return XTFW_MAX_RULES_PER_TXN;
	by_memory = ((uint64_t)si.totalram * si.mem_unit) >> 12;
	if (by_memory < XTFW_MIN_RULES_PER_TXN)
		return XTFW_MIN_RULES_PER_TXN;
	return by_memory < XTFW_MAX_RULES_PER_TXN ? by_memory :
						    XTFW_MAX_RULES_PER_TXN;
}

/* isspace() in the C locale, without a call for every character */
static inline bool is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int restore_tokenize(const char *line, char ***argvp)
{
	size_t len = strlen(line);
	/*
	 * Arguments are separated by blanks and hold a character at least
	 * (or two: ""), so a line has no more than (len + 1) / 2 of them: a
	 * small block that malloc() recycles, instead of one for the most
	 * arguments any line may have.
	 */
	size_t cap = (len + 1) / 2 < RESTORE_MAX_ARGS ? (len + 1) / 2 :
		     RESTORE_MAX_ARGS;
	char **argv = xmalloc((cap + 1) * sizeof(*argv) + len + 1);
	char *out = (char *)(argv + cap + 1), *tok = NULL;
	bool quoted = false, escaped = false;
	int argc = 0;

	for (const char *p = line;; p++) {
		char ch = *p;

		/* a run of plain characters, the bulk of every line */
		if (!quoted && tok && !is_blank(ch) && ch != '"' && ch) {
			*out++ = ch;
			continue;
		}
		if (!ch || (!quoted && is_blank(ch))) {
			if (tok) {
				*out++ = '\0';
				if ((size_t)argc == cap) {
					free(argv);
					perr("too many arguments (at most %d)",
					     RESTORE_MAX_ARGS);
				}
				argv[argc++] = tok;
				tok = NULL;
			}
			if (!ch)
				break;
			continue;
		}
		if (!tok)
			tok = out;
		if (quoted && escaped) {
			*out++ = ch;
			escaped = false;
		} else if (quoted && ch == '\\') {
			escaped = true;
		} else if (ch == '"') {
			quoted = !quoted;
		} else {
			*out++ = ch;
		}
	}
	argv[argc] = NULL;
	if (quoted) {
		free(argv);
		perr("unterminated quoted string");
	}
	*argvp = argv;
	return argc;
}

static void start_table(struct restore *st, const char *name)
{
	int id = table_by_name(name);

	if (st->cur)
		perr("table %s is not committed (COMMIT expected before *%s)",
		     table_name(st->cur->id), name);
	if (id < 0)
		perr("unknown table \"%s\"", name);
	st->cur = ruleset_get(st->rs, st->o->family, id);
	if (!st->o->noflush)
		table_reset(st->cur);
	for (unsigned int i = 0; st->o->counters && i < st->cur->nbuiltin; i++)
		st->cur->chains[i]->has_counters = true;
	st->cur->dirty = true;
	st->cur->line = st->line;
}

static bool parse_u64(const char *s, char stop, uint64_t *v,
		      const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &e, 10);
	*end = e;
	return !errno && *e == stop;
}

/* "[pkts:bytes]" */
static bool parse_counter_pair(const char *s, uint64_t *pkts,
			       uint64_t *bytes)
{
	const char *p;

	return s[0] == '[' && parse_u64(s + 1, ':', pkts, &p) &&
	       parse_u64(p + 1, ']', bytes, &p) && !p[1];
}

static void declare_builtin(struct restore *st, struct chain *c,
			    char **argv)
{
	if (strcmp(argv[1], "ACCEPT") == 0)
		c->policy = XTFW_VERDICT_ACCEPT;
	else if (strcmp(argv[1], "DROP") == 0)
		c->policy = XTFW_VERDICT_DROP;
	else
		perr("bad policy \"%s\" for built-in chain %s", argv[1],
		     c->name);
	if (st->o->counters && argv[2]) {
		c->has_counters = true;
		parse_counter_pair(argv[2], &c->pkts, &c->bytes);
	}
}

static void declare_chain(struct restore *st, int argc, char **argv)
{
	const char *name = argv[0] + 1;
	uint64_t p, b;
	struct chain *c;

	if (!st->cur)
		perr("chain declaration outside a table (\"*table\" expected)");
	if (argc < 2 || argc > 3)
		perr("expected \":CHAIN POLICY [packets:bytes]\"");
	if (argc == 3 && !parse_counter_pair(argv[2], &p, &b))
		perr("bad counters \"%s\"", argv[2]);
	check_chain_name(name);
	c = table_chain(st->cur, name);
	if (c && c->builtin) {
		declare_builtin(st, c, argv);
	} else {
		if (strcmp(argv[1], "-"))
			perr("user chain %s cannot have policy \"%s\"", name,
			     argv[1]);
		if (c && !st->o->noflush)
			fail(XT_EXIT_OTHER, "chain %s already exists", name);
		if (c)
			chain_flush(c);
		else
			c = table_add_chain(st->cur, name);
	}
	c->line = st->line;
}

/*
 * With -c every rule sets its counters: from "[p:b]", else from an inline
 * "-c p b", else zero, as iptables-restore -c leaves them.
 */
static void set_counters(struct cmd *c, bool given, uint64_t p, uint64_t b)
{
	for (unsigned int i = 0; i < c->nrules; i++) {
		struct rule *r = c->rules[i];

		if (!given && r->has_counters)
			continue;
		r->has_counters = true;
		r->pkts = p;
		r->bytes = b;
	}
}

struct line_cmd {
	struct restore *st;
	struct cmd c;
	bool counters;			/* "[p:b]" given */
	uint64_t pkts, bytes;
};

static void apply_line_cmd(void *arg)
{
	struct line_cmd *lc = arg;
	struct restore *st = lc->st;
	struct cmd *c = &lc->c;

	if (c->skip)
		return;
	if (!st->cur)
		perr("command outside a table (\"*table\" expected)");
	for (unsigned int i = 0; i < c->nrules; i++)
		c->rules[i]->line = st->line;
	if (st->o->counters)
		set_counters(c, lc->counters, lc->pkts, lc->bytes);
	if (c->op == CMD_APPEND || c->op == CMD_INSERT) {
		if (c->nrules > st->max_rules - st->nrules)
			perr("more than %u rules in one transaction (the limit for this machine's memory)",
			     st->max_rules);
		st->nrules += c->nrules;
	}
	cmd_apply_take(c, st->cur);
}

static void free_line_cmd(void *arg)
{
	cmd_free(&((struct line_cmd *)arg)->c);
}

static void run_command(struct restore *st, int argc, char **argv)
{
	struct line_cmd lc = { .st = st };

	if (argv[0][0] == '[') {
		if (!parse_counter_pair(argv[0], &lc.pkts, &lc.bytes))
			perr("bad counters \"%s\"", argv[0]);
		lc.counters = true;
		argc--, argv++;
	}
	if (!argc)
		perr("counters without a command");
	cmd_parse(&lc.c, argc, argv, true, st->o->family);
	fail_guard(apply_line_cmd, free_line_cmd, &lc);
	cmd_free(&lc.c);
}

struct line_args {
	struct restore *st;
	char **argv;
	int argc;
	bool table;
};

static void do_args(void *arg)
{
	struct line_args *la = arg;
	char **argv = la->argv;

	if (la->table) {
		if (la->argc != 1)
			perr("expected \"*table\"");
		start_table(la->st, argv[0]);
	} else if (la->argc == 1 && strcmp(argv[0], "COMMIT") == 0) {
		if (!la->st->cur)
			perr("COMMIT without a table");
		la->st->cur = NULL;
	} else if (argv[0][0] == ':') {
		declare_chain(la->st, la->argc, argv);
	} else if (la->argc) {
		run_command(la->st, la->argc, argv);
	}
}

static void free_args(void *arg)
{
	free(((struct line_args *)arg)->argv);
}

static void do_line(struct restore *st, char *line)
{
	struct line_args la = { .st = st };

	while (isspace((unsigned char)*line))
		line++;
	if (!*line || *line == '#')
		return;
	la.table = *line == '*';
	la.argc = restore_tokenize(line + la.table, &la.argv);
	fail_guard(do_args, free_args, &la);
	free(la.argv);
}

static void check_tables(struct restore *st)
{
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		struct table *t = st->rs->t[st->o->family][i];

		st->line = 0;
		if (t && t->dirty)
			check_table(t, &st->line);
	}
}

static size_t line_length(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', end - p);

	return (nl ? nl : end) - p;
}

static void apply_lines(struct restore *st)
{
	while (st->p < st->end) {
		size_t n = line_length(st->p, st->end);

		st->line++;
		if (n > RESTORE_MAX_LINE)
			perr("line too long (more than %d bytes)",
			     RESTORE_MAX_LINE);
		if (memchr(st->p, '\0', n))
			perr("NUL byte in input");
		memcpy(st->buf, st->p, n);
		st->buf[n] = '\0';
		if (n && st->buf[n - 1] == '\r')
			st->buf[n - 1] = '\0';
		do_line(st, st->buf);
		st->p += n + 1;
	}
	st->line++;
	if (st->cur)
		perr("table %s is not committed (COMMIT expected)",
		     table_name(st->cur->id));
	check_tables(st);
}

void restore_apply(const char *buf, size_t len, const struct restore_opts *o,
		   struct ruleset *rs)
{
	struct restore st = {
		.o = o, .rs = rs, .p = buf, .end = buf + len,
		.buf = xmalloc(RESTORE_MAX_LINE + 1),
		.max_rules = restore_max_rules(),
	};
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		free(st.buf);
		if (st.line)
			fail(fc.code, "line %u: %s", st.line, fc.msg);
		fail(fc.code, "%s", fc.msg);
	}
	apply_lines(&st);
	fail_pop(&fc);
	free(st.buf);
}
