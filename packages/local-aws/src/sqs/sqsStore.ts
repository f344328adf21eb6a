import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Journal } from '../common/journal';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../localAccount';
import { sqsErrors } from './sqsErrors';
import { batchFailure, receivedMessage, sendOutput } from './sqsReplies';
import { batchEntries, isQueueAttribute, sendBatchEntries, validateQueueAttributes, validSendEntry } from './sqsValidation';
import { DEFAULT_ATTRIBUTES, SqsQueue } from './sqsQueue';
import type { DeliveryState, QueueDefinition, StoredMessage } from './sqsQueue';
import { RECEIVE_ATTEMPT_WINDOW_MS, replayableAttempt } from './receiveAttempts';
import type { ReceiveAttempt } from './receiveAttempts';

/** SQS refuses a second PurgeQueue, and a queue of a name deleted, for 60 seconds. */
const COOLDOWN_MS = 60_000;

type SqsRecord =
  | { t: 'queue'; queue: QueueDefinition }
  /** `at`: when, for QueueDeletedRecently (absent in older journals) */
  | { t: 'queue-gone'; name: string; at?: number }
  | { t: 'sent'; q: string; m: StoredMessage }
  | { t: 'state'; q: string; id: string; s: DeliveryState }
  | { t: 'gone'; q: string; id: string }
  /** `at`: when, for PurgeQueueInProgress (absent in older journals) */
  | { t: 'purge'; q: string; at?: number }
  | { t: 'dedup'; q: string; dedupId: string; messageId: string; at: number }
  | ({ t: 'attempt'; q: string; attemptId: string } & ReceiveAttempt);

/** Where the request came from, to write queue URLs the caller can use (`http://host:port`). */
export interface RequestContext {
  origin: string;
  /** Aborted when the client goes away: a long poll then stops waiting instead of taking messages for nobody. */
  signal?: AbortSignal;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;

export function queueArn(name: string): string {
  return `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
}

/**
 * The local SQS: queues and messages with SQS's semantics, operations taking and returning the
 * JSON protocol's shapes (the query protocol is translated to and from them). State is
 * journalled, so messages survive a restart.
 */
export class SqsStore {
  private readonly queues = new Map<string, SqsQueue>();
  private readonly moveTasks = new Map<string, Output[]>();
  /** Names of queues deleted lately, and when (journalled: a restart does not shorten the wait). */
  private readonly deletedAt = new Map<string, number>();
  private journal!: Journal<SqsRecord>;

  /** How long a visibility timeout of so many seconds lasts (a fault plan may shorten it: faults.ts). */
  private visibilityMs: (seconds: number) => number = (seconds) => seconds * 1000;

  static async open(dir: string, { visibilityMs }: { visibilityMs?: (seconds: number) => number } = {}): Promise<SqsStore> {
    const store = new SqsStore();
    if (visibilityMs) store.visibilityMs = visibilityMs;
    store.journal = await Journal.open<SqsRecord>(path.join(dir, 'journal.jsonl'), (record) => store.apply(record));
    await store.journal.compact(store.snapshot());
    return store;
  }

  async close(): Promise<void> {
    for (const queue of this.queues.values()) queue.notify();
    await this.journal.close();
  }

  private apply(record: SqsRecord): void {
    switch (record.t) {
      case 'queue': {
        const existing = this.queues.get(record.queue.name);
        if (existing) existing.definition = record.queue;
        else this.queues.set(record.queue.name, new SqsQueue(record.queue));
        break;
      }
      case 'queue-gone':
        this.queues.delete(record.name);
        if (record.at !== undefined) this.deletedAt.set(record.name, record.at);
        break;
      case 'sent':
        this.queues.get(record.q)?.messages.set(record.m.id, record.m);
        break;
      case 'state': {
        const message = this.queues.get(record.q)?.messages.get(record.id);
        if (message) Object.assign(message, record.s);
        break;
      }
      case 'gone':
        this.queues.get(record.q)?.messages.delete(record.id);
        break;
      case 'purge': {
        const queue = this.queues.get(record.q);
        queue?.messages.clear();
        if (queue && record.at !== undefined) queue.lastPurgeAt = record.at;
        break;
      }
      case 'dedup':
        this.queues.get(record.q)?.dedup.set(record.dedupId, { messageId: record.messageId, at: record.at });
        break;
      case 'attempt':
        this.queues.get(record.q)?.attempts.set(record.attemptId, { at: record.at, picks: record.picks });
        break;
    }
  }

  private commit(records: SqsRecord[]): Promise<void> {
    for (const record of records) this.apply(record);
    if (this.journal.growth > 50_000) void this.journal.compact(this.snapshot());
    return Promise.all(records.map((record) => this.journal.append(record))).then(() => undefined);
  }

  private snapshot(): SqsRecord[] {
    const now = Date.now();
    const records: SqsRecord[] = [];
    for (const [name, at] of this.deletedAt) if (now - at < COOLDOWN_MS) records.push({ t: 'queue-gone', name, at });
    for (const queue of this.queues.values()) {
      records.push({ t: 'queue', queue: queue.definition });
      // before the messages: applying a purge empties the queue
      if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < COOLDOWN_MS)
        records.push({ t: 'purge', q: queue.name, at: queue.lastPurgeAt });
      for (const message of queue.messages.values()) records.push({ t: 'sent', q: queue.name, m: message });
      for (const [dedupId, seen] of queue.dedup)
        if (now - seen.at < 5 * 60 * 1000) records.push({ t: 'dedup', q: queue.name, dedupId, ...seen });
      for (const [attemptId, attempt] of queue.attempts)
        if (now - attempt.at < RECEIVE_ATTEMPT_WINDOW_MS) records.push({ t: 'attempt', q: queue.name, attemptId, ...attempt });
    }
    return records;
  }

  // ---- queues

  private queueFromUrl(input: Input): SqsQueue {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || url === '') throw sqsErrors.missingParameter('QueueUrl');
    const name = url.replace(/\/+$/, '').split('/').pop()!;
    const queue = this.queues.get(name);
    if (!queue) throw sqsErrors.noQueue(name);
    return queue;
  }

  private queueFromArn(arn: unknown, parameter: string): SqsQueue {
    if (typeof arn !== 'string') throw sqsErrors.missingParameter(parameter);
    const name = arn.split(':').pop()!;
    const queue = this.queues.get(name);
    if (!queue) throw sqsErrors.noQueue(`${name} (${parameter} ${arn})`);
    return queue;
  }

  url(context: RequestContext, name: string): string {
    return `${context.origin}/${LOCAL_ACCOUNT_ID}/${name}`;
  }

  /** A queue's policy (its `Policy` attribute), the resource policy its actions are checked against. */
  policyOf(name: string): string | undefined {
    return this.queues.get(name)?.definition.attributes.Policy || undefined;
  }

  /** Whether a queue of this name exists (for the stack's own checks, e.g. S3 notification targets). */
  hasQueue(name: string): boolean {
    return this.queues.has(name);
  }

  async createQueue(input: Input, context: RequestContext): Promise<Output> {
    const name = String(input.QueueName ?? '');
    if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name) || name.length > 80) {
      throw sqsErrors.invalidParameter(`Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length: "${name}".`);
    }
    const attributes = stringMap(input.Attributes);
    validateQueueAttributes(name, attributes, (n) => this.queues.get(n));
    const existing = this.queues.get(name);
    if (existing) {
      const differs = Object.entries(attributes).some(
        ([key, value]) => (existing.definition.attributes[key] ?? DEFAULT_ATTRIBUTES[key]) !== value,
      );
      if (differs) throw sqsErrors.queueNameExists(name);
      return { QueueUrl: this.url(context, name) };
    }
    const now = Date.now();
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && now - deletedAt < COOLDOWN_MS) throw sqsErrors.queueDeletedRecently();
    await this.commit([{ t: 'queue', queue: { name, created: now, modified: now, attributes, tags: stringMap(input.tags) } }]);
    return { QueueUrl: this.url(context, name) };
  }

  getQueueUrl(input: Input, context: RequestContext): Output {
    const name = String(input.QueueName ?? '');
    if (!this.queues.has(name)) throw sqsErrors.noQueue(name);
    return { QueueUrl: this.url(context, name) };
  }

  listQueues(input: Input, context: RequestContext): Output {
    const prefix = String(input.QueueNamePrefix ?? '');
    const names = [...this.queues.keys()].filter((name) => name.startsWith(prefix)).sort();
    const max = input.MaxResults === undefined ? 1000 : Number(input.MaxResults);
    const start = input.NextToken ? Number(Buffer.from(String(input.NextToken), 'base64url').toString()) : 0;
    const page = names.slice(start, start + max);
    const next =
      start + max < names.length && input.MaxResults !== undefined ? Buffer.from(String(start + max)).toString('base64url') : undefined;
    return { QueueUrls: page.map((name) => this.url(context, name)), NextToken: next };
  }

  async deleteQueue(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    await this.commit([{ t: 'queue-gone', name: queue.name, at: Date.now() }]);
    queue.notify();
    return {};
  }

  async purgeQueue(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const now = Date.now();
    if (queue.lastPurgeAt !== undefined && now - queue.lastPurgeAt < COOLDOWN_MS) throw sqsErrors.purgeInProgress(queue.name);
    await this.commit([{ t: 'purge', q: queue.name, at: now }]);
    return {};
  }

  getQueueAttributes(input: Input): Output {
    const queue = this.queueFromUrl(input);
    const wanted = (input.AttributeNames as string[] | undefined) ?? [];
    const counts = queue.counts(Date.now());
    const all: Record<string, string> = {
      ...DEFAULT_ATTRIBUTES,
      ...queue.definition.attributes,
      QueueArn: queueArn(queue.name),
      CreatedTimestamp: String(Math.floor(queue.definition.created / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.definition.modified / 1000)),
      ApproximateNumberOfMessages: String(counts.visible),
      ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
      ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    };
    if (!queue.fifo) delete all.FifoQueue;
    if (wanted.includes('All')) return { Attributes: all };
    const unknown = wanted.find((name) => !(name in all) && !isQueueAttribute(name));
    if (unknown) throw sqsErrors.invalidAttributeName(unknown);
    return { Attributes: Object.fromEntries(wanted.filter((name) => name in all).map((name) => [name, all[name]!])) };
  }

  async setQueueAttributes(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const attributes = stringMap(input.Attributes);
    if ('FifoQueue' in attributes) throw sqsErrors.invalidAttributeName('FifoQueue (it cannot be changed)');
    const merged = { ...queue.definition.attributes, ...attributes };
    validateQueueAttributes(queue.name, merged, (n) => this.queues.get(n));
    await this.commit([{ t: 'queue', queue: { ...queue.definition, attributes: merged, modified: Date.now() } }]);
    queue.notify();
    return {};
  }

  // ---- sending

  /** Builds one valid entry's message (or finds its FIFO duplicate). */
  private prepareSend(queue: SqsQueue, entry: Input, now: number): { message?: StoredMessage; duplicateOf?: string; output: Output } {
    const { body, attributes, delaySeconds, groupId, dedupId: givenDedupId } = validSendEntry(queue, entry);
    let dedupId = givenDedupId;
    const message = queue.newMessage({ body, attributes, delaySeconds, groupId, dedupId }, now);
    dedupId = message.dedupId;
    if (dedupId !== undefined) {
      const duplicateOf = queue.duplicateOf(dedupId, now);
      if (duplicateOf) return { duplicateOf, output: sendOutput({ ...message, id: duplicateOf }) };
    }
    return { message, output: sendOutput(message) };
  }

  private sendRecords(queue: SqsQueue, message: StoredMessage): SqsRecord[] {
    const records: SqsRecord[] = [{ t: 'sent', q: queue.name, m: message }];
    if (message.dedupId !== undefined)
      records.push({ t: 'dedup', q: queue.name, dedupId: message.dedupId, messageId: message.id, at: message.sentAt });
    return records;
  }

  async sendMessage(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const prepared = this.prepareSend(queue, input, Date.now());
    if (prepared.message) {
      await this.commit(this.sendRecords(queue, prepared.message));
      queue.notify();
    }
    return prepared.output;
  }

  async sendMessageBatch(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const entries = sendBatchEntries(input);
    const now = Date.now();
    const successful: Output[] = [];
    const failed: Output[] = [];
    const records: SqsRecord[] = [];
    for (const entry of entries) {
      try {
        const prepared = this.prepareSend(queue, entry, now);
        if (prepared.message) {
          records.push(...this.sendRecords(queue, prepared.message));
          // later entries of this batch must see this one's deduplication id
          if (prepared.message.dedupId !== undefined)
            queue.dedup.set(prepared.message.dedupId, { messageId: prepared.message.id, at: now });
        }
        successful.push({ Id: entry.Id, ...prepared.output });
      } catch (error) {
        failed.push(batchFailure(entry.Id, error));
      }
    }
    await this.commit(records);
    queue.notify();
    return { Successful: successful, Failed: failed };
  }

  // ---- receiving

  async receiveMessage(input: Input, { signal }: Partial<RequestContext> = {}): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const max = input.MaxNumberOfMessages === undefined ? 1 : Number(input.MaxNumberOfMessages);
    if (!(Number.isInteger(max) && max >= 1 && max <= 10))
      throw sqsErrors.invalidParameter(
        `Value ${input.MaxNumberOfMessages} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    const visibility = input.VisibilityTimeout === undefined ? queue.number('VisibilityTimeout') : Number(input.VisibilityTimeout);
    if (!(Number.isInteger(visibility) && visibility >= 0 && visibility <= 43_200))
      throw sqsErrors.invalidParameter(`Value ${input.VisibilityTimeout} for parameter VisibilityTimeout is invalid.`);
    const wait = input.WaitTimeSeconds === undefined ? queue.number('ReceiveMessageWaitTimeSeconds') : Number(input.WaitTimeSeconds);
    if (!(Number.isInteger(wait) && wait >= 0 && wait <= 20))
      throw sqsErrors.invalidParameter(
        `Value ${input.WaitTimeSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    const deadline = Date.now() + wait * 1000;
    const attemptId = queue.fifo && typeof input.ReceiveRequestAttemptId === 'string' ? input.ReceiveRequestAttemptId : undefined;
    const replayed = await this.replayAttempt(queue, attemptId, visibility);
    if (replayed) return { Messages: replayed.map((message) => receivedMessage(message, input)) };

    for (;;) {
      if (!this.queues.has(queue.name)) throw sqsErrors.noQueue(queue.name);
      if (signal?.aborted) return {}; // the client left: what it would have received stays visible
      const now = Date.now();
      const records: SqsRecord[] = [];
      const deadLettered: StoredMessage[] = [];
      const picked = queue.pick(
        max,
        now,
        (message) => deadLettered.push(message),
        (message) => records.push({ t: 'gone', q: queue.name, id: message.id }),
      );
      for (const message of deadLettered) records.push(...this.deadLetterRecords(queue, message));
      for (const message of picked) {
        const state: DeliveryState = {
          visibleAt: now + this.visibilityMs(visibility),
          receiveCount: message.receiveCount + 1,
          firstReceiveAt: message.firstReceiveAt ?? now,
          receiptHandle: Buffer.from(`${queue.name}\n${message.id}\n${randomUUID()}`).toString('base64url'),
        };
        records.push({ t: 'state', q: queue.name, id: message.id, s: state });
      }
      if (attemptId !== undefined && picked.length > 0)
        records.push({ t: 'attempt', q: queue.name, attemptId, ...attemptOf(picked, records, now) });
      if (records.length > 0) await this.commit(records);
      if (picked.length > 0 || now >= deadline) {
        return { Messages: picked.length > 0 ? picked.map((message) => receivedMessage(message, input)) : undefined };
      }
      const next = queue.nextVisibleAt(now);
      await queue.waitForChange(Math.min(deadline, next ?? deadline), signal);
    }
  }

  /**
   * A FIFO receive retried with its ReceiveRequestAttemptId: the same messages and receipt
   * handles again, their visibility timeout started anew (receiveAttempts.ts).
   */
  private async replayAttempt(queue: SqsQueue, attemptId: string | undefined, visibility: number): Promise<StoredMessage[] | undefined> {
    const now = Date.now();
    const messages = replayableAttempt(queue, attemptId, now);
    if (!messages) return undefined;
    const visibleAt = now + this.visibilityMs(visibility);
    const records: SqsRecord[] = messages.map((message) => ({
      t: 'state',
      q: queue.name,
      id: message.id,
      s: { ...deliveryState(message), visibleAt },
    }));
    const picks = messages.map((message) => ({ id: message.id, handle: message.receiptHandle!, visibleAt }));
    records.push({ t: 'attempt', q: queue.name, attemptId: attemptId!, at: queue.attempts.get(attemptId!)!.at, picks });
    await this.commit(records);
    return messages;
  }

  /** Moves a message to its queue's DLQ (records only), keeping where it came from. */
  private deadLetterRecords(queue: SqsQueue, message: StoredMessage): SqsRecord[] {
    const redrive = queue.redrivePolicy()!;
    const dlq = this.queues.get(redrive.deadLetterTargetArn.split(':').pop()!);
    const records: SqsRecord[] = [{ t: 'gone', q: queue.name, id: message.id }];
    if (!dlq) return records; // SQS drops it too when the DLQ is gone; nothing else can be done
    const moved: StoredMessage = {
      ...message,
      visibleAt: Date.now(),
      receiveCount: message.receiveCount,
      receiptHandle: undefined,
      deadLetterSourceArn: queueArn(queue.name),
    };
    records.push({ t: 'sent', q: dlq.name, m: moved });
    setImmediate(() => dlq.notify());
    return records;
  }

  // ---- deleting and visibility

  /** The message a receipt handle names, if it is still that message's latest handle. */
  private byReceiptHandle(queue: SqsQueue, handle: unknown): StoredMessage | undefined {
    if (typeof handle !== 'string' || handle === '') throw sqsErrors.missingParameter('ReceiptHandle');
    const [name, id, nonce] = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
    if (!name || !id || !nonce) throw sqsErrors.receiptHandleInvalid(handle);
    if (name !== queue.name) throw sqsErrors.receiptHandleInvalid(handle);
    const message = queue.messages.get(id);
    return message?.receiptHandle === handle ? message : undefined;
  }

  async deleteMessage(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const message = this.byReceiptHandle(queue, input.ReceiptHandle);
    // As SQS: a stale handle (the message was received again since) succeeds without deleting.
    if (message) {
      await this.commit([{ t: 'gone', q: queue.name, id: message.id }]);
      if (queue.fifo) queue.notify();
    }
    return {};
  }

  async deleteMessageBatch(input: Input): Promise<Output> {
    return this.batch(input, (entry) => this.deleteMessage({ QueueUrl: input.QueueUrl, ReceiptHandle: entry.ReceiptHandle }));
  }

  async changeMessageVisibility(input: Input): Promise<Output> {
    const queue = this.queueFromUrl(input);
    const timeout = Number(input.VisibilityTimeout);
    if (!(Number.isInteger(timeout) && timeout >= 0 && timeout <= 43_200))
      throw sqsErrors.invalidParameter(
        `Value ${input.VisibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: must be between 0 and 43200.`,
      );
    const message = this.byReceiptHandle(queue, input.ReceiptHandle);
    const now = Date.now();
    if (!message || message.visibleAt <= now) throw sqsErrors.notInFlight();
    await this.commit([
      { t: 'state', q: queue.name, id: message.id, s: { ...deliveryState(message), visibleAt: now + this.visibilityMs(timeout) } },
    ]);
    if (timeout === 0) queue.notify();
    return {};
  }

  async changeMessageVisibilityBatch(input: Input): Promise<Output> {
    return this.batch(input, (entry) =>
      this.changeMessageVisibility({
        QueueUrl: input.QueueUrl,
        ReceiptHandle: entry.ReceiptHandle,
        VisibilityTimeout: entry.VisibilityTimeout,
      }),
    );
  }

  private async batch(input: Input, run: (entry: Input) => Promise<Output>): Promise<Output> {
    this.queueFromUrl(input);
    const entries = batchEntries(input);
    const successful: Output[] = [];
    const failed: Output[] = [];
    for (const entry of entries) {
      try {
        await run(entry);
        successful.push({ Id: entry.Id });
      } catch (error) {
        failed.push(batchFailure(entry.Id, error));
      }
    }
    return { Successful: successful, Failed: failed };
  }

  // ---- dead-letter queue redrive

  /**
   * Moves every message of a dead-letter queue back: to `DestinationArn`, or each to the queue
   * it was dead-lettered from. Done at once; the task is then listed as COMPLETED.
   */
  async startMessageMoveTask(input: Input): Promise<Output> {
    const source = this.queueFromArn(input.SourceArn, 'SourceArn');
    const sourceArn = queueArn(source.name);
    const isDlq = [...this.queues.values()].some((queue) => queue.redrivePolicy()?.deadLetterTargetArn === sourceArn);
    if (!isDlq) throw sqsErrors.invalidParameter(`Source queue must be configured as a Dead Letter Queue: ${sourceArn}`);
    const destination = input.DestinationArn === undefined ? undefined : this.queueFromArn(input.DestinationArn, 'DestinationArn');
    const records: SqsRecord[] = [];
    const touched = new Set<SqsQueue>();
    let moved = 0;
    for (const message of [...source.messages.values()]) {
      const target =
        destination ?? (message.deadLetterSourceArn ? this.queues.get(message.deadLetterSourceArn.split(':').pop()!) : undefined);
      if (!target) continue;
      const now = Date.now();
      const { deadLetterSourceArn: _from, receiptHandle: _handle, firstReceiveAt: _first, ...rest } = message;
      const fresh = target.newMessage(
        { body: rest.body, attributes: rest.attributes, delaySeconds: 0, groupId: rest.groupId, dedupId: rest.dedupId },
        now,
      );
      records.push({ t: 'gone', q: source.name, id: message.id }, { t: 'sent', q: target.name, m: fresh });
      touched.add(target);
      moved++;
    }
    await this.commit(records);
    for (const queue of touched) queue.notify();
    const handle = Buffer.from(JSON.stringify({ source: sourceArn, id: randomUUID() })).toString('base64url');
    const task = {
      TaskHandle: handle,
      Status: 'COMPLETED',
      SourceArn: sourceArn,
      DestinationArn: destination ? queueArn(destination.name) : undefined,
      ApproximateNumberOfMessagesMoved: moved,
      ApproximateNumberOfMessagesToMove: moved,
      StartedTimestamp: Date.now(),
    };
    this.moveTasks.set(sourceArn, [task, ...(this.moveTasks.get(sourceArn) ?? [])].slice(0, 10));
    return { TaskHandle: handle };
  }

  listMessageMoveTasks(input: Input): Output {
    const source = this.queueFromArn(input.SourceArn, 'SourceArn');
    return { Results: this.moveTasks.get(queueArn(source.name)) ?? [] };
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, v]) => [key, String(v)]));
}

/** The attempt a receive's records make: each picked message with the handle and visibility its state record gives it. */
function attemptOf(picked: StoredMessage[], records: SqsRecord[], at: number): ReceiveAttempt {
  const states = new Map(records.flatMap((record) => (record.t === 'state' ? [[record.id, record.s] as const] : [])));
  return {
    at,
    picks: picked.map((message) => ({
      id: message.id,
      handle: states.get(message.id)!.receiptHandle!,
      visibleAt: states.get(message.id)!.visibleAt,
    })),
  };
}

function deliveryState(message: StoredMessage): DeliveryState {
  return {
    visibleAt: message.visibleAt,
    receiveCount: message.receiveCount,
    firstReceiveAt: message.firstReceiveAt,
    receiptHandle: message.receiptHandle,
  };
}
