import { invalidDefinitions as invalidOf } from '@etl/extract';
import type { InvalidDefinition } from '@etl/pipeline-kit';
import { invalidPipelines, pipelines } from '@etl/pipelines';
import type { CommandOutput } from './output';
import { renderTable } from './output';

/**
 * Every registered definition that is not valid: those that did not load or check
 * (`definePipeline`), then those whose source its kind refuses (`sourceProblems`).
 */
export function invalidDefinitions(): InvalidDefinition[] {
  return invalidOf(pipelines, invalidPipelines);
}

/** One line naming the invalid definitions, for every command but `etl check`; undefined when all are valid. */
export function invalidDefinitionsLine(invalid: readonly InvalidDefinition[] = invalidDefinitions()): string | undefined {
  if (invalid.length === 0) return undefined;
  const names = invalid.map((d) => `${d.name}${d.where ? ` (${d.where})` : ''}`).join(', ');
  return `⚠ ${invalid.length === 1 ? 'pipeline' : 'pipelines'} ${names} not valid, left out (etl check lists why; the others work)`;
}

/**
 * `etl check`: every pipeline definition, checked as packaging checks them — the valid ones as a
 * table, then every problem of every invalid one with where it is. `valid` is false when any is not.
 */
export function checkCommand(): CommandOutput & { valid: boolean } {
  const invalid = invalidDefinitions();
  const bad = new Set(invalid.map((d) => d.name));
  const rows = Object.values(pipelines)
    .filter((p) => !bad.has(p.name))
    .map((p) => ({
      pipeline: p.name,
      source: p.source.kind,
      target: `${p.schema}.${p.table}`,
      write: p.write,
      cursor: p.incremental?.cursor ?? null,
      lookbackSeconds: p.incremental?.lookback ?? 0,
      drift: p.drift,
      schedule: p.schedule ?? null,
    }));
  const table = renderTable(
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
  );
  const problems = invalid.map(
    (d) =>
      `✘ ${d.name}${d.where ? ` — ${d.where}` : ''}\n${d.problems.map((p) => `    - ${p}`).join('\n')}\n    fix it in packages/pipelines/src/, then etl check again`,
  );
  return {
    valid: invalid.length === 0,
    json: { valid: rows, invalid },
    text: [
      ...(rows.length > 0 ? [table] : []),
      `✔ ${rows.length} pipeline definition(s) valid`,
      ...(invalid.length > 0 ? [`${problems.join('\n')}\n✘ ${invalid.length} pipeline definition(s) not valid`] : []),
    ].join('\n'),
  };
}
