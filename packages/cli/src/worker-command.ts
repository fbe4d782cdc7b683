/**
 * `crowdalpha worker`: takes sweep runs from a Redis queue (see `crowdalpha sweep --redis`) and
 * runs them, `--concurrency` at a time in worker threads, until stopped. Start as many as you
 * like on any hosts that reach the Redis server; a graceful stop (Ctrl-C, SIGTERM) finishes the
 * runs in progress first, a second signal exits at once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'bullmq';
import { checkRedis, redactedUrl, redisOptions } from './sweep/redis-connection.js';
import { checkQueueName, DEFAULT_SWEEP_QUEUE } from './sweep/sweep-queue.js';
import type { ExperimentTask } from './experiment/experiment-record.js';

async function deadLetterStalled(t: Partial<ExperimentTask>, error: string, attempts: number): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (typeof t.experimentId !== 'string' || typeof t.index !== 'number' || !url) return;
  const { Store } = await import('@crowdalpha/server/store');
  const store = await Store.open(url);
  try {
    if (!(await store.experiments.doneIndices(t.experimentId)).has(t.index)) {
      await store.experiments.recordFailure({ experiment_id: t.experimentId, run_index: t.index, seed: t.seed ?? 0, params: JSON.stringify(t.params ?? {}), error, attempts, failed_at: new Date().toISOString() });
    }
  } finally {
    await store.close();
  }
}

export interface WorkerOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
  /** Store of experiment runs (DATABASE_URL); needed for experiment jobs. */
  databaseUrl?: string;
  /** Lock of a running job, ms: a worker that dies (kill -9) gives its runs up after about this long. */
  lockMs?: number;
}

/** Times a run may be orphaned by a dead worker and picked up again before it counts as failed. */
const MAX_STALLED = 5;

export async function workerCommand(opts: WorkerOptions, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let queueName: string;
  try {
    queueName = checkQueueName(opts.queue ?? DEFAULT_SWEEP_QUEUE);
    await checkRedis(opts.redis);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const concurrency = opts.concurrency ?? availableParallelism();
  // The processor threads read the store's address from the environment they inherit.
  if (opts.databaseUrl !== undefined) process.env.DATABASE_URL = opts.databaseUrl;
  const lockMs = opts.lockMs ?? 30_000;
  const worker = new Worker(queueName, new URL('./sweep/sweep-processor.js', import.meta.url), {
    connection: redisOptions(opts.redis),
    concurrency,
    useWorkerThreads: true,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLED,
  });
  worker.on('active', (job) => log(`start   ${job.id} (seed ${String(job.data?.seed)})`));
  worker.on('completed', (job) => log(`done    ${job.id} (seed ${String(job.data?.seed)}) in ${job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : '?'} ms`));
  worker.on('failed', (job, err) => {
    log(`failed  ${job?.id ?? '?'}: ${err.message}`);
    // A job that stalled too often fails without its processor running: dead-letter it here.
    if (job && /stalled/i.test(err.message)) void deadLetterStalled(job.data as Partial<ExperimentTask>, err.message, job.attemptsMade);
  });
  worker.on('error', (err) => process.stderr.write(`worker error: ${err.message}\n`));
  await worker.waitUntilReady();
  log(`worker ready: queue "${queueName}" at ${redactedUrl(opts.redis)}, ${concurrency} at a time; Ctrl-C to stop`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) process.exit(130);
      stopping = true;
      log('stopping: finishing the runs in progress (signal again to exit at once)');
      void worker.close().then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
