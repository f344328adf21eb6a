import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * Runs `node <args>` in a fresh process with `env` added to this one's, and returns the last line
 * it printed, parsed as JSON (what it logged before is skipped). Asynchronous on purpose: the
 * local stack the child talks to may live in this process's event loop.
 */
export async function nodeChildReport<T>(args: string[], env: Record<string, string>): Promise<T> {
  const { stdout } = await execFileAsync(process.execPath, args, { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}
