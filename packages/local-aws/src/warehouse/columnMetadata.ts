import type { Field, QueryResult, Session } from './database';

/**
 * A result column as Postgres's RowDescription describes it: besides name and type OID, the
 * OID of the table and the number of the column it was read from (0 for an expression) and
 * the type modifier (VARCHAR(20), NUMERIC(12,2); -1 for none). The drivers pass these on when
 * they have them; without them a column has no table and its precision is the type's own.
 */
export interface DescribedField extends Field {
  tableId?: number;
  columnId?: number;
  typeModifier?: number;
}

/** The Data API's `ColumnMetadata` of a result column (GetStatementResult). */
export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
  nullable: number;
  isSigned: boolean;
  isCaseSensitive: boolean;
  isCurrency: boolean;
  precision: number;
  scale: number;
  length: number;
  schemaName: string;
  tableName: string;
}

/** The table column a result column was read from, as the catalog had it while the statement ran. */
interface ColumnOrigin {
  schemaName: string;
  tableName: string;
  notNull: boolean;
  /** the column's declared type: a domain keeps its own name (SUPER is the domain `super` over jsonb) */
  declaredType: string;
}

/** JDBC's `columnNoNulls` and `columnNullable`, which the Data API reports (an expression is nullable). */
const NO_NULLS = 0;
const NULLABLE = 1;

/** Redshift's VARCHAR(MAX), and the length of a VARCHAR declared without one (TEXT is VARCHAR(256) in Redshift). */
const VARCHAR_MAX = 65535;
const VARCHAR_DEFAULT = 256;

interface RedshiftType {
  name: string;
  precision: number;
  scale: number;
  signed: boolean;
  caseSensitive: boolean;
}

/** The precision and scale of a NUMERIC(p, s) from its type modifier, (p << 16 | s) + 4. */
const numericPrecision = (typmod: number) => ((typmod - 4) >> 16) & 0xffff;
const numericScale = (typmod: number) => (typmod - 4) & 0xffff;

/**
 * A Postgres type as Redshift names and measures it in the Data API's column metadata
 * (AWS's examples: INT4 is precision 10, a VARCHAR its declared length, NUMERIC(10,2) 10 and 2,
 * TIMESTAMP 29 and 6, SUPER `super` of precision 2147483647, a string literal VARCHAR(n)).
 * `fromTable`: the column is a table's, where a VARCHAR without a length is Redshift's VARCHAR(256);
 * an expression's unbounded string is measured as VARCHAR(MAX).
 */
export function redshiftType(postgresType: string, typmod = -1, fromTable = false): RedshiftType {
  const fixed = (name: string, precision: number, scale = 0, signed = false): RedshiftType => ({
    name,
    precision,
    scale,
    signed,
    caseSensitive: false,
  });
  const characters = (name: string): RedshiftType => ({
    name,
    precision: typmod >= 4 ? typmod - 4 : fromTable ? VARCHAR_DEFAULT : VARCHAR_MAX,
    scale: 0,
    signed: false,
    caseSensitive: true,
  });
  switch (postgresType) {
    case 'int2':
      return fixed('int2', 5, 0, true);
    case 'int4':
      return fixed('int4', 10, 0, true);
    case 'int8':
      return fixed('int8', 19, 0, true);
    case 'float4':
      return fixed('float4', 8, 8, true);
    case 'float8':
      return fixed('float8', 17, 17, true);
    case 'numeric':
      // Redshift always knows a DECIMAL's precision; Postgres's unconstrained NUMERIC gets Redshift's largest
      return typmod >= 4 ? fixed('numeric', numericPrecision(typmod), numericScale(typmod), true) : fixed('numeric', 38, 0, true);
    case 'bool':
      return fixed('bool', 1);
    case 'date':
      return fixed('date', 13);
    case 'time':
      return fixed('time', 15, 6);
    case 'timetz':
      return fixed('timetz', 21, 6);
    case 'timestamp':
      return fixed('timestamp', 29, 6);
    case 'timestamptz':
      return fixed('timestamptz', 35, 6);
    case 'varchar':
    case 'text': // Redshift has no TEXT: it is VARCHAR(256)
      return characters('varchar');
    case 'bpchar':
      return characters('bpchar');
    case 'jsonb':
    case 'super': // SUPER is a domain over jsonb here
      return { name: 'super', precision: 2147483647, scale: 0, signed: false, caseSensitive: true };
    default:
      return fixed(postgresType, typmod >= 4 ? typmod - 4 : 0);
  }
}

// origins are looked up in the statement's own session, where its temp tables still exist
const ORIGINS_SQL = `SELECT a.attrelid::int8::text, a.attnum::text, n.nspname, c.relname,
    (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull))::text, t.typname
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0`;

const origins = new WeakMap<QueryResult, (ColumnOrigin | undefined)[]>();

/**
 * Looks up, in the statement's session right after it ran, the table column each result column
 * was read from (schema, table, NOT NULL, declared type), for {@link columnMetadata}. Nothing to
 * do when the driver did not say which table a column came from.
 */
export async function recordColumnOrigins(session: Session, result: QueryResult): Promise<void> {
  const fields = result.fields as DescribedField[];
  const tables = [...new Set(fields.map((f) => f.tableId ?? 0).filter((id) => id > 0))];
  if (tables.length === 0) return;
  const found = new Map<string, ColumnOrigin>();
  for (const [table, column, schemaName, tableName, notNull, declaredType] of (await session.query(ORIGINS_SQL, [`{${tables.join(',')}}`]))
    .rows)
    found.set(`${table}:${column}`, {
      schemaName: schemaName!,
      tableName: tableName!,
      notNull: notNull === 'true',
      declaredType: declaredType!,
    });
  origins.set(
    result,
    fields.map((f) => found.get(`${f.tableId}:${f.columnId}`)),
  );
}

/**
 * The Data API's column metadata of a result, as Redshift reports it: Redshift's type names and
 * precisions, the table and schema a column was read from (empty for an expression; a system
 * table's schema is empty, as AWS shows `stll_query`'s), NOT NULL columns as `nullable: 0`.
 * `length` is 0, as in every GetStatementResult AWS documents.
 */
export function columnMetadata(typeName: (typeId: number) => string, result: QueryResult): ColumnMetadata[] {
  const found = origins.get(result);
  return (result.fields as DescribedField[]).map((field, index) => {
    const origin = found?.[index];
    const type = redshiftType(typeName(field.typeId), field.typeModifier ?? -1, origin !== undefined);
    return {
      name: field.name,
      label: field.name,
      // a domain is named by its own name (SUPER); its measures are its base type's
      typeName: origin && origin.declaredType !== typeName(field.typeId) ? redshiftType(origin.declaredType).name : type.name,
      nullable: origin?.notNull ? NO_NULLS : NULLABLE,
      isSigned: type.signed,
      isCaseSensitive: type.caseSensitive,
      isCurrency: false,
      precision: type.precision,
      scale: type.scale,
      length: 0,
      schemaName: origin && origin.schemaName !== 'pg_catalog' ? origin.schemaName : '',
      tableName: origin?.tableName ?? '',
    };
  });
}
