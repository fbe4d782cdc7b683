/**
 * The local runner of sweeps and experiments: a pool of worker threads, each running one job at a
 * time (`runRecord`), fed from a list until it is empty or the caller stops it. Results are handed
 * over as they arrive (the experiment runner stores each at once), in finishing order.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunRecord } from './sweep-run.js';
import type { SweepTask } from './sweep-worker.js';

export interface PoolHandlers {
  /** A finished run; the pool waits for the returned promise before counting it. */
  onResult(task: SweepTask, record: RunRecord): void | Promise<void>;
  /** A run that threw: 'continue' records it and goes on, 'abort' stops the pool with that error. */
  onError(task: SweepTask, message: string): 'continue' | 'abort' | Promise<'continue' | 'abort'>;
  /** Asked before each new run starts; true stops feeding (runs in progress finish). */
  shouldStop?(): boolean;
}

/** Runs `tasks` on `size` threads; resolves when all are done or stopped. */
export function runPool(tasks: readonly SweepTask[], size: number, handlers: PoolHandlers): Promise<void> {
  let next = 0;
  let active = 0;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    let over = false;
    const finish = (err?: Error): void => {
      if (over) return;
      over = true;
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const feed = (w: Worker): void => {
      if (over) return;
      const task = next < tasks.length && !handlers.shouldStop?.() ? tasks[next++] : undefined;
      if (!task) {
        if (active === 0) finish();
        return;
      }
      active++;
      w.postMessage(task);
    };
    const byIndex = new Map(tasks.map((t) => [t.index, t]));
    const threads = Math.max(1, Math.min(size, tasks.length));
    if (tasks.length === 0) return resolve();
    for (let i = 0; i < threads; i++) {
      const w = new Worker(path.join(path.dirname(fileURLToPath(import.meta.url)), 'sweep-worker.js'));
      pool.push(w);
      w.on('message', (m: { index: number; record?: RunRecord; error?: string }) => {
        const task = byIndex.get(m.index) as SweepTask;
        void (async () => {
          if (m.error !== undefined) {
            const what = await handlers.onError(task, m.error);
            if (what === 'abort') return finish(new Error(`run ${JSON.stringify(task.overrides)} seed ${task.seed} failed: ${m.error}`));
          } else {
            await handlers.onResult(task, m.record as RunRecord);
          }
          active--;
          feed(w);
        })().catch((e: unknown) => finish(e as Error));
      });
      w.on('error', (e) => finish(e));
      feed(w);
    }
  });
}
