import { describeSchedule, drawnFaults, drawSchedule } from './faultSchedule';

describe('drawSchedule', () => {
  const schedules = Array.from({ length: 100 }, (_, i) => drawSchedule(i + 1));

  it('draws the same schedule for the same seed', () => {
    expect(drawSchedule(42)).toEqual(drawSchedule(42));
    expect(describeSchedule(drawSchedule(42))).toBe(describeSchedule(drawSchedule(42)));
  });

  it('strikes with every kind of fault many times over 100 seeds', () => {
    const count = (has: (s: (typeof schedules)[number]) => boolean) => schedules.filter(has).length;
    expect(count((s) => s.workerCrash !== undefined)).toBeGreaterThan(30);
    expect(count((s) => s.workerKill !== undefined)).toBeGreaterThan(25);
    expect(count((s) => s.stackKill !== undefined)).toBeGreaterThan(20);
    expect(count((s) => s.deliverTwice)).toBeGreaterThan(15);
    expect(count((s) => (s.stack.s3SlowDownShare ?? 0) > 0)).toBeGreaterThan(30);
    expect(count((s) => s.stack.failStatement !== undefined)).toBeGreaterThan(30);
    expect(count((s) => s.poison !== undefined)).toBeGreaterThan(30);
    expect(count((s) => s.poison?.target === 'load-file')).toBeGreaterThan(10);
    expect(count((s) => s.outage !== undefined)).toBeGreaterThan(25);
    expect(count((s) => s.engine === 'pglite')).toBe(50);
    for (const fault of ['server-error', 'malformed-page', 'dropped-body', 'stalled-body'])
      expect(count((s) => s.api.some((f) => f.fault === fault))).toBeGreaterThan(3);
    for (const service of ['extract', 'transform', 'load'])
      expect(count((s) => s.workerCrash?.service === service || s.workerKill?.service === service)).toBeGreaterThan(10);
  });

  it('keeps every stack fault within what the stack accepts', () => {
    for (const { stack } of schedules) {
      expect(stack.sqsTimeScale).toBeGreaterThan(0);
      if (stack.s3SlowDownShare !== undefined) expect(stack.s3SlowDownShare).toBeLessThanOrEqual(0.2);
      if (stack.failStatement) expect(stack.failStatement.nth).toBeGreaterThanOrEqual(1);
    }
  });

  it("draws only requests the run makes, and outages longer than a page's 5 attempts", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
      const schedule = drawSchedule(seed, { pages: [20, 2] });
      for (const { run, request } of schedule.api) expect(request).toBeLessThanOrEqual(run === 1 ? 20 : 2);
      if (schedule.outage) {
        expect(schedule.outage.request).toBeLessThanOrEqual(schedule.outage.run === 1 ? 20 : 2);
        expect(schedule.outage.length).toBeGreaterThan(5);
      }
    }
  });

  it('names the faults a seed must see fire', () => {
    const schedule = { ...drawSchedule(3), deliverTwice: true, outage: { run: 1 as const, request: 2, length: 7 } };
    expect(drawnFaults(schedule)).toEqual(expect.arrayContaining(['double-delivery', 'api-outage']));
  });
});
