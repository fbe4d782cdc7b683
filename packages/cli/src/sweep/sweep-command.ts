/**
 * `crowdalpha sweep`: a grid of config overrides × seeds, run on a pool of worker threads (one
 * per core by default), written as CSV (one row per run: the swept values, then the figures) and
 * optionally JSON lines. Rows come out in grid order whatever the finishing order, and each run
 * is the same as `crowdalpha run` with that config and seed. With `--redis`, the runs go to a
 * BullMQ queue instead and `crowdalpha worker` processes on any hosts compute them.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolveConfig, ConfigError, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
import { readJsonFile } from '../options.js';
import { progressBar } from '../progress.js';
import { buildJobs, parseAxis, parseSeeds, toOverrides, type SweepJob } from './sweep-grid.js';
import { runOverrides, type SweepRow } from './sweep-run.js';
import { projectVersion } from '../version.js';
import { checkQueueName, DEFAULT_SWEEP_QUEUE, runQueued } from './sweep-queue.js';
import { runPool } from './sweep-pool.js';

/** Columns after the figures: what reproduces the row (defined in the README's column table). */
export const SWEEP_PROVENANCE_COLUMNS = ['base_config', 'overrides', 'project_version'] as const;

export interface SweepOptions {
  ticks: number;
  seeds: string;
  set?: string[];
  config?: string;
  out: string;
  jsonl?: string;
  workers?: number;
  /** Distribute the runs over `crowdalpha worker` processes through this Redis server. */
  redis?: string;
  queue?: string;
  progress?: boolean;
}

export async function sweepCommand(opts: SweepOptions, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  if (opts.redis !== undefined && opts.workers !== undefined) {
    process.stderr.write('error: --workers sets the local thread pool; with --redis the runs go to `crowdalpha worker` processes (set their --concurrency instead)\n');
    return 2;
  }
  if (opts.redis === undefined && opts.queue !== undefined) {
    process.stderr.write('error: --queue needs --redis (the Redis server whose queue the workers read)\n');
    return 2;
  }
  let queueName = DEFAULT_SWEEP_QUEUE;
  try {
    if (opts.queue !== undefined) queueName = checkQueueName(opts.queue);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const base = (opts.config ? readJsonFile(opts.config, 'config') : {}) as DeepPartial<SimulationConfig>;
  const axes = (opts.set ?? []).map(parseAxis);
  const jobs = buildJobs(axes, parseSeeds(opts.seeds));
  // Validate every config up front: a typo should fail before an hour of work, not after.
  for (const job of jobs) {
    try {
      resolveConfig({ ...(toOverrides(job.params) as DeepPartial<SimulationConfig>), seed: job.seed });
      resolveConfig(base);
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`error: ${err.message} (in ${JSON.stringify(job.params)})\n`);
        return 2;
      }
      throw err;
    }
  }
  const workers = Math.max(1, Math.min(opts.workers ?? availableParallelism(), jobs.length));
  const seedCount = new Set(jobs.map((j) => j.seed)).size;
  const bar = progressBar(jobs.length, `sweep (grid ${jobs.length / seedCount} points × ${seedCount} seeds)`, opts.progress, 'runs');
  const started = performance.now();
  let rows: { job: SweepJob; row: SweepRow }[];
  try {
    rows = opts.redis !== undefined
      ? await runQueued(jobs, base as Record<string, unknown>, opts.ticks, { redisUrl: opts.redis, queue: queueName }, (done) => bar.update(done), log)
      : await runLocal(jobs, workers, base as Record<string, unknown>, opts.ticks, (done) => bar.update(done));
  } catch (err) {
    bar.stop();
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return opts.redis !== undefined && /cannot reach Redis|--redis/.test((err as Error).message) ? 2 : 1;
  }
  bar.stop();

  // Each row says how to get it again: the swept values lead, and after the figures come the
  // shared base config, the run's exact config overrides (base + swept values + seed: what
  // `crowdalpha run --config` takes) and the CrowdAlpha version that computed it.
  const paramCols = axes.map((a) => a.path);
  const figureCols = Object.keys(rows[0]?.row ?? {});
  const version = projectVersion();
  const provenance = ({ job }: { job: SweepJob }): Record<string, unknown> => ({
    base_config: base,
    overrides: runOverrides(base as Record<string, unknown>, toOverrides(job.params), job.seed),
    project_version: version,
  });
  const header = [...paramCols, ...figureCols, ...SWEEP_PROVENANCE_COLUMNS];
  const lines = [header.join(',')];
  for (const r of rows) {
    const cells: Record<string, unknown> = { ...r.row, ...provenance(r), ...r.job.params };
    lines.push(header.map((c) => csvCell(cells[c])).join(','));
  }
  writeFileSync(opts.out, lines.join('\n') + '\n');
  if (opts.jsonl) writeFileSync(opts.jsonl, rows.map((r) => JSON.stringify({ ...r.job.params, ...r.row, ...provenance(r) })).join('\n') + '\n');
  const where = opts.redis !== undefined ? `through queue "${queueName}"` : `on ${workers} worker(s)`;
  log(`${jobs.length} runs (${axes.length} swept parameter(s) × ${new Set(jobs.map((j) => j.seed)).size} seed(s)) ${where} in ${Math.round(performance.now() - started)} ms`);
  log(`csv            ${opts.out}`);
  if (opts.jsonl) log(`jsonl          ${opts.jsonl}`);
  return 0;
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The sweep on the local pool: rows in grid order, the first failure stops it. */
async function runLocal(jobs: SweepJob[], size: number, base: Record<string, unknown>, ticks: number, onDone: (n: number) => void): Promise<{ job: SweepJob; row: SweepRow }[]> {
  const results: { job: SweepJob; row: SweepRow }[] = new Array(jobs.length);
  let done = 0;
  await runPool(
    jobs.map((job) => ({ index: job.index, base, overrides: toOverrides(job.params), seed: job.seed, ticks })),
    size,
    {
      onResult: (task, record) => {
        results[task.index] = { job: jobs[task.index] as SweepJob, row: record.row };
        onDone(++done);
      },
      onError: () => 'abort',
    },
  );
  return results;
}
