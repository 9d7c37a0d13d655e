// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven encoding of rules into netlink attributes and back. Every
 * attribute is put in ascending type order and only when its presence bit
 * is set, so the same rule always encodes to the same bytes: the kernel
 * keeps counters of rules whose bytes do not change, and -D compares rules
 * by these bytes.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rule_nl.h"

enum attr_kind {
	AK_U8,
	AK_U16,
	AK_U32,
	AK_BIN,		/* fixed-size struct */
	AK_STRP,	/* char *, NUL-terminated, shorter than max */
	AK_STRA,	/* char[size] */
	AK_PORTS,	/* struct mt ports[] with nports */
	AK_FLAG,	/* bool-like u32 bit in has only */
};

struct attr_desc {
	uint16_t type;
	uint8_t kind;
	uint16_t off;
	uint16_t size;
	uint16_t max;	/* AK_STRP: XTFW_*_MAXLEN */
};

#define FIELD_SIZE(st, f)	sizeof(((struct st *)0)->f)
#define D(st, t, k, f)	{ t, k, offsetof(struct st, f), FIELD_SIZE(st, f), 0 }
#define DS(st, t, f, m)	{ t, AK_STRP, offsetof(struct st, f), 0, m }

static const struct attr_desc match_attrs[] = {
	D(mt, XTFW_MATCH_A_TYPE, AK_U32, type),
	D(mt, XTFW_MATCH_A_INV, AK_U32, inv),
	D(mt, XTFW_MATCH_A_SPORT, AK_BIN, sport),
	D(mt, XTFW_MATCH_A_DPORT, AK_BIN, dport),
	D(mt, XTFW_MATCH_A_TCP_FLAGS, AK_BIN, tcp_flags),
	D(mt, XTFW_MATCH_A_TCP_OPTION, AK_U8, tcp_option),
	D(mt, XTFW_MATCH_A_ICMP_TYPE, AK_U8, icmp_type),
	D(mt, XTFW_MATCH_A_ICMP_CODE, AK_BIN, icmp_code),
	D(mt, XTFW_MATCH_A_PORTS, AK_PORTS, ports),
	D(mt, XTFW_MATCH_A_MULTIPORT_DIR, AK_U8, multiport_dir),
	D(mt, XTFW_MATCH_A_CTSTATE, AK_U32, ctstate),
	D(mt, XTFW_MATCH_A_MARK, AK_U32, mark),
	D(mt, XTFW_MATCH_A_MASK, AK_U32, mask),
	D(mt, XTFW_MATCH_A_RATE, AK_U32, rate),
	D(mt, XTFW_MATCH_A_BURST, AK_U32, burst),
	D(mt, XTFW_MATCH_A_LEN, AK_BIN, len),
	D(mt, XTFW_MATCH_A_TTL_OP, AK_U8, ttl_op),
	D(mt, XTFW_MATCH_A_TTL, AK_U8, ttl),
	D(mt, XTFW_MATCH_A_SRC_RANGE, AK_BIN, src_range),
	D(mt, XTFW_MATCH_A_DST_RANGE, AK_BIN, dst_range),
	DS(mt, XTFW_MATCH_A_COMMENT, comment, XTFW_COMMENT_MAXLEN),
	D(mt, XTFW_MATCH_A_SRC_TYPE, AK_U16, src_type),
	D(mt, XTFW_MATCH_A_DST_TYPE, AK_U16, dst_type),
	D(mt, XTFW_MATCH_A_ADDRTYPE_FLAGS, AK_U32, addrtype_flags),
	DS(mt, XTFW_MATCH_A_RECENT_NAME, recent_name, XTFW_RECENT_NAME_MAXLEN),
	D(mt, XTFW_MATCH_A_RECENT_CMD, AK_U8, recent_cmd),
	D(mt, XTFW_MATCH_A_RECENT_SECONDS, AK_U32, recent_seconds),
	D(mt, XTFW_MATCH_A_RECENT_HITCOUNT, AK_U32, recent_hitcount),
	D(mt, XTFW_MATCH_A_RECENT_FLAGS, AK_U32, recent_flags),
	D(mt, XTFW_MATCH_A_RECENT_MASK, AK_BIN, recent_mask),
	D(mt, XTFW_MATCH_A_UID, AK_BIN, uid),
	D(mt, XTFW_MATCH_A_GID, AK_BIN, gid),
	D(mt, XTFW_MATCH_A_STAT_MODE, AK_U8, stat_mode),
	D(mt, XTFW_MATCH_A_PROBABILITY, AK_U32, probability),
	D(mt, XTFW_MATCH_A_EVERY, AK_U32, every),
	D(mt, XTFW_MATCH_A_PACKET, AK_U32, packet),
	D(mt, XTFW_MATCH_A_PKTTYPE, AK_U8, pkttype),
	D(mt, XTFW_MATCH_A_RT_TYPE, AK_U8, rt_type),
	D(mt, XTFW_MATCH_A_RT_SEGSLEFT, AK_BIN, rt_segsleft),
	D(mt, XTFW_MATCH_A_FRAG_ID, AK_BIN, frag_id),
	D(mt, XTFW_MATCH_A_FRAG_FLAGS, AK_U32, frag_flags),
};

static const struct attr_desc target_attrs[] = {
	D(tg, XTFW_TARGET_A_TYPE, AK_U32, type),
	D(tg, XTFW_TARGET_A_CHAIN, AK_STRA, chain),
	D(tg, XTFW_TARGET_A_REJECT_WITH, AK_U8, reject_with),
	D(tg, XTFW_TARGET_A_LOG_PREFIX, AK_STRA, log_prefix),
	D(tg, XTFW_TARGET_A_LOG_LEVEL, AK_U8, log_level),
	D(tg, XTFW_TARGET_A_LOG_FLAGS, AK_U32, log_flags),
	D(tg, XTFW_TARGET_A_MARK, AK_U32, mark),
	D(tg, XTFW_TARGET_A_MASK, AK_U32, mask),
	D(tg, XTFW_TARGET_A_CONNMARK_OP, AK_U8, connmark_op),
	D(tg, XTFW_TARGET_A_CTMASK, AK_U32, ctmask),
	D(tg, XTFW_TARGET_A_NFMASK, AK_U32, nfmask),
	D(tg, XTFW_TARGET_A_TTL_OP, AK_U8, ttl_op),
	D(tg, XTFW_TARGET_A_TTL, AK_U8, ttl),
	D(tg, XTFW_TARGET_A_NAT_RANGE, AK_BIN, nat),
	D(tg, XTFW_TARGET_A_NAT_FLAGS, AK_U32, nat_flags),
};

/* The rule's own criteria; MATCHES and TARGET are nests, done by hand. */
static const struct attr_desc rule_attrs[] = {
	D(rule, XTFW_RULE_A_SRC, AK_BIN, src),
	D(rule, XTFW_RULE_A_SRC_MASK, AK_BIN, smsk),
	D(rule, XTFW_RULE_A_DST, AK_BIN, dst),
	D(rule, XTFW_RULE_A_DST_MASK, AK_BIN, dmsk),
	D(rule, XTFW_RULE_A_IIF, AK_STRA, iif),
	D(rule, XTFW_RULE_A_OIF, AK_STRA, oif),
	D(rule, XTFW_RULE_A_PROTO, AK_U8, proto),
	{ XTFW_RULE_A_FRAG, AK_FLAG, 0, 0, 0 },
	D(rule, XTFW_RULE_A_INV, AK_U32, inv),
};

struct put_ctx {
	struct nlmsghdr *nlh;
	size_t buflen;
	bool ok;
};

/*
 * mnl_attr_put_check(), and the padding after the payload zeroed: libmnl
 * leaves it as the buffer had it, and the kernel tells an unchanged rule
 * (whose counters it keeps) by its bytes, padding included.
 */
static bool put_zpad(struct put_ctx *pc, uint16_t type, size_t len,
		     const void *data)
{
	size_t pad = MNL_ALIGN(len) - len;

	if (!mnl_attr_put_check(pc->nlh, pc->buflen, type, len, data))
		return false;
	memset((char *)mnl_nlmsg_get_payload_tail(pc->nlh) - pad, 0, pad);
	return true;
}

static void put_one(struct put_ctx *pc, const struct attr_desc *d,
		    const void *base, const struct mt *m)
{
	const char *field = (const char *)base + d->off;
	const char *s;

	switch (d->kind) {
	case AK_U8:
	case AK_U16:
	case AK_U32:
	case AK_BIN:
		pc->ok &= put_zpad(pc, d->type, d->size, field);
		break;
	case AK_STRP:
		s = *(char *const *)field;
		s = s ? s : "";
		pc->ok &= put_zpad(pc, d->type, strlen(s) + 1, s);
		break;
	case AK_STRA:
		pc->ok &= put_zpad(pc, d->type, strlen(field) + 1, field);
		break;
	case AK_PORTS:
		pc->ok &= put_zpad(pc, d->type,
				   m->nports * sizeof(m->ports[0]), m->ports);
		break;
	case AK_FLAG:
		pc->ok &= mnl_attr_put_check(pc->nlh, pc->buflen, d->type,
					     0, NULL);
		break;
	}
}

static void put_attrs(struct put_ctx *pc, const struct attr_desc *t,
		      size_t n, const void *base, uint64_t has,
		      const struct mt *m)
{
	for (size_t i = 0; i < n && pc->ok; i++)
		if (has & BIT64(t[i].type))
			put_one(pc, &t[i], base, m);
}

static struct nlattr *nest_start(struct put_ctx *pc, uint16_t type)
{
	struct nlattr *a = NULL;

	if (pc->ok)
		a = mnl_attr_nest_start_check(pc->nlh, pc->buflen, type);
	pc->ok &= a != NULL;
	return a;
}

static void nest_end(struct put_ctx *pc, struct nlattr *a)
{
	if (!pc->ok)
		return;
	if ((char *)mnl_nlmsg_get_payload_tail(pc->nlh) - (char *)a >
	    RULE_NL_MAX) {
		pc->ok = false;
		return;
	}
	mnl_attr_nest_end(pc->nlh, a);
}

static void put_match(struct put_ctx *pc, const struct mt *m)
{
	struct nlattr *n = nest_start(pc, XTFW_MATCH);
	uint64_t has = m->has | BIT64(XTFW_MATCH_A_TYPE);

	has &= ~BIT64(XTFW_MATCH_A_INV);
	if (m->inv)
		has |= BIT64(XTFW_MATCH_A_INV);
	put_attrs(pc, match_attrs, ARRAY_SIZE(match_attrs), m, has, m);
	nest_end(pc, n);
}

static void put_rule(struct put_ctx *pc, const struct rule *r)
{
	struct nlattr *nest = nest_start(pc, XTFW_A_RULE), *n;
	uint64_t has = r->has & ~BIT64(XTFW_RULE_A_INV);

	if (r->inv)
		has |= BIT64(XTFW_RULE_A_INV);
	put_attrs(pc, rule_attrs, ARRAY_SIZE(rule_attrs), r, has, NULL);
	if (r->nmt) {
		n = nest_start(pc, XTFW_RULE_A_MATCHES);
		for (unsigned int i = 0; i < r->nmt; i++)
			put_match(pc, &r->mt[i]);
		nest_end(pc, n);
	}
	if (RULE_HAS(r, XTFW_RULE_A_TARGET)) {
		n = nest_start(pc, XTFW_RULE_A_TARGET);
		put_attrs(pc, target_attrs, ARRAY_SIZE(target_attrs), &r->tg,
			  r->tg.has | BIT64(XTFW_TARGET_A_TYPE), NULL);
		nest_end(pc, n);
	}
	nest_end(pc, nest);
}

static bool put(struct nlmsghdr *nlh, size_t buflen, const struct rule *r,
		bool use_raw)
{
	struct put_ctx pc = { .nlh = nlh, .buflen = buflen, .ok = true };
	uint32_t before = nlh->nlmsg_len;

	if (r->raw && use_raw) {
		if (nlh->nlmsg_len + MNL_ALIGN(r->rawlen) > buflen)
			return false;
		memcpy(mnl_nlmsg_get_payload_tail(nlh), r->raw, r->rawlen);
		nlh->nlmsg_len += MNL_ALIGN(r->rawlen);
		return true;
	}
	put_rule(&pc, r);
	if (!pc.ok)
		nlh->nlmsg_len = before;
	return pc.ok;
}

bool rule_nl_put(struct nlmsghdr *nlh, size_t buflen, const struct rule *r)
{
	return put(nlh, buflen, r, true);
}

static size_t encode(const struct rule *r, void *buf, size_t buflen,
		     bool use_raw)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	size_t len;

	if (!put(nlh, buflen, r, use_raw))
		fail(XT_EXIT_PARAM, "rule too large to encode");
	len = nlh->nlmsg_len - MNL_NLMSG_HDRLEN;
	memmove(buf, (char *)buf + MNL_NLMSG_HDRLEN, len);
	return len;
}

size_t rule_nl_encode(const struct rule *r, void *buf, size_t buflen)
{
	return encode(r, buf, buflen, true);
}

/* ---- decoding ---- */

struct get_ctx {
	const struct attr_desc *t;
	size_t n;
	void *base;
	uint64_t *has;
	struct mt *m;
	const char *what;
};

static const struct attr_desc *find_desc(const struct get_ctx *gc,
					 uint16_t type)
{
	for (size_t i = 0; i < gc->n; i++)
		if (gc->t[i].type == type)
			return &gc->t[i];
	return NULL;
}

static noreturn void bad_attr(const struct get_ctx *gc, uint16_t type)
{
	fail(XT_EXIT_OTHER, "malformed %s attribute %u from the kernel",
	     gc->what, type);
}

static void get_string(const struct get_ctx *gc, const struct attr_desc *d,
		       const struct nlattr *a, char *field)
{
	size_t max = d->kind == AK_STRA ? d->size : d->max;
	const char *s = mnl_attr_get_str(a);

	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 || strlen(s) >= max)
		bad_attr(gc, d->type);
	if (d->kind == AK_STRA)
		memcpy(field, s, strlen(s) + 1);
	else
		*(char **)field = xstrdup(s);
}

static void get_one(const struct get_ctx *gc, const struct attr_desc *d,
		    const struct nlattr *a)
{
	char *field = (char *)gc->base + d->off;
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (d->kind) {
	case AK_U8:
	case AK_U16:
	case AK_U32:
	case AK_BIN:
		if (len != d->size)
			bad_attr(gc, d->type);
		memcpy(field, mnl_attr_get_payload(a), d->size);
		break;
	case AK_STRP:
	case AK_STRA:
		get_string(gc, d, a, field);
		break;
	case AK_PORTS:
		if (len % sizeof(gc->m->ports[0]) ||
		    len > sizeof(gc->m->ports))
			bad_attr(gc, d->type);
		gc->m->nports = len / sizeof(gc->m->ports[0]);
		memcpy(gc->m->ports, mnl_attr_get_payload(a), len);
		break;
	case AK_FLAG:
		break;
	}
	*gc->has |= BIT64(d->type);
}

static int get_cb(const struct nlattr *a, void *data)
{
	const struct get_ctx *gc = data;
	const struct attr_desc *d = find_desc(gc, mnl_attr_get_type(a));

	if (d && !(*gc->has & BIT64(d->type)))
		get_one(gc, d, a);
	return MNL_CB_OK;
}

static void get_nest(const struct nlattr *nest, struct get_ctx *gc)
{
	if (mnl_attr_parse_nested(nest, get_cb, gc) < 0)
		fail(XT_EXIT_OTHER, "malformed %s from the kernel", gc->what);
}

static int match_cb(const struct nlattr *a, void *data)
{
	struct rule *r = data;
	struct mt *m;
	struct get_ctx gc = {
		.t = match_attrs, .n = ARRAY_SIZE(match_attrs),
		.what = "match",
	};

	if (mnl_attr_get_type(a) != XTFW_MATCH)
		return MNL_CB_OK;
	if (r->nmt >= RULE_MAX_MATCHES)
		fail(XT_EXIT_OTHER, "rule from the kernel has too many matches");
	m = rule_add_match(r, 0);
	m->has = 0;
	gc.base = m;
	gc.has = &m->has;
	gc.m = m;
	get_nest(a, &gc);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlattr *a, void *data)
{
	struct rule *r = data;
	uint64_t has = 0;
	struct get_ctx gc = {
		.t = target_attrs, .n = ARRAY_SIZE(target_attrs),
		.base = &r->tg, .has = &has, .what = "target",
	};

	switch (mnl_attr_get_type(a)) {
	case XTFW_RULE_A_MATCHES:
		if (mnl_attr_parse_nested(a, match_cb, r) < 0)
			fail(XT_EXIT_OTHER, "malformed matches from the kernel");
		break;
	case XTFW_RULE_A_TARGET:
		rule_set_target(r, 0);
		get_nest(a, &gc);
		r->tg.has = has;
		break;
	}
	return MNL_CB_OK;
}

struct rule *rule_nl_decode(const struct nlattr *nest, uint8_t family)
{
	struct rule *r = rule_new(family);
	uint64_t has = 0;
	struct get_ctx gc = {
		.t = rule_attrs, .n = ARRAY_SIZE(rule_attrs),
		.base = r, .has = &has, .what = "rule",
	};

	get_nest(nest, &gc);
	if (mnl_attr_parse_nested(nest, rule_cb, r) < 0)
		fail(XT_EXIT_OTHER, "malformed rule from the kernel");
	r->has |= has;
	r->rawlen = mnl_attr_get_len(nest);
	r->raw = xmalloc(r->rawlen);
	memcpy(r->raw, nest, r->rawlen);
	return r;
}

static bool same_encoding(const struct rule *a, const struct rule *b,
			  bool use_raw)
{
	static char ba[RULE_NL_MAX + 64], bb[RULE_NL_MAX + 64];
	size_t la, lb;

	la = encode(a, ba, sizeof(ba), use_raw);
	lb = encode(b, bb, sizeof(bb), use_raw);
	return la == lb && memcmp(ba, bb, la) == 0;
}

/*
 * Rules dumped from the kernel carry the bytes they were sent with; a rule
 * another client encoded differently still compares equal once both are
 * re-encoded here.
 */
bool rule_nl_same(const struct rule *a, const struct rule *b)
{
	return same_encoding(a, b, true) ||
	       ((a->raw || b->raw) && same_encoding(a, b, false));
}
