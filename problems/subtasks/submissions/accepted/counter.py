import sys
from collections import Counter

data = sys.stdin.buffer.read().split()
counts = Counter(map(int, data[1:]))
pairs = counts[0] * (counts[0] - 1) // 2
pairs += sum(c * counts.get(-v, 0) for v, c in counts.items() if v > 0)
print(pairs)
