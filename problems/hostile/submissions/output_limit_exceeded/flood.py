# Output limit exceeded: writes to standard output forever.
import sys

block = "y" * 65535 + "\n"
while True:
    sys.stdout.write(block)
