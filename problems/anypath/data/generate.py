#!/usr/bin/env python3
"""Generates the test data of Any Shortest Path (data/sample and data/secret).

Deterministic (fixed seeds): running it again reproduces the committed files.
Run: `python3 problems/anypath/data/generate.py`.

The .ans files hold one shortest path (the one a BFS that visits smaller
neighbours first finds), or -1. The output validator does not compare with
them: it runs its own BFS on the input. They are a reference, and let the
validator notice a broken test (an answer of -1 for a reachable n, or vice versa).
"""

import os
import random
from collections import deque

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_N = 10**5
MAX_M = 10**5


def shortest_path(n, edges):
    adj = [[] for _ in range(n + 1)]
    for u, v in edges:
        adj[u].append(v)
        adj[v].append(u)
    for a in adj:
        a.sort()
    parent = [0] * (n + 1)
    parent[1] = -1
    queue = deque([1])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if parent[v] == 0:
                parent[v] = u
                queue.append(v)
    if parent[n] == 0:
        return None
    path = [n]
    while path[-1] != 1:
        path.append(parent[path[-1]])
    return path[::-1]


def write_case(name, n, edges):
    assert 2 <= n <= MAX_N and 0 <= len(edges) <= MAX_M
    seen = set()
    for u, v in edges:
        assert 1 <= u <= n and 1 <= v <= n and u != v, (name, u, v)
        key = (min(u, v), max(u, v))
        assert key not in seen, (name, key)
        seen.add(key)
    with open(os.path.join(HERE, name + ".in"), "w", newline="\n") as f:
        f.write(f"{n} {len(edges)}\n")
        f.write("".join(f"{u} {v}\n" for u, v in edges))
    path = shortest_path(n, edges)
    with open(os.path.join(HERE, name + ".ans"), "w", newline="\n") as f:
        if path is None:
            f.write("-1\n")
        else:
            f.write(f"{len(path)}\n{' '.join(map(str, path))}\n")


def relabel(n, edges, rng):
    """Shuffles the labels of junctions 2..n-1 (1 and n stay put) and the edge list."""
    middle = list(range(2, n))
    rng.shuffle(middle)
    label = [0, 1] + middle + [n]
    out = [(label[u], label[v]) if rng.random() < 0.5 else (label[v], label[u]) for u, v in edges]
    rng.shuffle(out)
    return out


def grid(rows, cols):
    """Junction (r, c) is r * cols + c + 1, so 1 and n are opposite corners."""
    edges = []
    for r in range(rows):
        for c in range(cols):
            v = r * cols + c + 1
            if c + 1 < cols:
                edges.append((v, v + 1))
            if r + 1 < rows:
                edges.append((v, v + cols))
    return rows * cols, edges


def random_connected(n, m, rng):
    """A random spanning tree plus random extra edges."""
    edges = set()
    for v in range(2, n + 1):
        u = rng.randint(1, v - 1)
        edges.add((u, v))
    while len(edges) < m:
        u, v = rng.randint(1, n), rng.randint(1, n)
        if u != v and (u, v) not in edges and (v, u) not in edges:
            edges.add((u, v))
    return sorted(edges)


def main():
    os.makedirs(os.path.join(HERE, "sample"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "secret"), exist_ok=True)

    # Samples: three shortest routes; and an unreachable n.
    write_case("sample/1", 6, [(1, 2), (1, 3), (2, 4), (3, 4), (4, 6), (3, 5), (5, 6)])
    write_case("sample/2", 4, [(1, 2), (3, 4)])

    write_case("secret/01-single-road", 2, [(1, 2)])
    write_case("secret/02-no-roads", 2, [])
    # Picking the smallest junction of each BFS layer gives 1 2 4 6, but 4-6 is no road.
    write_case("secret/03-layers", 6, [(1, 2), (1, 3), (2, 4), (3, 5), (5, 6)])
    # A ring: depth-first search from 1 walks all the way round; the answer is one road.
    ring = 1000
    write_case("secret/04-ring", ring, [(v, v + 1) for v in range(1, ring)] + [(ring, 1)])
    # A long detour through small labels and a short way through large ones.
    n = 2000
    detour = [(v, v + 1) for v in range(1, 1500)] + [(1500, n)]
    short = [(1, 1998), (1998, 1999), (1999, n)]
    write_case("secret/05-detour", n, detour + short)
    rng = random.Random(7001)
    n, edges = grid(20, 25)
    write_case("secret/06-small-grid", n, relabel(n, edges, rng))
    # Many shortest paths: C(398, 199) of them.
    n, edges = grid(200, 200)
    write_case("secret/07-large-grid", n, relabel(n, edges, rng))
    # The longest possible answer: a path through all 10^5 junctions.
    n = MAX_N
    chain = [(v, v + 1) for v in range(1, n)]
    write_case("secret/08-long-chain", n, relabel(n, chain, rng))
    n = MAX_N
    write_case("secret/09-random-sparse", n, relabel(n, random_connected(n, MAX_M, rng), rng))
    # Dense: 60 junctions and 1000 of the 1770 possible roads.
    n = 60
    write_case("secret/10-dense", n, relabel(n, random_connected(n, 1000, rng), rng))
    # Two big components, n in the other one.
    half = 5000
    left = random_connected(half, 8000, rng)
    right = [(u + half, v + half) for u, v in random_connected(half, 8000, rng)]
    write_case("secret/11-two-components", 2 * half, relabel(2 * half, left + right, rng))
    # The largest n with no roads at all.
    write_case("secret/12-isolated", MAX_N, [])
    # A star: every junction hangs off junction 2.
    n = 1000
    write_case("secret/13-star", n, relabel(n, [(2, v) for v in range(1, n + 1) if v != 2], rng))


if __name__ == "__main__":
    main()
