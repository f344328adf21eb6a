/**
 * Where each stage's files live in the data bucket. One place, so a key written by one
 * stage is always the key the next stage expects.
 *
 *   raw/<pipeline>/<runId>/part-<N>.jsonl.gz        extract output
 *   raw/<pipeline>/<runId>/slice-<S>/<attempt>/part-<N>.jsonl.gz  … of one slice of a fanned-out run
 *   staged/<pipeline>/<runId>/part-<N>.csv.gz       transform output, COPY input
 *   quarantine/<pipeline>/<runId>/part-<N>.jsonl.gz rejected rows with reasons
 */
export const dataKeys = {
  rawRunPrefix: (pipeline: string, runId: string) => `raw/${pipeline}/${runId}/`,
  raw: (pipeline: string, runId: string, part: number) => `raw/${pipeline}/${runId}/part-${part}.jsonl.gz`,
  staged: (pipeline: string, runId: string, part: number) => `staged/${pipeline}/${runId}/part-${part}.csv.gz`,
  quarantine: (pipeline: string, runId: string, part: number) => `quarantine/${pipeline}/${runId}/part-${part}.jsonl.gz`,
  /** Each attempt at a slice writes its own files: two deliveries of one slice task never overwrite each other. */
  rawSlicePart: (pipeline: string, runId: string, slice: { index: number; attempt: string }, part: number) =>
    `raw/${pipeline}/${runId}/slice-${slice.index}/${slice.attempt}/part-${part}.jsonl.gz`,
  /** How a fanned-out run is split: decided once per run. */
  slicePlan: (pipeline: string, runId: string) => `state/runs/${pipeline}/${runId}/slices.json`,
  /** What one slice of a fanned-out run wrote. */
  sliceManifest: (pipeline: string, runId: string, slice: number) => `state/runs/${pipeline}/${runId}/slice-${slice}.json`,
  sliceManifestPrefix: (pipeline: string, runId: string) => `state/runs/${pipeline}/${runId}/slice-`,
  /** What an extract run wrote, written when it completes: the source of its announcements and replays. */
  runManifest: (pipeline: string, runId: string) => `state/runs/${pipeline}/${runId}.json`,
  /** A replay of a run (publishRun announcing it again), by when; one prefix per pipeline, so one listing finds all its replays. */
  replay: (pipeline: string, runId: string, at: Date) =>
    `state/replays/${pipeline}/${runId}/${at.toISOString().replace(/[-:.]/g, '')}.json`,
  replayPrefix: (pipeline: string) => `state/replays/${pipeline}/`,
  /** The planner's record of the run it last planned for a pipeline (conditional writes keep planners from racing). */
  plannerState: (pipeline: string) => `state/planner/${pipeline}.json`,
  /** What one load batch did for a run: its statements and timings (see contracts.loadReport). */
  loadReport: (pipeline: string, runId: string, batchId: string) => `state/runs/${pipeline}/${runId}/load-${batchId}.json`,
  loadReportPrefix: (pipeline: string, runId: string) => `state/runs/${pipeline}/${runId}/load-`,
  /** A run whose message in `service` waits to be tried again after a transient failure (contracts.runWaiting). */
  waiting: (pipeline: string, runId: string, service: string) => `state/waiting/${pipeline}/${runId}/${service}.json`,
  waitingPrefix: 'state/waiting/',
  /** A COPY manifest for one load batch. */
  copyManifest: (pipeline: string, batchId: string) => `manifests/${pipeline}/${batchId}.json`,
  /** The per-file figures of one load batch, COPYed next to the data (no values are spliced into SQL). */
  batchFiles: (pipeline: string, batchId: string) => `manifests/${pipeline}/${batchId}.files.csv`,
} as const;

const RAW_KEY = /^raw\/([^/]+)\/([^/]+)\/part-(0|[1-9]\d*)\.jsonl\.gz$/;

/** The pipeline, run and part a raw file key names, or `undefined` if it is not a raw part file. */
export function parseRawKey(key: string): { pipeline: string; runId: string; part: number } | undefined {
  const match = RAW_KEY.exec(key);
  if (!match) return undefined;
  return { pipeline: match[1]!, runId: match[2]!, part: Number(match[3]) };
}

const REPLAY_KEY = /^state\/replays\/[^/]+\/([^/]+)\/[^/]+\.json$/;

/** The run a replay record's key (`dataKeys.replay`) is of, or `undefined` if it is not one. */
export function replayRunOf(key: string): string | undefined {
  return REPLAY_KEY.exec(key)?.[1];
}

/** A run id as the `runId` contract wants it: the UTC start time, then a suffix (`20261127T023749Z-a1b2c3`). */
export function makeRunId(startedAt: Date, suffix: string): string {
  return `${startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${suffix}`;
}

/** The time a run id starts with: when the run was planned. */
export function runIdTime(runId: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(runId);
  if (!m) throw new Error(`run id ${runId} does not start with its UTC time (20261127T023749Z-…)`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}
