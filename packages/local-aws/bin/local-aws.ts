#!/usr/bin/env node
/**
 * The local AWS stack: S3, SQS, the Redshift Data API, IAM and STS on localhost.
 *
 *   local-aws serve [--dir .local] [--s3-port 4569] [--sqs-port 9324] [--redshift-port 9355] [--iam-port 4593] [--database analytics]
 *       runs in the foreground; prints one JSON line {"ready":true,...} when listening
 *   local-aws up    [same options]   starts it in the background, waits until ready, prints the environment
 *   local-aws down  [--dir .local]   stops the background stack
 *
 * --dir is relative to the working directory; ports 0 mean free ones.
 *
 * DATABASE_URL set: the warehouse runs on that Postgres instead of the embedded PGlite.
 * LOCAL_AWS_FAULTS set (JSON, see src/common/faults.ts): the stack injects those faults.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_WAREHOUSE_DATABASE } from '../src/localAccount';
import { PortTaken, startLocalStack } from '../src/localStack';
import { isAlive } from '../src/common/stopProcess';
import { faultPlanFromEnv } from '../src/common/faults';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: '.local' },
    database: { type: 'string', default: LOCAL_WAREHOUSE_DATABASE },
    help: { type: 'boolean', short: 'h' },
    's3-port': { type: 'string', default: '4569' },
    'sqs-port': { type: 'string', default: '9324' },
    'redshift-port': { type: 'string', default: '9355' },
    'iam-port': { type: 'string', default: '4593' },
    'result-page-rows': { type: 'string', default: '10000' },
  },
});
const dir = path.resolve(values.dir!);
const stateFile = path.join(dir, 'stack.json');
const logFile = path.join(dir, 'stack.log');

interface StackState {
  pid: number;
  endpoints: Record<string, string>;
  env: Record<string, string>;
}

function printEnvironment(state: StackState): void {
  console.log(`local AWS stack running (pid ${state.pid}), state in ${path.relative(process.cwd(), dir) || '.'}`);
  console.log(`  S3                 ${state.endpoints.s3}`);
  console.log(`  SQS                ${state.endpoints.sqs}`);
  console.log(
    `  Redshift Data API  ${state.endpoints.redshiftData}  (${process.env.DATABASE_URL ? 'Postgres at DATABASE_URL' : 'embedded PGlite'})`,
  );
  console.log(
    `  IAM and STS        ${state.endpoints.iam}  (keys it issues are checked against their policies; any other key is the administrator)`,
  );
  console.log('\nTo use it from a shell, the AWS CLI or a handler:\n');
  for (const [name, value] of Object.entries(state.env)) console.log(`export ${name}=${value}`);
}

async function serve(): Promise<void> {
  const stack = await startLocalStack({
    dir,
    ports: {
      s3: Number(values['s3-port']),
      sqs: Number(values['sqs-port']),
      redshiftData: Number(values['redshift-port']),
      iam: Number(values['iam-port']),
    },
    databaseUrl: process.env.DATABASE_URL || undefined,
    database: values.database,
    resultPageRows: Number(values['result-page-rows']),
    faults: faultPlanFromEnv(),
  });
  const state: StackState = { pid: process.pid, endpoints: { ...stack.endpoints }, env: stack.env };
  writeFileSync(stateFile, JSON.stringify(state, null, 2));
  console.log(JSON.stringify({ ready: true, ...state }));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(JSON.stringify({ stopping: signal }));
    await stack.stop();
    if (existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, 'utf8')) as StackState).pid === process.pid) rmSync(stateFile);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

async function up(): Promise<void> {
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
    if (isAlive(state.pid)) {
      printEnvironment(state);
      return;
    }
    rmSync(stateFile);
  }
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...process.execArgv, __filename, 'serve', ...process.argv.slice(3)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  closeSync(log);
  const deadline = Date.now() + 60_000;
  while (!existsSync(stateFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      console.error(`local stack did not start; see ${logFile}:\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  printEnvironment(JSON.parse(readFileSync(stateFile, 'utf8')) as StackState);
}

async function down(): Promise<void> {
  if (!existsSync(stateFile)) {
    console.log('local stack is not running');
    return;
  }
  const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
  if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(stateFile, { force: true });
  console.log(`local stack stopped (pid ${pid})`);
}

const command = values.help ? 'help' : (positionals[0] ?? 'serve');
const commands: Record<string, () => Promise<void>> = { serve, up, down };
const USAGE =
  'usage: local-aws serve|up|down [--dir .local] [--s3-port N] [--sqs-port N] [--redshift-port N] [--iam-port N] [--database NAME]';
if (command === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (!commands[command]) {
  console.error(USAGE);
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
commands[command]!().catch((error: unknown) => {
  // a port taken is the user's to fix, not a bug: one line, no stack
  const known = error instanceof PortTaken;
  console.error(`local-aws ${command}: ${error instanceof Error ? (known ? error.message : error.stack) : String(error)}`);
  process.exit(1);
});
