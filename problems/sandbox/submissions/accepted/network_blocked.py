# Sandbox promise: no network access.
#
# Tries, all at once and each with a short timeout:
#   - TCP connections to public DNS servers (IPv4 and IPv6), to services a
#     judge host typically runs on its loopback (PostgreSQL 5432, the CodeRank
#     API 8080, Garage S3 3900, MinIO 9000) and on the Docker bridge gateway
#     172.17.0.1 (Docker API 2375/2376, SSH 22, PostgreSQL, HTTP);
#   - the Docker API's unix socket (/var/run/docker.sock, /run/docker.sock);
#   - a DNS query over UDP to public resolvers, and a name lookup.
# Any connection that succeeds, any UDP answer and any resolved name is a
# leak. Refused, unreachable and timed-out attempts are what a sandbox
# without network gives. Prints SAFE, or LEAK: <what got through>.
import os
import socket
import struct
import sys
import threading

TIMEOUT = 0.5
TCP_TARGETS = [
    ("1.1.1.1", 53), ("8.8.8.8", 53), ("1.1.1.1", 443),
    ("2606:4700:4700::1111", 53),
    ("127.0.0.1", 5432), ("127.0.0.1", 8080), ("127.0.0.1", 3900), ("127.0.0.1", 9000),
    ("127.0.0.1", 2375), ("::1", 5432), ("::1", 8080),
    ("172.17.0.1", 2375), ("172.17.0.1", 2376), ("172.17.0.1", 22), ("172.17.0.1", 80),
    ("172.17.0.1", 5432), ("172.17.0.1", 8080), ("172.17.0.1", 3900),
]
UNIX_SOCKETS = ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"]
UDP_DNS_SERVERS = [("1.1.1.1", 53), ("8.8.8.8", 53)]

leaks = []
lock = threading.Lock()


def leak(what):
    with lock:
        leaks.append(what)


def note(what):
    print(what, file=sys.stderr)


def try_tcp(host, port):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.settimeout(TIMEOUT)
            s.connect((host, port))
            leak(f"TCP connection to {host}:{port} succeeded")
    except OSError as e:
        note(f"tcp {host}:{port}: {e}")


def try_unix(path):
    if not os.path.exists(path):
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(TIMEOUT)
            s.connect(path)
            leak(f"connected to unix socket {path}")
    except OSError as e:
        note(f"unix {path}: {e}")


def dns_query(name):
    header = struct.pack(">HHHHHH", 0x2024, 0x0100, 1, 0, 0, 0)
    question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + question + struct.pack(">HH", 1, 1)


def try_udp_dns(host, port):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(TIMEOUT)
            s.sendto(dns_query("example.com"), (host, port))
            data, sender = s.recvfrom(512)
            leak(f"UDP DNS answer from {sender[0]}:{sender[1]} ({len(data)} bytes)")
    except OSError as e:
        note(f"udp {host}:{port}: {e}")


def try_resolve(name):
    try:
        addresses = socket.getaddrinfo(name, 80, proto=socket.IPPROTO_TCP)
        leak(f"resolved {name} to {addresses[0][4][0]}")
    except OSError as e:
        note(f"resolve {name}: {e}")


def main():
    sys.stdin.read()
    jobs = [(try_tcp, t) for t in TCP_TARGETS]
    jobs += [(try_unix, (p,)) for p in UNIX_SOCKETS]
    jobs += [(try_udp_dns, t) for t in UDP_DNS_SERVERS]
    jobs += [(try_resolve, ("example.com",)), (try_resolve, ("github.com",))]
    threads = [threading.Thread(target=f, args=a, daemon=True) for f, a in jobs]
    for t in threads:
        t.start()
    # A name lookup can hang for many seconds when packets are silently
    # dropped; that is not a leak, so stop waiting after a while.
    for t in threads:
        t.join(timeout=1.5)
    with lock:
        found = list(leaks)
    if found:
        print("LEAK: " + "; ".join(found))
    else:
        print("SAFE")
    sys.stdout.flush()
    # Do not wait for lookups that are still hanging.
    os._exit(0)


main()
