#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random rules and packets for the classifier test, and what iptables does.

Usage: cls_gen.py FAMILY NRULES NPKTS SEED MODE OUTDIR

Writes OUTDIR/rules (an iptables-save file: the filter table, NRULES rules
in INPUT), OUTDIR/pkts (one pkt.py scapy expression per line) and
OUTDIR/expect (the packet counter of each rule, space separated), computed
here by a plain reading of iptables semantics. MODE "count": rules have no
target, so every rule a packet matches counts it. MODE "first": rules
ACCEPT, so only the first rule a packet matches counts it. Packets come
from the client (prefix ::1 or .1 .. .60) to the server (10.0.1.2 or
fd00:1::2) over veth0; they are UDP, TCP SYNs and pings.
"""

import ipaddress
import random
import sys

FAM, NRULES, NPKTS, SEED, MODE, OUT = sys.argv[1:7]
NRULES, NPKTS = int(NRULES), int(NPKTS)
V6 = FAM == "6"
RNG = random.Random(int(SEED))
PORTS = [22, 53, 80, 443, 7000, 7001, 8080]


def host(i):
    return f"fd00:1::{i:x}" if V6 else f"10.0.1.{i}"


SERVER = host(2)
NETS = (["fd00:1::/64", "fd00:1::/120", "fd00:1::10/124", "fd00:9::/64",
         "fd00::/16", "fd00:1::/126"] if V6 else
        ["10.0.1.0/24", "10.0.1.0/26", "10.0.1.16/28", "10.9.0.0/16",
         "10.0.0.0/8", "10.0.1.32/30"])
PROTOS = ["tcp", "udp", "icmpv6" if V6 else "icmp"]
PNUM = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}


def rand_addr_match():
    r = RNG.random()
    if MODE == "first":  # few broad rules, or the first ones take all
        r = 0.79 * r if r < 0.95 else r
    if r < 0.5:
        net = f"{host(RNG.randint(1, 60))}/{128 if V6 else 32}"
    elif r < 0.8:
        net = RNG.choice(NETS)
    else:
        i = RNG.randint(1, 200)
        net = f"fd00:7::{i:x}/128" if V6 else f"10.7.0.{i}/32"
    return ipaddress.ip_network(net, strict=False)


def rand_rule():
    rule = {}
    if MODE == "first" or RNG.random() < 0.8:
        rule["src"] = rand_addr_match()
        rule["src_inv"] = RNG.random() < 0.1
    if RNG.random() < 0.3:
        rule["dst"] = ipaddress.ip_network(
            RNG.choice([f"{SERVER}/{128 if V6 else 32}", NETS[0], NETS[3]]),
            strict=False)
    if RNG.random() < 0.85:
        rule["proto"] = RNG.choice(PROTOS)
        rule["proto_inv"] = RNG.random() < 0.05
        if rule["proto"] in ("tcp", "udp") and not rule["proto_inv"]:
            if RNG.random() < 0.7:
                lo = RNG.choice(PORTS)
                hi = lo if RNG.random() < 0.8 else lo + RNG.randint(1, 100)
                rule["dport"] = (lo, hi)
                rule["dport_inv"] = RNG.random() < 0.1
            if RNG.random() < 0.15:
                rule["sport"] = (RNG.choice([1000, 1001, 2000]),) * 2
    if RNG.random() < 0.1:
        rule["iif"] = RNG.choice(["veth0", "eth9", "veth+"])
    return rule


def text(rule):
    w = []
    if "src" in rule:
        w += (["!"] if rule["src_inv"] else []) + ["-s", str(rule["src"])]
    if "dst" in rule:
        w += ["-d", str(rule["dst"])]
    if "iif" in rule:
        w += ["-i", rule["iif"]]
    if "proto" in rule:
        w += (["!"] if rule["proto_inv"] else []) + ["-p", rule["proto"]]
        if "sport" in rule or "dport" in rule:
            w += ["-m", rule["proto"]]
        if "sport" in rule:
            w += ["--sport", "%d" % rule["sport"][0]]
        if "dport" in rule:
            lo, hi = rule["dport"]
            w += (["!"] if rule["dport_inv"] else []) + \
                 ["--dport", str(lo) if lo == hi else f"{lo}:{hi}"]
    if MODE == "first":
        w += ["-j", "ACCEPT"]
    return " ".join(w)


def matches(rule, pkt):
    if "src" in rule and \
            (ipaddress.ip_address(pkt["src"]) in rule["src"]) == \
            rule["src_inv"]:
        return False
    if "dst" in rule and ipaddress.ip_address(SERVER) not in rule["dst"]:
        return False
    if "iif" in rule:
        want = rule["iif"]
        if not (want == "veth0" or (want.endswith("+") and
                                     "veth0".startswith(want[:-1]))):
            return False
    if "proto" in rule:
        if (PNUM[rule["proto"]] == PNUM[pkt["proto"]]) == rule["proto_inv"]:
            return False
        if "sport" in rule and pkt["sport"] != rule["sport"][0]:
            return False
        if "dport" in rule:
            lo, hi = rule["dport"]
            if (lo <= pkt["dport"] <= hi) == rule["dport_inv"]:
                return False
    return True


def rand_pkt():
    proto = RNG.choice(PROTOS)
    # never the server's own address (2): IPv4 drops such a packet as a
    # martian, IPv6 answers it over loopback, and both upset the count
    pkt = {"src": host(RNG.choice([1] + list(range(3, 61)))),
           "proto": proto,
           "sport": RNG.choice([1000, 1001, 2000, 40000]),
           "dport": RNG.choice(PORTS + [9, 7050])}
    ip = (f'IPv6(src="{pkt["src"]}", dst="{SERVER}")' if V6 else
          f'IP(src="{pkt["src"]}", dst="{SERVER}")')
    if proto == "udp":
        l4 = f'UDP(sport={pkt["sport"]}, dport={pkt["dport"]})'
    elif proto == "tcp":
        l4 = f'TCP(sport={pkt["sport"]}, dport={pkt["dport"]}, flags="S")'
    else:
        l4 = "ICMPv6EchoRequest()" if V6 else "ICMP()"
    pkt["expr"] = f"{ip}/{l4}"
    return pkt


def main():
    rules = [rand_rule() for _ in range(NRULES)]
    pkts = [rand_pkt() for _ in range(NPKTS)]
    counts = [0] * NRULES
    for pkt in pkts:
        for i, rule in enumerate(rules):
            if matches(rule, pkt):
                counts[i] += 1
                if MODE == "first":
                    break
    with open(f"{OUT}/rules", "w", encoding="ascii") as f:
        f.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                ":OUTPUT ACCEPT [0:0]\n")
        for rule in rules:
            f.write(f"-A INPUT {text(rule)}\n")
        f.write("COMMIT\n")
    with open(f"{OUT}/pkts", "w", encoding="ascii") as f:
        for pkt in pkts:
            f.write(pkt["expr"] + "\n")
    with open(f"{OUT}/expect", "w", encoding="ascii") as f:
        f.write(" ".join(map(str, counts)) + "\n")


main()
