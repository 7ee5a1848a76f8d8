# Wrong answer: a correct shortest route, printed from n back to 1.
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
    parent = [0] * (n + 1)
    parent[1] = -1
    queue = deque([1])
    while queue:
        u = queue.popleft()
        for v in adjacent[u]:
            if parent[v] == 0:
                parent[v] = u
                queue.append(v)
    if parent[n] == 0:
        print(-1)
        return
    path = [n]
    while path[-1] != 1:
        path.append(parent[path[-1]])
    print(len(path))
    print(*path)


main()
