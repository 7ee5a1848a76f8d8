# Run-time error (PyPy 3): prints the correct answer, then exits with status 3.
import sys

a, b = map(int, input().split())
print(a + b)
sys.stdout.flush()
sys.exit(3)
