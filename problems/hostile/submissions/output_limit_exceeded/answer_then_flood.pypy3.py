# Output limit exceeded (PyPy 3): prints the right answer, then writes to stdout forever.
import sys

a, b = map(int, input().split())
print(a + b)
block = "y" * 65535 + "\n"
while True:
    sys.stdout.write(block)
