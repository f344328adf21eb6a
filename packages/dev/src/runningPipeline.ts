import type { S3Client } from '@aws-sdk/client-s3';
import { queueDepth } from './queueDepth';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ServiceName } from '@etl/harness';
import { runProgress } from '@etl/warehouse';
import type { Warehouse } from '@etl/warehouse';
import type { PlannerAnswer } from './interruptedRun';
import { invokeFunction } from './invokeFunction';

/**
 * What a run asks of the local pipeline, wherever its services run: in this process
 * ({@link LocalPipeline}) or in the background for every command on the folder
 * ({@link AttachedPipeline}). The clients reach the local stack; the Lambda client the extract
 * service's serverless-offline endpoint.
 */
export abstract class RunningPipeline {
  queueUrls: Record<string, string> = {};
  sqs!: SQSClient;
  s3!: S3Client;
  warehouse!: Warehouse;
  protected lambda?: LambdaClient;

  /** The extract service's function `name` (`etl-extract-dev-planner`). */
  protected abstract extractFunctionName(name: string): string;

  /** The services' last log lines, to show why a run did not finish. */
  abstract serviceLogs(lines?: number): { service: ServiceName; tail: string[] }[];

  /** Releases what this process holds (and stops what it started). */
  abstract stop(): Promise<void>;

  /** Invokes a function of the extract service (planner, publishRun) and returns its answer; throws with its error. */
  invokeExtract<T>(name: string, payload: unknown): Promise<T> {
    if (!this.lambda) throw new Error('the extract service is not running');
    return invokeFunction<T>(this.lambda, this.extractFunctionName(name), payload);
  }

  /** Asks the planner for a run of `pipeline` (`force`: even while a run is in flight; `backfill`: of that cursor range). */
  plan(pipeline: string, force = false, backfill?: { from: string | null; to: string }): Promise<PlannerAnswer> {
    return this.invokeExtract<PlannerAnswer>('planner', { pipeline, force, ...(backfill ? { backfill } : {}) });
  }

  /** Messages in a queue, visible and in flight. */
  async depth(name: string): Promise<number> {
    const { visible, inFlight } = await queueDepth(this.sqs, this.queueUrls[name]!);
    return visible + inFlight;
  }

  get deadLetterQueues(): string[] {
    return Object.keys(this.queueUrls).filter((name) => name.endsWith('-dlq'));
  }

  /** How far a run is: its parts and how many are loaded (parts null until a first file is loaded; the stack may be restarting). */
  progress(pipeline: string, runId: string): Promise<{ parts: number | null; loaded: number }> {
    return runProgress(this.warehouse, pipeline, runId).catch(() => ({ parts: null, loaded: 0 }));
  }
}
