export { types, redshiftType } from './columnTypes';
export type { ColumnType, SubMicroseconds } from './columnTypes';
export { definePipeline, IDENTIFIER, PipelineDefinitionError } from './definition';
export { loadDefinitions } from './definitions';
export type { InvalidDefinition, LoadedDefinitions } from './definitions';
export type {
  Pipeline,
  PipelineDefinition,
  ColumnDefinition,
  DerivedColumn,
  SourceDefinition,
  SourceKinds,
  WriteDisposition,
  DriftPolicy,
  Check,
} from './definition';
export { coercer, isRefusal } from './coerce';
export type { Coerced, Refusal } from './coerce';
export { compileRowValidator, SchemaDriftError } from './rowValidator';
export type { AddedFields, Rejection, RowResult } from './rowValidator';
export { ADDED_COLUMN_BYTES, ADDED_COLUMN_TYPE, ADDED_FIELDS_COLUMN, addedFieldProblem } from './addedColumns';
export { createTableSql, quoteIdentifier, qualifiedTable } from './ddl';
export { SOURCE_COLUMN, stagedColumns } from './stagedLayout';
export { parseDecimal, formatDecimal, multiply, multiplyDecimalText, rescale } from './decimal';
export type { Decimal } from './decimal';
export { cursorWithLookback } from './lookback';
export { isRawNumber, mayHoldInexactNumbers, numberSourceText, parseJsonExact, parseJsonKeepingNumbers } from './jsonNumbers';
export type { RawNumber } from './jsonNumbers';
export { canonicalComparator, compareUtf8, rowOrder } from './rowOrder';
export type { RowOrder } from './rowOrder';
