/** `crowdalpha run`: a headless market run with a summary, optional event file and report. */
import { writeFileSync } from 'node:fs';
import { ConfigError, Simulation, type DeepPartial, type SimulationConfig } from '@crowdalpha/engine';
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
  config?: string;
  analytics: boolean;
  out?: string;
  report?: string;
  json?: boolean;
  progress?: boolean;
}

export function buildRunConfig(opts: RunOptions): DeepPartial<SimulationConfig> {
  const fromFile = opts.config ? (readJsonFile(opts.config, 'config') as DeepPartial<SimulationConfig>) : {};
  const population = { ...(fromFile.population ?? {}) };
  if (opts.momentum !== undefined) population.momentum = opts.momentum;
  if (opts.meanReversion !== undefined) population.meanReversion = opts.meanReversion;
  if (opts.marketMakers !== undefined) population.marketMakers = opts.marketMakers;
  return { ...fromFile, seed: opts.seed, analytics: opts.analytics && fromFile.analytics !== false, population };
}

export async function runCommand(opts: RunOptions, log: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  let sim: Simulation;
  try {
    sim = new Simulation(buildRunConfig(opts));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const writer = opts.out ? new JsonLinesWriter(opts.out) : null;
  const summary = new RunSummaryBuilder(sim.config.seed);
  const returns: number[] | null = opts.report ? [] : null;
  const bar = progressBar(opts.ticks, 'run', opts.progress);
  const started = performance.now();
  let lastMid: number | null = null;
  for (let t = 1; t <= opts.ticks; t++) {
    const r = sim.step();
    summary.add(r);
    if (writer) for (const e of r.events) writer.write(e);
    if (returns) {
      if (lastMid !== null) returns.push(Math.log(r.state.mid / lastMid));
      lastMid = r.state.mid;
    }
    bar.update(t);
  }
  bar.stop();
  writer?.close();
  const result = summary.build(performance.now() - started);
  if (opts.report && returns) {
    const report = await buildReport(sim, result, returns);
    writeFileSync(opts.report, JSON.stringify(report, null, 2) + '\n');
  }
  log(opts.json ? JSON.stringify(result) : formatSummary(result));
  if (opts.out && !opts.json) log(`events         ${opts.out}`);
  if (opts.report && !opts.json) log(`report         ${opts.report}`);
  return 0;
}

/** The research report: run summary, stylized facts of 1-tick returns, leaderboard, crowding. */
async function buildReport(sim: Simulation, summary: ReturnType<RunSummaryBuilder['build']>, returns: number[]) {
  const engine = (await import('@crowdalpha/engine')) as Record<string, unknown>;
  const facts = typeof engine.stylizedFacts === 'function' ? (engine.stylizedFacts as (r: number[]) => unknown)(returns) : null;
  return {
    summary,
    config: sim.config,
    stylized_facts: facts,
    leaderboard: sim.leaderboard(),
    crowding: sim.crowdingSnapshot(),
    decay: sim.decaySnapshot(),
    regime: sim.regimeSnapshot(),
    fragility: sim.fragilitySnapshot(),
  };
}
