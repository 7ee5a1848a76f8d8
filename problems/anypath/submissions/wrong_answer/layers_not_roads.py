# Wrong answer: computes the BFS distances correctly, then builds the route
# from the smallest junction at each distance 1, 2, ... without checking that
# consecutive junctions are joined by a road. The length is always right, but
# on secret test 03-layers it prints 1 2 4 6 although there is no road 4-6.
import sys
from collections import deque


def main():
    data = sys.stdin.buffer.read().split()
    n, m = int(data[0]), int(data[1])
    adjacent = [[] for _ in range(n + 1)]
    for i in range(m):
        u, v = int(data[2 + 2 * i]), int(data[3 + 2 * i])
        adjacent[u].append(v)
        adjacent[v].append(u)
    dist = [-1] * (n + 1)
    dist[1] = 0
    queue = deque([1])
    while queue:
        u = queue.popleft()
        for v in adjacent[u]:
            if dist[v] == -1:
                dist[v] = dist[u] + 1
                queue.append(v)
    if dist[n] == -1:
        print(-1)
        return
    smallest_at = {}
    for v in range(n, 0, -1):
        if dist[v] != -1:
            smallest_at[dist[v]] = v
    path = [smallest_at[d] for d in range(dist[n])] + [n]
    print(len(path))
    print(*path)


main()
