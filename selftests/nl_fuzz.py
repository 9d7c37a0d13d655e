#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the xtfw Generic Netlink family from raw AF_NETLINK sockets.

Usage: nl_fuzz.py [--seed N] [--time S] [--no-zero]

Sends random and mutated messages of every xtfw command (and of commands
the family does not have): attributes of the wrong type and length, bad
nla_len, truncated netlink and genetlink headers, bad and deep nesting,
missing and duplicate attributes, thousands of attributes, batches of
messages, transactions interleaved over several sockets, left open,
aborted, or ended by closing the socket, more open transactions than a
namespace allows, and dumps read in full or abandoned part way.

It never commits a transaction that could succeed: before any message whose
final bytes say COMMIT it sends, on the same socket, NEWCHAIN with an empty
chain name, which poisons an open transaction (or finds none, or one already
poisoned). Transactions that it commits on purpose are doomed: built on a
stale generation, or holding a jump loop. So the ruleset generation must not
move, and any COMMIT that succeeds is a failure.

Checks, each a failure (exit 1) when it does not hold:
  * every message with NLM_F_ACK and a well-formed netlink header is
    answered (NLMSG_ERROR, or NLMSG_DONE for a dump);
  * no COMMIT succeeds; the generation at the end is the one at the start;
  * with more open transactions than allowed, BEGIN fails with EBUSY, and
    after those sockets close a new one can BEGIN again;
  * a full dump ends with NLMSG_DONE.

Prints the seed and counts of what was sent and answered; the last line is
"nl_fuzz: ... zero_ok=N" so that the caller knows whether counters may have
been zeroed (--no-zero: no ZERO message is ever sent).
"""

import argparse
import errno
import os
import random
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY = 3, 10
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
SO_RCVBUFFORCE = 33

# enum xtfw_cmd
(GETGEN, BEGIN, NEWTABLE, DELTABLE, NEWCHAIN, NEWRULE, COMMIT, ABORT,
 GETRULESET, ZERO, CT_GET, CT_DELETE, CT_FLUSH, CT_GETCONF, CT_SETCONF,
 CT_STATS, TRACE, CT_EVENT, EXPLAIN) = range(1, 20)
CMD_NAMES = {v: k for k, v in dict(
    GETGEN=GETGEN, BEGIN=BEGIN, NEWTABLE=NEWTABLE, DELTABLE=DELTABLE,
    NEWCHAIN=NEWCHAIN, NEWRULE=NEWRULE, COMMIT=COMMIT, ABORT=ABORT,
    GETRULESET=GETRULESET, ZERO=ZERO, CT_GET=CT_GET, CT_DELETE=CT_DELETE,
    CT_FLUSH=CT_FLUSH, CT_GETCONF=CT_GETCONF, CT_SETCONF=CT_SETCONF,
    CT_STATS=CT_STATS, TRACE=TRACE, CT_EVENT=CT_EVENT,
    EXPLAIN=EXPLAIN).items()}
DUMP_CMDS = (GETRULESET, CT_GET)

# enum xtfw_attr
A_GENERATION, A_FAMILY, A_TABLE, A_CHAIN, A_POLICY, A_COUNTERS, A_RULE = \
    range(1, 8)
A_CT_FILTER, A_CT_CONF, A_EXPLAIN = 12, 13, 18

# Attribute schemas: type number -> kind. A kind is 'u8', 'u16', 'u32',
# 'u64', 'str', 'flag', ('bin', LEN), ('nest', SCHEMA), ('array', SCHEMA).
COUNTERS = {1: 'u64', 2: 'u64'}
MATCH = {1: 'u32', 2: 'u32', 3: ('bin', 4), 4: ('bin', 4), 5: ('bin', 2),
         6: 'u8', 7: 'u8', 8: ('bin', 2), 9: ('bin', 60), 10: 'u8',
         11: 'u32', 12: 'u32', 13: 'u32', 14: 'u32', 15: 'u32',
         16: ('bin', 4), 17: 'u8', 18: 'u8', 19: ('bin', 32),
         20: ('bin', 32), 21: 'str', 22: 'u16', 23: 'u16', 24: 'u32',
         25: 'str', 26: 'u8', 27: 'u32', 28: 'u32', 29: 'u32',
         30: ('bin', 16), 31: ('bin', 8), 32: ('bin', 8), 33: 'u8',
         34: 'u32', 35: 'u32', 36: 'u32', 37: 'u8', 38: 'u8', 39: ('bin', 8),
         40: ('bin', 8), 41: 'u32'}
TARGET = {1: 'u32', 2: 'str', 3: 'u8', 4: 'str', 5: 'u8', 6: 'u32',
          7: 'u32', 8: 'u32', 9: 'u8', 10: 'u32', 11: 'u32', 12: 'u8',
          13: 'u8', 14: ('bin', 36), 15: 'u32'}
RULE = {1: ('bin', 16), 2: ('bin', 16), 3: ('bin', 16), 4: ('bin', 16),
        5: 'str', 6: 'str', 7: 'u8', 8: 'flag', 9: 'u32',
        10: ('array', MATCH), 11: ('nest', TARGET)}
CT = {1: 'u8', 2: 'u8', 3: ('bin', 16), 4: ('bin', 16), 5: 'u16', 6: 'u16',
      7: ('bin', 16), 8: ('bin', 16), 9: 'u16', 10: 'u16', 11: 'u32',
      12: 'u8', 13: 'u32', 14: 'u32', 15: 'u64', 16: 'u64', 17: 'u64',
      18: 'u64', 19: 'u32', 20: 'u32', 21: 'u32'}
TIMEOUT = {1: 'u8', 2: 'u8', 3: 'u32'}
CTCONF = {1: 'u32', 2: 'u8', 3: ('nest', TIMEOUT), 4: 'u32', 5: 'u32'}
EXPLAIN_S = {1: 'u8', 2: 'str', 3: 'str', 4: ('bin', 16), 5: ('bin', 16),
             6: 'u8', 7: 'u16', 8: 'u16', 9: 'u8', 10: 'u8', 11: 'u8',
             12: 'u32', 13: 'u32', 14: 'u16', 16: 'u32', 17: 'str'}
TOP = {1: 'u64', 2: 'u8', 3: 'u8', 4: 'str', 5: 'u8', 6: ('nest', COUNTERS),
       7: ('nest', RULE), 8: 'u32', 9: 'u32', 10: 'u32', 11: ('nest', CT),
       12: ('nest', CT), 13: ('nest', CTCONF), 14: ('nest', {}), 16:
       ('nest', {}), 17: 'u8', 18: ('nest', EXPLAIN_S)}

CHAINS = ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING',
          'fz_a', 'fz_b', 'web', 'x' * 28, 'x' * 29, '', 'PREROUTING\0x']


class Fail(Exception):
    pass


R = random.Random()


def nla(atype, payload):
    # an attribute over 64 KiB gets a wrapped nla_len: one more bad length
    hdr = struct.pack('=HH', (4 + len(payload)) & 0xffff, atype)
    return hdr + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def nest(atype, attrs):
    return nla(atype | NLA_F_NESTED, b''.join(attrs))


def rand_bytes(n):
    return R.getrandbits(8 * n).to_bytes(n, 'little') if n else b''


def rand_int(bits):
    choice = R.random()
    if choice < 0.3:
        return R.choice([0, 1, 2, 3, 4, 5, 7, 8, 0xff, 0xffff]) & \
            ((1 << bits) - 1)
    if choice < 0.4:
        return (1 << bits) - 1
    return R.getrandbits(bits)


def rand_str():
    choice = R.random()
    if choice < 0.5:
        return R.choice(CHAINS)
    if choice < 0.7:
        return 'fz' + str(R.randrange(100))
    return ''.join(chr(R.randrange(1, 256)) for _ in range(R.randrange(300)))


def value(kind):
    """A payload of the right shape for KIND, with random contents."""
    if kind == 'u8':
        return struct.pack('=B', rand_int(8))
    if kind == 'u16':
        return struct.pack('=H', rand_int(16))
    if kind == 'u32':
        return struct.pack('=I', rand_int(32))
    if kind == 'u64':
        return struct.pack('=Q', rand_int(64))
    if kind == 'str':
        return rand_str().encode('latin-1') + b'\0'
    if kind == 'flag':
        return b''
    if kind[0] == 'bin':
        return rand_bytes(kind[1] if R.random() < 0.8 else R.randrange(80))
    if kind[0] == 'nest':
        return b''.join(attrs_of(kind[1], R.randrange(6)))
    return b''.join(nest(1, attrs_of(kind[1], R.randrange(1, 5)))
                    for _ in range(R.randrange(1, 6)))


def wrong_value():
    """A payload of some other shape."""
    choice = R.randrange(9)
    if choice < 5:
        return rand_bytes((0, 1, 2, 3, 5)[choice])
    if choice == 5:
        return rand_bytes(R.randrange(4096))
    return (b'\xff' * 8, b'abc', b'\0' * 16)[choice - 6]


def attr(atype, kind):
    payload = value(kind) if R.random() < 0.85 else wrong_value()
    flag = NLA_F_NESTED if isinstance(kind, tuple) and kind[0] in \
        ('nest', 'array') else 0
    if R.random() < 0.05:
        flag ^= NLA_F_NESTED
    return nla(atype | flag, payload)


def attrs_of(schema, n):
    out = []
    for _ in range(n):
        if schema and R.random() < 0.9:
            atype = R.choice(list(schema))
            out.append(attr(atype, schema[atype]))
        else:
            out.append(nla(R.choice([0, 255, 0x3fff, len(schema) + 1,
                                     R.randrange(64)]), wrong_value()))
    return out


# Well-formed requests of each command, with random but plausible values.
def u8(atype, v):
    return nla(atype, struct.pack('=B', v))


def fam_tab():
    return [u8(A_FAMILY, R.randrange(2)), u8(A_TABLE, R.randrange(5))]


def good_match():
    mtype = R.randrange(1, 25)
    out = [nla(1, struct.pack('=I', mtype))]
    out += attrs_of(MATCH, R.randrange(4))
    return nest(1, out)


def good_rule():
    out = []
    if R.random() < 0.5:
        out.append(u8(7, R.choice([6, 17, 1, 58, 132, 0])))
    if R.random() < 0.4:
        out.append(nla(1, socket.inet_aton('10.%d.0.1' % R.randrange(256))
                       + b'\0' * 12))
        out.append(nla(2, b'\xff' * 4 + b'\0' * 12))
    if R.random() < 0.6:
        out.append(nest(10, [good_match() for _ in range(R.randrange(1, 4))]))
    if R.random() < 0.8:
        tgt = [nla(1, struct.pack('=I', R.randrange(19)))]
        if R.random() < 0.3:
            tgt.append(nla(2, R.choice(CHAINS).encode() + b'\0'))
        tgt += attrs_of(TARGET, R.randrange(3))
        out.append(nest(11, tgt))
    out += attrs_of(RULE, R.randrange(2))
    return nest(A_RULE, out)


def good_attrs(cmd):
    chain = nla(A_CHAIN, R.choice(CHAINS).encode() + b'\0')
    if cmd == BEGIN:
        return [nla(A_GENERATION, struct.pack('=Q', rand_int(64)))] \
            if R.random() < 0.3 else []
    if cmd in (NEWTABLE, DELTABLE):
        return fam_tab()
    if cmd == NEWCHAIN:
        out = fam_tab() + [chain]
        if R.random() < 0.5:
            out.append(u8(A_POLICY, R.randrange(3)))
        if R.random() < 0.3:
            out.append(nest(A_COUNTERS, attrs_of(COUNTERS, 2)))
        return out
    if cmd == NEWRULE:
        # one rule, or several (version 2 of the family)
        n = R.choice([1, 1, 1, 2, 7, 60])
        out = fam_tab() + [chain] + [good_rule() for _ in range(n)]
        if R.random() < 0.2:
            out.append(nest(A_COUNTERS, attrs_of(COUNTERS, 2)))
        return out
    if cmd == GETRULESET:
        return fam_tab()[:R.randrange(3)]
    if cmd == ZERO:
        return fam_tab()[:R.randrange(1, 3)] + \
            ([chain] if R.random() < 0.5 else [])
    if cmd in (CT_GET, CT_DELETE):
        return [nest(A_CT_FILTER, attrs_of(CT, R.randrange(4)))] + \
            fam_tab()[:R.randrange(2)]
    if cmd == CT_FLUSH:
        return fam_tab()[:R.randrange(2)]
    if cmd == CT_SETCONF:
        return [nest(A_CT_CONF, attrs_of(CTCONF, R.randrange(4)))]
    if cmd == EXPLAIN:
        return fam_tab()[:1] + [nest(A_EXPLAIN, [u8(1, R.randrange(6))] +
                                     attrs_of(EXPLAIN_S, R.randrange(6)))]
    return []


def deep_nest(depth):
    inner = nla(1, b'\0' * 4)
    for _ in range(depth):
        inner = nla(R.choice([A_RULE, 10, 11, 1]) | NLA_F_NESTED, inner)
    return inner


def mutate_attrs(cmd, attrs):
    """Turn a request's attribute list into something wrong."""
    choice = R.randrange(10)
    if choice == 0 and attrs:                   # drop a (required?) one
        del attrs[R.randrange(len(attrs))]
    elif choice == 1 and attrs:                 # duplicate one
        attrs.insert(R.randrange(len(attrs) + 1), R.choice(attrs))
    elif choice == 2:                           # random attributes
        attrs += attrs_of(TOP, R.randrange(1, 8))
    elif choice == 3:                           # wrong payload
        attrs.append(nla(R.choice(list(TOP)), wrong_value()))
    elif choice == 4:                           # deep nesting
        attrs.append(deep_nest(R.choice([3, 8, 30, 100, 500])))
    elif choice == 5:                           # thousands of attributes
        n = R.choice([100, 1000, 4000])
        attrs += [attr(R.choice(list(TOP)), 'u8') for _ in range(n)]
    elif choice == 6:                           # a rule with many matches
        attrs.append(nest(A_RULE, [nest(10, [good_match() for _ in
                                             range(R.choice([50, 500]))])]))
    elif choice == 7 and attrs:                 # bad nla_len in one
        blob = bytearray(b''.join(attrs))
        off = R.randrange(0, len(blob), 4) if len(blob) >= 4 else 0
        if len(blob) >= off + 2:
            struct.pack_into('=H', blob, off, R.choice(
                [0, 1, 3, 4, 5, 0xffff, len(blob) - off + 4]))
        return bytes(blob)
    elif choice == 8:                           # flip random bytes
        blob = bytearray(b''.join(attrs))
        for _ in range(R.randrange(1, 6)):
            if blob:
                blob[R.randrange(len(blob))] = R.getrandbits(8)
        return bytes(blob)
    else:                                       # truncate the tail
        blob = b''.join(attrs)
        return blob[:R.randrange(len(blob) + 1)]
    return b''.join(attrs)


class Msg:
    """One netlink message as bytes, with what the kernel owes us for it."""

    def __init__(self, data, seq, expect, cmd):
        self.data, self.seq, self.expect, self.cmd = data, seq, expect, cmd


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.seq = 1000
        self.stats = {}
        self.socks = []
        self.fam = self.resolve()
        self.other_types = [0xfff0, 0xfffe]   # no family has these
        self.gen0 = self.getgen()
        self.commit_ok = 0
        self.zero_ok = 0

    def count(self, what, n=1):
        self.stats[what] = self.stats.get(what, 0) + n

    # --- sockets ---------------------------------------------------------

    def open(self):
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        try:
            s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        except OSError:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.bind((0, 0))
        self.count('sockets opened')
        return s

    def sock(self):
        while len(self.socks) < 6:
            self.socks.append(self.open())
        return R.choice(self.socks)

    def close(self, s):
        if s in self.socks:
            self.socks.remove(s)
        s.close()
        self.count('sockets closed')

    # --- messages ----------------------------------------------------------

    def next_seq(self):
        self.seq += 1
        return self.seq

    def build(self, cmd, attrs, flags=NLM_F_REQUEST | NLM_F_ACK, mtype=None,
              version=1):
        payload = attrs if isinstance(attrs, bytes) else b''.join(attrs)
        seq = self.next_seq()
        body = struct.pack('=BBH', cmd, version, 0) + payload
        data = struct.pack('=IHHII', 16 + len(body),
                           self.fam if mtype is None else mtype, flags, seq,
                           0) + body
        return Msg(data, seq, flags & NLM_F_ACK, cmd)

    def request(self, cmd, attrs=None, flags=NLM_F_REQUEST | NLM_F_ACK):
        return self.build(cmd, good_attrs(cmd) if attrs is None else attrs,
                          flags)

    def random_msg(self):
        """A request of a random command, mostly mutated."""
        cmd = R.randrange(256) if R.random() < 0.05 else R.randrange(22)
        if self.args.no_zero and cmd == ZERO:
            cmd = GETGEN
        attrs = good_attrs(cmd)
        if R.random() < 0.75:
            attrs = mutate_attrs(cmd, attrs)
        flags = NLM_F_REQUEST
        if R.random() < 0.9:
            flags |= NLM_F_ACK
        if R.random() < 0.1:
            flags |= R.choice([NLM_F_DUMP, NLM_F_ROOT, NLM_F_ECHO,
                               R.getrandbits(16)])
        if cmd in DUMP_CMDS and R.random() < 0.7:
            flags |= NLM_F_DUMP
        if R.random() < 0.05:
            flags &= ~NLM_F_REQUEST
        mtype = None
        if R.random() < 0.04:
            mtype = R.choice([0, 1, 2, 3, 4, 15, GENL_ID_CTRL] +
                             self.other_types)
        msg = self.build(cmd, attrs, flags, mtype,
                         version=R.choice([1, 1, 1, 0, 2, 255]))
        return self.mangle_header(msg)

    def mangle_header(self, msg):
        """Sometimes break the netlink or genetlink header itself."""
        choice = R.random()
        data = bytearray(msg.data)
        if choice < 0.03:           # too short for a netlink header
            msg.data = bytes(data[:R.randrange(16)])
            msg.expect = 0
        elif choice < 0.06:         # nlmsg_len beyond the data
            struct.pack_into('=I', data, 0, len(data) + R.randrange(1, 99))
            msg.data, msg.expect = bytes(data), 0
        elif choice < 0.09:         # nlmsg_len < 16: the kernel stops
            struct.pack_into('=I', data, 0, R.randrange(16))
            msg.data, msg.expect = bytes(data), 0
        elif choice < 0.13:         # no or half a genetlink header
            cut = R.randrange(16, 20)
            struct.pack_into('=I', data, 0, cut)
            msg.data = bytes(data[:cut])
        return msg

    def is_commit(self, data):
        if len(data) < 20:
            return False
        nlen, mtype, flags = struct.unpack_from('=IHH', data)
        return (mtype == self.fam and data[16] == COMMIT and
                flags & NLM_F_REQUEST and 20 <= nlen <= len(data))

    def guard(self):
        """NEWCHAIN with an empty chain: poisons an open transaction."""
        self.count('guards')
        return self.build(NEWCHAIN, [u8(A_FAMILY, 0), u8(A_TABLE, 3),
                                     nla(A_CHAIN, b'\0')])

    # --- send and receive ----------------------------------------------------

    def send(self, s, msgs, doomed=False):
        """Send MSGS in one buffer; return {seq: (errno, nlmsghdr type)}."""
        wire = []
        for m in msgs:
            if self.is_commit(m.data) and not doomed:
                wire.append(self.guard())
            wire.append(m)
        blob = b''
        pending = {}
        for m in wire:
            blob += m.data + b'\0' * ((4 - len(m.data) % 4) % 4)
            self.count('messages sent')
            if len(m.data) >= 20 and m.data[16] in CMD_NAMES and \
                    struct.unpack_from('=H', m.data, 4)[0] == self.fam:
                self.count('sent ' + CMD_NAMES[m.data[16]])
        # The kernel stops at the first header it cannot parse; what it
        # owes is an answer to each acked message before that one.
        for m in wire:
            if len(m.data) < 16:
                break
            nlen = struct.unpack_from('=I', m.data)[0]
            if nlen < 16 or nlen > len(m.data):
                break
            if m.expect:
                pending[m.seq] = m
        try:
            s.send(blob)
        except OSError as e:
            self.count('send errors %s' % errno.errorcode.get(e.errno, e.errno))
            return {}
        answers = self.drain(s, pending)
        for seq, m in pending.items():
            if seq not in answers:
                raise Fail('no answer to message seq %d (cmd %d, %d bytes)'
                           % (seq, m.cmd, len(m.data)))
        return answers

    def drain(self, s, pending, timeout=2.0):
        answers = {}
        deadline = time.monotonic() + timeout
        while True:
            waiting = any(q not in answers for q in pending)
            left = deadline - time.monotonic() if waiting else 0
            ready, _, _ = select.select([s], [], [], max(left, 0))
            if not ready:
                return answers
            try:
                buf = s.recv(1 << 20)
            except OSError as e:
                self.count('recv errors %s' %
                           errno.errorcode.get(e.errno, e.errno))
                if e.errno == errno.ENOBUFS:
                    raise Fail('the receive buffer overran: answers lost')
                continue
            self.parse(buf, answers)

    def parse(self, buf, answers):
        off = 0
        while off + 16 <= len(buf):
            nlen, mtype, _, seq, _ = struct.unpack_from('=IHHII', buf, off)
            if nlen < 16:
                break
            if mtype == NLMSG_ERROR:
                err = -struct.unpack_from('=i', buf, off + 16)[0]
                answers[seq] = (err, mtype)
                self.count('answers ' + ('ack' if err == 0 else
                                         errno.errorcode.get(err, str(err))))
                if seq in self.commits and err == 0:
                    self.commit_ok += 1
                if seq in self.zeros and err == 0:
                    self.zero_ok += 1
            elif mtype == NLMSG_DONE:
                answers[seq] = (0, mtype)
                self.count('answers done')
            else:
                self.count('replies')
                if seq in self.commits and mtype == self.fam:
                    self.commit_ok += 1
            off += (nlen + 3) & ~3

    commits = set()
    zeros = set()

    def send_tracked(self, s, msgs, doomed=False):
        for m in msgs:
            if self.is_commit(m.data):
                self.commits.add(m.seq)
            if len(m.data) >= 20 and m.data[16] == ZERO and \
                    struct.unpack_from('=H', m.data, 4)[0] == self.fam:
                self.zeros.add(m.seq)
        return self.send(s, msgs, doomed)

    # --- control -------------------------------------------------------------

    def resolve(self):
        s = self.open()
        seq = self.next_seq()
        body = struct.pack('=BBH', CTRL_CMD_GETFAMILY, 1, 0) + \
            nla(CTRL_ATTR_FAMILY_NAME, b'xtfw\0')
        s.send(struct.pack('=IHHII', 16 + len(body), GENL_ID_CTRL,
                           NLM_F_REQUEST, seq, 0) + body)
        buf = s.recv(65536)
        s.close()
        nlen, mtype = struct.unpack_from('=IH', buf)
        if mtype == NLMSG_ERROR:
            raise Fail('no xtfw genetlink family')
        off = 20
        while off + 4 <= nlen:
            alen, atype = struct.unpack_from('=HH', buf, off)
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack_from('=H', buf, off + 4)[0]
            off += (alen + 3) & ~3
        raise Fail('CTRL_CMD_GETFAMILY: no family id')

    def getgen(self):
        s = self.open()
        msg = self.build(GETGEN, [], NLM_F_REQUEST)
        s.send(msg.data)
        buf = s.recv(65536)
        s.close()
        nlen, mtype = struct.unpack_from('=IH', buf)
        if mtype != self.fam or nlen < 32:
            raise Fail('GETGEN: unexpected answer type %d' % mtype)
        return struct.unpack_from('=Q', buf, 24)[0]

    # --- scenarios -------------------------------------------------------

    def one_random(self):
        self.send_tracked(self.sock(), [self.random_msg()])

    def batch(self):
        msgs = [self.random_msg() for _ in range(R.randrange(2, 12))]
        self.count('batches')
        self.send_tracked(self.sock(), msgs)

    def ctrl(self):
        """The controller on our family: GETFAMILY and the policy dump."""
        s = self.sock()
        cmd = R.choice([CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY])
        attrs = [nla(CTRL_ATTR_FAMILY_NAME, b'xtfw\0')]
        if R.random() < 0.5:
            attrs.append(nla(CTRL_ATTR_FAMILY_ID, struct.pack('=H', self.fam)))
        if R.random() < 0.5:
            attrs.append(nla(10, struct.pack('=I', R.randrange(25))))
        flags = NLM_F_REQUEST | NLM_F_ACK
        if cmd == CTRL_CMD_GETPOLICY or R.random() < 0.2:
            flags |= NLM_F_DUMP
        self.count('ctrl requests')
        self.send_tracked(s, [self.build(cmd, attrs, flags, GENL_ID_CTRL)])

    def transaction(self):
        """BEGIN and steps, mostly well-formed, then one of many ends."""
        s = self.sock()
        msgs = [self.request(BEGIN)]
        fam, tab = R.randrange(2), R.randrange(5)
        ft = [u8(A_FAMILY, fam), u8(A_TABLE, tab)]
        msgs.append(self.request(NEWTABLE, ft))
        for _ in range(R.randrange(8)):
            cmd = R.choice([NEWCHAIN, NEWRULE, NEWRULE, NEWRULE, DELTABLE,
                            NEWTABLE])
            attrs = good_attrs(cmd)
            if R.random() < 0.3:
                attrs = mutate_attrs(cmd, attrs)
            msgs.append(self.build(cmd, attrs))
        self.count('transactions')
        if R.random() < 0.5:
            self.send_tracked(s, msgs)
        else:   # interleave: message by message over this and another
            other = self.sock()
            for m in msgs:
                self.send_tracked(R.choice([s, other]), [m])
        end = R.randrange(5)
        if end == 0:
            self.send_tracked(s, [self.request(ABORT)])
        elif end == 1:
            self.send_tracked(s, [self.request(COMMIT)])    # guarded
        elif end == 2:
            self.close(s)
            self.count('closed mid-transaction')
        elif end == 3:
            self.send_tracked(s, [self.request(BEGIN)])     # restart
        # else: left open

    def doomed(self):
        """A clean transaction COMMIT must refuse: stale or a jump loop."""
        s = self.sock()
        stale = R.random() < 0.5
        begin = []
        if stale:
            gen = (self.gen0 + R.choice([1, 2, 1 << 40, -1])) % (1 << 64)
            begin = [nla(A_GENERATION, struct.pack('=Q', gen))]
        fam = R.randrange(2)
        ft = [u8(A_FAMILY, fam), u8(A_TABLE, 3)]

        def jump(src, dst):
            tgt = nest(11, [nla(1, struct.pack('=I', 4)),
                            nla(2, dst.encode() + b'\0')])
            return self.build(NEWRULE, ft + [nla(A_CHAIN, src.encode() +
                                                 b'\0'), nest(A_RULE, [tgt])])
        msgs = [self.build(BEGIN, begin), self.build(NEWTABLE, ft)]
        for c in ('fz_a', 'fz_b', 'fz_c'):
            msgs.append(self.build(NEWCHAIN, ft + [nla(A_CHAIN, c.encode() +
                                                       b'\0')]))
        msgs += [jump('INPUT', 'fz_a'), jump('fz_a', 'fz_b')]
        if not stale:
            msgs.append(jump('fz_b', R.choice(['fz_a', 'fz_b'])))
        for _ in range(R.randrange(4)):
            msgs.append(self.build(NEWRULE, ft + [
                nla(A_CHAIN, b'fz_c\0'), good_rule()]))
        commit = self.build(COMMIT, [])
        self.count('doomed transactions')
        self.send_tracked(s, msgs)
        answers = self.send_tracked(s, [commit], doomed=True)
        err = answers.get(commit.seq, (None,))[0]
        if err == 0:
            raise Fail('COMMIT of a %s transaction succeeded' %
                       ('stale' if stale else 'looping'))
        self.count('doomed commit %s' % errno.errorcode.get(err, err))

    def dump(self):
        """A dump read in full, or abandoned after its first part."""
        s = self.sock()
        cmd = R.choice([GETRULESET, GETRULESET, CT_GET])
        m = self.build(cmd, good_attrs(cmd)[:R.randrange(2)]
                       if cmd == GETRULESET else [],
                       NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
        self.drain(s, {})           # finish what this socket still reads
        if R.random() < 0.5:
            self.count('dumps read')
            answers = self.send(s, [m])
            if answers.get(m.seq, (None, None))[1] != NLMSG_DONE:
                raise Fail('dump of cmd %d ended without NLMSG_DONE: %r' %
                           (cmd, answers.get(m.seq)))
            return
        self.count('dumps abandoned')
        s.send(m.data)
        select.select([s], [], [], 1.0)
        try:
            s.recv(R.choice([16, 4096]), socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass
        choice = R.randrange(3)
        if choice == 0:
            self.close(s)
        elif choice == 1:           # a second dump while one runs
            m2 = self.build(cmd, [], NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP)
            s.send(m2.data)
            self.drain(s, {})
        else:                       # ask something else meanwhile
            self.send_tracked(s, [self.request(GETGEN)])
            self.drain(s, {})

    def too_many(self):
        """More sockets with open transactions than a namespace allows."""
        socks = [self.open() for _ in range(70)]
        busy = 0
        for s in socks:
            m = self.request(BEGIN, [])
            err = self.send(s, [m])[m.seq][0]
            if err == errno.EBUSY:
                busy += 1
            elif err != 0:
                raise Fail('BEGIN: unexpected error %d' % err)
        for s in socks:
            s.close()
        if not busy:
            raise Fail('70 open transactions: BEGIN never failed with EBUSY')
        self.count('BEGIN refused, too many transactions', busy)
        for s in list(self.socks):
            self.close(s)
        s = self.sock()
        m = self.request(BEGIN, [])
        if self.send(s, [m])[m.seq][0] != 0:
            raise Fail('BEGIN fails after the transactions were closed')
        self.send(s, [self.request(ABORT, [])])

    def run(self):
        start = time.monotonic()
        actions = [(self.one_random, 45), (self.batch, 8), (self.ctrl, 3),
                   (self.transaction, 20), (self.doomed, 6), (self.dump, 8),
                   (lambda: self.close(self.sock()), 3)]
        funcs = [a for a, _ in actions]
        weights = [w for _, w in actions]
        self.too_many()
        while time.monotonic() - start < self.args.time:
            R.choices(funcs, weights)[0]()
        self.too_many()
        for s in list(self.socks):
            self.close(s)
        gen = self.getgen()
        if self.commit_ok:
            raise Fail('%d COMMIT(s) succeeded' % self.commit_ok)
        if gen != self.gen0:
            raise Fail('the generation moved from %d to %d' % (self.gen0, gen))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--time', type=float, default=30)
    parser.add_argument('--no-zero', action='store_true')
    args = parser.parse_args()
    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), 'little')
    R.seed(args.seed)
    print('nl_fuzz: seed %d, %gs%s' % (args.seed, args.time,
                                        ', no ZERO' if args.no_zero else ''))
    sys.stdout.flush()
    fz = None
    rc = 0
    try:
        fz = Fuzzer(args)
        fz.run()
    except Fail as e:
        print('nl_fuzz: FAIL: %s (seed %d)' % (e, args.seed))
        rc = 1
    if fz:
        for key in sorted(fz.stats):
            print('  %-40s %d' % (key, fz.stats[key]))
        print('nl_fuzz: seed=%d sent=%d commit_ok=%d zero_ok=%d gen=%d' %
              (args.seed, fz.stats.get('messages sent', 0), fz.commit_ok,
               fz.zero_ok, fz.gen0))
    return rc


if __name__ == '__main__':
    sys.exit(main())
