#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP and UDP ends for the NAT tests: the server tells each client the
addresses it saw, and checks data by its SHA-256.

Usage:
  nat_peer.py serve PORT [--udp] [--addr ADDR]
  nat_peer.py talk ADDR PORT [--udp] [--bind ADDR] [--sport P] [--up N]
                  [--down N] [--echo] [--timeout S] [--hold S]
  nat_peer.py txcsum IFACE on|off

serve listens on PORT over IPv4 and IPv6 (or on ADDR only) until killed.
Each TCP connection (each UDP datagram) starts with a request line
"up N|down N|hello N|echo N"; the answer starts with the line

    PEER -> LOCAL LEN SHA256

(ADDR:PORT, IPv6 in brackets, as the server saw them; LEN and SHA256 of the
data it received after the request line). "up" is answered at the client's
EOF, "hello" at once (the connection then stays open until the client's
EOF). "down N" follows the line with N bytes of data over TCP; "echo N"
(UDP) with the datagram's data. A UDP answer leaves from the address the
request came to.

talk sends one request and prints "PEER -> LOCAL", the server's view of the
connection. The data sent and received are random and checked: the exit
status is 0 when all arrived intact, 3 when they did not, 4 on timeout
("timeout"), 5 when the connection was refused ("refused": TCP RST, or an
ICMP port unreachable for UDP). --timeout S (default 3) is multiplied by
$XTFW_TIMEOUT_SCALE, as lib.sh's waits are. --hold S asks for the server's
view at once and keeps the TCP connection open S more seconds (or until
killed).

txcsum turns the transmit checksum offload of IFACE on or off (as ethtool
-K IFACE tx on|off), so that its packets carry full checksums, which the
receiver verifies.
"""

import argparse
import ctypes
import fcntl
import hashlib
import os
import socket
import sys
import threading
import time

CHUNK = 65536
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)	# Linux's, not in 3.11


def fmt(addr):
    host, port = addr[0], addr[1]
    if ":" in host:
        host = socket.inet_ntop(socket.AF_INET6,
                                socket.inet_pton(socket.AF_INET6, host))
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def parse_request(line):
    words = line.decode(errors="replace").split()
    if len(words) != 2 or words[0] not in ("up", "down", "hello", "echo"):
        raise ValueError(f"bad request {line!r}")
    return words[0], int(words[1])


def answer_line(peer, local, data_len, sha):
    return f"{fmt(peer)} -> {fmt(local)} {data_len} {sha}\n".encode()


# --- server ---------------------------------------------------------------

def serve_tcp_conn(conn, peer):
    with conn:
        buf = b""
        while b"\n" not in buf:
            chunk = conn.recv(CHUNK)
            if not chunk:
                return
            buf += chunk
        line, rest = buf.split(b"\n", 1)
        mode, n = parse_request(line)
        h = hashlib.sha256(rest)
        got = len(rest)
        if mode == "hello":
            conn.sendall(answer_line(peer, conn.getsockname(), got,
                                     h.hexdigest()))
        while mode != "down":
            chunk = conn.recv(CHUNK)
            if not chunk:
                break
            h.update(chunk)
            got += len(chunk)
        if mode == "hello":
            return
        out = os.urandom(n) if mode == "down" else b""
        if mode == "down":
            h = hashlib.sha256(out)
            got = n
        conn.sendall(answer_line(peer, conn.getsockname(), got,
                                 h.hexdigest()) + out)


def serve_tcp(sock):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=serve_tcp_conn, args=(conn, peer),
                         daemon=True).start()


def serve_udp(sock):
    port = sock.getsockname()[1]
    while True:
        data, anc, _, peer = sock.recvmsg(CHUNK, 256)
        local, info = sock.getsockname(), []
        for level, kind, val in anc:
            if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                # struct in_pktinfo: ifindex, spec_dst, addr
                local = (socket.inet_ntop(socket.AF_INET, val[8:12]), port)
                info = [(level, kind, bytes(4) + val[8:12] + bytes(4))]
            elif level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                local = (socket.inet_ntop(socket.AF_INET6, val[:16]), port)
                info = [(level, kind, val[:16] + bytes(4))]
        line, _, rest = data.partition(b"\n")
        try:
            mode, _ = parse_request(line)
        except ValueError:
            continue
        reply = answer_line(peer, local, len(rest),
                            hashlib.sha256(rest).hexdigest())
        if mode == "echo":
            reply += rest
        sock.sendmsg([reply], info, 0, peer)


def listener(family, addr, port, udp):
    s = socket.socket(family, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if udp:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    elif udp:
        s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    s.bind((addr, port))
    if not udp:
        s.listen(64)
    return s


def serve(args):
    if args.addr:
        addrs = [(family_of(args.addr), args.addr)]
    else:
        addrs = [(socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")]
    socks = [listener(f, a, args.port, args.udp) for f, a in addrs]
    run = serve_udp if args.udp else serve_tcp
    threads = [threading.Thread(target=run, args=(s,), daemon=True)
               for s in socks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --- client ---------------------------------------------------------------

class Timeout(Exception):
    pass


def recv_line(sock, buf=b""):
    while b"\n" not in buf:
        chunk = sock.recv(CHUNK)
        if not chunk:
            raise ValueError(f"connection closed after {buf!r}")
        buf += chunk
    line, rest = buf.split(b"\n", 1)
    return line.decode(), rest


def check_answer(line, data_len, sha):
    """Print the server's view; True if LEN and SHA256 are data's."""
    words = line.split()
    print(" ".join(words[:3]), flush=True)
    ok = len(words) == 5 and words[3] == str(data_len) and words[4] == sha
    if not ok:
        print(f"server got {words[3:]}, sent {data_len} {sha}",
              file=sys.stderr)
    return ok


def hold(sock, seconds):
    """Keep sock open for seconds."""
    time.sleep(seconds)
    sock.close()


def talk_tcp(s, args):
    if args.down:
        s.sendall(f"down {args.down}\n".encode())
        line, rest = recv_line(s)
        h = hashlib.sha256(rest)
        got = len(rest)
        while True:
            chunk = s.recv(CHUNK)
            if not chunk:
                break
            h.update(chunk)
            got += len(chunk)
        words = line.split()
        print(" ".join(words[:3]), flush=True)
        if words[3:] != [str(got), h.hexdigest()]:
            print(f"got {got} {h.hexdigest()}, server sent {words[3:]}",
                  file=sys.stderr)
            return 3
        return 0
    data = os.urandom(args.up)
    s.sendall(f"{'hello' if args.hold else 'up'} {args.up}\n".encode() +
              data)
    if args.hold:
        line, _ = recv_line(s)
        ok = check_answer(line, len(data), hashlib.sha256(data).hexdigest())
        hold(s, args.hold)
        return 0 if ok else 3
    s.shutdown(socket.SHUT_WR)
    line, _ = recv_line(s)
    return 0 if check_answer(line, len(data),
                             hashlib.sha256(data).hexdigest()) else 3


def talk_udp(s, args):
    data = os.urandom(args.up)
    mode = "echo" if args.echo else "up"
    s.send(f"{mode} {len(data)}\n".encode() + data)
    reply = s.recv(CHUNK)
    line, _, rest = reply.partition(b"\n")
    ok = check_answer(line.decode(), len(data),
                      hashlib.sha256(data).hexdigest())
    if args.echo and rest != data:
        print(f"echo: {len(rest)} bytes back, not the {len(data)} sent",
              file=sys.stderr)
        ok = False
    return 0 if ok else 3


def talk(args):
    family = family_of(args.addr)
    s = socket.socket(family,
                      socket.SOCK_DGRAM if args.udp else socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.bind or args.sport:
        s.bind((args.bind or ("::" if family == socket.AF_INET6 else
                              "0.0.0.0"), args.sport))
    s.settimeout(args.timeout * float(os.environ.get("XTFW_TIMEOUT_SCALE",
                                                     "1")))
    try:
        s.connect((args.addr, args.port))
        return talk_udp(s, args) if args.udp else talk_tcp(s, args)
    except (socket.timeout, TimeoutError):
        print("timeout", flush=True)
        return 4
    except ConnectionRefusedError:
        print("refused", flush=True)
        return 5


# --- transmit checksum offload ----------------------------------------------

SIOCETHTOOL = 0x8946
ETHTOOL_STXCSUM = 0x17


def txcsum(args):
    value = ctypes.create_string_buffer(
        ETHTOOL_STXCSUM.to_bytes(4, sys.byteorder) +
        (args.state == "on").to_bytes(4, sys.byteorder))
    ifreq = (args.iface.encode().ljust(16, b"\0") +
             ctypes.addressof(value).to_bytes(8, sys.byteorder) + bytes(16))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s, SIOCETHTOOL, ifreq)
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("serve")
    sp.add_argument("port", type=int)
    sp.add_argument("--udp", action="store_true")
    sp.add_argument("--addr")
    tp = sub.add_parser("talk")
    tp.add_argument("addr")
    tp.add_argument("port", type=int)
    tp.add_argument("--udp", action="store_true")
    tp.add_argument("--bind")
    tp.add_argument("--sport", type=int, default=0)
    tp.add_argument("--up", type=int, default=0)
    tp.add_argument("--down", type=int, default=0)
    tp.add_argument("--echo", action="store_true")
    tp.add_argument("--timeout", type=float, default=3)
    tp.add_argument("--hold", type=float, default=0)
    cp = sub.add_parser("txcsum")
    cp.add_argument("iface")
    cp.add_argument("state", choices=("on", "off"))
    args = p.parse_args()
    if args.cmd == "txcsum":
        return txcsum(args)
    if args.cmd == "serve":
        serve(args)
        return 0
    return talk(args)


if __name__ == "__main__":
    sys.exit(main())
