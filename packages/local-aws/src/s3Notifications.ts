import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { NotificationSink, NotificationTarget, S3EventRecord } from './s3/bucketNotifications';
import type { SqsStore } from './sqs';
import { lambdaInvoker } from './lambdaInvoker';
import { lambdaEndpointOf } from './lambdaEndpoints';

/** Every delivery and its outcome, one JSON line each, in `<dir>/s3-notifications.jsonl`. */
export const NOTIFICATION_LOG = 's3-notifications.jsonl';

/** Lambda's asynchronous invocation: the event, then two retries on a function error (1 min and 2 min apart in AWS; shorter here). */
const LAMBDA_ATTEMPTS = 3;

/**
 * Delivers the local S3's bucket notifications: to a queue of the local SQS (in this process),
 * or to a function through its service's offline Lambda endpoint (see lambdaEndpoints.ts),
 * invoked as S3 invokes one — asynchronously, retried twice on a function error. A function
 * whose service is not running is waited for up to `waitForFunctionMs`; every delivery, and
 * every event that could not be delivered, is logged to {@link NOTIFICATION_LOG}.
 */
export function notificationSink(dir: string, sqs: SqsStore, { waitForFunctionMs = 60_000, retryDelayMs = 1_000 } = {}): NotificationSink {
  const log = (entry: object) => {
    try {
      appendFileSync(path.join(dir, NOTIFICATION_LOG), `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
    } catch {
      // the folder is gone (the stack is stopping): nothing to log to
    }
  };
  const queueName = (arn: string) => arn.split(':').pop()!;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());
  const toQueue = (target: NotificationTarget, body: object, what: string) =>
    sqs.sendMessage({ QueueUrl: queueName(target.arn), MessageBody: JSON.stringify(body) }).then(
      () => log({ target: target.arn, event: what, outcome: 'sent' }),
      (error: Error) => log({ target: target.arn, event: what, outcome: 'undelivered', error: error.message }),
    );

  async function toFunction(target: NotificationTarget, record: S3EventRecord): Promise<void> {
    const functionName = target.arn.split(':').pop()!;
    const event = `${record.eventName} ${record.s3.object.key}`;
    const deadline = Date.now() + waitForFunctionMs;
    let endpoint = lambdaEndpointOf(dir, functionName);
    while (!endpoint && Date.now() < deadline) {
      await sleep(retryDelayMs);
      endpoint = lambdaEndpointOf(dir, functionName);
    }
    if (!endpoint)
      return log({
        target: target.arn,
        event,
        outcome: 'undelivered',
        error: `no local endpoint serves ${functionName} (its service is not running)`,
      });
    const found = endpoint;
    const { invoke, close } = lambdaInvoker(() => found);
    try {
      for (let attempt = 1; attempt <= LAMBDA_ATTEMPTS; attempt++) {
        const answer = await invoke(functionName, { Records: [record] }).then(
          (result) => result.functionError,
          (error: Error) => error.message,
        );
        if (answer === undefined) return log({ target: target.arn, event, outcome: 'invoked', attempt });
        log({ target: target.arn, event, outcome: attempt < LAMBDA_ATTEMPTS ? 'retrying' : 'failed', attempt, error: answer });
        if (attempt < LAMBDA_ATTEMPTS) await sleep(retryDelayMs * attempt);
      }
    } finally {
      close();
    }
  }

  return {
    missing: (targets) => targets.filter((t) => t.kind === 'queue' && !sqs.hasQueue(queueName(t.arn))).map((t) => t.arn),
    queuePolicy: (target) => sqs.policyOf(queueName(target.arn)),
    deliver: (target, record) => {
      if (target.kind === 'queue') void toQueue(target, { Records: [record] }, `${record.eventName} ${record.s3.object.key}`);
      else void toFunction(target, record);
    },
    testEvent: (target, bucket) =>
      void toQueue(
        target,
        {
          Service: 'Amazon S3',
          Event: 's3:TestEvent',
          Time: new Date().toISOString(),
          Bucket: bucket,
          RequestId: randomUUID(),
          HostId: randomUUID(),
        },
        's3:TestEvent',
      ),
  };
}
