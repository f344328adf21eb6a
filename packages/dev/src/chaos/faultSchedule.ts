import { seededRandom } from '@etl/pipelines';
import type { ApiFault } from '@etl/pipelines';
import type { FaultPlan } from '@etl/local-aws';
import type { ServiceName } from '@etl/harness';
import { chaosRuns } from './chaosData';
import type { ChaosRunData } from './chaosData';

/** Which of a seed's two runs a fault strikes. */
export type RunNumber = 1 | 2;

/**
 * Where poison goes: a message no handler can process, on the transform or the load queue; or
 * (`load-file`) a staged file whose content the warehouse's COPY refuses, in a load batch — once
 * it is in the DLQ, its file is mended and the DLQ redriven, as an operator would.
 */
export type PoisonTarget = 'transform' | 'load' | 'load-file';

/** The warehouse engine a seed runs on: PGlite (what `etl run` uses by default) or Postgres. */
export type ChaosEngine = 'pglite' | 'postgres';

/** Every fault of one seed, drawn from it: the same seed always gives the same schedule. */
export interface FaultSchedule {
  seed: number;
  /** even seeds on PGlite, odd ones on Postgres */
  engine: ChaosEngine;
  /**
   * A worker dies mid-batch: the service is SIGKILLed `delayMs` into its first invocation of the
   * run — or, when that invocation is over by then, as far into its next one.
   */
  workerCrash?: { run: RunNumber; service: ServiceName; delayMs: number };
  /** A worker is SIGKILLed at a moment of the run, whatever it is doing. */
  workerKill?: { run: RunNumber; service: ServiceName; afterMs: number };
  /** The local stack (S3, SQS, Data API) is SIGKILLed at a moment of the run and started again. */
  stackKill?: { run: RunNumber; afterMs: number };
  /** Every batch is delivered to its function twice, in both runs. */
  deliverTwice: boolean;
  /** The local stack's own faults: S3 503 SlowDown on a share of requests, one failing load statement. */
  stack: FaultPlan;
  /** A message no handler can process, sent at the start of a run: it must end in its queue's DLQ, alone. */
  poison?: { run: RunNumber; target: PoisonTarget };
  /** API faults by run and request number. */
  api: { run: RunNumber; request: number; fault: ApiFault }[];
  /** The API answers 500 to `length` requests running from `request` on: longer than one page's retry budget (5 attempts). */
  outage?: { run: RunNumber; request: number; length: number };
}

/** How big a seed's runs are: the pages each run reads (1,000 orders a page), so that every drawn request is one the run makes. */
export interface RunShape {
  pages: [number, number];
}

/** The load's statements a failing statement may be: the COPY, the MERGE, the file accounting, the watermark. */
const LOAD_STATEMENTS = ['COPY etl_stage', 'MERGE INTO "public"."orders"', 'INSERT INTO etl_load_files', 'MERGE INTO etl_watermarks'];
const SERVICES: ServiceName[] = ['extract', 'transform', 'load'];
const API_FAULTS: ApiFault[] = ['server-error', 'malformed-page', 'dropped-body', 'stalled-body'];
/** Requests a page may take: the extract's retry policy gives up on a page after 5 attempts in one invocation. */
const PAGE_ATTEMPTS = 5;

/**
 * How much faster SQS's visibility timeouts run in a chaos stack (faults.ts): 1,800 s last 54 s,
 * none less than 20 s — longer than a load batch takes (5 s window + COPY/MERGE) on 2 busy cores.
 */
export const CHAOS_SQS_TIME_SCALE = 0.03;
export const CHAOS_SQS_TIME_FLOOR_SECONDS = 20;

/**
 * Draws a seed's fault schedule. Each kind strikes with its own probability, so that across a
 * hundred seeds every kind is seen many times, alone and together; a stalled body (which costs a
 * 30 s client timeout) is rarer.
 */
export function drawSchedule(seed: number, { pages }: RunShape = { pages: [21, 5] }): FaultSchedule {
  const random = seededRandom(seed * 7_919 + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const run = (): RunNumber => (random() < 0.6 ? 1 : 2);
  const chance = (p: number) => random() < p;
  const schedule: FaultSchedule = {
    seed,
    engine: seed % 2 === 0 ? 'pglite' : 'postgres',
    deliverTwice: false,
    stack: { seed, sqsTimeScale: CHAOS_SQS_TIME_SCALE, sqsTimeFloorSeconds: CHAOS_SQS_TIME_FLOOR_SECONDS },
    api: [],
  };
  // early in an invocation, so that it lands inside one (the extract's run, a transform file, a load batch)
  if (chance(0.5)) schedule.workerCrash = { run: run(), service: pick(SERVICES), delayMs: Math.floor(random() * 100) };
  // within the run it strikes: the incremental second run takes seconds, not the first's tens of seconds
  const within = (r: RunNumber, firstRunMs: number) => Math.floor(random() * (r === 1 ? firstRunMs : firstRunMs / 4));
  if (chance(0.4)) {
    const r = run();
    schedule.workerKill = { run: r, service: pick(SERVICES), afterMs: within(r, 8_000) };
  }
  if (chance(0.35)) {
    const r = run();
    schedule.stackKill = { run: r, afterMs: within(r, 10_000) };
  }
  schedule.deliverTwice = chance(0.3);
  if (chance(0.5)) schedule.stack.s3SlowDownShare = Math.round((0.05 + random() * 0.15) * 1000) / 1000; // a run makes ~100 object requests
  // the first such statement of each stack process: a run may load in one batch, and a SIGKILLed stack counts anew
  if (chance(0.5)) {
    schedule.stack.failStatement = { contains: pick(LOAD_STATEMENTS), nth: 1 };
    random(); // the draw of an nth that was 1 or 2: kept, so that every other draw stays as it was
  }
  if (chance(0.5)) schedule.poison = { run: run(), target: pick(['transform', 'load', 'load-file'] as const) };
  const apiFaults = Math.floor(random() * 4);
  // a request the run makes for sure: one of its pages (faults before it only add requests)
  const request = (r: RunNumber) => 1 + Math.floor(random() * pages[r - 1]!);
  for (let i = 0; i < apiFaults; i++) {
    const r = run();
    const fault = chance(0.15) ? 'stalled-body' : pick(API_FAULTS.filter((f) => f !== 'stalled-body'));
    const at = request(r);
    // one fault a request: a second one there would never strike
    if (!schedule.api.some((f) => f.run === r && f.request === at)) schedule.api.push({ run: r, request: at, fault });
  }
  if (chance(0.4)) {
    const r = run();
    const outage = { run: r, request: request(r), length: PAGE_ATTEMPTS + 1 + Math.floor(random() * 9) };
    schedule.outage = outage;
    // other API faults stay clear of the outage: each must strike a request of its own
    schedule.api = schedule.api.filter((f) => f.run !== r || f.request < outage.request || f.request >= outage.request + outage.length);
  }
  return schedule;
}

/** One line naming a schedule's faults, for the seed's report. */
export function describeSchedule(schedule: FaultSchedule): string {
  const parts: string[] = [];
  const { workerCrash: crash, workerKill: kill, stackKill, poison, stack } = schedule;
  if (crash) parts.push(`crash ${crash.service} mid-batch (run ${crash.run})`);
  if (kill) parts.push(`SIGKILL ${kill.service} at ${(kill.afterMs / 1000).toFixed(1)} s (run ${kill.run})`);
  if (stackKill) parts.push(`SIGKILL stack at ${(stackKill.afterMs / 1000).toFixed(1)} s (run ${stackKill.run})`);
  if (schedule.deliverTwice) parts.push('every message twice');
  if (stack.s3SlowDownShare) parts.push(`S3 SlowDown ${(stack.s3SlowDownShare * 100).toFixed(1)}%`);
  if (stack.failStatement) parts.push(`fail "${stack.failStatement.contains}" #${stack.failStatement.nth}`);
  if (poison) parts.push(`poison → ${poison.target} (run ${poison.run})`);
  for (const { run, request, fault } of schedule.api) parts.push(`API ${fault} @${request} (run ${run})`);
  if (schedule.outage) parts.push(`API outage ${schedule.outage.length} × 500 @${schedule.outage.request} (run ${schedule.outage.run})`);
  parts.push(`on ${schedule.engine}`);
  return parts.length > 0 ? parts.join(', ') : 'no faults';
}

/** The fault kinds a schedule draws, each of which must fire at least once for the seed to count. */
export function drawnFaults(schedule: FaultSchedule): string[] {
  const kinds: string[] = [];
  if (schedule.workerCrash) kinds.push('worker-crash');
  if (schedule.workerKill) kinds.push('worker-kill');
  if (schedule.stackKill) kinds.push('stack-kill');
  if (schedule.deliverTwice) kinds.push('double-delivery');
  if (schedule.stack.s3SlowDownShare) kinds.push('s3-slow-down');
  if (schedule.stack.failStatement) kinds.push('failed-statement');
  if (schedule.poison) kinds.push(schedule.poison.target === 'load-file' ? 'poison-file' : 'poison');
  for (const { fault } of schedule.api) kinds.push(`api-${fault}`);
  if (schedule.outage) kinds.push('api-outage');
  return [...new Set(kinds)];
}

/** Orders per page the sample API serves (its default limit; the orders pipeline sets none). */
const ORDERS_PAGE_SIZE = 1_000;

/** A seed's two runs of data and the fault schedule drawn for their size. */
export function seedPlan(seed: number, rows: number): { runs: [ChaosRunData, ChaosRunData]; schedule: FaultSchedule } {
  const runs = chaosRuns(seed, rows);
  const pages = runs.map((data) => Math.max(1, Math.ceil(data.served.length / ORDERS_PAGE_SIZE))) as [number, number];
  return { runs, schedule: drawSchedule(seed, { pages }) };
}
