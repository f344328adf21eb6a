import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { LOCAL_CREDENTIALS, isAlive, launchStack, lambdaInvoker, setLambdaEndpoint, stopProcess } from '@etl/local-aws';
import {
  functionCredentials,
  localParams,
  packageService,
  provision,
  provisionNotifications,
  QueuePoller,
  REPO_ROOT,
  serviceDir,
  stackName,
  stackResources,
  startOffline,
} from '@etl/harness';
import { WORK_QUEUES, workQueueName } from '@etl/contracts';
import type { WorkQueue } from '@etl/contracts';
import type { LocalEndpoints } from '@etl/local-aws';
import type { HeldReceipts, Invoke, OfflineService, ServiceName, StackResources } from '@etl/harness';
import type { Warehouse } from '@etl/warehouse';
import { RunningPipeline } from './runningPipeline';

export const SERVICES: ServiceName[] = ['extract', 'transform', 'load'];
const credentials = LOCAL_CREDENTIALS;
const region = 'us-east-1';

/** The service a function belongs to, by its name (`etl-<service>-<stage>-<function>`). */
export function serviceOfFunction(functionName: string): ServiceName {
  const service = SERVICES.find((s) => functionName.startsWith(`etl-${s}-`));
  if (!service) throw new Error(`function ${functionName} is not one of etl-${SERVICES.join('|')}-…`);
  return service;
}

/** The queues a run moves through on the local stage, in order, each with its stage (their DLQs end in `-dlq`). */
export const LOCAL_WORK_QUEUES = (Object.keys(WORK_QUEUES) as WorkQueue[]).map((queue) => ({
  name: workQueueName(queue, 'dev'),
  service: WORK_QUEUES[queue].service,
}));

export interface LocalPipelineOptions {
  /** The stack's state folder (S3 objects, SQS messages, PGlite). */
  dir: string;
  /** Ports from serverless.yml and the stack's defaults (false: free ports). */
  fixedPorts: boolean;
  /** The warehouse on this Postgres instead of PGlite. */
  databaseUrl?: string;
  /** Use a stack `pnpm local:up` left running on `dir` (pnpm dev); otherwise always start one. */
  reuseRunningStack?: boolean;
  /** More environment for the stack (e.g. LOCAL_AWS_FAULTS). */
  stackEnv?: Record<string, string>;
  /** Params for the services (a source's URL). */
  sourceParams: Record<string, string>;
  /** Wraps the event source mappings' invocations (fault injection, held-receipt bookkeeping). */
  wrapInvoke?: (invoke: Invoke) => Invoke;
  /** The services' resources, when another LocalPipeline packaged them already ({@link packageServices}). */
  resources?: PackagedServices;
  /** serverless-esbuild's work folder in each service (default `.esbuild`): one per pipeline run side by side. */
  esbuildWorkFolder?: string;
  /** Receipt-handle hooks per queue URL, for a poller (see heldMessages.ts). */
  held?: (queueUrl: string) => HeldReceipts;
  /** Told what each service prints, as it comes (the background services write it to their logs). */
  serviceOutput?: (service: ServiceName, text: string) => void;
  log: (line: string) => void;
}

/** The three services' queues, mappings and bucket, as their packaged templates declare them. */
export type PackagedServices = (readonly [ServiceName, StackResources])[];

/**
 * The three services' resources for the local stage. Packaging (`serverless package`, ~25 s)
 * runs only when what the resources are made of changed — a service's serverless.yml, the
 * compose file, the lockfile (plugin versions), the local params — and is otherwise read from
 * `services/<service>/.serverless-local/stack-resources.json`. Code changes need no packaging:
 * serverless-offline bundles the handlers itself when it starts.
 */
export async function packageServices(): Promise<PackagedServices> {
  return Promise.all(SERVICES.map(async (service) => [service, await serviceResources(service)] as const));
}

/** Changes when StackResources gains a field, so resources cached before are read again from the template. */
const RESOURCES_FORMAT = 'resources-3: roles, bucket policies';

async function serviceResources(service: ServiceName): Promise<StackResources> {
  const params = localParams(REPO_ROOT, service, 'dev');
  const key = createHash('sha256')
    .update(readFileSync(path.join(serviceDir(service), 'serverless.yml')))
    .update(readFileSync(path.join(REPO_ROOT, 'serverless-compose.yml')))
    .update(readFileSync(path.join(REPO_ROOT, 'pnpm-lock.yaml')))
    .update(JSON.stringify(params))
    .update(RESOURCES_FORMAT)
    .digest('hex');
  const cache = path.join(serviceDir(service), '.serverless-local', 'stack-resources.json');
  if (existsSync(cache)) {
    const cached = JSON.parse(readFileSync(cache, 'utf8')) as { key: string; resources: StackResources };
    if (cached.key === key) return cached.resources;
  }
  const resources = stackResources(
    await packageService(service, 'dev', { outDir: '.serverless-local', params }),
    stackName(service, 'dev'),
  );
  writeFileSync(cache, JSON.stringify({ key, resources }));
  return resources;
}

/** SDK clients for a local stack's S3, SQS and warehouse (the local stage's workgroup and database). */
export function localClients(endpoints: LocalEndpoints): { s3: S3Client; sqs: SQSClient; warehouse: Warehouse } {
  return {
    s3: new S3Client({ endpoint: endpoints.s3, forcePathStyle: true, region, credentials }),
    sqs: new SQSClient({ endpoint: endpoints.sqs, region, credentials }),
    warehouse: {
      client: new RedshiftDataClient({ endpoint: endpoints.redshiftData, region, credentials }),
      target: { WorkgroupName: 'etl-dev', Database: 'analytics' },
      copyRoleArn: 'unused',
    },
  };
}

export interface RunningStack {
  endpoints: LocalEndpoints;
  env: Record<string, string>;
  child?: ChildProcess;
}

/** The stack `pnpm local:up` left running on `dir`, if it still runs. */
export function runningStack(dir: string): RunningStack | undefined {
  const state = path.join(dir, 'stack.json');
  if (!existsSync(state)) return undefined;
  const running = JSON.parse(readFileSync(state, 'utf8')) as { pid: number; endpoints: LocalEndpoints; env: Record<string, string> };
  return isAlive(running.pid) ? running : undefined; // else stale: the stack that wrote it is gone
}

/**
 * The whole pipeline on this machine, started once and driven run after run: the local AWS
 * stack, the three services packaged and under serverless-offline, their queues and bucket, and
 * the event source mappings polling the queues. `pnpm dev` and the chaos suite are built on it;
 * the chaos suite also kills and restarts its parts.
 */
export class LocalPipeline extends RunningPipeline {
  private stack!: RunningStack;
  private resources!: PackagedServices;
  private readonly offline = new Map<ServiceName, OfflineService>();
  private pollers: QueuePoller[] = [];
  private invoker!: ReturnType<typeof lambdaInvoker>;

  private constructor(private options: LocalPipelineOptions) {
    super();
  }

  protected extractFunctionName(name: string): string {
    return this.service('extract').functionName(name);
  }

  static async start(options: LocalPipelineOptions): Promise<LocalPipeline> {
    const local = new LocalPipeline(options);
    try {
      await local.startAll();
    } catch (error) {
      await local.stop();
      throw error;
    }
    return local;
  }

  get endpoints(): LocalEndpoints {
    return this.stack.endpoints;
  }

  /** Where each service's functions are invoked (serverless-offline's Lambda endpoints). */
  get lambdaEndpoints(): Record<ServiceName, string> {
    return Object.fromEntries([...this.offline].map(([service, instance]) => [service, instance.lambdaEndpoint])) as Record<
      ServiceName,
      string
    >;
  }

  private async startAll(): Promise<void> {
    const { log } = this.options;
    log('▶ local AWS stack');
    this.stack = (this.options.reuseRunningStack && runningStack(this.options.dir)) || (await this.launch());
    log(`  S3 ${this.stack.endpoints.s3}  SQS ${this.stack.endpoints.sqs}  Redshift Data API ${this.stack.endpoints.redshiftData}`);
    this.connect();
    log("▶ the services' queues and bucket (packaging them if their configuration changed)");
    this.resources = this.options.resources ?? (await packageServices());
    await this.provision();
    log('▶ starting the services under serverless-offline');
    await Promise.all(SERVICES.map((service) => this.startService(service))); // each builds in its own folder
    this.invoker = lambdaInvoker((functionName) => this.service(serviceOfFunction(functionName)).lambdaEndpoint);
    this.startPollers();
  }

  /** A new stack on `dir`: on free ports, or on the ports it had before (a restart). */
  private async launch(ports?: LocalEndpoints): Promise<RunningStack> {
    const port = (endpoint: string | undefined) => (endpoint ? new URL(endpoint).port : '0');
    const portArgs =
      ports || !this.options.fixedPorts
        ? [
            ...['--s3-port', port(ports?.s3), '--sqs-port', port(ports?.sqs)],
            ...['--redshift-port', port(ports?.redshiftData), '--iam-port', port(ports?.iam)],
          ]
        : [];
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.stackEnv, DATABASE_URL: this.options.databaseUrl };
    if (this.options.databaseUrl === undefined) delete env.DATABASE_URL; // PGlite: not a Postgres this process was told of
    const { child, ready } = await launchStack(['--dir', this.options.dir, ...portArgs], env);
    return { ...ready, child };
  }

  private connect(): void {
    ({ s3: this.s3, sqs: this.sqs, warehouse: this.warehouse } = localClients(this.stack.endpoints));
  }

  private async provision(): Promise<void> {
    this.queueUrls = {};
    for (const [, r] of this.resources) Object.assign(this.queueUrls, await provision(this.stack.endpoints, r));
    // the data bucket is the load service's; the extract service's `dropped` function takes its events
    await provisionNotifications(
      this.stack.endpoints,
      this.resources.flatMap(([, r]) => r.notifications),
    );
  }

  private async startService(service: ServiceName): Promise<void> {
    const resources = this.resources.find(([name]) => name === service)![1];
    const instance = await startOffline(service, {
      functionCredentials: await functionCredentials(this.stack.endpoints, resources),
      endpoints: this.stack.endpoints,
      extraEnv: { ...this.stack.env, ...(this.options.esbuildWorkFolder ? { ESBUILD_WORK_FOLDER: this.options.esbuildWorkFolder } : {}) },
      freePorts: !this.options.fixedPorts,
      extraParams: this.options.sourceParams,
      onOutput: this.options.serviceOutput && ((text) => this.options.serviceOutput!(service, text)),
    });
    this.offline.set(service, instance);
    setLambdaEndpoint(this.options.dir, `etl-${service}-dev`, instance.lambdaEndpoint); // where the stack's S3 sends this service's events
    if (service === 'extract') {
      this.lambda?.destroy();
      this.lambda = new LambdaClient({ endpoint: instance.lambdaEndpoint, region, credentials });
    }
  }

  private service(name: ServiceName): OfflineService {
    const instance = this.offline.get(name);
    if (!instance) throw new Error(`the ${name} service is not running`);
    return instance;
  }

  private startPollers(): void {
    const invoke = this.options.wrapInvoke ? this.options.wrapInvoke(this.invoker.invoke) : this.invoker.invoke;
    this.pollers = this.resources.flatMap(([, r]) =>
      r.mappings.map(
        (mapping) =>
          new QueuePoller({
            sqs: this.sqs,
            queueUrl: this.queueUrls[mapping.queueName]!,
            mapping,
            invoke,
            held: this.options.held?.(this.queueUrls[mapping.queueName]!),
          }),
      ),
    );
    this.pollers.forEach((p) => p.start());
  }

  /** Stops the pollers, waiting for the batches in flight to settle. */
  async stopPollers(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
    this.pollers = [];
  }

  serviceLogs(lines = 25): { service: ServiceName; tail: string[] }[] {
    return [...this.offline].map(([service, instance]) => ({ service, tail: instance.output().trimEnd().split('\n').slice(-lines) }));
  }

  /** SIGKILLs a service (serverless-offline and its handlers) and starts it again. */
  async killService(service: ServiceName): Promise<void> {
    const instance = this.service(service);
    this.offline.delete(service);
    await instance.kill();
    await this.startService(service);
  }

  /** SIGKILLs the local stack and starts it again on the same folder and ports: what it acknowledged must survive. */
  async killStack(): Promise<void> {
    const child = this.stack.child;
    if (!child) throw new Error('the local stack was started elsewhere (pnpm local:up): not killing it');
    await stopProcess(child, { signal: 'SIGKILL' });
    this.stack = await this.launch(this.stack.endpoints);
  }

  /**
   * A new, empty stack in place of this one — another folder, another warehouse database —
   * on the same ports, so the services keep running: the chaos suite's next seed.
   */
  async replaceStack(dir: string, databaseUrl: string | undefined, stackEnv?: Record<string, string>): Promise<void> {
    await this.stopPollers();
    if (this.stack.child) await stopProcess(this.stack.child);
    // IAM is the account's, not the data's: the roles and the sessions the running functions hold carry
    // over (without them the functions' keys would be unknown to the new stack, so never checked)
    await cp(path.join(this.options.dir, 'iam'), path.join(dir, 'iam'), { recursive: true });
    this.options = { ...this.options, dir, databaseUrl, stackEnv: stackEnv ?? this.options.stackEnv };
    this.stack = await this.launch(this.stack.endpoints);
    await this.provision();
    for (const [service, instance] of this.offline) setLambdaEndpoint(dir, `etl-${service}-dev`, instance.lambdaEndpoint);
    this.startPollers();
  }

  /** Stops the pollers (batches settle), the services and the stack this started. */
  async stop(): Promise<void> {
    await this.stopPollers().catch(() => undefined);
    for (const [service, instance] of this.offline) {
      try {
        setLambdaEndpoint(this.options.dir, `etl-${service}-dev`, undefined);
      } catch {
        // the state folder is gone already: nothing to unregister from
      }
      await instance.stop().catch(() => undefined);
    }
    this.offline.clear();
    this.invoker?.close();
    this.lambda?.destroy();
    this.sqs?.destroy();
    this.s3?.destroy();
    this.warehouse?.client.destroy();
    if (this.stack?.child) await stopProcess(this.stack.child).catch(() => undefined);
  }
}
