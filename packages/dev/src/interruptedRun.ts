import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';

/** What the planner handler answers. */
export interface PlannerAnswer {
  planned?: { runId: string; since: string | null; until?: string };
  skipped?: string;
  inFlightRunId?: string;
}

export interface PlanAfterInterruptionOptions {
  /** Invokes the planner; `force` plans even while a run is in flight. */
  plan: (force?: boolean) => Promise<PlannerAnswer>;
  /** Follows a run until every part of it is loaded (or fails saying why). */
  follow: (runId: string) => Promise<void>;
  /** Whether the run's messages are back in the queues (handed back by this start, or visible). */
  messagesBack: () => Promise<boolean>;
  log: (line: string) => void;
}

/**
 * Plans this `pnpm dev`'s run. When the planner finds a run an interrupted `pnpm dev` left in
 * flight and its messages are back, that run is finished first, and the new run is planned from
 * its watermark; when they are not (held by a consumer this project has no record of), it says
 * so and plans a new run — the old one finishes when its messages' visibility timeout ends, which
 * is safe (files load once, the newest version wins).
 */
export async function planAfterInterruption({ plan, follow, messagesBack, log }: PlanAfterInterruptionOptions): Promise<PlannerAnswer> {
  const outcome = await plan();
  if (outcome.planned || !outcome.inFlightRunId) return outcome;
  const interrupted = outcome.inFlightRunId;
  if (!(await messagesBack())) {
    log(`  ${outcome.skipped}: it will finish when its messages come back; planning a new run now`);
    return plan(true);
  }
  log(`▶ finishing run ${interrupted}, which an interrupted pnpm dev left in flight`);
  await follow(interrupted);
  log(`✔ run ${interrupted} loaded`);
  return plan();
}

/** Whether any of the queues has messages waiting to be received. */
export async function anyVisibleMessages(sqs: SQSClient, queueUrls: string[]): Promise<boolean> {
  const counts = await Promise.all(
    queueUrls.map(async (QueueUrl) => {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    }),
  );
  return counts.some((count) => count > 0);
}
