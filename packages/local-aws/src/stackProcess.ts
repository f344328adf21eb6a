import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpuProfileArgs } from './common/cpuProfile';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { LocalEndpoints } from './localAccount';
import { WAREHOUSE_DIR } from './localAccount';
import { EXIT_WITH_PARENT } from './common/tether';

// run from the sources (this repository) or from the built JavaScript (the published package)
const BUILT = __filename.endsWith('.js');
const CLI = path.resolve(__dirname, BUILT ? '../bin/local-aws.js' : '../bin/local-aws.ts');

/** The `serve` options that give every service a free port (0): a stack beside any other. */
export const FREE_PORTS: readonly string[] = ['--s3-port', '0', '--sqs-port', '0', '--redshift-port', '0', '--iam-port', '0'];

/**
 * Starts `local-aws serve` in a child process with `args` (`--dir`, `--s3-port`…) and resolves
 * with its endpoints once it prints that it is ready.
 */
export async function launchStack(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; ready: { endpoints: LocalEndpoints; env: Record<string, string> } }> {
  const dirAt = args.indexOf('--dir');
  const warehouse = dirAt >= 0 && args[dirAt + 1] ? path.join(args[dirAt + 1]!, WAREHOUSE_DIR) : undefined;
  const fresh = warehouse !== undefined && !existsSync(warehouse);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(args, env);
    } catch (error) {
      if (attempt >= V8_RACE_ATTEMPTS || !V8_JIT_PAGE_RACE.test((error as Error).message)) throw error;
      // a warehouse the crashed process was creating may be half made: it is made again
      if (fresh) await rm(warehouse, { recursive: true, force: true });
      process.stderr.write(`local stack: V8 aborted the stack's process as it started (${V8_JIT_PAGE_RACE.source}): starting it again\n`);
    }
  }
}

/**
 * Rarely (once in this project's CI so far; none in 118 starts tried on purpose) V8 aborts a process whose threads
 * compile WebAssembly at once — PGlite on its worker thread, Node's own WebAssembly on the main
 * one — with "Check failed: jit_page.has_value()" (a race in V8's registry of executable pages,
 * seen by other PGlite users too). The stack is started again then; other failures are reported.
 */
const V8_JIT_PAGE_RACE = /Check failed: jit_page/;
const V8_RACE_ATTEMPTS = 3;

async function launchOnce(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; ready: { endpoints: LocalEndpoints; env: Record<string, string> } }> {
  // stdin a pipe from this process: the stack stops when this process dies, even by SIGKILL
  const child = spawn(
    process.execPath,
    [...cpuProfileArgs(), ...EXIT_WITH_PARENT, ...(BUILT ? [] : ['-r', 'esbuild-register']), CLI, 'serve', ...args],
    {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start in 60 s:\n${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{"ready":true'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, ready: JSON.parse(line) as { endpoints: LocalEndpoints; env: Record<string, string> } });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });
}
