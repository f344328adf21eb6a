import { runChaos } from '../src/chaos/chaosRun';
import { seedLine } from '../src/chaos/chaosReport';
import { describeSchedule, drawSchedule } from '../src/chaos/faultSchedule';

jest.setTimeout(20 * 60_000);

/**
 * Two seeds of `pnpm chaos`, chosen so that between them every kind of fault but the stalled
 * body strikes (worker crash mid-batch and SIGKILL, SIGKILL of the stack, double delivery, S3
 * SlowDown, a failing load statement, poison, API 503 / malformed page / cut-off body): the
 * full suite runs 100 seeds (bench/README.md); this keeps CI honest about the same code.
 */
describe('pnpm chaos, seeds 9 and 59', () => {
  it('loses, duplicates and changes no row; every run adds up; the DLQs hold exactly the poison', async () => {
    const kinds = [drawSchedule(9), drawSchedule(59)].map(describeSchedule).join(', ');
    for (const kind of [
      'crash',
      'SIGKILL stack',
      'twice',
      'SlowDown',
      'fail "',
      'poison',
      'server-error',
      'malformed-page',
      'dropped-body',
    ])
      expect(kinds).toContain(kind);

    const results = await runChaos({ seeds: [9, 59], rows: 20_000, parallel: 1, log: () => undefined });
    const report = results.map(seedLine).join('\n');
    console.log(report);
    for (const result of results) {
      expect({ seed: result.seed, problems: result.problems }).toEqual({ seed: result.seed, problems: [] });
      expect([result.lost, result.duplicated, result.invented, result.changed]).toEqual([0, 0, 0, 0]);
    }
    const injected = (kind: keyof (typeof results)[number]['faults']) => results.reduce((n, r) => n + r.faults[kind], 0);
    // the faults did strike: a schedule that never fired would prove nothing
    for (const kind of ['worker-crash', 'worker-kill', 'stack-kill', 'double-delivery', 's3-slow-down', 'poison'] as const)
      expect({ kind, injected: injected(kind) > 0 }).toEqual({ kind, injected: true });
    expect(injected('api-malformed-page') + injected('api-dropped-body') + injected('api-server-error')).toBeGreaterThan(0);
  });
});
