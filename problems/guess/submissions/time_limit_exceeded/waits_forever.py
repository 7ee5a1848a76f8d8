# Reads n and waits for the judge to speak first, which it never does: only the wall-clock
# limit ends it (no CPU time is spent).
import sys

sys.stdin.readline()
sys.stdin.readline()
