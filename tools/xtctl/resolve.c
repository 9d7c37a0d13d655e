// SPDX-License-Identifier: GPL-2.0
/* System name lookups, as iptables does them for -L. */
#include <arpa/inet.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <string.h>

#include "resolve.h"

static const char *sys_service(uint16_t port, const char *proto)
{
	struct servent *se = getservbyport(htons(port), proto);

	return se ? se->s_name : NULL;
}

static const char *sys_host(const union xtfw_addr *a, uint8_t family)
{
	static char name[NI_MAXHOST];
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&s4;
	socklen_t len = sizeof(s4);

	if (family == XTFW_FAMILY_IPV6) {
		memcpy(&s6.sin6_addr, a->bytes, 16);
		sa = (struct sockaddr *)&s6;
		len = sizeof(s6);
	} else {
		memcpy(&s4.sin_addr, a->bytes, 4);
	}
	if (getnameinfo(sa, len, name, sizeof(name), NULL, 0, NI_NAMEREQD))
		return NULL;
	return name;
}

static const char *sys_network(const union xtfw_addr *a, uint8_t family)
{
	struct netent *ne;
	uint32_t net;

	if (family != XTFW_FAMILY_IPV4)
		return NULL;
	memcpy(&net, a->bytes, 4);
	ne = getnetbyaddr(ntohl(net), AF_INET);
	return ne ? ne->n_name : NULL;
}

static const char *sys_user(uint32_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw ? pw->pw_name : NULL;
}

static const char *sys_group(uint32_t gid)
{
	struct group *gr = getgrgid(gid);

	return gr ? gr->gr_name : NULL;
}

const struct resolver system_resolver = {
	.service = sys_service,
	.host = sys_host,
	.network = sys_network,
	.user = sys_user,
	.group = sys_group,
};

const struct resolver *resolver = &system_resolver;
