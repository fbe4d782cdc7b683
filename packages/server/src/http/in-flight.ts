/**
 * Mutating requests still being handled. Shutdown refuses new requests first (503) and then waits
 * for these before the final checkpoint: a deploy that passed the door just before SIGTERM and
 * answered 201 after the checkpoint was written would otherwise be acknowledged yet missing after
 * the restart.
 */
export class InFlightWrites {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** Marks one request as started; the returned function ends it (calling it twice is harmless). */
  begin(): () => void {
    this.count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when none is in flight, or after `timeoutMs` (the shutdown timeout bounds the rest). */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
