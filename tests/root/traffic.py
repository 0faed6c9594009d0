#!/usr/bin/env python3
"""Traffic of known size for the root tests (run inside a test's netns).

  traffic.py tcp FAMILY NBYTES HOLD        client sends NBYTES to a server, both
                                           in this process; both ends stay open
                                           HOLD seconds after the transfer
  traffic.py idle FAMILY HOLD              a connection that sends nothing, both
                                           ends in this process, held HOLD s
  traffic.py udp FAMILY K SIZE HOLD        K datagrams of SIZE bytes each way
                                           (echo), sockets kept HOLD seconds
  traffic.py udpagain FAMILY K1 K2 SIZE PAUSE HOLD
                                           K1 datagrams each way, PAUSE seconds
                                           (sockets open), K2 more between the
                                           same sockets; a JSON line per phase
  traffic.py udppeers FAMILY PEERS K SIZE HOLD
                                           one server socket, PEERS clients in
                                           turn: client i exchanges (i+1)*K
  traffic.py udploop FAMILY SIZE PERIOD SECONDS
                                           one datagram of SIZE bytes each way
                                           every PERIOD seconds, for SECONDS
  traffic.py chunks FAMILY COUNT SIZE HOLD COUNT sends of SIZE bytes each, on
                                           one connection (one sendmsg each)
  traffic.py many COUNT NBYTES             COUNT connections, each sending NBYTES,
                                           opened and closed as fast as possible
  traffic.py longlived A B TRIGGER HOLD    A bytes each way, then waits for the
                                           file TRIGGER, then B bytes each way,
                                           then holds HOLD seconds
  traffic.py fanout FIRST COUNT NBYTES    COUNT listeners on ports FIRST.. of
                                           127.0.0.1, one connection to each
                                           sending NBYTES, all closed at the end
  traffic.py serve ADDR PORT SEND         (run in one namespace) accepts one
                                           connection, reads until the client
                                           has sent its bytes (the first 8 give
                                           the count), answers SEND bytes,
                                           closes after the client does
  traffic.py connect ADDR PORT NBYTES SEND HOLD
                                           (in another) sends NBYTES (8 of them
                                           the count), reads SEND bytes back,
                                           holds HOLD seconds, closes first

Prints one JSON line: pid, ports and what was sent, before any hold.
"""
import json
import os
import socket
import sys
import threading
import time


def family(name):
    return (socket.AF_INET6, "::1") if name == "6" else (socket.AF_INET, "127.0.0.1")


def report(**kw):
    kw["pid"] = os.getpid()
    print(json.dumps(kw), flush=True)


def recv_exact(sock, n):
    got = 0
    while got < n:
        d = sock.recv(min(1 << 20, n - got))
        if not d:
            break
        got += len(d)
    return got


def pair(fam, host):
    srv = socket.socket(fam)
    srv.bind((host, 0))
    srv.listen(512)
    cli = socket.create_connection((host, srv.getsockname()[1]))
    peer, _ = srv.accept()
    return srv, cli, peer


def tcp(fam_name, nbytes, hold):
    fam, host = family(fam_name)
    srv, cli, peer = pair(fam, host)
    got = [0]
    t = threading.Thread(target=lambda: got.__setitem__(0, recv_exact(peer, nbytes)))
    t.start()
    cli.sendall(b"x" * nbytes)
    t.join()
    report(sent=nbytes, received=got[0], server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    time.sleep(hold)
    cli.close()
    peer.close()
    srv.close()


def idle(fam_name, hold):
    """A connection that carries nothing: its client's owner can only come
    from the connect itself."""
    fam, host = family(fam_name)
    srv, cli, peer = pair(fam, host)
    report(server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    time.sleep(hold)
    cli.close()
    peer.close()
    srv.close()


def chunks(fam_name, count, size, hold):
    fam, host = family(fam_name)
    srv, cli, peer = pair(fam, host)
    got = [0]
    t = threading.Thread(target=lambda: got.__setitem__(0, recv_exact(peer, count * size)))
    t.start()
    chunk = b"k" * size
    calls = 0
    for _ in range(count):
        sent = 0
        while sent < size:
            sent += cli.send(chunk[sent:])
            calls += 1
    t.join()
    report(sent=count * size, received=got[0], calls=calls, server_port=srv.getsockname()[1],
           client_port=cli.getsockname()[1])
    time.sleep(hold)
    cli.close()
    peer.close()
    srv.close()


def udp_socket(fam_name):
    """An unconnected UDP socket bound to the family's loopback address."""
    fam, host = family(fam_name)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((host, 0))
    return s


def udp_echo(cli, srv, payload):
    """One datagram from cli to srv, echoed back."""
    cli.sendto(payload, srv.getsockname()[:2])
    data, addr = srv.recvfrom(65536)
    srv.sendto(data, addr)
    cli.recvfrom(65536)


def udp(fam_name, k, size, hold):
    srv, cli = udp_socket(fam_name), udp_socket(fam_name)
    for _ in range(k):
        udp_echo(cli, srv, b"u" * size)
    report(count=k, size=size, server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    time.sleep(hold)


def udpagain(fam_name, k1, k2, size, pause, hold):
    """k1 datagrams each way, a pause with the sockets open (longer than
    tcptop's --udp-timeout, so the flows expire), then k2 more between the
    same two sockets; a report line after each phase."""
    srv, cli = udp_socket(fam_name), udp_socket(fam_name)
    for phase, k in ((1, k1), (2, k2)):
        for _ in range(k):
            udp_echo(cli, srv, b"a" * size)
        report(phase=phase, count=k, size=size, server_port=srv.getsockname()[1],
               client_port=cli.getsockname()[1])
        time.sleep(pause if phase == 1 else hold)


def udppeers(fam_name, peers, k, size, hold):
    """One server socket and `peers` client sockets, in turn: client i
    sends (i + 1) * k datagrams, each echoed, so every flow has a count of
    its own and one counted into another's would show."""
    srv = udp_socket(fam_name)
    clis = [udp_socket(fam_name) for _ in range(peers)]
    for r in range(peers * k):
        for i, c in enumerate(clis):
            if r < (i + 1) * k:
                udp_echo(c, srv, b"p" * size)
    report(k=k, size=size, server_port=srv.getsockname()[1],
           client_ports=[c.getsockname()[1] for c in clis])
    time.sleep(hold)


def udploop(fam_name, size, period, seconds):
    srv, cli = udp_socket(fam_name), udp_socket(fam_name)
    report(size=size, server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    end = time.time() + seconds
    while time.time() < end:
        udp_echo(cli, srv, b"u" * size)
        time.sleep(period)


def many(count, nbytes):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4096)
    port = srv.getsockname()[1]
    ports = []
    payload = b"m" * nbytes
    for _ in range(count):
        cli = socket.create_connection(("127.0.0.1", port))
        peer, _ = srv.accept()
        cli.sendall(payload)
        recv_exact(peer, nbytes)
        ports.append(cli.getsockname()[1])
        cli.close()
        peer.close()
    report(server_port=port, client_ports=ports)


def longlived(a, b, trigger, hold):
    srv, cli, peer = pair(socket.AF_INET, "127.0.0.1")

    def both_ways(n):
        t = threading.Thread(target=lambda: peer.sendall(b"s" * n))
        t.start()
        cli.sendall(b"c" * n)
        recv_exact(peer, n)
        recv_exact(cli, n)
        t.join()

    both_ways(a)
    report(phase=1, server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    while not os.path.exists(trigger):
        time.sleep(0.05)
    both_ways(b)
    report(phase=2, server_port=srv.getsockname()[1], client_port=cli.getsockname()[1])
    time.sleep(hold)


def serve(addr, port, send):
    srv = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    report(ready=True, server_port=port)
    peer, _ = srv.accept()
    head = b""
    while len(head) < 8:
        head += peer.recv(8 - len(head))
    got = 8 + recv_exact(peer, int.from_bytes(head, "big") - 8)
    peer.sendall(b"s" * send)
    while peer.recv(65536):
        pass
    report(received=got, sent=send)
    peer.close()
    srv.close()


def fanout(first, count, nbytes):
    servers, pairs = [], []
    for i in range(count):
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", first + i))
        srv.listen(1)
        servers.append(srv)
    for i, srv in enumerate(servers):
        cli = socket.create_connection(("127.0.0.1", first + i))
        peer, _ = srv.accept()
        cli.sendall(b"f" * nbytes)
        recv_exact(peer, nbytes)
        pairs.append((cli, peer))
    report(connections=count, sent=count * nbytes)
    for cli, peer in pairs:
        cli.close()
        peer.close()
    for srv in servers:
        srv.close()


def connect(addr, port, nbytes, send, hold):
    cli = socket.create_connection((addr, port))
    cli.sendall(nbytes.to_bytes(8, "big") + b"c" * (nbytes - 8))
    got = recv_exact(cli, send)
    report(sent=nbytes, received=got, server_port=port, client_port=cli.getsockname()[1])
    time.sleep(hold)
    cli.close()


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "tcp":
        tcp(args[0], int(args[1]), float(args[2]))
    elif mode == "idle":
        idle(args[0], float(args[1]))
    elif mode == "chunks":
        chunks(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif mode == "udp":
        udp(args[0], int(args[1]), int(args[2]), float(args[3]))
    elif mode == "udpagain":
        udpagain(args[0], int(args[1]), int(args[2]), int(args[3]), float(args[4]), float(args[5]))
    elif mode == "udppeers":
        udppeers(args[0], int(args[1]), int(args[2]), int(args[3]), float(args[4]))
    elif mode == "udploop":
        udploop(args[0], int(args[1]), float(args[2]), float(args[3]))
    elif mode == "many":
        many(int(args[0]), int(args[1]))
    elif mode == "serve":
        serve(args[0], int(args[1]), int(args[2]))
    elif mode == "fanout":
        fanout(int(args[0]), int(args[1]), int(args[2]))
    elif mode == "connect":
        connect(args[0], int(args[1]), int(args[2]), int(args[3]), float(args[4]))
    elif mode == "longlived":
        longlived(int(args[0]), int(args[1]), args[2], float(args[3]))
    else:
        sys.exit(__doc__)
