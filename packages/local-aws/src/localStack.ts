import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Server, S3Store } from './s3';
import { createSqsServer, SqsStore } from './sqs';
import { createDataApiServer, openWarehouseDatabase, StatementRunner } from './warehouse';
import { warehouseS3 } from './warehouse/warehouseS3';
import type { Database } from './warehouse';
import type { LocalEndpoints } from './localAccount';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_WAREHOUSE_DATABASE, WAREHOUSE_DIR } from './localAccount';
import { abortLikeV8OnFirstStart, FAULT_LOG, Faults, scaledVisibilityMs } from './common/faults';
import { notificationSink } from './s3Notifications';
import { AccessControl, createIamServer, IamStore } from './iam';
import type { FaultPlan } from './common/faults';

export interface LocalStackOptions {
  /** Where state is kept; a restart on the same folder loses nothing acknowledged. Default `.local`. */
  dir: string;
  /** Ports to listen on (0 picks a free one). Defaults: S3 4569, SQS 9324, Redshift Data API 9355, IAM and STS 4593. */
  ports?: { s3?: number; sqs?: number; redshiftData?: number; iam?: number };
  host?: string;
  /** Run the warehouse on this Postgres instead of the embedded PGlite (kept in `<dir>/warehouse`). */
  databaseUrl?: string;
  /** The one database the warehouse holds (Data API calls naming another fail). Default `analytics`. */
  database?: string;
  /** Rows per GetStatementResult page. */
  resultPageRows?: number;
  /** Faults to inject (the chaos suite), logged one line each to `<dir>/faults.jsonl`. */
  faults?: FaultPlan;
}

export interface LocalStack {
  endpoints: LocalEndpoints;
  /** The environment a handler or a shell needs to use the stack with the real AWS SDK or CLI. */
  env: Record<string, string>;
  s3: S3Store;
  sqs: SqsStore;
  warehouse: Database;
  iam: IamStore;
  stop: () => Promise<void>;
}

/** A port the stack was told to use is taken: which one, for what, and how to choose another. */
export class PortTaken extends Error {
  override readonly name = 'PortTaken';

  constructor(
    readonly port: number,
    readonly service: string,
    readonly option: string,
    host: string,
  ) {
    super(`port ${port} on ${host} (${service}) is taken by another process: stop it, or give ${option} another port (0: any free one)`);
  }
}

async function listen(server: Server, port: number, host: string, service: string, option: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortTaken(port, service, option, host) : error),
    );
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

/**
 * Starts the local S3, SQS and Redshift Data API in this process, on the given ports, with
 * state in `dir`: S3 objects and SQS messages in journals, the warehouse in PGlite (or on the
 * Postgres at `databaseUrl`).
 */
export async function startLocalStack({
  dir,
  ports = {},
  host = '127.0.0.1',
  databaseUrl,
  database = LOCAL_WAREHOUSE_DATABASE,
  resultPageRows = 10_000,
  faults: plan,
}: LocalStackOptions): Promise<LocalStack> {
  const faults = plan ? new Faults(plan, path.join(dir, FAULT_LOG)) : undefined;
  const s3 = await S3Store.open(path.join(dir, 's3'));
  const sqs = await SqsStore.open(path.join(dir, 'sqs'), { visibilityMs: (seconds) => scaledVisibilityMs(seconds, plan) });
  const iam = await IamStore.open(path.join(dir, 'iam'));
  // every service checks requests made with the keys this IAM issued; any other key is the administrator's
  const access = new AccessControl(iam);
  const servers: Server[] = [
    createS3Server(s3, faults, notificationSink(dir, sqs), access),
    createSqsServer(sqs, access),
    createIamServer(access),
  ];
  let warehouse: Database | undefined;
  let adminS3: S3Client | undefined;
  let runner: StatementRunner | undefined;
  const stop = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    }
    await runner?.whenIdle();
    adminS3?.destroy();
    await warehouse?.close();
    await s3.close();
    await sqs.close();
    await iam.close();
  };
  try {
    const s3Endpoint = await listen(servers[0]!, ports.s3 ?? 4569, host, 'S3', '--s3-port');
    const sqsEndpoint = await listen(servers[1]!, ports.sqs ?? 9324, host, 'SQS', '--sqs-port');
    const iamEndpoint = await listen(servers[2]!, ports.iam ?? 4593, host, 'IAM and STS', '--iam-port');
    warehouse = await openWarehouseDatabase({ databaseUrl, dir: path.join(dir, WAREHOUSE_DIR), name: database });
    abortLikeV8OnFirstStart(plan, dir);
    // the warehouse reads COPY input from the local S3 over HTTP, as Redshift reads from S3
    adminS3 = new S3Client({
      endpoint: s3Endpoint,
      forcePathStyle: true,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    runner = new StatementRunner(warehouse, warehouseS3(iam, s3Endpoint, adminS3), database, faults);
    servers.push(createDataApiServer(runner, warehouse, { pageRows: resultPageRows }, access));
    const endpoints: LocalEndpoints = {
      s3: s3Endpoint,
      sqs: sqsEndpoint,
      redshiftData: await listen(servers[3]!, ports.redshiftData ?? 9355, host, 'the Redshift Data API', '--redshift-port'),
      iam: iamEndpoint,
    };
    const env = {
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_S3: endpoints.s3,
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_REDSHIFT_DATA: endpoints.redshiftData,
      AWS_ENDPOINT_URL_IAM: endpoints.iam,
      AWS_ENDPOINT_URL_STS: endpoints.iam,
    };
    return { endpoints, env, s3, sqs, warehouse, iam, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
