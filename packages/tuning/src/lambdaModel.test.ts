import { FULL_VCPU_MB, modelDurationMs, modelTiers, recommend } from './lambdaModel';
import type { StageMeasurement } from './lambdaModel';
import { PRICES } from './prices';

const noRequests = { s3Write: 0, s3Read: 0, sqs: 0 };
const measured = (m: Partial<StageMeasurement>): StageMeasurement => ({
  stage: 'test',
  rows: 50_000,
  wallMs: 1000,
  cpuMs: 1000,
  peakRssMb: 100,
  requests: noRequests,
  ...m,
});

describe('modelDurationMs', () => {
  it('slows single-threaded CPU work in proportion below one vCPU and not at all above it', () => {
    const m = { wallMs: 1000, cpuMs: 1000 };
    expect(modelDurationMs(m, FULL_VCPU_MB)).toBeCloseTo(1000);
    expect(modelDurationMs(m, FULL_VCPU_MB / 2)).toBeCloseTo(2000);
    expect(modelDurationMs(m, 128)).toBeCloseTo((1000 * FULL_VCPU_MB) / 128);
    expect(modelDurationMs(m, 2 * FULL_VCPU_MB)).toBeCloseTo(1000);
  });

  it('lets work that used two threads speed up to two vCPUs', () => {
    const m = { wallMs: 500, cpuMs: 1000 };
    expect(modelDurationMs(m, FULL_VCPU_MB)).toBeCloseTo(1000);
    expect(modelDurationMs(m, 2 * FULL_VCPU_MB)).toBeCloseTo(500);
    expect(modelDurationMs(m, 10_240)).toBeCloseTo(500);
  });

  it('keeps time spent waiting on other services whatever the memory', () => {
    const m = { wallMs: 1000, cpuMs: 200 };
    expect(modelDurationMs(m, FULL_VCPU_MB)).toBeCloseTo(1000);
    expect(modelDurationMs(m, FULL_VCPU_MB / 2)).toBeCloseTo(1200);
  });
});

describe('modelTiers', () => {
  it('prices duration in GB-seconds, the request, and the S3 and SQS requests, per invocation and per million rows', () => {
    const m = measured({ cpuMs: 1000, wallMs: 1000, requests: { s3Write: 3, s3Read: 1, sqs: 2 } });
    const [tier] = modelTiers(m, { tiers: [1024] });
    const duration = (1000 * FULL_VCPU_MB) / 1024 / 1000; // seconds at 1024 MB
    const expected = (Math.ceil(duration * 1000) / 1000) * 1 * 0.0000133334 + 0.0000002 + 3 * 0.000005 + 1 * 0.0000004 + 2 * 0.0000004;
    expect(tier!.durationMs).toBeCloseTo(duration * 1000);
    expect(tier!.costPerInvocation).toBeCloseTo(expected, 12);
    expect(tier!.costPerMillionRows).toBeCloseTo(expected * 20, 10); // 50,000 rows an invocation
  });

  it('bills whole milliseconds', () => {
    const [tier] = modelTiers(measured({ cpuMs: 0, wallMs: 1000.2 }), { tiers: [1024] });
    expect(tier!.costPerInvocation).toBeCloseTo(1.001 * PRICES.lambda.gbSecond.arm64 + PRICES.lambda.request, 12);
  });

  it('uses the x86 price when asked', () => {
    const [arm] = modelTiers(measured({ cpuMs: 0 }), { tiers: [2048] });
    const [x86] = modelTiers(measured({ cpuMs: 0 }), { tiers: [2048], architecture: 'x86_64' });
    expect(x86!.costPerInvocation - arm!.costPerInvocation).toBeCloseTo(2 * (0.0000166667 - 0.0000133334), 12);
  });

  it('marks a tier as fitting only above peak memory with the headroom', () => {
    const tiers = modelTiers(measured({ peakRssMb: 110 }), { tiers: [128, 256], headroom: 1.2 });
    expect(tiers.map((t) => t.fits)).toEqual([false, true]);
  });
});

describe('recommend', () => {
  const cpuBound = modelTiers(measured({ cpuMs: 1000, wallMs: 1000, peakRssMb: 150 }));

  it('cost: the cheapest tier that fits', () => {
    // CPU-bound: GB-seconds are the same at every tier up to one vCPU, so the request price decides nothing and the smallest fitting tier wins on rounding
    const choice = recommend(cpuBound, 'cost');
    expect(choice.fits).toBe(true);
    expect(cpuBound.filter((t) => t.fits).every((t) => t.costPerInvocation >= choice.costPerInvocation)).toBe(true);
  });

  it('speed: the cheapest of the fastest, which for single-threaded work is one full vCPU', () => {
    expect(recommend(cpuBound, 'speed').memoryMb).toBe(FULL_VCPU_MB);
  });

  it('balanced: weighs cost and duration, each against its maximum', () => {
    const waiting = modelTiers(measured({ cpuMs: 100, wallMs: 1000, peakRssMb: 100 }));
    // mostly waiting (100 ms CPU of 1000 ms): 128 MB takes 2282 ms, 1024 MB 1073 ms, 1769 MB 1000 ms;
    // scores 0.5 × cost/max(cost at 10,240 MB) + 0.5 × duration/2282: 128 → 0.514, 512 → 0.304, 1024 → 0.289, 1769 → 0.305
    expect(recommend(waiting, 'cost').memoryMb).toBe(128);
    expect(recommend(waiting, 'balanced').memoryMb).toBe(1024);
    expect(recommend(waiting, 'speed').memoryMb).toBe(FULL_VCPU_MB);
    expect(recommend(cpuBound, 'balanced', 0).memoryMb).toBe(recommend(cpuBound, 'speed').memoryMb);
  });

  it('refuses when nothing fits', () => {
    expect(() => recommend(modelTiers(measured({ peakRssMb: 20_000 })), 'cost')).toThrow('no memory tier fits');
  });
});
