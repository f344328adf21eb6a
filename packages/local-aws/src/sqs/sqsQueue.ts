import { createHash, randomUUID } from 'node:crypto';
import type { MessageAttributeValue } from './md5';
import { md5Hex, md5OfAttributes } from './md5';
import type { ReceiveAttempt } from './receiveAttempts';

/** A queue's definition: its name and SQS attributes as SQS keeps them (strings). */
export interface QueueDefinition {
  name: string;
  created: number;
  modified: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** One message and its delivery state. */
export interface StoredMessage {
  id: string;
  body: string;
  md5: string;
  attributes?: Record<string, MessageAttributeValue>;
  md5OfAttributes?: string;
  sentAt: number;
  /** When it is (again) visible: after its delay, or when its visibility timeout ends. */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receiptHandle?: string;
  groupId?: string;
  dedupId?: string;
  sequenceNumber?: string;
  /** ARN of the queue it was dead-lettered from. */
  deadLetterSourceArn?: string;
}

export interface DeliveryState {
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receiptHandle?: string;
}

export const DEFAULT_ATTRIBUTES: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '1048576',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
};

export const FIFO_DEDUP_WINDOW_MS = 5 * 60 * 1000;

/** A queue in memory: its definition, messages in arrival order, and the FIFO deduplication window. */
export class SqsQueue {
  readonly messages = new Map<string, StoredMessage>();
  readonly dedup = new Map<string, { messageId: string; at: number }>();
  /** FIFO receive attempts by ReceiveRequestAttemptId, for retries (receiveAttempts.ts). */
  readonly attempts = new Map<string, ReceiveAttempt>();
  /** When it was last purged: SQS allows one PurgeQueue a minute. */
  lastPurgeAt?: number;
  private sequence = 0n;
  private listeners = new Set<() => void>();

  constructor(public definition: QueueDefinition) {}

  get name(): string {
    return this.definition.name;
  }

  get fifo(): boolean {
    return this.definition.attributes.FifoQueue === 'true';
  }

  number(attribute: string): number {
    return Number(this.definition.attributes[attribute] ?? DEFAULT_ATTRIBUTES[attribute]);
  }

  redrivePolicy(): { deadLetterTargetArn: string; maxReceiveCount: number } | undefined {
    const policy = this.definition.attributes.RedrivePolicy;
    if (!policy) return undefined;
    const parsed = JSON.parse(policy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: Number(parsed.maxReceiveCount) };
  }

  /** Builds a new message (not yet stored). */
  newMessage(
    input: { body: string; attributes?: Record<string, MessageAttributeValue>; delaySeconds: number; groupId?: string; dedupId?: string },
    now: number,
  ): StoredMessage {
    const message: StoredMessage = {
      id: randomUUID(),
      body: input.body,
      md5: md5Hex(input.body),
      attributes: input.attributes && Object.keys(input.attributes).length > 0 ? input.attributes : undefined,
      sentAt: now,
      visibleAt: now + input.delaySeconds * 1000,
      receiveCount: 0,
    };
    message.md5OfAttributes = md5OfAttributes(message.attributes);
    if (this.fifo) {
      message.groupId = input.groupId;
      message.dedupId = input.dedupId ?? createHash('sha256').update(input.body).digest('hex');
      this.sequence = this.sequence > BigInt(now) * 1000n ? this.sequence + 1n : BigInt(now) * 1000n;
      message.sequenceNumber = this.sequence.toString().padStart(20, '0');
    }
    return message;
  }

  /** The message a FIFO deduplication id already produced within the 5-minute window, if any. */
  duplicateOf(dedupId: string, now: number): string | undefined {
    const seen = this.dedup.get(dedupId);
    return seen && now - seen.at < FIFO_DEDUP_WINDOW_MS ? seen.messageId : undefined;
  }

  /**
   * Picks up to `max` messages to deliver now, in arrival order. FIFO: a message group with a
   * message in flight is skipped whole, so each group is delivered in order one batch at a time.
   * Messages past their retention are dropped; `deadLetter` is called for messages that have
   * already been received `maxReceiveCount` times, instead of delivering them again.
   */
  pick(max: number, now: number, deadLetter: (message: StoredMessage) => void, expire: (message: StoredMessage) => void): StoredMessage[] {
    const retentionMs = this.number('MessageRetentionPeriod') * 1000;
    const redrive = this.redrivePolicy();
    const blockedGroups = new Set<string>();
    if (this.fifo)
      for (const message of this.messages.values())
        if (message.visibleAt > now && message.receiveCount > 0) blockedGroups.add(message.groupId!);
    const picked: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (picked.length >= max) break;
      if (now - message.sentAt > retentionMs) {
        expire(message);
        continue;
      }
      if (message.groupId !== undefined && blockedGroups.has(message.groupId)) continue;
      if (message.visibleAt > now) {
        if (message.groupId !== undefined) blockedGroups.add(message.groupId); // later messages of its group wait for it
        continue;
      }
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        deadLetter(message);
        continue;
      }
      picked.push(message);
    }
    return picked;
  }

  /** When the next invisible message becomes visible (for long polls to wake up), or undefined. */
  nextVisibleAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values())
      if (message.visibleAt > now && (next === undefined || message.visibleAt < next)) next = message.visibleAt;
    return next;
  }

  counts(now: number): { visible: number; inFlight: number; delayed: number } {
    const counts = { visible: 0, inFlight: 0, delayed: 0 };
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) counts.visible++;
      else if (message.receiveCount > 0) counts.inFlight++;
      else counts.delayed++;
    }
    return counts;
  }

  /** Waits until something may be receivable: a send, a visibility change, or `untilMs` — or `signal` aborts. */
  waitForChange(untilMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, untilMs - Date.now()));
      this.listeners.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
