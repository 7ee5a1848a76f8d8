# Memory limit exceeded: keeps 16 MiB strings (every byte written) in an array, forever.
chunks = []
loop { chunks << "\x01" * (16 << 20) }
