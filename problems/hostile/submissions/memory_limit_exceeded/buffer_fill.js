// Memory limit exceeded: keeps 16 MiB Buffers (off the V8 heap, so its heap cap does not stop it) filled with data, forever.
const chunks = [];
for (;;) chunks.push(Buffer.alloc(16 << 20, 1));
