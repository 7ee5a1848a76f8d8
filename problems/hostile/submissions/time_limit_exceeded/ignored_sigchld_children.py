# Time limit exceeded, hiding its CPU time in children whose usage the kernel discards (see
# ignored_sigchld_children.c): SIGCHLD ignored, three forked children burn 0.8 s of CPU each,
# the parent waits for them and prints the right answer. The judge must give TLE.
import os
import signal
import time

a, b = map(int, input().split())
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
for _ in range(3):
    if os.fork() == 0:
        while time.process_time() < 0.8:
            pass
        os._exit(0)
try:
    while True:
        os.wait()
except ChildProcessError:
    pass
print(a + b)
