import { redshiftType } from './columnMetadata';
import type { Database } from './database';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** A page of `items` from a Data API NextToken (an offset) and MaxResults. */
function page<T>(items: T[], input: Input, most = 1000): { items: T[]; NextToken?: string } {
  const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64url').toString()) : 0;
  const max = Math.max(1, Math.min(most, Number(input.MaxResults ?? most)));
  const end = start + max;
  return { items: items.slice(start, end), NextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

/** Rows of a catalog query, in autocommit, with bound parameters. */
async function rows(db: Database, sql: string, params: (string | null)[]): Promise<(string | null)[][]> {
  return db.autocommit(async (session) => (await session.query(sql, params)).rows);
}

/** A Data API pattern (SQL LIKE: `%`, `_`), or everything. */
const pattern = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '%');

// the engine's own housekeeping schemas, which Redshift does not have
const HIDDEN = "schema_name NOT LIKE 'pg\\_toast%' AND schema_name NOT LIKE 'pg\\_temp\\_%'";

/**
 * A table's columns in order: name, declared type (a domain's own name), base type, type
 * modifier (a domain's when it is one), NOT NULL, default. From pg_catalog rather than
 * information_schema, which has no type modifiers.
 */
const COLUMNS_SQL = `SELECT a.attname, t.typname, b.typname,
    (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END)::text,
    (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull))::text, pg_get_expr(d.adbin, d.adrelid)
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  JOIN pg_catalog.pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`;

/**
 * The Data API's catalog operations on the local warehouse, answered from Postgres's catalog in
 * Redshift's shapes: ListSchemas, ListTables, DescribeTable (type names and precisions as
 * Redshift gives them: int8, varchar, numeric, timestamp, super…), and ListDatabases: the local
 * warehouse holds one database, `database`.
 */
export function catalogOperations(
  db: Database,
  database: string,
  requireDatabase: (input: Input) => void,
): Record<string, (input: Input) => Promise<Output>> {
  return {
    ListDatabases: async (input) => {
      requireDatabase(input);
      const { items, NextToken } = page([database], input);
      return { Databases: items, NextToken };
    },
    ListSchemas: async (input) => {
      requireDatabase(input);
      const found = await rows(
        db,
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE $1 AND ${HIDDEN} ORDER BY schema_name`,
        [pattern(input.SchemaPattern)],
      );
      const { items, NextToken } = page(
        found.map(([name]) => name!),
        input,
      );
      return { Schemas: items, NextToken };
    },
    ListTables: async (input) => {
      requireDatabase(input);
      const found = await rows(
        db,
        `SELECT table_schema, table_name, table_type FROM information_schema.tables
          WHERE table_schema LIKE $1 AND table_name LIKE $2 AND table_schema NOT LIKE 'pg\\_temp\\_%' AND table_schema NOT LIKE 'pg\\_toast%'
          ORDER BY table_schema, table_name`,
        [pattern(input.SchemaPattern), pattern(input.TablePattern)],
      );
      const { items, NextToken } = page(found, input);
      return {
        Tables: items.map(([schema, name, type]) => ({ schema, name, type: type === 'VIEW' ? 'VIEW' : 'TABLE' })),
        NextToken,
      };
    },
    DescribeTable: async (input) => {
      requireDatabase(input);
      const schema = typeof input.Schema === 'string' && input.Schema !== '' ? input.Schema : 'public';
      const table = typeof input.Table === 'string' ? input.Table : '';
      const columns = await rows(db, COLUMNS_SQL, [schema, table]);
      const { items, NextToken } = page(columns, input);
      return {
        TableName: table,
        ColumnList: items.map(([name, declaredType, baseType, typmod, notNull, columnDefault]) => {
          const type = redshiftType(baseType!, Number(typmod), true);
          return {
            name,
            // a domain is named by its own name (SUPER is the domain super over jsonb), as AWS names information_schema's
            typeName: declaredType === baseType ? type.name : redshiftType(declaredType!).name,
            // AWS gives a character column's length as both precision and length, other types' as precision only
            length: type.caseSensitive && type.name !== 'super' ? type.precision : 0,
            nullable: notNull === 'true' ? 0 : 1,
            precision: type.precision,
            scale: type.scale,
            isSigned: type.signed,
            isCaseSensitive: type.caseSensitive,
            isCurrency: false,
            columnDefault: columnDefault ?? undefined,
            schemaName: schema,
            tableName: table,
          };
        }),
        NextToken,
      };
    },
  };
}
