import { types } from './columnTypes';
import type { ColumnType } from './columnTypes';
import { IDENTIFIER } from './definition';
import type { Pipeline } from './definition';

/**
 * Drift policy `add-columns`: a source field the schema does not know becomes a column of the
 * target table. Its values travel in the staged CSV as one JSON object per row (this column,
 * before `_etl_source`); the load adds the missing columns and spreads the object into them.
 */
export const ADDED_FIELDS_COLUMN = '_etl_added';

/**
 * Added columns hold any value as text: Redshift's widest VARCHAR (bytes), nullable. The JSON of
 * a row's added fields travels in a column of the same type (and JSON_EXTRACT_PATH_TEXT reads at
 * most 64 KB), so it is the limit for that JSON too.
 */
export const ADDED_COLUMN_BYTES = 65535;
export const ADDED_COLUMN_TYPE: ColumnType = types.varchar(ADDED_COLUMN_BYTES);

/**
 * Why a source field cannot become a column of this pipeline's table, or undefined when it can:
 * it must be a plain lower-case identifier, not reserved, and not a name the table already uses
 * for something else (a column read from another field, a derived column).
 */
export function addedFieldProblem(pipeline: Pipeline, field: string): string | undefined {
  if (!IDENTIFIER.test(field) || field.startsWith('_etl'))
    return `cannot become a column: column names must be plain lower-case identifiers (a-z, 0-9, _; not starting with _etl)`;
  if (pipeline.columnNames.includes(field))
    return `cannot become a column: the table already has a column "${field}" filled from elsewhere`;
  return undefined;
}
