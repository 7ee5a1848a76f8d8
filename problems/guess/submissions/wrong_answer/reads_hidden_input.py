# Tries to cheat: looks for the test's input (which holds the secret) everywhere it could be:
# the file system (the judge's pipe directory, /tmp, /work, /run, the home directory), its own
# open files, and every process it can see in /proc (their files, working directories and
# command lines). The judge never gives the input to the submission, so it finds nothing,
# guesses 1 once and gives up: a wrong answer. Were it ever to find the secret, it would win,
# and `problem verify` would report this submission as accepted: the leak would show.
import os
import re
import sys

n = int(sys.stdin.readline())
found = []
log = []


def consider(path):
    try:
        with open(path, "rb") as f:
            text = f.read(4096).decode("ascii", "replace")
    except OSError as err:
        log.append(f"{path}: {err.strerror}")
        return
    m = re.fullmatch(r"\s*(\d+)\s+(\d+)\s*", text)
    if m and int(m.group(1)) == n:
        found.append(int(m.group(2)))


def walk(top, depth=0):
    if depth > 6:
        return
    try:
        entries = os.listdir(top)
    except OSError as err:
        log.append(f"{top}: {err.strerror}")
        return
    for name in entries:
        path = os.path.join(top, name)
        if os.path.islink(path):
            continue
        if os.path.isdir(path):
            walk(path, depth + 1)
        elif os.path.isfile(path):
            consider(path)


for top in ["/run", "/tmp", "/work", "/home", "/var", "/dev/shm", os.getcwd()]:
    walk(top)
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    for sub in ["fd", "cwd"]:
        walk(f"/proc/{pid}/{sub}")
    consider(f"/proc/{pid}/cmdline")
# The pipes the judge gave us: their other ends, by name, are in a root-only directory.
for fd in ["0", "1"]:
    try:
        log.append(f"fd {fd} -> {os.readlink(f'/proc/self/fd/{fd}')}")
    except OSError:
        pass
print("\n".join(log[:50]), file=sys.stderr)

guess = found[0] if found else 1
print("?", guess, flush=True)
if sys.stdin.readline().strip() != "=":
    sys.exit(0)
