# Syscall measurement: a "heavier" Python program (judge-images/tests/measure-syscalls.sh),
# for both python3 and pypy3. The usual deep-recursion trick (a thread with a
# big stack), a thread pool, big lists, heapq, random, time; prints A+B.
import heapq
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def main():
    a, b = map(int, sys.stdin.read().split())
    t0 = time.perf_counter()
    v = [random.randrange(1000) for _ in range(300000)]
    v.sort()
    h = v[:1000]
    heapq.heapify(h)
    c = Counter(v)
    d = defaultdict(list)
    d[1].append(2)
    with ThreadPoolExecutor(max_workers=4) as ex:
        s = sum(ex.map(sum, [v[i::4] for i in range(4)]))
    ok = s == sum(v) and len(c) <= 1000 and depth(100000) == 100000 and time.perf_counter() >= t0
    print(a + b if ok else "bad")


sys.setrecursionlimit(1 << 20)
threading.stack_size(512 << 20)
t = threading.Thread(target=main)
t.start()
t.join()
