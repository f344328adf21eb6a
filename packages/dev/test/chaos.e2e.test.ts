import { runChaos } from '../src/chaos/chaosRun';
import { seedLine } from '../src/chaos/chaosReport';
import { drawnFaults, seedPlan } from '../src/chaos/faultSchedule';

jest.setTimeout(20 * 60_000);

const SEEDS = [79, 140];
const ROWS = 20_000;

/**
 * Two seeds of `pnpm chaos`, chosen so that between them every kind of fault but the stalled
 * body (30 s each) strikes — worker crash mid-batch and SIGKILL, SIGKILL of the stack, double
 * delivery to concurrent invocations, S3 SlowDown, a failing load statement, a poison message
 * and a poison staged file, API 503 / malformed page / cut-off body and an outage longer than
 * a page's retry budget — one seed on PGlite, one on Postgres. Each seed fails itself if a drawn
 * fault did not fire. The full suite runs 100 seeds (bench/README.md); this keeps CI honest
 * about the same code.
 */
describe(`pnpm chaos, seeds ${SEEDS.join(' and ')}`, () => {
  it('loses, duplicates and changes no row; every run adds up; the DLQs hold exactly the poison; every drawn fault fired', async () => {
    const schedules = SEEDS.map((seed) => seedPlan(seed, ROWS).schedule);
    expect(new Set(schedules.flatMap(drawnFaults))).toEqual(
      new Set([
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
        'api-outage',
      ]),
    );
    expect(new Set(schedules.map((s) => s.engine))).toEqual(new Set(['pglite', 'postgres']));

    const results = await runChaos({ seeds: SEEDS, rows: ROWS, parallel: 1, log: () => undefined });
    console.log(results.map(seedLine).join('\n'));
    for (const result of results) {
      expect({ seed: result.seed, problems: result.problems }).toEqual({ seed: result.seed, problems: [] });
      expect([result.lost, result.duplicated, result.invented, result.changed]).toEqual([0, 0, 0, 0]);
    }
  });
});
