import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTES } from '@etl/middleware';
import type { Target } from './target';
import type { CommandOutput } from './output';
import { renderTable } from './output';

export interface DeadLetterQueue {
  queue: string;
  /** The queue whose failures it holds (its name without `-dlq`). */
  source: string;
  messages: number;
  /** The first message's kind, pipeline and run, when it parses (for a first look; the body stays in the queue). */
  first: string | null;
  /**
   * Why the first message is there: the code and reason its worker recorded (a permanent failure,
   * or a transient one that outlasted its retries), or the queue's redrive policy when the worker
   * never got to say (it crashed or timed out on every receive).
   */
  why: string | null;
  /** With `--redrive`: the move task started. */
  movedBack?: boolean;
}

async function attribute(target: Target, url: string, name: 'QueueArn' | 'ApproximateNumberOfMessages'): Promise<string> {
  const { Attributes = {} } = await target.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [name] }));
  return Attributes[name] ?? '';
}

/** The first message of a queue, peeked (visibility 0: it stays where it is): "kind pipeline run", and why it is there. */
async function firstMessage(target: Target, url: string): Promise<Pick<DeadLetterQueue, 'first' | 'why'>> {
  const { Messages = [] } = await target.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: 0,
      MessageAttributeNames: [FAILURE_ATTRIBUTES.code, FAILURE_ATTRIBUTES.reason, FAILURE_ATTRIBUTES.failedIn],
    }),
  );
  const message = Messages[0];
  if (message?.Body === undefined) return { first: null, why: null };
  const said = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const code = said(FAILURE_ATTRIBUTES.code);
  const why = code
    ? `${code} in ${said(FAILURE_ATTRIBUTES.failedIn) ?? '?'}: ${said(FAILURE_ATTRIBUTES.reason) ?? ''}`
    : "moved by the queue's redrive policy: its worker failed every receive without saying why (a crash or a timeout?)";
  try {
    const { kind, pipeline, runId } = JSON.parse(message.Body) as { kind?: string; pipeline?: string; runId?: string };
    return { first: [kind, pipeline, runId].filter(Boolean).join(' ') || message.Body.slice(0, 60), why };
  } catch {
    return { first: `not JSON: ${message.Body.slice(0, 60)}`, why };
  }
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
      ...(messages > 0 ? await firstMessage(target, url) : { first: null, why: null }),
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
