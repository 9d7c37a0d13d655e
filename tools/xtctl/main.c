// SPDX-License-Identifier: GPL-2.0
/* xtctl: iptables-compatible control of the xtfw firewall. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "confirm.h"
#include "ct.h"
#include "xtctl.h"

void cli_usage(void)
{
	printf(
"xtctl v%s: iptables-compatible control of the xtfw firewall\n"
"\n"
"Usage: xtctl [-4|-6] [-t table] -[ACD] chain rule-specification\n"
"       xtctl [-4|-6] [-t table] -I chain [rulenum] rule-specification\n"
"       xtctl [-4|-6] [-t table] -R chain rulenum rule-specification\n"
"       xtctl [-4|-6] [-t table] -D chain rulenum\n"
"       xtctl [-4|-6] [-t table] -[LS] [chain [rulenum]] [-v] [-n] [-x]\n"
"             [--line-numbers] [--json]\n"
"       xtctl [-4|-6] [-t table] -[FZ] [chain]\n"
"       xtctl [-4|-6] [-t table] -[NX] chain\n"
"       xtctl [-4|-6] [-t table] -E old-chain new-chain\n"
"       xtctl [-4|-6] [-t table] -P chain ACCEPT|DROP\n"
"       xtctl save [-c] [-t table] [-4|-6] [--json]\n"
"       xtctl restore [-c] [--test] [--noflush] [--confirm SECONDS] [-4|-6] [file]\n"
"       xtctl confirm [-4|-6]\n"
"       xtctl explain [-4|-6] [-p P] [-s A] [-d A] [--sport P] [--dport P]\n"
"             [-i IF] [-o IF] [--hook H] [--ctstate S] [--mark M]\n"
"       xtctl ct list|count|stats|flush|delete|get|set ...\n"
"       xtctl monitor trace|ct [-4|-6] [--count N] [--timeout SECONDS]\n"
"       xtctl trace add|del [-4|-6] [rule-matches]\n"
"\n"
"Rule options, matches (-m) and targets (-j) are those of iptables; see\n"
"tools/xtctl/README.md for the supported set.\n", XTCTL_VERSION);
}

static bool is_subcommand(const char *s)
{
	static const char *const subs[] = {
		"save", "restore", "ct", "monitor", "trace", "confirm",
		"explain",
	};

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(s, subs[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	/* "xtctl -6 restore FILE" is "xtctl restore -6 FILE" */
	if (argc > 2 && (!strcmp(argv[1], "-4") || !strcmp(argv[1], "-6")) &&
	    is_subcommand(argv[2])) {
		char *fam = argv[1];

		argv[1] = argv[2];
		argv[2] = fam;
		/* trace add|del, monitor trace|ct, ct list...: after the verb */
		if (argc > 3 && (!strcmp(argv[1], "trace") ||
				 !strcmp(argv[1], "monitor") ||
				 !strcmp(argv[1], "ct"))) {
			argv[2] = argv[3];
			argv[3] = fam;
		}
	}
	if (argc > 1 && strcmp(argv[1], "save") == 0)
		return cli_save(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "restore") == 0)
		return cli_restore(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "ct") == 0)
		return cli_ct(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "monitor") == 0)
		return cli_monitor(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "trace") == 0)
		return cli_trace(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "confirm") == 0)
		return cli_confirm(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "explain") == 0)
		return cli_explain(argc - 1, argv + 1);
	if (argc < 2) {
		fputs("xtctl: no command specified\nTry `xtctl -h' for more information.\n",
		      stderr);
		return XT_EXIT_PARAM;
	}
	return cli_command(argc, argv);
}
