#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Drive crafted TCP segments through a router's connection tracking.

Usage: ct_tcp.py -4|-6 CLIENT_NS ROUTER_NS SERVER_NS XTCTL...
       ct_tcp.py --handshakes N PORT -4|-6 CLIENT_NS ROUTER_NS SERVER_NS
       ct_tcp.py --serve -4|-6 CLIENT_NS ROUTER_NS SERVER_NS XTCTL...

The second form only opens N connections, from client ports PORT on,
each with a complete handshake (so assured), and checks nothing.

The third form is a server for shell tests (ct_lib.sh: ct_serve_start,
ct_step), which would otherwise start python and scapy once per packet:
it reads lines "SIDE<TAB>EXPR" from stdin, SIDE c (client) or s
(server), EXPR a scapy expression for a packet or a list of packets (as
pkt.py's), sends them from that side and answers one line, how much each
CTSTATE counter of the router moved: "NEW=n ESTABLISHED=n RELATED=n
INVALID=n UNTRACKED=n" (ct_lib.sh's ct_counts), or "ERROR: ..." when the
expression or the send failed. It waits until the counters have moved
and held still for a moment, or for a second when nothing moves.

Both ends' segments are crafted here (scapy), and sent from raw sockets
opened in the client and server namespaces, one at a time, so the order
is exact; the ends drop all TCP in their raw PREROUTING and never answer.
The router forwards and counts each segment by state in its chain
CTSTATE (ct_lib.sh). For each check one line is printed:

    NAME|EXPECTED|ACTUAL

where the value is the state the segment had (the CTSTATE rule whose
counter moved) or, for "entry" checks, the TCP state of the connection's
entry ("NONE" if there is none): from "xtctl ct list", or with
XTFW_SKIP_LOAD=1 (the kernel's conntrack) from /proc/net/nf_conntrack.
The exit status is 0 unless the script itself failed.

Client ISN 1000, server ISN 5000, windows 64000, no options. Each case
uses its own client port.
"""

import ctypes
import os
import socket
import subprocess
import sys
import time

import scapy.layers.inet
import scapy.layers.inet6
import scapy.layers.l2
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6

STATES = ["NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"]
CLONE_NEWNET = 0x40000000
SERVER_PORT = 80
WIN = 64000

libc = ctypes.CDLL(None, use_errno=True)


def socket_in(ns, family):
    """A raw IPPROTO_RAW socket of namespace ns."""
    here = os.open("/proc/self/ns/net", os.O_RDONLY)
    there = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(there, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), f"setns {ns}")
        sock = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    finally:
        libc.setns(here, CLONE_NEWNET)
        os.close(here)
        os.close(there)
    return sock


class Path:
    def __init__(self, fam, client, router, server, xtctl):
        self.fam = fam
        self.router = router
        self.xtctl = xtctl
        self.native = os.environ.get("XTFW_SKIP_LOAD", "0") != "1"
        if fam == "-6":
            af, self.caddr, self.saddr = socket.AF_INET6, "fd00:1::1", "fd00:2::2"
        else:
            af, self.caddr, self.saddr = socket.AF_INET, "10.0.1.1", "10.0.2.2"
        self.sock = {"c": socket_in(client, af), "s": socket_in(server, af)}

    def ip(self, side):
        src, dst = (self.caddr, self.saddr) if side == "c" else (self.saddr, self.caddr)
        if self.fam == "-6":
            return IPv6(src=src, dst=dst)
        return IP(src=src, dst=dst)

    def segment(self, side, port, flags, seq, ack=0, data=b""):
        sport, dport = (port, SERVER_PORT) if side == "c" else (SERVER_PORT, port)
        tcp = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=WIN)
        return self.ip(side) / tcp / data

    def counters(self):
        out = subprocess.run(["ip", "netns", "exec", self.router] + self.xtctl +
                             [self.fam, "-L", "CTSTATE", "-v", "-x", "-n"],
                             capture_output=True, text=True, check=True).stdout
        return [int(line.split()[0]) for line in out.splitlines()[2:]]

    def send(self, side, port, flags, seq, ack=0, data=b""):
        """Send one segment; return the state the router gave it."""
        pkt = self.segment(side, port, flags, seq, ack, data)
        before = self.counters()
        self.sock[side].sendto(bytes(pkt), (pkt.dst, 0))
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            diff = [b - a for a, b in zip(before, self.counters())]
            if any(diff):
                return "+".join(s for s, d in zip(STATES, diff) if d)
            time.sleep(0.02)
        return "NOT SEEN"

    def settle(self, before, timeout=1.0, still=0.06):
        """How far each counter moved from before: once they moved and
        held still for a moment, or after timeout if nothing moves."""
        deadline = time.monotonic() + timeout
        last, since = before, time.monotonic()
        while True:
            now = self.counters()
            t = time.monotonic()
            if now != last:
                last, since = now, t
            elif last != before and t - since >= still:
                break
            if t > deadline and last == before:
                break
            if t > deadline + 3:
                break
            time.sleep(0.02)
        return [b - a for a, b in zip(before, last)]

    def entry(self, port):
        """The TCP state of the connection from client port, or NONE."""
        if self.native:
            out = subprocess.run(["ip", "netns", "exec", self.router] + self.xtctl +
                                 ["ct", "list", self.fam, "-p", "tcp", "--sport", str(port)],
                                 capture_output=True, text=True, check=True).stdout
            fields = out.split()
            return fields[3] if fields else "NONE"
        out = subprocess.run(["ip", "netns", "exec", self.router, "cat",
                              "/proc/net/nf_conntrack"],
                             capture_output=True, text=True, check=True).stdout
        family = "ipv6" if self.fam == "-6" else "ipv4"
        for line in out.splitlines():
            f = line.split()
            if f[0] == family and f[2] == "tcp" and f"sport={port}" in f:
                return f[5]
        return "NONE"

    def check(self, name, expected, actual):
        print(f"{name}|{expected}|{actual}", flush=True)

    def handshake(self, name, port):
        self.check(f"{name}: SYN", "NEW", self.send("c", port, "S", 1000))
        self.check(f"{name}: SYN/ACK", "ESTABLISHED", self.send("s", port, "SA", 5000, 1001))
        self.check(f"{name}: ACK", "ESTABLISHED", self.send("c", port, "A", 1001, 5001))
        self.check(f"{name}: entry", "ESTABLISHED", self.entry(port))


def case_retransmission(p, port):
    p.handshake("retransmission", port)
    p.check("data", "ESTABLISHED", p.send("c", port, "PA", 1001, 5001, b"x" * 100))
    p.check("its ACK", "ESTABLISHED", p.send("s", port, "A", 5001, 1101))
    p.check("the data again, already acked: not INVALID", "ESTABLISHED",
            p.send("c", port, "PA", 1001, 5001, b"x" * 100))
    p.check("entry after retransmission", "ESTABLISHED", p.entry(port))


def case_rst(p, port):
    p.handshake("rst", port)
    p.check("RST beyond the window", "INVALID", p.send("s", port, "R", 5001 + 10000000))
    p.check("entry after the invalid RST", "ESTABLISHED", p.entry(port))
    p.check("RST below what was acked", "INVALID", p.send("s", port, "R", 4000))
    p.check("RST at the exact sequence", "ESTABLISHED", p.send("s", port, "R", 5001))
    p.check("entry after the exact RST", "CLOSE", p.entry(port))


def case_no_connection(p, port):
    p.check("RST for no connection", "INVALID", p.send("c", port, "R", 1000))
    p.check("RST/ACK for no connection", "INVALID", p.send("c", port, "RA", 1000, 1))
    p.check("SYN/ACK for no connection", "INVALID", p.send("c", port, "SA", 1000, 1))
    p.check("FIN/ACK for no connection, even loose", "INVALID",
            p.send("c", port, "FA", 1000, 1))
    p.check("entry after them", "NONE", p.entry(port))


def case_loose(p, port):
    p.check("bare ACK, no connection, loose", "NEW", p.send("c", port, "A", 1000, 5000))
    p.check("entry picked up", "ESTABLISHED", p.entry(port))
    p.check("its answer", "ESTABLISHED", p.send("s", port, "A", 5000, 1000))


def set_loose(p, value):
    if p.native:
        cmd = p.xtctl + ["ct", "set", "tcp_loose", str(value)]
    else:
        cmd = ["sysctl", "-qw", f"net.netfilter.nf_conntrack_tcp_loose={value}"]
    subprocess.run(["ip", "netns", "exec", p.router] + cmd, check=True)


def case_strict(p, port):
    set_loose(p, 0)
    p.check("bare ACK, no connection, strict", "INVALID", p.send("c", port, "A", 1000, 5000))
    p.check("entry when strict", "NONE", p.entry(port))
    set_loose(p, 1)


def case_stale_synack(p, port):
    p.handshake("stale SYN/ACK", port)
    p.check("SYN/ACK from the client's side", "INVALID",
            p.send("c", port, "SA", 1001, 5001))
    p.check("the server's SYN/ACK again", "ESTABLISHED", p.send("s", port, "SA", 5000, 1001))
    p.check("entry after stale SYN/ACKs", "ESTABLISHED", p.entry(port))


def case_close_wait_rst(p, port):
    p.handshake("close_wait", port)
    p.check("client FIN", "ESTABLISHED", p.send("c", port, "FA", 1001, 5001))
    p.check("entry after FIN", "FIN_WAIT", p.entry(port))
    p.check("server ACKs the FIN", "ESTABLISHED", p.send("s", port, "A", 5001, 1002))
    p.check("entry", "CLOSE_WAIT", p.entry(port))
    p.check("RST in CLOSE_WAIT", "ESTABLISHED", p.send("s", port, "R", 5001))
    p.check("entry after RST in CLOSE_WAIT", "CLOSE", p.entry(port))


def case_time_wait(p, port):
    p.handshake("time_wait", port)
    p.send("c", port, "FA", 1001, 5001)
    p.send("s", port, "A", 5001, 1002)
    p.check("server FIN", "ESTABLISHED", p.send("s", port, "FA", 5001, 1002))
    p.check("entry after both FINs", "LAST_ACK", p.entry(port))
    p.check("last ACK", "ESTABLISHED", p.send("c", port, "A", 1002, 5002))
    p.check("entry after the last ACK", "TIME_WAIT", p.entry(port))
    p.check("a new SYN in TIME_WAIT", "NEW", p.send("c", port, "S", 900000))
    p.check("entry reopened", "SYN_SENT", p.entry(port))


def case_rst_in_window(p, port):
    p.handshake("rst in window", port)
    p.check("RST in the window, not exact: kept for a challenge ACK", "ESTABLISHED",
            p.send("s", port, "R", 5101))
    p.check("entry after the inexact RST", "ESTABLISHED", p.entry(port))
    p.check("then the RST at the exact sequence", "ESTABLISHED", p.send("s", port, "R", 5001))
    p.check("entry after it", "CLOSE", p.entry(port))


def case_refused(p, port):
    p.check("SYN to a closed port", "NEW", p.send("c", port, "S", 1000))
    p.check("RST/ACK answering it", "ESTABLISHED", p.send("s", port, "RA", 0, 1001))
    p.check("entry after the refusal", "NONE", p.entry(port))


def case_synack_bad_ack(p, port):
    p.check("SYN, then a SYN/ACK with a bad ack", "NEW", p.send("c", port, "S", 1000))
    p.check("SYN/ACK acking data never sent", "INVALID",
            p.send("s", port, "SA", 5000, 1001 + 100000))
    p.check("entry after the bad SYN/ACK", "SYN_SENT", p.entry(port))
    p.check("the right SYN/ACK", "ESTABLISHED", p.send("s", port, "SA", 5000, 1001))
    p.check("entry after the right one", "SYN_RECV", p.entry(port))


def case_simultaneous_open(p, port):
    p.check("SYN, then a crossing SYN", "NEW", p.send("c", port, "S", 1000))
    p.check("the server's crossing SYN", "ESTABLISHED", p.send("s", port, "S", 5000))
    p.check("entry after crossing SYNs", "SYN_SENT2", p.entry(port))
    p.check("the client's SYN/ACK", "ESTABLISHED", p.send("c", port, "SA", 1000, 5001))
    p.check("entry after the client's SYN/ACK", "SYN_RECV", p.entry(port))
    p.check("the server's ACK", "ESTABLISHED", p.send("s", port, "A", 5001, 1001))
    p.check("entry after simultaneous open", "ESTABLISHED", p.entry(port))


def case_window(p, port):
    p.handshake("window", port)
    p.check("data beyond the receiver's window", "INVALID",
            p.send("s", port, "PA", 5001 + 200000, 1001, b"y" * 10))
    p.check("an ACK of data never sent", "INVALID", p.send("c", port, "A", 1001, 5001 + 100000))
    p.check("in-window data still passes", "ESTABLISHED",
            p.send("s", port, "PA", 5001, 1001, b"y" * 10))


CASES = [case_retransmission, case_rst, case_no_connection, case_loose, case_strict,
         case_stale_synack, case_close_wait_rst, case_time_wait, case_window,
         case_rst_in_window, case_refused, case_synack_bad_ack, case_simultaneous_open]


def handshakes(argv):
    n, port = int(argv[2]), int(argv[3])
    fam, client, router, server = argv[4:8]
    p = Path(fam, client, router, server, [])
    for i in range(n):
        for side, flags, seq, ack in (("c", "S", 1000, 0), ("s", "SA", 5000, 1001),
                                      ("c", "A", 1001, 5001), ("s", "A", 5001, 1001)):
            pkt = p.segment(side, port + i, flags, seq, ack)
            p.sock[side].sendto(bytes(pkt), (pkt.dst, 0))
    return 0


def serve(argv):
    """The --serve loop: one answer line per request line."""
    fam, client, router, server = argv[2:6]
    p = Path(fam, client, router, server, argv[6:])
    ns = {"c": client, "s": server}
    socks = {}
    env = {}
    for mod in (scapy.layers.l2, scapy.layers.inet, scapy.layers.inet6):
        env.update((k, v) for k, v in vars(mod).items() if not k.startswith("_"))
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        try:
            side, expr = line.split("\t", 1)
            pkts = eval(expr, env)  # pylint: disable=eval-used
            if not isinstance(pkts, list):
                pkts = [pkts]
            before = p.counters()
            for pkt in pkts:
                af = socket.AF_INET6 if IPv6 in pkt else socket.AF_INET
                if (side, af) not in socks:
                    socks[side, af] = socket_in(ns[side], af)
                dst = pkt[IPv6].dst if af == socket.AF_INET6 else pkt[IP].dst
                socks[side, af].sendto(bytes(pkt), (dst, 0))
            moved = p.settle(before)
            print(" ".join(f"{s}={d}" for s, d in zip(STATES, moved)), flush=True)
        except Exception as e:  # pylint: disable=broad-except
            print(f"ERROR: {type(e).__name__}: {e}", flush=True)
    return 0


def main(argv):
    if argv[1] == "--handshakes":
        return handshakes(argv)
    if argv[1] == "--serve":
        return serve(argv)
    fam, client, router, server = argv[1:5]
    p = Path(fam, client, router, server, argv[5:])
    for i, case in enumerate(CASES):
        case(p, 40001 + i)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
