import { randomUUID } from 'node:crypto';
import type { WarehouseS3 } from './warehouseS3';
import type { Faults } from '../common/faults';
import { parseCopy } from './copyCommand';
import { parseUnload, writeUnload } from './unloadCommand';
import { LOAD_ERRORS_VIEW, LoadFailed, runCopy } from './copyLoader';
import type { LoadError } from './copyLoader';
import type { Database, Isolation, QueryResult, Session } from './database';
import { changesIdentity, postgresError } from './database';
import { recordColumnOrigins } from './columnMetadata';
import { notSupportedLocally, translate } from './redshiftDialect';
import { bindNamedParameters, splitStatements } from './sqlTokens';
import { SUPER_COLUMNS_SQL, superNavigationError } from './superNavigation';
import { untranslatedConstruct, untranslatedHint } from './untranslatedSql';
import { ensureDatabaseUser, nextQueryId, RECORD_ISOLATION_SQL, recordLoadErrors } from './warehouse';
import { recordQueryHistory } from './queryHistory';
import type { LoadFacts } from './queryHistory';

export type StatementStatus = 'SUBMITTED' | 'PICKED' | 'STARTED' | 'FINISHED' | 'ABORTED' | 'FAILED';

/** One SQL statement of a request (a batch has several), with its outcome. */
export interface SubStatement {
  sql: string;
  status: StatementStatus;
  error?: string;
  createdAt: number;
  updatedAt: number;
  durationNs: number;
  result?: QueryResult;
  resultRows: number;
  queryId: number;
}

/** An ExecuteStatement or BatchExecuteStatement request and how it went. */
export interface Statement {
  id: string;
  batch: boolean;
  status: StatementStatus;
  error?: string;
  createdAt: number;
  updatedAt: number;
  target: { database: string; workgroupName?: string; clusterIdentifier?: string; dbUser?: string; secretArn?: string };
  statementName?: string;
  parameters?: { name: string; value: string }[];
  /** the IAM identity that ran it (aws:userid, ARN, role): only it may follow the statement */
  owner?: { userId: string; arn: string; roleArn?: string };
  /** the database user it runs as (`IAMR:<role>`, `IAM:<user>`, a DbUser); undefined: the superuser */
  runAs?: string;
  subs: SubStatement[];
  pid: number;
  /** the backend pid it ran on, kept once it has finished (DescribeStatement's RedshiftPid) */
  backendPid?: number;
  cancelRequested: boolean;
}

class Aborted extends Error {}

/**
 * Runs Data API statements asynchronously on the warehouse database, like the real service:
 * a request is SUBMITTED at once and runs when a connection is free (one at a time on PGlite,
 * a pool on Postgres). A batch runs in one transaction, rolled back if any statement fails.
 */
export class StatementRunner {
  private readonly statements = new Map<string, Statement>();
  private readonly queue: Statement[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly db: Database,
    /** S3 as the role a COPY or UNLOAD names */
    private readonly s3: WarehouseS3,
    /** The one database the warehouse holds; a statement naming another fails as Redshift fails it. */
    readonly database: string,
    private readonly faults?: Faults,
  ) {}

  get all(): Statement[] {
    return [...this.statements.values()];
  }

  get(id: string): Statement | undefined {
    return this.statements.get(id);
  }

  submit(
    sqls: string[],
    batch: boolean,
    target: Statement['target'],
    extra: Pick<Statement, 'statementName' | 'parameters' | 'owner' | 'runAs'>,
  ): Statement {
    const now = Date.now();
    const statement: Statement = {
      id: randomUUID(),
      batch,
      status: 'SUBMITTED',
      createdAt: now,
      updatedAt: now,
      target,
      ...extra,
      subs: sqls.map((sql) => ({ sql, status: 'SUBMITTED', createdAt: now, updatedAt: now, durationNs: 0, resultRows: -1, queryId: 0 })),
      pid: 0,
      cancelRequested: false,
    };
    this.statements.set(statement.id, statement);
    this.queue.push(statement);
    this.pump();
    return statement;
  }

  /** Cancels a statement that has not finished. */
  async cancel(statement: Statement): Promise<boolean> {
    if (statement.status === 'SUBMITTED') {
      this.queue.splice(this.queue.indexOf(statement), 1);
      for (const sub of statement.subs) sub.status = 'ABORTED';
      this.finish(statement, 'ABORTED', 'Statement was cancelled before it ran');
      return true;
    }
    statement.cancelRequested = true;
    return statement.pid !== 0 && this.db.cancel(statement.pid);
  }

  /** Resolves when nothing is queued or running (for shutdown and tests). */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.db.concurrency && this.queue.length > 0) {
      const statement = this.queue.shift()!;
      this.running++;
      void this.run(statement).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private finish(statement: Statement, status: StatementStatus, error?: string): void {
    statement.status = status;
    statement.error = error;
    statement.updatedAt = Date.now();
  }

  /** The error a failed statement reports: Postgres's, unless it refused Redshift SQL not translated here (then that, by name). */
  private async failureText(error: unknown, failed: SubStatement | undefined): Promise<string> {
    const superColumns = () =>
      this.db
        .autocommit(async (session) => new Set((await session.query(SUPER_COLUMNS_SQL)).rows.map(([name]) => name!)))
        .catch(() => new Set<string>());
    const fields = postgresError(error);
    const untranslated =
      failed && ((await superNavigationError(failed.sql, fields, superColumns)) ?? untranslatedConstruct(failed.sql, fields));
    if (untranslated) return `ERROR: ${untranslated}`;
    return errorText(error);
  }

  private async run(statement: Statement): Promise<void> {
    statement.status = 'STARTED';
    statement.updatedAt = Date.now();
    const loadErrors: { sub: SubStatement; table: string; errors: LoadError[] }[] = [];
    const loads = new Map<number, LoadFacts>();
    let current: SubStatement | undefined;
    let isolation: Isolation | undefined;
    let outcome: { status: StatementStatus; error?: string } = { status: 'FINISHED' };
    try {
      if (statement.target.database !== this.database) {
        current = statement.subs[0];
        throw new Error(missingDatabase(statement.target.database));
      }
      if (statement.runAs !== undefined) await ensureDatabaseUser(this.db, statement.runAs);
      for (const sub of statement.subs) sub.queryId = await nextQueryId(this.db);
      const translations = statement.subs.map((sub) => translate(sub.sql));
      const transactional = statement.batch || translations.every((t) => t.kind !== 'sql' || t.transactional);
      const work = async (session: Session) => {
        statement.pid = session.pid;
        statement.backendPid = session.pid;
        for (const [index, sub] of statement.subs.entries()) {
          if (statement.cancelRequested) throw new Aborted('Statement was cancelled');
          current = sub;
          sub.status = 'STARTED';
          const started = process.hrtime.bigint();
          sub.updatedAt = Date.now();
          const translation = translations[index]!;
          if (statement.runAs !== undefined && changesIdentity(sub.sql))
            throw Object.assign(new Error('permission denied to set session authorization'), { code: '42501' });
          if (translation.kind === 'unsupported') {
            throw new Error(translation.message);
          } else if (translation.kind === 'unload') {
            const unload = parseUnload(translation.sql);
            const query = translate(unload.query);
            if (query.kind !== 'sql') throw new Error(notSupportedLocally(`UNLOAD of a ${query.kind} statement`));
            const s3 = await this.s3.clientFor(unload.iamRole, statement.runAs);
            sub.resultRows = await writeUnload(s3, unload, await session.query(query.sql));
          } else if (translation.kind === 'isolation') {
            if (translation.database !== this.database) throw new Error(missingDatabase(translation.database).replace('FATAL: ', ''));
            if (statement.runAs !== undefined)
              throw Object.assign(new Error(`must be owner of database ${translation.database}`), { code: '42501' });
            await session.query(RECORD_ISOLATION_SQL[0]);
            await session.query(RECORD_ISOLATION_SQL[1], [translation.isolation]);
            isolation = translation.isolation;
            sub.resultRows = 0;
          } else if (translation.kind === 'noop') {
            sub.resultRows = 0;
          } else if (translation.kind === 'copy') {
            const copy = parseCopy(translation.sql);
            try {
              const loaded = await runCopy(session, await this.s3.clientFor(copy.iamRole, statement.runAs), copy);
              loadErrors.push({ sub, table: copy.table, errors: loaded.errors });
              loads.set(sub.queryId, {
                table: copy.table,
                source: `s3://${copy.bucket}/${copy.key}`,
                format: copy.format,
                errors: loaded.errors.length,
              });
              sub.resultRows = loaded.rows;
            } catch (error) {
              if (error instanceof LoadFailed) loadErrors.push({ sub, table: copy.table, errors: error.errors });
              const errors = error instanceof LoadFailed ? error.errors.length : 0;
              loads.set(sub.queryId, { table: copy.table, source: `s3://${copy.bucket}/${copy.key}`, format: copy.format, errors });
              throw error;
            }
          } else {
            if (translation.mergeSource !== undefined) await refuseViewSource(session, translation.mergeSource);
            const bound = statement.parameters?.length
              ? bindNamedParameters(translation.sql, statement.parameters)
              : { sql: translation.sql, values: [] };
            const result = await session.query(bound.sql, bound.values);
            await recordColumnOrigins(session, result);
            sub.result = result.fields.length > 0 ? result : undefined;
            sub.resultRows = result.fields.length > 0 ? result.rows.length : result.rowCount;
          }
          const injected = this.faults?.failStatement(sub.sql);
          if (injected) throw new Error(injected);
          sub.durationNs = Number(process.hrtime.bigint() - started);
          sub.status = 'FINISHED';
          sub.updatedAt = Date.now();
        }
      };
      if (transactional) await this.db.transaction(work, statement.runAs);
      else await this.db.autocommit(work, statement.runAs);
      // transactions that begin from now on run at the new level
      if (isolation !== undefined) this.db.isolation = isolation;
    } catch (error) {
      const aborted = error instanceof Aborted || postgresError(error).code === '57014';
      const failure = aborted ? 'Query was cancelled by the user' : await this.failureText(error, current);
      // a workgroup's COPY points at SYS_LOAD_ERROR_DETAIL; a provisioned cluster's at STL_LOAD_ERRORS
      const message =
        statement.target.clusterIdentifier === undefined
          ? failure
          : failure.replace(`Check '${LOAD_ERRORS_VIEW}'`, "Check 'stl_load_errors'");
      for (const sub of statement.subs) {
        if (sub === current) {
          sub.status = aborted ? 'ABORTED' : 'FAILED';
          sub.error = message;
        } else if (sub.status !== 'FINISHED') sub.status = 'ABORTED';
        sub.updatedAt = Date.now();
      }
      outcome = { status: aborted ? 'ABORTED' : 'FAILED', error: message };
    }
    statement.pid = 0;
    // rejected records are in the load-error views before the statement reads as done: a client looks right away
    const serverless = statement.target.clusterIdentifier === undefined;
    for (const { sub, table, errors } of loadErrors)
      await recordLoadErrors(this.db, sub.queryId, statement.id, table, errors, statement.runAs, serverless).catch(() => undefined);
    await recordQueryHistory(this.db, statement, loads).catch(() => undefined);
    this.finish(statement, outcome.status, outcome.error);
  }
}

/** A MERGE's source must be a table, not a view (see mergeRules.ts). */
async function refuseViewSource(session: Session, source: string): Promise<void> {
  const [kind] = (await session.query('SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)', [source])).rows[0] ?? [];
  if (kind === 'v' || kind === 'm')
    throw new Error(
      `MERGE's source must be a table (Redshift's MERGE reference: source_table "can't be a view or a subquery"): ${source} is a view`,
    );
}

/** What Redshift answers a connection to a database it does not hold. */
export function missingDatabase(name: string): string {
  return `FATAL: database "${name}" does not exist`;
}

/** The error text the Data API reports: Redshift-style `ERROR: …` with Postgres's detail and position. */
function errorText(error: unknown): string {
  const fields = postgresError(error);
  if (fields.message.startsWith('FATAL: ')) return fields.message;
  // Redshift names every relation a relation: "permission denied for relation orders"
  const message = fields.message
    .replace(/^permission denied for (?:table|view|materialized view|sequence) /, 'permission denied for relation ')
    // several source rows for one target row: Redshift's words for it
    .replace(/^MERGE command cannot affect row a second time$/, 'Found multiple matches to update the same tuple.')
    .replace(/^cannot insert a non-DEFAULT value into column .*$/, 'cannot set an identity column to a value');
  // a transaction that cannot be serialized with a concurrent one: Redshift's error 1023 (Postgres's reason kept as detail)
  if (fields.code === '40001')
    return `ERROR: 1023 DETAIL: Serializable isolation violation on table (locally, Postgres: ${fields.message})`;
  const lines = [`ERROR: ${message}`];
  // (Postgres's detail of an identity refusal names its own GENERATED ALWAYS, which Redshift's SQL never said)
  if (fields.detail && fields.code !== '428C9') lines.push(`  Detail: ${fields.detail}`);
  if (fields.position) lines.push(`  Position: ${fields.position}`);
  const hint = untranslatedHint(fields);
  if (hint) lines.push(`  Hint: ${hint}`);
  return lines.join('\n');
}

/** The statements of an ExecuteStatement: exactly one. */
export function singleStatement(sql: string): string {
  const statements = splitStatements(sql);
  if (statements.length !== 1)
    throw new Error(`ExecuteStatement takes exactly one SQL statement, got ${statements.length}; use BatchExecuteStatement for several`);
  return statements[0]!;
}
