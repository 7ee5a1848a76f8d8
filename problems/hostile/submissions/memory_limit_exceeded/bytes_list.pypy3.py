# Memory limit exceeded (PyPy 3): keeps 16 MiB bytearrays (every byte written) in a list, forever.
chunks = []
while True:
    chunks.append(bytearray(b"\x01") * (16 << 20))
