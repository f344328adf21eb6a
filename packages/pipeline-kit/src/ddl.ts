import { redshiftType } from './columnTypes';
import type { Pipeline } from './definition';

/** Double-quotes an identifier; every identifier in a definition is already checked to be plain. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualifiedTable(pipeline: Pipeline): string {
  return `${quoteIdentifier(pipeline.schema)}.${quoteIdentifier(pipeline.table)}`;
}

/** `CREATE TABLE IF NOT EXISTS` for the target, in Redshift's dialect (keys, encodings, distribution, sort). */
export function createTableSql(pipeline: Pipeline): string {
  const { target } = pipeline;
  const lines = [
    ...Object.entries(target.columns).map(
      ([name, column]) =>
        `${quoteIdentifier(name)} ${redshiftType(column.type)}${column.nullable === false ? ' NOT NULL' : ''}${column.encode ? ` ENCODE ${column.encode}` : ''}`,
    ),
    ...Object.entries(target.derived ?? {}).map(
      ([name, column]) => `${quoteIdentifier(name)} ${redshiftType(column.type)}${column.encode ? ` ENCODE ${column.encode}` : ''}`,
    ),
    `PRIMARY KEY (${target.primaryKey.map(quoteIdentifier).join(', ')})`,
  ];
  const distribution = target.distKey ? ` DISTSTYLE KEY DISTKEY (${quoteIdentifier(target.distKey)})` : ' DISTSTYLE AUTO';
  const sort = target.sortKey?.length ? ` COMPOUND SORTKEY (${target.sortKey.map(quoteIdentifier).join(', ')})` : '';
  return `CREATE TABLE IF NOT EXISTS ${qualifiedTable(pipeline)} (\n  ${lines.join(',\n  ')}\n)${distribution}${sort}`;
}
