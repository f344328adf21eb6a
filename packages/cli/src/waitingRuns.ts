import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { contracts, dataKeys, parseMessage } from '@etl/contracts';
import type { RunWaiting } from '@etl/contracts';
import type { Target } from './target';

/**
 * The runs held up by a transient failure (`state/waiting/…`, written by the worker middleware),
 * newest run first. None when the stage has no data bucket yet.
 */
export async function readWaitingRuns(target: Pick<Target, 's3' | 'bucket'>, pipeline?: string): Promise<RunWaiting[]> {
  const found: RunWaiting[] = [];
  const Prefix = pipeline ? `${dataKeys.waitingPrefix}${pipeline}/` : dataKeys.waitingPrefix;
  try {
    for await (const page of paginateListObjectsV2({ client: target.s3 }, { Bucket: target.bucket, Prefix })) {
      for (const object of page.Contents ?? []) {
        const response = await target.s3
          .send(new GetObjectCommand({ Bucket: target.bucket, Key: object.Key! }))
          .catch((error: { name?: string }) => {
            if (error.name === 'NoSuchKey') return undefined; // the message passed meanwhile
            throw error;
          });
        if (response) found.push(parseMessage(contracts.runWaiting, await response.Body!.transformToString()));
      }
    }
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchBucket') return [];
    throw error;
  }
  return found.sort((a, b) => b.runId.localeCompare(a.runId) || a.service.localeCompare(b.service));
}

/** A waiting run as one state phrase: `waiting since 06:10:03 UTC in extract: RETRIES_EXHAUSTED (try 4, next 06:10:40 UTC) — reason`. */
export function waitingState(waiting: RunWaiting): string {
  const time = (iso: string) => `${iso.slice(11, 19)} UTC`;
  return `waiting since ${time(waiting.since)} in ${waiting.service}: ${waiting.code} (try ${waiting.attempt}, next ${time(waiting.nextAttemptAt)}) — ${waiting.reason.slice(0, 160)}`;
}

/** The run's state: waiting when a stage holds it up, else what the ledger says. */
export function stateWithWaiting(runId: string, ledgerState: string, waiting: readonly RunWaiting[]): string {
  const holdUp = waiting.find((w) => w.runId === runId);
  return holdUp ? waitingState(holdUp) : ledgerState;
}
