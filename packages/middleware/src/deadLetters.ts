import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTES } from './failedRecords';

/** A dead-letter queue's first message, as a person looks at it. */
export interface DeadLetter {
  /** "kind pipeline run" when the body parses (the body stays in the queue) */
  first: string;
  /**
   * Why it is there: the code and reason its worker recorded (a permanent failure, or a transient
   * one that outlasted its retries), or the queue's redrive policy when the worker never got to say
   * (it crashed or timed out on every receive).
   */
  why: string;
}

/** Peeks at a dead-letter queue's first message (visibility 0: it stays where it is); undefined when there is none. */
export async function peekDeadLetter(sqs: SQSClient, queueUrl: string): Promise<DeadLetter | undefined> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 1,
      VisibilityTimeout: 0,
      MessageAttributeNames: [FAILURE_ATTRIBUTES.code, FAILURE_ATTRIBUTES.reason, FAILURE_ATTRIBUTES.failedIn],
    }),
  );
  const message = Messages[0];
  if (message?.Body === undefined) return undefined;
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
