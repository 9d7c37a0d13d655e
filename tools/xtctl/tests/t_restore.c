// SPDX-License-Identifier: GPL-2.0
/*
 * restore input: structure, counters, --noflush, whole-table checks, and
 * hostile input, which must end in a clear error naming the right line
 * (and never in a crash: the suite runs under ASan and UBSan).
 */
#include <stdlib.h>

#include "test.h"
#include "../restore.h"
#include "../save.h"

/* Restore text; returns NULL on success or the error message. */
static const char *try_restore(const char *text, size_t len,
			       const struct restore_opts *o,
			       struct ruleset *rs)
{
	static char msg[FAIL_MSG_MAX];
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		snprintf(msg, sizeof(msg), "%s", fc.msg);
		return msg;
	}
	restore_apply(text, len, o, rs);
	fail_pop(&fc);
	return NULL;
}

static const char *restore_err(const char *text, uint8_t family)
{
	struct restore_opts o = { .family = family };
	struct ruleset rs = { 0 };
	const char *err = try_restore(text, strlen(text), &o, &rs);

	ruleset_free(&rs);
	return err ? err : "(no error)";
}

struct err_case {
	const char *name, *text, *msg;
};

#define HEAD "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"

static const struct err_case errs[] = {
	{ "bad port", HEAD "-A INPUT -p tcp --dport 99999\nCOMMIT\n",
	  "line 5: invalid port/service \"99999\"" },
	{ "unknown match at line 12",
	  HEAD "#\n#\n#\n#\n#\n#\n\n-A INPUT -m foo\nCOMMIT\n",
	  "line 12: unknown match \"foo\"" },
	{ "unknown option", HEAD "-A INPUT -p tcp --frobnicate 1\nCOMMIT\n",
	  "line 5: unknown option \"--frobnicate\"" },
	{ "unterminated quote",
	  HEAD "-A INPUT -m comment --comment \"open -j ACCEPT\nCOMMIT\n",
	  "line 5: unterminated quoted string" },
	{ "absurd port", HEAD "-A INPUT -p udp --sport 99999999999999999999999\nCOMMIT\n",
	  "line 5: invalid port/service \"99999999999999999999999\"" },
	{ "absurd burst", HEAD "-A INPUT -m limit --limit-burst 4294967296\nCOMMIT\n",
	  "line 5: invalid burst \"4294967296\" (expected 1 to 10000)" },
	{ "absurd counters", HEAD "[99999999999999999999999:1] -A INPUT\nCOMMIT\n",
	  "line 5: bad counters \"[99999999999999999999999:1]\"" },
	{ "absurd log level", HEAD "-A INPUT -j LOG --log-level 4294967303\nCOMMIT\n",
	  "line 5: log level \"4294967303\" unknown" },
	{ "absurd mark", HEAD "-A INPUT -m mark --mark 0x1ffffffff\nCOMMIT\n",
	  "line 5: invalid mark \"0x1ffffffff\"" },
	{ "negative length", HEAD "-A INPUT -m length --length -5\nCOMMIT\n",
	  "line 5: invalid length \"-5\" (expected 0 to 65535)" },
	{ "comment too long", HEAD "-A INPUT -m comment --comment "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	  "COMMIT\n", "line 5: comment may not exceed 255 characters" },
	{ "missing COMMIT", HEAD "-A INPUT -j ACCEPT\n",
	  "line 6: table filter is not committed (COMMIT expected)" },
	{ "nested table", HEAD "*nat\n", "line 5: table filter is not committed (COMMIT expected before *nat)" },
	{ "COMMIT alone", "COMMIT\n", "line 1: COMMIT without a table" },
	{ "rule outside table", "-A INPUT -j ACCEPT\n",
	  "line 1: command outside a table (\"*table\" expected)" },
	{ "unknown table", "*bogus\nCOMMIT\n", "line 1: unknown table \"bogus\"" },
	{ "bad policy", "*filter\n:INPUT REJECT [0:0]\nCOMMIT\n",
	  "line 2: bad policy \"REJECT\" for built-in chain INPUT" },
	{ "user chain policy", "*filter\n:FOO ACCEPT [0:0]\nCOMMIT\n",
	  "line 2: user chain FOO cannot have policy \"ACCEPT\"" },
	{ "duplicate chain", "*filter\n:FOO - [0:0]\n:FOO - [0:0]\nCOMMIT\n",
	  "line 3: chain FOO already exists" },
	{ "undefined chain", HEAD "-A INPUT -j NOWHERE\nCOMMIT\n",
	  "line 5: -j NOWHERE: no chain/target by that name" },
	{ "jump to builtin", HEAD "-A INPUT -j OUTPUT\nCOMMIT\n",
	  "line 5: cannot jump to built-in chain OUTPUT" },
	{ "loop", HEAD ":A - [0:0]\n:B - [0:0]\n-A A -j B\n-A INPUT -j A\n-A B -j A\nCOMMIT\n",
	  "line 9: filter B rule 1: jump to chain A makes a loop" },
	{ "REJECT in nat", "*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -j REJECT\nCOMMIT\n",
	  "line 3: nat POSTROUTING rule 1: REJECT is only valid in the filter table" },
	{ "DNAT in POSTROUTING",
	  "*nat\n:X - [0:0]\n-A X -j DNAT --to-destination 1.2.3.4\n-A POSTROUTING -j X\nCOMMIT\n",
	  "line 3: nat X rule 1: DNAT is not valid in a chain reached from POSTROUTING" },
	{ "owner in INPUT", HEAD "-A INPUT -m owner --uid-owner 0\nCOMMIT\n",
	  "line 5: filter INPUT rule 1: owner is only valid in OUTPUT and POSTROUTING, not from INPUT" },
	{ "loop through goto", "*filter\n:A - [0:0]\n:B - [0:0]\n-A INPUT -j A\n-A A -g B\n"
	  "-A B -g A\nCOMMIT\n", "line 6: filter B rule 1: jump to chain A makes a loop" },
	{ "-t in restore", HEAD "-t nat -A INPUT\nCOMMIT\n",
	  "line 5: -t cannot be used in a restore file" },
	{ "-L in restore", HEAD "-L\nCOMMIT\n", "line 5: -L cannot be used in a restore file" },
	{ "garbage command", HEAD "hello world\nCOMMIT\n", "line 5: bad argument \"hello\"" },
	{ "delete missing rule", HEAD "-D INPUT -j ACCEPT\nCOMMIT\n",
	  "line 5: Bad rule (does a matching rule exist in that chain?)" },
	{ "bad table line", "*filter nat\nCOMMIT\n", "line 1: expected \"*table\"" },
	{ "bad chain line", "*filter\n:INPUT\nCOMMIT\n",
	  "line 2: expected \":CHAIN POLICY [packets:bytes]\"" },
	{ "counters only", HEAD "[1:2]\nCOMMIT\n", "line 5: counters without a command" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(errs); i++) {
		subtest_begin("  restore error: %s", errs[i].name);
		CHECK_STR(restore_err(errs[i].text, XTFW_FAMILY_IPV4),
			  errs[i].msg);
		subtest_end();
	}
}

static void test_nul_byte(void)
{
	static const char text[] = HEAD "-A INPUT -m comment --comment a\0b\nCOMMIT\n";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4 };
	struct ruleset rs = { 0 };

	CHECK_STR(try_restore(text, sizeof(text) - 1, &o, &rs) ?: "",
		  "line 5: NUL byte in input");
	ruleset_free(&rs);
}

static void test_long_line(void)
{
	size_t n = RESTORE_MAX_LINE + 100;
	char *text = xmalloc(n + 64);

	strcpy(text, "*filter\n-A INPUT -m comment --comment ");
	memset(text + strlen(text), 'y', n);
	strcpy(text + strlen("*filter\n-A INPUT -m comment --comment ") + n,
	       "\nCOMMIT\n");
	CHECK_STR(restore_err(text, XTFW_FAMILY_IPV4),
		  "line 2: line too long (more than 65536 bytes)");
	free(text);
}

static void test_too_many_args(void)
{
	struct sbuf b = { 0 };

	sb_puts(&b, "*filter\n-A INPUT");
	for (int i = 0; i < 2000; i++)
		sb_puts(&b, " -m comment --comment x");
	sb_puts(&b, "\nCOMMIT\n");
	CHECK_STR(restore_err(sb_str(&b), XTFW_FAMILY_IPV4),
		  "line 2: too many arguments (at most 1024)");
	sb_free(&b);
}

#define MANY_RULES	100000

static void test_many_rules(void)
{
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4 };
	struct ruleset rs = { 0 };
	struct sbuf b = { 0 };
	const char *err;

	sb_puts(&b, "*filter\n:INPUT DROP [0:0]\n");
	for (int i = 0; i < MANY_RULES; i++)
		sb_printf(&b, "-A INPUT -s 10.%d.%d.0/24 -p tcp --dport %d -j ACCEPT\n",
			  (i >> 8) & 255, i & 255, 1 + i % 65535);
	sb_puts(&b, "COMMIT\n");
	err = try_restore(b.s, b.len, &o, &rs);
	CHECK(err == NULL);
	CHECK(rs.t[0][XTFW_TABLE_FILTER] &&
	      rs.t[0][XTFW_TABLE_FILTER]->chains[0]->nrules == MANY_RULES);
	ruleset_free(&rs);

	/* the same, broken near the end: the line number must be exact */
	b.len -= strlen("COMMIT\n");
	sb_puts(&b, "-A INPUT -p tcp --dport 70000\nCOMMIT\n");
	err = try_restore(b.s, b.len, &o, &rs);
	CHECK_STR(err ? err : "", "line 100003: invalid port/service \"70000\"");
	ruleset_free(&rs);
	sb_free(&b);
}

/* Mutated copies of a valid file: errors are fine, crashes are not. */
static void test_mutations(void)
{
	static const char base[] = HEAD
		":U - [0:0]\n"
		"[3:4] -A INPUT -s 10.0.0.0/8 -p tcp -m multiport --dports 1,2:3 -m comment --comment \"a \\\"b\\\"\" -j U\n"
		"-A U -m recent --update --seconds 5 --name X -j LOG --log-prefix \"p \"\n"
		"-A U -p icmp --icmp-type 3/4 -m limit --limit 1/s -j REJECT\n"
		"COMMIT\n";
	static const char junk[] = " \t\n\"\\!:-/[]#*0123456789abcxyzAZ\0\377";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4, .counters = true };
	char text[sizeof(base)];
	unsigned int seed = 12345;

	for (int i = 0; i < 3000; i++) {
		struct ruleset rs = { 0 };

		memcpy(text, base, sizeof(base));
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			text[(seed >> 8) % (sizeof(base) - 1)] =
				junk[(seed >> 20) % (sizeof(junk) - 1)];
		}
		try_restore(text, sizeof(base) - 1, &o, &rs);
		ruleset_free(&rs);
	}
	CHECK(true);
}

static void test_counters(void)
{
	static const char text[] = "*filter\n:INPUT DROP [7:700]\n"
		"[5:300] -A INPUT -j ACCEPT\n-A INPUT -c 9 90 -j DROP\nCOMMIT\n";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4 };
	struct ruleset rs = { 0 };
	struct chain *in;

	CHECK(!try_restore(text, strlen(text), &o, &rs));
	in = rs.t[0][XTFW_TABLE_FILTER]->chains[0];
	/* without -c: [p:b] ignored, but an explicit -c is a rule option */
	CHECK(!in->has_counters && in->policy == XTFW_VERDICT_DROP);
	CHECK(!in->rules[0]->has_counters);
	CHECK(in->rules[1]->has_counters && in->rules[1]->pkts == 9);
	ruleset_free(&rs);

	o.counters = true;
	CHECK(!try_restore(text, strlen(text), &o, &rs));
	in = rs.t[0][XTFW_TABLE_FILTER]->chains[0];
	CHECK(in->has_counters && in->pkts == 7 && in->bytes == 700);
	CHECK(in->rules[0]->has_counters && in->rules[0]->pkts == 5 &&
	      in->rules[0]->bytes == 300);
	CHECK(in->rules[0]->line == 3);
	ruleset_free(&rs);
}

static void test_noflush(void)
{
	static const char first[] = "*filter\n:U - [0:0]\n-A U -j ACCEPT\n"
				    "-A INPUT -j U\nCOMMIT\n";
	static const char second[] = "*filter\n:U - [0:0]\n-A U -j DROP\n"
				     "-A INPUT -j ACCEPT\nCOMMIT\n";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4 };
	struct ruleset rs = { 0 };
	struct sbuf b = { 0 };

	CHECK(!try_restore(first, strlen(first), &o, &rs));
	o.noflush = true;
	CHECK(!try_restore(second, strlen(second), &o, &rs));
	save_table(&b, rs.t[0][XTFW_TABLE_FILTER], false, NULL);
	/* U was declared again: flushed; INPUT kept its rule */
	CHECK_STR(sb_str(&b), "*filter\n:INPUT ACCEPT [0:0]\n"
		  ":FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:U - [0:0]\n"
		  "-A INPUT -j U\n-A INPUT -j ACCEPT\n-A U -j DROP\nCOMMIT\n");
	sb_free(&b);
	ruleset_free(&rs);
}

static void test_family_lines(void)
{
	static const char text[] = "*filter\n-A INPUT -4 -s 1.2.3.4 -j ACCEPT\n"
		"-A INPUT -6 -s ::1 -j ACCEPT\nCOMMIT\n";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV6 };
	struct ruleset rs = { 0 };

	CHECK(!try_restore(text, strlen(text), &o, &rs));
	CHECK(rs.t[1][XTFW_TABLE_FILTER]->chains[0]->nrules == 1);
	ruleset_free(&rs);
}

static void test_tokenizer(void)
{
	char **argv;
	int argc = restore_tokenize("-A  X \"a b\"\t\"\" c\"d e\"f \"q\\\"\\\\\"", &argv);

	CHECK(argc == 6);
	if (argc == 6) {
		CHECK_STR(argv[2], "a b");
		CHECK_STR(argv[3], "");
		CHECK_STR(argv[4], "cd ef");
		CHECK_STR(argv[5], "q\"\\");
	}
	free(argv);
}

/* INPUT -> C1 -> ... -> Cn: n jumps need n return frames, at most 31. */
static const char *nest(unsigned int n, bool go)
{
	static char msg[FAIL_MSG_MAX];
	struct sbuf b = { 0 };

	sb_puts(&b, "*filter\n");
	for (unsigned int i = 1; i <= n; i++)
		sb_printf(&b, ":C%u - [0:0]\n", i);
	sb_puts(&b, "-A INPUT -j C1\n");
	for (unsigned int i = 1; i < n; i++)
		sb_printf(&b, "-A C%u -%c C%u\n", i, go ? 'g' : 'j', i + 1);
	sb_puts(&b, "COMMIT\n");
	snprintf(msg, sizeof(msg), "%s", restore_err(sb_str(&b), 0));
	sb_free(&b);
	return msg;
}

static void test_depth(void)
{
	CHECK_STR(nest(31, false), "(no error)");
	CHECK_STR(nest(32, false),
		  "line 34: filter INPUT rule 1: jumps nest deeper than 32 chains below C1");
	CHECK_STR(nest(40, false),
		  "line 50: filter C8 rule 1: jumps nest deeper than 32 chains below C9");
	/* gotos need no return frame */
	CHECK_STR(nest(100, true), "(no error)");
}

static const struct test_case cases[] = {
	{ "errors", test_errors },
	{ "jump_depth", test_depth },
	{ "nul_byte", test_nul_byte },
	{ "long_line", test_long_line },
	{ "too_many_args", test_too_many_args },
	{ "many_rules", test_many_rules },
	{ "mutations", test_mutations },
	{ "counters", test_counters },
	{ "noflush", test_noflush },
	{ "family_lines", test_family_lines },
	{ "tokenizer", test_tokenizer },
};

SUITE(restore_suite, cases);
