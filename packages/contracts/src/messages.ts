import * as z from 'zod/mini';
import { objectPointer } from './objectPointer';

/** Pipeline names are used in S3 keys, metric dimensions and SQL identifiers: keep them tame. */
export const pipelineName = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be 1–63 chars of a-z, 0-9 and _, starting with a letter'));

/** Run ids order lexically by start time: `YYYYMMDDTHHMMSSZ-<suffix>`. */
export const runId = z
  .string()
  .check(z.regex(/^\d{8}T\d{6}Z-[a-z0-9]{4,32}$/, 'must look like 20261127T023749Z-a1b2c3 (UTC start time, suffix)'));

const isoTimestamp = z.iso.datetime({ offset: true });

const cursorText = z.string().check(z.maxLength(256));

/**
 * One of the tasks a run is fanned out into: the cursor range `[from, until)` of the source
 * (the source's own cursor text; null: unbounded on that side). Slice 0 also reads the rows
 * without a cursor value. The slices of a run cover the range from the watermark on, without gaps.
 */
export const runSlice = z
  .strictObject({
    index: z.int().check(z.nonnegative()),
    count: z.int().check(z.positive(), z.lte(100)),
    from: z.nullable(cursorText),
    until: z.nullable(cursorText),
  })
  .check(z.refine((s) => s.index < s.count, { message: 'index must be below count', path: ['index'] }));

/** planner → `extract` queue: extract one run of a pipeline (or one slice of it), from the committed watermark. */
export const extractTask = z.strictObject({
  kind: z.literal('extract-task'),
  version: z.literal(1),
  pipeline: pipelineName,
  runId,
  /** The committed watermark (canonical cursor text) when the run was planned — a backfill's `--from`; null: from the beginning. */
  since: z.nullable(cursorText),
  /** A backfill's end: only rows with a cursor below it are read into the run (exclusive); absent: no end. */
  until: z.optional(cursorText),
  /** Set when the run is fanned out into several tasks; absent: the task is the whole run. */
  slice: z.optional(runSlice),
  plannedAt: isoTimestamp,
});

/** Names one extract run of one pipeline (e.g. the input of the `publishRun` function). */
export const runRef = z.strictObject({ pipeline: pipelineName, runId });

/**
 * `state/replays/<pipeline>/<runId>/<time>.json`: a run announced again (`publishRun`), when
 * and how many files — what the replay loaded is read from the ledger (files loaded since).
 */
export const runReplay = z.strictObject({
  kind: z.literal('run-replay'),
  version: z.literal(1),
  pipeline: pipelineName,
  runId,
  replayedAt: isoTimestamp,
  files: z.int().check(z.nonnegative()),
});

/**
 * `state/waiting/<pipeline>/<runId>/<service>.json`: a run whose message in `service` failed for
 * a transient reason and waits to be tried again — since when, why, and when next. Written by
 * the worker middleware on each such failure, removed when the message succeeds or is
 * dead-lettered; `etl runs`, `etl status` and the dashboard show it.
 */
export const runWaiting = z.strictObject({
  kind: z.literal('run-waiting'),
  version: z.literal(1),
  pipeline: pipelineName,
  runId,
  service: z.string().check(z.regex(/^[a-z][a-z0-9-]{0,62}$/)),
  /** when its message first failed */
  since: isoTimestamp,
  /** the latest failure */
  at: isoTimestamp,
  code: z.string().check(z.minLength(1)),
  reason: z.string(),
  /** receives so far, across re-queued copies */
  attempt: z.int().check(z.positive()),
  nextAttemptAt: isoTimestamp,
});

/**
 * What every file of an extract run carries about the run: how many part files it wrote (the
 * load knows the run is complete when it has loaded them all) and the highest incremental
 * cursor value it read, rejected rows included (the watermark once the run is complete).
 */
export const runInfo = z.strictObject({
  parts: z.int().check(z.positive()),
  cursorHigh: z.nullable(z.string().check(z.maxLength(256))),
});

/**
 * extract → transform: one raw file (gzip JSON Lines) written by an extract run.
 */
/**
 * `plain`: every number in the file is the shortest text of a double (`JSON.parse` reads it
 * exactly), so the transform parses its lines without looking for longer ones. Absent: a line may
 * hold a number a double does not keep (`0.12499999999999999999`), read from its text.
 */
const numbers = z.optional(z.literal('plain'));

export const rawFileReady = z
  .strictObject({
    kind: z.literal('raw-file-ready'),
    version: z.literal(1),
    pipeline: pipelineName,
    runId,
    run: runInfo,
    /** Position of this file in its run, from 0. */
    part: z.int().check(z.nonnegative()),
    file: objectPointer('raw/'),
    numbers,
    extractedAt: isoTimestamp,
  })
  .check(z.refine((m) => m.part < m.run.parts, { message: 'part must be below run.parts', path: ['part'] }));

/** One part file of an extract run, as the run manifest lists it. */
export const rawPart = z.strictObject({ part: z.int().check(z.nonnegative()), file: objectPointer('raw/'), numbers });

/**
 * Where a run's rows came from: the pipeline's own source read from its watermark (`source`),
 * a cursor range of it read again (`backfill`, `[from, until)`), or a file dropped for it (`file`).
 */
export const runOrigin = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('source') }),
  z.strictObject({ kind: z.literal('backfill'), from: z.nullable(cursorText), until: cursorText }),
  z.strictObject({ kind: z.literal('file'), key: z.string().check(z.minLength(1), z.maxLength(1024)) }),
]);

/** `state/runs/<pipeline>/<runId>.json`: what an extract run wrote, once it has finished. */
export const runManifest = z
  .strictObject({
    pipeline: pipelineName,
    runId,
    /** Absent in manifests written before it was recorded. */
    origin: z.optional(runOrigin),
    cursorHigh: z.nullable(z.string().check(z.maxLength(256))),
    parts: z.array(rawPart).check(z.minLength(1)),
    extractedAt: isoTimestamp,
  })
  .check(z.refine((m) => m.parts.every((p, i) => p.part === i), { message: 'parts must be numbered 0, 1, 2… in order', path: ['parts'] }));

/**
 * `state/runs/<pipeline>/<runId>/slices.json`: how a run is split, decided once (a conditional
 * write) so a redelivered task fans out into the same slices. One slice: the run is one task.
 */
export const slicePlan = z
  .strictObject({ pipeline: pipelineName, runId, slices: z.array(runSlice).check(z.minLength(1), z.maxLength(100)) })
  .check(
    z.refine((p) => p.slices.every((s, i) => s.index === i && s.count === p.slices.length), {
      message: 'slices must be numbered 0, 1, 2… and each count them all',
      path: ['slices'],
    }),
  );

/**
 * `state/runs/<pipeline>/<runId>/slice-<i>.json`: what one slice of a fanned-out run wrote (its
 * parts numbered within the slice). When every slice has one, the run manifest is assembled.
 */
export const sliceManifest = z.strictObject({
  pipeline: pipelineName,
  runId,
  slice: z.strictObject({ index: z.int().check(z.nonnegative()), count: z.int().check(z.positive()) }),
  cursorHigh: z.nullable(cursorText),
  parts: z.array(rawPart).check(z.minLength(1)),
  extractedAt: isoTimestamp,
});

/** Row accounting of one transformed file: every row in is staged, rejected or collapsed. */
export const rowAccounting = z
  .strictObject({
    rowsIn: z.int().check(z.nonnegative()),
    rowsStaged: z.int().check(z.nonnegative()),
    rowsRejected: z.int().check(z.nonnegative()),
    duplicatesCollapsed: z.int().check(z.nonnegative()),
  })
  .check(
    z.refine((c) => c.rowsIn === c.rowsStaged + c.rowsRejected + c.duplicatesCollapsed, {
      message: 'rowsIn must equal rowsStaged + rowsRejected + duplicatesCollapsed',
    }),
  );

/**
 * transform → load: one COPY-ready staged file (gzip CSV) and, if any row was rejected,
 * the quarantine file holding those rows with their reasons.
 */
export const stagedFileReady = z
  .strictObject({
    kind: z.literal('staged-file-ready'),
    version: z.literal(1),
    pipeline: pipelineName,
    runId,
    run: runInfo,
    part: z.int().check(z.nonnegative()),
    source: objectPointer('raw/'),
    staged: objectPointer('staged/'),
    quarantine: z.nullable(objectPointer('quarantine/')),
    accounting: rowAccounting,
    /** Rejected rows by the rule of their first rejection (`json`, `required`, `type`, `check`…). */
    rejectsByRule: z.record(z.string(), z.int().check(z.nonnegative())),
    /**
     * Drift policy `add-columns`: source fields the schema does not know that the staged rows
     * carry (the load adds them as columns). Absent for other policies.
     */
    addedFields: z.optional(
      z
        .array(z.string().check(z.regex(/^[a-z_][a-z0-9_]{0,126}$/, 'must be a plain lower-case identifier')))
        .check(z.maxLength(1600, 'a Redshift table has at most 1,600 columns')),
    ),
    extractedAt: isoTimestamp,
    transformedAt: isoTimestamp,
  })
  .check(
    z.refine((m) => m.source.rows === m.accounting.rowsIn, {
      message: 'source.rows must equal accounting.rowsIn',
      path: ['source', 'rows'],
    }),
    z.refine((m) => m.staged.rows === m.accounting.rowsStaged, {
      message: 'staged.rows must equal accounting.rowsStaged',
      path: ['staged', 'rows'],
    }),
    z.refine((m) => Object.values(m.rejectsByRule).reduce((sum, n) => sum + n, 0) === m.accounting.rowsRejected, {
      message: 'rejectsByRule must add up to accounting.rowsRejected',
      path: ['rejectsByRule'],
    }),
    z.refine((m) => (m.quarantine?.rows ?? 0) === m.accounting.rowsRejected, {
      message: 'quarantine.rows must equal accounting.rowsRejected (quarantine is null only when nothing was rejected)',
      path: ['quarantine'],
    }),
  );

export type RunRef = z.infer<typeof runRef>;
export type RunWaiting = z.infer<typeof runWaiting>;
export type RunReplay = z.infer<typeof runReplay>;
export type RunInfo = z.infer<typeof runInfo>;
export type ExtractTask = z.infer<typeof extractTask>;
export type RawPart = z.infer<typeof rawPart>;
export type RunOrigin = z.infer<typeof runOrigin>;
export type RunManifest = z.infer<typeof runManifest>;
export type RunSlice = z.infer<typeof runSlice>;
export type SliceManifest = z.infer<typeof sliceManifest>;
export type SlicePlan = z.infer<typeof slicePlan>;
export type RawFileReady = z.infer<typeof rawFileReady>;
export type StagedFileReady = z.infer<typeof stagedFileReady>;
export type RowAccounting = z.infer<typeof rowAccounting>;

/** One statement of a load batch as the Data API described it once the batch had finished. */
const loadStatement = z.strictObject({
  sql: z.string(),
  /** Its duration (the Data API's, in seconds). */
  seconds: z.number().check(z.nonnegative()),
  /** Rows it affected or returned; -1 where the Data API gives none (DDL). */
  rows: z.int(),
});

/**
 * `state/runs/<pipeline>/<runId>/load-<batchId>.json`: one load batch that loaded files of the
 * run — its statements with their timings, and the run's files in it. Written after the batch's
 * transaction has committed, so a crash in between leaves a loaded batch without its report.
 */
export const loadReport = z.strictObject({
  pipeline: pipelineName,
  runId,
  batchId: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
  statementId: z.string(),
  finishedAt: isoTimestamp,
  /** The batch's staged files of this run (a batch may hold files of other runs too). */
  files: z.array(z.string()).check(z.minLength(1)),
  /** Staged files in the whole batch. */
  batchFiles: z.int().check(z.positive()),
  statements: z.array(loadStatement).check(z.minLength(1)),
});

export type LoadReport = z.infer<typeof loadReport>;
