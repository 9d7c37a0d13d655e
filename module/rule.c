// SPDX-License-Identifier: GPL-2.0
/*
 * Turning one XTFW_A_RULE nest into a compiled rule, and the per-CPU
 * counters every rule and policy carries.
 */
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/slab.h>

#include "xtfw.h"

int xtfw_parse_error(const struct xtfw_parse_ctx *ctx,
		     const struct nlattr *attr, const char *fmt, ...)
{
	char *buf = ctx->errbuf;
	size_t len = XTFW_ERRMSG_LEN;
	int n = 0;
	va_list ap;

	if (ctx->chain && ctx->rulenum)
		n = scnprintf(buf, len, "%s %s rule %u: ",
			      xtfw_table_name(ctx->table), ctx->chain,
			      ctx->rulenum);
	else if (ctx->chain)
		n = scnprintf(buf, len, "%s %s: ",
			      xtfw_table_name(ctx->table), ctx->chain);
	va_start(ap, fmt);
	vscnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);

	xtfw_set_errmsg(ctx->extack, attr, buf);
	return -EINVAL;
}

static bool addr_is_family(const union xtfw_addr *a, u8 family)
{
	return family == XTFW_FAMILY_IPV6 ||
	       !(a->ip6[1] | a->ip6[2] | a->ip6[3]);
}

/*
 * Any mask is allowed, as ip_tables allows it ("-s 10.0.0.1/255.0.0.255"):
 * the packet path compares (address & mask), and the classifier keys only
 * the masks that are prefixes.
 */
static int parse_addr(struct nlattr **tb, int a_addr, int a_mask,
		      union xtfw_addr *addr, union xtfw_addr *mask,
		      const struct xtfw_parse_ctx *ctx)
{
	int i;

	if (!tb[a_addr] && !tb[a_mask])
		return 0;
	if (!tb[a_addr] || !tb[a_mask])
		return xtfw_parse_error(ctx, tb[a_addr] ? tb[a_addr] :
					tb[a_mask],
					"address and mask go together");
	nla_memcpy(addr, tb[a_addr], sizeof(*addr));
	nla_memcpy(mask, tb[a_mask], sizeof(*mask));
	if (!addr_is_family(addr, ctx->family) ||
	    !addr_is_family(mask, ctx->family))
		return xtfw_parse_error(ctx, tb[a_addr],
					"IPv4 address with bytes past the fourth");
	for (i = 0; i < 4; i++)
		addr->ip6[i] &= mask->ip6[i];
	return 1;
}

/*
 * Interface names: "eth0" matches exactly, "eth+" any name starting with
 * "eth". The mask holds 0xff for every byte to compare, as ip_tables does,
 * so the packet path compares whole words.
 */
static int parse_iface(const struct nlattr *attr, char *name, char *mask,
		       const struct xtfw_parse_ctx *ctx)
{
	size_t len;

	if (!attr)
		return 0;
	nla_strscpy(name, attr, IFNAMSIZ);
	len = strlen(name);
	if (!len)
		return xtfw_parse_error(ctx, attr, "empty interface name");
	memset(mask, 0, IFNAMSIZ);
	if (name[len - 1] == '+') {
		name[len - 1] = '\0';
		memset(mask, 0xff, len - 1);
	} else {
		memset(mask, 0xff, len + 1);
	}
	return 1;
}

static int parse_header(struct nlattr **tb, struct xtfw_ipmatch *ip,
			const struct xtfw_parse_ctx *ctx)
{
	int ret;

	ret = parse_addr(tb, XTFW_RULE_A_SRC, XTFW_RULE_A_SRC_MASK,
			 &ip->src, &ip->smsk, ctx);
	if (ret < 0)
		return ret;
	if (ret)
		ip->flags |= XTFW_IPM_F_SRC;
	ret = parse_addr(tb, XTFW_RULE_A_DST, XTFW_RULE_A_DST_MASK,
			 &ip->dst, &ip->dmsk, ctx);
	if (ret < 0)
		return ret;
	if (ret)
		ip->flags |= XTFW_IPM_F_DST;

	ret = parse_iface(tb[XTFW_RULE_A_IIF], ip->iif, ip->iifmask, ctx);
	if (ret < 0)
		return ret;
	if (ret)
		ip->flags |= XTFW_IPM_F_IIF;
	ret = parse_iface(tb[XTFW_RULE_A_OIF], ip->oif, ip->oifmask, ctx);
	if (ret < 0)
		return ret;
	if (ret)
		ip->flags |= XTFW_IPM_F_OIF;

	if (tb[XTFW_RULE_A_PROTO]) {
		ip->proto = nla_get_u8(tb[XTFW_RULE_A_PROTO]);
		ip->flags |= XTFW_IPM_F_PROTO;
	}
	if (tb[XTFW_RULE_A_FRAG]) {
		if (ctx->family != XTFW_FAMILY_IPV4)
			return xtfw_parse_error(ctx, tb[XTFW_RULE_A_FRAG],
						"-f is IPv4 only; use -m frag");
		ip->flags |= XTFW_IPM_F_FRAG;
	}
	if (tb[XTFW_RULE_A_INV])
		ip->inv = nla_get_u32(tb[XTFW_RULE_A_INV]);
	/* XTFW_INV_* and XTFW_IPM_F_* name the criteria in the same bits. */
	if (ip->inv & ~ip->flags)
		return xtfw_parse_error(ctx, tb[XTFW_RULE_A_INV],
					"\"!\" on a criterion the rule does not have");
	return 0;
}

static int count_matches(const struct nlattr *nest,
			 const struct xtfw_parse_ctx *ctx)
{
	const struct nlattr *m;
	int rem, n = 0;

	if (!nest)
		return 0;
	nla_for_each_nested(m, nest, rem)
		n++;
	if (n > XTFW_MAX_MATCHES_PER_RULE)
		return xtfw_parse_error(ctx, nest,
					"more than %d matches in one rule",
					XTFW_MAX_MATCHES_PER_RULE);
	return n;
}

static int parse_matches(struct net *net, struct xtfw_rule *rule,
			 const struct nlattr *nest,
			 const struct xtfw_parse_ctx *ctx)
{
	const struct nlattr *m;
	int rem, ret;

	if (!nest)
		return 0;
	nla_for_each_nested(m, nest, rem) {
		ret = xtfw_match_parse(net, &rule->matches[rule->nmatches], m,
				       &rule->ip, ctx);
		if (ret)
			return ret;
		rule->nmatches++;
	}
	return 0;
}

/*
 * A rule's counters: XTFW_CTR_BLOCK of them share one alloc_percpu(),
 * handed out in order from the namespace's current block and never
 * reused; a block is freed when its last counter goes (and the namespace
 * has moved on to another block, or is gone). One allocation per rule was
 * a good part of the kernel's time to load 100,000 rules, as it was for
 * x_tables, which allocates its counters a page at a time. At most
 * XTFW_CTR_BLOCK - 1 counters' memory per CPU is held by a block that is
 * only partly live.
 */
#define XTFW_CTR_BLOCK	64

struct xtfw_ctr_block {
	struct xtfw_counters __percpu *base;
	refcount_t ref;		/* counters handed out + the namespace's */
	unsigned int used;
};

static void ctr_block_put(struct xtfw_ctr_block *b)
{
	if (b && refcount_dec_and_test(&b->ref)) {
		free_percpu(b->base);
		kfree(b);
	}
}

/* A zeroed counter for a new rule, and a reference to its block. */
static int ctr_get(struct xtfw_net *xn, struct xtfw_rule *rule)
{
	struct xtfw_ctr_block *b;
	int ret = 0;

	mutex_lock(&xn->ctr_lock);
	b = xn->ctr_cur;
	if (!b || b->used == XTFW_CTR_BLOCK) {
		b = kmalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
		if (b)
			b->base = __alloc_percpu_gfp(XTFW_CTR_BLOCK *
						     sizeof(*b->base),
						     __alignof__(*b->base),
						     GFP_KERNEL_ACCOUNT);
		if (!b || !b->base) {
			kfree(b);
			ret = -ENOMEM;
			goto out;
		}
		refcount_set(&b->ref, 1);
		b->used = 0;
		ctr_block_put(xn->ctr_cur);
		xn->ctr_cur = b;
	}
	rule->ctr = b->base + b->used++;
	rule->ctr_blk = b;
	refcount_inc(&b->ref);
out:
	mutex_unlock(&xn->ctr_lock);
	return ret;
}

/**
 * xtfw_rule_ctr_move() - give @from's counters to @to
 * @to: a new rule, whose own counters are released
 * @from: the rule it replaces, which must not release them
 */
void xtfw_rule_ctr_move(struct xtfw_rule *to, struct xtfw_rule *from)
{
	ctr_block_put(to->ctr_blk);
	to->ctr = from->ctr;
	to->ctr_blk = from->ctr_blk;
	from->ctr_moved = true;
}

/* The namespace goes: its current block lives on while counters do. */
void xtfw_ctr_net_exit(struct xtfw_net *xn)
{
	ctr_block_put(xn->ctr_cur);
	xn->ctr_cur = NULL;
}

/*
 * Rules come in a few sizes: on bench's mix 256 bytes (an address and a
 * target), 268, 376 and 388 (a port match). kmalloc has no class between
 * 256 and 512, so the last three took 512; these caches fill the gap.
 * kfree() frees their objects too (SLUB and SLAB find the cache from the
 * page; documented since 6.4), so xtfw_rule_destroy() need not know where
 * a rule came from. SLOB, which could not, has no caches here.
 */
static const struct {
	unsigned int size;
	const char *name;
} rule_sizes[] = {
	{ 320, "xtfw_rule_320" },
	{ 384, "xtfw_rule_384" },
	{ 448, "xtfw_rule_448" },
};

static struct kmem_cache *rule_caches[ARRAY_SIZE(rule_sizes)];

int __init xtfw_rule_caches_init(void)
{
	unsigned int i;

	if (IS_ENABLED(CONFIG_SLOB))
		return 0;
	for (i = 0; i < ARRAY_SIZE(rule_sizes); i++) {
		rule_caches[i] = kmem_cache_create(rule_sizes[i].name,
						   rule_sizes[i].size,
						   __alignof__(struct xtfw_rule),
						   SLAB_ACCOUNT, NULL);
		if (!rule_caches[i]) {
			xtfw_rule_caches_exit();
			return -ENOMEM;
		}
	}
	return 0;
}

/* After the last rule is freed (the module's exit, past rcu_barrier()). */
void xtfw_rule_caches_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rule_sizes); i++) {
		kmem_cache_destroy(rule_caches[i]);
		rule_caches[i] = NULL;
	}
}

static struct xtfw_rule *rule_alloc(size_t size)
{
	unsigned int i;

	for (i = 0; size > 256 && i < ARRAY_SIZE(rule_sizes); i++)
		if (size <= rule_sizes[i].size && rule_caches[i])
			return kmem_cache_zalloc(rule_caches[i],
						 GFP_KERNEL_ACCOUNT);
	return kzalloc(size, GFP_KERNEL_ACCOUNT);
}

void xtfw_rule_destroy(struct xtfw_rule *rule)
{
	unsigned int i;

	if (!rule)
		return;
	for (i = 0; i < rule->nmatches; i++)
		xtfw_match_destroy(&rule->matches[i]);
	xtfw_target_destroy(&rule->target);
	if (!rule->ctr_moved)
		ctr_block_put(rule->ctr_blk);
	kfree(rule);
}

/**
 * xtfw_rule_create() - compile one XTFW_A_RULE nest
 * @net: the namespace the rule is for
 * @spec: the nest, already validated against xtfw_rule_policy
 * @ctx: where the rule goes, and where errors are reported
 *
 * The generic netlink core validates every message against
 * xtfw_attr_policy, nests and nested arrays included, before the handler
 * runs (the ops do not relax it with GENL_DONT_VALIDATE_*), so the nests are
 * parsed here without a policy: validating a rule a second time was an
 * eighth of the kernel's time to load 100,000 rules. The parsers still
 * check the bounds of every value they index with.
 *
 * The rule, its matches and a copy of @spec (kept for dumps and to carry
 * counters over) are one allocation.
 *
 * Return: the rule, or an ERR_PTR() with the reason in @ctx's extack.
 */
struct xtfw_rule *xtfw_rule_create(struct net *net, const struct nlattr *spec,
				   const struct xtfw_parse_ctx *ctx)
{
	struct nlattr *tb[XTFW_RULE_A_MAX + 1];
	struct xtfw_rule *rule;
	size_t head;
	int n, ret;

	if (nla_len(spec) > XTFW_MAX_RULE_SPEC) {
		xtfw_parse_error(ctx, spec, "rule longer than %d bytes",
				 XTFW_MAX_RULE_SPEC);
		return ERR_PTR(-E2BIG);
	}
	xtfw_nest_fill(tb, XTFW_RULE_A_MAX, spec);
	n = count_matches(tb[XTFW_RULE_A_MATCHES], ctx);
	if (n < 0)
		return ERR_PTR(n);

	/* parse_matches() makes rule->nmatches n, or fails */
	head = xtfw_rule_spec_offset(n);
	rule = rule_alloc(head + nla_total_size(nla_len(spec)));
	if (!rule)
		return ERR_PTR(-ENOMEM);
	memcpy((void *)rule + head, spec, nla_total_size(nla_len(spec)));
	if (ctr_get(xtfw_pernet(net), rule)) {
		ret = -ENOMEM;
		goto err;
	}
	ret = parse_header(tb, &rule->ip, ctx);
	if (ret)
		goto err;
	ret = parse_matches(net, rule, tb[XTFW_RULE_A_MATCHES], ctx);
	if (ret)
		goto err;
	if (tb[XTFW_RULE_A_TARGET]) {
		ret = xtfw_target_parse(&rule->target, tb[XTFW_RULE_A_TARGET],
					&rule->ip, ctx);
		if (ret)
			goto err;
	}
	return rule;
err:
	xtfw_rule_destroy(rule);
	return ERR_PTR(ret);
}

void xtfw_counters_read(struct xtfw_counters __percpu *pcpu,
			struct xtfw_counters *sum)
{
	int cpu;

	sum->packets = 0;
	sum->bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct xtfw_counters *c = per_cpu_ptr(pcpu, cpu);

		sum->packets += READ_ONCE(c->packets);
		sum->bytes += READ_ONCE(c->bytes);
	}
}

void xtfw_counters_zero(struct xtfw_counters __percpu *pcpu)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct xtfw_counters *c = per_cpu_ptr(pcpu, cpu);

		WRITE_ONCE(c->packets, 0);
		WRITE_ONCE(c->bytes, 0);
	}
}
