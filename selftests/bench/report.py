#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tables and a plot from the forwarding benchmark's raw results.

Usage: report.py RAW.tsv OUT.md [OUT.png]

RAW.tsv holds guest.sh's "BENCH" lines without that word:

  meta   KEY VALUE
  pps    PROFILE N FW REP PPS
  load   PROFILE N FW SECONDS|timeout>Ts|failed|skipped
  loadcpu PROFILE N FW USER_S SYS_S   (CPU time of the loading process)
  loadkern PROFILE N FW SECONDS       (time in the kernel's request entry)
  mem    PROFILE N FW BYTES            (MemAvailable before - after load)
  memcg  PROFILE N FW BYTES            (kernel memory charged to the
                                        loader's memory cgroup)
  note   PROFILE N FW TEXT
  ctrate FW REP PPS ENTRIES MEMBYTES SLAB_BEFORE SLAB_AFTER OBJSIZE

OUT.md gets the tables (markdown), OUT.png the ratio to no firewall
against the rule count (needs python3-matplotlib; /usr/bin/python3).
"""

import collections
import statistics
import sys

FW_NAMES = {
    "none": "no firewall",
    "xtfw": "xtfw",
    "legacy": "iptables-legacy",
    "nftcompat": "iptables-nft",
    "nftset": "nftables, sets",
}
PROFILES = {
    "empty": "Empty ruleset: the filter table loaded, FORWARD policy ACCEPT, "
             "no rules (the cost of having the firewall at all)",
    "stateless": "Stateless: N rules that do not match, then one that "
                 "accepts the flow",
    "stateful": "Stateful: ESTABLISHED,RELATED accepted first, then N rules "
                "and the accept",
}


def read(path):
    meta = {}
    pps = collections.defaultdict(list)
    load, mem, notes = {}, {}, collections.defaultdict(list)
    loadcpu, loadkern = {}, {}
    ct = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            w = line.rstrip("\n").split("\t")
            if w[0] == "meta":
                meta[w[1]] = w[2]
            elif w[0] == "pps":
                pps[(w[1], int(w[2]), w[3])].append(float(w[5]))
            elif w[0] == "load":
                load[(w[1], int(w[2]), w[3])] = w[4]
            elif w[0] == "loadcpu":
                loadcpu[(w[1], int(w[2]), w[3])] = float(w[5])
            elif w[0] == "loadkern":
                loadkern[(w[1], int(w[2]), w[3])] = float(w[4])
            elif w[0] == "mem":
                mem.setdefault((w[1], int(w[2]), w[3]), ("avail", int(w[4])))
            elif w[0] == "memcg":
                mem[(w[1], int(w[2]), w[3])] = ("memcg", int(w[4]))
            elif w[0] == "note":
                notes[(w[1], int(w[2]), w[3])].append(w[4])
            elif w[0] == "ctrate":
                ct[w[1]].append([float(x) for x in w[3:]])
    for k, v in loadcpu.items():
        if k in load:
            load[k] = (load[k], v, loadkern.get(k))
    return meta, pps, load, mem, notes, ct


def fmt_n(n):
    return f"{n:,}"


def fmt_pps(p):
    if p >= 10000:
        return f"{p / 1000:.0f}k"
    if p >= 1000:
        return f"{p / 1000:.1f}k"
    return f"{p:.0f}"


def fmt_load(v):
    if isinstance(v, tuple):
        kern = f"; kernel {v[2]:.2f}" if v[2] is not None else ""
        return f"{fmt_load(v[0])} (sys {v[1]:.2f}{kern})"
    try:
        s = float(v)
    except ValueError:
        return v
    return f"{s:.2f} s" if s < 10 else f"{s:.0f} s"


def ratios(pps, profiles, sizes, fws):
    """(profile, n, fw) -> (median pps, ratio to that group's no firewall)"""
    out = {}
    for prof in profiles:
        for n in sizes:
            base = pps.get((prof, n, "none"))
            b = statistics.median(base) if base else None
            for fw in fws:
                v = pps.get((prof, n, fw))
                if not v:
                    continue
                m = statistics.median(v)
                out[(prof, n, fw)] = (m, m / b if b else None)
    return out


def tables(meta, pps, load, mem, notes, ct):
    profiles = [p for p in PROFILES if any(k[0] == p for k in pps)]
    sizes = sorted({k[1] for k in pps} | {k[1] for k in load})
    fws = [f for f in FW_NAMES if any(k[2] == f for k in pps) or
           any(k[2] == f for k in load)]
    r = ratios(pps, profiles, sizes, fws)
    reps = meta.get("reps", "?")
    md = []
    md.append(f"Kernel {meta.get('kernel', '?')}, {meta.get('cpus', '?')} "
              f"vCPUs ({meta.get('cpu', '?')}), "
              f"{int(meta.get('memtotal_kb', 0)) // 1024} MiB; "
              + ("QEMU counting instructions (-icount shift=1: the rates "
                 "are 500 M instructions/s divided by instructions per "
                 "packet); " if meta.get("clock") == "icount" else
                 "QEMU multi-threaded TCG, wall-clock rates; ") +
              f"64-byte UDP forwarded by a router namespace; median of "
              f"{reps} runs of {meta.get('window_s', '?')} s. Cells: packets "
              f"per second delivered, and in brackets the ratio to no "
              f"firewall measured in the same round.\n")
    for prof in profiles:
        psizes = [n for n in sizes if any(k[:2] == (prof, n) for k in pps)]
        md.append(f"**{PROFILES[prof]}**\n")
        md.append("| firewall | " + " | ".join(fmt_n(n) for n in psizes) +
                  " |")
        md.append("|---|" + "---:|" * len(psizes))
        for fw in fws:
            cells = []
            for n in psizes:
                v = r.get((prof, n, fw))
                if v:
                    m, q = v
                    cell = fmt_pps(m) + (f" ({q:.3f})" if q is not None and
                                         fw != "none" else "")
                    if (prof, n, fw) in notes:
                        cell += " †"
                else:
                    cell = load.get((prof, n, fw), "–")
                    cell = cell[0] if isinstance(cell, tuple) else cell
                cells.append(cell)
            md.append(f"| {FW_NAMES[fw]} | " + " | ".join(cells) + " |")
        md.append("")
        if any(k[0] == prof for k in notes):
            md.append("† " + "; ".join(
                f"{FW_NAMES[k[2]]} at {fmt_n(k[1])}: {', '.join(v)}"
                for k, v in sorted(notes.items()) if k[0] == prof) + "\n")

    md.append("**Time to load the ruleset atomically** (xtctl restore, "
              "iptables-legacy-restore, iptables-nft-restore, nft -f; "
              f"bounded by {meta.get('load_timeout_s', '?')} s; time "
              "in the VM, userspace included; in brackets, where measured, "
              "the system CPU time of the loading process, its own page "
              "faults and memory management included, and the kernel's "
              "time in the functions that take the loader's requests: "
              "genl_rcv for xtctl, nfnetlink_rcv for nft and iptables-nft, "
              "nf_setsockopt and nf_getsockopt for iptables-legacy)\n")
    md.append("| firewall | profile | " +
              " | ".join(fmt_n(n) for n in sizes) + " |")
    md.append("|---|---|" + "---:|" * len(sizes))
    for fw in fws:
        if fw == "none":
            continue
        for prof in profiles:
            if prof == "empty":
                continue
            cells = [fmt_load(load.get((prof, n, fw), "–")) for n in sizes]
            md.append(f"| {FW_NAMES[fw]} | {prof} | " + " | ".join(cells) + " |")
    md.append("")

    big = [n for n in sizes if n >= 10000]
    if big:
        how = {m for (p, n, fw), (m, b) in mem.items() if n in big}
        if how == {"memcg"}:
            md.append("**Kernel memory per rule** (the kernel memory charged "
                      "to the loader's memory cgroup: slab, per-CPU and "
                      "vmalloc memory the load left allocated, divided by "
                      "the rule count; stateless ruleset)\n")
        else:
            md.append("**Kernel memory per rule** (MemAvailable before "
                      "minus after the load, divided by the rule count; "
                      "stateless ruleset; noisy at 10,000 rules)\n")
        md.append("| firewall | " + " | ".join(fmt_n(n) for n in big) + " |")
        md.append("|---|" + "---:|" * len(big))
        for fw in fws:
            if fw == "none":
                continue
            cells = []
            for n in big:
                b = mem.get(("stateless", n, fw))
                cells.append(f"{b[1] / n:.0f} B" if b is not None else "–")
            md.append(f"| {FW_NAMES[fw]} | " + " | ".join(cells) + " |")
        md.append("")

    if ct:
        md.append("**Conntrack: new connections per second** (every packet "
                  "a new UDP flow; ruleset: ESTABLISHED,RELATED accept, "
                  "then accept the flows; median of the rounds)\n")
        md.append("| firewall | new flows/s | entries made | memory per "
                  "entry | slab object |")
        md.append("|---|---:|---:|---:|---:|")
        for fw in FW_NAMES:
            if fw not in ct:
                continue
            rows = ct[fw]
            rate = statistics.median(x[0] for x in rows)
            ent = statistics.median(x[1] for x in rows)
            per = statistics.median(x[2] / x[1] for x in rows if x[1] > 0)
            objsize = rows[0][5]
            name = FW_NAMES[fw] + (" (xtfw_conn)" if fw == "xtfw" else
                                   " (nf_conntrack)")
            md.append(f"| {name} | {fmt_pps(rate)} | {ent:,.0f} | "
                      f"{per:.0f} B | {objsize:.0f} B |")
        md.append("")
    return md, r, profiles, sizes, fws


def plot(path, r, profiles, sizes, fws, meta):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # rule count 0 sits at 10 on the log axis
    def x(n):
        return n if n > 0 else 10

    fig, axes = plt.subplots(1, len(profiles), figsize=(6 * len(profiles), 4.5),
                             squeeze=False)
    styles = {"xtfw": "o-", "legacy": "s--", "nftcompat": "^--",
              "nftset": "d-."}
    for ax, prof in zip(axes[0], profiles):
        for fw in fws:
            if fw == "none":
                continue
            pts = [(x(n), r[(prof, n, fw)][1]) for n in sizes
                   if (prof, n, fw) in r and r[(prof, n, fw)][1] is not None]
            if pts:
                ax.plot(*zip(*pts), styles.get(fw, "o-"), label=FW_NAMES[fw])
        ax.set_xscale("log")
        ax.set_xticks([x(n) for n in sizes])
        ax.set_xticklabels([fmt_n(n) for n in sizes])
        ax.minorticks_off()
        top = max([1.0] + [v[1] for k, v in r.items()
                          if k[0] == prof and v[1] is not None])
        ax.set_ylim(0, top + 0.05)
        ax.axhline(1.0, color="grey", lw=0.5)
        ax.set_xlabel("rules before the accepting one")
        ax.set_ylabel("packet rate / no firewall")
        ax.set_title(prof)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="lower left", fontsize="small")
    fig.suptitle(f"64-byte UDP forwarding, kernel {meta.get('kernel', '?')}",
                 fontsize="medium")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main():
    raw, out_md = sys.argv[1], sys.argv[2]
    meta, pps, load, mem, notes, ct = read(raw)
    md, r, profiles, sizes, fws = tables(meta, pps, load, mem, notes, ct)
    with open(out_md, "w") as f:
        f.write("\n".join(md))
    if len(sys.argv) > 3:
        plot(sys.argv[3], r, [p for p in profiles if p != "empty"], sizes,
             fws, meta)


if __name__ == "__main__":
    main()
