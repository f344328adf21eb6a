// Preloaded (`node -r …/exitWithParent.cjs`) into a server a test or `pnpm dev` starts, which must
// not outlive it: the starter holds the write end of this process's stdin, and when the starter
// dies — SIGKILL included — the pipe closes and this process stops itself, as on SIGTERM (its own
// shutdown: ports and files released), or exits outright if that takes longer than 5 s.
// Only in a main thread whose stdin is a pipe: worker threads (which inherit the preload) have an
// empty stdin of their own, and a child given no stdin has nothing to watch.
'use strict';
const { fstatSync } = require('node:fs');
const { isMainThread } = require('node:worker_threads');

const stdinIsPipe = () => {
  try {
    const stat = fstatSync(0);
    return stat.isFIFO() || stat.isSocket();
  } catch {
    return false;
  }
};

if (isMainThread && stdinIsPipe()) {
  const stop = () => {
    setTimeout(() => process.exit(1), 5000).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
