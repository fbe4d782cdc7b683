/**
 * Runs an experiment into the store: creates its row, then runs every run not yet stored — on the
 * local worker-thread pool (the sweep's pool) or as BullMQ jobs for `crowdalpha worker` processes
 * — and reports progress from the store, the one place every runner writes to. Resuming an
 * experiment runs only what is missing; a cancelled experiment starts nothing new.
 */
import { randomBytes } from 'node:crypto';
import type { ExperimentProgress, Store } from '@crowdalpha/server';
import { toOverrides } from '../sweep/sweep-grid.js';
import { runPool } from '../sweep/sweep-pool.js';
import { projectVersion } from '../version.js';
import { runRow, workerName, type ExperimentTask } from './experiment-record.js';
import { expandSpec, type ExperimentSpec } from './experiment-spec.js';
import { runQueuedExperiment, type ExperimentQueueTarget } from './experiment-queue.js';

export interface ExperimentRunOptions {
  /** Local threads (embedded runner). */
  workers: number;
  /** Run on `crowdalpha worker` processes through this queue instead. */
  queue?: ExperimentQueueTarget;
  onProgress?(p: ExperimentProgress): void;
  log?(line: string): void;
  /** Time each embedded store write took, ms (the storing overhead `npm run bench experiments` reports). */
  onStoreWrite?(ms: number): void;
  /** Asked between runs: true stops starting new ones (e.g. the server is shutting down). */
  shouldStop?(): boolean;
}

export function newExperimentId(): string {
  return `exp_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** The tasks of an experiment, in run order. */
export function experimentTasks(experimentId: string, spec: ExperimentSpec): ExperimentTask[] {
  return expandSpec(spec).map((job) => ({ experimentId, index: job.index, params: job.params, base: spec.base, overrides: toOverrides(job.params), seed: job.seed, ticks: spec.ticks }));
}

/** Creates the experiment row (status queued); returns its id. */
export async function createExperiment(store: Store, spec: ExperimentSpec, runner: string, id = newExperimentId()): Promise<string> {
  await store.experiments.create({
    id,
    name: spec.name,
    description: spec.description,
    spec: JSON.stringify(spec),
    status: 'queued',
    runner,
    total_runs: experimentTasks(id, spec).length,
    project_version: projectVersion(),
  });
  return id;
}

/**
 * Runs the experiment's missing runs and sets its final status: done (failed runs, if any, are on
 * the dead-letter list), or cancelled when that was asked for meanwhile.
 */
export async function runExperiment(store: Store, id: string, opts: ExperimentRunOptions): Promise<ExperimentProgress> {
  const exp = await store.experiments.get(id);
  if (!exp) throw new Error(`no experiment ${id} in the store`);
  const spec = JSON.parse(exp.spec) as ExperimentSpec;
  if (exp.status === 'cancelled') return store.experiments.progress(id);
  await store.experiments.setStatus(id, 'running');
  const stored = await store.experiments.doneIndices(id);
  const tasks = experimentTasks(id, spec).filter((t) => !stored.has(t.index));
  const report = async (): Promise<ExperimentProgress> => {
    const p = await store.experiments.progress(id);
    opts.onProgress?.(p);
    return p;
  };
  await report();
  if (opts.queue) {
    await runQueuedExperiment(store, id, tasks, opts.queue, report, opts.log ?? (() => {}), () => opts.shouldStop?.() === true);
  } else {
    let cancelled = false;
    let sinceCheck = 0;
    const worker = workerName('embedded');
    await runPool(tasks, opts.workers, {
      onResult: async (task, record) => {
        const t0 = performance.now();
        await store.experiments.recordRun(runRow(task as ExperimentTask, record, worker));
        opts.onStoreWrite?.(performance.now() - t0);
        // Cancellation comes from elsewhere (the API, another shell): look every few runs.
        if (++sinceCheck >= Math.max(1, opts.workers)) {
          sinceCheck = 0;
          cancelled = (await store.experiments.get(id))?.status === 'cancelled';
        }
        await report();
      },
      onError: async (task, message): Promise<'continue'> => {
        const t = task as ExperimentTask;
        await store.experiments.recordFailure({ experiment_id: id, run_index: t.index, seed: t.seed, params: JSON.stringify(t.params), error: message, attempts: 1, failed_at: new Date().toISOString() });
        await report();
        return 'continue';
      },
      shouldStop: () => cancelled || opts.shouldStop?.() === true,
    });
  }
  const final = await store.experiments.progress(id);
  // Complete → done (a cancelled one stays cancelled); otherwise it stays running, to be resumed.
  if (final.done + final.failed >= final.total) await store.experiments.setStatus(id, 'done');
  return final;
}
