#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send packets built from scapy expressions through the kernel's IP stack.

Usage: pkt.py EXPR...

Each EXPR is a Python expression over scapy's layers that gives a packet
starting with IP() or IPv6(), or a list of them, e.g.

    pkt.py 'IP(src="10.0.1.1", dst="10.0.1.2")/UDP(sport=1, dport=2)' \\
           '[IPv6(src="fd00:1::1", dst="fd00:1::2")/ICMPv6EchoRequest()] * 3'

Give src explicitly: scapy computes transport checksums from it. IPv4
broadcast is allowed; IPv6 multicast leaves through $PKT_IFACE (default
veth0). Packets are
written to raw IPPROTO_RAW sockets, so they leave through the namespace's
routes, neighbours and OUTPUT/POSTROUTING hooks, and scapy sends no ARP or
neighbour solicitation of its own. The kernel fills the IPv4 header
checksum, total length and (when 0) id. Prints the number of packets sent.
"""

import os
import socket
import sys

# pylint: disable=unused-import,wildcard-import,unused-wildcard-import
from scapy.layers.inet import *  # noqa: F401,F403
from scapy.layers.inet6 import *  # noqa: F401,F403
from scapy.layers.sctp import SCTP  # noqa: F401
from scapy.packet import Raw  # noqa: F401

SOCKS = {}


def sock(family):
    if family not in SOCKS:
        s = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
        if family == socket.AF_INET:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        SOCKS[family] = s
    return SOCKS[family]


def send_one(pkt):
    if IPv6 in pkt:
        dst = pkt[IPv6].dst
        scope = 0
        if dst.lower().startswith("ff"):
            scope = socket.if_nametoindex(os.environ.get("PKT_IFACE",
                                                         "veth0"))
        sock(socket.AF_INET6).sendto(bytes(pkt), (dst, 0, 0, scope))
    else:
        sock(socket.AF_INET).sendto(bytes(pkt), (pkt[IP].dst, 0))


def main(exprs):
    sent = 0
    for expr in exprs:
        pkts = eval(expr)  # pylint: disable=eval-used
        if not isinstance(pkts, list):
            pkts = [pkts]
        for pkt in pkts:
            send_one(pkt)
            sent += 1
    print(sent)


if __name__ == "__main__":
    main(sys.argv[1:])
