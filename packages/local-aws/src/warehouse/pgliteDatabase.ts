import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database, PostgresErrorFields, QueryResult, Session } from './database';
import { actAs, loadTypeNames, beginTransaction, quoteIdentifier } from './database';

/** An error PGlite raised, with Postgres's fields, rebuilt on this side of the thread boundary. */
class PgliteError extends Error {
  constructor(fields: PostgresErrorFields) {
    super(fields.message);
    Object.assign(this, fields);
  }
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: PostgresErrorFields };

/** Talks to the PGlite worker thread: one request at a time in flight per caller, answered in order. */
function connect(dir: string | undefined) {
  const worker = new Worker(path.join(__dirname, 'pgliteWorker.cjs'), { workerData: { dir } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let failure: Error | undefined;
  worker.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.result);
    else waiter?.reject(new PgliteError(reply.error));
  });
  worker.on('error', (error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const call = <T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (failure) return Promise.reject(new Error(`the PGlite worker failed: ${failure.message}`));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, ...message }, transfer);
    });
  };
  return { worker, call };
}

/**
 * Postgres 18 in WebAssembly (PGlite) on a worker thread of this process, with its data in
 * `dir` (or in memory when `dir` is undefined). One connection: statements run one at a time;
 * the stack's other servers stay responsive while one runs.
 */
export async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir) await mkdir(dir, { recursive: true });
  const { worker, call } = connect(dir);
  const session: Session = {
    pid: 0,
    query: (sql, params = []) => call<QueryResult>({ kind: 'query', sql, params: [...params] }),
    copyFrom: async (sql, data) => {
      const copy = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      // PGlite reads COPY input from a server file (/dev/blob), which only a superuser may: a
      // database user's COPY (its INSERT privilege checked by runCopy) runs as the superuser
      const [user, superuser] = (await session.query('SELECT current_user, rolsuper::text FROM pg_roles WHERE rolname = current_user'))
        .rows[0]!;
      if (superuser === 'true') return call<number>({ kind: 'copy', sql, data: copy }, [copy]);
      await session.query('RESET ROLE');
      let rows: number;
      try {
        rows = await call<number>({ kind: 'copy', sql, data: copy }, [copy]);
      } catch (error) {
        // the COPY's own error is the one to report: in the transaction it aborted, SET ROLE would fail too
        // ("current transaction is aborted") and hide it; a ROLLBACK TO SAVEPOINT restores the role anyway
        await session.query(`SET ROLE ${quoteIdentifier(user!)}`).catch(() => undefined);
        throw error;
      }
      await session.query(`SET ROLE ${quoteIdentifier(user!)}`);
      return rows;
    },
  };
  const types = await loadTypeNames((sql) => session.query(sql));
  // one connection shared by every caller: each unit of work has it alone, then leaves it as
  // a new session finds it (a Data API call is its own session: no temp table or SET outlives it)
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(async () => {
      try {
        return await work();
      } finally {
        await session.query('DISCARD ALL').catch(() => undefined);
      }
    });
    tail = run.catch(() => undefined);
    return run;
  };
  const database: Database = {
    isolation: 'snapshot',
    kind: 'pglite',
    concurrency: 1,
    transaction: (work, user) =>
      exclusive(async () => {
        await session.query(beginTransaction(database.isolation));
        try {
          await actAs(session, user);
          const result = await work(session);
          await session.query('COMMIT');
          return result;
        } catch (error) {
          await session.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    autocommit: (work, user) =>
      exclusive(async () => {
        await actAs(session, user);
        return work(session);
      }),
    cancel: async () => false,
    typeName: (typeId) => types.get(typeId) ?? 'unknown',
    close: async () => {
      await call({ kind: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
  return database;
}
