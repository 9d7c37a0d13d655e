#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""insns.sh's report: instructions per packet from tbcount's snapshots.

Usage: report.py DIR KALLSYMS FW...

DIR holds, per FW, FW.log (the guest's console: "INSNS key=value" lines
and the modules' symbols) and FW.0, FW.1 (tbcount's snapshots at the two
syncfs marks). The first FW is the baseline (none). Functions of modules
are named MODULE:function.
"""

import base64
import bisect
import gzip
import re
import sys


def kernel_symbols(path):
    syms = []
    with open(path) as f:
        for line in f:
            addr, _, name = line.split()[:3]
            syms.append((int(addr, 16), name))
    return syms


def module_symbols(log):
    """The modules' functions, as the guest's /proc/kallsyms gave them."""
    text, inside = [], False
    with open(log, errors='replace') as f:
        for line in f:
            line = line.strip()
            if line == 'MODSYMS-BEGIN':
                inside = True
            elif line == 'MODSYMS-END':
                break
            elif inside:
                text.append(line)
    raw = gzip.decompress(base64.b64decode(''.join(text)))
    syms = []
    for line in raw.decode().splitlines():
        p = line.split()
        if len(p) >= 4:
            syms.append((int(p[0], 16), p[3].strip('[]') + ':' + p[2]))
    return syms


def guest_info(path):
    info = {}
    with open(path, errors='replace') as f:
        for line in f:
            m = re.match(r'INSNS (\w+)=(\S+)', line.strip())
            if m:
                info[m.group(1)] = m.group(2)
    return info


def snapshot(path):
    counts = {}
    with open(path) as f:
        for line in f:
            addr, n = line.split()
            counts[int(addr, 16)] = int(n)
    return counts


def per_function(d, fw, ksyms):
    info = guest_info(f'{d}/{fw}.log')
    packets = int(info.get('units', '0'))
    if not packets:
        sys.exit(f'report: {fw}: nothing counted (no packets delivered, no '
                 f'rules loaded; see {d}/{fw}.log)')
    stext = [a for a, n in ksyms if n == '_stext']
    if info.get('stext') and stext and int(info['stext'], 16) != stext[0]:
        sys.exit(f'report: {fw}: the kernel moved (KASLR?); remove the '
                 'cached symbols and rerun')
    syms = sorted(ksyms + module_symbols(f'{d}/{fw}.log'))
    addrs = [a for a, _ in syms]
    try:
        before, after = snapshot(f'{d}/{fw}.0'), snapshot(f'{d}/{fw}.1')
    except FileNotFoundError:
        sys.exit(f'report: {fw}: no snapshots (was syncfs reached?)')
    funcs = {}
    for addr, n in after.items():
        n -= before.get(addr, 0)
        if n <= 0:
            continue
        i = bisect.bisect_right(addrs, addr) - 1
        name = syms[i][1] if i >= 0 else '?'
        funcs[name] = funcs.get(name, 0) + n
    return packets, {k: v / packets for k, v in funcs.items()}, \
        info.get('unit', 'packet')


def main():
    d, ksyms_path = sys.argv[1:3]
    fws = sys.argv[3:]
    ksyms = kernel_symbols(ksyms_path)
    runs = {fw: per_function(d, fw, ksyms) for fw in fws}
    base = sum(runs[fws[0]][1].values())
    unit = runs[fws[-1]][2]
    what = {'packet': 'forwarded packet', 'rule': 'rule loaded'}[unit]
    print(f'Kernel instructions per {what} (exact counts, '
          'tbcount under -icount)\n')
    # a ratio of rates only means something for packets
    ratio = unit == 'packet'
    print(f'| firewall | {unit}s | instructions | added |'
          + (' ratio to none |' if ratio else ''))
    print('|---|---:|---:|---:|' + ('---:|' if ratio else ''))
    for fw in fws:
        total = sum(runs[fw][1].values())
        print(f'| {fw} | {runs[fw][0]} | {total:.0f} | {total - base:+.0f} |'
              + (f' {base / total:.3f} |' if ratio else ''))
    for fw in fws[1:]:
        print(f'\nWhat {fw} adds, by function (instructions per '
              f'{unit}):\n')
        mine, none = runs[fw][1], runs[fws[0]][1]
        diff = sorted(((mine.get(k, 0) - none.get(k, 0), k)
                       for k in set(mine) | set(none)), reverse=True)
        for n, k in diff:
            if abs(n) >= 1:
                print(f'  {n:+8.1f}  {k}')


if __name__ == '__main__':
    main()
