import type { SQSClient } from '@aws-sdk/client-sqs';
import { contracts } from '@etl/contracts';
import type { RunManifest } from '@etl/contracts';
import { publishMessages } from '@etl/messaging';
import type { Retry } from '@etl/middleware';
import { announcements } from './runManifest';

/** Tells the transform stage about every part of a finished run (batched sends, nothing dropped). */
export async function announceRun(sqs: SQSClient, queueUrl: string, manifest: RunManifest, retry?: Retry): Promise<number> {
  const messages = announcements(manifest);
  await publishMessages({ sqs, queueUrl, contract: contracts.rawFileReady, messages, retry });
  return messages.length;
}
