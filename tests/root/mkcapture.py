#!/usr/bin/env python3
"""Writes the test capture for the pcap tests: one scripted scenario, in any
link type, as pcap or pcapng; or fuzz seeds made from it.

  mkcapture.py capture OUT [LINK] [pcap|pcapng]
      LINK: ethernet (default), vlan (802.1ad + 802.1Q), sll, sll2, raw,
      null, loop, pktap
  mkcapture.py seeds DIR      the capture in every link type, as fuzz inputs
                              (byte 0 even: a file; odd: frames, see
                              tests/fuzz/fuzz_pcap.c)

The scenario (capture time, from 1700000000.0):
  TCP 10.0.0.1:40000 -> 10.0.0.2:80, timestamps on: handshake at 0 s (server
  leg 10 ms, client leg 2 ms); the client sends 4 x 1250 bytes over 0.1-2.5 s,
  one of them retransmitted; the server answers 3 x 1000 bytes (acknowledged
  by the client 2 ms later); FIN/ACK both ways at 3.2 s. Client: 5000 bytes,
  12 packets; server: 3000 bytes, 6 packets; 1 retransmit.
  TCP fd00::1:40001 -> fd00::2:443 (IPv6), mid-stream (no SYN): 700 bytes
  each way at 0.5 s, 1 packet each.
  UDP 10.0.0.1:5353 -> 10.0.0.2:53: 40 bytes at 0.1 s, 200 back at 0.11 s;
  again 40 bytes at 3.4 s (a new flow with --udp-timeout 1).
  At 1.5 s a malformed packet (IPv4 header length 4), and an ARP frame.
"""
import os
import struct
import sys

T0 = 1700000000.0
A4 = (bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
A6 = (bytes([0xfd] + [0] * 14 + [1]), bytes([0xfd] + [0] * 14 + [2]))
LINKS = {"ethernet": 1, "vlan": 1, "sll": 113, "sll2": 276, "raw": 101, "null": 0, "loop": 108, "pktap": 258}


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip_packet(fam, src, dst, proto, l4):
    if fam == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64, proto, 0, src, dst)
        h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
        return h + l4
    return struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto, 64, src, dst) + l4


def tcp(sport, dport, seq, ack, flags, n, ts=None):
    opts = b"" if ts is None else b"\x01\x01\x08\x0a" + struct.pack("!II", *ts)
    off = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff, off << 4, flags,
                       65535, 0, 0) + opts + b"d" * n


def udp(sport, dport, n):
    return struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"u" * n


S, A, F, P = 0x02, 0x10, 0x01, 0x08


def scenario():
    """(time, family, from_client, ip packet or raw frame marker)"""
    out = []
    c, s = 1000, 9000
    cli, srv = A4
    last = [0, 0]   # the last TSval each side sent: the other echoes it

    def t4(t, from_client, seq, ack, flags, n, tsval):
        src, dst = (cli, srv) if from_client else (srv, cli)
        sp, dp = (40000, 80) if from_client else (80, 40000)
        echo = last[1 if from_client else 0]
        last[0 if from_client else 1] = tsval
        out.append((t, 4, from_client, ip_packet(4, src, dst, 6, tcp(sp, dp, seq, ack, flags, n, (tsval, echo)))))

    t4(0.000, True, c, 0, S, 0, 100)
    t4(0.010, False, s, c + 1, S | A, 0, 500)
    t4(0.012, True, c + 1, s + 1, A, 0, 101)
    for i, t in enumerate((0.1, 0.9, 1.7, 2.5)):
        t4(t, True, c + 1 + 1250 * i, s + 1, A | P, 1250, 200 + i)
        t4(t + 0.02, False, s + 1 + 1000 * i if i < 3 else s + 3001, c + 1 + 1250 * (i + 1), A | P if i < 3 else A,
           1000 if i < 3 else 0, 600 + i)
        if i < 3:   # the client acknowledges the answer 2 ms later
            t4(t + 0.022, True, c + 1 + 1250 * (i + 1), s + 1 + 1000 * (i + 1), A, 0, 220 + i)
    t4(2.6, True, c + 1 + 1250 * 3, s + 3001, A | P, 1250, 210)   # retransmitted
    t4(3.2, True, c + 5001, s + 3001, F | A, 0, 300)
    t4(3.21, False, s + 3001, c + 5002, F | A, 0, 700)
    t4(3.22, True, c + 5002, s + 3002, A, 0, 301)
    c6, s6 = A6
    out.append((0.5, 6, True, ip_packet(6, c6, s6, 6, tcp(40001, 443, 77, 88, A | P, 700))))
    out.append((0.51, 6, False, ip_packet(6, s6, c6, 6, tcp(443, 40001, 88, 777, A | P, 700))))
    out.append((0.1, 4, True, ip_packet(4, cli, srv, 17, udp(5353, 53, 40))))
    out.append((0.11, 4, False, ip_packet(4, srv, cli, 17, udp(53, 5353, 200))))
    out.append((3.4, 4, True, ip_packet(4, cli, srv, 17, udp(5353, 53, 40))))
    bad = bytearray(ip_packet(4, cli, srv, 6, tcp(1, 2, 0, 0, A, 10)))
    bad[0] = 0x44
    out.append((1.5, 4, True, bytes(bad)))
    out.append((1.6, 0, True, b"ARP"))
    out.sort(key=lambda p: p[0])
    return out


def frame(link, fam, from_client, pkt):
    etype = 0x0806 if fam == 0 else 0x0800 if fam == 4 else 0x86dd
    if fam == 0:
        pkt = b"\0" * 28
    if link in ("ethernet", "vlan"):
        tags = b"\x88\xa8\x00\x64\x81\x00\x00\x65" if link == "vlan" else b""
        return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + tags + struct.pack("!H", etype) + pkt
    if link == "sll":
        return struct.pack("!HHH8sH", 4 if from_client else 0, 1, 6, b"", etype) + pkt
    if link == "sll2":
        return struct.pack("!HHIHBB8s", etype, 0, 2, 1, 4 if from_client else 0, 6, b"") + pkt
    if fam == 0:
        return None   # no ARP without a link layer
    if link == "raw":
        return pkt
    if link == "null":
        return struct.pack("<I", 2 if fam == 4 else 30) + pkt
    if link == "loop":
        return struct.pack("!I", 2 if fam == 4 else 24) + pkt
    if link == "pktap":
        hdr = bytearray(156)
        struct.pack_into("<III", hdr, 0, 156, 1, 1)
        hdr[12:15] = b"en0"
        struct.pack_into("<I", hdr, 36, 2 if from_client else 1)
        struct.pack_into("<i", hdr, 52, 4242)
        hdr[56:60] = b"curl"
        return bytes(hdr) + b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + struct.pack("!H", etype) + pkt
    raise SystemExit("unknown link type " + link)


def frames(link):
    return [(T0 + t, f) for t, fam, fc, pkt in scenario() if (f := frame(link, fam, fc, pkt)) is not None]


def pcap_bytes(link):
    out = [struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, LINKS[link])]
    for t, f in frames(link):
        sec = int(t)
        out.append(struct.pack("<IIII", sec, int(round((t - sec) * 1e6)), len(f), len(f)) + f)
    return b"".join(out)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def block(kind, body):
    n = 12 + len(pad4(body))
    return struct.pack("<II", kind, n) + pad4(body) + struct.pack("<I", n)


def pcapng_bytes(link):
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)),
           block(1, struct.pack("<HHI", LINKS[link], 0, 65535))]
    for t, f in frames(link):
        us = int(round(t * 1e6))
        out.append(block(6, struct.pack("<IIIII", 0, us >> 32, us & 0xffffffff, len(f), len(f)) + pad4(f)))
    return b"".join(out)


def fuzz_frames(link):
    ids = [0, 1, 12, 101, 108, 113, 149, 228, 229, 258, 276]
    out = [bytes([1, ids.index(LINKS[link])])]
    for _, f in frames(link):
        out.append(struct.pack("!H", len(f)) + f)
    return b"".join(out)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "capture":
        link = sys.argv[3] if len(sys.argv) > 3 else "ethernet"
        fmt = sys.argv[4] if len(sys.argv) > 4 else "pcap"
        data = pcapng_bytes(link) if fmt == "pcapng" else pcap_bytes(link)
        with open(sys.argv[2], "wb") as f:
            f.write(data)
    elif len(sys.argv) == 3 and sys.argv[1] == "seeds":
        os.makedirs(sys.argv[2], exist_ok=True)
        for link in LINKS:
            for name, data in (("pcap", b"\0" + pcap_bytes(link)), ("pcapng", b"\0" + pcapng_bytes(link)),
                               ("frames", fuzz_frames(link))):
                with open(os.path.join(sys.argv[2], "%s-%s" % (link, name)), "wb") as f:
                    f.write(data)
    else:
        sys.exit(__doc__)
