// Output limit exceeded: prints the right answer, then writes to stdout (fd 1, synchronously) forever.
const fs = require('fs');
const [a, b] = fs.readFileSync(0, 'utf8').trim().split(/\s+/).map(Number);
fs.writeSync(1, `${a + b}\n`);
const block = Buffer.alloc(65536, 'y');
for (;;) fs.writeSync(1, block);
