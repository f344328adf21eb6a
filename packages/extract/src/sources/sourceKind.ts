import { EtlError } from '@etl/contracts';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ExtractQueue, ExtractTask, RunSlice } from '@etl/contracts';
import type { Retry } from '@etl/middleware';
import type { Pipeline, PipelineDefinition, SourceDefinition } from '@etl/pipeline-kit';
import type { SourceRecords } from '../sourceRecords';

/**
 * Where a kind's source is on a stage. The worker reads it from an environment variable the
 * definition names; that variable is set from the extract service's param of the same name in
 * camelCase (`SENSOR_API_URL` ← `sensorApiUrl`), derived when the service is packaged
 * (services/extract/pipelineConfig.js), given per stage with `--param`, locally by
 * `etl run … --source-url`.
 */
export interface SourceLocation<S> {
  /** The worker's environment variable that holds it. */
  env(source: S): string;
  /** What `--source-url` must look like … */
  accepts: RegExp;
  /** … and how to say so: "an HTTP API: … must start with http:// or https://". */
  expected: string;
  /** An example value for printed commands: `https://…`. */
  example: string;
  /**
   * Deployed, the param holds a URL the function can reach (`url`), or the ARN of a Secrets
   * Manager secret under `etl/<stage>/` that holds it (`secret`: it carries a password).
   */
  deployed: 'url' | 'secret';
}

/** An open connection to a source database. */
export interface SourceConnection {
  query: (sql: string, values: unknown[]) => Promise<Record<string, unknown>[]>;
  end: () => Promise<void>;
}

/** Database drivers by engine (`postgres`, `mysql`): each opens a connection from a URL. */
export type DatabaseDrivers = Readonly<Record<string, (url: string) => Promise<SourceConnection>>>;

/** What a kind's reader gets for one planned task (a run, or one slice of it). */
export interface ReadContext<S> {
  pipeline: Pipeline;
  source: S;
  task: ExtractTask;
  slice?: RunSlice;
  retry: Retry;
  env: NodeJS.ProcessEnv;
  /** The database drivers the queue's worker carries (the extractSql worker's; none elsewhere). */
  databases: DatabaseDrivers;
}

/** What a kind needs to split a planned run into tasks on its own queue. */
export interface FanOutContext<S> extends ReadContext<S> {
  clients: { s3: S3Client; sqs: SQSClient };
  bucket: string;
  /** The kind's own queue: the slices go back on it. */
  queueUrl: string;
}

/**
 * Everything a source kind is, in its own folder (`sources/<kind>/`), registered in
 * `sources/index.ts`. Nothing outside that folder names a kind: the planner, the workers, the
 * local runner, `etl new`, `etl run`, `etl check` and the packaged environment read this.
 */
export interface SourceKind<S extends SourceDefinition> {
  readonly kind: S['kind'];
  /** `etl new <name> --source <scaffoldName>` */
  readonly scaffoldName: string;
  /** How `etl runs` and the dashboard say where a run's rows came from: "API", "table". */
  readonly label: string;
  /**
   * Runs are planned onto this extract queue and read there by its worker (`extract`: no extra
   * permissions; `extractSql`: the database drivers and the stage's source secrets). Absent: runs
   * are not planned — an `s3-drop` run starts when a file lands.
   */
  readonly queue?: ExtractQueue;
  readonly location?: SourceLocation<S>;
  /** What is wrong with the definition's source, each naming its field (`source.table …`). */
  problems(source: S, pipeline: PipelineDefinition): string[];
  /** The records of a planned task: the run's, or its slice's. */
  records?(context: ReadContext<S>): SourceRecords | Promise<SourceRecords>;
  /** Takes a planned run over before it is read: the number of tasks it queued instead (0: read it here). */
  fanOut?(context: FanOutContext<S>): Promise<number>;
  /** The source `etl new` writes for a pipeline named `name`, with a comment for any field that needs one. */
  scaffold(name: string): { source: S; comments?: Partial<Record<Exclude<keyof S, 'kind'>, string>> };
}

/** The param a source location's environment variable is set from: `ORDERS_API_URL` → `ordersApiUrl`. */
export function locationParam(env: string): string {
  return env.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** An environment variable name as Lambda takes it: letters, digits and _, starting with a letter. */
export const ENV_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A source location the worker's environment does not hold: the param was never set for this stage. */
export class SourceLocationMissing extends EtlError {
  override readonly name = 'SourceLocationMissing';
  readonly code = 'SOURCE_LOCATION_MISSING';
  readonly retry = 'permanent';
}

/**
 * The value of a pipeline's source location variable, or {@link SourceLocationMissing} saying
 * which param sets it.
 */
export function locationValue(pipeline: string, variable: string, env: NodeJS.ProcessEnv): string {
  const value = env[variable];
  if (value) return value;
  throw new SourceLocationMissing(
    `environment variable ${variable} is not set: it says where pipeline ${pipeline} reads from. Set the extract service's param ` +
      `${locationParam(variable)} for this stage (serverless deploy --param ${locationParam(variable)}=…; locally: etl run ${pipeline} --source-url …)`,
  );
}
