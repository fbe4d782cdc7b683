/**
 * Sweeps past one machine (DESIGN: scale-out): every run of the grid becomes a BullMQ job on
 * Redis; `crowdalpha worker` processes on any number of hosts take them, run them with the same
 * code as the local pool (`runSweepJob`) and hand the row back as the job's return value. This
 * side only enqueues, waits and returns the rows in grid order, so the CSV is the same as a local
 * sweep's (the wall_ms column aside).
 */
import { randomBytes } from 'node:crypto';
import { checkRedis, redactedUrl, redisOptions } from './redis-connection.js';
import { toOverrides, type SweepJob } from './sweep-grid.js';
import type { SweepRow } from './sweep-run.js';
import type { SweepTask } from './sweep-worker.js';

export const DEFAULT_SWEEP_QUEUE = 'crowdalpha-sweep';

export interface QueueTarget {
  redisUrl: string;
  queue: string;
}

/** A queue name BullMQ accepts as part of its Redis keys. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new Error(`--queue must be 1-100 letters, digits, _ . or -, got "${name}"`);
  return name;
}

export async function runQueued(
  jobs: SweepJob[],
  base: Record<string, unknown>,
  ticks: number,
  target: QueueTarget,
  onDone: (n: number) => void,
  log: (s: string) => void,
): Promise<{ job: SweepJob; row: SweepRow }[]> {
  await checkRedis(target.redisUrl);
  // BullMQ is loaded only for queued sweeps (start-up is a serial cost of every local sweep).
  const { Queue, QueueEvents } = await import('bullmq');
  const connection = redisOptions(target.redisUrl);
  const queue = new Queue<SweepTask, SweepRow>(target.queue, { connection });
  const events = new QueueEvents(target.queue, { connection });
  // Each waiting job listens for the queue closing: one listener per run is expected, not a leak.
  queue.setMaxListeners(jobs.length + 10);
  events.setMaxListeners(jobs.length + 10);
  const sweepId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  let finished = false;
  // Ctrl-C: take this sweep's unstarted runs off the queue so workers do not keep computing
  // results nobody will read.
  const onSignal = (): void => {
    void withdraw().finally(() => process.exit(130));
  };
  const withdraw = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await Promise.all(jobs.map((j) => queue.remove(`${sweepId}-${j.index}`).catch(() => 0)));
  };
  process.once('SIGINT', onSignal);
  try {
    await events.waitUntilReady();
    const added = await queue.addBulk(
      jobs.map((job) => ({
        name: 'run',
        data: { index: job.index, base, overrides: toOverrides(job.params), seed: job.seed, ticks },
        opts: {
          jobId: `${sweepId}-${job.index}`,
          // A worker that dies mid-run leaves a stalled job that another worker picks up; a run
          // that throws fails the same way everywhere, so retrying it once is enough to rule out
          // a one-off crash.
          attempts: 2,
          removeOnComplete: { age: 3_600 },
          removeOnFail: { age: 24 * 3_600 },
        },
      })),
    );
    log(`queued ${jobs.length} runs as sweep ${sweepId} on queue "${target.queue}" at ${redactedUrl(target.redisUrl)}; waiting for workers (start them with: npx crowdalpha worker --redis ${redactedUrl(target.redisUrl)}${target.queue === DEFAULT_SWEEP_QUEUE ? '' : ` --queue ${target.queue}`})`);
    const results: { job: SweepJob; row: SweepRow }[] = new Array(jobs.length);
    let done = 0;
    await Promise.all(
      added.map(async (bj, i) => {
        const job = jobs[i]!;
        let row: SweepRow;
        try {
          row = await bj.waitUntilFinished(events);
        } catch (err) {
          throw new Error(`run ${JSON.stringify(job.params)} seed ${job.seed} failed on a worker: ${(err as Error).message}`);
        }
        results[i] = { job, row };
        onDone(++done);
      }),
    );
    finished = true;
    return results;
  } catch (err) {
    await withdraw();
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    await events.close();
    await queue.close();
  }
}
