# Memory limit exceeded: keeps 16 MiB byte strings (every byte written) in a
# list, forever.
chunks = []
while True:
    chunks.append(b"\x01" * (16 << 20))
