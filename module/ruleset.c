// SPDX-License-Identifier: GPL-2.0
/*
 * Tables, chains and the commit that publishes a new ruleset.
 *
 * A table under construction belongs to one transaction and nobody else
 * sees it. Commit validates the tables of a transaction as a whole (jumps,
 * loops, depth, where targets may run), then publishes a new ruleset with
 * one rcu_assign_pointer(). Packets see the old or the new ruleset, never a
 * mix; the tables the new one replaced are freed after a grace period.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "xtfw.h"

#define CHAIN_NONE	U32_MAX

static u32 name_hash(const char *name)
{
	return jhash(name, strnlen(name, XTFW_CHAIN_MAXNAMELEN), 0);
}

/* Grow an array of pointers to at least @want entries, doubling. */
static int grow(void ***arr, u32 *cap, u32 want)
{
	u32 ncap = max_t(u32, *cap ? *cap * 2 : 8, want);
	void **n;

	if (want <= *cap)
		return 0;
	n = kvmalloc_array(ncap, sizeof(void *), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	if (*arr)
		memcpy(n, *arr, *cap * sizeof(void *));
	kvfree(*arr);
	*arr = n;
	*cap = ncap;
	return 0;
}

/* The chain-name index: open addressing, 0 empty, else chain index + 1. */
static int index_rebuild(struct xtfw_table *t, u32 size)
{
	u32 *idx, i;

	idx = kvcalloc(size, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!idx)
		return -ENOMEM;
	kvfree(t->index);
	t->index = idx;
	t->index_size = size;
	for (i = 0; i < t->nchains; i++) {
		u32 h = name_hash(t->chains[i]->name) & (size - 1);

		while (idx[h])
			h = (h + 1) & (size - 1);
		idx[h] = i + 1;
	}
	return 0;
}

struct xtfw_chain *xtfw_table_find_chain(const struct xtfw_table *t,
					 const char *name, u32 *index)
{
	u32 mask = t->index_size - 1;
	u32 h = name_hash(name) & mask;

	for (; t->index[h]; h = (h + 1) & mask) {
		struct xtfw_chain *c = t->chains[t->index[h] - 1];

		if (!strcmp(c->name, name)) {
			if (index)
				*index = t->index[h] - 1;
			return c;
		}
	}
	return NULL;
}

static struct xtfw_chain *chain_create(const char *name, int hook)
{
	struct xtfw_chain *c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);

	if (!c)
		return NULL;
	c->policy_ctr = alloc_percpu_gfp(struct xtfw_counters,
					 GFP_KERNEL_ACCOUNT);
	if (!c->policy_ctr) {
		kfree(c);
		return NULL;
	}
	strscpy(c->name, name, sizeof(c->name));
	c->hook = hook;
	c->policy = NF_ACCEPT;
	return c;
}

/*
 * Every caller may sleep (transactions under txn_mutex, the garbage work,
 * namespace exit). A chain may hold hundreds of thousands of rules: on the
 * debug kernel, freeing a failed transaction of 500,000 rules without a
 * break stalled RCU for over 25 seconds.
 */
static void chain_destroy(struct xtfw_chain *c)
{
	u32 i;

	for (i = 0; i < c->nrules; i++) {
		xtfw_rule_destroy(c->rules[i]);
		cond_resched();
	}
	kvfree(c->rules);
	xtfw_cls_free(c->cls);
	if (!c->ctr_moved)
		free_percpu(c->policy_ctr);
	kfree(c);
}

struct xtfw_chain *xtfw_table_add_chain(struct xtfw_table *t,
					const char *name)
{
	struct xtfw_chain *c;

	if (t->nchains >= XTFW_MAX_CHAINS_PER_TABLE)
		return ERR_PTR(-ENOSPC);
	if (grow((void ***)&t->chains, &t->cap, t->nchains + 1))
		return ERR_PTR(-ENOMEM);
	/* Keep the index at most half full. */
	if ((t->nchains + 1) * 2 > t->index_size &&
	    index_rebuild(t, t->index_size * 2))
		return ERR_PTR(-ENOMEM);
	c = chain_create(name, -1);
	if (!c)
		return ERR_PTR(-ENOMEM);
	t->chains[t->nchains++] = c;
	if (index_rebuild(t, t->index_size)) {
		t->nchains--;
		chain_destroy(c);
		return ERR_PTR(-ENOMEM);
	}
	return c;
}

int xtfw_chain_append(struct xtfw_chain *c, struct xtfw_rule *rule)
{
	int ret = grow((void ***)&c->rules, &c->cap, c->nrules + 1);

	if (ret)
		return ret;
	c->rules[c->nrules++] = rule;
	return 0;
}

void xtfw_table_destroy(struct xtfw_table *t)
{
	u32 i;

	if (!t)
		return;
	for (i = 0; i < t->nchains; i++)
		chain_destroy(t->chains[i]);
	kvfree(t->chains);
	kvfree(t->index);
	kfree(t);
}

/*
 * Compile each chain long enough to gain from it into a classifier (see
 * classify.c); shorter chains are walked.
 */
static int build_classifiers(struct xtfw_table *t, struct xtfw_parse_ctx *ctx)
{
	struct xtfw_cls_key *keys;
	u32 i, j, max = 0;

	for (i = 0; i < t->nchains; i++)
		max = max(max, t->chains[i]->nrules);
	if (max < XTFW_CLS_MIN_RULES)
		return 0;
	keys = kvmalloc_array(max, sizeof(*keys), GFP_KERNEL_ACCOUNT);
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < t->nchains; i++) {
		struct xtfw_chain *c = t->chains[i];

		xtfw_cls_free(c->cls);
		c->cls = NULL;
		c->cls_lead = 0;
		if (c->nrules < XTFW_CLS_MIN_RULES)
			continue;
		for (j = 0; j < c->nrules; j++)
			xtfw_rule_cls_key(c->rules[j], t->family, &keys[j]);
		/*
		 * Rules that key on nothing are candidates for every packet:
		 * those at the head of the chain (ESTABLISHED,RELATED first,
		 * -i lo) are checked without asking the classifier.
		 */
		while (c->cls_lead < c->nrules &&
		       !keys[c->cls_lead].flags && !keys[c->cls_lead].slen &&
		       !keys[c->cls_lead].dlen)
			c->cls_lead++;
		c->cls = xtfw_cls_build(keys, c->nrules,
					t->family == XTFW_FAMILY_IPV6,
					get_random_u32());
		if (!c->cls) {
			kvfree(keys);
			ctx->chain = c->name;
			NL_SET_ERR_MSG(ctx->extack,
				       "out of memory compiling a chain");
			return -ENOMEM;
		}
		cond_resched();
	}
	kvfree(keys);
	return 0;
}

/* A new table holds its built-in chains, policy ACCEPT, in hook order. */
struct xtfw_table *xtfw_table_create(u8 family, u8 id)
{
	unsigned long hooks = xtfw_table_hooks(id);
	struct xtfw_table *t;
	unsigned int hook;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->family = family;
	t->id = id;
	t->index_size = 16;
	t->index = kvcalloc(t->index_size, sizeof(u32), GFP_KERNEL_ACCOUNT);
	if (!t->index)
		goto err;
	for (hook = 0; hook < XTFW_NUMHOOKS; hook++)
		t->builtin[hook] = -1;
	for_each_set_bit(hook, &hooks, XTFW_NUMHOOKS) {
		struct xtfw_chain *c = xtfw_table_add_chain(t,
							  xtfw_hook_name(hook));

		if (IS_ERR(c))
			goto err;
		c->hook = hook;
		c->hook_mask = BIT(hook);
		t->builtin[hook] = t->nchains - 1;
	}
	return t;
err:
	xtfw_table_destroy(t);
	return NULL;
}

/* Commit step 1: every jump and goto names a user chain of its table. */
static int resolve_jumps(struct xtfw_table *t, struct xtfw_parse_ctx *ctx)
{
	u32 ci, ri, idx;

	for (ci = 0; ci < t->nchains; ci++)
		t->chains[ci]->refs = 0;
	for (ci = 0; ci < t->nchains; ci++) {
		struct xtfw_chain *c = t->chains[ci];

		for (ri = 0; ri < c->nrules; ri++) {
			struct xtfw_target *tg = &c->rules[ri]->target;
			struct xtfw_chain *to;

			if (tg->type != XTFW_TARGET_JUMP &&
			    tg->type != XTFW_TARGET_GOTO)
				continue;
			ctx->chain = c->name;
			ctx->rulenum = ri + 1;
			to = xtfw_table_find_chain(t, tg->u.jump.name, &idx);
			if (!to)
				return xtfw_parse_error(ctx, NULL,
							"jump to chain \"%s\", which does not exist",
							tg->u.jump.name);
			if (to->hook >= 0)
				return xtfw_parse_error(ctx, NULL,
							"jump to built-in chain %s",
							to->name);
			tg->u.jump.chain = idx;
			to->refs++;
		}
	}
	return 0;
}

/*
 * Commit step 2: walk the jump graph depth first from every chain. Reject
 * loops and jump nesting deeper than the evaluator's stack; compute which
 * hooks reach each chain. @depth[i] is the deepest return stack chain i
 * can need (a jump adds one frame, a goto none), @state[i] 0 = unvisited,
 * 1 = on the DFS path, 2 = done.
 */
struct walk {
	struct xtfw_table *t;
	u8 *state;
	u32 *depth;
	struct xtfw_parse_ctx *ctx;
	u32 *stack;		/* chain indexes on the DFS path */
	u32 *next_rule;		/* per path entry: next rule to look at */
};

static int walk_from(struct walk *w, u32 start)
{
	struct xtfw_table *t = w->t;
	int sp = 0;

	w->stack[0] = start;
	w->next_rule[0] = 0;
	w->state[start] = 1;
	w->depth[start] = 0;
	while (sp >= 0) {
		struct xtfw_chain *c = t->chains[w->stack[sp]];
		u32 ri = w->next_rule[sp]++;
		struct xtfw_target *tg;
		u32 to, d;

		if (ri >= c->nrules) {
			w->state[w->stack[sp]] = 2;
			sp--;
			continue;
		}
		tg = &c->rules[ri]->target;
		if (tg->type != XTFW_TARGET_JUMP && tg->type != XTFW_TARGET_GOTO)
			continue;
		to = tg->u.jump.chain;
		if (w->state[to] == 1) {
			w->ctx->chain = c->name;
			w->ctx->rulenum = ri + 1;
			return xtfw_parse_error(w->ctx, NULL,
						"jump to chain %s makes a loop",
						t->chains[to]->name);
		}
		if (w->state[to] == 0) {
			w->state[to] = 1;
			w->depth[to] = 0;
			sp++;
			w->stack[sp] = to;
			w->next_rule[sp] = 0;
			/* revisit this rule once the callee is done */
			w->next_rule[sp - 1]--;
			continue;
		}
		d = w->depth[to] + (tg->type == XTFW_TARGET_JUMP);
		if (d > w->depth[w->stack[sp]])
			w->depth[w->stack[sp]] = d;
		if (d >= XTFW_MAX_JUMP_DEPTH) {
			w->ctx->chain = c->name;
			w->ctx->rulenum = ri + 1;
			return xtfw_parse_error(w->ctx, NULL,
						"jumps nest deeper than %d chains below %s",
						XTFW_MAX_JUMP_DEPTH,
						t->chains[to]->name);
		}
	}
	return 0;
}

/* Propagate each built-in chain's hook to every chain it reaches. */
static void mark_hooks(struct xtfw_table *t, u32 *stack)
{
	u32 ci, ri, hook;

	for (ci = 0; ci < t->nchains; ci++)
		if (t->chains[ci]->hook < 0)
			t->chains[ci]->hook_mask = 0;
	for (hook = 0; hook < XTFW_NUMHOOKS; hook++) {
		int sp = 0;

		if (t->builtin[hook] < 0)
			continue;
		stack[sp++] = t->builtin[hook];
		while (sp > 0) {
			struct xtfw_chain *c = t->chains[stack[--sp]];

			for (ri = 0; ri < c->nrules; ri++) {
				struct xtfw_target *tg = &c->rules[ri]->target;
				struct xtfw_chain *to;

				if (tg->type != XTFW_TARGET_JUMP &&
				    tg->type != XTFW_TARGET_GOTO)
					continue;
				to = t->chains[tg->u.jump.chain];
				if (to->hook_mask & BIT(hook))
					continue;
				to->hook_mask |= BIT(hook);
				stack[sp++] = tg->u.jump.chain;
			}
		}
	}
}

static int check_graph(struct xtfw_table *t, struct xtfw_parse_ctx *ctx)
{
	struct walk w = { .t = t, .ctx = ctx };
	int ret = -ENOMEM;
	u32 ci;

	w.state = kvcalloc(t->nchains, sizeof(u8), GFP_KERNEL);
	w.depth = kvcalloc(t->nchains, sizeof(u32), GFP_KERNEL);
	w.stack = kvcalloc(t->nchains, sizeof(u32), GFP_KERNEL);
	w.next_rule = kvcalloc(t->nchains, sizeof(u32), GFP_KERNEL);
	if (!w.state || !w.depth || !w.stack || !w.next_rule)
		goto out;
	ret = 0;
	for (ci = 0; ci < t->nchains && !ret; ci++)
		if (!w.state[ci])
			ret = walk_from(&w, ci);
	if (!ret)
		mark_hooks(t, w.stack);
out:
	kvfree(w.state);
	kvfree(w.depth);
	kvfree(w.stack);
	kvfree(w.next_rule);
	return ret;
}

/* Commit step 3: targets and matches run only where they are allowed. */
static int check_hooks(struct xtfw_table *t, struct xtfw_parse_ctx *ctx)
{
	u32 ci, ri, mi;
	int ret;

	for (ci = 0; ci < t->nchains; ci++) {
		struct xtfw_chain *c = t->chains[ci];

		if (!c->hook_mask)
			continue;
		ctx->chain = c->name;
		for (ri = 0; ri < c->nrules; ri++) {
			struct xtfw_rule *r = c->rules[ri];

			ctx->rulenum = ri + 1;
			ret = xtfw_target_check_hooks(&r->target, c->hook_mask,
						      ctx);
			if (ret)
				return ret;
			for (mi = 0; mi < r->nmatches; mi++) {
				ret = xtfw_match_check_hooks(&r->matches[mi],
							     c->hook_mask,
							     ctx);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * Does the table need connection tracking? Like nf_ct_netns_get() for
 * iptables, the rules that read or write an entry turn it on for their
 * family, and nothing else does: a stateless ruleset pays nothing for it.
 * NOTRACK alone does not need it: with no tracking, nothing is tracked.
 */
static bool table_needs_ct(const struct xtfw_table *t)
{
	const struct xtfw_rule *r;
	u32 i, j, k;

	if (t->id == XTFW_TABLE_NAT)
		return true;
	for (i = 0; i < t->nchains; i++) {
		for (j = 0; j < t->chains[i]->nrules; j++) {
			r = t->chains[i]->rules[j];
			if (r->target.type == XTFW_TARGET_CONNMARK)
				return true;
			for (k = 0; k < r->nmatches; k++)
				switch (r->matches[k].type) {
				case XTFW_MATCH_CONNTRACK:
				case XTFW_MATCH_STATE:
				case XTFW_MATCH_CONNMARK:
					return true;
				}
		}
	}
	return false;
}

static int table_validate(struct xtfw_table *t, struct xtfw_parse_ctx *ctx)
{
	int ret;

	ctx->family = t->family;
	ctx->table = t->id;
	ret = resolve_jumps(t, ctx);
	if (!ret)
		ret = check_graph(t, ctx);
	if (!ret)
		ret = check_hooks(t, ctx);
	if (!ret)
		ret = build_classifiers(t, ctx);
	t->needs_ct = table_needs_ct(t);
	ctx->chain = NULL;
	ctx->rulenum = 0;
	return ret;
}

/*
 * Counters survive a replace: a rule whose chain and encoding are the same
 * in the old table takes over the old rule's per-CPU counters, so packets
 * still counted by the old ruleset during the grace period land in them
 * too. Equal rules pair up in order. Best effort: without memory for the
 * index the counters simply start at zero.
 */
static u32 spec_hash(const struct nlattr *spec)
{
	return jhash(spec, nla_total_size(nla_len(spec)), 0);
}

static bool spec_equal(const struct nlattr *a, const struct nlattr *b)
{
	return nla_len(a) == nla_len(b) && !memcmp(a, b, nla_total_size(nla_len(a)));
}

static void carry_chain(struct xtfw_chain *nc, struct xtfw_chain *oc)
{
	u32 nb = roundup_pow_of_two(max_t(u32, oc->nrules, 1));
	u32 *head, *next, i;

	if (!nc->ctr_given && !oc->ctr_moved) {
		free_percpu(nc->policy_ctr);
		nc->policy_ctr = oc->policy_ctr;
		oc->ctr_moved = true;
	}
	if (!oc->nrules || !nc->nrules)
		return;
	head = kvmalloc_array(nb, sizeof(u32), GFP_KERNEL);
	next = kvmalloc_array(oc->nrules, sizeof(u32), GFP_KERNEL);
	if (!head || !next)
		goto out;
	memset(head, 0xff, nb * sizeof(u32));
	for (i = oc->nrules; i-- > 0;) {
		u32 h = spec_hash(xtfw_rule_spec(oc->rules[i])) & (nb - 1);

		next[i] = head[h];
		head[h] = i;
	}
	for (i = 0; i < nc->nrules; i++) {
		struct xtfw_rule *r = nc->rules[i];
		const struct nlattr *spec;
		u32 *p;

		if (r->ctr_given)
			continue;
		spec = xtfw_rule_spec(r);
		p = &head[spec_hash(spec) & (nb - 1)];
		for (; *p != CHAIN_NONE; p = &next[*p]) {
			struct xtfw_rule *o = oc->rules[*p];

			if (!o->ctr_moved &&
			    spec_equal(xtfw_rule_spec(o), spec)) {
				xtfw_rule_ctr_move(r, o);
				*p = next[*p];
				break;
			}
		}
	}
out:
	kvfree(head);
	kvfree(next);
}

static void carry_counters(struct xtfw_table *nt, struct xtfw_table *ot)
{
	u32 ci;

	if (!ot)
		return;
	for (ci = 0; ci < nt->nchains; ci++) {
		struct xtfw_chain *nc = nt->chains[ci];
		struct xtfw_chain *oc;

		oc = xtfw_table_find_chain(ot, nc->from[0] ? nc->from :
					   nc->name, NULL);

		if (oc)
			carry_chain(nc, oc);
	}
}

/* What a commit leaves to free once no packet can see it any more. */
struct xtfw_garbage {
	struct rcu_work rwork;
	struct xtfw_ruleset *ruleset;
	struct xtfw_table *tables[__XTFW_FAMILY_MAX * __XTFW_TABLE_MAX];
	unsigned int ntables;
};

static void garbage_free(struct work_struct *work)
{
	struct xtfw_garbage *g = container_of(to_rcu_work(work),
					      struct xtfw_garbage, rwork);
	unsigned int i;

	for (i = 0; i < g->ntables; i++)
		xtfw_table_destroy(g->tables[i]);
	kfree(g->ruleset);
	kfree(g);
}

struct xtfw_ruleset *xtfw_ruleset_get_locked(struct xtfw_net *xn)
{
	return rcu_dereference_protected(xn->ruleset,
					 lockdep_is_held(&xn->commit_mutex));
}

static bool ruleset_empty(const struct xtfw_ruleset *rs)
{
	unsigned int f, t;

	for (f = 0; f < __XTFW_FAMILY_MAX; f++)
		for (t = 0; t < __XTFW_TABLE_MAX; t++)
			if (rs->tables[f][t])
				return false;
	return true;
}

/*
 * Build the ruleset the transaction asks for: the old tables it leaves
 * alone, its own tables where it replaced one, none where it deleted one.
 * Records in @g what the swap will make garbage.
 */
static struct xtfw_ruleset *ruleset_build(const struct xtfw_ruleset *old,
					  struct xtfw_txn *txn,
					  struct xtfw_garbage *g)
{
	struct xtfw_ruleset *rs = kzalloc(sizeof(*rs), GFP_KERNEL_ACCOUNT);
	unsigned int f, t;

	if (!rs)
		return NULL;
	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			struct xtfw_table *ot = old ? old->tables[f][t] : NULL;
			bool replaced = txn->tables[f][t] || txn->deleted[f][t];

			rs->tables[f][t] = replaced ? txn->tables[f][t] : ot;
			if (replaced && ot)
				g->tables[g->ntables++] = ot;
		}
	}
	return rs;
}

int xtfw_ruleset_commit(struct xtfw_net *xn, struct xtfw_txn *txn,
			struct xtfw_parse_ctx *ctx)
{
	struct xtfw_ruleset *old, *rs;
	struct xtfw_garbage *g;
	unsigned int f, t;
	int ret;

	mutex_lock(&xn->commit_mutex);
	old = xtfw_ruleset_get_locked(xn);
	if (txn->has_gen && txn->base_gen != xn->generation) {
		NL_SET_ERR_MSG(ctx->extack,
			       "ruleset changed since the transaction began");
		ret = -EAGAIN;
		goto out;
	}
	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			if (!txn->tables[f][t])
				continue;
			ret = table_validate(txn->tables[f][t], ctx);
			if (ret)
				goto out;
		}
	}
	ret = -ENOMEM;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		goto out;
	rs = ruleset_build(old, txn, g);
	if (!rs) {
		kfree(g);
		goto out;
	}
	ret = xtfw_hooks_sync(xn, rs, true);
	if (ret) {
		xtfw_hooks_sync(xn, old, false);
		kfree(rs);
		kfree(g);
		goto out;
	}

	/* Nothing fails from here on. */
	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			if (!txn->tables[f][t])
				continue;
			carry_counters(txn->tables[f][t],
				       old ? old->tables[f][t] : NULL);
			txn->tables[f][t] = NULL;	/* now the ruleset's */
		}
	}
	rs->generation = ++xn->generation;
	if (ruleset_empty(rs)) {
		kfree(rs);	/* never published */
		rs = NULL;
	}
	rcu_assign_pointer(xn->ruleset, rs);
	xtfw_hooks_sync(xn, rs, false);
	g->ruleset = old;
	INIT_RCU_WORK(&g->rwork, garbage_free);
	queue_rcu_work(xtfw_wq, &g->rwork);
	ret = 0;
out:
	mutex_unlock(&xn->commit_mutex);
	return ret;
}

/* Namespace exit: no packet can reach the ruleset any more. */
void xtfw_ruleset_free_all(struct xtfw_net *xn)
{
	struct xtfw_ruleset *rs;
	unsigned int f, t;

	rs = rcu_dereference_protected(xn->ruleset, 1);
	RCU_INIT_POINTER(xn->ruleset, NULL);
	if (!rs)
		return;
	for (f = 0; f < __XTFW_FAMILY_MAX; f++)
		for (t = 0; t < __XTFW_TABLE_MAX; t++)
			xtfw_table_destroy(rs->tables[f][t]);
	kfree(rs);
}
