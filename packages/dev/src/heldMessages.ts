import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { isAlive } from '@etl/local-aws';
import type { HeldReceipts } from '@etl/harness';

interface HeldFile {
  pid: number;
  queues: Record<string, string[]>;
}

/**
 * The messages this `pnpm dev` holds — received by its pollers, not yet settled — written to a
 * file in the state folder at every change, so that a `pnpm dev` started after this one died
 * (Ctrl-C, SIGKILL, a crash) can make them visible again at once instead of waiting out their
 * visibility timeout (30 minutes for the extract queue locally).
 */
export class HeldMessages {
  private readonly queues = new Map<string, Set<string>>();

  constructor(private readonly file: string) {}

  /** The hooks of one queue's poller. */
  forQueue(queueUrl: string): HeldReceipts {
    const held = new Set<string>();
    this.queues.set(queueUrl, held);
    return {
      hold: (handles) => {
        for (const handle of handles) held.add(handle);
        this.save();
      },
      release: (handles) => {
        for (const handle of handles) held.delete(handle);
        this.save();
      },
    };
  }

  private save(): void {
    const queues = Object.fromEntries([...this.queues].filter(([, held]) => held.size > 0).map(([url, held]) => [url, [...held]]));
    writeFileSync(this.file, JSON.stringify({ pid: process.pid, queues } satisfies HeldFile));
  }

  /** At a clean end nothing is held: the file goes. */
  clear(): void {
    rmSync(this.file, { force: true });
  }

  /**
   * Hands back the messages an earlier `pnpm dev` held when it died: each becomes visible now
   * (ChangeMessageVisibility 0, as any SQS client may do with a receipt handle it holds).
   * Returns how many came back; handles SQS no longer knows (the message was deleted, or its
   * timeout already ended) are skipped. Leaves the file alone while its writer still runs.
   */
  static async releaseLeftovers(file: string, sqs: SQSClient): Promise<{ released: number; stillRunning?: number }> {
    if (!existsSync(file)) return { released: 0 };
    const held = JSON.parse(readFileSync(file, 'utf8')) as HeldFile;
    if (held.pid !== process.pid && isAlive(held.pid)) return { released: 0, stillRunning: held.pid };
    let released = 0;
    for (const [queueUrl, handles] of Object.entries(held.queues)) {
      for (let at = 0; at < handles.length; at += 10) {
        const entries = handles.slice(at, at + 10).map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle, VisibilityTimeout: 0 }));
        const { Successful = [] } = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        released += Successful.length;
      }
    }
    rmSync(file, { force: true });
    return { released };
  }
}
