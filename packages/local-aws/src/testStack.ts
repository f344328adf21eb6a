import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshPostgresDatabase } from './freshDatabase';
import type { LocalEndpoints } from './localAccount';
import { FREE_PORTS, launchStack } from './stackProcess';
import { stopProcess } from './common/stopProcess';

/** The Postgres CI provides (trust auth); override with TEST_POSTGRES_URL. */

export type Engine = 'pglite' | 'postgres';

export interface TestStack {
  endpoints: LocalEndpoints;
  env: Record<string, string>;
  dir: string;
  /** Kills the stack (SIGKILL: no clean shutdown) and starts it again on the same folder and ports. */
  restart: () => Promise<void>;
  cleanup: () => Promise<void>;
}

/**
 * Runs the local stack as `local-aws serve` in a child process — as `pnpm local:up` does —
 * on free ports in a temporary folder; on the Postgres engine, with a fresh database of its
 * own (created here, dropped by `cleanup`).
 */
export async function startTestStack(engine: Engine, options: { resultPageRows?: number } = {}): Promise<TestStack> {
  const dir = await mkdtemp(path.join(tmpdir(), `local-stack-${engine}-`));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  if (engine === 'postgres') {
    database = await freshPostgresDatabase();
    env.DATABASE_URL = database.url;
  }
  const pageRows = ['--result-page-rows', String(options.resultPageRows ?? 10_000)];
  let { child, ready } = await launchStack(['--dir', dir, ...FREE_PORTS, ...pageRows], env);
  const ports = () =>
    [
      ['--s3-port', new URL(ready.endpoints.s3).port],
      ['--sqs-port', new URL(ready.endpoints.sqs).port],
      ['--redshift-port', new URL(ready.endpoints.redshiftData).port],
      ['--iam-port', new URL(ready.endpoints.iam).port],
    ].flat();
  const kill = async (signal: NodeJS.Signals) => {
    child.removeAllListeners('exit');
    await stopProcess(child, { signal });
  };
  const stack: TestStack = {
    endpoints: ready.endpoints,
    env: ready.env,
    dir,
    restart: async () => {
      await kill('SIGKILL');
      ({ child, ready } = await launchStack(['--dir', dir, ...ports(), ...pageRows], env));
    },
    cleanup: async () => {
      await kill('SIGTERM');
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}
