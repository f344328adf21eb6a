import { EtlError } from '@etl/contracts';
import type { ColumnType } from './columnTypes';
import { typeProblems } from './columnTypes';

/** A value check beyond the type. */
export type Check = 'iso4217' | 'iso3166-alpha2' | { oneOf: readonly string[] } | { min?: number; max?: number };

export interface ColumnDefinition {
  type: ColumnType;
  /** Default true. A missing value (null, or an absent field) in a non-nullable column rejects the row. */
  nullable?: boolean;
  /**
   * Default false: `""` is a value — an empty string in a text column, a rejected row in any
   * other (it is not a number, a date…). True: `""` is read as NULL, for sources that send
   * `""` for "no value".
   */
  emptyAsNull?: boolean;
  /** Redshift compression encoding (ENCODE), e.g. `zstd`, `az64`. */
  encode?: string;
  check?: Check;
  /** The source field it is read from, when named differently. */
  from?: string;
}

/** A column computed from the row's other (coerced) columns, e.g. `total = quantity * unit_price`. */
export interface DerivedColumn {
  type: ColumnType;
  encode?: string;
  /**
   * Gets the row's values as canonical text (null for NULL); returns canonical text or null.
   * Called once per good row; `row` is a read-only view that shows the next row's values once
   * this call returns, so read it here, do not keep it (copy it with `{ ...row }` if need be).
   */
  compute: (row: Readonly<Record<string, string | null>>) => string | null;
}

/**
 * The source kinds a definition can name, by their `kind`. The kit knows none by name: each kind
 * adds itself from its own folder (packages/extract/src/sources/<kind>/definition.ts) with
 * `declare module '@etl/pipeline-kit' { interface SourceKinds { … } }`, and is registered in
 * packages/extract/src/sources/index.ts, which checks and reads it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface -- filled by the source kinds
export interface SourceKinds {}

/** A pipeline's source: one of the registered kinds, told apart by `kind`. */
export type SourceDefinition = SourceKinds[keyof SourceKinds];

export type WriteDisposition = 'append' | 'merge' | 'replace';
/**
 * What to do with a source field the schema does not know: `fail` stops the file,
 * `quarantine` rejects the row naming the field, `add-columns` keeps the field: the load adds
 * it to the target table as a nullable VARCHAR(65535) column (see addedColumns.ts).
 */
export type DriftPolicy = 'fail' | 'quarantine' | 'add-columns';

export interface PipelineDefinition {
  /** a-z, 0-9, _ : used in S3 keys, metric dimensions, table names. */
  name: string;
  description?: string;
  source: SourceDefinition;
  target: {
    schema?: string;
    table?: string;
    columns: Record<string, ColumnDefinition>;
    derived?: Record<string, DerivedColumn>;
    primaryKey: readonly string[];
    distKey?: string;
    sortKey?: readonly string[];
  };
  write: WriteDisposition;
  /**
   * Incremental extraction: the column whose high-water mark is the watermark. `lookback`
   * (seconds, default 0): each run reads from the watermark minus this, so rows that arrive late
   * with an older cursor are still read (see lookback.ts); the merge keeps the result exact.
   */
  incremental?: { cursor: string; lookback?: number };
  /** For `merge`: which version of a row wins (the newest by this column). */
  newestWins?: string;
  /** What to do with fields the schema does not know. */
  drift: DriftPolicy;
  /**
   * CSV files dropped for this pipeline. CSV has no NULL, so an empty cell is read as "" — unless
   * `emptyAsNull: true`: then an empty, unquoted cell (`a,,b`) is NULL, and a quoted one (`""`) stays "".
   */
  csv?: { emptyAsNull?: boolean };
  /** EventBridge schedule expression of the planner, e.g. `rate(15 minutes)`. */
  schedule?: string;
}

/** A definition after its checks: with the table's full name and its columns in order. */
export interface Pipeline extends PipelineDefinition {
  readonly schema: string;
  readonly table: string;
  /** Source columns then derived columns, in table order. */
  readonly columnNames: readonly string[];
}

/** An invalid pipeline definition: every problem, each naming the part of the definition. */
export class PipelineDefinitionError extends EtlError {
  override readonly name = 'PipelineDefinitionError';
  readonly code = 'PIPELINE_DEFINITION_INVALID';
  readonly retry = 'permanent';

  constructor(
    readonly pipeline: string,
    readonly problems: readonly string[],
  ) {
    super(`pipeline "${pipeline}" is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** A plain lower-case SQL identifier: safe to quote, the same in every engine. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,126}$/;

function definitionProblems(d: PipelineDefinition): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(d.name)) problems.push(`name "${d.name}": 1–63 chars of a-z, 0-9, _, starting with a letter`);
  const schema = d.target.schema ?? 'public';
  const table = d.target.table ?? d.name;
  if (!IDENTIFIER.test(schema)) problems.push(`target.schema "${schema}" is not a plain lower-case identifier`);
  if (!IDENTIFIER.test(table)) problems.push(`target.table "${table}" is not a plain lower-case identifier`);
  const columns = Object.keys(d.target.columns);
  const derived = Object.keys(d.target.derived ?? {});
  if (columns.length === 0) problems.push('target.columns is empty');
  for (const name of [...columns, ...derived]) {
    if (!IDENTIFIER.test(name) || name.startsWith('_etl'))
      problems.push(`column "${name}": not a plain lower-case identifier (or uses the reserved _etl prefix)`);
  }
  for (const name of derived) if (columns.includes(name)) problems.push(`derived column "${name}" is also a source column`);
  for (const [name, column] of Object.entries(d.target.columns))
    problems.push(...typeProblems(column.type).map((p) => `column "${name}": ${p}`));
  for (const [name, column] of Object.entries(d.target.derived ?? {}))
    problems.push(...typeProblems(column.type).map((p) => `derived column "${name}": ${p}`));
  const all = [...columns, ...derived];
  if (d.target.primaryKey.length === 0) problems.push('target.primaryKey is empty: merge, dedupe and idempotent loads need one');
  for (const key of d.target.primaryKey) {
    if (!columns.includes(key)) problems.push(`primaryKey "${key}" is not a source column`);
    else if (d.target.columns[key]!.nullable !== false) problems.push(`primaryKey "${key}" must be declared nullable: false`);
  }
  if (d.target.distKey && !all.includes(d.target.distKey)) problems.push(`distKey "${d.target.distKey}" is not a column`);
  for (const key of d.target.sortKey ?? []) if (!all.includes(key)) problems.push(`sortKey "${key}" is not a column`);
  if (d.incremental) {
    const cursor = d.target.columns[d.incremental.cursor];
    if (!cursor) problems.push(`incremental.cursor "${d.incremental.cursor}" is not a source column`);
    else if (cursor.nullable !== false) problems.push(`incremental.cursor "${d.incremental.cursor}" must be nullable: false`);
    else if (cursor.type.kind !== 'timestamp' && cursor.type.kind !== 'date')
      problems.push(`incremental.cursor "${d.incremental.cursor}" must be a TIMESTAMP or DATE column (watermarks compare as ISO text)`);
    const { lookback } = d.incremental;
    if (lookback !== undefined && !(Number.isInteger(lookback) && lookback >= 0))
      problems.push(`incremental.lookback ${lookback} must be a whole number of seconds, 0 or more`);
    if (lookback && d.write !== 'merge')
      problems.push(`incremental.lookback needs write: 'merge' (an append would load the rows read again twice)`);
  }
  if (d.write === 'merge' && d.newestWins && !columns.includes(d.newestWins))
    problems.push(`newestWins "${d.newestWins}" is not a source column`);
  if (d.write !== 'merge' && d.newestWins) problems.push(`newestWins only applies to write: 'merge'`);
  if (d.csv?.emptyAsNull !== undefined && typeof d.csv.emptyAsNull !== 'boolean')
    problems.push(`csv.emptyAsNull ${String(d.csv.emptyAsNull)}: true or false`);
  if (d.schedule && !/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/.test(d.schedule))
    problems.push(`schedule "${d.schedule}" is not an EventBridge rate(...) or cron(...) expression`);
  return problems;
}

/**
 * Declares a pipeline. The definition is checked at once, so an invalid one fails the build
 * (`pnpm package` bundles and loads the definitions) with every problem listed.
 *
 * @throws {PipelineDefinitionError}
 * @example
 * export const orders = definePipeline({ name: 'orders', source: {...}, target: {...}, write: 'merge', drift: 'quarantine' });
 */
export function definePipeline(definition: PipelineDefinition): Pipeline {
  const problems = definitionProblems(definition);
  if (problems.length > 0) throw new PipelineDefinitionError(definition.name, problems);
  return {
    ...definition,
    schema: definition.target.schema ?? 'public',
    table: definition.target.table ?? definition.name,
    columnNames: [...Object.keys(definition.target.columns), ...Object.keys(definition.target.derived ?? {})],
  };
}
