// Run-time error: throws an uncaught exception (Node exits with status 1).
require('fs').readFileSync(0, 'utf8');
throw new Error('deliberate failure');
