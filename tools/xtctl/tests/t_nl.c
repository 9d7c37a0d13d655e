// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client against a family every kernel has (nlctrl): a batch
 * of requests, one of which fails, sent without ACKs but the last; the
 * failure must come back mapped to its message's origin. Needs only a
 * Linux kernel, no privileges and no xtfw module.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <stdlib.h>

#include "test.h"
#include "../nl.h"

/* A generic netlink socket, or false (and a note) where there is none. */
static bool open_socket(struct nl *nl)
{
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		printf("  skipped: %s\n", fc.msg);
		return false;
	}
	nl_open_socket(nl);
	fail_pop(&fc);
	return true;
}

static void put_getfamily(struct nl_batch *nb, const char *name,
			  uint16_t flags, unsigned int line)
{
	size_t room;
	void *slot = nl_batch_slot(nb, &room);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(slot);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nb->nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	/* its "rules": any number, carried back with the line */
	nl_batch_add(nb, line, line % 7);
}

/* Thousands of messages cross several sendmsg calls; the error maps back. */
static void test_batch_error_origin(void)
{
	struct nl_origin where;
	struct nl_batch nb;
	struct nl nl;

	if (!open_socket(&nl))
		return;
	nl_batch_init(&nb, &nl);
	for (unsigned int i = 1; i <= 3000; i++)
		put_getfamily(&nb, i == 2500 ? "no-such-family-xtfw" : "nlctrl",
			      0, i);
	put_getfamily(&nb, "nlctrl", NLM_F_ACK, 3001);
	CHECK(nl_batch_finish(&nb, &where) == -1);
	/* a name longer than GENL_NAMSIZ fails the kernel's policy, with extack */
	CHECK(nb.first.err == EINVAL);
	CHECK(nb.first.msg[0] != '\0');
	CHECK(where.line == 2500);
	nl_batch_free(&nb);
	nl_close(&nl);
}

static void test_batch_enoent(void)
{
	struct nl_origin where;
	struct nl_batch nb;
	struct nl nl;

	if (!open_socket(&nl))
		return;
	nl_batch_init(&nb, &nl);
	put_getfamily(&nb, "nlctrl", 0, 7);
	put_getfamily(&nb, "nosuchfam", 0, 8);
	put_getfamily(&nb, "nosuchfam2", 0, 9);
	put_getfamily(&nb, "nlctrl", NLM_F_ACK, 10);
	CHECK(nl_batch_finish(&nb, &where) == -1);
	CHECK(nb.first.err == ENOENT);
	CHECK(where.line == 8);		/* the first failure wins */
	CHECK(where.rules == 1);
	nl_batch_free(&nb);
	nl_close(&nl);
}

static void test_batch_ok(void)
{
	struct nl_origin where;
	struct nl_batch nb;
	struct nl nl;

	if (!open_socket(&nl))
		return;
	nl_batch_init(&nb, &nl);
	put_getfamily(&nb, "nlctrl", 0, 1);
	put_getfamily(&nb, "nlctrl", NLM_F_ACK, 2);
	CHECK(nl_batch_finish(&nb, &where) == 0);
	nl_batch_free(&nb);
	nl_close(&nl);
}

/* Without the module, xtctl says so. */
static void test_no_module(void)
{
	struct fail_ctx fc;
	struct nl nl;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		CHECK(fc.code == XT_EXIT_RESOURCE);
		if (!strstr(fc.msg, "Permission"))
			CHECK_STR(fc.msg,
				  "the xtfw module is not loaded (modprobe xtfw)");
		return;
	}
	nl_open(&nl);
	fail_pop(&fc);
	nl_close(&nl);	/* the module is there: nothing to check */
}

static const struct test_case cases[] = {
	{ "batch_error_origin", test_batch_error_origin },
	{ "batch_enoent", test_batch_enoent },
	{ "batch_ok", test_batch_ok },
	{ "no_module", test_no_module },
};

SUITE(nl_suite, cases);
