# Big Sum in Python: read all of standard input at once and let int() and sum() do the work.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
print(sum(map(int, data[1:n + 1])))
