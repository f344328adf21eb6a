import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AttachedPipeline, backgroundServices, invokeFunction, localClients, runningStack } from '@etl/dev';
import { FREE_PORTS, launchStack, stopProcess } from '@etl/local-aws';
import { dataBucketName, REPO_ROOT } from '@etl/harness';
import { redshiftDataClient, s3Client, sqsClient } from '@etl/middleware';
import type { Warehouse } from '@etl/warehouse';

/** What a command talks to: the data bucket, the queues and the warehouse of one stage. */
export interface Target {
  /** `local`, or the deployed stage's name. */
  stage: string;
  bucket: string;
  s3: S3Client;
  sqs: SQSClient;
  warehouse: Warehouse;
  /** The stage's queues by name (DLQs end in `-dlq`). */
  queues: () => Promise<Record<string, string>>;
  /**
   * Invokes a function of the extract service (`planner`, `publishRun`) and returns its answer.
   * Undefined where none runs: a local stack without its services (they run while `pnpm dev` runs,
   * and in the background after an `etl run` until `etl down`).
   */
  invokeExtract?: <T>(name: 'planner' | 'publishRun', payload: unknown) => Promise<T>;
  /** Local: the services an `etl run` left running in the background, if any. */
  services?: { pid: number; startedAt: string };
  /** Releases the clients, and stops a local stack this command started. */
  close: () => Promise<void>;
}

export interface TargetOptions {
  /** A deployed stage; unset: the local stack. */
  stage?: string;
  /** The local stack's folder (default `.local` at the repository root). */
  dir?: string;
  /** Deployed: the Redshift Serverless workgroup and database. */
  workgroup?: string;
  database?: string;
  /** Told when a local stack is started for the command. */
  log?: (line: string) => void;
}

async function queueMap(sqs: SQSClient, prefix: string): Promise<Record<string, string>> {
  const queues: Record<string, string> = {};
  let NextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 1000, NextToken }));
    for (const url of page.QueueUrls ?? []) queues[url.slice(url.lastIndexOf('/') + 1)] = url;
    NextToken = page.NextToken;
  } while (NextToken);
  return queues;
}

/**
 * Connects to a stage. Local: the stack running on `dir`, or one started for this command on
 * the stack's usual ports (state kept in `dir`, so it sees what `pnpm dev` and `etl run` left);
 * deployed (`stage`): the AWS SDK's default credential chain and region, the stage's bucket
 * `etl-data-<stage>`, and the warehouse named by `workgroup` / `database`.
 */
export async function connect(options: TargetOptions = {}): Promise<Target> {
  if (options.stage && options.stage !== 'local') return deployed(options.stage, options);
  const dir = path.resolve(options.dir ?? path.join(REPO_ROOT, '.local'));
  const services = backgroundServices(dir);
  if (services) {
    // an etl run's services still run: their stack, and their extract service for replays and backfills
    const attached = new AttachedPipeline(dir, services);
    return {
      ...localTarget(attached, {
        invokeExtract: (name, payload) => attached.invokeExtract(name, payload),
        close: () => attached.stop(),
      }),
      services: { pid: services.pid, startedAt: services.startedAt },
    };
  }
  let child: ChildProcess | undefined;
  let endpoints = runningStack(dir)?.endpoints;
  if (!endpoints) {
    options.log?.(`no local stack runs on ${dir}: starting one for this command`);
    // free ports: nothing but this command talks to it, so it never collides with another stack or program
    const started = await launchStack(['--dir', dir, ...FREE_PORTS]);
    child = started.child;
    endpoints = started.ready.endpoints;
  }
  const clients = localClients(endpoints);
  return localTarget(clients, {
    close: async () => {
      clients.s3.destroy();
      clients.sqs.destroy();
      clients.warehouse.client.destroy();
      if (child) await stopProcess(child);
    },
  });
}

/** A target on the local stack's clients — those of a running LocalPipeline (`pnpm dev`), which can also invoke its functions. */
export function localTarget(
  clients: { s3: S3Client; sqs: SQSClient; warehouse: Warehouse },
  { close = async () => undefined, invokeExtract }: Pick<Partial<Target>, 'close' | 'invokeExtract'> = {},
): Target {
  return {
    stage: 'local',
    bucket: dataBucketName('dev'),
    ...clients,
    queues: () => queueMap(clients.sqs, 'etl-'),
    invokeExtract,
    close,
  };
}

function deployed(stage: string, options: TargetOptions): Target {
  const workgroup = options.workgroup ?? process.env.ETL_WAREHOUSE_WORKGROUP;
  if (!workgroup)
    throw new Error(
      `--stage ${stage}: name the Redshift Serverless workgroup (--workgroup, or ETL_WAREHOUSE_WORKGROUP) the load service uses`,
    );
  // the handlers' own client factories: the default credential chain and region, AWS_ENDPOINT_URL_* honoured
  const s3 = s3Client();
  const sqs = sqsClient();
  const warehouse: Warehouse = {
    client: redshiftDataClient(),
    target: { WorkgroupName: workgroup, Database: options.database ?? process.env.ETL_WAREHOUSE_DATABASE ?? 'analytics' },
    copyRoleArn: 'unused',
  };
  const lambda = new LambdaClient({});
  return {
    stage,
    bucket: dataBucketName(stage),
    s3,
    sqs,
    warehouse,
    invokeExtract: (name, payload) => invokeFunction(lambda, `etl-extract-${stage}-${name}`, payload),
    queues: () =>
      queueMap(sqs, `etl-`).then((all) => Object.fromEntries(Object.entries(all).filter(([name]) => name.includes(`-${stage}-`)))),
    close: async () => {
      s3.destroy();
      sqs.destroy();
      warehouse.client.destroy();
      lambda.destroy();
    },
  };
}
