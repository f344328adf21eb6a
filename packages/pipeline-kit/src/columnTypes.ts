/** The Redshift column types a pipeline can declare. Lengths of VARCHAR/CHAR are bytes, as in Redshift. */
export type ColumnType =
  | { kind: 'smallint' }
  | { kind: 'integer' }
  | { kind: 'bigint' }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'double' }
  | { kind: 'boolean' }
  | { kind: 'varchar'; length: number }
  | { kind: 'char'; length: number }
  | { kind: 'date' }
  | { kind: 'timestamp'; subMicroseconds?: SubMicroseconds };

/**
 * A TIMESTAMP holds microseconds. A source value with more digits than that, not all zero, is
 * refused by default (`reject`): two versions a nanosecond apart would otherwise become a tie.
 * A column can opt in to `round` (half up) or `truncate` instead.
 */
export type SubMicroseconds = 'reject' | 'round' | 'truncate';

export const types = {
  smallint: (): ColumnType => ({ kind: 'smallint' }),
  integer: (): ColumnType => ({ kind: 'integer' }),
  bigint: (): ColumnType => ({ kind: 'bigint' }),
  decimal: (precision: number, scale: number): ColumnType => ({ kind: 'decimal', precision, scale }),
  double: (): ColumnType => ({ kind: 'double' }),
  boolean: (): ColumnType => ({ kind: 'boolean' }),
  /** `length` in bytes (UTF-8), 1–65535. */
  varchar: (length: number): ColumnType => ({ kind: 'varchar', length }),
  char: (length: number): ColumnType => ({ kind: 'char', length }),
  date: (): ColumnType => ({ kind: 'date' }),
  /** Without time zone, stored in UTC, to the microsecond; see {@link SubMicroseconds} for finer source values. */
  timestamp: (options: { subMicroseconds?: SubMicroseconds } = {}): ColumnType =>
    options.subMicroseconds && options.subMicroseconds !== 'reject'
      ? { kind: 'timestamp', subMicroseconds: options.subMicroseconds }
      : { kind: 'timestamp' },
} as const;

/** The type as Redshift DDL spells it. */
export function redshiftType(type: ColumnType): string {
  switch (type.kind) {
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'varchar':
      return `VARCHAR(${type.length})`;
    case 'char':
      return `CHAR(${type.length})`;
    case 'double':
      return 'DOUBLE PRECISION';
    default:
      return type.kind.toUpperCase();
  }
}

/** Problems with a type's parameters, for definition checks. */
export function typeProblems(type: ColumnType): string[] {
  if (
    type.kind === 'decimal' &&
    !(
      Number.isInteger(type.precision) &&
      type.precision >= 1 &&
      type.precision <= 38 &&
      Number.isInteger(type.scale) &&
      type.scale >= 0 &&
      type.scale <= type.precision
    )
  ) {
    return [`DECIMAL(${type.precision},${type.scale}): precision must be 1–38 and scale 0–precision`];
  }
  if (
    (type.kind === 'varchar' || type.kind === 'char') &&
    !(Number.isInteger(type.length) && type.length >= 1 && type.length <= (type.kind === 'char' ? 4096 : 65535))
  ) {
    return [`${type.kind.toUpperCase()}(${type.length}): length must be 1–${type.kind === 'char' ? 4096 : 65535} bytes`];
  }
  if (type.kind === 'timestamp' && type.subMicroseconds !== undefined && !['reject', 'round', 'truncate'].includes(type.subMicroseconds))
    return [`TIMESTAMP subMicroseconds "${String(type.subMicroseconds)}": one of reject, round, truncate`];
  return [];
}
