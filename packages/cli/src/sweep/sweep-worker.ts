/** Worker-thread entry of the sweep pool: runs one job per message and posts its record. */
import { parentPort } from 'node:worker_threads';
import { runRecord } from './sweep-run.js';

export interface SweepTask {
  index: number;
  base: Record<string, unknown>;
  overrides: Record<string, unknown>;
  seed: number;
  ticks: number;
}

parentPort?.on('message', (task: SweepTask) => {
  try {
    parentPort?.postMessage({ index: task.index, record: runRecord(task.base, task.overrides, task.seed, task.ticks) });
  } catch (err) {
    parentPort?.postMessage({ index: task.index, error: err instanceof Error ? err.message : String(err) });
  }
});
