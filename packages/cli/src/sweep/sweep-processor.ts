/**
 * The BullMQ processor of `crowdalpha worker`: one sweep run per job, in a worker thread (BullMQ's
 * sandboxed processor), so a long simulation never blocks the worker's lock renewals. Job data
 * comes from whoever can write to the queue, so it is checked before use.
 */
import type { SandboxedJob } from 'bullmq';
import { runSweepJob, type SweepRow } from './sweep-run.js';
import type { SweepTask } from './sweep-worker.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export default async function processSweepJob(job: SandboxedJob<SweepTask, SweepRow>): Promise<SweepRow> {
  const d = job.data as unknown;
  if (!isRecord(d) || !isRecord(d['base']) || !isRecord(d['overrides']) || !Number.isSafeInteger(d['seed']) || !Number.isSafeInteger(d['ticks']) || (d['ticks'] as number) < 1) {
    throw new Error('job data must be {base: object, overrides: object, seed: integer, ticks: integer >= 1} (enqueue sweeps with `crowdalpha sweep --redis`)');
  }
  const t = d as unknown as SweepTask;
  return runSweepJob(t.base, t.overrides, t.seed, t.ticks);
}
