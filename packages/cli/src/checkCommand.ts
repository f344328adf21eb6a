import { checkSources } from '@etl/extract';
import { pipelines } from '@etl/pipelines';
import type { CommandOutput } from './output';
import { renderTable } from './output';

/**
 * `etl check`: every pipeline definition, checked as packaging checks them (`definePipeline`
 * throws, naming the definition and each problem, when one is invalid; `checkSources` checks each
 * source as its kind does — this command then fails with that message).
 */
export function checkCommand(): CommandOutput {
  checkSources(pipelines);
  const rows = Object.values(pipelines).map((p) => ({
    pipeline: p.name,
    source: p.source.kind,
    target: `${p.schema}.${p.table}`,
    write: p.write,
    cursor: p.incremental?.cursor ?? null,
    lookbackSeconds: p.incremental?.lookback ?? 0,
    drift: p.drift,
    schedule: p.schedule ?? null,
  }));
  return {
    json: rows,
    text: `${renderTable(
      ['pipeline', 'source', 'target', 'write', 'cursor', 'lookback', 'drift', 'schedule'],
      rows.map((r) => [
        r.pipeline,
        r.source,
        r.target,
        r.write,
        r.cursor ?? '',
        `${r.lookbackSeconds} s`,
        r.drift,
        r.schedule ?? '(invoked)',
      ]),
    )}\n✔ ${rows.length} pipeline definition(s) valid`,
  };
}
