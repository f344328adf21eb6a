import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import { makeRunId } from '@etl/contracts';
import type { ExtractTask, RawFileReady, StagedFileReady } from '@etl/contracts';
import { bundleHandler, handlerEntries, REPO_ROOT, stageParams, startScratchStack, toSqsRecord } from '@etl/harness';
import type { HandlerEntry, ServiceName } from '@etl/harness';
import { sampleLines, startOrdersApi } from '@etl/pipelines';
import { buildSync } from 'esbuild';
import type { StageMeasurement } from './lambdaModel';
import { nodeChildReport } from './nodeChild';

const BUCKET = 'etl-tune';
const WORK_DIR = path.join(REPO_ROOT, '.local', 'tune');

/** One worker invocation as measured in its own process. */
export interface Invocation extends StageMeasurement {
  service: ServiceName;
  fn: string;
  initMs: number;
  /** How many queue records the invocation got (the representative batch). */
  records: number;
}

interface ChildReport {
  initMs: number;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  requests: StageMeasurement['requests'];
}

/**
 * Runs the three workers of the `orders` pipeline, as deployed (esbuild bundles), each once in
 * a fresh process on a representative batch — extract: one run of `rows` rows from the sample
 * shop API; transform: the run's raw files, up to the transform batch size; load: the staged
 * files, up to the load batch size — against the local stack in this process, and measures
 * each invocation.
 */
export async function measureStages({
  pipeline,
  rows,
  log = () => {},
}: {
  pipeline: string;
  rows: number;
  log?: (line: string) => void;
}): Promise<Invocation[]> {
  if (pipeline !== 'orders') throw new Error(`pnpm tune measures with a sample source; only "orders" has one (got "${pipeline}")`);
  mkdirSync(WORK_DIR, { recursive: true });
  const scratch = await startScratchStack({ bucket: BUCKET });
  const { stack, sqs } = scratch;
  const api = await startOrdersApi(sampleLines({ seed: 7, count: rows }));
  try {
    const queueUrl = async (name: string) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const transformQueue = await queueUrl('tune-transform');
    const loadQueue = await queueUrl('tune-load');
    const env = {
      ...stack.env,
      DATA_BUCKET: BUCKET,
      TRANSFORM_QUEUE_URL: transformQueue,
      LOAD_QUEUE_URL: loadQueue,
      ORDERS_API_URL: api.url,
      RECORD_CONCURRENCY: String(stageParams('transform', 'default').recordConcurrency ?? 1),
      WAREHOUSE_WORKGROUP: 'etl-tune',
      WAREHOUSE_DATABASE: 'analytics',
      WAREHOUSE_COPY_ROLE_ARN: 'arn:aws:iam::000000000000:role/etl-tune-copy',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    buildSync({
      entryPoints: [path.join(__dirname, 'invokeChild.ts')],
      bundle: true,
      platform: 'node',
      target: 'node24',
      outfile: path.join(WORK_DIR, 'invokeChild.js'),
      logLevel: 'warning',
    });
    const invoke = async (service: ServiceName, fn: string, records: Message[], queueName: string, rowsIn: number): Promise<Invocation> => {
      const handler = handlerEntries([service]).find((h: HandlerEntry) => h.fn === fn)!;
      const bundle = path.join(WORK_DIR, service, `${fn}.js`);
      bundleHandler(handler, bundle);
      const eventFile = path.join(WORK_DIR, `${fn}.event.json`);
      writeFileSync(eventFile, JSON.stringify({ Records: records.map((m) => toSqsRecord(m, queueName)) }));
      log(`  measuring ${service}/${fn} on ${records.length} record(s), ${rowsIn.toLocaleString('en')} rows…`);
      const report = await nodeChildReport<ChildReport>(
        [...handler.nodeOptions.split(' ').filter(Boolean), path.join(WORK_DIR, 'invokeChild.js'), bundle, handler.exportName, eventFile],
        env,
      );
      // the event source mapping's ReceiveMessage and DeleteMessageBatch for this batch are SQS requests too (idle polls are not counted)
      const requests = { ...report.requests, sqs: report.requests.sqs + 2 };
      return { stage: service, service, fn, rows: rowsIn, records: records.length, ...report, requests };
    };
    const drain = async (url: string, max: number): Promise<Message[]> => {
      const messages: Message[] = [];
      while (messages.length < max) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: Math.min(10, max - messages.length),
            AttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        );
        if (Messages.length === 0) break;
        messages.push(...Messages);
      }
      return messages;
    };

    const task: ExtractTask = {
      kind: 'extract-task',
      version: 1,
      pipeline,
      runId: makeRunId(new Date(), 'tune01'),
      since: null,
      plannedAt: new Date().toISOString(),
    };
    const extract = await invoke(
      'extract',
      'extractWorker',
      [{ MessageId: 'tune-extract', ReceiptHandle: 'tune', Body: JSON.stringify(task) }],
      'extract',
      rows,
    );

    const raw = await drain(transformQueue, Number(stageParams('transform', 'default').batchSize));
    const rawRows = raw.reduce((sum, m) => sum + (JSON.parse(m.Body!) as RawFileReady).file.rows, 0);
    const transform = await invoke('transform', 'transformWorker', raw, 'transform', rawRows);

    const staged = await drain(loadQueue, Number(stageParams('load', 'default').batchSize));
    const stagedRows = staged.reduce((sum, m) => sum + (JSON.parse(m.Body!) as StagedFileReady).accounting.rowsIn, 0);
    const load = await invoke('load', 'loadWorker', staged, 'load', stagedRows);
    return [extract, transform, load];
  } finally {
    await api.stop();
    await scratch.stop();
  }
}
