// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hook registration. A namespace registers the hooks of a table
 * only while its ruleset has that table, so a namespace without rules pays
 * nothing. One hook function, xtfw_hook() (eval.c, beside the chain walk
 * it inlines), serves every table; its priv points to the namespace's
 * struct xtfw_hook_priv for the family and table (the ops are unregistered
 * before the namespace's state goes, so the pointer outlives every packet
 * that uses it: no net_generic() lookup, which takes and drops the RCU
 * read lock, per packet), and the hook number comes with the packet.
 */
#include <linux/slab.h>

#include "xtfw.h"
#include "ct.h"

static struct nf_hook_ops *ops_create(struct xtfw_net *xn, u8 family,
				      u8 table, unsigned int *n)
{
	struct xtfw_hook_priv *hp = &xn->hook_priv[family][table];
	unsigned long hooks = xtfw_table_hooks(table);
	struct nf_hook_ops *ops;
	unsigned int hook, i = 0;

	*n = hweight_long(hooks);
	ops = kcalloc(*n, sizeof(*ops), GFP_KERNEL);
	if (!ops)
		return NULL;
	hp->xn = xn;
	hp->family = family;
	hp->table = table;
	for_each_set_bit(hook, &hooks, XTFW_NUMHOOKS) {
		ops[i].hook = xtfw_hook;
		ops[i].pf = family == XTFW_FAMILY_IPV4 ? NFPROTO_IPV4 :
							 NFPROTO_IPV6;
		ops[i].hooknum = hook;
		ops[i].priority = xtfw_table_priority(table, hook);
		ops[i].priv = hp;
		i++;
	}
	return ops;
}

static int table_hooks_add(struct xtfw_net *xn, u8 family, u8 table)
{
	struct nf_hook_ops *ops;
	unsigned int n;
	int ret;

	ops = ops_create(xn, family, table, &n);
	if (!ops)
		return -ENOMEM;
	ret = nf_register_net_hooks(xn->net, ops, n);
	if (ret) {
		kfree(ops);
		return ret;
	}
	xn->hook_ops[family][table] = ops;
	return 0;
}

static void table_hooks_del(struct xtfw_net *xn, u8 family, u8 table)
{
	struct nf_hook_ops *ops = xn->hook_ops[family][table];

	nf_unregister_net_hooks(xn->net, ops,
				hweight_long(xtfw_table_hooks(table)));
	kfree(ops);
	xn->hook_ops[family][table] = NULL;
}

/*
 * Make the registered hooks follow @want. With @add, register what @want
 * has and we lack (may fail; hooks of tables not yet published just see no
 * table and accept). Without, unregister what @want lacks (cannot fail).
 */
int xtfw_hooks_sync(struct xtfw_net *xn, const struct xtfw_ruleset *want,
		    bool add)
{
	unsigned int f, t;
	int ret;

	lockdep_assert_held(&xn->commit_mutex);
	for (f = 0; f < __XTFW_FAMILY_MAX; f++) {
		for (t = 0; t < __XTFW_TABLE_MAX; t++) {
			bool wanted = want && want->tables[f][t];
			bool have = xn->hook_ops[f][t];

			if (add && wanted && !have) {
				ret = table_hooks_add(xn, f, t);
				if (ret)
					return ret;
			} else if (!add && !wanted && have) {
				table_hooks_del(xn, f, t);
			}
		}
	}
	return xtfw_ct_hooks_sync(xn, want, add);
}

void xtfw_hooks_unregister_all(struct xtfw_net *xn)
{
	unsigned int f, t;

	for (f = 0; f < __XTFW_FAMILY_MAX; f++)
		for (t = 0; t < __XTFW_TABLE_MAX; t++)
			if (xn->hook_ops[f][t])
				table_hooks_del(xn, f, t);
}
