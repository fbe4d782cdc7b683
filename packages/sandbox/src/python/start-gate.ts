/**
 * At most `limit` Python workers starting at once. A worker's start (bubblewrap, CPython, numpy)
 * is CPU-bound for a few hundred ms; a hundred started together on a small machine all miss their
 * spawn deadline (each one's timer counts the whole crowd's CPU time), where queued they start in
 * the same total time and each within its own budget. A restarted class restoring many Python
 * strategies, or many deploys arriving together, goes through here.
 */
export class StartGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`start gate limit must be a positive integer, got ${limit}`);
  }

  /** Runs `start` when a place is free; the place is held until the promise it returns settles. */
  async run<T>(start: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await start();
    } finally {
      const next = this.queue.shift();
      // The place passes straight to the next waiter, so `running` stays exact.
      if (next) next();
      else this.running--;
    }
  }

  /** Starts waiting for a place (tests, ops). */
  get waiting(): number {
    return this.queue.length;
  }
}
