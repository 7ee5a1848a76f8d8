# Guesses 1, 2, 3, ...: right on small secrets, far over the 30 guesses on large ones.
import sys

n = int(sys.stdin.readline())
for guess in range(1, n + 1):
    print("?", guess, flush=True)
    if sys.stdin.readline().strip() == "=":
        break
