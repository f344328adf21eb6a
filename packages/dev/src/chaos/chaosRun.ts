import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { FAULT_LOG, FAULTS_ENV, injectedFaults } from '@etl/local-aws';
import { freshPostgresDatabase } from '@etl/local-aws/testing';
import type { Invoke } from '@etl/harness';
import { workQueueName } from '@etl/contracts';
import { sourceParams as sourceParamsOf } from '@etl/extract';
import { expectedOrdersTable, ORDERS_TABLE_QUERY, orders, startOrdersApi } from '@etl/pipelines';
import type { ApiFault } from '@etl/pipelines';
import { committedWatermark, query, rowChecks, runAccount } from '@etl/warehouse';
import { LOCAL_WORK_QUEUES, LocalPipeline, packageServices, serviceOfFunction } from '../localPipeline';
import type { PackagedServices } from '../localPipeline';
import type { ChaosRunData } from './chaosData';
import { describeSchedule, drawnFaults, seedPlan } from './faultSchedule';
import type { FaultSchedule, RunNumber } from './faultSchedule';
import { compareTables } from './tableDiff';

/** The faults a seed injected, by kind, counted where they were injected. */
export const FAULT_KINDS = [
  'worker-crash',
  'worker-kill',
  'stack-kill',
  'double-delivery',
  's3-slow-down',
  'failed-statement',
  'poison',
  'poison-file',
  'api-server-error',
  'api-malformed-page',
  'api-dropped-body',
  'api-stalled-body',
  'api-internal-error',
  'api-outage',
] as const;
export type ChaosFaultKind = (typeof FAULT_KINDS)[number];

export interface SeedResult {
  seed: number;
  schedule: string;
  faults: Record<ChaosFaultKind, number>;
  /** Rows of the expected table missing from the warehouse, present twice, not expected at all, or with other values. */
  lost: number;
  duplicated: number;
  invented: number;
  changed: number;
  /** What else did not hold (accounting, watermark, DLQs, a run that did not finish); empty when the seed passed. */
  problems: string[];
  seconds: number;
}

export interface ChaosOptions {
  seeds: number[];
  /** Source rows of each seed's first run. */
  rows: number;
  /** Seeds run at once, each on its own stack and services (most of a seed is waiting out timeouts). */
  parallel?: number;
  /** Give up on a run after this long. */
  runTimeoutMs?: number;
  /** Write the services' logs of a failed seed to this folder (`seed-<n>-<service>.log`). */
  logsDir?: string;
  log?: (line: string) => void;
  onSeed?: (result: SeedResult) => void;
}

/**
 * What the event source makes of one batch delivered to two invocations at once: a record failed
 * if either delivery failed it (that copy comes back), and the batch failed if either did.
 */
function bothDeliveries(first: Awaited<ReturnType<Invoke>>, second: Awaited<ReturnType<Invoke>>): Awaited<ReturnType<Invoke>> {
  if (first.functionError) return first;
  if (second.functionError) return second;
  const failures = (payload: unknown) => (payload as { batchItemFailures?: { itemIdentifier: string }[] } | null)?.batchItemFailures ?? [];
  const ids = [...new Set([...failures(first.payload), ...failures(second.payload)].map((f) => f.itemIdentifier))];
  return { payload: { batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) } };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Takes one copy of `body` out of `list`, if it is there. */
const withdraw = (list: string[], body: string) => {
  const at = list.indexOf(body);
  if (at >= 0) list.splice(at, 1);
};
const apiKind = (fault: ApiFault) => `api-${fault}` as ChaosFaultKind;
const noFaults = () => Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<ChaosFaultKind, number>;

/** What a lane's invocation wrapper and fault timers look at: the seed and run under way. */
interface LaneState {
  schedule?: FaultSchedule;
  run?: RunNumber;
  crashed: boolean;
  faults: Record<ChaosFaultKind, number>;
  /** poison (message bodies) expected in a DLQ */
  poisonSent: string[];
  /**
   * poison the pipeline undid itself: a second delivery of the raw file's message transformed it
   * again and wrote the staged file anew over the poison, so its load may succeed — its copies
   * may be in a DLQ (refused before the rewrite), none must be
   */
  poisonExcused: string[];
  /** the staged file made poison, until it is mended (by the lane, or by the pipeline writing it again) and its message redriven */
  poisonFile?: { bucket: string; key: string; original?: Uint8Array; poisonEtag?: string; body: string; mended: boolean };
}

/**
 * One lane of the chaos suite: an orders API, a LocalPipeline (stack and services), and the
 * faults of the seed under way. Seeds run one after another on a lane, each on a fresh stack
 * folder and warehouse database; the services outlive the seeds.
 */
class ChaosLane {
  private local!: LocalPipeline;
  private api!: Awaited<ReturnType<typeof startOrdersApi>>;
  private readonly state: LaneState = { crashed: false, faults: noFaults(), poisonSent: [], poisonExcused: [] };
  private faultsInFlight: Promise<void> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private dropDatabase?: () => Promise<void>;
  private dir?: string;

  constructor(
    private readonly options: Required<Pick<ChaosOptions, 'rows' | 'runTimeoutMs'>> &
      Pick<ChaosOptions, 'logsDir'> & {
        log: (line: string) => void;
        resources: PackagedServices;
        /** This lane's serverless-esbuild work folder: lanes must not build into each other's. */
        esbuildWorkFolder: string;
      },
  ) {}

  /** Runs a seed: both runs with their faults, then every check. Never throws: a failure is a result. */
  async runSeed(seed: number): Promise<SeedResult> {
    const started = Date.now();
    const { runs, schedule } = seedPlan(seed, this.options.rows);
    const result: SeedResult = {
      seed,
      schedule: describeSchedule(schedule),
      faults: noFaults(),
      lost: 0,
      duplicated: 0,
      invented: 0,
      changed: 0,
      problems: [],
      seconds: 0,
    };
    const poisonSent: string[] = [];
    Object.assign(this.state, {
      schedule,
      run: undefined,
      crashed: false,
      faults: result.faults,
      poisonSent,
      poisonExcused: [],
      poisonFile: undefined,
    });
    try {
      await this.freshStack(schedule);
      for (const [index, data] of runs.entries()) await this.runOnce((index + 1) as RunNumber, data, schedule, poisonSent, result);
      await this.checkTable(runs[1], result);
      await this.checkDeadLetters(poisonSent, result);
    } catch (error) {
      result.problems.push((error as Error).message);
      // what the table lacks, had the pipeline stopped here
      await this.checkTable(runs[1], result).catch(() => undefined);
      // say what the DLQs hold and what the services last complained of
      await this.checkDeadLetters(poisonSent, result).catch(() => undefined);
      for (const { service, tail } of this.local?.serviceLogs(Number.MAX_SAFE_INTEGER) ?? []) {
        const errors = tail.filter((line) => /record failed|"level":"ERROR"/.test(line) && !line.includes('poison')).slice(-2);
        for (const line of errors) result.problems.push(`${service} logged: ${line.slice(0, 600)}`);
        if (this.options.logsDir) writeFileSync(path.join(this.options.logsDir, `seed-${seed}-${service}.log`), tail.join('\n'));
      }
    } finally {
      this.disarm();
      await this.faultsInFlight.catch(() => undefined);
      const stackFaults = this.dir ? injectedFaults(path.join(this.dir, FAULT_LOG)) : { 's3-slow-down': 0, 'failed-statement': 0 };
      result.faults['s3-slow-down'] = stackFaults['s3-slow-down'];
      result.faults['failed-statement'] = stackFaults['failed-statement'];
      result.seconds = (Date.now() - started) / 1000;
    }
    // a seed proves only what struck: a drawn fault that never fired fails it
    for (const kind of drawnFaults(schedule))
      if (result.faults[kind as ChaosFaultKind] === 0) result.problems.push(`drawn fault did not fire: ${kind}`);
    return result;
  }

  private async freshStack(schedule: FaultSchedule): Promise<void> {
    await this.dropDatabase?.();
    // the previous seed's folder goes once the new stack has taken over its IAM (replaceStack)
    const previous = this.dir;
    // half the seeds on PGlite (the engine etl run uses by default), half on Postgres
    const database = schedule.engine === 'postgres' ? await freshPostgresDatabase('etl_chaos') : undefined;
    this.dropDatabase = database?.drop;
    this.dir = mkdtempSync(path.join(tmpdir(), `etl-chaos-${schedule.seed}-`));
    const stackEnv = { [FAULTS_ENV]: JSON.stringify(schedule.stack) };
    if (!this.local) {
      this.api = await startOrdersApi([], { faultAt: (request) => this.apiFault(request) });
      this.local = await LocalPipeline.start({
        dir: this.dir,
        fixedPorts: false,
        databaseUrl: database?.url,
        stackEnv,
        resources: this.options.resources,
        esbuildWorkFolder: this.options.esbuildWorkFolder,
        sourceParams: sourceParamsOf(orders, this.api.url),
        wrapInvoke: (invoke) => this.faultyInvoke(invoke),
        log: () => undefined,
      });
    } else {
      await this.local.replaceStack(this.dir, database?.url, stackEnv);
    }
    if (previous) rmSync(previous, { recursive: true, force: true });
  }

  /** The API's answer to a request of the run under way: an outage's 500, a drawn fault, or none. */
  private apiFault(request: number): ApiFault | undefined {
    const { schedule, run } = this.state;
    const outage = schedule?.outage;
    if (outage && outage.run === run && request >= outage.request && request < outage.request + outage.length) return 'internal-error';
    return schedule?.api.find((f) => f.run === run && f.request === request)?.fault;
  }

  /**
   * Delivers batches — twice at the same moment, to two concurrent invocations, when the seed
   * says so (what SQS does when a message's visibility timeout ends while it is still being
   * processed) — makes a staged file poison, and crashes a worker mid-batch, as the seed says.
   */
  private faultyInvoke(invoke: Invoke): Invoke {
    return async (functionName, event) => {
      const { schedule, run } = this.state;
      const service = serviceOfFunction(functionName);
      const crash = schedule?.workerCrash;
      const crashNow = crash && crash.run === run && crash.service === service && !this.state.crashed;
      if (crashNow) this.state.crashed = true;
      const poisoned = service === 'load' && (await this.poisonFileOnce(event));
      const invocation = (async () => {
        if (!schedule?.deliverTwice || poisoned) return invoke(functionName, event);
        this.state.faults['double-delivery']++;
        const [first, second] = await Promise.all([invoke(functionName, event), invoke(functionName, event)]);
        return bothDeliveries(first, second);
      })();
      if (crashNow) {
        let settled = false;
        void invocation.finally(() => (settled = true)).catch(() => undefined);
        void sleep(crash.delayMs).then(() => {
          if (settled)
            this.state.crashed = false; // over already: the next invocation is the one
          else this.inject('worker-crash', () => this.local.killService(service));
        });
      }
      return invocation;
    };
  }

  /**
   * The seed's poison file: the first staged file of the run's first load batch gets content
   * COPY refuses, so that its message must reach the load DLQ on its own while the rest load.
   */
  private async poisonFileOnce(event: Parameters<Invoke>[1]): Promise<boolean> {
    const { schedule, run } = this.state;
    if (schedule?.poison?.target !== 'load-file' || schedule.poison.run !== run || this.state.poisonFile) return false;
    const record = event.Records[0];
    if (!record) return false;
    const { staged } = JSON.parse(record.body) as { staged: { bucket: string; key: string } };
    // claimed before any await: a load invocation running beside this one must not poison a second file
    const file: NonNullable<LaneState['poisonFile']> = { ...staged, body: record.body, mended: false };
    this.state.poisonFile = file;
    try {
      const original = await this.local.s3.send(new GetObjectCommand({ Bucket: staged.bucket, Key: staged.key }));
      file.original = await original.Body!.transformToByteArray();
      const poisoned = await this.local.s3.send(
        new PutObjectCommand({ Bucket: staged.bucket, Key: staged.key, Body: gzipSync('poison,not,a,row,of,orders\n') }),
      );
      file.poisonEtag = poisoned.ETag;
    } catch {
      // the lane's own call refused (the seed's S3 SlowDown share, past the SDK's retries): the
      // file is as it was, and the next load batch's first file is poisoned instead
      this.state.poisonFile = undefined;
      return false;
    }
    this.state.poisonSent.push(record.body);
    this.state.faults['poison-file']++;
    return true;
  }

  /**
   * Once the poison file's message is in the load DLQ: its file is mended and the DLQ redriven
   * (`etl dlq --redrive`), as an operator would once the cause is fixed — it then loads. Copies
   * that reach the DLQ later (the message was delivered twice) are redriven in turn.
   */
  private async mendPoisonFile(): Promise<void> {
    const file = this.state.poisonFile;
    if (!file?.original) return;
    if (!file.mended && (await this.rewrittenSincePoisoned(file))) {
      file.mended = true;
      withdraw(this.state.poisonSent, file.body);
      this.state.poisonExcused.push(file.body);
    }
    if ((await this.local.depth('etl-load-dev-load-dlq')) === 0) return;
    if (!file.mended) {
      await this.local.s3.send(new PutObjectCommand({ Bucket: file.bucket, Key: file.key, Body: file.original }));
      file.mended = true;
      withdraw(this.state.poisonSent, file.body);
    }
    const arn = async (url: string) =>
      (await this.local.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const SourceArn = await arn(this.local.queueUrls['etl-load-dev-load-dlq']!);
    const { Results = [] } = await this.local.sqs.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults: 1 }));
    if (Results[0]?.Status !== 'RUNNING')
      await this.local.sqs.send(
        new StartMessageMoveTaskCommand({ SourceArn, DestinationArn: await arn(this.local.queueUrls[workQueueName('load', 'dev')]!) }),
      );
  }

  /** Whether the pipeline has written the poisoned staged file again (a duplicate transform of its raw file). */
  private async rewrittenSincePoisoned(file: NonNullable<LaneState['poisonFile']>): Promise<boolean> {
    if (file.poisonEtag === undefined) return false; // still being poisoned
    // a HEAD refused (the seed's S3 SlowDown share) tells nothing: asked again at the next look
    const head = await this.local.s3.send(new HeadObjectCommand({ Bucket: file.bucket, Key: file.key })).catch(() => undefined);
    return head !== undefined && head.ETag !== file.poisonEtag;
  }

  /**
   * One of the lane's own calls to the stack (not the pipeline's): refused while a stack this run
   * SIGKILLs is started again, so a failed call then waits for the restart and is made once more.
   */
  private async onStack<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (this.state.schedule?.stackKill?.run !== this.state.run) throw error;
      await this.faultsInFlight;
      return call();
    }
  }

  /** Runs one fault after those before it (a kill waits for the restart before it). */
  private inject(kind: ChaosFaultKind, fault: () => Promise<void>): void {
    this.state.faults[kind]++;
    this.faultsInFlight = this.faultsInFlight.then(fault).catch((error: unknown) => {
      this.options.log(`  fault ${kind} could not be injected: ${(error as Error).message}`);
    });
  }

  private arm(run: RunNumber, schedule: FaultSchedule): void {
    const { workerKill: kill, stackKill } = schedule;
    if (kill?.run === run)
      this.timers.push(setTimeout(() => this.inject('worker-kill', () => this.local.killService(kill.service)), kill.afterMs));
    if (stackKill?.run === run)
      this.timers.push(setTimeout(() => this.inject('stack-kill', () => this.local.killStack()), stackKill.afterMs));
  }

  private disarm(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  private async runOnce(run: RunNumber, data: ChaosRunData, schedule: FaultSchedule, poisonSent: string[], result: SeedResult) {
    const apiBefore = this.api.injected();
    this.api.replace(data.lines);
    this.state.run = run;
    if (schedule.poison?.run === run && schedule.poison.target !== 'load-file') {
      const body = JSON.stringify({ poison: `chaos seed ${schedule.seed}`, note: 'no handler can process this message' });
      await this.local.sqs.send(
        new SendMessageCommand({
          QueueUrl: this.local.queueUrls[`etl-${schedule.poison.target}-dev-${schedule.poison.target}`]!,
          MessageBody: body,
        }),
      );
      poisonSent.push(body);
      result.faults.poison++;
    }
    const runId = await this.planAsScheduled(run);
    this.arm(run, schedule);
    await this.follow(run, runId, poisonSent);
    this.disarm();
    await this.faultsInFlight;
    await this.quiet(poisonSent, run === 2);
    const apiAfter = this.api.injected();
    for (const fault of Object.keys(apiAfter) as ApiFault[]) result.faults[apiKind(fault)] += apiAfter[fault] - apiBefore[fault];
    const outage = schedule.outage;
    if (outage?.run === run && apiAfter['internal-error'] - apiBefore['internal-error'] === outage.length) result.faults['api-outage']++;

    const loaded = await runAccount(this.local.warehouse, orders.name, runId);
    if (!loaded) throw new Error(`run ${run} (${runId}) is not in etl_runs`);
    const { rows } = loaded;
    const say = (problem: string) => result.problems.push(`run ${run}: ${problem}`);
    if (rows.extracted !== data.served.length) say(`extracted ${rows.extracted} rows, the source served ${data.served.length}`);
    if (rows.rejected !== data.invalidServed) say(`rejected ${rows.rejected} rows, ${data.invalidServed} were invalid`);
    const checks = rowChecks(rows);
    if (!checks.transform)
      say(`transform accounting: ${rows.extracted} ≠ ${rows.rejected} + ${rows.collapsedInTransform} + ${rows.staged}`);
    if (!checks.load) say(`load accounting: ${rows.staged} ≠ ${rows.collapsedInLoad} + ${rows.inserted} + ${rows.updated}`);
    const watermark = await committedWatermark(this.local.warehouse, orders.name);
    if (String(watermark) !== data.watermark) say(`watermark ${watermark}, expected ${data.watermark}`);
  }

  /**
   * Invokes the planner as its schedule does — an asynchronous invocation, which Lambda retries
   * twice when it fails — and returns the run it planned (or the one a failed attempt left in flight).
   */
  private async planAsScheduled(run: RunNumber): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.local.plan(orders.name);
        const runId = outcome.planned?.runId ?? outcome.inFlightRunId;
        if (!runId) throw new Error(`run ${run}: the planner did not plan a run: ${outcome.skipped}`);
        return runId;
      } catch (error) {
        if (attempt === 3) throw error;
        await sleep(1_000 * attempt);
      }
    }
  }

  /** Until every part of the run is loaded; fails early when a message that is not poison reaches a DLQ. */
  private async follow(run: RunNumber, runId: string, poisonSent: readonly string[]): Promise<void> {
    const deadline = Date.now() + this.options.runTimeoutMs;
    for (;;) {
      const { parts, loaded } = await this.local.progress(orders.name, runId);
      if (parts !== null && loaded >= parts) return;
      await this.onStack(() => this.mendPoisonFile());
      const poison = this.poisonCopies(poisonSent);
      const deadLetters = await this.deadLetterDepth().catch(() => 0);
      if (deadLetters > poison) throw new Error(`run ${run}: ${deadLetters - poison} message(s) that are not poison reached a DLQ`);
      if (Date.now() > deadline)
        throw new Error(
          `run ${run} (${runId}) did not finish in ${this.options.runTimeoutMs / 1000} s: ${loaded}/${parts ?? '?'} parts loaded`,
        );
      await sleep(1_000);
    }
  }

  /**
   * How many poison messages the DLQs may hold: one each, or two when every batch goes to two
   * invocations at once — each copy fails for good, and each is dead-lettered (checkDeadLetters
   * still requires every body there to be poison).
   */
  private poisonCopies(poisonSent: readonly string[]): number {
    // twice delivered at the transform too, a poison file's message is sent to the load twice: up to 4 copies
    return (poisonSent.length + this.state.poisonExcused.length) * (this.state.schedule?.deliverTwice ? 4 : 1);
  }

  private async deadLetterDepth(): Promise<number> {
    const depths = await Promise.all(this.local.deadLetterQueues.map((name) => this.local.depth(name)));
    return depths.reduce((a, b) => a + b, 0);
  }

  /**
   * Until the work queues hold nothing but poison on its way to a DLQ (replays and second
   * deliveries settled), twice in a row; with `poisonInDlq`, until the poison is in the DLQs.
   */
  private async quiet(poisonSent: readonly string[], poisonInDlq: boolean): Promise<void> {
    const deadline = Date.now() + this.options.runTimeoutMs;
    for (let calm = 0; calm < 2;) {
      await this.onStack(() => this.mendPoisonFile());
      const poison = poisonSent.length;
      const work = await Promise.all(LOCAL_WORK_QUEUES.map((queue) => this.local.depth(queue.name))).then(
        (depths) => depths.reduce((a, b) => a + b, 0),
        () => Number.POSITIVE_INFINITY,
      );
      const dead = await this.deadLetterDepth().catch(() => 0);
      calm = work + dead <= this.poisonCopies(poisonSent) && (!poisonInDlq || dead >= poison) ? calm + 1 : 0;
      if (Date.now() > deadline) throw new Error(`the queues did not drain: ${work} message(s) left, ${dead} in DLQs, ${poison} poison`);
      await sleep(1_000);
    }
  }

  private async checkTable(data: ChaosRunData, result: SeedResult): Promise<void> {
    const actual = (await query(this.local.warehouse, ORDERS_TABLE_QUERY)).map((row) => row.map(String));
    Object.assign(result, compareTables(expectedOrdersTable(data.lines), actual));
  }

  private async checkDeadLetters(poisonSent: string[], result: SeedResult): Promise<void> {
    const bodies: string[] = [];
    for (const name of this.local.deadLetterQueues) {
      for (;;) {
        const { Messages = [] } = await this.local.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.local.queueUrls[name]!,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 600,
          }),
        );
        if (Messages.length === 0) break;
        bodies.push(...Messages.map((m) => m.Body ?? ''));
      }
    }
    const unexpected = bodies.filter((body) => !poisonSent.includes(body) && !this.state.poisonExcused.includes(body));
    const missing = poisonSent.filter((body) => !bodies.includes(body));
    if (unexpected.length > 0)
      result.problems.push(`DLQs hold ${unexpected.length} message(s) that are not poison: ${unexpected[0]!.slice(0, 200)}`);
    if (missing.length > 0) result.problems.push(`${missing.length} poison message(s) are not in a DLQ`);
  }

  async stop(): Promise<void> {
    this.disarm();
    await this.local?.stop();
    await this.api?.stop();
    await this.dropDatabase?.().catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `pnpm chaos`: runs each seed's fault schedule against the orders pipeline on the local stack
 * and checks the outcome against what the sample data says it must be. Seeds are spread over
 * `parallel` lanes.
 */
export async function runChaos(options: ChaosOptions): Promise<SeedResult[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const queue = [...options.seeds];
  const results: SeedResult[] = [];
  log('▶ packaging the services');
  const resources = await packageServices();
  if (options.logsDir) mkdirSync(options.logsDir, { recursive: true });
  const laneOptions = { rows: options.rows, runTimeoutMs: options.runTimeoutMs ?? 8 * 60_000, log, resources, logsDir: options.logsDir };
  const lanes = Array.from(
    { length: Math.max(1, Math.min(options.parallel ?? 1, queue.length)) },
    (_, lane) => new ChaosLane({ ...laneOptions, esbuildWorkFolder: `.esbuild-chaos-${lane}` }), // not .esbuild: a pnpm dev may run beside
  );
  try {
    await Promise.all(
      lanes.map(async (lane) => {
        for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
          const result = await lane.runSeed(seed);
          results.push(result);
          options.onSeed?.(result);
        }
      }),
    );
  } finally {
    await Promise.all(lanes.map((lane) => lane.stop()));
  }
  return results.sort((a, b) => a.seed - b.seed);
}
