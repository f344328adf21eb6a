import pg from 'pg';

/** The Postgres that tests and benchmarks create their databases on (TEST_POSTGRES_URL, else the local one). */
export const CI_POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A new, empty database on {@link CI_POSTGRES}: its URL, and `drop` to remove it again. */
export async function freshPostgresDatabase(prefix = 'etl_local'): Promise<{ url: string; drop: () => Promise<void> }> {
  const database = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: CI_POSTGRES });
    try {
      await client.connect();
    } catch (error) {
      throw new Error(`this needs the Postgres at ${CI_POSTGRES} (set TEST_POSTGRES_URL): ${(error as Error).message}`);
    }
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  // the name is made here from digits and [a-z0-9_]: safe as an identifier; text ordered by bytes, as Redshift orders it
  await admin(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'`);
  const url = new URL(CI_POSTGRES);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}
