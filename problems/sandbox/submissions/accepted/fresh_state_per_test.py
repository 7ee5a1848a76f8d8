# Sandbox promise: nothing survives from one test case to the next.
#
# Every test case writes a marker file into each writable place it can find
# (the working directory, /tmp, $HOME, $TMPDIR, /dev/shm, /var/tmp), and first
# looks for a marker an earlier test case left there. The problem has four
# test cases, run one after another, so a judge that reuses the working
# directory or /tmp between them is caught from the second test case on.
# Places that cannot be written are fine. Prints SAFE, or LEAK: <marker found>.
import os
import sys

MARKER = "coderank-sandbox-marker.txt"


def main():
    test = sys.stdin.read().strip() or "?"
    places = [os.getcwd(), "/tmp", os.environ.get("HOME"), os.environ.get("TMPDIR"), "/dev/shm", "/var/tmp"]
    leaks = []
    seen = set()
    for place in places:
        if not place or place in seen:
            continue
        seen.add(place)
        path = os.path.join(place, MARKER)
        try:
            with open(path) as f:
                leaks.append(f"{path} exists, written by {f.read().strip() or 'an earlier run'}")
        except FileNotFoundError:
            pass
        except OSError as e:
            print(f"read {path}: {e}", file=sys.stderr)
        try:
            with open(path, "w") as f:
                f.write(f"test case {test} (pid {os.getpid()})\n")
        except OSError as e:
            print(f"write {path}: {e}", file=sys.stderr)
    if leaks:
        print("LEAK: " + "; ".join(leaks))
    else:
        print("SAFE")


main()
