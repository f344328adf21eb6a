import type { RawFileReady, StagedFileReady } from './messages';

const SHA = 'a'.repeat(64);

/** A valid `raw-file-ready` message, for tests and docs; override any field. */
export function exampleRawFileReady(overrides: Partial<RawFileReady> = {}): RawFileReady {
  return {
    kind: 'raw-file-ready',
    version: 1,
    pipeline: 'orders',
    runId: '20261127T023749Z-a1b2c3',
    run: { parts: 10, cursorHigh: '2026-11-27 02:00:00' },
    part: 0,
    file: { bucket: 'etl-data-dev', key: 'raw/orders/20261127T023749Z-a1b2c3/part-0.jsonl.gz', bytes: 1024, rows: 10, sha256: SHA },
    extractedAt: '2026-11-27T02:37:49.000Z',
    ...overrides,
  };
}

/** A valid `staged-file-ready` message (10 rows in: 7 staged, 2 rejected, 1 collapsed). */
export function exampleStagedFileReady(overrides: Partial<StagedFileReady> = {}): StagedFileReady {
  return {
    kind: 'staged-file-ready',
    version: 1,
    pipeline: 'orders',
    runId: '20261127T023749Z-a1b2c3',
    run: { parts: 10, cursorHigh: '2026-11-27 02:00:00' },
    part: 0,
    source: { bucket: 'etl-data-dev', key: 'raw/orders/20261127T023749Z-a1b2c3/part-0.jsonl.gz', bytes: 1024, rows: 10, sha256: SHA },
    staged: { bucket: 'etl-data-dev', key: 'staged/orders/20261127T023749Z-a1b2c3/part-0.csv.gz', bytes: 512, rows: 7, sha256: SHA },
    quarantine: {
      bucket: 'etl-data-dev',
      key: 'quarantine/orders/20261127T023749Z-a1b2c3/part-0.jsonl.gz',
      bytes: 128,
      rows: 2,
      sha256: SHA,
    },
    accounting: { rowsIn: 10, rowsStaged: 7, rowsRejected: 2, duplicatesCollapsed: 1 },
    rejectsByRule: { json: 1, required: 1 },
    extractedAt: '2026-11-27T02:37:49.000Z',
    transformedAt: '2026-11-27T02:38:01.000Z',
    ...overrides,
  };
}
