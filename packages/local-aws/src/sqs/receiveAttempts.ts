import type { SqsQueue, StoredMessage } from './sqsQueue';

/**
 * FIFO ReceiveMessage deduplication (`ReceiveRequestAttemptId`): a retry with the same id
 * within 5 minutes gets the same messages and receipt handles again, as long as none of them
 * was changed since (deleted, received again, or its visibility changed) — so a client whose
 * answer was lost is not left waiting for its group's visibility timeout.
 */

export const RECEIVE_ATTEMPT_WINDOW_MS = 5 * 60 * 1000;

/** What one receive attempt delivered: each message with the receipt handle and visibility it was given. */
export interface ReceiveAttempt {
  at: number;
  picks: { id: string; handle: string; visibleAt: number }[];
}

/** The messages a retried attempt delivered, if it can be answered again; undefined for a receive of its own. */
export function replayableAttempt(queue: SqsQueue, attemptId: unknown, now: number): StoredMessage[] | undefined {
  if (!queue.fifo || typeof attemptId !== 'string') return undefined;
  const attempt = queue.attempts.get(attemptId);
  if (!attempt || now - attempt.at >= RECEIVE_ATTEMPT_WINDOW_MS) return undefined;
  const messages = attempt.picks.map((pick) => {
    const message = queue.messages.get(pick.id);
    const unchanged = message?.receiptHandle === pick.handle && message.visibleAt === pick.visibleAt && message.visibleAt > now;
    return unchanged ? message : undefined;
  });
  return messages.every((message) => message !== undefined) ? (messages as StoredMessage[]) : undefined;
}
