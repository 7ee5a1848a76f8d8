# Run-time error: prints the correct answer, then exits with status 3.
# A non-zero exit status is a run-time error even when the output is right.
import sys

a, b = map(int, input().split())
print(a + b)
sys.stdout.flush()
sys.exit(3)
