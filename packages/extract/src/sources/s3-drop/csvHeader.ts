import { EtlError } from '@etl/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Pipeline } from '@etl/pipeline-kit';

/** A CSV file whose header does not fit its pipeline: refused whole, before any of its rows is read. */
export class CsvHeaderError extends EtlError {
  override readonly name = 'CsvHeaderError';
  readonly code = 'CSV_HEADER_MISMATCH';
  readonly retry = 'permanent';
}

/**
 * What is wrong with a CSV header for a pipeline: a required column (nullable: false) it lacks, a
 * name it repeats, and — unless the drift policy adds columns — a name the pipeline does not read
 * (every row would be quarantined for it, or the file fail halfway). Empty when it fits.
 */
export function csvHeaderProblems(pipeline: Pipeline, header: readonly string[]): string[] {
  const fields = Object.entries(pipeline.target.columns).map(([name, column]) => ({
    field: column.from ?? name,
    required: column.nullable === false,
  }));
  const known = new Set(fields.map((f) => f.field));
  const problems: string[] = [];
  const missing = fields.filter((f) => f.required && !header.includes(f.field)).map((f) => f.field);
  if (missing.length > 0) problems.push(`it lacks the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const repeated = [...new Set(header.filter((name, i) => header.indexOf(name) !== i))];
  if (repeated.length > 0) problems.push(`it names ${repeated.join(', ')} more than once`);
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0 && pipeline.drift !== 'add-columns')
    problems.push(
      `${pipeline.name} does not read the column${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => JSON.stringify(n)).join(', ')} (drift policy ${pipeline.drift})`,
    );
  return problems;
}

/** The error for a header with problems: the file, every problem, the header the pipeline reads. */
export function csvHeaderError(pipeline: Pipeline, file: string, problems: readonly string[]): CsvHeaderError {
  const expected = Object.entries(pipeline.target.columns).map(([name, column]) => column.from ?? name);
  return new CsvHeaderError(
    `${file}: the CSV header does not fit pipeline ${pipeline.name} — ${problems.join('; ')}. Nothing of the file was loaded; ` +
      `its first line must name the columns, e.g. ${expected.join(',')}`,
  );
}

/** The column names on the first line of a CSV file's first bytes (a byte-order mark dropped). */
export function csvHeaderOf(head: Buffer): string[] {
  const text = head.toString('utf8');
  const end = text.search(/\r?\n/);
  const [names = []] = parseCsv(end < 0 ? text : text.slice(0, end), { bom: true, relax_quotes: true }) as string[][];
  return names;
}
