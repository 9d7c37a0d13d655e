/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Generic Netlink client: the xtfw family, request/reply exchanges,
 * dumps, and batched transactions whose errors are read back and mapped
 * to the message (and so the restore line) that caused them.
 */
#ifndef XTCTL_NL_H
#define XTCTL_NL_H

#include <libmnl/libmnl.h>

#include "xtctl.h"

#define NL_ERRMSG_MAX	256

struct nl {
	struct mnl_socket *sock;
	uint16_t family_id;
	uint32_t family_version;	/* the module's XTFW_GENL_VERSION */
	uint32_t portid;
	uint32_t seq;
	char *rbuf;			/* receive buffer */
};

/* Where a failed message came from. */
struct nl_origin {
	unsigned int line;		/* restore line, 0 if none */
	unsigned int rules;		/* > 1: line is the first rule's */
};

struct nl_error {
	int err;			/* positive errno, 0 if none */
	uint32_t seq;
	char msg[NL_ERRMSG_MAX];	/* extack text, may be empty */
};

/* CTRL_CMD_GETFAMILY of the xtfw family; cb sees the reply. */
int nl_get_family(struct nl *nl, mnl_cb_t cb, void *data, struct nl_error *e);

/* Open the socket and find the family; fails with a readable message. */
void nl_open(struct nl *nl);
/* Just the socket (buffers, extended ACKs), no family: for tests. */
void nl_open_socket(struct nl *nl);
void nl_close(struct nl *nl);

/* Start a message in buf: netlink and genetlink headers, next seq. */
struct nlmsghdr *nl_put_msg(struct nl *nl, void *buf, uint8_t cmd,
			    uint16_t flags);

/*
 * Send one request and read until its ACK (or DONE for dumps), calling
 * cb on every data message. Returns 0, or -1 with *e filled; a dump
 * interrupted by a commit returns -1 with e->err == EINTR.
 */
int nl_exchange(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		void *data, struct nl_error *e);

/* A batch of messages sent many per sendmsg. */
struct nl_batch {
	struct nl *nl;
	struct mnl_nlmsg_batch *b;
	char *buf;
	size_t bufsize;
	uint32_t first_seq;
	struct nl_origin *origin;	/* by seq - first_seq */
	size_t nmsg, cap;
	struct nl_error first;		/* lowest-seq error seen */
	uint32_t ack_seq;		/* the message whose ACK ends it */
	bool acked;
};

void nl_batch_init(struct nl_batch *nb, struct nl *nl);
void nl_batch_free(struct nl_batch *nb);
/* Room for the next message; the caller fills it with nl_put_msg. */
void *nl_batch_slot(struct nl_batch *nb, size_t *room);
/*
 * The message just built in the slot is complete; line and rules are its
 * origin (see struct nl_origin).
 */
void nl_batch_add(struct nl_batch *nb, unsigned int line,
		  unsigned int rules);
/*
 * Send what is left and wait for the ACK of the last message, which must
 * have asked for one. Returns 0, or -1 with nb->first set; the origin of
 * the failed message is in *origin.
 */
int nl_batch_finish(struct nl_batch *nb, struct nl_origin *origin);

/* The errno as users should read it. */
const char *nl_strerror(int err);

#endif
