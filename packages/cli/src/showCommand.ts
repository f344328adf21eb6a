import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { contracts, dataKeys, parseMessage } from '@etl/contracts';
import type { LoadReport } from '@etl/contracts';
import { recentRuns, rejectsByRule, runFiles } from '@etl/warehouse';
import type { LoadedFileListing, RunListing } from '@etl/warehouse';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';
import { runState } from './runsCommand';

/** Everything recorded about one run: its ledger row, its files, its rejects by rule and its load batches. */
export interface RunDetail {
  run: RunListing;
  state: string;
  files: LoadedFileListing[];
  rejectsByRule: Record<string, number>;
  /** The load batches that loaded its files, oldest first, with their statements and timings. */
  loads: LoadReport[];
}

/** The load reports of a run (written by the load after each batch commits), oldest first. */
export async function loadReports(target: Target, pipeline: string, runId: string): Promise<LoadReport[]> {
  const reports: LoadReport[] = [];
  const Prefix = dataKeys.loadReportPrefix(pipeline, runId);
  for await (const page of paginateListObjectsV2({ client: target.s3 }, { Bucket: target.bucket, Prefix })) {
    for (const { Key } of page.Contents ?? []) {
      const body = await (await target.s3.send(new GetObjectCommand({ Bucket: target.bucket, Key }))).Body!.transformToString();
      reports.push(parseMessage(contracts.loadReport, body));
    }
  }
  return reports.sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
}

/** A run by its id, from the ledger and the data bucket. */
export async function runDetail(target: Target, runId: string): Promise<RunDetail> {
  const [run] = await recentRuns(target.warehouse, { runId, limit: 1 });
  if (!run)
    throw new Error(
      `run ${runId} is not in the ledger on ${target.stage}: etl runs <pipeline> lists the runs (a run shows once a file of it is loaded)`,
    );
  const [files, rejects, loads] = await Promise.all([
    runFiles(target.warehouse, run.pipeline, runId),
    rejectsByRule(target.warehouse, run.pipeline, runId),
    loadReports(target, run.pipeline, runId),
  ]);
  return { run, state: runState(run), files, rejectsByRule: rejects, loads };
}

const oneLine = (sql: string, width = 72) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
};

/** `etl show <run>`: a run's files with every row accounted for, and its load batches' statements with their timings. */
export async function showCommand(target: Target, runId: string): Promise<CommandOutput> {
  const detail = await runDetail(target, runId);
  const { run, files, loads } = detail;
  const text = [
    `run ${run.runId} of ${run.pipeline}: ${detail.state}; ${run.rows.extracted} rows in, ${run.rows.inserted} inserted, ${run.rows.updated} updated, ${run.rows.rejected} rejected, ${run.rows.collapsed} duplicates collapsed`,
    renderTable(
      ['part', 'rows in', 'rejected', 'collapsed', 'staged', 'inserted', 'updated', 'rejected by rule', 'loaded at'],
      files.map((f) => [
        f.part,
        f.rows.extracted,
        f.rows.rejected,
        f.rows.collapsed,
        f.rows.staged,
        f.rows.inserted,
        f.rows.updated,
        Object.entries(f.rejectsByRule)
          .map(([rule, n]) => `${rule} ${n}`)
          .join(', '),
        f.loadedAt ?? '',
      ]),
    ),
    ...loads.map(
      (load) =>
        `load batch ${load.batchId.slice(0, 8)} (${load.files.length} of its ${load.batchFiles} files are this run's), finished ${load.finishedAt}\n` +
        renderTable(
          ['#', 'seconds', 'rows', 'statement'],
          load.statements.map((s, i) => [i + 1, s.seconds.toFixed(3), s.rows, oneLine(s.sql)]),
        ),
    ),
    loads.length === 0 ? 'no load report for this run (the load writes one after each batch commits)' : '',
  ]
    .filter(Boolean)
    .join('\n');
  return { json: detail, text };
}
