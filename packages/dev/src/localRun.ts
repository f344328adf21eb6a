import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { dataKeys, runIdTime, workQueueName } from '@etl/contracts';
import { dataBucketName, REPO_ROOT } from '@etl/harness';
import { peekDeadLetter } from '@etl/middleware';
import { qualifiedTable, quoteIdentifier } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { committedWatermark, query, rejectsByRule as rejectsByRuleOf, runAccount, stageSeconds, tableColumns } from '@etl/warehouse';
import type { RunRows, StageSeconds, Warehouse } from '@etl/warehouse';
import { AttachedPipeline } from './attachedPipeline';
import { backgroundServices, markUsed, servicesFingerprint, startBackgroundServices, stopBackgroundServices } from './backgroundServices';
import type { ServicesState } from './backgroundServices';
import { HeldMessages } from './heldMessages';
import { anyVisibleMessages, planAfterInterruption } from './interruptedRun';
import { LOCAL_WORK_QUEUES, LocalPipeline } from './localPipeline';
import { rowLines } from './runSummary';
import { shellCommands } from './shellCommands';
import type { RunningPipeline } from './runningPipeline';
import { checkDropFile, dropFile, dropKey } from './dropFile';

export interface LocalRunOptions {
  pipeline: Pipeline;
  /** The services' params that point the pipeline at its source (e.g. `ordersApiUrl`). */
  sourceParams: Record<string, string>;
  /** State folder (local stack, held messages). Default `.local` at the repository root. */
  dir?: string;
  /** Ports from serverless.yml and the stack's defaults (false: free ports, for tests). */
  fixedPorts?: boolean;
  /** A Postgres for the warehouse instead of PGlite. */
  databaseUrl?: string;
  /** Give up after this long. */
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Fault injection: every batch is delivered to its function twice (at-least-once delivery at its worst). */
  deliverTwice?: boolean;
  /** Fault injection: once loaded, the run is announced again (a replayed extraction) and followed until the queues drain. */
  replayRun?: boolean;
  /** Stop everything started (services, pollers, the stack) on Ctrl-C / SIGTERM, then exit. The CLIs set it. */
  handleSignals?: boolean;
  /** Said after "✔ run <id> loaded". */
  note?: string;
  /** Instead of planning a run, announce this run's raw files again (a replay: files already loaded load nothing) and follow it. */
  replay?: string;
  /** Instead of a run from the watermark, a backfill of the cursor range [from, to): the watermark is not moved back. */
  backfill?: { from: string | null; to: string };
  /** Told each second while a run moves (instead of a progress line in `log`): a terminal draws a bar with it. */
  progress?: (progress: RunProgress) => void;
  /** Told once the stack and the services run (`pnpm dev` starts its dashboard here); what it returns is called at the end. */
  onStarted?: (local: RunningPipeline) => Promise<(() => Promise<void>) | void>;
  /** After the run, keep the stack and the services running until Ctrl-C / SIGTERM (needs `handleSignals`). */
  keepOpen?: boolean;
  /**
   * Run the services in the background and leave them running for the next command on `dir`
   * (`etl run`; see backgroundServices.ts). Without it, services already running there are used
   * when they match, and otherwise stopped and started in this process for this run.
   */
  background?: boolean;
}

/** How far a run is, as `follow` sees it each second. */
export interface RunProgress {
  runId: string;
  /** Parts loaded, of `parts` (null until the first file of the run is loaded). */
  loaded: number;
  parts: number | null;
  queued: { extract: number; transform: number; load: number };
  seconds: number;
}

export interface RunSummary {
  runId: string;
  /** Extract tasks the planner fanned the run out into (1: not fanned out). */
  tasks: number;
  /** Stage by stage; each adds up (see runSummary.ts). */
  rows: RunRows;
  rejectsByRule: Record<string, number>;
  seconds: StageSeconds;
  tableRows: number;
  /** Drift policy `add-columns`: the columns the target has gained from the source, with how many rows have a value. */
  addedColumns: { name: string; rows: number }[];
  watermark: string | null;
  /** `etl replay`: what the replay itself loaded — `rows` are the run's own figures, from all its loads. */
  replayed?: { filesAlreadyLoaded: number; filesLoadedNow: number };
}

/**
 * One run of a pipeline on this machine: the local AWS stack (the one running on `dir`, or one
 * started for the run), the three services under serverless-offline with the event source
 * mappings, pointed at the source by `sourceParams`; the planner is invoked, the run followed
 * through the real queues and summed up from the warehouse's ledger. State stays in `dir`, so the
 * next run is incremental, and a run an interrupted call left in flight is finished first.
 */
export function runLocally(options: LocalRunOptions): Promise<RunSummary> {
  const { pipeline } = options;
  // A replay reads the raw files in S3 only, so services reading any source serve it.
  return withLocalPipeline(
    { ...options, readsSource: !options.replay },
    async ({ running, follow, replayAndSettle, summary, messagesBack, log }) => {
      if (options.replay) {
        // what the replay itself loads, apart from the run's figures (which are its first load's)
        const filesLoaded = async () =>
          Number(
            (
              (await query(running.warehouse, 'SELECT COUNT(*) FROM etl_load_files WHERE run_id = :run', { run: options.replay! })) as [
                [number],
              ]
            )[0][0],
          );
        const before = await filesLoaded();
        await replayAndSettle(options.replay);
        const again = (await filesLoaded()) - before;
        const summed = await summary(
          options.replay,
          again === 0
            ? `replayed: its ${before} file(s) were loaded already, so nothing was loaded again; the figures below are the run's own`
            : `replayed: ${again} file(s) loaded now that were not before; the figures below are the run's, all loads together`,
        );
        return { ...summed, replayed: { filesAlreadyLoaded: before, filesLoadedNow: again } };
      }
      const { backfill } = options;
      log(
        `▶ planning a ${backfill ? `backfill from ${backfill.from ?? '(the beginning)'} to ${backfill.to}` : 'run'} of the ${pipeline.name} pipeline`,
      );
      const outcome = await planAfterInterruption({
        plan: (force) => running.plan(pipeline.name, force, backfill),
        follow,
        messagesBack,
        log,
      });
      if (!outcome.planned) throw new Error(`the planner did not plan a run: ${outcome.skipped}`);
      const { runId, since } = outcome.planned;
      log(
        backfill
          ? `  run ${runId}, from ${since ?? '(the beginning)'} below ${outcome.planned.until}`
          : since === null || since === undefined
            ? `  run ${runId}, reading everything (no watermark yet: the first run)`
            : pipeline.incremental?.lookback
              ? `  run ${runId}, reading from ${since} (the watermark less the ${pipeline.incremental.lookback} s lookback)`
              : `  run ${runId}, reading from the watermark ${since}`,
      );
      await follow(runId);
      if (options.replayRun) await replayAndSettle(runId);
      return summary(runId, options.note);
    },
  );
}

/**
 * Local files loaded through the S3-drop path: each is put under the pipeline's landing prefix
 * in the data bucket, the bucket's notification invokes the extract service's `dropped`
 * function, and the run it makes of the file is followed to the warehouse — one run per file,
 * summed up like any run.
 */
export function dropFilesLocally(options: LocalRunOptions & { files: string[] }): Promise<RunSummary[]> {
  const { pipeline } = options;
  const keys = options.files.map((file) => dropKey(pipeline, file)); // every file checked before anything starts
  for (const file of options.files) checkDropFile(pipeline, file);
  if (new Set(keys).size < keys.length) throw new Error('--files: two files have the same name, so they would land at the same key');
  return withLocalPipeline({ ...options, readsSource: false }, async ({ running, follow, summary, log }) => {
    const summaries: RunSummary[] = [];
    for (const file of options.files) {
      const { key, runId } = await dropFile(running.s3, pipeline, file);
      log(`▶ ${file} → s3://${dataBucketName('dev')}/${key}: run ${runId}, through the bucket's notification to the dropped function`);
      await follow(runId);
      summaries.push(await summary(runId, `from ${path.basename(file)}`));
    }
    return summaries;
  });
}

/** What a session on the local pipeline offers the run it is for. */
interface LocalSession {
  running: RunningPipeline;
  log: (line: string) => void;
  /** Whether the messages of a run in flight are back for this session's pollers (see planAfterInterruption). */
  messagesBack: () => Promise<boolean>;
  /** Waits until every part of the run is loaded, showing progress. */
  follow: (runId: string) => Promise<void>;
  /** Announces a run's raw files again and waits until the transform and load queues are quiet. */
  replayAndSettle: (runId: string) => Promise<void>;
  /** The run's summary from the ledger, logged. */
  summary: (runId: string, note?: string) => Promise<RunSummary>;
}

/**
 * Starts the local pipeline for `options` (the stack on `dir` or a new one, the services, the
 * pollers), releases what an interrupted run held, runs `body`, and stops what it started —
 * on Ctrl-C too with `handleSignals`. With `keepOpen`, it waits for the signal after `body`.
 */
async function withLocalPipeline<T>(
  options: LocalRunOptions & { readsSource?: boolean },
  body: (session: LocalSession) => Promise<T>,
): Promise<T> {
  const { pipeline, sourceParams } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = path.resolve(options.dir ?? path.join(REPO_ROOT, '.local'));
  const fixedPorts = options.fixedPorts ?? true;
  mkdirSync(dir, { recursive: true });
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(
      attached
        ? `\n✘ ${signal}: no longer following; the services in the background finish the run (etl status shows it, etl down stops them)`
        : `\n✘ ${signal}: stopping the services and the stack (state stays in ${dir}; the next run finishes this one)`,
    );
    void cleanUp().then(() => process.exit(130));
  };
  if (options.handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  let local: RunningPipeline | undefined;
  let attached = false;
  try {
    let released = 0;
    const background = await useBackgroundServices(dir, options, log);
    if (background) {
      attached = true;
      local = new AttachedPipeline(dir, background);
      markUsed(dir);
      cleanups.push(() => local?.stop());
      log(`▶ services running in the background since ${background.startedAt} (pid ${background.pid}; etl down stops them)`);
      await options.onStarted?.(local).then((stopAfter) => stopAfter && cleanups.push(stopAfter));
    } else {
      const heldFile = path.join(dir, 'held-messages.json');
      const held = new HeldMessages(heldFile);
      const inProcess = await LocalPipeline.start({
        dir,
        fixedPorts,
        databaseUrl: options.databaseUrl,
        reuseRunningStack: true,
        sourceParams,
        wrapInvoke: options.deliverTwice
          ? (invoke) => async (functionName, event) => {
              await invoke(functionName, event);
              return invoke(functionName, event);
            }
          : undefined,
        held: (queueUrl) => held.forQueue(queueUrl),
        log,
      });
      local = inProcess;
      cleanups.push(() => inProcess.stop());
      cleanups.push(() => inProcess.stopPollers().then(() => held.clear())); // stopped: every batch settled
      const stopAfter = await options.onStarted?.(inProcess);
      if (stopAfter) cleanups.push(stopAfter);
      // messages an interrupted pnpm dev held come back now, not after their visibility timeout
      const leftovers = await HeldMessages.releaseLeftovers(heldFile, inProcess.sqs);
      if (leftovers.stillRunning) throw new Error(`another pnpm dev (pid ${leftovers.stillRunning}) runs on ${dir}: stop it first`);
      if (leftovers.released > 0)
        log(`▶ an interrupted pnpm dev held ${leftovers.released} message(s) in flight: made visible again, they are processed now`);
      released = leftovers.released;
    }
    const running = local;
    const workQueues = Object.entries(running.queueUrls)
      .filter(([name]) => !name.endsWith('-dlq'))
      .map(([name, url]) => ({ name, url }));
    // this process's pollers see a message once it is visible; the background services' pollers also hold those in flight
    const messagesBack = async () =>
      released > 0 ||
      (attached
        ? (await Promise.all(workQueues.map(({ name }) => running.depth(name)))).some((n) => n > 0)
        : anyVisibleMessages(
            running.sqs,
            workQueues.map(({ url }) => url),
          ));

    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    const checkDeadLetters = async () => {
      for (const dlq of running.deadLetterQueues) {
        if ((await running.depth(dlq)) === 0) continue;
        // the dead letter says why (its worker's error code and reason): the error carries it, the services' logs follow
        const letter = await peekDeadLetter(running.sqs, running.queueUrls[dlq]!).catch(() => undefined);
        throw new Error(`messages reached ${dlq}${letter ? `: the first (${letter.first}) failed with ${letter.why}` : ''}`);
      }
      if (Date.now() > deadline) throw new Error(`the run did not complete in ${(options.timeoutMs ?? 600_000) / 1000} s`);
    };
    const follow = async (runId: string) => {
      const following = Date.now(); // progress counts from the run, not from the services' start
      for (;;) {
        if (attached) markUsed(dir);
        const { parts, loaded } = await running.progress(pipeline.name, runId);
        const depths = await Promise.all(LOCAL_WORK_QUEUES.map((queue) => running.depth(queue.name)));
        const queued = { extract: 0, transform: 0, load: 0 };
        LOCAL_WORK_QUEUES.forEach((queue, i) => (queued[queue.service] += depths[i]!));
        const seconds = (Date.now() - following) / 1000;
        if (options.progress) options.progress({ runId, loaded, parts, queued, seconds });
        else
          log(
            `  … ${seconds.toFixed(0)} s: queued extract ${queued.extract} · transform ${queued.transform} · load ${queued.load} · parts loaded ${loaded}/${parts ?? '?'}`,
          );
        if (parts !== null && loaded >= parts) break;
        await checkDeadLetters();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    /** Announces a run's raw files again and waits until the transform and load queues are quiet. */
    const replayAndSettle = async (runId: string) => {
      log(`▶ replaying run ${runId}: its raw files are announced again`);
      await running.invokeExtract('publishRun', { pipeline: pipeline.name, runId });
      let quiet = 0;
      while (quiet < 3) {
        const queued = await Promise.all(
          [workQueueName('transform', 'dev'), workQueueName('load', 'dev')].map((name) => running.depth(name)),
        );
        quiet = queued.every((n) => n === 0) ? quiet + 1 : 0;
        await checkDeadLetters();
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    };
    const summary = async (runId: string, note?: string) =>
      summarize(running.warehouse, pipeline, { runId, tasks: await extractTasksOf(running.s3, pipeline.name, runId) }, log, note);
    const result = await body({ running, log, messagesBack, follow, replayAndSettle, summary });
    if (attached && !options.keepOpen) log(`▶ the services keep running in the background for the next command (etl down stops them)`);
    if (options.keepOpen && options.handleSignals) {
      log(
        attached
          ? '\n▶ watching: Ctrl-C stops this command (the services in the background keep running; etl down stops them)'
          : '\n▶ the stack and the services keep running: Ctrl-C stops them',
      );
      await new Promise<never>(() => undefined); // the signal handler cleans up and exits
    }
    return result;
  } catch (error) {
    // the services' own logs say why a run did not finish: show their last lines
    for (const { service, tail } of local?.serviceLogs() ?? []) {
      log(`\n── last lines of the ${service} service's log ──`);
      for (const line of tail) log(`  ${line}`);
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp();
  }
}

/** The functions' role credentials last 12 hours (as Lambda's sessions do, at most): services older than this start anew. */
const ROLE_CREDENTIALS_FRESH_MS = 11 * 3_600_000;

/**
 * The background services this session uses, if any: those running on `dir` when they run the
 * current code and read the session's source (any source, for a replay or dropped files, which
 * read S3 only), or, with `background`, new ones. Services that do not match are stopped, so the
 * session's own start finds the ports free.
 */
async function useBackgroundServices(
  dir: string,
  options: LocalRunOptions & { readsSource?: boolean },
  log: (line: string) => void,
): Promise<ServicesState | undefined> {
  const fingerprint = servicesFingerprint(options.sourceParams, options.databaseUrl);
  const usable = !options.deliverTwice && !options.onStarted; // fault injection and pnpm dev's dashboard need this process's pollers
  let state = backgroundServices(dir);
  if (state) {
    const mismatch = !usable
      ? 'this run injects faults into its own pollers'
      : state.code !== fingerprint.code
        ? 'the code changed since they started'
        : options.readsSource !== false && state.source !== fingerprint.source
          ? 'they read another source'
          : Date.now() - Date.parse(state.startedAt) > ROLE_CREDENTIALS_FRESH_MS
            ? "their functions' role credentials are near their 12-hour end"
            : undefined;
    if (!mismatch) return state;
    log(`▶ stopping the services running in the background on ${dir}: ${mismatch}`);
    await stopBackgroundServices(dir);
    state = undefined;
  }
  if (!options.background || !usable) return undefined;
  log('▶ starting the services in the background: they keep running for the next command on this folder');
  return startBackgroundServices({
    dir,
    fixedPorts: options.fixedPorts ?? true,
    databaseUrl: options.databaseUrl,
    sourceParams: options.sourceParams,
    fingerprint,
    log: (line) => log(`  ${line}`),
  });
}

/** How many extract tasks a run was fanned out into: its slice manifests (1: the run was one task). */
async function extractTasksOf(s3: S3Client, pipeline: string, runId: string): Promise<number> {
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: dataBucketName('dev'), Prefix: dataKeys.sliceManifestPrefix(pipeline, runId) }),
  );
  return Math.max(1, listed.KeyCount ?? 0);
}

async function summarize(
  warehouse: Warehouse,
  pipeline: Pipeline,
  { runId, tasks }: Pick<RunSummary, 'runId' | 'tasks'>,
  log: (line: string) => void,
  note?: string,
): Promise<RunSummary> {
  const run = await runAccount(warehouse, pipeline.name, runId);
  if (!run) throw new Error(`run ${runId} is not in etl_runs`);
  const { rows, finishedAt } = run;
  const rejectsByRule = await rejectsByRuleOf(warehouse, pipeline.name, runId);
  const table = qualifiedTable(pipeline); // from the checked definition, quoted
  const [[tableRows]] = (await query(warehouse, `SELECT COUNT(*) FROM ${table}`)) as [[number]];
  const addedColumns: RunSummary['addedColumns'] = [];
  if (pipeline.drift === 'add-columns') {
    const columns = await tableColumns(warehouse, pipeline.schema, pipeline.table);
    for (const name of columns.map((c) => c.name).filter((c) => !pipeline.columnNames.includes(c))) {
      const [[rows]] = (await query(warehouse, `SELECT COUNT(${quoteIdentifier(name)}) FROM ${table}`)) as [[number]];
      addedColumns.push({ name, rows: Number(rows) });
    }
  }
  const watermark = await committedWatermark(warehouse, pipeline.name);
  const seconds = stageSeconds(runIdTime(runId).getTime() / 1000, finishedAt);
  const summary: RunSummary = {
    runId,
    tasks,
    rows,
    rejectsByRule,
    seconds,
    tableRows,
    addedColumns,
    watermark,
  };
  const pad = (label: string, value: string | number) => `  ${label.padEnd(42)} ${value}`;
  log('');
  log(`✔ run ${runId} loaded${note ? ` (${note})` : ''}`);
  for (const line of rowLines(summary.rows, rejectsByRule, tasks > 1 ? ` (${tasks} extract tasks in parallel)` : '')) log(line);
  log(
    pad(
      'time: extract / transform / load',
      `${seconds.extract.toFixed(1)} s / ${seconds.transform.toFixed(1)} s / ${seconds.load.toFixed(1)} s (total ${seconds.total.toFixed(1)} s)`,
    ),
  );
  log(pad(`rows in ${pipeline.schema}.${pipeline.table}`, tableRows));
  for (const { name, rows } of addedColumns) log(pad(`  column added: ${name}`, `${rows} rows with a value`));
  log(pad('watermark', watermark ?? '(none)'));
  log('');
  log('Look at it:');
  const { etl } = shellCommands();
  // newest first by a column the table has: the cursor, else the newest-wins column
  const newest = pipeline.incremental?.cursor ?? pipeline.newestWins;
  log(`  ${etl} query 'SELECT * FROM ${table}${newest ? ` ORDER BY ${quoteIdentifier(newest)} DESC` : ''} LIMIT 10'`);
  log(`  ${etl} show ${runId}              # its files, rejects by rule, load statements`);
  log(`  ${etl} quarantine ${runId}        # the rejected rows and why`);
  log(`  ${etl} dashboard                  # all of it on a web page`);
  return summary;
}
