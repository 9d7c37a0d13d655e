// SPDX-License-Identifier: GPL-2.0
/*
 * Module and network namespace lifetime.
 *
 * Teardown of a namespace, in order: pre_exit unregisters the hooks, so no
 * new packet enters xtfw; the core's grace period then lets packets already
 * inside finish. exit frees open transactions and the ruleset, then waits
 * for old rulesets still queued for freeing (their matches may hold
 * per-namespace state) before the per-namespace match state goes.
 * Module unload runs the same exit for every namespace alive.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "xtfw.h"
#include "ct.h"

unsigned int xtfw_net_id __read_mostly;
struct workqueue_struct *xtfw_wq __read_mostly;

static int __net_init xtfw_net_init(struct net *net)
{
	struct xtfw_net *xn = xtfw_pernet(net);

	xn->net = net;
	mutex_init(&xn->commit_mutex);
	mutex_init(&xn->txn_mutex);
	mutex_init(&xn->ctr_lock);
	INIT_LIST_HEAD(&xn->txns);
	RCU_INIT_POINTER(xn->ruleset, NULL);
	return xtfw_match_net_init(xn);
}

static void __net_exit xtfw_net_pre_exit(struct net *net)
{
	struct xtfw_net *xn = xtfw_pernet(net);

	mutex_lock(&xn->commit_mutex);
	xn->exiting = true;
	xtfw_hooks_unregister_all(xn);
	xtfw_ct_hooks_sync(xn, NULL, false);
	mutex_unlock(&xn->commit_mutex);
}

static void __net_exit xtfw_net_exit(struct net *net)
{
	struct xtfw_net *xn = xtfw_pernet(net);

	xtfw_txn_free_all(xn);
	xtfw_ruleset_free_all(xn);
	xtfw_ct_net_exit(xn);
	rcu_barrier();
	flush_workqueue(xtfw_wq);
	xtfw_ctr_net_exit(xn);
	xtfw_match_net_exit(xn);
}

static struct pernet_operations xtfw_net_ops = {
	.init = xtfw_net_init,
	.pre_exit = xtfw_net_pre_exit,
	.exit = xtfw_net_exit,
	.id = &xtfw_net_id,
	.size = sizeof(struct xtfw_net),
};

/* A socket that closes with a transaction open aborts it. */
static int xtfw_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct netlink_notify *n = ptr;

	if (event == NETLINK_URELEASE && n->protocol == NETLINK_GENERIC &&
	    n->portid)
		xtfw_txn_release_portid(xtfw_pernet(n->net), n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block xtfw_netlink_notifier = {
	.notifier_call = xtfw_netlink_event,
};

static int __init xtfw_init(void)
{
	int ret;

	ret = xtfw_rule_caches_init();
	if (ret)
		return ret;
	xtfw_wq = alloc_workqueue("xtfw", 0, 0);
	if (!xtfw_wq) {
		ret = -ENOMEM;
		goto err_wq;
	}
	ret = xtfw_ct_init();
	if (ret)
		goto err_ct;
	ret = register_pernet_subsys(&xtfw_net_ops);
	if (ret)
		goto err_pernet;
	ret = xtfw_nat_init();
	if (ret)
		goto err_nat;
	ret = netlink_register_notifier(&xtfw_netlink_notifier);
	if (ret)
		goto err_notifier;
	ret = xtfw_genl_register();
	if (ret)
		goto err_genl;
	pr_info("loaded\n");
	return 0;

err_genl:
	netlink_unregister_notifier(&xtfw_netlink_notifier);
err_notifier:
	xtfw_nat_exit();
err_nat:
	unregister_pernet_subsys(&xtfw_net_ops);
err_pernet:
	xtfw_ct_exit();
err_ct:
	destroy_workqueue(xtfw_wq);
err_wq:
	xtfw_rule_caches_exit();
	return ret;
}

static void __exit xtfw_exit(void)
{
	xtfw_genl_unregister();
	netlink_unregister_notifier(&xtfw_netlink_notifier);
	xtfw_nat_exit();
	unregister_pernet_subsys(&xtfw_net_ops);
	rcu_barrier();
	xtfw_ct_exit();
	destroy_workqueue(xtfw_wq);
	xtfw_rule_caches_exit();
	pr_info("unloaded\n");
}

module_init(xtfw_init);
module_exit(xtfw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("xtfw: stateful firewall with its own tables, conntrack and NAT");
MODULE_AUTHOR("The xtfw developers");
MODULE_VERSION(XTFW_VERSION);
MODULE_ALIAS_GENL_FAMILY(XTFW_GENL_NAME);
