/**
 * The BullMQ processor of `crowdalpha worker`: one run per job, in a worker thread (BullMQ's
 * sandboxed processor), so a long simulation never blocks the worker's lock renewals. Job data
 * comes from whoever can write to the queue, so it is checked before use.
 *
 * Sweep jobs hand their row back as the job's return value. Experiment jobs (data with
 * `experimentId`) write their record to the store named by DATABASE_URL — idempotently, so a job
 * that runs twice (retried, stalled, duplicated) is stored once — and return only a short receipt;
 * a run that fails on its last attempt is put on the experiment's dead-letter list.
 */
import type { SandboxedJob } from 'bullmq';
import type { Store } from '@crowdalpha/server/store';
import { runRecord, type SweepRow } from './sweep-run.js';
import type { SweepTask } from './sweep-worker.js';
import { runRow, workerName, type ExperimentTask } from '../experiment/experiment-record.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

let store: Promise<Store> | null = null;

/** This thread's store connection, opened on the first experiment job. */
function experimentStore(): Promise<Store> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('experiment jobs need the store: start the worker with --database-url (or DATABASE_URL) set to the experiment database');
  // The store subpath, not the server: a worker thread need not load Fastify to write a row.
  store ??= import('@crowdalpha/server/store').then((m) => m.Store.open(url));
  return store;
}

export default async function processSweepJob(job: SandboxedJob<SweepTask | ExperimentTask, SweepRow>): Promise<SweepRow> {
  const d = job.data as unknown;
  if (!isRecord(d) || !isRecord(d['base']) || !isRecord(d['overrides']) || !Number.isSafeInteger(d['seed']) || !Number.isSafeInteger(d['ticks']) || (d['ticks'] as number) < 1) {
    throw new Error('job data must be {base: object, overrides: object, seed: integer, ticks: integer >= 1} (enqueue with `crowdalpha sweep --redis` or `crowdalpha experiment run --redis`)');
  }
  if (typeof d['experimentId'] !== 'string') {
    const t = d as unknown as SweepTask;
    return runRecord(t.base, t.overrides, t.seed, t.ticks).row;
  }
  const t = d as unknown as ExperimentTask;
  if (!Number.isSafeInteger(t.index) || !isRecord(t.params)) throw new Error('experiment job data needs index (integer) and params (object)');
  const s = await experimentStore();
  const exp = await s.experiments.get(t.experimentId);
  if (!exp) throw new Error(`experiment ${t.experimentId} is not in the store at DATABASE_URL; workers and the submitter must share one database`);
  if (exp.status === 'cancelled') return { experiment: t.experimentId, run: t.index, skipped: 'cancelled' };
  try {
    const record = runRecord(t.base, t.overrides, t.seed, t.ticks);
    const stored = await s.experiments.recordRun(runRow(t, record, workerName('queue')));
    return { experiment: t.experimentId, run: t.index, stored };
  } catch (err) {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      await s.experiments.recordFailure({ experiment_id: t.experimentId, run_index: t.index, seed: t.seed, params: JSON.stringify(t.params), error: (err as Error).message, attempts: job.attemptsMade + 1, failed_at: new Date().toISOString() });
    }
    throw err;
  }
}
