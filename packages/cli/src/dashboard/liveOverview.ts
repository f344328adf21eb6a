import type { Overview } from './overview';

/** Called with the overview when a figure changed; with `changed` false when a poll found none (the read time moved). */
type Listener = (overview: Overview, changed: boolean) => void;

/**
 * One reader of the overview for every open page: it polls while at least one page listens and
 * sends the figures only when one has changed (the read time aside), so ten tabs cost one poll;
 * on the other polls, only that it read (so a page can show it is still live).
 */
export class LiveOverview {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private last: { key: string; overview: Overview } | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly read: () => Promise<Overview>,
    private readonly everyMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Calls `listener` with the current overview at once, then on every change; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last.overview, true);
    if (!this.timer) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for a poll in progress (so a stop does not leave a read running against closed clients). */
  async settled(): Promise<void> {
    await this.reading;
  }

  private schedule(ms: number) {
    this.timer = setTimeout(() => {
      this.reading = this.poll().finally(() => {
        this.reading = undefined;
        if (this.listeners.size > 0) this.schedule(this.everyMs);
      });
    }, ms);
  }

  private async poll() {
    try {
      const overview = await this.read();
      const key = JSON.stringify({ ...overview, readAt: undefined });
      const changed = key !== this.last?.key;
      if (changed) this.last = { key, overview };
      for (const listener of this.listeners) listener(overview, changed);
    } catch (error) {
      this.onError(error);
    }
  }
}
