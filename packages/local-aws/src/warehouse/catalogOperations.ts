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
 * The Data API's catalog operations on the local warehouse, answered from Postgres's
 * information_schema in Redshift's shapes: ListSchemas, ListTables, DescribeTable (type names
 * as Redshift gives them: int8, varchar, numeric, timestamp…), and ListDatabases: the local
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
      const columns = await rows(
        db,
        `SELECT column_name, udt_name, character_maximum_length, is_nullable, numeric_precision, numeric_scale, column_default
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [schema, table],
      );
      const { items, NextToken } = page(columns, input);
      return {
        TableName: table,
        ColumnList: items.map(([name, type, length, nullable, precision, scale, columnDefault]) => ({
          name,
          label: name,
          typeName: type,
          length: Number(length ?? 0),
          nullable: nullable === 'YES' ? 1 : 0,
          precision: Number(precision ?? 0),
          scale: Number(scale ?? 0),
          columnDefault: columnDefault ?? undefined,
          schemaName: schema,
          tableName: table,
        })),
        NextToken,
      };
    },
  };
}
