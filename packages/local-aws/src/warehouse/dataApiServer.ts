import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { header, readBody } from '../common/http';
import { catalogOperations } from './catalogOperations';
import { columnMetadata } from './columnMetadata';
import type { Database } from './database';
import { missingDatabase, singleStatement } from './statements';
import type { Statement, StatementRunner, SubStatement } from './statements';
import { ADMINISTRATOR } from '../iam/accessControl';
import type { AccessControl, Caller } from '../iam/accessControl';
import { authorizeDataApi, dataApiCaller, DataApiError } from './dataApiAuthorization';

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

/** The Data API's errors: ValidationException, ResourceNotFoundException, ExecuteStatementException… */
const ApiError = DataApiError;

/** An error whose shape has members besides the message (ResourceNotFoundException's ResourceId). */
class DetailedApiError extends DataApiError {
  constructor(
    type: string,
    message: string,
    readonly members: Record<string, string>,
  ) {
    super(type, message);
  }
}

const seconds = (ms: number) => ms / 1000;

function target(input: Input): Statement['target'] {
  if (input.SessionId !== undefined || input.SessionKeepAliveSeconds !== undefined)
    throw new ApiError(
      'ValidationException',
      'The local Redshift Data API does not keep sessions (SessionId, SessionKeepAliveSeconds): each call runs in a session of its own',
    );
  if (typeof input.Database !== 'string' || input.Database === '') throw new ApiError('ValidationException', 'Database is required');
  const workgroupName = input.WorkgroupName as string | undefined;
  const clusterIdentifier = input.ClusterIdentifier as string | undefined;
  if (!workgroupName === !clusterIdentifier)
    throw new ApiError('ValidationException', 'Either ClusterIdentifier or WorkgroupName is required, not both');
  return {
    database: input.Database,
    workgroupName,
    clusterIdentifier,
    dbUser: input.DbUser as string | undefined,
    secretArn: input.SecretArn as string | undefined,
  };
}

function submitted(statement: Statement): Output {
  return {
    Id: statement.id,
    CreatedAt: seconds(statement.createdAt),
    Database: statement.target.database,
    DbUser: statement.target.dbUser,
    WorkgroupName: statement.target.workgroupName,
    ClusterIdentifier: statement.target.clusterIdentifier,
    SecretArn: statement.target.secretArn,
  };
}

/** The size in bytes of a sub-statement's result; -1 (null) until it has finished. */
function resultSize(sub: SubStatement): number {
  if (!sub.result) return sub.status === 'FINISHED' ? 0 : -1;
  return sub.result.rows.reduce((size, row) => size + row.reduce((s, v) => s + (v === null ? 0 : Buffer.byteLength(v)), 0), 0);
}

function subStatementFields(sub: SubStatement): Output {
  return {
    Status: sub.status,
    Error: sub.error,
    QueryString: sub.sql,
    HasResultSet: sub.result !== undefined,
    ResultRows: sub.resultRows,
    ResultSize: resultSize(sub),
    Duration: sub.durationNs,
    CreatedAt: seconds(sub.createdAt),
    UpdatedAt: seconds(sub.updatedAt),
    RedshiftQueryId: sub.queryId,
  };
}

/**
 * What DescribeStatement says of a batch as a whole, as AWS documents it: a result set if any
 * sub-statement has one, and the sums of their rows, sizes and durations (-1, null, while none
 * has a value). The batch's statements are in SubStatements, not in a QueryString of its own.
 */
function batchFields(statement: Statement): Output {
  const total = (values: number[]) => (values.some((v) => v >= 0) ? values.filter((v) => v >= 0).reduce((a, b) => a + b, 0) : -1);
  return {
    HasResultSet: statement.subs.some((sub) => sub.result !== undefined),
    ResultRows: total(statement.subs.map((sub) => sub.resultRows)),
    ResultSize: total(statement.subs.map(resultSize)),
    Duration: statement.subs.reduce((sum, sub) => sum + sub.durationNs, 0),
    RedshiftQueryId: 0,
  };
}

/**
 * A statement Id as the Data API checks it before looking it up: a statement's UUID, or a
 * batch's sub-statement `<uuid>:<n>` (AWS's own message and pattern).
 */
const STATEMENT_ID = /^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$/;
const INVALID_ID = `id must satisfy regex pattern: ${STATEMENT_ID.source}`;

/** The statement (or sub-statement `<id>:<n>`) an Id names. */
function find(runner: StatementRunner, id: unknown): { statement: Statement; sub?: SubStatement } {
  if (id === undefined || id === null) throw new ApiError('ValidationException', 'Id is required');
  if (typeof id !== 'string') throw new ApiError('SerializationException', `Id must be a string, not ${JSON.stringify(id)}`);
  if (!STATEMENT_ID.test(id)) throw new ApiError('ValidationException', INVALID_ID);
  const notFound = () => new DetailedApiError('ResourceNotFoundException', 'Query does not exist.', { ResourceId: id });
  const [base, index] = id.split(':');
  const statement = runner.get(base!);
  if (!statement) throw notFound();
  if (index === undefined) return { statement };
  const sub = statement.subs[Number(index) - 1];
  if (!statement.batch || !sub) throw notFound();
  return { statement, sub };
}

/** An integer written into JSON with all its digits (JSON.rawJSON, Node 21+): JSON numbers are not bounded, JavaScript's are. */
const exactJsonNumber = (digits: string): unknown => (JSON as unknown as { rawJSON: (text: string) => unknown }).rawJSON(digits);

/** A value in the Data API's typed `Field` form, from Postgres's text form. */
function field(value: string | null, typeName: string): Output {
  if (value === null) return { isNull: true };
  switch (typeName) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'oid':
      // the exact digits on the wire: a BIGINT beyond 2^53 must not be rounded here (boto3 and the CLIs read it exactly)
      return { longValue: Number.isSafeInteger(Number(value)) ? Number(value) : exactJsonNumber(value) };
    case 'float4':
    case 'float8':
      return { doubleValue: Number(value) };
    case 'bool':
      return { booleanValue: value === 't' || value === 'true' };
    case 'bytea':
      return { blobValue: Buffer.from(value.replace(/^\\x/, ''), 'hex').toString('base64') };
    default:
      return { stringValue: value };
  }
}

export interface DataApiOptions {
  /** Rows per GetStatementResult page (the real service pages at about 100 MB). */
  pageRows: number;
}

/** Who runs a statement: its IAM identity, the only one that may follow it. */
const ownerOf = (caller: Caller): Statement['owner'] => ({
  userId: caller.principal.userId ?? caller.principal.arn,
  arn: caller.principal.arn,
  roleArn: caller.principal.roleArn,
});

/**
 * The database user a call runs as, as Redshift derives it: `DbUser` when given; for IAM
 * credentials, `IAMR:<role name>` (an assumed role, its path and session left out) or
 * `IAM:<user name>`. The administrator (a key the local IAM never issued) is the superuser.
 */
function databaseUser(caller: Caller, input: Input): string | undefined {
  if (typeof input.DbUser === 'string' && input.DbUser !== '') return input.DbUser;
  if (!caller.enforced) return undefined;
  if (caller.principal.kind === 'assumed-role') return `IAMR:${caller.principal.roleArn!.split('/').pop()}`;
  if (caller.principal.kind === 'user') return `IAM:${caller.principal.userName}`;
  return undefined;
}

/**
 * The process id of the backend a statement ran on (RedshiftPid): the one it had while it ran
 * (`backendPid` is the runner's record of it once it has finished, where the runner keeps one);
 * on PGlite, the one backend there is, for any statement that has started.
 */
function redshiftPid(statement: Statement, pglitePid: number | undefined): number {
  const pid = (statement as Statement & { backendPid?: number }).backendPid || statement.pid;
  if (pid) return pid;
  return pglitePid !== undefined && statement.status !== 'SUBMITTED' ? pglitePid : 0;
}

/** The Data API's limit on a query string: 100 KB (the Data API's "Considerations"). */
const MAX_QUERY_BYTES = 100 * 1024;

function checkQuerySize(sql: string): void {
  if (Buffer.byteLength(sql) > MAX_QUERY_BYTES) throw new ApiError('ValidationException', 'Cannot process query string larger than 100kB');
}

function operations(
  runner: StatementRunner,
  db: Database,
  options: DataApiOptions,
): Record<string, (input: Input, caller: Caller) => Promise<Output> | Output> {
  // PGlite has a single backend: its pid, read once, before any statement can hold the connection
  const pglitePid =
    db.kind === 'pglite'
      ? db.autocommit(async (session) => Number((await session.query('SELECT pg_backend_pid()')).rows[0]![0])).catch(() => undefined)
      : Promise.resolve(undefined);
  return {
    ...catalogOperations(db, runner.database, (input) => {
      if (typeof input.Database !== 'string' || input.Database === '') throw new ApiError('ValidationException', 'Database is required');
      if (input.Database !== runner.database)
        throw new ApiError('DatabaseConnectionException', `Database connection failed: ${missingDatabase(input.Database)}`, 500);
    }),
    ExecuteStatement: (input, caller) => {
      if (typeof input.Sql !== 'string' || input.Sql.trim() === '') throw new ApiError('ValidationException', 'Sql is required');
      checkQuerySize(input.Sql);
      let sql: string;
      try {
        sql = singleStatement(input.Sql);
      } catch (error) {
        throw new ApiError('ValidationException', (error as Error).message);
      }
      const parameters = input.Parameters as { name: string; value: string }[] | undefined;
      for (const parameter of parameters ?? []) {
        if (typeof parameter?.name !== 'string' || typeof parameter.value !== 'string')
          throw new ApiError('ValidationException', 'Each parameter needs a string name and a string value');
      }
      return submitted(
        runner.submit([sql], false, target(input), {
          statementName: input.StatementName as string | undefined,
          parameters,
          owner: ownerOf(caller),
          runAs: databaseUser(caller, input),
        }),
      );
    },
    BatchExecuteStatement: (input, caller) => {
      const sqls = input.Sqls as string[] | undefined;
      if (!Array.isArray(sqls) || sqls.length === 0 || sqls.length > 40)
        throw new ApiError('ValidationException', 'Sqls must hold 1 to 40 statements');
      for (const sql of sqls) checkQuerySize(String(sql));
      return submitted(
        runner.submit(sqls, true, target(input), {
          statementName: input.StatementName as string | undefined,
          owner: ownerOf(caller),
          runAs: databaseUser(caller, input),
        }),
      );
    },
    DescribeStatement: async (input) => {
      const { statement, sub } = find(runner, input.Id);
      const common = {
        Database: statement.target.database,
        DbUser: statement.target.dbUser,
        WorkgroupName: statement.target.workgroupName,
        ClusterIdentifier: statement.target.clusterIdentifier,
        SecretArn: statement.target.secretArn,
        QueryParameters: statement.parameters,
        RedshiftPid: redshiftPid(statement, await pglitePid),
      };
      // a sub-statement `<id>:<n>` of a batch is described as a statement of its own
      if (sub) return { ...subStatementFields(sub), Id: input.Id, ...common };
      return {
        ...(statement.batch ? batchFields(statement) : subStatementFields(statement.subs[0]!)),
        Id: statement.id,
        Status: statement.status,
        Error: statement.error,
        CreatedAt: seconds(statement.createdAt),
        UpdatedAt: seconds(statement.updatedAt),
        ...common,
        SubStatements: statement.batch
          ? statement.subs.map((s, i) => ({ Id: `${statement.id}:${i + 1}`, ...subStatementFields(s) }))
          : undefined,
      };
    },
    GetStatementResult: (input) => {
      const { statement, sub } = find(runner, input.Id);
      const result = sub ?? (statement.batch ? undefined : statement.subs[0]);
      if (!result) throw new ApiError('ValidationException', 'BatchExecuteStatement result can only be retrieved with sub-statement id.');
      if (result.status !== 'FINISHED' || !result.result)
        throw new DetailedApiError(
          'ResourceNotFoundException',
          'Query does not have result. Please check query status with DescribeStatement.',
          { ResourceId: String(input.Id) },
        );
      const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64url').toString()) : 0;
      const rows = result.result.rows.slice(start, start + options.pageRows);
      const types = result.result.fields.map((f) => db.typeName(f.typeId));
      const end = start + rows.length;
      return {
        Records: rows.map((row) => row.map((value, i) => field(value, types[i]!))),
        ColumnMetadata: columnMetadata((typeId) => db.typeName(typeId), result.result),
        TotalNumRows: result.result.rows.length,
        NextToken: end < result.result.rows.length ? Buffer.from(String(end)).toString('base64url') : undefined,
      };
    },
    ListStatements: (input, caller) => {
      const status = (input.Status as string | undefined) ?? 'ALL';
      // an issued identity sees its own statements: all of its role's (RoleLevel, the default) or its session's
      const roleLevel = input.RoleLevel !== false;
      const mine = (s: Statement) =>
        !caller.enforced ||
        (roleLevel && caller.principal.roleArn !== undefined
          ? s.owner?.roleArn === caller.principal.roleArn
          : s.owner?.userId === ownerOf(caller)!.userId);
      const name = input.StatementName as string | undefined;
      const max = Math.min(100, Number(input.MaxResults ?? 100));
      const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64url').toString()) : 0;
      const matching = runner.all
        .filter((s) => mine(s) && (status === 'ALL' || s.status === status) && (!name || s.statementName?.startsWith(name)))
        .sort((a, b) => b.createdAt - a.createdAt);
      const page = matching.slice(start, start + max);
      return {
        Statements: page.map((s) => ({
          Id: s.id,
          Status: s.status,
          IsBatchStatement: s.batch,
          ...(s.batch ? { QueryStrings: s.subs.map((sub) => sub.sql) } : { QueryString: s.subs[0]!.sql }),
          CreatedAt: seconds(s.createdAt),
          UpdatedAt: seconds(s.updatedAt),
          StatementName: s.statementName,
          SecretArn: s.target.secretArn,
          QueryParameters: s.parameters,
        })),
        NextToken: start + max < matching.length ? Buffer.from(String(start + max)).toString('base64url') : undefined,
      };
    },
    CancelStatement: async (input) => {
      const { statement } = find(runner, input.Id);
      if (['FINISHED', 'FAILED', 'ABORTED'].includes(statement.status)) {
        throw new ApiError(
          'ValidationException',
          `Could not cancel a query that is already in ${statement.status} state with ID: ${statement.id}`,
        );
      }
      const cancelled = await runner.cancel(statement);
      if (!cancelled && db.kind === 'pglite')
        throw new ApiError(
          'ValidationException',
          'The local PGlite warehouse cannot interrupt a running statement (use DATABASE_URL for a Postgres that can)',
        );
      return { Status: cancelled };
    },
  };
}

/**
 * An HTTP server speaking the Redshift Data API (AWS JSON 1.1, `X-Amz-Target: RedshiftData.<Op>`).
 * With `access`, calls signed with keys the local IAM issued are authorised as the Data API
 * authorises them.
 */
export function createDataApiServer(
  runner: StatementRunner,
  db: Database,
  options: DataApiOptions = { pageRows: 10_000 },
  access?: AccessControl,
): Server {
  const ops = operations(runner, db, options);
  return createServer((request, response) => {
    void handle(ops, runner, request, response, access);
  });
}

async function handle(
  ops: ReturnType<typeof operations>,
  runner: StatementRunner,
  request: IncomingMessage,
  response: ServerResponse,
  access?: AccessControl,
): Promise<void> {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text) }).end(text);
  };
  try {
    const operation = (header(request, 'x-amz-target') ?? '').replace(/^RedshiftData\./, '');
    const body = (await readBody(request)).toString('utf8');
    const caller: Caller = access ? dataApiCaller(access, request, body) : { principal: ADMINISTRATOR, enforced: false };
    const run = ops[operation];
    if (!run)
      throw new ApiError(
        'ValidationException',
        `The local Redshift Data API does not implement "${operation}" (it implements ${Object.keys(ops).join(', ')})`,
      );
    const input = jsonObject(body);
    if (access) {
      const followed = typeof input.Id === 'string' ? runner.get(input.Id.split(':')[0]!) : undefined;
      authorizeDataApi(access, caller, operation, input, request, followed?.owner);
    }
    send(200, await run(input, caller));
  } catch (error) {
    const apiError =
      error instanceof DataApiError
        ? error
        : new DataApiError('InternalServerException', `local Redshift Data API: ${(error as Error).message}`, 500);
    const members = apiError instanceof DetailedApiError ? apiError.members : {};
    send(apiError.status, { __type: apiError.type, message: apiError.message, Message: apiError.message, ...members });
  }
}

/**
 * A JSON 1.1 request body: an object, or nothing (read as `{}`). Anything else — not JSON, or
 * JSON that is not an object (`null`, an array, a scalar) — is a 400 SerializationException, the
 * client's error, never a 500 that SDKs would retry.
 */
function jsonObject(body: string): Input {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ApiError('SerializationException', `request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiError('SerializationException', `the request body must be a JSON object, not ${body.trim().slice(0, 40)}`);
  return parsed as Input;
}
