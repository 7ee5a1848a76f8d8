import sys

n = int(sys.stdin.readline())
lo, hi = 1, n
while lo <= hi:
    mid = (lo + hi) // 2
    print("?", mid, flush=True)
    reply = sys.stdin.readline().strip()
    if reply == "=":
        break
    if reply == "<":
        hi = mid - 1
    else:
        lo = mid + 1
