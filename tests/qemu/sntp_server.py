#!/usr/bin/env python3
"""A minimal SNTP server (RFC 4330, standard library only) for the firmware's clock tests.

usage: sntp_server.py [--host 127.0.0.1] [--port 123] [--offset SECONDS]

Answers every client request (mode 3) with a server reply (mode 4, stratum 1, "LOCL"): the
client's transmit timestamp echoed as the originate timestamp (lwIP's SNTP_CHECK_RESPONSE 2
checks it), receive and transmit timestamps set to this machine's time plus --offset. Prints
"LISTEN <port>" once bound and "ANSWER <n>" after each reply, flushed, so a test can tell that
the firmware asked. Runs until killed (the test stops it by its pid).
"""
import argparse
import socket
import struct
import sys
import time

NTP_EPOCH = 2208988800  # seconds from 1900-01-01 to 1970-01-01


def ntp_timestamp(t):
    sec = int(t)
    return struct.pack("!II", (sec + NTP_EPOCH) & 0xFFFFFFFF, int((t - sec) * (1 << 32)))


def reply(request, now):
    """The 48-byte answer to a 48-byte client request, or None for anything else."""
    if len(request) < 48 or request[0] & 0x07 != 3:
        return None
    version = (request[0] >> 3) & 0x07
    head = struct.pack("!BBbbII4s", (version << 3) | 4, 1, 6, -20, 0, 0, b"LOCL")
    stamp = ntp_timestamp(now)
    # reference, originate (the client's transmit timestamp), receive, transmit
    return head + stamp + request[40:48] + stamp + stamp


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=123)
    p.add_argument("--offset", type=float, default=0.0, help="seconds added to the time sent")
    a = p.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.host, a.port))
    print(f"LISTEN {sock.getsockname()[1]}", flush=True)
    answers = 0
    while True:
        data, peer = sock.recvfrom(512)
        out = reply(data, time.time() + a.offset)
        if out is not None:
            sock.sendto(out, peer)
            answers += 1
            print(f"ANSWER {answers}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
