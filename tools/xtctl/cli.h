/* SPDX-License-Identifier: GPL-2.0 */
/* The three entry points of the command line. */
#ifndef XTCTL_CLI_H
#define XTCTL_CLI_H

/* iptables-style commands: xtctl [-4|-6] [-t TABLE] COMMAND ... */
int cli_command(int argc, char **argv);
/* monitor.c: xtctl monitor trace|ct, xtctl trace add|del */
int cli_monitor(int argc, char **argv);
int cli_trace(int argc, char **argv);
/* explain.c: xtctl explain PACKET */
int cli_explain(int argc, char **argv);
/* xtctl save [-c] [-t TABLE] [-4|-6] [--json] */
int cli_save(int argc, char **argv);
/* xtctl restore [-c] [--test] [--noflush] [-4|-6] [FILE] */
int cli_restore(int argc, char **argv);
void cli_usage(void);

#endif
