/**
 * Batched, off-tick-path writes of market data. The tick loop only appends rows to in-memory
 * arrays (O(1), never awaits); a timer flushes them in one transaction every `flushIntervalMs`, or
 * sooner once `flushMaxBatch` rows are pending. At most one flush runs at a time.
 *
 * Crash bound: a `kill -9` loses only rows not yet committed, i.e. at most the fills of the last
 * `flushIntervalMs` plus the batch being written at that instant.
 */
import type { CheckpointRow, CrowdingSnapshotRow, FillRow, Store, TickSnapshotRow, WriteBatch } from './store.js';

export interface StoreWriterOptions {
  flushIntervalMs: number;
  flushMaxBatch: number;
  /** When the database is down, rows beyond this are dropped (oldest fills first) and counted. */
  maxPendingRows: number;
  onError?: (err: unknown, batchRows: number) => void;
  /** After each committed batch (the metrics' flush histogram). */
  onFlush?: (ms: number, batchRows: number) => void;
}

export interface StoreWriterStats {
  pendingRows: number;
  flushes: number;
  rowsWritten: number;
  failedFlushes: number;
  droppedRows: number;
  lastFlushMs: number;
  /** Why the latest flush failed; null again once a flush succeeds (the store is back). */
  lastError: string | null;
}

export class StoreWriter {
  private fills: FillRow[] = [];
  private ticks: TickSnapshotRow[] = [];
  private crowding: CrowdingSnapshotRow[] = [];
  private checkpoint: CheckpointRow | null = null;
  private progress = new Map<string, { tick: number; mid: number | null }>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private closed = false;
  private readonly s: StoreWriterStats = { pendingRows: 0, flushes: 0, rowsWritten: 0, failedFlushes: 0, droppedRows: 0, lastFlushMs: 0, lastError: null };

  constructor(
    private readonly store: Store,
    private readonly opts: StoreWriterOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), opts.flushIntervalMs);
    this.timer.unref();
  }

  addFills(rows: FillRow[]): void {
    for (const r of rows) this.fills.push(r);
    this.afterAdd();
  }

  addTickSnapshot(row: TickSnapshotRow): void {
    this.ticks.push(row);
    this.afterAdd();
  }

  addCrowdingSnapshot(row: CrowdingSnapshotRow): void {
    this.crowding.push(row);
    this.afterAdd();
  }

  /** Only the newest pending checkpoint is kept: an older one would be superseded anyway. */
  setCheckpoint(row: CheckpointRow): void {
    this.checkpoint = row;
    this.afterAdd();
  }

  setProgress(simulationId: string, tick: number, mid: number | null): void {
    this.progress.set(simulationId, { tick, mid });
  }

  /** Forget pending rows of a simulation (used when resuming replaces history after a tick). */
  discard(simulationId: string): void {
    this.fills = this.fills.filter((r) => r.simulation_id !== simulationId);
    this.ticks = this.ticks.filter((r) => r.simulation_id !== simulationId);
    this.crowding = this.crowding.filter((r) => r.simulation_id !== simulationId);
    if (this.checkpoint?.simulation_id === simulationId) this.checkpoint = null;
    this.progress.delete(simulationId);
  }

  get pendingRows(): number {
    return this.fills.length + this.ticks.length + this.crowding.length + (this.checkpoint ? 1 : 0);
  }

  stats(): StoreWriterStats {
    return { ...this.s, pendingRows: this.pendingRows };
  }

  private afterAdd(): void {
    const pending = this.pendingRows;
    if (pending > this.opts.maxPendingRows) {
      const excess = pending - this.opts.maxPendingRows;
      const drop = Math.min(excess, this.fills.length);
      this.fills.splice(0, drop);
      this.s.droppedRows += drop;
    }
    if (pending >= this.opts.flushMaxBatch && !this.inFlight) void this.flush();
  }

  /** Writes everything pending now; resolves when it is committed (or failed and was re-queued). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pendingRows === 0 && this.progress.size === 0) return;
    const batch: WriteBatch = { fills: this.fills, tickSnapshots: this.ticks, crowdingSnapshots: this.crowding, checkpoint: this.checkpoint, progress: this.progress };
    this.fills = [];
    this.ticks = [];
    this.crowding = [];
    this.checkpoint = null;
    this.progress = new Map();
    const rows = batch.fills.length + batch.tickSnapshots.length + batch.crowdingSnapshots.length + (batch.checkpoint ? 1 : 0);
    const started = performance.now();
    const run = this.store.writeBatch(batch).then(
      () => {
        this.s.flushes++;
        this.s.rowsWritten += rows;
        this.s.lastFlushMs = performance.now() - started;
        this.s.lastError = null;
        this.opts.onFlush?.(this.s.lastFlushMs, rows);
      },
      (err: unknown) => {
        // Put the batch back in front of newer rows so nothing is lost while the database is away.
        this.s.failedFlushes++;
        this.s.lastError = err instanceof Error ? err.message : String(err);
        this.fills = batch.fills.concat(this.fills);
        this.ticks = batch.tickSnapshots.concat(this.ticks);
        this.crowding = batch.crowdingSnapshots.concat(this.crowding);
        if (!this.checkpoint) this.checkpoint = batch.checkpoint;
        for (const [k, v] of batch.progress) if (!this.progress.has(k)) this.progress.set(k, v);
        this.afterAdd();
        this.opts.onError?.(err, rows);
      },
    );
    this.inFlight = run;
    try {
      await run;
    } finally {
      this.inFlight = null;
    }
  }

  /** Final flush and stop the timer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }
}
