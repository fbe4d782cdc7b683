/** `crowdalpha run`: a headless market run with a summary, optional event file and report. */
import { writeFileSync } from 'node:fs';
import { EventType, MarketSampler, Simulation, sharpeDefinition, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
import { RunRecorder, type RunRecord } from './sweep/sweep-run.js';
import { RunTables } from './run-tables.js';
import { TABLE_FORMATS, type TableFormat } from './table-writers.js';
import { JsonLinesWriter } from './event-writer.js';
import { readJsonFile } from './options.js';
import { progressBar } from './progress.js';
import { formatSummary, RunSummaryBuilder } from './run-summary.js';

export interface RunOptions {
  ticks: number;
  seed: number;
  momentum?: number;
  meanReversion?: number;
  marketMakers?: number;
  /** Population preset ("market" or "seed"), applied before the counts above. */
  population?: string;
  config?: string;
  analytics: boolean;
  out?: string;
  report?: string;
  json?: boolean;
  progress?: boolean;
  /** Comma list of event types kept in --out. */
  events?: string;
  /** Reproduce run `run` of this stored experiment. */
  fromExperiment?: string;
  run?: number;
  databaseUrl?: string;
  /** Directory for the columnar tables (ticks, fills, agents). */
  tables?: string;
  tableFormat?: string;
  agentEvery?: number;
}

/** The --events filter: a set of known event types, or null for all. */
export function parseEventFilter(spec: string | undefined): Set<string> | null {
  if (spec === undefined) return null;
  const known = Object.values(EventType) as string[];
  const types = spec.split(',').map((t) => t.trim()).filter(Boolean);
  if (types.length === 0) throw new Error(`--events needs one or more of ${known.join(', ')}`);
  for (const t of types) if (!known.includes(t)) throw new Error(`--events: unknown event type "${t}"; known: ${known.join(', ')}`);
  return new Set(types);
}

interface StoredRun {
  id: string;
  index: number;
  overrides: DeepPartial<SimulationConfig>;
  ticks: number;
  /** The stored figures, as JSON, for the bit-for-bit comparison. */
  figures: string;
}

/** A stored experiment run: its exact overrides and ticks, and its figures. */
async function loadStoredRun(opts: RunOptions): Promise<StoredRun> {
  const { experimentDatabaseUrl } = await import('./experiment/experiment-command.js');
  const { Store } = await import('@crowdalpha/server');
  const store = await Store.open(experimentDatabaseUrl(opts));
  try {
    const id = opts.fromExperiment as string;
    const exp = await store.experiments.get(id);
    if (!exp) throw new Error(`no experiment "${id}" in ${store.location}; \`crowdalpha experiment list\` shows the stored ones`);
    const index = opts.run as number;
    const run = await store.experiments.run(id, index);
    if (!run) throw new Error(`experiment ${id} has no stored run ${index} (it has ${exp.total_runs} runs, indices 0..${exp.total_runs - 1}; failed or unfinished runs are not stored)`);
    return { id, index, overrides: JSON.parse(run.overrides) as DeepPartial<SimulationConfig>, ticks: (JSON.parse(exp.spec) as { ticks: number }).ticks, figures: storedFigures(JSON.parse(run.row) as Record<string, unknown>, run.agents, run.strategies, run.path) };
  } finally {
    await store.close();
  }
}

function storedFigures(row: Record<string, unknown>, agents: string, strategies: string, path: string): string {
  const { wall_ms: _ignored, ...figures } = row;
  return JSON.stringify([figures, JSON.parse(agents), JSON.parse(strategies), JSON.parse(path)]);
}

function recordFigures(r: RunRecord): string {
  return storedFigures(r.row, JSON.stringify(r.agents), JSON.stringify(r.strategies), JSON.stringify(r.path));
}

export function buildRunConfig(opts: RunOptions): DeepPartial<SimulationConfig> {
  const fromFile = opts.config ? (readJsonFile(opts.config, 'config') as DeepPartial<SimulationConfig>) : {};
  // A config file may name a preset as a string (`"population": "seed"`).
  const filePop = fromFile.population as unknown;
  const population: DeepPartial<SimulationConfig['population']> = typeof filePop === 'string' ? { preset: filePop as never } : { ...((filePop ?? {}) as object) };
  if (opts.population !== undefined) population.preset = opts.population as never;
  if (opts.momentum !== undefined) population.momentum = opts.momentum;
  if (opts.meanReversion !== undefined) population.meanReversion = opts.meanReversion;
  if (opts.marketMakers !== undefined) population.marketMakers = opts.marketMakers;
  return { ...fromFile, seed: opts.seed, analytics: opts.analytics && fromFile.analytics !== false, population };
}

export async function runCommand(opts: RunOptions, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let sim: Simulation;
  let filter: Set<string> | null;
  let stored: StoredRun | null = null;
  if ((opts.fromExperiment === undefined) !== (opts.run === undefined)) {
    process.stderr.write('error: --from-experiment ID and --run K go together (K is the run_index of `experiment export`)\n');
    return 2;
  }
  const tableFormat = opts.tableFormat ?? 'csv';
  if (!(TABLE_FORMATS as readonly string[]).includes(tableFormat) || tableFormat === 'jsonl') {
    process.stderr.write(`error: --table-format must be csv or parquet, got "${tableFormat}"\n`);
    return 2;
  }
  try {
    filter = parseEventFilter(opts.events);
    if (opts.fromExperiment !== undefined) stored = await loadStoredRun(opts);
    sim = new Simulation(stored ? stored.overrides : buildRunConfig(opts));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  if (stored) opts = { ...opts, ticks: stored.ticks };
  const recorder = stored ? new RunRecorder(sim.config.seed, stored.ticks) : null;
  const writer = opts.out ? new JsonLinesWriter(opts.out) : null;
  const tables = opts.tables ? new RunTables(opts.agentEvery ?? 10) : null;
  const summary = new RunSummaryBuilder(sim.config.seed);
  const sampler = opts.report ? new MarketSampler(sim.config.tickSize) : null;
  const bar = progressBar(opts.ticks, 'run', opts.progress);
  const started = performance.now();
  for (let t = 1; t <= opts.ticks; t++) {
    const r = sim.step();
    summary.add(r);
    recorder?.add(r);
    tables?.add(r);
    if (writer) for (const e of r.events) if (filter === null || filter.has(e.type)) writer.write(e);
    sampler?.observe(r);
    bar.update(t);
  }
  bar.stop();
  writer?.close();
  const result = summary.build(performance.now() - started);
  if (opts.report && sampler) {
    const report = buildReport(sim, result, sampler);
    writeFileSync(opts.report, JSON.stringify(report, null, 2) + '\n');
  }
  const tableFiles = tables && opts.tables ? tables.write(opts.tables, tableFormat as TableFormat) : [];
  let reproduced: boolean | null = null;
  if (stored && recorder) reproduced = recordFigures(recorder.finish(sim, performance.now() - started)) === stored.figures;
  log(opts.json ? JSON.stringify(stored ? { ...result, experiment: stored.id, run: stored.index, reproduced } : result) : formatSummary(result));
  if (stored && !opts.json) log(`reproduces     experiment ${stored.id} run ${stored.index}: ${reproduced ? 'identical figures (bit for bit)' : 'DIFFERENT figures (engine or version changed since it was stored?)'}`);
  if (stored && !reproduced) return 1;
  if (opts.out && !opts.json) log(`events         ${opts.out}`);
  if (opts.report && !opts.json) log(`report         ${opts.report}`);
  if (tableFiles.length && !opts.json) log(`tables         ${tableFiles.join(', ')}`);
  return 0;
}

/** The research report: run summary, stylized facts (returns, trade signs, book), leaderboard, crowding. */
function buildReport(sim: Simulation, summary: ReturnType<RunSummaryBuilder['build']>, sampler: MarketSampler) {
  const facts = sampler.report();
  return {
    summary,
    config: sim.config,
    stylized_facts: facts,
    sharpe_definition: sharpeDefinition(sim.config),
    pnl_split_definition:
      'net_pnl = (spread_earned - spread_paid) - impact_cost + direction_pnl: spread against the pre-trade mid of each fill\'s tick (earned on passive fills, paid crossing), impact paid, direction = what positions made from later mid moves (docs/MODEL.md §3)',
    leaderboard: sim.leaderboard(),
    crowding: sim.crowdingSnapshot(),
    decay: sim.decaySnapshot(),
    regime: sim.regimeSnapshot(),
    fragility: sim.fragilitySnapshot(),
  };
}
