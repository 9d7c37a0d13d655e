/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Match and target extensions: the "-m NAME" modules and "-j NAME" targets
 * of iptables, each with its options, its -L text and its save text.
 */
#ifndef XTCTL_EXT_H
#define XTCTL_EXT_H

#include "rule.h"

/* An option of an extension: "--name" followed by nargs arguments. */
struct ext_opt {
	const char *name;	/* without the leading "--" */
	uint8_t id;
	uint8_t nargs;
	bool invertible;
};

/*
 * Save output goes through an emitter so that the same code yields the
 * iptables-save text and the JSON option list.
 */
struct emit {
	void (*opt)(struct emit *e, bool inv, const char *name,
		    const char *value, bool quote);
	void *priv;
};

void emit_opt(struct emit *e, bool inv, const char *name, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));
void emit_flag(struct emit *e, bool inv, const char *name);
void emit_str(struct emit *e, bool inv, const char *name, const char *s);

/* Printing context for -L. */
struct pr {
	struct sbuf *b;
	bool numeric;
};

struct mt_ext {
	const char *name;
	uint32_t type;
	uint8_t families;	/* FAM_BIT() */
	const struct ext_opt *opts;
	void (*init)(struct mt *m, const struct rule *r);
	void (*parse)(struct mt *m, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r);
	void (*final)(struct mt *m, const struct rule *r);
	void (*print)(struct pr *p, const struct mt *m, const struct rule *r);
	void (*save)(struct emit *e, const struct mt *m, const struct rule *r);
};

struct tg_ext {
	const char *name;
	uint32_t type;
	uint8_t families;
	const struct ext_opt *opts;
	void (*init)(struct tg *t, const struct rule *r);
	void (*parse)(struct tg *t, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r);
	void (*final)(struct tg *t, const struct rule *r);
	void (*print)(struct pr *p, const struct tg *t, const struct rule *r);
	void (*save)(struct emit *e, const struct tg *t, const struct rule *r);
	/* the name -L and save show, if not name (NOTRACK shows as CT) */
	const char *show_name;
};

#define FAM_BIT(f)	(1U << (f))
#define FAM_V4		FAM_BIT(XTFW_FAMILY_IPV4)
#define FAM_V6		FAM_BIT(XTFW_FAMILY_IPV6)
#define FAM_ALL		(FAM_V4 | FAM_V6)

/* Mark an option as given; fails on repetition. */
void ext_once(uint32_t *seen, const struct ext_opt *o);

const struct mt_ext *mt_ext_by_name(const char *name, uint8_t family);
const struct mt_ext *mt_ext_by_type(uint32_t type);
const struct tg_ext *tg_ext_by_name(const char *name, uint8_t family);
const struct tg_ext *tg_ext_by_type(uint32_t type);
const struct ext_opt *ext_find_opt(const struct ext_opt *opts,
				   const char *name);

/* The extensions, by file. */
extern const struct mt_ext mt_tcp, mt_udp, mt_udplite, mt_sctp, mt_icmp,
	mt_icmpv6, mt_multiport;
extern const struct mt_ext mt_conntrack, mt_state, mt_mark, mt_connmark;
extern const struct mt_ext mt_limit, mt_comment, mt_owner;
extern const struct mt_ext mt_length, mt_ttl, mt_hl, mt_pkttype,
	mt_statistic;
extern const struct mt_ext mt_iprange, mt_addrtype;
extern const struct mt_ext mt_recent;
extern const struct mt_ext mt_rt, mt_frag;
extern const struct tg_ext tg_accept, tg_drop, tg_return, tg_reject, tg_log;
extern const struct tg_ext tg_trace;
extern const struct tg_ext tg_mark, tg_connmark, tg_notrack, tg_ct, tg_ttl,
	tg_hl;
extern const struct tg_ext tg_snat, tg_dnat, tg_masquerade, tg_redirect,
	tg_netmap;

/* Helpers shared by extensions. */
const char *rule_proto_name(const struct rule *r);
/* -p tcp, udp, udplite or sctp, not negated: a protocol with ports. */
bool rule_has_port_proto(const struct rule *r);
void print_port(struct pr *p, uint16_t port, const char *proto);
void sb_mask_hex(struct sbuf *b, uint32_t mark, uint32_t mask);

#endif
