# Wrong answer: sorts by byte value, which puts every upper-case letter
# before every lower-case one ("Date" before "apple").
import sys

data = sys.stdin.read().split()
n = int(data[0])
print("\n".join(sorted(data[1:n + 1])))
