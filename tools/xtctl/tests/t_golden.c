// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files: each golden/NAME.vN.rules is restored offline, every rule
 * goes through encode -> decode, and every listing format is compared
 * with golden/NAME.vN.expected, which oracle.sh recorded from the real
 * iptables-legacy. ufw- and docker-style files must also save back to
 * exactly their input.
 */
#include <dirent.h>
#include <stdlib.h>

#include "test.h"
#include "../cmd.h"
#include "../names.h"
#include "../print.h"
#include "../resolve.h"
#include "../restore.h"
#include "../rule_nl.h"
#include "../save.h"

static struct rule *roundtrip(struct rule *r)
{
	static char buf[RULE_NL_MAX + 64], again[RULE_NL_MAX + 64];
	size_t len = rule_nl_encode(r, buf, sizeof(buf));
	struct rule *d = rule_nl_decode((struct nlattr *)buf, r->family);
	size_t len2;

	rule_forget_raw(d);
	len2 = rule_nl_encode(d, again, sizeof(again));
	CHECK(len == len2 && memcmp(buf, again, len) == 0);
	d->has_counters = r->has_counters;
	d->pkts = r->pkts;
	d->bytes = r->bytes;
	d->line = r->line;
	rule_free(r);
	return d;
}

static void roundtrip_table(struct table *t)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		for (unsigned int k = 0; k < t->chains[i]->nrules; k++)
			t->chains[i]->rules[k] = roundtrip(t->chains[i]->rules[k]);
}

static void list(struct sbuf *b, const struct table *t, const char *title,
		 bool numeric, bool verbose, bool exact, bool linenum)
{
	struct list_opts o = { numeric, verbose, exact, linenum };

	sb_printf(b, "=== %s %s\n", title, table_name(t->id));
	print_list(b, t, NULL, 0, &o);
}

static void dump_table(struct sbuf *b, const struct table *t)
{
	sb_printf(b, "=== save -c %s\n", table_name(t->id));
	save_table(b, t, true, NULL);
	sb_printf(b, "=== -S %s\n", table_name(t->id));
	save_list_rules(b, t, NULL, 0, false);
	sb_printf(b, "=== -S -v %s\n", table_name(t->id));
	save_list_rules(b, t, NULL, 0, true);
	list(b, t, "-L -n", true, false, false, false);
	list(b, t, "-L -n -v", true, true, false, false);
	list(b, t, "-L -n -v -x --line", true, true, true, true);
	list(b, t, "-L", false, false, false, false);
}

/* Report the first differing line. */
static void compare(const char *file, const char *got, const char *want)
{
	unsigned int line = 1;
	const char *g = got, *w = want;

	if (strcmp(got, want) == 0)
		return;
	while (*g && *g == *w) {
		if (*g == '\n') {
			line++;
			got = g + 1;
			want = w + 1;
		}
		g++, w++;
	}
	fprintf(stderr, "  %s:%u differs\n    got:  [%.*s]\n    want: [%.*s]\n",
		file, line, (int)strcspn(got, "\n"), got,
		(int)strcspn(want, "\n"), want);
	test_failed = 1;
}

static bool restore_file(const char *path, uint8_t family, bool counters,
			 struct ruleset *rs)
{
	struct restore_opts o = { .family = family, .counters = counters };
	struct fail_ctx fc;
	size_t len;
	char *buf = read_file(path, &len);

	if (!buf) {
		fprintf(stderr, "  cannot read %s\n", path);
		test_failed = 1;
		return false;
	}
	fail_push(&fc);
	if (setjmp(fc.jb)) {
		fprintf(stderr, "  %s: %s\n", path, fc.msg);
		test_failed = 1;
		free(buf);
		return false;
	}
	restore_apply(buf, len, &o, rs);
	fail_pop(&fc);
	free(buf);
	return true;
}

static void golden_one(const char *name)
{
	uint8_t family = strstr(name, ".v6.") ? XTFW_FAMILY_IPV6 :
			 XTFW_FAMILY_IPV4;
	char path[256], exp[256];
	struct ruleset rs = { 0 };
	struct sbuf out = { 0 };
	char *want;

	if (!name)
		return;

	snprintf(path, sizeof(path), "golden/%.200s", name);
	snprintf(exp, sizeof(exp), "golden/%.*s.expected",
		 (int)(strcspn(name, ".") + strlen(".v4")), name);
	if (!restore_file(path, family, true, &rs))
		goto out;
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		struct table *t = rs.t[family][i];

		if (!t)
			continue;
		roundtrip_table(t);
		dump_table(&out, t);
	}
	want = read_file(exp, &(size_t){ 0 });
	if (!want) {
		fprintf(stderr, "  cannot read %s\n", exp);
		test_failed = 1;
		goto out;
	}
	compare(exp, sb_str(&out), want);
	free(want);
out:
	sb_free(&out);
	ruleset_free(&rs);
}

static void each_golden(const char *suffix, void (*fn)(const char *))
{
	const struct resolver *saved = resolver;
	struct dirent *de;
	DIR *d = opendir("golden");
	unsigned int n = 0;

	CHECK(d != NULL);
	if (!d)
		return;
	resolver = test_resolver();
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > strlen(suffix) &&
		    strcmp(de->d_name + l - strlen(suffix), suffix) == 0) {
			subtest_begin("  %s", de->d_name);
			fn(de->d_name);
			subtest_end();
			n++;
		}
	}
	closedir(d);
	resolver = saved;
	CHECK(n > 0);
}

static void test_golden_listings(void)
{
	each_golden(".rules", golden_one);
	each_golden(".save", golden_one);
}

/* Save output with the comment lines dropped. */
static void strip_comments(char *s)
{
	char *out = s;

	while (*s) {
		size_t n = strcspn(s, "\n") + (s[strcspn(s, "\n")] ? 1 : 0);

		if (*s != '#') {
			memmove(out, s, n);
			out += n;
		}
		s += n;
	}
	*out = '\0';
}

/* save (parse -> encode -> decode -> save) gives back the input. */
static void identity_one(const char *name)
{
	uint8_t family = strstr(name, ".v6.") ? XTFW_FAMILY_IPV6 :
			 XTFW_FAMILY_IPV4;
	char path[256];
	struct ruleset rs = { 0 };
	struct sbuf out = { 0 };
	char *in;

	if (!name)
		return;

	snprintf(path, sizeof(path), "golden/%.200s", name);
	if (!restore_file(path, family, false, &rs))
		goto out;
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		struct table *t = rs.t[family][i];

		if (!t)
			continue;
		roundtrip_table(t);
		save_table(&out, t, false, "now");
	}
	in = read_file(path, &(size_t){ 0 });
	strip_comments(in);
	strip_comments(out.s);
	compare(path, sb_str(&out), in);
	free(in);
out:
	sb_free(&out);
	ruleset_free(&rs);
}

static void test_save_identity(void)
{
	each_golden(".save", identity_one);
}

/* One "RULES ARGS..." line of listing.v4.cmds against its expected text. */
static void cmds_one(const char *line, const char *want)
{
	char rules[128], path[160], cmdline[512];
	struct ruleset rs = { 0 };
	struct sbuf out = { 0 };
	struct fail_ctx fc;
	struct cmd c = { 0 };
	struct table *t;
	char **argv;
	int argc;

	if (sscanf(line, "%127s", rules) != 1)
		return;
	snprintf(path, sizeof(path), "golden/%s", rules);
	snprintf(cmdline, sizeof(cmdline), "xtctl %s", line + strlen(rules));
	if (!restore_file(path, XTFW_FAMILY_IPV4, true, &rs))
		return;
	argc = restore_tokenize(cmdline, &argv);
	fail_push(&fc);
	if (setjmp(fc.jb)) {
		fprintf(stderr, "  %s: %s\n", line, fc.msg);
		test_failed = 1;
	} else {
		cmd_parse(&c, argc, argv, false, XTFW_FAMILY_IPV4);
		t = ruleset_get(&rs, XTFW_FAMILY_IPV4, c.table);
		roundtrip_table(t);
		CHECK(cmd_list(&out, &c, t));
		fail_pop(&fc);
		compare(line, sb_str(&out), want);
	}
	cmd_free(&c);
	free(argv);
	sb_free(&out);
	ruleset_free(&rs);
}

static void test_listing_commands(void)
{
	const struct resolver *saved = resolver;
	size_t len;
	char *all = read_file("golden/listing.v4.cmds.expected", &len);
	char *p = all, *next, *body, *end;

	CHECK(all != NULL);
	resolver = test_resolver();
	for (; p && (p = strstr(p, "=== ")) != NULL; p = next) {
		char line[512];

		end = strchr(p, '\n');
		if (!end)
			break;
		snprintf(line, sizeof(line), "%.*s", (int)(end - p - 4), p + 4);
		body = end + 1;
		next = strstr(body, "\n=== ");
		next = next ? next + 1 : body + strlen(body);
		subtest_begin("  xtctl %s", line);
		{
			char *want = strndup(body, next - body);

			cmds_one(line, want);
			free(want);
		}
		subtest_end();
	}
	resolver = saved;
	free(all);
}

static const struct test_case cases[] = {
	{ "listing_commands", test_listing_commands },
	{ "golden_listings", test_golden_listings },
	{ "save_identity", test_save_identity },
};

SUITE(golden_suite, cases);
