/**
 * An experiment on BullMQ: one job per missing run, with a job id derived from the experiment and
 * run index (so enqueueing twice adds nothing), retried with exponential backoff. Workers write
 * each result to the store themselves (see sweep-processor), so nothing depends on this process
 * staying alive to collect return values; it only watches the store until every run is stored or
 * dead-lettered, or the experiment is cancelled (then it withdraws the runs not yet started).
 */
import type { Queue } from 'bullmq';
import type { ExperimentProgress, Store } from '@crowdalpha/server';
import { checkRedis, redactedUrl, redisOptions } from '../sweep/redis-connection.js';
import type { ExperimentTask } from './experiment-record.js';

export interface ExperimentQueueTarget {
  redisUrl: string;
  queue: string;
  /** Attempts per run before it goes to the dead-letter list. */
  attempts?: number;
  /** First retry delay, ms (doubles each retry). */
  backoffMs?: number;
  /** How often the store is polled for progress, ms. */
  pollMs?: number;
}

export const DEFAULT_ATTEMPTS = 3;

export function experimentJobId(task: Pick<ExperimentTask, 'experimentId' | 'index'>): string {
  return `${task.experimentId}-${task.index}`;
}

export async function runQueuedExperiment(
  store: Store,
  id: string,
  tasks: ExperimentTask[],
  target: ExperimentQueueTarget,
  report: () => Promise<ExperimentProgress>,
  log: (s: string) => void,
  /** True: stop watching (the workers carry on and still store their results). */
  stopWatching: () => boolean = () => false,
): Promise<void> {
  await checkRedis(target.redisUrl);
  const { Queue } = await import('bullmq');
  const queue = new Queue<ExperimentTask>(target.queue, { connection: redisOptions(target.redisUrl) });
  try {
    await queue.addBulk(
      tasks.map((task) => ({
        name: 'experiment-run',
        data: task,
        opts: {
          jobId: experimentJobId(task),
          attempts: target.attempts ?? DEFAULT_ATTEMPTS,
          backoff: { type: 'exponential', delay: target.backoffMs ?? 1_000 },
          removeOnComplete: { age: 3_600 },
          removeOnFail: { age: 7 * 24 * 3_600 },
        },
      })),
    );
    log(`queued ${tasks.length} runs of ${id} on queue "${target.queue}" at ${redactedUrl(target.redisUrl)}; start workers with: npx crowdalpha worker --redis ${redactedUrl(target.redisUrl)} --queue ${target.queue} --database-url <the same DATABASE_URL>`);
    for (;;) {
      const p = await report();
      if (p.done + p.failed >= p.total || stopWatching()) return;
      if ((await store.experiments.get(id))?.status === 'cancelled') {
        await withdraw(queue, tasks);
        return;
      }
      await new Promise((r) => setTimeout(r, target.pollMs ?? 500));
    }
  } finally {
    await queue.close();
  }
}

/** Removes the runs that have not started (a run in progress finishes and is kept). */
export async function withdraw(queue: Queue, tasks: readonly Pick<ExperimentTask, 'experimentId' | 'index'>[]): Promise<void> {
  await Promise.all(tasks.map((t) => queue.remove(experimentJobId(t)).catch(() => 0)));
}
