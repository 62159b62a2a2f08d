#!/usr/bin/env python3
"""SPA knock-to-open latency, measured from the client namespace.

For each (source address, packet file): send the packet's text as one UDP datagram from that source to the
server's SPA port, then try TCP connections to the protected port from the same source (a fresh SYN every
50 us, none waited for; all watched at once) until one completes. Latency = first completed connect - datagram sent.
The first line of the listing is a warm-up knock, not counted (for both servers alike).
Prints one line: name count p50_ms p99_ms max_ms failures.
"""
import select
import socket
import sys
import time


def knock(server, spa_port, port, source, payload, timeout):
    family = socket.AF_INET6 if ":" in server else socket.AF_INET
    udp = socket.socket(family, socket.SOCK_DGRAM)
    udp.bind((source, 0))
    sent = time.perf_counter()
    udp.sendto(payload, (server, spa_port))
    udp.close()
    pending = []
    try:
        while time.perf_counter() - sent < timeout:
            # A fresh SYN every 50 us, none waited for: refusals are answered at a limited rate (200/s), and a probe
            # that waits for its RST or timeout measures that limit, not the knock. The wait is a sleep in select,
            # so the probing does not take a core from the server that has to open the window.
            s = socket.socket(family, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.bind((source, 0))
            s.setblocking(False)
            try:
                s.connect((server, port))
            except BlockingIOError:
                pass
            pending.append(s)
            if len(pending) > 256:
                pending.pop(0).close()
            _, writable, _ = select.select([], pending, [], 0.00005)
            for w in writable:
                if w.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    return (time.perf_counter() - sent) * 1000
                pending.remove(w)
                w.close()
        return None
    finally:
        for s in pending:
            s.close()


def main():
    name, server, spa_port, port, listing = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    results, failures = [], 0
    for number, line in enumerate(open(listing)):
        source, path = line.split()
        payload = open(path, "rb").read().strip()
        latency = knock(server, spa_port, port, source, payload, 5.0)
        if number == 0:
            time.sleep(0.2)
            continue
        if latency is None:
            failures += 1
        else:
            results.append(latency)
        time.sleep(0.02)
    results.sort()
    pick = lambda q: results[min(len(results) - 1, int(q * len(results)))] if results else float("nan")
    print(f"{name} {len(results)} {pick(0.50):.3f} {pick(0.99):.3f} {(results[-1] if results else float('nan')):.3f} {failures}")


main()
