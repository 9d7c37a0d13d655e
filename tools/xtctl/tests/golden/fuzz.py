#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Random but valid iptables rules for the golden tests:
#   ./fuzz.py SEED [6] > fuzzN.vX.rules && ./oracle.sh fuzzN.vX.rules
# oracle.sh records what iptables-legacy prints for them; the unit tests
# then hold xtctl to it. fuzz1.v4 and fuzz2.v6 are kept; other seeds are
# a quick way to look for new differences.
import random, sys
random.seed(int(sys.argv[1]))
v6 = len(sys.argv) > 2 and sys.argv[2] == '6'
def addr():
    if v6:
        a = random.choice(['2001:db8::1','fe80::','2001:db8:1::','::1','fd00::5'])
        return a + random.choice(['','/64','/128','/0','/48','/ffff:ffff::'])
    a = '%d.%d.%d.%d' % tuple(random.randint(0,255) for _ in range(4))
    return a + random.choice(['','/8','/24','/32','/0','/255.255.0.255','/16'])
def port():
    p = random.randint(0,65535)
    r = random.random()
    if r < 0.3: return '%d:%d' % (p, min(65535, p+random.randint(0,100)))
    if r < 0.35: return '%d:' % p
    if r < 0.4: return ':%d' % p
    return str(p)
def inv(): return '! ' if random.random() < 0.3 else ''
lines=[]
for i in range(400):
    chain = random.choice(['INPUT','FORWARD','OUTPUT'])
    parts=[]
    if random.random()<0.3: parts.append(inv()+'-s '+addr())
    if random.random()<0.3: parts.append(inv()+'-d '+addr())
    if chain=='FORWARD' and random.random()<0.4: parts.append(inv()+'-i '+random.choice(['eth0','ppp+','br-x','+']))
    if chain!='INPUT' and random.random()<0.3: parts.append(inv()+'-o '+random.choice(['eth1','tun+','lo']))
    proto = random.choice([None,'tcp','udp','sctp','udplite','icmp','all','47','17', 'TCP'])
    if v6 and proto=='icmp': proto='ipv6-icmp'
    pinv = '! ' if random.random()<0.1 and proto not in (None,'all') else ''
    if proto: parts.append(pinv+'-p '+proto)
    if not v6 and random.random()<0.05: parts.append(inv()+'-f')
    pl = (proto or '').lower()
    if not pinv and pl in ('tcp','udp','sctp') and random.random()<0.8:
        if random.random()<0.5: parts.append(inv()+'--sport '+port())
        if random.random()<0.7: parts.append(inv()+'--dport '+port())
        if pl=='tcp' and random.random()<0.3: parts.append(inv()+random.choice(['--syn','--tcp-flags SYN,ACK SYN','--tcp-flags ALL NONE','--tcp-flags FIN,RST,URG FIN']))
        if pl=='tcp' and random.random()<0.2: parts.append(inv()+'--tcp-option %d'%random.randint(1,255))
    if not pinv and pl in ('tcp','udp','sctp') and random.random()<0.3:
        n=random.randint(1,5); ps=[]
        for k in range(n): ps.append(str(random.randint(1,65535)) if random.random()<0.7 else '%d:%d'%(k*100+1,k*100+50))
        parts.append('-m multiport '+inv()+random.choice(['--dports ','--sports ','--ports '])+','.join(ps))
    if not pinv and pl in ('icmp','ipv6-icmp') and random.random()<0.8:
        t = random.choice(['echo-request','8','3/4','0','11','time-exceeded','any','port-unreachable','13','44']) if not v6 else random.choice(['echo-request','128','1/3','2','135','neighbour-advertisement','packet-too-big','133/0'])
        parts.append(inv()+('--icmp-type ' if not v6 else '--icmpv6-type ')+t)
    if random.random()<0.2: parts.append('-m conntrack '+inv()+'--ctstate '+','.join(random.sample(['NEW','ESTABLISHED','RELATED','INVALID','UNTRACKED','SNAT','DNAT'],random.randint(1,3))))
    if random.random()<0.1: parts.append('-m state '+inv()+'--state '+','.join(random.sample(['NEW','ESTABLISHED','RELATED','INVALID','UNTRACKED'],random.randint(1,3))))
    if random.random()<0.15: parts.append('-m mark '+inv()+'--mark 0x%x'%random.randint(0,2**32-1)+random.choice(['','/0xff','/0xffffffff','/0']))
    if random.random()<0.1: parts.append('-m connmark '+inv()+'--mark %d'%random.randint(0,1000)+random.choice(['','/0xf0']))
    if random.random()<0.2: parts.append('-m limit --limit %d/%s'%(random.randint(1,10000),random.choice(['s','sec','second','m','min','minute','h','hour','d','day']))+random.choice(['',' --limit-burst %d'%random.randint(1,10000)]))
    if random.random()<0.1: parts.append('-m length '+inv()+'--length '+random.choice(['%d'%random.randint(0,65535),'%d:%d'%(10,random.randint(10,65535)),'100:']))
    if random.random()<0.1: parts.append('-m '+('hl' if v6 else 'ttl')+' '+random.choice(['--%s-eq %d','! --%s-eq %d','--%s-lt %d','--%s-gt %d'])%('hl' if v6 else 'ttl', random.randint(0,255)))
    if random.random()<0.1:
        r='-m iprange'
        a = ('2001:db8::1-2001:db8::ff' if v6 else '10.0.0.1-10.0.0.%d'%random.randint(1,255))
        if random.random()<0.6: r+=' '+inv()+'--src-range '+a
        else: r+=' '+inv()+'--dst-range '+a
        parts.append(r)
    if random.random()<0.1: parts.append('-m comment --comment '+random.choice(['simple','"with space"','"q\\"uote"','x_-9','"a/b"']))
    if random.random()<0.1 and not v6: parts.append('-m addrtype '+inv()+random.choice(['--src-type ','--dst-type '])+','.join(random.sample(['UNICAST','LOCAL','BROADCAST','MULTICAST','ANYCAST','BLACKHOLE'],random.randint(1,3))))
    if random.random()<0.1:
        c=random.choice(['--set','--rcheck --seconds 10','--update --seconds 60 --hitcount 3','--remove','--rcheck --seconds 5 --reap --rttl'])
        parts.append('-m recent '+inv()+c+random.choice(['',' --name X',' --name long_name-1'])+random.choice(['',' --rdest',' --rsource'])+(random.choice(['',' --mask 255.255.0.0']) if not v6 else ''))
    if random.random()<0.1 and chain=='OUTPUT': parts.append('-m owner '+inv()+'--uid-owner '+random.choice(['0','1000','100-200','root'])+random.choice(['',' '+inv()+'--gid-owner 5']))
    if random.random()<0.08: parts.append('-m statistic '+random.choice(['--mode random --probability %.3f'%random.random(),'--mode random ! --probability 0.5','--mode nth --every %d --packet 0'%random.randint(1,9),'--mode nth ! --every 10 --packet 3']))
    if random.random()<0.08: parts.append('-m pkttype '+inv()+'--pkt-type '+random.choice(['unicast','broadcast','multicast','host']))
    if v6 and random.random()<0.08: parts.append('-m rt '+random.choice(['--rt-type 0','! --rt-type 2 --rt-segsleft 1:9','--rt-segsleft 3']))
    if v6 and random.random()<0.08: parts.append('-m frag '+random.choice(['--fragid 5','! --fragid 1:99 --fragfirst','--fragmore','--fraglast']))
    tgt = random.choice(['-j ACCEPT','-j DROP','-j RETURN','','-j LOG --log-prefix "p %d "'%i,'-j LOG --log-level %d --log-tcp-options'%random.randint(0,7),'-j REJECT','-j MARK --set-mark %d'%random.randint(0,9),'-j MARK --xor-mark 0x9','-j CONNMARK --restore-mark','-j U1','-g U2'])
    if tgt=='-j REJECT':
        if pl=='tcp' and not pinv and random.random()<0.5: tgt+=' --reject-with tcp-reset'
        elif random.random()<0.5: tgt+=' --reject-with '+(random.choice(['icmp-net-unreachable','icmp-host-prohibited','icmp-admin-prohibited']) if not v6 else random.choice(['icmp6-no-route','icmp6-adm-prohibited']))
    if tgt: parts.append(tgt)
    lines.append('-A %s %s' % (chain, ' '.join(parts)))
print('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:U1 - [0:0]\n:U2 - [0:0]')
print('\n'.join(lines))
print('-A U1 -j RETURN\nCOMMIT')
