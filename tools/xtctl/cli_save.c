// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl save and xtctl restore. restore applies the whole file to an
 * in-memory copy, checks it, and sends every table of the file in one
 * transaction; without --noflush it does not depend on what the kernel
 * had, so it sends no generation and a concurrent change cannot make it
 * stale. With --noflush it re-reads and re-applies the file on EAGAIN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "json.h"
#include "confirm.h"
#include "errpos.h"
#include "kernel.h"
#include "names.h"
#include "parse_util.h"
#include "restore.h"
#include "save.h"

#define INPUT_MAX	(1UL << 30)

struct save_args {
	uint8_t family;
	int table;
	bool counters, json;
};

static void parse_save_args(struct save_args *a, int argc, char **argv)
{
	a->family = XTFW_FAMILY_IPV4;
	a->table = -1;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-c") || !strcmp(s, "--counters")) {
			a->counters = true;
		} else if (!strcmp(s, "-t") || !strcmp(s, "--table")) {
			if (++i >= argc)
				perr("option \"%s\" requires an argument", s);
			a->table = table_by_name(argv[i]);
			if (a->table < 0)
				perr("unknown table \"%s\"", argv[i]);
		} else if (!strcmp(s, "-4") || !strcmp(s, "--ipv4")) {
			a->family = XTFW_FAMILY_IPV4;
		} else if (!strcmp(s, "-6") || !strcmp(s, "--ipv6")) {
			a->family = XTFW_FAMILY_IPV6;
		} else if (!strcmp(s, "--json")) {
			a->json = true;
		} else if (!strcmp(s, "-M") || !strcmp(s, "--modprobe")) {
			i++;
		} else {
			perr("unknown save option \"%s\"", s);
		}
	}
}

static void now_text(char *buf, size_t len)
{
	time_t t = time(NULL);

	strftime(buf, len, "%a %b %e %H:%M:%S %Y", localtime(&t));
}

static void save_body(int argc, char **argv)
{
	struct save_args a = { 0 };
	struct ruleset rs = { 0 };
	struct sbuf out = { 0 };
	struct nl nl;
	char when[64];

	parse_save_args(&a, argc, argv);
	nl_open(&nl);
	kernel_read(&nl, &rs, a.family, a.table);
	if (a.table >= 0)
		ruleset_get(&rs, a.family, a.table);
	now_text(when, sizeof(when));
	if (a.json)
		json_tables(&out, a.family, rs.t[a.family], __XTFW_TABLE_MAX,
			    NULL, 0);
	for (unsigned int i = 0; !a.json && i < __XTFW_TABLE_MAX; i++)
		if (rs.t[a.family][i])
			save_table(&out, rs.t[a.family][i], a.counters, when);
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	ruleset_free(&rs);
	nl_close(&nl);
}

static int report(const struct fail_ctx *fc)
{
	fprintf(stderr, "xtctl: %s\n", fc->msg);
	return fc->code;
}

int cli_save(int argc, char **argv)
{
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb))
		return report(&fc);
	save_body(argc, argv);
	fail_pop(&fc);
	return XT_EXIT_OK;
}

struct restore_args {
	struct restore_opts o;
	bool test;
	const char *file;
	unsigned int confirm;	/* --confirm SECONDS, 0: none */
};

static unsigned int confirm_seconds(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > 86400)
		perr("--confirm takes 1 to 86400 seconds, not \"%s\"", s);
	return v;
}

static void parse_restore_args(struct restore_args *a, int argc, char **argv)
{
	a->o.family = XTFW_FAMILY_IPV4;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-c") || !strcmp(s, "--counters"))
			a->o.counters = true;
		else if (!strcmp(s, "-t") || !strcmp(s, "--test"))
			a->test = true;
		else if (!strcmp(s, "-n") || !strcmp(s, "--noflush"))
			a->o.noflush = true;
		else if (!strcmp(s, "-4") || !strcmp(s, "--ipv4"))
			a->o.family = XTFW_FAMILY_IPV4;
		else if (!strcmp(s, "-6") || !strcmp(s, "--ipv6"))
			a->o.family = XTFW_FAMILY_IPV6;
		else if (!strcmp(s, "--confirm") && i + 1 < argc)
			a->confirm = confirm_seconds(argv[++i]);
		else if (!strcmp(s, "-v") || !strcmp(s, "--verbose") ||
			 !strcmp(s, "-w") || !strcmp(s, "--wait"))
			continue;
		else if ((s[0] != '-' || !strcmp(s, "-")) && !a->file)
			a->file = s;
		else
			perr("unknown restore option \"%s\"", s);
	}
}

static char *read_input(const char *file, size_t *len)
{
	FILE *f = file && strcmp(file, "-") ? fopen(file, "rb") : stdin;
	size_t cap = 1 << 16, n = 0, got;
	char *buf;

	if (!f)
		fail(XT_EXIT_OTHER, "cannot open %s: %s", file, strerror(errno));
	buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= INPUT_MAX)
				fail(XT_EXIT_RESOURCE, "input larger than 1 GiB");
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f))
		fail(XT_EXIT_OTHER, "cannot read %s: %s", file ? file : "stdin",
		     strerror(errno));
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

/*
 * One attempt; -EAGAIN if a --noflush restore went stale. @parsed: the file
 * applied to an empty ruleset, which is all a restore that flushes sends;
 * NULL for --noflush, which applies the file to the kernel's ruleset as
 * read on each try.
 */
static int restore_once(struct nl *nl, const struct restore_args *a,
			const char *buf, size_t len,
			const struct ruleset *parsed)
{
	struct commit_opts o = { .use_gen = a->o.noflush, .abort = a->test };
	struct ruleset rs = { 0 };
	int ret;

	if (parsed)
		return kernel_commit(nl, parsed, a->o.family, &o);
	kernel_read(nl, &rs, a->o.family, -1);
	restore_apply(buf, len, &a->o, &rs);
	ret = kernel_commit(nl, &rs, a->o.family, &o);
	ruleset_free(&rs);
	return ret;
}

/* The input of the restore running, for errors that point into it. */
static struct {
	const char *file;
	const char *text;
	size_t len;
} input;

static void restore_body(int argc, char **argv)
{
	struct restore_args a = { 0 };
	struct ruleset rs = { 0 }, parsed = { 0 };
	struct nl nl;
	size_t len;
	char *buf;

	parse_restore_args(&a, argc, argv);
	buf = read_input(a.file, &len);
	input.file = a.file && strcmp(a.file, "-") ? a.file : "stdin";
	input.text = buf;
	input.len = len;
	/*
	 * Syntax first: no kernel needed to find a bad line. Without
	 * --noflush the result is the ruleset to send, on every try.
	 */
	if (!a.o.noflush)
		restore_apply(buf, len, &a.o, &parsed);
	nl_open(&nl);
	if (a.confirm && a.test)
		perr("--confirm and --test do not go together");
	if (a.confirm) {
		confirm_check_free(a.o.family);
		kernel_read(&nl, &rs, a.o.family, -1);
	}
	for (int i = 0; i < KERNEL_MAX_RETRIES; i++) {
		if (restore_once(&nl, &a, buf, len,
				 a.o.noflush ? NULL : &parsed) != -EAGAIN) {
			input.text = NULL;
			free(buf);
			nl_close(&nl);
			ruleset_free(&parsed);
			if (a.confirm)
				confirm_arm(&rs, a.o.family, a.confirm);
			ruleset_free(&rs);
			return;
		}
		kernel_backoff(i);
	}
	fail(XT_EXIT_RESOURCE, "the ruleset kept changing; gave up after %d tries",
	     KERNEL_MAX_RETRIES);
}

static int restore_report(const struct fail_ctx *fc)
{
	unsigned int line;
	struct sbuf b = { 0 };
	int pos = 0;

	if (!input.text || sscanf(fc->msg, "line %u: %n", &line, &pos) != 1 ||
	    !pos)
		return report(fc);
	errpos_format(&b, input.file, input.text, input.len, line,
		      fc->msg + pos);
	fprintf(stderr, "xtctl: %s", sb_str(&b));
	sb_free(&b);
	return fc->code;
}

int cli_restore(int argc, char **argv)
{
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb))
		return restore_report(&fc);
	restore_body(argc, argv);
	fail_pop(&fc);
	return XT_EXIT_OK;
}
