// SPDX-License-Identifier: GPL-2.0
/*
 * Safe reloads: xtctl restore --confirm SECONDS applies a file like any
 * restore, then leaves a small process behind that puts the previous
 * tables of that family back after SECONDS, unless "xtctl confirm" (from
 * a session that still works) stops it first. A remote administrator who
 * locks himself out gets his old ruleset back.
 *
 * The process is found through /run/xtfw/confirm-NETNS-FAMILY.pid, NETNS
 * being the inode of the network namespace, so namespaces do not mix. One
 * change at a time may wait for confirmation per namespace and family.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "confirm.h"
#include "kernel.h"
#include "nl.h"

#define CONFIRM_DIR	"/run/xtfw"

static void pid_path(char *buf, size_t len, uint8_t family)
{
	struct stat st;
	unsigned long ino = 0;

	if (!stat("/proc/self/ns/net", &st))
		ino = st.st_ino;
	snprintf(buf, len, CONFIRM_DIR "/confirm-%lu-%s.pid", ino,
		 family == XTFW_FAMILY_IPV6 ? "ipv6" : "ipv4");
}

/* The pid of a pending rollback, 0 if none (a stale file is removed). */
static pid_t pending_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || kill(pid, 0)) {
		unlink(path);
		return 0;
	}
	return pid;
}

void confirm_check_free(uint8_t family)
{
	char path[128];

	pid_path(path, sizeof(path), family);
	if (pending_pid(path))
		fail(XT_EXIT_OTHER,
		     "a change already waits for confirmation: run xtctl confirm%s, or wait for its rollback",
		     family == XTFW_FAMILY_IPV6 ? " -6" : "");
}

static volatile sig_atomic_t confirmed;

static void on_term(int sig)
{
	(void)sig;
	confirmed = 1;
}

/* In the child: wait, then put @old back unless confirmed. */
static noreturn void wait_and_roll_back(struct ruleset *old, uint8_t family,
					unsigned int seconds, const char *path)
{
	struct timespec left = { .tv_sec = seconds };
	struct commit_opts o = { 0 };
	struct ruleset now = { 0 };
	struct fail_ctx fc;
	struct nl nl;
	int code = 0;

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, SIG_IGN);
	while (!confirmed && nanosleep(&left, &left) && errno == EINTR)
		;
	if (confirmed) {
		unlink(path);
		_exit(0);
	}
	fail_push(&fc);
	if (setjmp(fc.jb)) {
		syslog(LOG_ERR, "xtctl: rollback after an unconfirmed restore failed: %s",
		       fc.msg);
		unlink(path);
		_exit(1);
	}
	nl_open(&nl);
	/* tables the change created go; the others get their old contents */
	kernel_read(&nl, &now, family, -1);
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
		if (old->t[family][i])
			old->t[family][i]->dirty = true;
		else if (now.t[family][i])
			o.del |= 1U << i;
	}
	code = kernel_commit(&nl, old, family, &o);
	nl_close(&nl);
	fail_pop(&fc);
	syslog(code ? LOG_ERR : LOG_WARNING,
	       "xtctl: restore not confirmed within %u s: %s ruleset %s",
	       seconds, family == XTFW_FAMILY_IPV6 ? "IPv6" : "IPv4",
	       code ? "could not be rolled back" : "rolled back");
	unlink(path);
	_exit(code ? 1 : 0);
}

void confirm_arm(struct ruleset *old, uint8_t family, unsigned int seconds)
{
	char path[128];
	pid_t pid;
	FILE *f;

	pid_path(path, sizeof(path), family);
	mkdir(CONFIRM_DIR, 0700);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		fail(XT_EXIT_RESOURCE, "cannot start the rollback timer: %s",
		     strerror(errno));
	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		setsid();
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		wait_and_roll_back(old, family, seconds, path);
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f)) {
		kill(pid, SIGKILL);
		fail(XT_EXIT_RESOURCE, "cannot write %s: %s", path,
		     strerror(errno));
	}
	fprintf(stderr,
		"xtctl: applied; run \"xtctl confirm%s\" within %u seconds, or the previous ruleset comes back\n",
		family == XTFW_FAMILY_IPV6 ? " -6" : "", seconds);
}

int cli_confirm(int argc, char **argv)
{
	uint8_t family = XTFW_FAMILY_IPV4;
	char path[128];
	pid_t pid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-4")) {
			family = XTFW_FAMILY_IPV4;
		} else if (!strcmp(argv[i], "-6")) {
			family = XTFW_FAMILY_IPV6;
		} else {
			fputs("Usage: xtctl confirm [-4|-6]\n", stderr);
			return XT_EXIT_PARAM;
		}
	}
	pid_path(path, sizeof(path), family);
	pid = pending_pid(path);
	if (!pid) {
		fputs("xtctl: nothing waits for confirmation\n", stderr);
		return XT_EXIT_OTHER;
	}
	if (kill(pid, SIGTERM)) {
		fprintf(stderr, "xtctl: cannot confirm: %s\n", strerror(errno));
		return XT_EXIT_OTHER;
	}
	/* it removes the file when it has stopped */
	for (int i = 0; i < 50 && !kill(pid, 0); i++)
		usleep(20000);
	return XT_EXIT_OK;
}
