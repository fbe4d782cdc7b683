/**
 * `crowdalpha evaluate model.json --seeds 1..5`: the model's policy (frozen, no exploration), the
 * rl_ppo fallback and always-hold, one episode each per seed in `MarketEnv`; net PnL per agent
 * with 95% t-intervals. Warns when an evaluation seed was a training market.
 */
import { readFileSync } from 'node:fs';
import { evaluatePolicy, fallbackPolicy, holdPolicy, meanInterval, modelPolicy, modelProblem, type EpisodeScore, type PpoModel } from '@crowdalpha/engine';
import { readJsonFile } from '../options.js';
import { parseSeeds } from '../sweep/sweep-grid.js';

export interface EvaluateCommandOptions {
  seeds: string;
  episodeTicks: number;
  config?: string;
  json?: boolean;
}

export async function evaluateCommand(file: string, opts: EvaluateCommandOptions): Promise<number> {
  let model: PpoModel;
  try {
    model = JSON.parse(readFileSync(file, 'utf8')) as PpoModel;
  } catch (err) {
    process.stderr.write(`evaluate: cannot read model "${file}": ${(err as Error).message}\n`);
    return 2;
  }
  const problem = modelProblem(model);
  if (problem) {
    process.stderr.write(`evaluate: "${file}" is not a crowdalpha PPO model: ${problem}\n`);
    return 2;
  }
  const seeds = parseSeeds(opts.seeds);
  const market = opts.config ? readJsonFile(opts.config, 'config') : ((model.meta.market_config as Record<string, unknown> | undefined) ?? {});
  const env = { episodeTicks: opts.episodeTicks, config: market };
  const trained = model.meta.market_seeds as [number, number] | undefined;
  const overlap = trained ? seeds.filter((s) => s >= trained[0] && s <= trained[1]) : [];
  if (overlap.length) process.stderr.write(`evaluate: warning: seeds ${overlap.join(', ')} were training markets of this model (in-sample)\n`);
  const policies = [
    ['learned', modelPolicy(model)],
    ['fallback', fallbackPolicy],
    ['hold', holdPolicy],
  ] as const;
  const results = policies.map(([name, policy]) => {
    const episodes = evaluatePolicy(policy, seeds, env);
    return { policy: name, ...meanInterval(episodes.map((e) => e.netPnl)), episodes };
  });
  const learned = results[0]!;
  const fallback = results[1]!;
  const out = {
    model: file,
    seeds,
    episode_ticks: opts.episodeTicks,
    metric: 'net PnL of the learner per episode (one agent per market)',
    results: results.map((r) => ({ policy: r.policy, n: r.n, mean: r.mean, sd: r.sd, ci95: [r.lo, r.hi], per_seed: r.episodes.map(slim) })),
    learned_minus_fallback: learned.mean - fallback.mean,
    in_sample_seeds: overlap,
  };
  if (opts.json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');
  const lines = [
    `net PnL per agent over ${seeds.length} seed(s) (${seeds.join(', ')}), ${opts.episodeTicks}-tick episodes`,
    `${'policy'.padEnd(10)}${'mean'.padStart(10)}${'95% CI'.padStart(24)}${'sd'.padStart(10)}  per seed`,
    ...results.map((r) => `${r.policy.padEnd(10)}${f(r.mean).padStart(10)}${`[${f(r.lo)}, ${f(r.hi)}]`.padStart(24)}${f(r.sd).padStart(10)}  ${r.episodes.map((e) => f(e.netPnl)).join(', ')}`),
    `learned − fallback: ${f(out.learned_minus_fallback)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function slim(e: EpisodeScore): Record<string, number> {
  return { seed: e.seed, net_pnl: e.netPnl, orders: e.orders, final_position: e.finalPosition };
}
