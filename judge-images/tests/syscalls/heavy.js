// Syscall measurement: a "heavier" Node.js program (judge-images/tests/measure-syscalls.sh).
// A worker thread, big typed arrays, sort, BigInt, a timer; prints A+B.
const { Worker } = require("worker_threads");
const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\s+/).map(BigInt);
const v = new Int32Array(2000000);
for (let i = 0; i < v.length; i++) v[i] = Math.floor(Math.random() * 1000);
v.sort();
let s = 0;
for (const x of v) s += x;
const arr = Array.from({ length: 300000 }, (_, i) => (i * 7919) % 1000).sort((x, y) => x - y);
const w = new Worker("const { parentPort } = require('worker_threads'); parentPort.on('message', (m) => { let t = 0; for (const x of m) t += x; parentPort.postMessage(t); });", { eval: true });
w.on("message", (t) => {
  w.terminate();
  setTimeout(() => {
    console.log(t === s && arr.length === 300000 ? (a + b).toString() : "bad");
  }, 10);
});
w.postMessage(v);
