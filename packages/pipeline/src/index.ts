export { types, redshiftType } from './columnTypes';
export type { ColumnType } from './columnTypes';
export { definePipeline, PipelineDefinitionError } from './definition';
export type {
  Pipeline,
  PipelineDefinition,
  ColumnDefinition,
  DerivedColumn,
  SourceDefinition,
  WriteDisposition,
  DriftPolicy,
  Check,
} from './definition';
export { coercer, isRefusal } from './coerce';
export type { Coerced, Refusal } from './coerce';
export { compileRowValidator, SchemaDriftError } from './rowValidator';
export type { Rejection, RowResult } from './rowValidator';
export { createTableSql, copyColumns, quoteIdentifier, qualifiedTable } from './ddl';
export { parseDecimal, formatDecimal, multiply, multiplyDecimalText, rescale } from './decimal';
export type { Decimal } from './decimal';
