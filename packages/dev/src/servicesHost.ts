import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Invoke } from '@etl/harness';
import { servicesFiles } from './backgroundServices';
import type { ServicesHostOptions, ServicesState } from './backgroundServices';
import { HeldMessages } from './heldMessages';
import { LocalPipeline, runningStack } from './localPipeline';

const CHECK_EVERY_MS = 15_000;

/**
 * The background services' process (`bin/services.ts`): a LocalPipeline — the folder's stack,
 * or one it starts, the three services and their pollers — kept running until SIGTERM
 * (`etl down`), until it has been idle `idleMinutes` (no command used it, no function ran), or
 * until its folder, its state file or its stack is gone. Messages its pollers hold are recorded
 * in `held-messages.json`, so whoever comes after a crash hands them back at once.
 */
export async function hostServices(options: ServicesHostOptions, idleMinutes: number): Promise<void> {
  const { dir } = options;
  const files = servicesFiles(dir);
  const log = (line: string) => console.log(line);
  const heldFile = path.join(dir, 'held-messages.json');
  const held = new HeldMessages(heldFile);
  let running = 0;
  let lastWork = Date.now();
  const countWork =
    (invoke: Invoke): Invoke =>
    async (functionName, event) => {
      running++;
      try {
        return await invoke(functionName, event);
      } finally {
        running--;
        lastWork = Date.now();
      }
    };
  for (const service of ['extract', 'transform', 'load'] as const) writeFileSync(files.serviceLog(service), '');
  const local = await LocalPipeline.start({
    dir,
    fixedPorts: options.fixedPorts,
    databaseUrl: options.databaseUrl,
    reuseRunningStack: true,
    sourceParams: options.sourceParams,
    wrapInvoke: countWork,
    held: (queueUrl) => held.forQueue(queueUrl),
    serviceOutput: (service, text) => appendFileSync(files.serviceLog(service), text),
    log,
  });
  const leftovers = await HeldMessages.releaseLeftovers(heldFile, local.sqs);
  if (leftovers.stillRunning) {
    await local.stop();
    throw new Error(`another pnpm dev or etl run (pid ${leftovers.stillRunning}) runs on ${dir}: stop it first`);
  }
  if (leftovers.released > 0) log(`▶ ${leftovers.released} message(s) an interrupted run held: made visible again, processed now`);

  const state: ServicesState = {
    pid: process.pid,
    ...options.fingerprint,
    endpoints: local.endpoints,
    lambdaEndpoints: local.lambdaEndpoints,
    queueUrls: local.queueUrls,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(`${files.state}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${files.state}.tmp`, files.state); // a reader never sees half a file
  log(`✔ services ready (pid ${process.pid}); they stop after ${idleMinutes} idle minutes, or with etl down`);

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(watch);
    log(`▶ stopping: ${why}`);
    const mine = existsSync(files.state) && (JSON.parse(readFileSync(files.state, 'utf8')) as ServicesState).pid === process.pid;
    if (mine) rmSync(files.state, { force: true }); // no command attaches while they stop
    await local.stopPollers(); // every batch in flight settles
    held.clear();
    await local.stop();
    process.exit(0);
  };
  const lastUse = () => Math.max(lastWork, existsSync(files.used) ? statSync(files.used).mtimeMs : 0);
  const watch = setInterval(() => {
    if (!existsSync(files.state) || (JSON.parse(readFileSync(files.state, 'utf8')) as ServicesState).pid !== process.pid)
      void stop(`${files.state} is gone or names other services`);
    else if (!runningStack(dir)) void stop(`the local stack on ${dir} stopped`);
    else if (running === 0 && Date.now() - lastUse() > idleMinutes * 60_000) void stop(`idle for ${idleMinutes} minutes`);
  }, CHECK_EVERY_MS);
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
