import fc from 'fast-check';
import { announcements, writeRawFile } from '@etl/extract';
import { definePipeline, types } from '@etl/pipeline-kit';
import type { Pipeline } from '@etl/pipeline-kit';
import { transformFile } from '@etl/transform';
import { query } from '@etl/warehouse';
import { loadBatch } from '../src';
import type { Engine } from '@etl/local-aws/testing';
import { useWarehouseStack } from './warehouseStack';

jest.setTimeout(600_000);

const BUCKET = 'etl-data-test';

/**
 * Versions of a key tied on `updated_at` must give the same table whatever the order they come
 * in, the files they are split into, the transform's dedupe blocks and the load batches: the
 * greater content wins (rowOrder.ts). A model written here, not the product's comparator, says
 * which version that is.
 */
interface Version {
  id: string;
  status: string;
  amount: string;
  note: string | null;
  updated_at: string;
}

const pipelineNamed = (name: string): Pipeline =>
  definePipeline({
    name,
    source: { kind: 's3-drop', prefix: `drop/${name}/`, format: 'jsonl' },
    target: {
      columns: {
        id: { type: types.varchar(8), nullable: false },
        status: { type: types.varchar(20), nullable: false },
        amount: { type: types.decimal(12, 2), nullable: false },
        note: { type: types.varchar(40) },
        updated_at: { type: types.timestamp(), nullable: false },
      },
      primaryKey: ['id'],
    },
    write: 'merge',
    newestWins: 'updated_at',
    drift: 'quarantine',
  });

/** The model: newest updated_at, then status by code point, amount as a number, note (NULL lowest). */
function winner(a: Version, b: Version): Version {
  const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!);
  const compareText = (x: string, y: string) => {
    const [p, q] = [codePoints(x), codePoints(y)];
    for (let i = 0; i < Math.min(p.length, q.length); i++) if (p[i] !== q[i]) return p[i]! - q[i]!;
    return p.length - q.length;
  };
  const steps = [
    () => compareText(a.updated_at, b.updated_at),
    () => compareText(a.status, b.status),
    () => Number(a.amount) - Number(b.amount),
    () => (a.note === b.note ? 0 : a.note === null ? -1 : b.note === null ? 1 : compareText(a.note, b.note)),
  ];
  for (const step of steps) {
    const order = step();
    if (order !== 0) return order > 0 ? a : b;
  }
  return a;
}

const version = fc.record({
  id: fc.constantFrom('k1', 'k2', 'k3'),
  status: fc.constantFrom('paid', 'pending', 'é', '\u{1F600}', '\uE000', 'Z'),
  amount: fc.constantFrom('1.00', '10.00', '9.50', '-2.00'),
  note: fc.constantFrom(null, 'a', 'b'),
  updated_at: fc.constantFrom('2026-12-01 10:00:00', '2026-12-01 10:00:00.000001'),
});

/** A way to deliver the versions: their order, runs of files, dedupe block size. */
const delivery = fc.record({
  order: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
  runs: fc.integer({ min: 1, max: 3 }),
  filesPerRun: fc.integer({ min: 1, max: 3 }),
  dedupeBlockRows: fc.integer({ min: 1, max: 6 }),
  batchPerFile: fc.boolean(),
});

type Delivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;

describe.each<Engine>(['pglite', 'postgres'])('the same table whatever the delivery, for versions tied on updated_at (%s)', (engine) => {
  const local = useWarehouseStack(engine, BUCKET);
  let scenario = 0;

  async function deliver(versions: Version[], how: Delivery) {
    const pipeline = pipelineNamed(`ties_${scenario++}`);
    const ordered = shuffle(versions, how.order);
    const runs = split(ordered, how.runs);
    for (const [r, runVersions] of runs.entries()) {
      const runId = `20261206T10000${r}Z-ties`;
      const files = split(runVersions, how.filesPerRun);
      const written = await Promise.all(
        files.map((rows, part) =>
          writeRawFile(
            local.s3,
            { bucket: BUCKET, pipeline: pipeline.name, runId, part },
            rows.map((v) => Buffer.from(JSON.stringify({ ...v, updated_at: `${v.updated_at.replace(' ', 'T')}Z` }))),
          ),
        ),
      );
      const raw = announcements({
        pipeline: pipeline.name,
        runId,
        cursorHigh: null,
        parts: written,
        extractedAt: new Date().toISOString(),
      });
      const staged = await Promise.all(raw.map((m) => transformFile(local.s3, pipeline, m, { dedupeBlockRows: how.dedupeBlockRows })));
      if (how.batchPerFile) for (const file of staged) await loadBatch(local.s3, local.warehouse, pipeline, [file]);
      else await loadBatch(local.s3, local.warehouse, pipeline, staged);
    }
    return (await query(local.warehouse, `SELECT id, status, amount, note, updated_at FROM public.${pipeline.name} ORDER BY id`)).map(
      (row) => row.map((value) => (value === null ? null : String(value))),
    );
  }

  it('loads the greatest version of each key by updated_at, then content — for every order, split, block and batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(version, { minLength: 2, maxLength: 16 }), delivery, async (versions, how) => {
        const expected = new Map<string, Version>();
        for (const v of versions) expected.set(v.id, expected.has(v.id) ? winner(v, expected.get(v.id)!) : v);
        const table = await deliver(versions, how);
        expect(table).toEqual(
          [...expected.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).map((v) => [v.id, v.status, v.amount, v.note, v.updated_at]),
        );
      }),
      { numRuns: 10, seed: 20261206 },
    );
  });
});

function shuffle<T>(items: T[], order: number[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = order[i % order.length]! % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Into `parts` consecutive pieces, none empty unless there are fewer items. */
function split<T>(items: T[], parts: number): T[][] {
  const size = Math.ceil(items.length / parts);
  return Array.from({ length: Math.min(parts, items.length) }, (_, i) => items.slice(i * size, (i + 1) * size)).filter((p) => p.length);
}
