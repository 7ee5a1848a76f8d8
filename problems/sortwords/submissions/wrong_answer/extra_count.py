# Wrong answer (presentation error): prints the count n before the words, so
# the output has n + 1 tokens.
import sys

data = sys.stdin.read().split()
n = int(data[0])
print(n)
print(" ".join(sorted(data[1:n + 1], key=str.lower)))
