/**
 * Where each stage's files live in the data bucket. One place, so a key written by one
 * stage is always the key the next stage expects.
 *
 *   raw/<pipeline>/<runId>/part-<N>.jsonl.gz        extract output
 *   staged/<pipeline>/<runId>/part-<N>.csv.gz       transform output, COPY input
 *   quarantine/<pipeline>/<runId>/part-<N>.jsonl.gz rejected rows with reasons
 */
export const dataKeys = {
  rawRunPrefix: (pipeline: string, runId: string) => `raw/${pipeline}/${runId}/`,
  raw: (pipeline: string, runId: string, part: number) => `raw/${pipeline}/${runId}/part-${part}.jsonl.gz`,
  staged: (pipeline: string, runId: string, part: number) => `staged/${pipeline}/${runId}/part-${part}.csv.gz`,
  quarantine: (pipeline: string, runId: string, part: number) => `quarantine/${pipeline}/${runId}/part-${part}.jsonl.gz`,
} as const;

const RAW_KEY = /^raw\/([^/]+)\/([^/]+)\/part-(0|[1-9]\d*)\.jsonl\.gz$/;

/** The pipeline, run and part a raw file key names, or `undefined` if it is not a raw part file. */
export function parseRawKey(key: string): { pipeline: string; runId: string; part: number } | undefined {
  const match = RAW_KEY.exec(key);
  if (!match) return undefined;
  return { pipeline: match[1]!, runId: match[2]!, part: Number(match[3]) };
}

/** S3 user metadata every raw file carries, written by extract, read when announcing the file. */
export const RAW_FILE_METADATA = { rows: 'rows', sha256: 'sha256' } as const;
