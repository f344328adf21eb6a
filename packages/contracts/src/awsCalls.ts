import { dataKeys } from './dataKeys';
import { WORK_QUEUES, workQueueName } from './queues';
import type { WorkQueue } from './queues';

/**
 * Every AWS call each function makes, with the resource it touches — the inventory the deploy
 * check evaluates against each function's packaged role, with the policy evaluator the local
 * stack enforces (`pnpm deploy:check`). A call added to a handler belongs here too: a role
 * that does not allow it fails the check before it fails in AWS.
 *
 * Keys follow `dataKeys`, so a call names the very keys the code reads and writes.
 */

/** Where a stage's calls go: the names a deployed stage resolves. */
export interface CallTarget {
  region: string;
  accountId: string;
  stage: string;
  bucket: string;
  /** the Redshift Serverless workgroup's id (IAM names the id, not the name) */
  workgroupId: string;
  /** a queue's ARN by its name */
  queueArn: (name: string) => string;
  /** the ARN of the Secrets Manager secret a SQL source reads (with its random suffix) */
  secretArn: string;
}

export interface AwsCall {
  action: string;
  resource: string;
  /** request-context keys the call carries (`s3:prefix` of a list) */
  context?: Record<string, string>;
  /** what in the code makes it */
  why: string;
}

/** A function by its service and its name in serverless.yml (`extract`, `planner`). */
export type FunctionCalls = (target: CallTarget) => AwsCall[];

// sample names: the resources a function touches differ only in these
const PIPELINE = 'orders';
const RUN = '20261206T000000Z-abc123';
const BATCH = 'batch-1';

const object = (t: CallTarget, key: string) => `arn:aws:s3:::${t.bucket}/${key}`;
const bucket = (t: CallTarget) => `arn:aws:s3:::${t.bucket}`;
const workgroup = (t: CallTarget) => `arn:aws:redshift-serverless:${t.region}:${t.accountId}:workgroup/${t.workgroupId}`;
const queue = (t: CallTarget, name: WorkQueue, dlq = false) => t.queueArn(workQueueName(name, t.stage, { dlq }));

/** Reading a state object that may not exist yet: a GetObject, then (on 403) a list of that very key (s3Outcomes.ts). */
const readMaybeMissing = (t: CallTarget, key: string, why: string): AwsCall[] => [
  { action: 's3:GetObject', resource: object(t, key), why },
  { action: 's3:ListBucket', resource: bucket(t), context: { 's3:prefix': key }, why: `${why}, when it may not exist yet` },
];

/** A gzip file streamed to S3 (files/gzipUpload.ts): multipart, aborted on failure. */
const upload = (t: CallTarget, key: string, why: string): AwsCall[] => [
  { action: 's3:PutObject', resource: object(t, key), why },
  { action: 's3:AbortMultipartUpload', resource: object(t, key), why: `${why}, abandoned on failure` },
];

/** Statements on the warehouse (warehouse/statementRunner.ts) and following its own of them. */
const statements = (t: CallTarget, actions: string[], follow: string[]): AwsCall[] => [
  ...actions.map((action) => ({ action: `redshift-data:${action}`, resource: workgroup(t), why: 'runs SQL on the workgroup' })),
  { action: 'redshift-serverless:GetCredentials', resource: workgroup(t), why: 'the Data API signs in as the caller' },
  ...follow.map((action) => ({
    action: `redshift-data:${action}`,
    resource: '*',
    context: { 'redshift-data:statement-owner-iam-userid': '${aws:userid}' },
    why: 'follows its own statements',
  })),
];

/** What the worker middleware does with a failed message of its queue (middleware/src/failedRecords.ts). */
const failedMessages = (t: CallTarget, name: WorkQueue): AwsCall[] => [
  ...['GetQueueUrl', 'GetQueueAttributes'].map((action) => ({
    action: `sqs:${action}`,
    resource: queue(t, name),
    why: 'finds its queue and its redrive policy',
  })),
  { action: 'sqs:ChangeMessageVisibility', resource: queue(t, name), why: 'brings a transient failure back after a delay' },
  { action: 'sqs:SendMessage', resource: queue(t, name), why: 're-queues a transient failure before maxReceiveCount' },
  { action: 'sqs:GetQueueUrl', resource: queue(t, name, true), why: 'finds its dead-letter queue' },
  { action: 'sqs:SendMessage', resource: queue(t, name, true), why: 'dead-letters a permanent failure at once' },
  {
    action: 's3:PutObject',
    resource: object(t, dataKeys.waiting(PIPELINE, RUN, WORK_QUEUES[name].service)),
    why: 'shows the run waiting after a transient failure',
  },
  {
    action: 's3:DeleteObject',
    resource: object(t, dataKeys.waiting(PIPELINE, RUN, WORK_QUEUES[name].service)),
    why: 'clears the run waiting once the message passed',
  },
];

export const AWS_CALLS: Record<string, Record<string, FunctionCalls>> = {
  extract: {
    planner: (t) => [
      ...readMaybeMissing(t, dataKeys.plannerState(PIPELINE), 'reads the run it planned last'),
      { action: 's3:PutObject', resource: object(t, dataKeys.plannerState(PIPELINE)), why: 'records the run it plans' },
      { action: 'sqs:SendMessage', resource: queue(t, 'extract'), why: 'queues an HTTP extract task' },
      { action: 'sqs:SendMessage', resource: queue(t, 'extractSql'), why: 'queues a SQL extract task' },
      ...statements(t, ['ExecuteStatement'], ['DescribeStatement', 'GetStatementResult']),
    ],
    extractWorker: (t) => [
      ...failedMessages(t, 'extract'),
      ...upload(t, dataKeys.raw(PIPELINE, RUN, 0), 'writes raw part files'),
      { action: 's3:PutObject', resource: object(t, dataKeys.runManifest(PIPELINE, RUN)), why: 'writes the run manifest' },
      { action: 'sqs:SendMessage', resource: queue(t, 'transform'), why: 'announces the parts to transform' },
    ],
    sqlExtractWorker: (t) => [
      ...failedMessages(t, 'extractSql'),
      ...upload(t, dataKeys.rawSlicePart(PIPELINE, RUN, { index: 0, attempt: 'a' }, 0), 'writes raw part files of a slice'),
      ...readMaybeMissing(t, dataKeys.slicePlan(PIPELINE, RUN), 'reads how the run was split'),
      { action: 's3:PutObject', resource: object(t, dataKeys.slicePlan(PIPELINE, RUN)), why: 'splits the run once' },
      ...readMaybeMissing(t, dataKeys.sliceManifest(PIPELINE, RUN, 0), 'reads a slice already written'),
      { action: 's3:PutObject', resource: object(t, dataKeys.sliceManifest(PIPELINE, RUN, 0)), why: 'records its slice' },
      {
        action: 's3:ListBucket',
        resource: bucket(t),
        context: { 's3:prefix': dataKeys.sliceManifestPrefix(PIPELINE, RUN) },
        why: 'counts the slices done',
      },
      ...readMaybeMissing(t, dataKeys.runManifest(PIPELINE, RUN), 'reads the run manifest a racing delivery wrote'),
      { action: 's3:PutObject', resource: object(t, dataKeys.runManifest(PIPELINE, RUN)), why: 'writes the run manifest once' },
      { action: 'secretsmanager:GetSecretValue', resource: t.secretArn, why: 'reads the source database URL' },
      { action: 'sqs:SendMessage', resource: queue(t, 'extractSql'), why: 'queues the slices' },
      { action: 'sqs:SendMessage', resource: queue(t, 'transform'), why: 'announces the parts to transform' },
    ],
    dropped: (t) => [
      { action: 's3:GetObject', resource: object(t, `landing/${PIPELINE}/file.csv`), why: 'reads the dropped file' },
      ...upload(t, dataKeys.raw(PIPELINE, RUN, 0), 'writes raw part files'),
      { action: 's3:PutObject', resource: object(t, dataKeys.runManifest(PIPELINE, RUN)), why: 'writes the run manifest' },
      { action: 'sqs:SendMessage', resource: queue(t, 'transform'), why: 'announces the parts to transform' },
    ],
    publishRun: (t) => [
      { action: 's3:GetObject', resource: object(t, dataKeys.runManifest(PIPELINE, RUN)), why: 'reads the manifest of the run to replay' },
      { action: 's3:PutObject', resource: object(t, dataKeys.replay(PIPELINE, RUN, new Date(0))), why: 'records the replay' },
      { action: 'sqs:SendMessage', resource: queue(t, 'transform'), why: 'announces the parts to transform' },
    ],
  },
  transform: {
    transformWorker: (t) => [
      ...failedMessages(t, 'transform'),
      { action: 's3:GetObject', resource: object(t, dataKeys.raw(PIPELINE, RUN, 0)), why: 'reads a raw file' },
      ...upload(t, dataKeys.staged(PIPELINE, RUN, 0), 'writes the staged file'),
      ...upload(t, dataKeys.quarantine(PIPELINE, RUN, 0), 'writes the quarantine file'),
      { action: 's3:DeleteObject', resource: object(t, dataKeys.quarantine(PIPELINE, RUN, 0)), why: 'drops an empty quarantine file' },
      { action: 'sqs:SendMessage', resource: queue(t, 'load'), why: 'tells load the staged file is ready' },
    ],
  },
  load: {
    loadWorker: (t) => [
      ...failedMessages(t, 'load'),
      { action: 's3:PutObject', resource: object(t, dataKeys.copyManifest(PIPELINE, BATCH)), why: 'writes the COPY manifest' },
      { action: 's3:PutObject', resource: object(t, dataKeys.batchFiles(PIPELINE, BATCH)), why: "writes the batch's per-file figures" },
      { action: 's3:PutObject', resource: object(t, dataKeys.loadReport(PIPELINE, RUN, BATCH)), why: 'writes the load report' },
      ...statements(t, ['ExecuteStatement', 'BatchExecuteStatement'], ['DescribeStatement', 'GetStatementResult', 'CancelStatement']),
    ],
    maintenance: (t) => statements(t, ['ExecuteStatement'], ['DescribeStatement', 'GetStatementResult']),
  },
};
