#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile IPv4 and IPv6 packets, written to a link as whole frames.

Usage: hostile_pkt.py --serve IFACE SRC_MAC DST_MAC
       hostile_pkt.py --list

Reads lines "FAMILY SET" (FAMILY 4 or 6) from stdin, sends the frames of
that set out of IFACE (AF_PACKET: no header is fixed up by the sender's
stack, so lengths, IHL and offsets stay as crafted), then one well-formed
UDP marker datagram to port 6100 from a new source port, and answers each
line with "FRAMES MARKER_PORT" (FRAMES: the set's frames, without the
marker). The sets, from 10.0.1.1 / fd00:1::1 to
10.0.2.2 / fd00:2::2 through the router at DST_MAC:

  invalid sets: each packet must be classified INVALID and create no entry
    tcp_doff     TCP with data offset 0..4
    tcp_beyond   TCP whose data offset reaches past the packet
    l4_trunc     TCP and UDP headers cut short
    icmp_err     ICMP errors quoting garbage, truncated or looping inner
                 headers, an ICMP error quoting an ICMP error
  entry sets: each datagram is well-formed and makes exactly one entry
    udp_zero udp_large frag_tiny
    ext_chain    UDP behind chains of 8 to 40 IPv6 extension headers:
                 destination options, hop-by-hop, routing (IPv6 only)
  nothing sets: dropped before conntrack (or reassembly never completes)
    ip_bad       bad IHL, total length above and below the frame, a frame
                 shorter than the header, a bad header checksum
    frag_overlap overlapping fragments, a first fragment alone
  robustness sets: any outcome but a crash
    tcp_opts     bogus TCP options in SYNs
    ip_opts      IPv4 options of bad lengths (IPv4 only)
    ext_bad      IPv6: no upper layer, a chain cut short (IPv6 only)
    frag_big     a 30000-byte UDP datagram in 1480-byte fragments
"""

import os
import random
import socket
import struct
import sys

# pylint: disable=wildcard-import,unused-wildcard-import
from scapy.layers.inet import *  # noqa: F401,F403
from scapy.layers.inet6 import *  # noqa: F401,F403
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.volatile import RandString  # noqa: F401

ADDR = {4: ('10.0.1.1', '10.0.2.2'), 6: ('fd00:1::1', 'fd00:2::2')}
R = random.Random(int(os.environ.get('HOSTILE_SEED', '7')))


def ip(fam, **kw):
    src, dst = ADDR[fam]
    if fam == 4:
        return IP(src=src, dst=dst, **kw)
    return IPv6(src=src, dst=dst, **kw)


def raw_l4(fam, proto, payload):
    """An IP header claiming PROTO over PAYLOAD, lengths right."""
    if fam == 4:
        return ip(4, proto=proto) / Raw(payload)
    return ip(6, nh=proto) / Raw(payload)


def garbage(n):
    return bytes(R.getrandbits(8) for _ in range(n))


def tcp_doff(fam):
    return [ip(fam) / TCP(sport=4000 + d, dport=5001, flags='S', dataofs=d)
            for d in range(5)]


def tcp_beyond(fam):
    return [ip(fam) / TCP(sport=4100, dport=5002, flags='S', dataofs=15),
            ip(fam) / TCP(sport=4101, dport=5002, flags='S', dataofs=6),
            ip(fam) / TCP(sport=4102, dport=5002, flags='S', dataofs=15) /
            Raw(b'x' * 20)]


def l4_trunc(fam):
    out = []
    syn = bytes(TCP(sport=4200, dport=5003, flags='S'))
    for n in (0, 1, 8, 12, 19):
        out.append(raw_l4(fam, 6, syn[:n]))
    udp = bytes(UDP(sport=4201, dport=5003))
    for n in (0, 3, 7):
        out.append(raw_l4(fam, 17, udp[:n]))
    return out


def icmp_err(fam):
    """ICMP errors about no connection: garbage, truncated or nested."""
    src, dst = ADDR[fam]
    if fam == 4:
        def err(t, c, inner):
            return ip(4) / ICMP(type=t, code=c) / inner
        inner_ip = IP(src=dst, dst=src)
        inner_udp = inner_ip / UDP(sport=5004, dport=4300)
        bad_ihl = bytearray(bytes(inner_udp))
        bad_ihl[0] = 0x4f          # IHL 15, but 20 bytes of header
        short_ihl = bytearray(bytes(inner_udp))
        short_ihl[0] = 0x43        # IHL 3
        nested = inner_ip / ICMP(type=3, code=1) / inner_udp
        deeper = inner_ip / ICMP(type=11) / nested
        loop = inner_ip / ICMP(type=3, code=3) / IP(src=src, dst=dst) / \
            ICMP(type=3, code=3) / IP(src=dst, dst=src) / ICMP(type=12)
        inners = [b'', garbage(4), garbage(8), garbage(27), bytes(bad_ihl),
                  bytes(short_ihl), bytes(inner_ip / Raw(b'\x01\x02')),
                  inner_udp, inner_ip / TCP(sport=5004, dport=4300),
                  nested, deeper, loop]
        out = [err(R.choice([3, 11, 12, 4, 5]), R.randrange(16), Raw(bytes(i))
                   if isinstance(i, (bytes, bytearray)) else i)
               for i in inners]
        out.append(raw_l4(4, 1, b'\x03\x03\x00'))   # a 3-byte ICMP header
        return out

    def err6(kind, inner):
        return ip(6) / kind / inner
    inner_ip = IPv6(src=dst, dst=src)
    inner_udp = inner_ip / UDP(sport=5004, dport=4300)
    chain = inner_ip / IPv6ExtHdrDestOpt()
    for _ in range(30):
        chain = chain / IPv6ExtHdrDestOpt()
    cut_chain = bytes(chain / UDP(sport=5004, dport=4300))[:40 + 8 * 12 + 3]
    trunc_ext = bytearray(bytes(inner_ip / IPv6ExtHdrDestOpt() /
                                UDP(sport=5004, dport=4300)))
    trunc_ext[41] = 200                 # the header claims 1608 bytes
    nested = inner_ip / ICMPv6DestUnreach() / inner_udp
    deeper = inner_ip / ICMPv6TimeExceeded() / nested
    loop = inner_ip / ICMPv6DestUnreach() / IPv6(src=src, dst=dst) / \
        ICMPv6ParamProblem() / IPv6(src=dst, dst=src) / ICMPv6PacketTooBig()
    inners = [b'', garbage(4), garbage(8), garbage(39),
              bytes(inner_ip)[:30], bytes(inner_ip / Raw(b'\x01')),
              inner_udp, nested, deeper, loop, cut_chain, bytes(trunc_ext),
              chain / UDP(sport=5004, dport=4300)]
    kinds = [ICMPv6DestUnreach(code=4), ICMPv6PacketTooBig(mtu=1280),
             ICMPv6TimeExceeded(), ICMPv6ParamProblem(ptr=6)]
    out = [err6(R.choice(kinds), Raw(bytes(i)) if isinstance(i, (bytes,
                                                                 bytearray))
                else i) for i in inners]
    out.append(raw_l4(6, 58, b'\x01\x04'))    # a 2-byte ICMPv6 header
    return out


def udp_zero(fam):
    return [ip(fam) / UDP(sport=4400, dport=6001)]


def udp_large(fam):
    return [ip(fam) / UDP(sport=4401, dport=6002) / Raw(b'L' * 1400)]


def frags(fam, pkt, size):
    if fam == 4:
        return fragment(pkt, fragsize=size)
    pkt = pkt.copy()
    payload = pkt.payload
    pkt.remove_payload()
    return fragment6(pkt / IPv6ExtHdrFragment(id=R.getrandbits(32)) / payload,
                     size)


def frag_tiny(fam):
    pkt = ip(fam, **({'id': 4242} if fam == 4 else {})) / \
        UDP(sport=4402, dport=6003) / Raw(b'T' * 200)
    # 8 bytes of payload per fragment (IPv6: header 40 + frag 8 + 8)
    return frags(fam, pkt, 8 if fam == 4 else 56)


def frag_big(fam):
    pkt = ip(fam, **({'id': 4343} if fam == 4 else {})) / \
        UDP(sport=4403, dport=6004) / Raw(b'B' * 30000)
    return frags(fam, pkt, 1480 if fam == 4 else 1280)


def v4_frag(fid, off, mf, data):
    return IP(src=ADDR[4][0], dst=ADDR[4][1], id=fid, proto=17,
              flags='MF' if mf else 0, frag=off) / Raw(data)


def v6_frag(fid, off, mf, data):
    return IPv6(src=ADDR[6][0], dst=ADDR[6][1]) / \
        IPv6ExtHdrFragment(id=fid, offset=off, m=int(mf), nh=17) / Raw(data)


def frag_overlap(fam):
    mk = v4_frag if fam == 4 else v6_frag
    udp = bytes(UDP(sport=4404, dport=6005, len=8 + 48)) + b'O' * 48
    return [mk(5001, 0, True, udp[:24]), mk(5001, 2, True, b'X' * 24),
            mk(5001, 5, False, udp[40:]),                 # overlap at 16
            mk(5002, 0, True, udp[:16]), mk(5002, 1, True, udp[8:32]),
            mk(5002, 4, False, udp[32:]),                  # overlap at 8
            mk(5003, 0, True, udp[:16])]                   # never completed


def tcp_opts(fam):
    bad = [b'\x02\x00', b'\x02\x01', b'\x03\xff\x0e', b'\x08\x01' + b'\0' * 6,
           b'\x02\x03\x05', b'\x04\x28', b'\x05\x02', b'\x05\x07' + b'\0' * 6,
           b'\x01' * 40, b'\x00' + garbage(39), garbage(40), b'\x1e\x28' +
           garbage(38), b'\x03\x03\xff\x00', b'\x08\x0a' + garbage(8)]
    out = []
    for i, opt in enumerate(bad):
        opt += b'\0' * ((4 - len(opt) % 4) % 4)
        tcp = TCP(sport=4500 + i, dport=6006, flags='S',
                  dataofs=5 + len(opt) // 4)
        out.append(ip(fam) / tcp / Raw(opt))
    return out


def ip_bad(fam):
    if fam == 6:
        good = bytes(ip(6) / UDP(sport=4600, dport=6007) / Raw(b'x' * 8))
        longer = bytearray(good)
        struct.pack_into('!H', longer, 4, 200)       # payload length > frame
        wrong_ver = bytearray(good)
        wrong_ver[0] = 0x46
        return [good[:20], bytes(longer), bytes(wrong_ver), good[:39]]
    good = bytes(ip(4) / UDP(sport=4600, dport=6007) / Raw(b'x' * 8))
    out = []
    for ihl in (0, 3, 4, 15):
        b = bytearray(good)
        b[0] = 0x40 | ihl
        out.append(b)
    for tot in (0, 10, 19, 100, 65535):
        b = bytearray(good)
        struct.pack_into('!H', b, 2, tot)
        out.append(b)
    b = bytearray(good)
    struct.pack_into('!H', b, 10, 0xdead)            # header checksum
    out.append(b)
    out.append(bytearray(good[:12]))
    b = bytearray(good)
    b[0] = 0x65                                      # version 6 on IPv4
    out.append(b)
    return [bytes(fix_csum(x)) for x in out]


def fix_csum(b):
    """The header checksum right, unless the test is about it."""
    if len(b) >= 20 and bytes(b[10:12]) != b'\xde\xad':
        ihl = max(5, b[0] & 0xf) * 4
        if ihl <= len(b):
            b[10:12] = b'\0\0'
            struct.pack_into('!H', b, 10, checksum(bytes(b[:ihl])))
    return b


def ip_opts(fam):
    if fam == 6:
        return []
    opts = [b'\x44\x01\x00\x00', b'\x07\xff\x00\x00', b'\x07\x03\x00\x00',
            b'\x83\x03\x04\x00', b'\x44\x24\x05\x00' + b'\0' * 32,
            b'\x94\x04\x00\x00', b'\x82' + garbage(39), garbage(40),
            b'\x01' * 40, b'\x00' * 40]
    out = []
    for i, opt in enumerate(opts):
        b = bytearray(bytes(ip(4) / UDP(sport=4700 + i, dport=6008)))
        b[20:20] = opt
        b[0] = 0x40 | (5 + len(opt) // 4)
        struct.pack_into('!H', b, 2, len(b))
        out.append(bytes(fix_csum(b)))
    return out


def ext_chain(fam):
    """Well-formed UDP behind long extension header chains, one flow each."""
    if fam == 4:
        return []

    def udp(i):
        return UDP(sport=4800 + i, dport=6009) / Raw(b'e' * 8)
    pkts = []
    for n in (8, 20, 40):                 # destination options
        h = IPv6ExtHdrDestOpt()
        for _ in range(n - 1):
            h = h / IPv6ExtHdrDestOpt()
        pkts.append(ip(6) / h / udp(len(pkts)))
    hbh = IPv6ExtHdrHopByHop()            # hop-by-hop, then 20 more of them
    for _ in range(20):
        hbh = hbh / IPv6ExtHdrHopByHop()
    pkts.append(ip(6) / hbh / udp(len(pkts)))
    rh = IPv6ExtHdrRouting(addresses=['fd00:2::%x' % i for i in range(1, 21)],
                           segleft=0)
    pkts.append(ip(6) / rh / IPv6ExtHdrDestOpt() / rh / udp(len(pkts)))
    mix = IPv6ExtHdrHopByHop()
    for i in range(24):
        mix = mix / [IPv6ExtHdrDestOpt(), IPv6ExtHdrRouting(segleft=0)][i % 2]
    pkts.append(ip(6) / mix / udp(len(pkts)))
    big = IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0" * 250)] * 5)
    pkts.append(ip(6) / big / udp(len(pkts)))
    return pkts


def ext_bad(fam):
    """No upper layer header; a chain whose second header runs past the end."""
    if fam == 4:
        return []
    cut = bytearray(bytes(ip(6) / IPv6ExtHdrDestOpt() / IPv6ExtHdrDestOpt() /
                          UDP(sport=4850, dport=6009)))
    cut[48 + 1] = 100
    return [ip(6) / IPv6ExtHdrDestOpt(nh=59) / Raw(b'n' * 16), bytes(cut)]


SETS = {name: globals()[name] for name in (
    'tcp_doff', 'tcp_beyond', 'l4_trunc', 'icmp_err', 'udp_zero', 'udp_large',
    'frag_tiny', 'frag_big', 'frag_overlap', 'tcp_opts', 'ip_bad', 'ip_opts',
    'ext_chain', 'ext_bad')}


def frames(fam, name, src_mac, dst_mac):
    eth = Ether(src=src_mac, dst=dst_mac, type=0x800 if fam == 4 else 0x86dd)
    out = []
    for p in SETS[name](fam):
        out.append(bytes(eth) + bytes(p))
    return out


def main():
    if sys.argv[1:2] == ['--list']:
        print(' '.join(SETS))
        return 0
    if len(sys.argv) != 5 or sys.argv[1] != '--serve':
        sys.exit(__doc__)
    iface, src_mac, dst_mac = sys.argv[2:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    marker = 7000
    for line in sys.stdin:
        fam, name = line.split()
        n = 0
        for f in frames(int(fam), name, src_mac, dst_mac):
            s.send(f)
            n += 1
        # a well-formed datagram last: once the router tracks it, it has
        # seen the frames before (one sending CPU: one backlog, in order)
        marker += 1
        eth = Ether(src=src_mac, dst=dst_mac,
                    type=0x800 if fam == '4' else 0x86dd)
        s.send(bytes(eth / ip(int(fam)) / UDP(sport=marker, dport=6100)))
        print(n, marker, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
