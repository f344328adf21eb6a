import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { droppedFile, dropEntryOrigins, readRunManifest } from '@etl/extract';
import { parseJsonExact } from '@etl/pipeline-kit';
import { pipelines } from '@etl/pipelines';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';

/** One rejected row as the transform quarantined it. */
export interface QuarantinedRow {
  /** The quarantine file and the row's line in the raw file it came from. */
  file: string;
  line: number;
  rejections: { field: string; rule: string; message: string; value?: unknown }[];
  /** The raw line (UTF-8), or its bytes in base64 when it was not UTF-8. */
  raw?: string;
  raw_base64?: string;
  /**
   * A row of a dropped file: the file (its key under landing/), the line it starts on and its
   * text as the file has it — a CSV record as written, not the JSON the extract made of it.
   */
  source?: { file: string; line: number; text: string };
}

/** The run's quarantine folder: of `--pipeline`, or of the pipeline that has one for the run. */
async function quarantinePrefix(target: Target, runId: string, pipeline?: string): Promise<string> {
  if (pipeline) return `quarantine/${pipeline}/${runId}/`;
  for await (const page of paginateListObjectsV2({ client: target.s3 }, { Bucket: target.bucket, Prefix: 'quarantine/', Delimiter: '/' })) {
    for (const { Prefix } of page.CommonPrefixes ?? []) {
      const candidate = `${Prefix}${runId}/`;
      const listed = await target.s3.send(new ListObjectsV2Command({ Bucket: target.bucket, Prefix: candidate, MaxKeys: 1 }));
      if ((listed.KeyCount ?? 0) > 0) return candidate;
    }
  }
  throw new Error(
    `no quarantine for run ${runId} in s3://${target.bucket}/quarantine/: check the run id (etl runs <pipeline>), or the run rejected no row`,
  );
}

/** A run's rejected rows: the first `limit` (of `rule`, when given) and how many there are in all. */
export interface Quarantine {
  /** The run's quarantine folder in the data bucket. */
  prefix: string;
  rows: QuarantinedRow[];
  total: number;
}

/** Reads a run's quarantine files: rows with field, rule, reason and raw line; `rule` filters, `limit` caps the rows kept. */
export async function quarantinedRows(
  target: Target,
  runId: string,
  { rule, limit = 50, pipeline }: { rule?: string; limit?: number; pipeline?: string } = {},
): Promise<Quarantine> {
  const prefix = await quarantinePrefix(target, runId, pipeline);
  const rows: QuarantinedRow[] = [];
  let total = 0;
  for await (const page of paginateListObjectsV2({ client: target.s3 }, { Bucket: target.bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      const body = await (
        await target.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key: object.Key! }))
      ).Body!.transformToByteArray();
      for (const line of gunzipSync(body).toString('utf8').split('\n')) {
        if (!line) continue;
        const row = {
          file: object.Key!,
          ...(parseJsonExact(line) as Omit<QuarantinedRow, 'file'>) /* a refused number shown as the source wrote it */,
        };
        if (rule && !row.rejections.some((r) => r.rule === rule)) continue;
        total++;
        if (rows.length < limit) rows.push(row);
      }
    }
  }
  await nameSourceLines(target, prefix, rows);
  return { prefix, rows, total };
}

/**
 * For a run of a dropped file, says where each row is in the user's file: the n-th line of the
 * run's raw parts is the file's n-th entry (dropEntries), so its part and line give the entry,
 * and the file, read again, its line and text. Rows of other runs are left as they are.
 */
async function nameSourceLines(target: Target, prefix: string, rows: QuarantinedRow[]): Promise<void> {
  const [, pipelineName, runId] = prefix.split('/');
  const manifest = await readRunManifest(target.s3, target.bucket, { pipeline: pipelineName!, runId: runId! }).catch(() => undefined);
  if (manifest?.origin?.kind !== 'file' || rows.length === 0) return;
  const key = manifest.origin.key;
  const drop = droppedFile(pipelines, key);
  if (!drop) return;
  const before: number[] = []; // entries in the parts before each part
  manifest.parts.reduce((sum, part) => (before.push(sum), sum + part.file.rows), 0);
  const entryOf = (row: QuarantinedRow) => before[Number(/part-(\d+)\./.exec(row.file)?.[1])]! + row.line - 1;
  const origins = await dropEntryOrigins(target.s3, target.bucket, { key, ...drop }, new Set(rows.map(entryOf)));
  for (const row of rows) {
    const origin = origins.get(entryOf(row));
    if (origin) row.source = { file: key, ...origin };
  }
}

/** `etl quarantine <run>`: its rejected rows with field, rule, reason and the raw line; `rule` filters, `limit` caps. */
export async function quarantineCommand(
  target: Target,
  runId: string,
  options: { rule?: string; limit?: number; pipeline?: string } = {},
): Promise<CommandOutput> {
  const { rule } = options;
  const { prefix, rows: found, total } = await quarantinedRows(target, runId, options);
  const shown = found.flatMap((row) =>
    row.rejections
      .filter((r) => !rule || r.rule === rule)
      .map((r) => [
        row.source ? `${row.source.file.split('/').pop()}:${row.source.line}` : `${row.file.slice(prefix.length)}:${row.line}`,
        r.field,
        r.rule,
        r.message,
        clip(row.source?.text ?? row.raw ?? `base64:${row.raw_base64}`),
      ]),
  );
  const text =
    total === 0
      ? `no rejected row${rule ? ` with rule ${rule}` : ''} in run ${runId}`
      : `${renderTable(['file:line', 'field', 'rule', 'reason', 'raw line'], shown)}\n${found.length} of ${total} rejected row(s)${rule ? ` with rule ${rule}` : ''} shown`;
  return { json: found, text };
}

const clip = (text: string, width = 80) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
