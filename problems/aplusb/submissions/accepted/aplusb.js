// A plus B in JavaScript (Node.js, CommonJS).
const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\s+/).map(Number);
console.log(a + b);
