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

export interface WorkerOptions {
  redis: string;
  queue?: string;
  concurrency?: number;
}

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
  const worker = new Worker(queueName, new URL('./sweep/sweep-processor.js', import.meta.url), {
    connection: redisOptions(opts.redis),
    concurrency,
    useWorkerThreads: true,
  });
  worker.on('completed', (job) => log(`done    ${job.id} (seed ${String(job.data?.seed)}) in ${job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : '?'} ms`));
  worker.on('failed', (job, err) => log(`failed  ${job?.id ?? '?'}: ${err.message}`));
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
