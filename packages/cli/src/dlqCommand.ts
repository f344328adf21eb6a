import { GetQueueAttributesCommand, ListMessageMoveTasksCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { peekDeadLetter } from '@etl/middleware';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';

export interface DeadLetterQueue {
  queue: string;
  /** The queue whose failures it holds (its name without `-dlq`). */
  source: string;
  messages: number;
  /** The first message's kind, pipeline and run ({@link peekDeadLetter}). */
  first: string | null;
  /** Why the first message is there ({@link peekDeadLetter}). */
  why: string | null;
  /** With `--redrive`: the move task started. */
  movedBack?: boolean;
}

async function attribute(target: Target, url: string, name: 'QueueArn' | 'ApproximateNumberOfMessages'): Promise<string> {
  const { Attributes = {} } = await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [name] }));
  return Attributes[name] ?? '';
}

/**
 * `etl dlq [--redrive]`: every dead-letter queue with its messages; with `redrive`, each
 * non-empty one is moved back to its source queue (StartMessageMoveTask), to be processed again.
 */
export async function dlqCommand(target: Target, { redrive = false }: { redrive?: boolean } = {}): Promise<CommandOutput> {
  const queues = await target.queues();
  const found: DeadLetterQueue[] = [];
  for (const [name, url] of Object.entries(queues).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.endsWith('-dlq')) continue;
    const source = name.slice(0, -'-dlq'.length);
    const messages = Number(await attribute(target, url, 'ApproximateNumberOfMessages'));
    const entry: DeadLetterQueue = {
      queue: name,
      source,
      messages,
      ...((messages > 0 && (await peekDeadLetter(target.sqs, url))) || { first: null, why: null }),
    };
    if (redrive && messages > 0) {
      const sourceUrl = queues[source];
      if (!sourceUrl)
        throw new Error(`${name}: its source queue ${source} does not exist on ${target.stage}: nothing to move the messages back to`);
      const SourceArn = await attribute(target, url, 'QueueArn');
      const running = await target.sqs.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults: 1 }));
      if (running.Results?.[0]?.Status !== 'RUNNING')
        await target.sqs.send(
          new StartMessageMoveTaskCommand({ SourceArn, DestinationArn: await attribute(target, sourceUrl, 'QueueArn') }),
        );
      entry.movedBack = true;
    }
    found.push(entry);
  }
  const total = found.reduce((n, q) => n + q.messages, 0);
  const text = [
    renderTable(
      ['dead-letter queue', 'messages', 'first message', 'why', ...(redrive ? ['moved back'] : [])],
      found.map((q) => [q.queue, q.messages, q.first ?? '', q.why ?? '', ...(redrive ? [q.movedBack ? `→ ${q.source}` : ''] : [])]),
    ),
    total === 0
      ? 'no message in a dead-letter queue'
      : redrive
        ? `${total} message(s) moving back to their queues: follow them with etl status`
        : `${total} message(s): each says why (its error code and reason; more in the services' logs); etl dlq --redrive moves them back once the cause is fixed`,
  ].join('\n');
  return { json: found, text };
}
