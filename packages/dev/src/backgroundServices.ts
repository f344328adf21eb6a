import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from '@etl/local-aws';
import { REPO_ROOT } from '@etl/harness';
import type { LocalEndpoints } from '@etl/local-aws';
import type { ServiceName } from '@etl/harness';
import { runningStack } from './localPipeline';

/**
 * The services kept running in the background between commands on one state folder: the
 * three services under serverless-offline with their queue pollers, in a process of their own
 * (`bin/services.ts`, see servicesHost.ts), on the folder's local stack. `etl run` starts them
 * and leaves them up, so the next run skips packaging and starting (~10 s) and is planned at
 * once; they are replaced when the code they run or the source they read changes, stop after an
 * idle hour (ETL_SERVICES_IDLE_MINUTES), and `etl down` stops them.
 *
 * Files in the state folder: `services.json` (this state, written once they are ready),
 * `services.log` (their start), `services-<service>.log` (each service's output), `services.used`
 * (touched by every command that uses them, for the idle clock).
 */
export interface ServicesState {
  pid: number;
  /** What the services were started from: see {@link servicesFingerprint}. */
  code: string;
  source: string;
  endpoints: LocalEndpoints;
  lambdaEndpoints: Record<ServiceName, string>;
  queueUrls: Record<string, string>;
  startedAt: string;
}

/** What the host process is started with (the environment variable ETL_SERVICES, JSON). */
export interface ServicesHostOptions {
  dir: string;
  fixedPorts: boolean;
  databaseUrl?: string;
  sourceParams: Record<string, string>;
  fingerprint: Fingerprint;
}

export interface Fingerprint {
  /** The code and configuration the services are built from. */
  code: string;
  /** The source they read and the warehouse they load (hashed: a URL may hold a password). */
  source: string;
}

export const servicesFiles = (dir: string) => ({
  state: path.join(dir, 'services.json'),
  log: path.join(dir, 'services.log'),
  used: path.join(dir, 'services.used'),
  starting: path.join(dir, 'services.starting'),
  serviceLog: (service: ServiceName) => path.join(dir, `services-${service}.log`),
});

/** Repository files at the root that the services are built from (plugin versions, compose outputs, compiler settings). */
const ROOT_FILES = ['pnpm-lock.yaml', 'serverless-compose.yml', 'package.json', 'tsconfig.base.json'];

/** Every file under `folder` the services' bundles or configuration can be made of: not tests, docs, dot-folders or node_modules. */
function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || ['node_modules', 'test', 'dist'].includes(entry.name)) continue; // dist: a build of the stack's package
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.isFile() && !/\.(test\.ts|md)$/.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * What running services were started from: a hash of the contents of every source and
 * configuration file under `services/` and `packages/` (~230 files, a few ms), and one of the
 * params that point them at a source and a warehouse. Either changing means new services.
 */
export function servicesFingerprint(sourceParams: Record<string, string>, databaseUrl: string | undefined): Fingerprint {
  const code = createHash('sha256');
  const files = [
    ...ROOT_FILES.map((f) => path.join(REPO_ROOT, f)),
    ...sourceFiles(path.join(REPO_ROOT, 'services')),
    ...sourceFiles(path.join(REPO_ROOT, 'packages')),
  ];
  for (const file of files) code.update(path.relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  const source = createHash('sha256')
    .update(JSON.stringify({ sourceParams: Object.entries(sourceParams).sort(), databaseUrl: databaseUrl ?? null }))
    .digest('hex');
  return { code: code.digest('hex'), source };
}

/** The services running in the background on `dir`, if they run and so does the stack they use. */
export function backgroundServices(dir: string): ServicesState | undefined {
  const { state: file } = servicesFiles(dir);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as ServicesState;
  if (!isAlive(state.pid)) return undefined; // stale: they died without cleaning up
  const stack = runningStack(dir);
  return stack && stack.endpoints.sqs === state.endpoints.sqs ? state : undefined;
}

/** Tells the background services on `dir` that a command uses them (their idle clock starts again). */
export function markUsed(dir: string): void {
  const { used } = servicesFiles(dir);
  const now = new Date();
  try {
    utimesSync(used, now, now);
  } catch {
    writeFileSync(used, '');
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the services in the background on `dir` and resolves once they are ready, telling
 * `log` what they print while they start. One start at a time per folder: a second command
 * arriving meanwhile waits for the first's services.
 */
export async function startBackgroundServices(
  options: Omit<ServicesHostOptions, 'fingerprint'> & { fingerprint: Fingerprint; log: (line: string) => void },
): Promise<ServicesState> {
  const files = servicesFiles(options.dir);
  for (;;) {
    try {
      writeFileSync(files.starting, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const starter = Number(readFileSync(files.starting, 'utf8'));
      if (starter && isAlive(starter)) {
        options.log(`  another command (pid ${starter}) is starting the services on ${options.dir}: waiting for them`);
        while (existsSync(files.starting) && isAlive(starter)) await sleep(200);
        const started = backgroundServices(options.dir);
        if (started && started.code === options.fingerprint.code && started.source === options.fingerprint.source) return started;
        if (started)
          throw new Error(
            `another command (pid ${starter}) started services on ${options.dir} for another source or other code: wait for it to finish, or give this one --dir or --once`,
          );
      }
      rmSync(files.starting, { force: true }); // its starter died
    }
  }
  try {
    return await spawnHost(options, files);
  } finally {
    rmSync(files.starting, { force: true });
  }
}

const HOST = path.resolve(__dirname, '../bin/services.ts');
const START_TIMEOUT_MS = 5 * 60_000; // packaging after a configuration change takes ~30 s on 2 cores; a cold npm cache longer

async function spawnHost(
  { log, ...host }: ServicesHostOptions & { log: (line: string) => void },
  files: ReturnType<typeof servicesFiles>,
): Promise<ServicesState> {
  rmSync(files.state, { force: true });
  const out = openSync(files.log, 'w');
  const child = spawn(process.execPath, ['-r', 'esbuild-register', HOST], {
    detached: true, // its own process group: a Ctrl-C of this command does not reach it
    stdio: ['ignore', out, out],
    env: { ...process.env, ETL_SERVICES: JSON.stringify(host) },
  });
  closeSync(out);
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  const relay = logFollower(files.log, log);
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      relay();
      const state = existsSync(files.state) ? (JSON.parse(readFileSync(files.state, 'utf8')) as ServicesState) : undefined;
      if (state && state.pid === child.pid) {
        child.unref();
        return state;
      }
      if (exited !== null)
        throw new Error(`the services did not start (exit code ${exited}); ${files.log} says:\n${tail(files.log, 30).join('\n')}`);
      if (Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`the services did not start in ${START_TIMEOUT_MS / 1000} s; see ${files.log}`);
      }
      await sleep(100);
    }
  } finally {
    relay();
  }
}

/** A function that tells `log` each line `file` gained since it was last called. */
function logFollower(file: string, log: (line: string) => void): () => void {
  let offset = 0;
  let partial = '';
  return () => {
    if (!existsSync(file)) return;
    const size = statSync(file).size;
    if (size <= offset) return;
    const fd = openSync(file, 'r');
    const buffer = Buffer.alloc(size - offset);
    readSync(fd, buffer, 0, buffer.length, offset);
    closeSync(fd);
    offset = size;
    const lines = (partial + buffer.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) log(line);
  };
}

/** The last `count` lines of a file that may be large (reads at most its last 256 KB). */
export function tail(file: string, count: number): string[] {
  if (!existsSync(file)) return [];
  const size = statSync(file).size;
  const length = Math.min(size, 256 * 1024);
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  readSync(fd, buffer, 0, length, size - length);
  closeSync(fd);
  return buffer.toString().trimEnd().split('\n').slice(-count);
}

/** Stops the background services on `dir` (their pollers settle first); resolves with what was stopped, if any ran. */
export async function stopBackgroundServices(dir: string): Promise<ServicesState | undefined> {
  const { state: file } = servicesFiles(dir);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as ServicesState;
  const { pid } = state;
  if (!isAlive(pid)) {
    rmSync(file, { force: true });
    return undefined;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(-pid, 'SIGKILL'); // its group: the services and the stack it started go with it
  rmSync(file, { force: true });
  return state;
}
