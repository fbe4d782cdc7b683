/**
 * The experiment runner as the server's `ExperimentService`: `crowdalpha serve` hands it to the
 * server so POST /experiments runs specs on this process's worker threads (or on the Redis queue
 * when `serve --redis` is given) and the reads come from the server's own store.
 */
import { availableParallelism } from 'node:os';
import type { ExperimentDetailWire, ExperimentSummaryWire, ExperimentStatusWire } from '@crowdalpha/engine/wire';
import type { ExperimentRow, ExperimentService, Store } from '@crowdalpha/server';
import { toCsv, toParquet } from '../table-writers.js';
import { createExperiment, runExperiment } from './experiment-runner.js';
import { parseSpec, specAxes, type ExperimentSpec } from './experiment-spec.js';
import { summarise } from './experiment-summary.js';
import { experimentTable } from './experiment-table.js';

export interface ServiceOptions {
  /** Worker threads for embedded runs (default: one per core but one, so the live market keeps a core). */
  workers?: number;
  redis?: { redisUrl: string; queue: string };
  /** Called with a run-level error that is not a run's own failure (logged by the server). */
  onError?(err: Error, id: string): void;
}

export class CliExperimentService implements ExperimentService {
  private readonly running = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: ServiceOptions = {},
  ) {}

  private async summary(e: ExperimentRow): Promise<ExperimentSummaryWire> {
    const p = await this.store.experiments.progress(e.id);
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      status: e.status as ExperimentStatusWire,
      runner: e.runner,
      project_version: e.project_version,
      created_at: e.created_at,
      finished_at: e.finished_at,
      ...p,
    };
  }

  async submit(raw: unknown): Promise<ExperimentSummaryWire> {
    if (this.closed) throw Object.assign(new Error('the server is shutting down'), { code: 'CA_ERR_UNAVAILABLE' });
    const spec = parseSpec(raw);
    const id = await createExperiment(this.store, spec, this.opts.redis ? `queue:${this.opts.redis.queue}` : 'embedded');
    const job = runExperiment(this.store, id, {
      workers: this.opts.workers ?? Math.max(1, availableParallelism() - 1),
      ...(this.opts.redis ? { queue: this.opts.redis } : {}),
      shouldStop: () => this.closed,
    })
      .catch((err: unknown) => this.opts.onError?.(err as Error, id))
      .finally(() => this.running.delete(id));
    this.running.set(id, job);
    return this.summary((await this.store.experiments.get(id))!);
  }

  async list(): Promise<ExperimentSummaryWire[]> {
    return Promise.all((await this.store.experiments.list()).map((e) => this.summary(e)));
  }

  async detail(id: string): Promise<ExperimentDetailWire | null> {
    const e = await this.store.experiments.get(id);
    if (!e) return null;
    const spec = JSON.parse(e.spec) as ExperimentSpec;
    const runs = await this.store.experiments.runs(id);
    const axes = specAxes(spec);
    return {
      ...(await this.summary(e)),
      spec,
      axes,
      runs: runs.map((r) => ({
        run_index: r.run_index,
        seed: r.seed,
        params: JSON.parse(r.params) as Record<string, number | string | boolean>,
        figures: JSON.parse(r.row) as Record<string, number | string | boolean | null>,
        path: JSON.parse(r.path) as [number, number][],
        wall_ms: r.wall_ms,
        worker: r.worker,
      })),
      aggregates: summarise(experimentTable(spec, runs, 'runs'), axes),
      dead_letters: (await this.store.experiments.failures(id)).map((f) => ({ run_index: f.run_index, seed: f.seed, params: JSON.parse(f.params) as Record<string, number | string | boolean>, error: f.error, attempts: f.attempts, failed_at: f.failed_at })),
    };
  }

  async runsFile(id: string, format: 'csv' | 'parquet'): Promise<Uint8Array | null> {
    const e = await this.store.experiments.get(id);
    if (!e) return null;
    const t = experimentTable(JSON.parse(e.spec) as ExperimentSpec, await this.store.experiments.runs(id), 'runs');
    return format === 'csv' ? new TextEncoder().encode(toCsv(t.columns, t.rows)) : toParquet(t.columns, t.rows);
  }

  async cancel(id: string): Promise<ExperimentSummaryWire | null> {
    const e = await this.store.experiments.get(id);
    if (!e) return null;
    if (e.status === 'queued' || e.status === 'running') await this.store.experiments.setStatus(id, 'cancelled');
    return this.summary((await this.store.experiments.get(id))!);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running.values()]);
  }
}
