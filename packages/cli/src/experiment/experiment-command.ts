/**
 * `crowdalpha experiment run|resume|list|summary|export|cancel`: experiments stored in the
 * project's database (the server's store: SQLite by default, PostgreSQL by DATABASE_URL).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
// The store subpath, not the server: an experiment run need not load Fastify and the hub.
import { defaultServerOptions, Store, type ExperimentProgress } from '@crowdalpha/server/store';
import { checkQueueName, DEFAULT_SWEEP_QUEUE } from '../sweep/sweep-queue.js';
import { TABLE_FORMATS, writeTable, type TableFormat } from '../table-writers.js';
import { createExperiment, runExperiment } from './experiment-runner.js';
import { FIGURES, readSpecFile, specAxes, SpecError, type ExperimentSpec } from './experiment-spec.js';
import { summarise } from './experiment-summary.js';
import { experimentTable, TABLES, type TableName } from './experiment-table.js';

type Log = (s: string) => void;
const stdout: Log = (s) => process.stdout.write(s + '\n');

export interface StoreOption {
  databaseUrl?: string;
}

/** --database-url, else DATABASE_URL, else the server's default SQLite file. */
export function experimentDatabaseUrl(opts: StoreOption): string {
  return opts.databaseUrl ?? process.env.DATABASE_URL ?? defaultServerOptions().databaseUrl;
}

async function withStore<T>(opts: StoreOption, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(experimentDatabaseUrl(opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function fail(message: string, code = 2): number {
  process.stderr.write(`error: ${message}\n`);
  return code;
}

/** Progress on a TTY as a bar; elsewhere a plain line at most every 2 s (and the last one). */
function progressReporter(label: string, grid: string, enabled: boolean): { update(p: ExperimentProgress): void; stop(): void } {
  const started = performance.now();
  if (enabled && process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} runs | failures {failures} | ${grid} | eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    return {
      update(p) {
        if (!startedBar) {
          bar.start(p.total, p.done + p.failed, { failures: p.failed });
          startedBar = true;
        } else bar.update(p.done + p.failed, { failures: p.failed });
      },
      stop: () => bar.stop(),
    };
  }
  let last = -Infinity;
  let first: number | null = null;
  return {
    update(p) {
      if (!enabled) return;
      const n = p.done + p.failed;
      first ??= n;
      const now = performance.now();
      if (now - last < 2_000 && n < p.total) return;
      last = now;
      const rate = (n - first) / ((now - started) / 1000);
      const eta = rate > 0 ? `${Math.round((p.total - n) / rate)}s` : '?';
      process.stderr.write(`${label}: ${n}/${p.total} runs, ${p.failed} failures, ${grid}, eta ${eta}\n`);
    },
    stop() {},
  };
}

export interface ExperimentRunCliOptions extends StoreOption {
  workers?: number;
  redis?: string;
  queue?: string;
  maxRuns?: number;
  progress?: boolean;
}

function gridSize(spec: ExperimentSpec): string {
  const points = Object.values(spec.grid).reduce((n, v) => n * v.length, 1) * (spec.random?.draws ?? 1);
  return `grid ${points} points × ${spec.seeds.length} seeds`;
}

export async function experimentRunCommand(file: string, opts: ExperimentRunCliOptions, log: Log = stdout): Promise<number> {
  if (opts.redis !== undefined && opts.workers !== undefined) return fail('--workers sets the local thread pool; with --redis the runs go to `crowdalpha worker` processes (set their --concurrency instead)');
  if (opts.redis === undefined && opts.queue !== undefined) return fail('--queue needs --redis (the Redis server whose queue the workers read)');
  let spec: ExperimentSpec;
  let queue: string;
  try {
    queue = checkQueueName(opts.queue ?? DEFAULT_SWEEP_QUEUE);
    spec = readSpecFile(file, opts.maxRuns);
  } catch (err) {
    return fail((err as Error).message);
  }
  return withStore(opts, async (store) => {
    const runner = opts.redis !== undefined ? `queue:${queue}` : 'embedded';
    const id = await createExperiment(store, spec, runner);
    return execute(store, id, spec, opts, queue, log);
  });
}

export async function experimentResumeCommand(id: string, opts: ExperimentRunCliOptions, log: Log = stdout): Promise<number> {
  return withStore(opts, async (store) => {
    const exp = await store.experiments.get(id);
    if (!exp) return fail(`no experiment "${id}" in ${store.location}; \`crowdalpha experiment list\` shows the stored ones`);
    if (exp.status === 'cancelled') return fail(`experiment ${id} was cancelled; run its spec again for a new one`);
    return execute(store, id, JSON.parse(exp.spec) as ExperimentSpec, opts, checkQueueName(opts.queue ?? DEFAULT_SWEEP_QUEUE), log);
  });
}

async function execute(store: Store, id: string, spec: ExperimentSpec, opts: ExperimentRunCliOptions, queue: string, log: Log): Promise<number> {
  const workers = opts.workers ?? availableParallelism();
  const where = opts.redis !== undefined ? `queue "${queue}"` : `${workers} worker thread(s)`;
  log(`experiment ${id} "${spec.name}": ${gridSize(spec)}, ${spec.ticks} ticks each, on ${where}; store ${store.location}`);
  const bar = progressReporter('experiment', gridSize(spec), opts.progress !== false);
  const started = performance.now();
  // Ctrl-C: mark the experiment cancelled (runs done are kept; queued ones are withdrawn).
  const onSignal = (): void => {
    void store.experiments.setStatus(id, 'cancelled').finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  let p: ExperimentProgress;
  let storeMs = 0;
  let writes = 0;
  try {
    p = await runExperiment(store, id, {
      workers,
      ...(opts.redis !== undefined ? { queue: { redisUrl: opts.redis, queue } } : {}),
      onProgress: (x) => bar.update(x),
      onStoreWrite: (ms) => {
        storeMs += ms;
        writes++;
      },
      log,
    });
  } catch (err) {
    bar.stop();
    return fail((err as Error).message, /cannot reach Redis|--redis/.test((err as Error).message) ? 2 : 1);
  } finally {
    process.off('SIGINT', onSignal);
  }
  bar.stop();
  const status = (await store.experiments.get(id))?.status;
  const wall = performance.now() - started;
  log(`${p.done}/${p.total} runs stored, ${p.failed} failed, status ${status}, in ${(wall / 1000).toFixed(1)} s`);
  if (writes > 0) log(`store writes   ${writes} in ${Math.round(storeMs)} ms (${(storeMs / writes).toFixed(1)} ms per run, ${((storeMs / wall) * 100).toFixed(2)} % of the wall time)`);
  for (const f of await store.experiments.failures(id)) log(`  dead letter: run ${f.run_index} seed ${f.seed} ${f.params} after ${f.attempts} attempt(s): ${f.error}`);
  log(`id             ${id}`);
  log(`next           crowdalpha experiment summary ${id}   |   crowdalpha experiment export ${id} --format parquet --out runs.parquet`);
  return p.failed > 0 ? 1 : 0;
}

export async function experimentListCommand(opts: StoreOption & { json?: boolean }, log: Log = stdout): Promise<number> {
  return withStore(opts, async (store) => {
    const rows = await store.experiments.list();
    const items = await Promise.all(rows.map(async (e) => ({ id: e.id, name: e.name, status: e.status, runner: e.runner, ...(await store.experiments.progress(e.id)), created_at: e.created_at, finished_at: e.finished_at, project_version: e.project_version })));
    if (opts.json) {
      log(JSON.stringify(items));
      return 0;
    }
    if (items.length === 0) {
      log(`no experiments in ${store.location} (start one with: crowdalpha experiment run examples/experiments/crowding-study.yaml)`);
      return 0;
    }
    log(['id'.padEnd(22), 'name'.padEnd(24), 'status'.padEnd(10), 'runs'.padEnd(12), 'failed'.padEnd(7), 'created'].join(' '));
    for (const e of items) log([e.id.padEnd(22), e.name.slice(0, 24).padEnd(24), e.status.padEnd(10), `${e.done}/${e.total}`.padEnd(12), String(e.failed).padEnd(7), e.created_at].join(' '));
    return 0;
  });
}

async function loadTable(store: Store, id: string, which: TableName) {
  const exp = await store.experiments.get(id);
  if (!exp) return null;
  const spec = JSON.parse(exp.spec) as ExperimentSpec;
  return { spec, table: experimentTable(spec, await store.experiments.runs(id), which) };
}

export async function experimentExportCommand(id: string, opts: StoreOption & { format: string; out: string; table?: string }, log: Log = stdout): Promise<number> {
  if (!(TABLE_FORMATS as readonly string[]).includes(opts.format)) return fail(`--format must be one of ${TABLE_FORMATS.join(', ')}, got "${opts.format}"`);
  const which = (opts.table ?? 'runs') as TableName;
  if (!TABLES.includes(which)) return fail(`--table must be one of ${TABLES.join(', ')}, got "${opts.table}"`);
  return withStore(opts, async (store) => {
    const loaded = await loadTable(store, id, which);
    if (!loaded) return fail(`no experiment "${id}" in ${store.location}; \`crowdalpha experiment list\` shows the stored ones`);
    writeTable(opts.out, opts.format as TableFormat, loaded.table.columns, loaded.table.rows);
    log(`${loaded.table.rows.length} ${which} rows × ${loaded.table.columns.length} columns → ${opts.out} (${opts.format})`);
    return 0;
  });
}

/** Figures shown by `experiment summary` without --json (all are in the JSON). */
const SUMMARY_FIGURES = ['return_pct', 'realized_vol', 'fills', 'mean_phi', 'impact_cost_per_unit', 'mean_lfi', 'max_lfi', 'crash_prone_share', 'half_life', 'facts_passed'];

export async function experimentSummaryCommand(id: string, opts: StoreOption & { json?: boolean }, log: Log = stdout): Promise<number> {
  return withStore(opts, async (store) => {
    const loaded = await loadTable(store, id, 'runs');
    if (!loaded) return fail(`no experiment "${id}" in ${store.location}; \`crowdalpha experiment list\` shows the stored ones`);
    const points = summarise(loaded.table, specAxes(loaded.spec));
    if (opts.json) {
      log(JSON.stringify({ id, name: loaded.spec.name, points }));
      return 0;
    }
    const f = (v: number | null): string => (v === null ? 'n/a' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
    for (const p of points) {
      log(`${Object.entries(p.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}  (${p.seeds} seeds)`);
      for (const name of SUMMARY_FIGURES) {
        const s = p.figures[name];
        if (!s) continue;
        log(`  ${name.padEnd(22)} mean ${f(s.mean).padStart(11)}  sd ${f(s.sd).padStart(11)}  95% CI [${f(s.ci_lo)}, ${f(s.ci_hi)}]  n ${s.n}`);
      }
    }
    return 0;
  });
}

export async function experimentCancelCommand(id: string, opts: StoreOption, log: Log = stdout): Promise<number> {
  return withStore(opts, async (store) => {
    const exp = await store.experiments.get(id);
    if (!exp) return fail(`no experiment "${id}" in ${store.location}`);
    if (exp.status === 'done') return fail(`experiment ${id} is already done; nothing to cancel`);
    await store.experiments.setStatus(id, 'cancelled');
    log(`experiment ${id} cancelled; runs already done are kept`);
    return 0;
  });
}

export async function experimentPlotCommand(id: string, opts: StoreOption & { out: string; figures?: string; png?: boolean }, log: Log = stdout): Promise<number> {
  return withStore(opts, async (store) => {
    const loaded = await loadTable(store, id, 'runs');
    if (!loaded) return fail(`no experiment "${id}" in ${store.location}; \`crowdalpha experiment list\` shows the stored ones`);
    const names = opts.figures ? opts.figures.split(',').map((s) => s.trim()) : loaded.spec.figures;
    const unknown = names.filter((n) => !(FIGURES as readonly string[]).includes(n));
    if (unknown.length) return fail(`--figures: unknown ${unknown.join(', ')}; known: ${FIGURES.join(', ')}`);
    const axes = specAxes(loaded.spec);
    const { experimentFigures } = await import('./experiment-figures.js');
    const { renderSvg, svgToPng } = await import('./figure-render.js');
    mkdirSync(opts.out, { recursive: true });
    const figures = experimentFigures(names, axes, summarise(loaded.table, axes), await store.experiments.runs(id));
    for (const f of figures) {
      const svg = await renderSvg(f.spec);
      writeFileSync(path.join(opts.out, `${f.name}.svg`), svg);
      if (opts.png !== false) writeFileSync(path.join(opts.out, `${f.name}.png`), svgToPng(svg));
      writeFileSync(path.join(opts.out, `${f.name}.vl.json`), JSON.stringify(f.spec, null, 1));
      log(`${f.name.padEnd(22)} ${path.join(opts.out, f.name)}.svg${opts.png !== false ? ' .png' : ''} .vl.json   ${f.title}`);
    }
    return 0;
  });
}

export { SpecError };
