import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Faults the local stack injects when asked to (`LOCAL_AWS_FAULTS`, JSON), for the chaos suite:
 * faults that only the stack itself can produce on demand. Off unless set.
 */
export interface FaultPlan {
  /** Seeds the draws (which S3 requests fail), so a run can be repeated. */
  seed?: number;
  /**
   * Share (0–1) of S3 object requests answered `503 SlowDown`, as S3 does under load — drawn, and
   * at the latest the 1/share-th request of a stack's life, so a short run sees one too.
   */
  s3SlowDownShare?: number;
  /** The `nth` Data API statement whose SQL contains `contains` fails (after it ran, so its transaction is rolled back). */
  failStatement?: { contains: string; nth: number };
  /**
   * SQS's visibility timeouts last this share of their configured time, but no less than
   * `sqsTimeFloorSeconds` (default 30) or the configured time if shorter: 0.03 turns 1,800 s into
   * 54 s and 360 s into 30 s. Not a fault: it lets a local run wait out redeliveries and
   * maxReceiveCount in seconds, while a timeout stays longer than a batch takes (shorter, a
   * message would come back while it is still being processed, as Lift's 6 × rule prevents).
   */
  sqsTimeScale?: number;
  sqsTimeFloorSeconds?: number;
  /**
   * The stack's first start in its folder aborts as V8 does in its JIT-page race ("Check failed:
   * jit_page.has_value()", see launchStack), once the warehouse is open: launchStack starts it again.
   */
  v8AbortOnFirstStart?: boolean;
}

export type FaultKind = 's3-slow-down' | 'failed-statement';

/** The file in a stack's folder that logs each injected fault. */
export const FAULT_LOG = 'faults.jsonl';

/** The environment variable a stack reads its fault plan from. */
export const FAULTS_ENV = 'LOCAL_AWS_FAULTS';

/** The fault plan in `env`, checked: undefined when none is set. */
export function faultPlanFromEnv(env: NodeJS.ProcessEnv = process.env): FaultPlan | undefined {
  const text = env[FAULTS_ENV];
  if (!text) return undefined;
  let plan: FaultPlan;
  try {
    plan = JSON.parse(text) as FaultPlan;
  } catch (error) {
    throw new Error(`${FAULTS_ENV} is not JSON: ${(error as Error).message}`);
  }
  const share = plan.s3SlowDownShare;
  if (share !== undefined && !(share >= 0 && share <= 1))
    throw new Error(`${FAULTS_ENV}: s3SlowDownShare must be between 0 and 1, not ${share}`);
  const scale = plan.sqsTimeScale;
  if (scale !== undefined && !(scale > 0 && scale <= 1)) throw new Error(`${FAULTS_ENV}: sqsTimeScale must be in (0, 1], not ${scale}`);
  const floor = plan.sqsTimeFloorSeconds;
  if (floor !== undefined && !(floor >= 0)) throw new Error(`${FAULTS_ENV}: sqsTimeFloorSeconds must be 0 or more, not ${floor}`);
  const fail = plan.failStatement;
  if (fail !== undefined && !(typeof fail.contains === 'string' && Number.isInteger(fail.nth) && fail.nth >= 1))
    throw new Error(`${FAULTS_ENV}: failStatement needs { contains: string, nth: integer ≥ 1 }`);
  return plan;
}

/** How long an SQS visibility timeout of `seconds` lasts under a plan, in ms. */
export function scaledVisibilityMs(seconds: number, plan: FaultPlan | undefined): number {
  const scale = plan?.sqsTimeScale ?? 1;
  if (scale === 1) return seconds * 1000;
  const floor = Math.min(seconds, plan?.sqsTimeFloorSeconds ?? 30);
  return Math.round(Math.max(seconds * scale, floor) * 1000);
}

/** Draw n of a seed: the first 32 bits of SHA-256("seed:n") as a share of 2^32 — the same on every machine. */
function seededDraws(seed: number): () => number {
  let n = 0;
  return () => createHash('sha256').update(`${seed}:${n++}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Decides, request by request, whether to inject a fault, and appends one JSON line per fault to
 * `logFile` (synchronously: the count survives a SIGKILL of the stack).
 */
export class Faults {
  private readonly random: () => number;
  private statementsSeen = 0;
  private objectRequests = 0;
  private slowedDown = 0;

  constructor(
    readonly plan: FaultPlan = {},
    private readonly logFile?: string,
  ) {
    this.random = seededDraws(plan.seed ?? 1);
  }

  /** Whether this S3 object request is answered 503 SlowDown. */
  s3SlowDown(): boolean {
    const share = this.plan.s3SlowDownShare ?? 0;
    if (share === 0) return false;
    this.objectRequests++;
    const due = this.slowedDown === 0 && this.objectRequests >= Math.ceil(1 / share);
    if (!due && this.random() >= share) return false;
    this.slowedDown++;
    this.record('s3-slow-down');
    return true;
  }

  /** The error to fail this statement with, if it is the one the plan names. */
  failStatement(sql: string): string | undefined {
    const fail = this.plan.failStatement;
    if (!fail || !sql.includes(fail.contains)) return undefined;
    if (++this.statementsSeen !== fail.nth) return undefined;
    this.record('failed-statement');
    // a statement that fails once and passes when tried again: in Redshift, a conflict with a concurrent transaction
    return `1023 DETAIL: Serializable isolation violation on table (injected fault, ${FAULTS_ENV}: statement ${fail.nth} containing "${fail.contains}")`;
  }

  private record(kind: FaultKind): void {
    if (this.logFile) appendFileSync(this.logFile, `${JSON.stringify({ kind, at: new Date().toISOString() })}\n`);
  }
}

/** The faults a stack (or its restarts) injected, by kind, from its fault log. */
export function injectedFaults(logFile: string): Record<FaultKind, number> {
  const counts: Record<FaultKind, number> = { 's3-slow-down': 0, 'failed-statement': 0 };
  if (!existsSync(logFile)) return counts;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line) continue;
    const { kind } = JSON.parse(line) as { kind: FaultKind };
    counts[kind]++;
  }
  return counts;
}

/** The marker of a {@link FaultPlan.v8AbortOnFirstStart} already injected in a stack's folder. */
const V8_ABORT_MARKER = 'v8-abort-injected';

/** Aborts this process as V8 does in its JIT-page race, when the plan asks and this folder has not seen it yet. */
export function abortLikeV8OnFirstStart(plan: FaultPlan | undefined, dir: string): void {
  if (!plan?.v8AbortOnFirstStart) return;
  const marker = path.join(dir, V8_ABORT_MARKER);
  if (existsSync(marker)) return;
  writeFileSync(marker, '');
  process.stderr.write('\n\n#\n# Fatal error in , line 0\n# Check failed: jit_page.has_value().\n#\n');
  process.abort();
}
