import path from 'node:path';

/**
 * Node arguments that make a long-running child stop when this process dies, even by SIGKILL
 * (`exitWithParent.cjs`). The child's stdin must be a pipe from this process.
 */
export const EXIT_WITH_PARENT = ['-r', path.join(__dirname, 'exitWithParent.cjs')];
