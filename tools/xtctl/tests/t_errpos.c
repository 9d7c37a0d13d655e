// SPDX-License-Identifier: GPL-2.0
/*
 * Errors that point: FILE:LINE:COL and a caret under the quoted token,
 * else under the option the message names, else under the line's first
 * word; a token is found only as a whole word.
 */
#include "test.h"
#include "../errpos.h"

static const char *fmt(const char *text, unsigned int line, const char *msg)
{
	static char out[1024];
	struct sbuf b = { 0 };

	errpos_format(&b, "rules.v4", text, strlen(text), line, msg);
	snprintf(out, sizeof(out), "%s", sb_str(&b));
	sb_free(&b);
	return out;
}

static const char text[] =
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	"-A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT\n"
	"-A INPUT -p udp --dport 22 -m foo -j DROP\r\n"
	"COMMIT\n";

static void test_quoted(void)
{
	CHECK_STR(fmt(text, 4, "unknown match \"foo\""),
		  "rules.v4:4:31: unknown match \"foo\"\n"
		  "  -A INPUT -p udp --dport 22 -m foo -j DROP\n"
		  "                                ^~~\n");
	/* "22" is a word of line 4, not the start of "2222" on line 3 */
	CHECK_STR(fmt(text, 4, "invalid port \"22\""),
		  "rules.v4:4:25: invalid port \"22\"\n"
		  "  -A INPUT -p udp --dport 22 -m foo -j DROP\n"
		  "                          ^~\n");
}

/* a part of an argument: an address's mask, a range's end */
static void test_part_of_argument(void)
{
	static const char t[] =
		"-A INPUT -s 10.1.2.3/33 -p tcp --dport 1:70000 -j ACCEPT\n";

	CHECK_STR(fmt(t, 1, "invalid mask \"33\""),
		  "rules.v4:1:22: invalid mask \"33\"\n"
		  "  -A INPUT -s 10.1.2.3/33 -p tcp --dport 1:70000 -j ACCEPT\n"
		  "                       ^~\n");
	CHECK_STR(fmt(t, 1, "invalid port \"70000\""),
		  "rules.v4:1:42: invalid port \"70000\"\n"
		  "  -A INPUT -s 10.1.2.3/33 -p tcp --dport 1:70000 -j ACCEPT\n"
		  "                                           ^~~~~\n");
	/* "3" is not a word of "10.1.2.3" */
	CHECK_STR(fmt(t, 1, "invalid address \"10.1.2.3\""),
		  "rules.v4:1:13: invalid address \"10.1.2.3\"\n"
		  "  -A INPUT -s 10.1.2.3/33 -p tcp --dport 1:70000 -j ACCEPT\n"
		  "              ^~~~~~~~\n");
}

static void test_option_and_fallback(void)
{
	CHECK_STR(fmt(text, 3, "filter INPUT rule 1: --dport needs -p tcp"),
		  "rules.v4:3:24: filter INPUT rule 1: --dport needs -p tcp\n"
		  "  -A INPUT -p tcp -m tcp --dport 2222 -j ACCEPT\n"
		  "                         ^~~~~~~\n");
	CHECK_STR(fmt(text, 5, "table filter is not committed"),
		  "rules.v4:5:1: table filter is not committed\n"
		  "  COMMIT\n"
		  "  ^~~~~~\n");
}

static void test_past_the_end(void)
{
	CHECK_STR(fmt("*filter", 9, "COMMIT expected"),
		  "rules.v4:9:1: COMMIT expected\n  \n  ^\n");
}

static const struct test_case cases[] = {
	{ "quoted", test_quoted },
	{ "part_of_argument", test_part_of_argument },
	{ "option_and_fallback", test_option_and_fallback },
	{ "past_the_end", test_past_the_end },
};

SUITE(errpos_suite, cases);
