/* SPDX-License-Identifier: GPL-2.0 */
/* Private to target*.c: the targets that live outside target.c. */
#ifndef _XTFW_TARGET_H
#define _XTFW_TARGET_H

#include "xtfw.h"

/* Everything a per-type parser may need; tb[] is the parsed nest. */
struct xtfw_targs {
	struct nlattr **tb;
	const struct nlattr *nest;
	const struct xtfw_ipmatch *ip;
	const struct xtfw_parse_ctx *ctx;
	const char *name;	/* "REJECT", ... for messages */
};

/* target.c */
bool xtfw_tg_has_proto(const struct xtfw_ipmatch *ip, const u8 *protos,
		       unsigned int n);

/* target_reject.c */
int xtfw_reject_parse(struct xtfw_target *t, const struct xtfw_targs *a);
int xtfw_reject_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt);

/* target_log.c */
int xtfw_log_parse(struct xtfw_target *t, const struct xtfw_targs *a);
int xtfw_log_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt);
void xtfw_log_destroy(struct xtfw_target *t);

#endif /* _XTFW_TARGET_H */
