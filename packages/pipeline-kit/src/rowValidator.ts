import { EtlError } from '@etl/contracts';
import { ADDED_COLUMN_BYTES, ADDED_COLUMN_TYPE, addedFieldProblem } from './addedColumns';
import { ISO_3166_ALPHA2, ISO_4217 } from './codes';
import { coercer, isRefusal } from './coerce';
import type { Refusal } from './coerce';
import type { Check, Pipeline } from './definition';

/** Why one field of one row was rejected. */
export interface Rejection {
  field: string;
  /** The value as it came, for the quarantine. */
  value: unknown;
  /** The coercion rule broken, or: `unknown-field`, `not-an-object`; `json` and `encoding` when the line itself is unreadable. */
  rule: Refusal['rule'] | 'unknown-field' | 'not-an-object' | 'json' | 'encoding';
  message: string;
}

/**
 * A good row: its values in table order and, under drift policy `add-columns`, the fields the
 * schema does not know, as one JSON object of text values (`added`; absent when there are none).
 */
export type RowResult = { ok: true; values: (string | null)[]; added?: AddedFields } | { ok: false; rejections: Rejection[] };

/** A row's fields that become added columns: their names, and the JSON object of their text values. */
export interface AddedFields {
  names: string[];
  json: string;
}

/** The source has fields the schema does not know, and the pipeline's drift policy is `fail`. */
export class SchemaDriftError extends EtlError {
  override readonly name = 'SchemaDriftError';
  readonly code = 'SCHEMA_DRIFT';
  readonly retry = 'permanent';
}

function checker(check: Check | undefined): ((text: string) => string | undefined) | undefined {
  if (check === undefined) return undefined;
  if (check === 'iso4217') return (text) => (ISO_4217.has(text) ? undefined : `"${text}" is not an ISO 4217 currency code`);
  if (check === 'iso3166-alpha2')
    return (text) => (ISO_3166_ALPHA2.has(text) ? undefined : `"${text}" is not an ISO 3166-1 alpha-2 country code`);
  if ('oneOf' in check) return (text) => (check.oneOf.includes(text) ? undefined : `"${text}" is not one of ${check.oneOf.join(', ')}`);
  return (text) => {
    const number = Number(text);
    if (check.min !== undefined && number < check.min) return `${text} is below the minimum ${check.min}`;
    if (check.max !== undefined && number > check.max) return `${text} is above the maximum ${check.max}`;
    return undefined;
  };
}

function withRejection(rejections: Rejection[] | undefined, rejection: Rejection): Rejection[] {
  if (rejections === undefined) return [rejection];
  rejections.push(rejection);
  return rejections;
}

/**
 * Compiles a pipeline's schema into one function that turns a source record (a parsed JSON
 * object) into the row's values in table order — coerced to canonical text, derived columns
 * computed — or lists every field that is wrong and why.
 */
export function compileRowValidator(pipeline: Pipeline): (record: unknown) => RowResult {
  const columns = Object.entries(pipeline.target.columns).map(([name, column]) => ({
    name,
    from: column.from ?? name,
    coerce: coercer(column.type),
    required: column.nullable === false,
    emptyAsNull: column.emptyAsNull === true,
    check: checker(column.check),
    // a column of codes: a value of the wrong length is first of all not a code ("DOLLARS" is no currency)
    codes: column.check === 'iso4217' || column.check === 'iso3166-alpha2' || (typeof column.check === 'object' && 'oneOf' in column.check),
    range: column.check !== undefined && typeof column.check === 'object' && !('oneOf' in column.check),
  }));
  const columnOf = new Map(columns.map((column, index) => [column.from, index]));
  const derived = Object.entries(pipeline.target.derived ?? {}).map(([name, column]) => ({ name, ...column }));
  const addedText = coercer(ADDED_COLUMN_TYPE);
  // The record's fields by column, refilled for every row: one pass over the record's own keys
  // reads them and finds the unknown ones (no lookup by name per column).
  const fields: unknown[] = new Array<unknown>(columns.length);
  // The key order of the last record: the next one almost always has the same, so a key is
  // matched to its column by comparing it with the key seen at that place (internalized keys: a
  // pointer comparison) rather than looked up.
  const lastKeys: string[] = [];
  const lastColumns: number[] = [];
  // The row by name that derived columns read: a read-only view of the current row's values.
  let current: (string | null)[] = [];
  const byName = Object.freeze(
    Object.defineProperties(
      {},
      Object.fromEntries(columns.map((column, index) => [column.name, { enumerable: true, get: () => current[index] ?? null }])),
    ),
  ) as Readonly<Record<string, string | null>>;

  return (record) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      return {
        ok: false,
        rejections: [{ field: '(record)', value: record, rule: 'not-an-object', message: 'a record must be a JSON object' }],
      };
    }
    const source = record as Record<string, unknown>;
    fields.fill(undefined);
    let unknownFields: string[] | undefined;
    let at = 0;
    for (const field in source) {
      let index: number;
      if (field === lastKeys[at]) index = lastColumns[at]!;
      else {
        index = columnOf.get(field) ?? -1;
        lastKeys[at] = field;
        lastColumns[at] = index;
      }
      at++;
      if (index >= 0) fields[index] = source[field];
      else (unknownFields ??= []).push(field);
    }
    // allocated only when a row is rejected: most rows are not
    let rejections: Rejection[] | undefined;
    const values: (string | null)[] = [];
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i]!;
      const value = fields[i];
      let text: string | null = null;
      // "" is not NULL: it is coerced like any value (a text column keeps it) unless the column opts in
      if (value === null || value === undefined || (value === '' && column.emptyAsNull)) {
        if (column.required)
          rejections = withRejection(rejections, {
            field: column.from,
            value: value ?? null,
            rule: 'required',
            message: `${column.from} is required`,
          });
      } else {
        const coerced = column.coerce(value);
        if (isRefusal(coerced)) {
          const notACode = coerced.rule === 'length' && column.codes && typeof value === 'string' ? column.check!(value) : undefined;
          const refusal = notACode ? { rule: 'check' as const, message: notACode } : coerced;
          rejections = withRejection(rejections, { field: column.from, value, ...refusal });
        } else {
          text = coerced;
          const problem = text === null ? undefined : column.check?.(text);
          if (problem)
            rejections = withRejection(rejections, { field: column.from, value, rule: column.range ? 'range' : 'check', message: problem });
        }
      }
      values.push(text);
    }
    let added: Record<string, string> | undefined;
    for (const field of unknownFields ?? []) {
      if (pipeline.drift === 'fail')
        throw new SchemaDriftError(`field "${field}" is not in the schema of pipeline "${pipeline.name}" (drift policy: fail)`);
      const value = source[field];
      const problem = pipeline.drift === 'add-columns' ? addedFieldProblem(pipeline, field) : 'is not in the schema';
      if (problem) {
        rejections = withRejection(rejections, {
          field,
          value,
          rule: 'unknown-field',
          message: `field "${field}" ${problem} (drift policy: ${pipeline.drift})`,
        });
        continue;
      }
      if (value === null || value === undefined) continue;
      const text = addedText(typeof value === 'string' ? value : JSON.stringify(value));
      if (isRefusal(text)) rejections = withRejection(rejections, { field, value, ...text });
      else (added ??= {})[field] = text!;
    }
    let addedFields: AddedFields | undefined;
    if (added && !rejections) {
      const json = JSON.stringify(added);
      // at most 3 UTF-8 bytes per UTF-16 unit: most rows fit without counting (as coerceText does)
      const bytes = json.length * 3 <= ADDED_COLUMN_BYTES ? json.length : Buffer.byteLength(json, 'utf8');
      if (bytes > ADDED_COLUMN_BYTES)
        rejections = withRejection(rejections, {
          field: '(added fields)',
          value: null,
          rule: 'length',
          message: `the fields the schema does not know are ${bytes} bytes as JSON, over the ${ADDED_COLUMN_BYTES} the load can read`,
        });
      else addedFields = { names: Object.keys(added), json };
    }
    if (rejections) return { ok: false, rejections };
    if (derived.length > 0) {
      current = values;
      for (const column of derived) values.push(column.compute(byName));
    }
    return addedFields ? { ok: true, values, added: addedFields } : { ok: true, values };
  };
}
