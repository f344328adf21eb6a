import { PRICES } from './prices';
import type { Architecture } from './prices';

/** Lambda gives one full vCPU at this memory and CPU in proportion below and above it (up to 6 vCPUs). */
export const FULL_VCPU_MB = 1769;
export const MAX_MEMORY_MB = 10_240;

/** The memory tiers modelled, 128 MB to 10,240 MB (Lambda accepts any MB in between; these are the usual steps). */
export const MEMORY_TIERS = [128, 256, 512, 768, 1024, 1536, FULL_VCPU_MB, 2048, 3008, 4096, 5120, 6144, 8192, MAX_MEMORY_MB] as const;

/** What one invocation of a worker did when measured on a machine where it had whole cores. */
export interface StageMeasurement {
  stage: string;
  /** Rows the invocation handled (the representative batch). */
  rows: number;
  /** Wall time of the invocation. */
  wallMs: number;
  /** CPU time (user + system, all threads) of the invocation. */
  cpuMs: number;
  /** Peak resident memory of the process. */
  peakRssMb: number;
  /** AWS requests the invocation made, by price class. */
  requests: { s3Write: number; s3Read: number; sqs: number };
}

/** One memory tier for one stage, as modelled. */
export interface TierEstimate {
  memoryMb: number;
  /** Memory exceeds the peak RSS with the headroom asked for. */
  fits: boolean;
  durationMs: number;
  /** USD for one invocation: duration + request + the invocation's S3 and SQS requests. */
  costPerInvocation: number;
  costPerMillionRows: number;
}

export interface ModelOptions {
  architecture?: Architecture;
  /** Memory must be at least peak RSS × this. */
  headroom?: number;
  tiers?: readonly number[];
}

/** vCPUs Lambda gives a function of this much memory. */
export const vcpus = (memoryMb: number): number => memoryMb / FULL_VCPU_MB;

/**
 * Duration at a memory size from a measurement with whole cores: the CPU part runs at the
 * vCPU share, up to the parallelism the work showed (CPU ÷ wall: single-threaded work stops
 * speeding up at one vCPU); the rest (waiting on S3, SQS, the warehouse) does not change.
 */
export function modelDurationMs(m: Pick<StageMeasurement, 'wallMs' | 'cpuMs'>, memoryMb: number): number {
  const parallelism = Math.max(1, m.cpuMs / m.wallMs);
  const waitingMs = Math.max(0, m.wallMs - m.cpuMs);
  return m.cpuMs / Math.min(vcpus(memoryMb), parallelism) + waitingMs;
}

/** Cost of the requests an invocation makes to S3 and SQS, in USD. */
export function requestCost(requests: StageMeasurement['requests']): number {
  return requests.s3Write * PRICES.s3.write + requests.s3Read * PRICES.s3.read + requests.sqs * PRICES.sqs.request;
}

/** Every tier for one stage: duration, whether it fits, and cost per invocation and per million rows. */
export function modelTiers(
  m: StageMeasurement,
  { architecture = 'arm64', headroom = 1.2, tiers = MEMORY_TIERS }: ModelOptions = {},
): TierEstimate[] {
  return tiers.map((memoryMb) => {
    const durationMs = modelDurationMs(m, memoryMb);
    const billedMs = Math.ceil(durationMs / PRICES.lambda.billingIncrementMs) * PRICES.lambda.billingIncrementMs;
    const costPerInvocation =
      (billedMs / 1000) * (memoryMb / 1024) * PRICES.lambda.gbSecond[architecture] + PRICES.lambda.request + requestCost(m.requests);
    return {
      memoryMb,
      fits: memoryMb >= m.peakRssMb * headroom,
      durationMs,
      costPerInvocation,
      costPerMillionRows: (costPerInvocation * 1e6) / m.rows,
    };
  });
}

export type Strategy = 'cost' | 'speed' | 'balanced';

/**
 * The recommended tier, among those that fit, by aws-lambda-power-tuning's strategies:
 * `cost` the cheapest; `speed` the fastest (the cheapest of those within 1 % of it, since
 * above one vCPU single-threaded work only costs more); `balanced` the lowest
 * `weight × cost/maxCost + (1 − weight) × duration/maxDuration` (power-tuning's balancedWeight, 0.5).
 *
 * @throws {Error} when no tier fits the measured memory.
 */
export function recommend(estimates: TierEstimate[], strategy: Strategy, balancedWeight = 0.5): TierEstimate {
  const fitting = estimates.filter((e) => e.fits);
  if (fitting.length === 0) throw new Error('no memory tier fits the measured peak memory with its headroom');
  const cheapest = (list: TierEstimate[]) => list.reduce((best, e) => (e.costPerInvocation < best.costPerInvocation ? e : best));
  if (strategy === 'cost') return cheapest(fitting);
  if (strategy === 'speed') {
    const fastest = Math.min(...fitting.map((e) => e.durationMs));
    return cheapest(fitting.filter((e) => e.durationMs <= fastest * 1.01));
  }
  const maxCost = Math.max(...fitting.map((e) => e.costPerInvocation));
  const maxDuration = Math.max(...fitting.map((e) => e.durationMs));
  const score = (e: TierEstimate) => balancedWeight * (e.costPerInvocation / maxCost) + (1 - balancedWeight) * (e.durationMs / maxDuration);
  return fitting.reduce((best, e) => (score(e) < score(best) ? e : best));
}
