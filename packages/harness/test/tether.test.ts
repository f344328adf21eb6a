import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAlive } from '@etl/local-aws';

jest.setTimeout(90_000);

// the emulator's launchStack and this package's startOffline, each loaded in a starter process of its own
const STACK = require.resolve('@etl/local-aws');
const SERVERLESS_CLI = path.resolve(__dirname, '../src/serverlessCli.ts');

/** Starts a Node process running `script` (which prints the pid of the server it started), and resolves with both pids. */
function starter(script: string): Promise<{ parent: number; server: number }> {
  const parent = spawn(process.execPath, ['-r', 'esbuild-register', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^server (\d+)$/m.exec(output);
      if (match) resolve({ parent: parent.pid!, server: Number(match[1]) });
    });
    parent.on('exit', (code) => reject(new Error(`the starter exited with ${code}: ${output}`)));
  });
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline;) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

describe('servers started for a run die with the process that started them, even by SIGKILL', () => {
  it('the local stack', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tether-'));
    try {
      const { parent, server } = await starter(
        `require(${JSON.stringify(STACK)})
          .launchStack(['--dir', ${JSON.stringify(dir)}, '--s3-port', '0', '--sqs-port', '0', '--redshift-port', '0', '--iam-port', '0'])
          .then(({ child }) => console.log('server ' + child.pid));
         setInterval(() => {}, 1000);`,
      );
      expect(isAlive(server)).toBe(true);
      process.kill(parent, 'SIGKILL');
      expect(await gone(server, 10_000)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serverless offline', async () => {
    const { parent, server } = await starter(
      `require(${JSON.stringify(SERVERLESS_CLI)})
        .startOffline('transform', { freePorts: true })
        .then((offline) => console.log('server ' + offline.pid));
       setInterval(() => {}, 1000);`,
    );
    expect(isAlive(server)).toBe(true);
    process.kill(parent, 'SIGKILL');
    expect(await gone(server, 15_000)).toBe(true);
  });
});
