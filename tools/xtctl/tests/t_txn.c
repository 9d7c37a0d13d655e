// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions and dumps without a kernel: the messages a restore sends,
 * their order and flags, and a dump of those same messages read back into
 * an identical ruleset whose rules are resent byte for byte.
 */
#include <linux/genetlink.h>
#include <stdlib.h>

#include "test.h"
#include "../dump.h"
#include "../json.h"
#include "../restore.h"
#include "../save.h"
#include "../txn.h"

#define SINK_ROOM	(256 << 10)

struct mem_sink {
	struct txn_sink s;
	char *buf;
	size_t cap, len, cur;
	uint32_t seq;
	unsigned int n;
	unsigned int rule_msgs;		/* NEWRULE messages */
	bool rules_ok;			/* end()'s rules agreed with each */
};

static struct nlmsghdr *mem_begin(struct txn_sink *s, uint8_t cmd,
				  uint16_t flags, size_t *room)
{
	struct mem_sink *m = (struct mem_sink *)s;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	if (m->cap - m->len < SINK_ROOM) {
		m->cap = m->cap * 2 + SINK_ROOM;
		m->buf = xrealloc(m->buf, m->cap);
	}
	m->cur = m->len;
	nlh = mnl_nlmsg_put_header(m->buf + m->len);
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++m->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = XTFW_GENL_VERSION;
	*room = m->cap - m->len;
	return nlh;
}

static unsigned int count_rule_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;
	unsigned int n = 0;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		n += mnl_attr_get_type(a) == XTFW_A_RULE;
	return n;
}

static uint8_t msg_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd;
}

static void mem_end(struct txn_sink *s, unsigned int line, unsigned int rules)
{
	struct mem_sink *m = (struct mem_sink *)s;
	struct nlmsghdr *nlh = (struct nlmsghdr *)(m->buf + m->cur);

	(void)line;
	m->len += MNL_ALIGN(nlh->nlmsg_len);
	m->n++;
	if (msg_cmd(nlh) == XTFW_CMD_NEWRULE)
		m->rule_msgs++;
	m->rules_ok &= rules == count_rule_attrs(nlh);
}

static void sink_init(struct mem_sink *m, unsigned int rules_per_msg)
{
	memset(m, 0, sizeof(*m));
	m->s.begin = mem_begin;
	m->s.end = mem_end;
	m->s.rules_per_msg = rules_per_msg;
	m->rules_ok = true;
}

static bool load(const char *path, bool counters, struct ruleset *rs)
{
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4,
				  .counters = counters };
	struct fail_ctx fc;
	size_t len;
	char *buf = read_file(path, &len);

	if (!buf)
		return false;
	fail_push(&fc);
	if (setjmp(fc.jb)) {
		fprintf(stderr, "  %s\n", fc.msg);
		free(buf);
		return false;
	}
	restore_apply(buf, len, &o, rs);
	fail_pop(&fc);
	free(buf);
	return true;
}

struct attrs {
	const struct nlattr *tb[XTFW_A_MAX + 1];
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *at = data;

	if (mnl_attr_get_type(a) <= XTFW_A_MAX)
		at->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void get_attrs(const struct nlmsghdr *nlh, struct attrs *at)
{
	memset(at, 0, sizeof(*at));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_cb, at);
}

static unsigned int count_rules(const struct table *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->nchains; i++)
		n += t->chains[i]->nrules;
	return n;
}

/* Check order, flags and counters of one table's transaction. */
static void check_shape(const struct mem_sink *m, const struct table *t,
			bool counters, bool abort, unsigned int per_msg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	int len = m->len;
	unsigned int i = 0, chains = 0, rules = 0;
	struct attrs at;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len), i++) {
		uint8_t cmd = msg_cmd(nlh);
		bool last = i + 1 == m->n;

		get_attrs(nlh, &at);
		CHECK(!(nlh->nlmsg_flags & NLM_F_ACK) == !last);
		if (i == 0) {
			CHECK(cmd == XTFW_CMD_BEGIN);
			CHECK(at.tb[XTFW_A_GENERATION] &&
			      mnl_attr_get_u64(at.tb[XTFW_A_GENERATION]) == 42);
		} else if (i == 1) {
			CHECK(cmd == XTFW_CMD_NEWTABLE);
		} else if (last) {
			CHECK(cmd == (abort ? XTFW_CMD_ABORT : XTFW_CMD_COMMIT));
		} else if (cmd == XTFW_CMD_NEWCHAIN) {
			CHECK(rules == 0);	/* all chains before any rule */
			chains++;
		} else {
			unsigned int n = count_rule_attrs(nlh);

			CHECK(cmd == XTFW_CMD_NEWRULE);
			CHECK(!at.tb[XTFW_A_COUNTERS] == !counters);
			/* counters go with a message of one rule */
			CHECK(n >= 1 && n <= (counters ? 1 : per_msg));
			rules += n;
		}
	}
	CHECK(m->rules_ok);
	CHECK(i == m->n);
	CHECK(chains == t->nchains);
	CHECK(rules == count_rules(t));
}

static void build(struct mem_sink *m, struct ruleset *rs, bool abort,
		  unsigned int rules_per_msg)
{
	struct txn_opts o = { .use_gen = true, .abort = abort };

	rs->gen = 42;
	rs->have_gen = true;
	sink_init(m, rules_per_msg);
	txn_build(&m->s, rs, XTFW_FAMILY_IPV4, &o);
}

static void test_shape(void)
{
	struct ruleset rs = { 0 };
	struct mem_sink m;

	CHECK(load("golden/ufw.v4.save", false, &rs));
	build(&m, &rs, false, 1);
	check_shape(&m, rs.t[0][XTFW_TABLE_FILTER], false, false, 1);
	free(m.buf);
	ruleset_free(&rs);

	CHECK(load("golden/filter.v4.rules", true, &rs));
	build(&m, &rs, true, 1);
	check_shape(&m, rs.t[0][XTFW_TABLE_FILTER], true, true, 1);
	free(m.buf);
	/* with counters, one rule per message however many are allowed */
	build(&m, &rs, true, 8);
	check_shape(&m, rs.t[0][XTFW_TABLE_FILTER], true, true, 8);
	free(m.buf);
	ruleset_free(&rs);
}

/*
 * The XTFW_A_RULE attributes of a transaction, each on a line with its
 * chain, in order.
 */
static void rule_bytes(const struct mem_sink *m, struct sbuf *out)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	int len = m->len;
	const struct nlattr *a;
	struct attrs at;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		get_attrs(nlh, &at);
		mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
			if (mnl_attr_get_type(a) != XTFW_A_RULE)
				continue;
			sb_printf(out, "%s ", mnl_attr_get_str(at.tb[XTFW_A_CHAIN]));
			for (uint16_t k = 0; k < mnl_attr_get_len(a); k++)
				sb_printf(out, "%02x", ((const uint8_t *)a)[k]);
			sb_putc(out, '\n');
		}
	}
}

static bool filter_only(const struct ruleset *rs)
{
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++)
		if (!rs->t[0][i] != (i != XTFW_TABLE_FILTER))
			return false;
	return true;
}

/*
 * Several rules per NEWRULE: the same rules in the same order as one per
 * message, each message within its bounds, and fewer messages.
 */
static void batch_one(const char *name)
{
	static const unsigned int per_msg[] = { 2, 3, 256 };
	struct ruleset rs = { 0 };
	struct sbuf one = { 0 }, many = { 0 };
	struct mem_sink m1, m2;
	char path[128];

	snprintf(path, sizeof(path), "golden/%s", name);
	subtest_begin("  several rules per message: %s", name);
	CHECK(load(path, false, &rs));
	build(&m1, &rs, false, 1);
	rule_bytes(&m1, &one);
	CHECK(one.len > 0);
	for (size_t i = 0; i < ARRAY_SIZE(per_msg); i++) {
		build(&m2, &rs, false, per_msg[i]);
		if (filter_only(&rs))
			check_shape(&m2, rs.t[0][XTFW_TABLE_FILTER], false,
				    false, per_msg[i]);
		CHECK(m2.rules_ok);
		CHECK(m2.rule_msgs < m1.rule_msgs);
		rule_bytes(&m2, &many);
		CHECK_STR(sb_str(&many), sb_str(&one));
		sb_free(&many);
		free(m2.buf);
	}
	subtest_end();
	free(m1.buf);
	sb_free(&one);
	ruleset_free(&rs);
}

static void test_several_rules(void)
{
	batch_one("ufw.v4.save");
	batch_one("docker.v4.save");
	batch_one("big.v4.rules");
	batch_one("more.v4.rules");
}

static void dump_back(const struct mem_sink *m, struct ruleset *rs)
{
	struct dump d = { .rs = rs, .family = XTFW_FAMILY_IPV4 };
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)m->buf;
	int len = m->len;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		dump_msg(nlh, &d);
}

static void dump_one(const char *name)
{
	struct ruleset rs = { 0 }, back = { 0 };
	struct sbuf a = { 0 }, b = { 0 }, ra = { 0 }, rb = { 0 };
	struct mem_sink m1, m2;
	char path[128];

	snprintf(path, sizeof(path), "golden/%s", name);
	subtest_begin("  dump round trip: %s", name);
	CHECK(load(path, true, &rs));
	build(&m1, &rs, false, 1);
	dump_back(&m1, &back);
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		if (rs.t[0][i])
			save_table(&a, rs.t[0][i], true, NULL);
		if (back.t[0][i]) {
			save_table(&b, back.t[0][i], true, NULL);
			back.t[0][i]->dirty = true;
		}
	}
	CHECK_STR(sb_str(&b), sb_str(&a));
	build(&m2, &back, false, 1);
	rule_bytes(&m1, &ra);
	rule_bytes(&m2, &rb);
	CHECK(ra.len > 0);
	CHECK_STR(sb_str(&rb), sb_str(&ra));
	subtest_end();
	free(m1.buf);
	free(m2.buf);
	sb_free(&a);
	sb_free(&b);
	sb_free(&ra);
	sb_free(&rb);
	ruleset_free(&rs);
	ruleset_free(&back);
}

static void test_dump_roundtrip(void)
{
	dump_one("filter.v4.rules");
	dump_one("more.v4.rules");
	dump_one("nat-mangle-raw.v4.rules");
	dump_one("docker.v4.save");
}

static void test_json(void)
{
	static const char text[] = "*filter\n:INPUT DROP [1:2]\n:U - [0:0]\n"
		"[3:4] -A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m tcp ! --dport 22 "
		"-m comment --comment \"a \\\"q\\\" \xff\" -j U\n"
		"-A U -j LOG --log-prefix \"x \" --log-uid\n-A U\nCOMMIT\n";
	struct restore_opts o = { .family = XTFW_FAMILY_IPV4, .counters = true };
	struct ruleset rs = { 0 };
	struct sbuf b = { 0 };
	struct table *t;

	restore_apply(text, strlen(text), &o, &rs);
	t = rs.t[0][XTFW_TABLE_FILTER];
	json_tables(&b, XTFW_FAMILY_IPV4, &t, 1, NULL, 0);
	CHECK_STR(sb_str(&b),
		  "{\"xtctl_json\":1,\"family\":\"ipv4\",\"tables\":[{\"name\":\"filter\",\"chains\":["
		  "{\"name\":\"INPUT\",\"builtin\":true,\"policy\":\"DROP\",\"counters\":{\"packets\":1,\"bytes\":2},\"rules\":["
		  "{\"num\":1,\"counters\":{\"packets\":3,\"bytes\":4},"
		  "\"source\":{\"address\":\"10.0.0.0/8\",\"invert\":false},"
		  "\"in_interface\":{\"name\":\"eth0\",\"invert\":false},"
		  "\"protocol\":{\"name\":\"tcp\",\"number\":6,\"invert\":false},"
		  "\"matches\":[{\"name\":\"tcp\",\"options\":[{\"option\":\"dport\",\"value\":\"22\",\"invert\":true}]},"
		  "{\"name\":\"comment\",\"options\":[{\"option\":\"comment\",\"value\":\"a \\\"q\\\" \\ufffd\",\"invert\":false}]}],"
		  "\"target\":{\"name\":\"U\",\"kind\":\"jump\",\"options\":[]},"
		  "\"rule\":\"-A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m tcp ! --dport 22 -m comment --comment \\\"a \\\\\\\"q\\\\\\\" \\ufffd\\\" -j U\"}]},"
		  "{\"name\":\"FORWARD\",\"builtin\":true,\"policy\":\"ACCEPT\",\"counters\":{\"packets\":0,\"bytes\":0},\"rules\":[]},"
		  "{\"name\":\"OUTPUT\",\"builtin\":true,\"policy\":\"ACCEPT\",\"counters\":{\"packets\":0,\"bytes\":0},\"rules\":[]},"
		  "{\"name\":\"U\",\"builtin\":false,\"policy\":null,\"references\":1,\"rules\":["
		  "{\"num\":1,\"counters\":{\"packets\":0,\"bytes\":0},\"matches\":[],"
		  "\"target\":{\"name\":\"LOG\",\"kind\":\"extension\",\"options\":[{\"option\":\"log-prefix\",\"value\":\"x \",\"invert\":false},{\"option\":\"log-uid\",\"value\":null,\"invert\":false}]},"
		  "\"rule\":\"-A U -j LOG --log-prefix \\\"x \\\" --log-uid\"},"
		  "{\"num\":2,\"counters\":{\"packets\":0,\"bytes\":0},\"matches\":[],\"rule\":\"-A U\"}]}]}]}\n");
	sb_free(&b);
	ruleset_free(&rs);
}

static const struct test_case cases[] = {
	{ "transaction_shape", test_shape },
	{ "dump_roundtrip", test_dump_roundtrip },
	{ "several_rules", test_several_rules },
	{ "json", test_json },
};

SUITE(txn_suite, cases);
