// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl client for the xtfw family. Requests ask for an ACK only where
 * the caller needs one (the last message of a batch); failures of the
 * other messages still come back as NLMSG_ERROR, carrying the extack text
 * (NETLINK_EXT_ACK), and are matched to their message by sequence number.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"

#define NL_RECV_SIZE	(1 << 16)
#define NL_SOCK_BUF	(4 << 20)	/* SO_SNDBUF / SO_RCVBUF */
#define NL_BATCH_LIMIT	(256 << 10)
#define NL_BATCH_SLACK	(128 << 10)	/* room for the message over the limit */

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif
#ifndef NLM_F_CAPPED
#define NLM_F_CAPPED	0x100
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS	0x200
#endif
#ifndef NLMSGERR_ATTR_MSG
#define NLMSGERR_ATTR_MSG 1
#endif

const char *nl_strerror(int err)
{
	if (err == EPERM || err == EACCES)
		return "Permission denied (you must be root)";
	return strerror(err);
}

static void set_buffers(struct nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock), size = NL_SOCK_BUF, one = 1;

	/* the FORCE variants need CAP_NET_ADMIN; fall back quietly */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		nl->family_id = mnl_attr_get_u16(a);
	if (mnl_attr_get_type(a) == CTRL_ATTR_VERSION &&
	    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
		nl->family_version = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, data);
	return MNL_CB_OK;
}

int nl_get_family(struct nl *nl, mnl_cb_t cb, void *data, struct nl_error *e)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, XTFW_GENL_NAME);
	return nl_exchange(nl, nlh, cb, data, e);
}

static void resolve_family(struct nl *nl)
{
	struct nl_error e;

	if (nl_get_family(nl, family_cb, nl, &e) < 0) {
		if (e.err == ENOENT)
			fail(XT_EXIT_RESOURCE,
			     "the xtfw module is not loaded (modprobe xtfw)");
		fail(XT_EXIT_RESOURCE, "cannot look up the xtfw family: %s",
		     nl_strerror(e.err));
	}
	if (!nl->family_id)
		fail(XT_EXIT_RESOURCE,
		     "the xtfw module is not loaded (modprobe xtfw)");
}

static void resolve_cb(void *nl)
{
	resolve_family(nl);
}

static void close_cb(void *nl)
{
	nl_close(nl);
}

void nl_open(struct nl *nl)
{
	nl_open_socket(nl);
	fail_guard(resolve_cb, close_cb, nl);
}

void nl_open_socket(struct nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		fail(XT_EXIT_RESOURCE, "cannot open a netlink socket: %s",
		     nl_strerror(errno));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		fail(XT_EXIT_RESOURCE, "cannot bind the netlink socket: %s",
		     nl_strerror(errno));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->rbuf = xmalloc(NL_RECV_SIZE);
	set_buffers(nl);
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->rbuf);
	memset(nl, 0, sizeof(*nl));
}

struct nlmsghdr *nl_put_msg(struct nl *nl, void *buf, uint8_t cmd,
			    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = nl->family_id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = XTFW_GENL_VERSION;
	return nlh;
}

static int extack_cb(const struct nlattr *a, void *data)
{
	struct nl_error *e = data;

	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		snprintf(e->msg, sizeof(e->msg), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* Fill e from an NLMSG_ERROR; returns its errno (0 for an ACK). */
static int parse_error(const struct nlmsghdr *nlh, struct nl_error *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*err);

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return e->err = EBADMSG;
	e->err = -err->error;
	e->seq = nlh->nlmsg_seq;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    off <= mnl_nlmsg_get_payload_len(nlh))
		mnl_attr_parse(nlh, off, extack_cb, e);
	return e->err;
}

struct run {
	mnl_cb_t cb;
	void *data;
	struct nl_error *e;
	bool done;
};

static int run_data(const struct nlmsghdr *nlh, void *data)
{
	struct run *r = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
		r->e->err = EINTR;
		r->e->seq = nlh->nlmsg_seq;
	}
	return r->cb ? r->cb(nlh, r->data) : MNL_CB_OK;
}

static int run_error(const struct nlmsghdr *nlh, void *data)
{
	struct run *r = data;
	struct nl_error e;

	r->done = true;
	if (parse_error(nlh, &e) && !r->e->err)
		*r->e = e;
	return MNL_CB_STOP;
}

static int run_done(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct run *)data)->done = true;
	return MNL_CB_STOP;
}

static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = run_error,
	[NLMSG_DONE] = run_done,
};

int nl_exchange(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		void *data, struct nl_error *e)
{
	struct run r = { .cb = cb, .data = data, .e = e };
	ssize_t n;

	memset(e, 0, sizeof(*e));
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0) {
		e->err = errno;
		return -1;
	}
	while (!r.done) {
		n = mnl_socket_recvfrom(nl->sock, nl->rbuf, NL_RECV_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e->err = errno;
			return -1;
		}
		if (mnl_cb_run2(nl->rbuf, n, req->nlmsg_seq, nl->portid,
				run_data, &r, ctl_cbs, NLMSG_MIN_TYPE) < 0 &&
		    !e->err) {
			e->err = errno;
			r.done = true;
		}
	}
	return e->err ? -1 : 0;
}

/* ---- batches ---- */

void nl_batch_init(struct nl_batch *nb, struct nl *nl)
{
	memset(nb, 0, sizeof(*nb));
	nb->nl = nl;
	nb->bufsize = NL_BATCH_LIMIT + NL_BATCH_SLACK;
	nb->buf = xmalloc(nb->bufsize);
	nb->b = mnl_nlmsg_batch_start(nb->buf, NL_BATCH_LIMIT);
	nb->first_seq = nl->seq + 1;
}

void nl_batch_free(struct nl_batch *nb)
{
	if (nb->b)
		mnl_nlmsg_batch_stop(nb->b);
	free(nb->buf);
	free(nb->origin);
	memset(nb, 0, sizeof(*nb));
}

void *nl_batch_slot(struct nl_batch *nb, size_t *room)
{
	*room = nb->bufsize - mnl_nlmsg_batch_size(nb->b);
	return mnl_nlmsg_batch_current(nb->b);
}

static void note_error(struct nl_batch *nb, const struct nl_error *e)
{
	if (!e->err)
		return;
	if (!nb->first.err || e->seq < nb->first.seq)
		nb->first = *e;
}

static int batch_error(const struct nlmsghdr *nlh, void *data)
{
	struct nl_batch *nb = data;
	struct nl_error e;

	parse_error(nlh, &e);
	note_error(nb, &e);
	if (nlh->nlmsg_seq == nb->ack_seq)
		nb->acked = true;
	return MNL_CB_OK;
}

static mnl_cb_t batch_ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_ERROR] = batch_error,
};

/* Read what the kernel has sent; without wait, only what is queued. */
static void batch_drain(struct nl_batch *nb, bool wait)
{
	int fd = mnl_socket_get_fd(nb->nl->sock);
	struct nl_error e = { 0 };
	ssize_t n;

	while (!nb->acked) {
		n = recv(fd, nb->nl->rbuf, NL_RECV_SIZE, wait ? 0 : MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			e.err = errno;
			e.seq = nb->first_seq;
			note_error(nb, &e);
			nb->acked = true;
			return;
		}
		mnl_cb_run2(nb->nl->rbuf, n, 0, nb->nl->portid, NULL, nb,
			    batch_ctl, NLMSG_MIN_TYPE);
	}
}

static void batch_send(struct nl_batch *nb, size_t len)
{
	struct nl_error e = { 0 };

	if (!len)
		return;
	if (mnl_socket_sendto(nb->nl->sock, mnl_nlmsg_batch_head(nb->b),
			      len) < 0) {
		e.err = errno;
		e.seq = nb->first_seq + nb->nmsg - 1;
		note_error(nb, &e);
	}
	batch_drain(nb, false);
}

void nl_batch_add(struct nl_batch *nb, unsigned int line,
		  unsigned int rules)
{
	if (nb->nmsg == nb->cap) {
		nb->cap = nb->cap ? 2 * nb->cap : 1024;
		nb->origin = xrealloc(nb->origin,
				      nb->cap * sizeof(*nb->origin));
	}
	nb->origin[nb->nmsg].line = line;
	nb->origin[nb->nmsg++].rules = rules;
	if (mnl_nlmsg_batch_next(nb->b))
		return;
	/* over the limit: send all but the message just added */
	batch_send(nb, mnl_nlmsg_batch_size(nb->b));
	mnl_nlmsg_batch_reset(nb->b);
}

int nl_batch_finish(struct nl_batch *nb, struct nl_origin *origin)
{
	nb->ack_seq = nb->nl->seq;
	batch_send(nb, mnl_nlmsg_batch_size(nb->b));
	batch_drain(nb, true);
	if (!nb->first.err)
		return 0;
	memset(origin, 0, sizeof(*origin));
	if (nb->first.seq >= nb->first_seq &&
	    nb->first.seq - nb->first_seq < nb->nmsg)
		*origin = nb->origin[nb->first.seq - nb->first_seq];
	return -1;
}
