import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { FailedRecordRouter } from './failedRecords';

/**
 * A failed-record router that cannot reach SQS (a fault injected for unit tests without a
 * stack): every failed record is reported as a batch item failure, as a router does when its
 * calls fail.
 */
export function unreachableQueues(service = 'test'): FailedRecordRouter {
  const sqs = {
    send: () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED (no SQS in a unit test)'), { code: 'ECONNREFUSED' })),
  } as unknown as SQSClient;
  return new FailedRecordRouter(() => sqs, service);
}

/**
 * Test helpers shared by this package's tests and the services' tests: SQS records and a
 * Lambda context shaped as Lambda delivers them. Not used by handlers.
 */
export function sqsRecord(
  body: string,
  overrides: { messageId?: string; groupId?: string; receiveCount?: number; queueArn?: string } = {},
): SQSRecord {
  const messageId = overrides.messageId ?? `m-${Math.random().toString(36).slice(2, 10)}`;
  const fifo = overrides.groupId !== undefined;
  const queueArn = overrides.queueArn ?? `arn:aws:sqs:us-east-1:000000000000:etl-test-queue${fifo ? '.fifo' : ''}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(overrides.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
      ...(fifo ? { MessageGroupId: overrides.groupId, MessageDeduplicationId: messageId, SequenceNumber: '1' } : {}),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/** A Lambda context whose remaining time counts down from `timeoutMs`. */
export function lambdaContext(functionName = 'etl-test-dev-worker', timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${Math.random().toString(36).slice(2, 10)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Captures what is written to stdout and stderr (where Powertools writes logs and EMF, and
 * what Lambda sends to CloudWatch Logs) while `fn` runs, one parsed JSON object per line.
 */
export async function captureOutputJson<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  try {
    const result = await fn();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return { result, lines };
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i]!));
  }
}

/** One metric of a validated EMF document, with its value and the dimensions it is published under. */
export interface EmfMetric {
  namespace: string;
  name: string;
  unit: string | undefined;
  value: unknown;
  dimensions: Record<string, string>;
}

/**
 * Checks a parsed log line against the CloudWatch Embedded Metric Format specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
 * and returns its metrics. Throws naming the first rule broken.
 */
export function readEmf(document: Record<string, unknown>): EmfMetric[] {
  const fail = (rule: string): never => {
    throw new Error(`invalid EMF: ${rule} in ${JSON.stringify(document)}`);
  };
  const aws = document._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown } | undefined;
  if (typeof aws !== 'object' || aws === null) fail('missing _aws object');
  if (!Number.isInteger(aws!.Timestamp)) fail('_aws.Timestamp must be an integer (ms since epoch)');
  if (!Array.isArray(aws!.CloudWatchMetrics) || aws!.CloudWatchMetrics.length === 0)
    fail('_aws.CloudWatchMetrics must be a non-empty array');
  const metrics: EmfMetric[] = [];
  for (const directive of aws!.CloudWatchMetrics as Record<string, unknown>[]) {
    const { Namespace, Dimensions, Metrics } = directive;
    if (typeof Namespace !== 'string' || Namespace.length === 0 || Namespace.length > 1024) fail('Namespace must be a 1–1024 char string');
    if (!Array.isArray(Dimensions)) fail('Dimensions must be an array of dimension sets');
    if (!Array.isArray(Metrics) || Metrics.length === 0 || Metrics.length > 100) fail('Metrics must hold 1–100 metric definitions');
    const dimensionSets = Dimensions as unknown[];
    const keys = new Set<string>();
    for (const set of dimensionSets) {
      if (!Array.isArray(set) || set.length > 30) fail('each dimension set must be an array of at most 30 names');
      for (const key of set as unknown[]) {
        if (typeof key !== 'string') fail('dimension names must be strings');
        if (typeof document[key as string] !== 'string') fail(`dimension "${String(key)}" must be a string member of the document`);
        keys.add(key as string);
      }
    }
    const dimensions = Object.fromEntries([...keys].map((key) => [key, document[key] as string]));
    for (const definition of Metrics as { Name?: unknown; Unit?: unknown }[]) {
      if (typeof definition.Name !== 'string') fail('metric Name must be a string');
      const value = document[definition.Name as string];
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.length === 0 || numbers.length > 100 || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))) {
        fail(`metric "${String(definition.Name)}" must have a number (or 1–100 numbers) as its member value`);
      }
      metrics.push({
        namespace: Namespace as string,
        name: definition.Name as string,
        unit: definition.Unit as string | undefined,
        value,
        dimensions,
      });
    }
  }
  return metrics;
}

/** All EMF metrics among captured stdout lines (lines without `_aws` are logs and are skipped). */
export function emfMetrics(lines: Record<string, unknown>[]): EmfMetric[] {
  return lines.filter((line) => '_aws' in line).flatMap(readEmf);
}
