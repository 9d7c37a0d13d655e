// SPDX-License-Identifier: GPL-2.0
/* Numbers, ports, marks, addresses and names as iptables accepts them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "parse_util.h"

bool str_to_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

uint32_t parse_u32(const char *s, uint32_t min, uint32_t max,
		   const char *what)
{
	uint32_t v;

	if (!str_to_u32(s, min, max, &v))
		perr("invalid %s \"%s\" (expected %u to %u)", what, s, min,
		     max);
	return v;
}

uint16_t parse_port(const char *s, const char *proto)
{
	struct servent *se;
	uint32_t v;

	if (str_to_u32(s, 0, PORT_MAX, &v))
		return v;
	se = proto && *s && !isdigit((unsigned char)*s) ?
	     getservbyname(s, proto) : NULL;
	if (!se)
		perr("invalid port/service \"%s\"", s);
	return ntohs(se->s_port);
}

void parse_port_range(const char *s, const char *proto,
		      struct xtfw_port_range *r)
{
	const char *colon = strchr(s, ':');
	char lo[64];
	size_t n;

	if (!colon) {
		r->min = r->max = parse_port(s, proto);
		return;
	}
	n = colon - s;
	if (n >= sizeof(lo))
		invarg("port range", s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	r->min = n ? parse_port(lo, proto) : 0;
	r->max = colon[1] ? parse_port(colon + 1, proto) : PORT_MAX;
	if (r->min > r->max)
		perr("invalid port range \"%s\" (min > max)", s);
}

void parse_mark_mask(const char *s, uint32_t *mark, uint32_t *mask)
{
	const char *slash = strchr(s, '/');
	char v[32];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(v))
		invarg("mark", s);
	memcpy(v, s, n);
	v[n] = '\0';
	if (!str_to_u32(v, 0, UINT32_MAX, mark))
		invarg("mark", s);
	*mask = UINT32_MAX;
	if (slash && !str_to_u32(slash + 1, 0, UINT32_MAX, mask))
		invarg("mask", s);
}

void parse_addr(const char *s, uint8_t family, union xtfw_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET, s,
		      a->bytes) != 1)
		perr("invalid %s address \"%s\"",
		     family == XTFW_FAMILY_IPV6 ? "IPv6" : "IPv4", s);
}

void prefix_to_mask(unsigned int len, uint8_t family, union xtfw_addr *mask)
{
	unsigned int bytes = fam_addrlen(family);

	memset(mask, 0, sizeof(*mask));
	for (unsigned int i = 0; i < bytes && len; i++) {
		unsigned int bits = len > 8 ? 8 : len;

		mask->bytes[i] = 0xff << (8 - bits);
		len -= bits;
	}
}

void parse_mask(const char *s, uint8_t family, union xtfw_addr *mask)
{
	unsigned int maxlen = fam_addrlen(family) * 8;
	uint32_t len;

	if (str_to_u32(s, 0, maxlen, &len) && isdigit((unsigned char)*s)) {
		prefix_to_mask(len, family, mask);
		return;
	}
	if (strchr(s, family == XTFW_FAMILY_IPV6 ? ':' : '.')) {
		parse_addr(s, family, mask);
		return;
	}
	invarg("mask", s);
}

int mask_to_prefix(const union xtfw_addr *mask, uint8_t family)
{
	union xtfw_addr m;
	int bytes = fam_addrlen(family);

	for (int len = 0; len <= bytes * 8; len++) {
		prefix_to_mask(len, family, &m);
		if (memcmp(m.bytes, mask->bytes, bytes) == 0)
			return len;
	}
	return -1;
}

void addr_apply_mask(union xtfw_addr *a, const union xtfw_addr *mask)
{
	for (unsigned int i = 0; i < sizeof(a->bytes); i++)
		a->bytes[i] &= mask->bytes[i];
}

const char *addr_str(const union xtfw_addr *a, uint8_t family, char *buf)
{
	inet_ntop(family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET, a->bytes,
		  buf, ADDR_STRLEN);
	return buf;
}

void parse_iface(const char *s, char *out)
{
	size_t n = strlen(s);

	if (n == 0 || n >= XTFW_IFNAMSIZ)
		perr("interface name \"%s\" must be 1 to %d characters", s,
		     XTFW_IFNAMSIZ - 1);
	for (size_t i = 0; i < n; i++)
		if (isspace((unsigned char)s[i]) || s[i] == '/')
			invarg("interface name", s);
	memcpy(out, s, n + 1);
}

void check_chain_name(const char *name)
{
	if (strlen(name) >= XTFW_CHAIN_MAXNAMELEN)
		perr("chain name \"%s\" too long (must be under %d chars)",
		     name, XTFW_CHAIN_MAXNAMELEN);
	if (!*name || *name == '-' || *name == '!')
		perr("invalid chain name \"%s\"", name);
	for (const char *p = name; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			invarg("chain name", name);
}
