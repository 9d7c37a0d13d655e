#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Rulesets of the forwarding benchmark (selftests/bench/).

Usage: rules.py OUTDIR N...

For each N writes, into OUTDIR:

  ipt-{stateless,stateful}-N   iptables-save files (filter FORWARD, policy
                               DROP) for xtctl restore, iptables-restore and
                               iptables-nft-restore
  nft-{stateless,stateful}-N   the same rules for nft -f, their addresses
                               and ports in sets (one rule per kind of rule)

and ipt-ctrate / nft-ctrate, the rulesets of the conntrack rate test, and
ipt-empty-0 / nft-empty-0: the filter table with FORWARD policy ACCEPT and
no rules (the "empty" profile).

The N rules match none of the benchmark's packets (10.0.1.1:9 ->
10.0.2.2:9 UDP, in lan0, out wan0): their addresses are outside 10.0.0.0/8.
They mix what real rulesets hold (the seed is fixed, so every run loads
the same rules):

  40%  -s HOST/32 -j DROP                     a block list
  15%  -s NET/16..28 -j DROP                  blocked networks
  15%  -s NET/24 -p tcp --dport P -j ACCEPT   a service open to a network
  10%  -i IF -s HOST -p udp --dport P -j ACCEPT
  10%  -d HOST -p tcp --dport P -j ACCEPT     published servers
   5%  -o IF -d NET/24 -j DROP
   5%  -s HOST -p tcp --dport LO:HI -j ACCEPT  a port range

Then one rule accepts the test flow. The stateful profile puts "-m
conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" first. nftables gets
the same rules as one rule per kind over a set (or a concatenation with
intervals), all in one forward chain: its best case. (Sets merge the rules
of a kind, so the order among the N rules is not kept; none of them
matches the test flow, so the verdicts are the same.)
"""

import ipaddress
import os
import random
import sys

IFACES = ["eth1", "eth2", "bond0", "vlan10", "vlan20", "ppp0", "lan0", "wan0"]
PORTS = [22, 25, 53, 80, 110, 123, 143, 443, 465, 587, 993, 995, 1194, 1433,
         3306, 3389, 5060, 5432, 6379, 8080, 8443, 9000, 27017]
ACCEPT_FLOW = ("-i lan0 -o wan0 -s 10.0.1.1/32 -d 10.0.2.2/32 "
               "-p udp -m udp --dport 9 -j ACCEPT")
NFT_FLOW = ('iifname "lan0" oifname "wan0" ip saddr 10.0.1.1 '
            'ip daddr 10.0.2.2 udp dport 9 accept')
CT_RULE = "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
NFT_CT = "ct state established,related accept"

# address pools, all outside 10.0.0.0/8
HOSTS_SRC = ipaddress.ip_network("100.64.0.0/10")   # 4M /32 sources
HOSTS_DST = ipaddress.ip_network("198.18.0.0/15")   # 128k /32 servers
NETS_SRC = ipaddress.ip_network("172.16.0.0/12")    # blocked networks
NETS_SVC = ipaddress.ip_network("11.0.0.0/8")       # /24s with a service
NETS_OUT = ipaddress.ip_network("44.0.0.0/8")       # -o IF -d NET/24


class Pool:
    """Distinct random addresses (or /24s) from a network."""

    def __init__(self, rng, net, step=1):
        self.rng, self.net, self.step = rng, net, step
        self.used = set()

    def take(self):
        n = self.net.num_addresses // self.step
        while True:
            i = self.rng.randrange(n)
            if i not in self.used:
                self.used.add(i)
                return self.net.network_address + i * self.step


def gen_rules(n, seed=6):
    """N rules as (kind, fields) tuples, in order."""
    rng = random.Random(seed)
    src, dst = Pool(rng, HOSTS_SRC), Pool(rng, HOSTS_DST)
    svc, out = Pool(rng, NETS_SVC, 256), Pool(rng, NETS_OUT, 256)
    rules = []
    for _ in range(n):
        r = rng.random()
        if r < 0.40:
            rules.append(("block", (src.take(),)))
        elif r < 0.55:
            plen = rng.choice([16, 20, 22, 24, 24, 24, 26, 28])
            addr = NETS_SRC.network_address + \
                (rng.randrange(1 << (plen - 12)) << (32 - plen))
            net = ipaddress.ip_network(f"{addr}/{plen}")
            rules.append(("blocknet", (net,)))
        elif r < 0.70:
            net = ipaddress.ip_network(f"{svc.take()}/24")
            rules.append(("svcnet", (net, rng.choice(PORTS))))
        elif r < 0.80:
            rules.append(("ifudp", (rng.choice(IFACES), src.take(),
                                    rng.randrange(1024, 65536))))
        elif r < 0.90:
            rules.append(("server", (dst.take(), rng.choice(PORTS))))
        elif r < 0.95:
            net = ipaddress.ip_network(f"{out.take()}/24")
            rules.append(("outnet", (rng.choice(IFACES), net)))
        else:
            lo = rng.randrange(1024, 60000)
            rules.append(("range", (src.take(), lo, lo + rng.randrange(1, 5000))))
    return rules


def ipt_rule(kind, f):
    if kind == "block":
        return f"-s {f[0]}/32 -j DROP"
    if kind == "blocknet":
        return f"-s {f[0]} -j DROP"
    if kind == "svcnet":
        return f"-s {f[0]} -p tcp -m tcp --dport {f[1]} -j ACCEPT"
    if kind == "ifudp":
        return f"-i {f[0]} -s {f[1]}/32 -p udp -m udp --dport {f[2]} -j ACCEPT"
    if kind == "server":
        return f"-d {f[0]}/32 -p tcp -m tcp --dport {f[1]} -j ACCEPT"
    if kind == "outnet":
        return f"-o {f[0]} -d {f[1]} -j DROP"
    if kind == "range":
        return f"-s {f[0]}/32 -p tcp -m tcp --dport {f[1]}:{f[2]} -j ACCEPT"
    raise ValueError(kind)


def write_ipt(path, rules, stateful, extra=ACCEPT_FLOW):
    with open(path, "w") as out:
        out.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
                  ":OUTPUT ACCEPT [0:0]\n")
        if stateful:
            out.write(f"-A FORWARD {CT_RULE}\n")
        for kind, f in rules:
            out.write(f"-A FORWARD {ipt_rule(kind, f)}\n")
        out.write(f"-A FORWARD {extra}\nCOMMIT\n")


# nftables: one set per kind, and the rule that looks it up
NFT_SETS = {
    "block": ("ipv4_addr", True, "ip saddr @block drop"),
    "blocknet": ("ipv4_addr", True, "ip saddr @blocknet drop"),
    "svcnet": ("ipv4_addr . inet_service", True,
               "ip saddr . tcp dport @svcnet accept"),
    "ifudp": ("ifname . ipv4_addr . inet_service", False,
              "iifname . ip saddr . udp dport @ifudp accept"),
    "server": ("ipv4_addr . inet_service", False,
               "ip daddr . tcp dport @server accept"),
    "outnet": ("ifname . ipv4_addr", True, "oifname . ip daddr @outnet drop"),
    "range": ("ipv4_addr . inet_service", True,
              "ip saddr . tcp dport @range accept"),
}


def nft_elem(kind, f):
    if kind in ("block", "blocknet"):
        return f"{f[0]}"
    if kind == "svcnet":
        return f"{f[0]} . {f[1]}"
    if kind == "ifudp":
        return f'"{f[0]}" . {f[1]} . {f[2]}'
    if kind == "server":
        return f"{f[0]} . {f[1]}"
    if kind == "outnet":
        return f'"{f[0]}" . {f[1]}'
    if kind == "range":
        return f"{f[0]} . {f[1]}-{f[2]}"
    raise ValueError(kind)


def write_nft(path, rules, stateful, extra=NFT_FLOW):
    elems = {k: [] for k in NFT_SETS}
    for kind, f in rules:
        elems[kind].append(nft_elem(kind, f))
    with open(path, "w") as out:
        out.write("table ip bench {\n")
        for kind, (typ, interval, _) in NFT_SETS.items():
            uniq = list(dict.fromkeys(elems[kind]))
            if not uniq:
                continue
            out.write(f"\tset {kind} {{\n\t\ttype {typ}\n")
            if interval:
                out.write("\t\tflags interval\n")
                if "." not in typ:
                    out.write("\t\tauto-merge\n")
            out.write("\t\telements = {\n")
            for i in range(0, len(uniq), 8):
                out.write("\t\t\t" + ", ".join(uniq[i:i + 8]) + ",\n")
            out.write("\t\t}\n\t}\n")
        out.write("\tchain forward {\n"
                  "\t\ttype filter hook forward priority 0; policy drop;\n")
        if stateful:
            out.write(f"\t\t{NFT_CT}\n")
        for kind, (_, _, rule) in NFT_SETS.items():
            if elems[kind]:
                out.write(f"\t\t{rule}\n")
        out.write(f"\t\t{extra}\n\t}}\n}}\n")


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit("usage: rules.py OUTDIR N...")
    try:
        outdir, sizes = sys.argv[1], [int(a) for a in sys.argv[2:]]
    except ValueError:
        sys.exit("usage: rules.py OUTDIR N...  (N: rule counts)")
    os.makedirs(outdir, exist_ok=True)
    allrules = gen_rules(max(sizes + [0]))
    for n in sizes:
        for prof in ("stateless", "stateful"):
            st = prof == "stateful"
            write_ipt(f"{outdir}/ipt-{prof}-{n}", allrules[:n], st)
            write_nft(f"{outdir}/nft-{prof}-{n}", allrules[:n], st)
    # the empty ruleset: the firewall's cost with nothing to decide
    with open(f"{outdir}/ipt-empty-0", "w") as out:
        out.write("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n"
                  ":OUTPUT ACCEPT [0:0]\nCOMMIT\n")
    with open(f"{outdir}/nft-empty-0", "w") as out:
        out.write("table ip bench {\n\tchain forward {\n\t\ttype filter "
                  "hook forward priority 0; policy accept;\n\t}\n}\n")
    # conntrack rate: every packet a new flow from 10.0.1.0/24
    write_ipt(f"{outdir}/ipt-ctrate", [], True,
              "-s 10.0.1.0/24 -d 10.0.2.2/32 -p udp -m udp --dport 9 -j ACCEPT")
    write_nft(f"{outdir}/nft-ctrate", [], True,
              "ip saddr 10.0.1.0/24 ip daddr 10.0.2.2 udp dport 9 accept")


if __name__ == "__main__":
    main()
