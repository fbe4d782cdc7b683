/**
 * `crowdalpha train`: PPO in K parallel `MarketEnv`s for N steps; writes the model file, a
 * learning-curve CSV (one row per update) and prints a summary. The model is what
 * `crowdalpha evaluate` and `POST /strategies` (rl_ppo with a model) read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { RL_ACTIONS, RL_FEATURES, defaultConfig, trainPpo, type PpoHyperparameters, type UpdateStats } from '@crowdalpha/engine';
import { readJsonFile } from '../options.js';
import { progressBar } from '../progress.js';
import { CURVE_COLUMNS, parseHyperparameters } from './ppo-options.js';

export interface TrainCommandOptions {
  steps: number;
  envs: number;
  seed: number;
  episodeTicks: number;
  out: string;
  curve?: string;
  config?: string;
  ppo?: string;
  set?: string[];
  json?: boolean;
  progress?: boolean;
}

export async function trainCommand(opts: TrainCommandOptions): Promise<number> {
  let market: Record<string, unknown>;
  let ppo: Partial<PpoHyperparameters>;
  try {
    market = opts.config ? readJsonFile(opts.config, 'config') : {};
    ppo = {
      // Offline training defaults: longer rollouts than the live agent's (K envs share one rollout).
      rolloutLength: 512,
      minibatchSize: 64,
      ...(opts.ppo ? parseHyperparameters(readJsonFile(opts.ppo, 'PPO hyperparameters'), '--ppo') : {}),
      ...parseHyperparameters(Object.fromEntries((opts.set ?? []).map(splitSet)), '--set'),
    };
  } catch (err) {
    process.stderr.write(`train: ${(err as Error).message}\n`);
    return 2;
  }
  const curvePath = opts.curve ?? opts.out.replace(/\.json$/i, '') + '.curve.csv';
  const bar = progressBar(opts.steps, `train (${opts.envs} envs)`, opts.progress, 'steps');
  const rows: string[] = [CURVE_COLUMNS.join(',')];
  const started = Date.now();
  let result;
  try {
    result = trainPpo({
      steps: opts.steps,
      envs: opts.envs,
      seed: opts.seed,
      env: { episodeTicks: opts.episodeTicks, config: market },
      ppo,
      onUpdate: (p: UpdateStats, g) => {
        rows.push(curveRow(p, g.recentEpisodePnl));
        bar.update(Math.min(g.steps, opts.steps));
      },
    });
  } catch (err) {
    bar.stop();
    process.stderr.write(`train: ${(err as Error).message}\n`);
    return 2;
  }
  bar.update(opts.steps);
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  const model = result.learner.exportModel(RL_FEATURES, RL_ACTIONS, {
    trained_at: new Date().toISOString(),
    command: 'crowdalpha train',
    steps: opts.steps,
    envs: opts.envs,
    seed: opts.seed,
    episode_ticks: opts.episodeTicks,
    market_seeds: result.marketSeeds,
    market_config: market,
    hyperparameters: result.hyperparameters,
    agent: pickAgentParams(market),
  });
  mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, JSON.stringify(model) + '\n');
  writeFileSync(curvePath, rows.join('\n') + '\n');
  const last = result.curve[result.curve.length - 1];
  const recent = result.episodePnl.slice(-20);
  const summary = {
    model: opts.out,
    curve: curvePath,
    steps: opts.steps,
    envs: opts.envs,
    updates: result.curve.length,
    episodes: result.episodePnl.length,
    market_seeds: result.marketSeeds,
    seconds: Number(seconds.toFixed(1)),
    steps_per_second: Math.round(opts.steps / Math.max(seconds, 1e-9)),
    recent_episode_net_pnl: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
    last_update: last ?? null,
  };
  if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  else {
    process.stdout.write(
      `trained ${opts.steps} steps in ${opts.envs} envs (${summary.updates} updates, ${summary.episodes} episodes) in ${summary.seconds}s (${summary.steps_per_second} steps/s)\n` +
        `mean net PnL of the last ${recent.length} training episodes: ${summary.recent_episode_net_pnl?.toFixed(2) ?? 'n/a'}\n` +
        (last ? `last update: mean reward ${last.mean_reward.toFixed(4)}, entropy ${last.entropy.toFixed(3)}, approx KL ${last.approx_kl.toFixed(5)}, explained variance ${last.explained_variance.toFixed(3)}\n` : '') +
        `model: ${opts.out}\nlearning curve: ${curvePath}\nnext: crowdalpha evaluate ${opts.out} --seeds 1..5\n`,
    );
  }
  return 0;
}

function splitSet(s: string): [string, unknown] {
  const eq = s.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--set must be key=value, e.g. hiddenUnits=64; got "${s}"`);
  const raw = s.slice(eq + 1).trim();
  const value: unknown = raw === 'true' ? true : raw === 'false' ? false : Number(raw);
  return [s.slice(0, eq).trim(), value];
}

function curveRow(p: UpdateStats, recentPnl: number | null): string {
  const v: Record<string, unknown> = { ...p, recent_episode_net_pnl: recentPnl };
  p.action_probs.forEach((x, i) => (v[`p_${RL_ACTIONS[i]}`] = x));
  return CURVE_COLUMNS.map((c) => {
    const x = v[c];
    return typeof x === 'number' && Number.isFinite(x) ? String(Number(x.toPrecision(8))) : '';
  }).join(',');
}

/** The learner's order-size and reward parameters the market config set (the deployed agent must match them). */
function pickAgentParams(market: Record<string, unknown>): Record<string, unknown> {
  const rl = (market.rlPpo ?? {}) as Record<string, unknown>;
  const keys = ['maxInventory', 'riskAversion', 'smallQty', 'smallOffset', 'mediumQty', 'mediumOffset', 'largeQty', 'rewardScale', 'rewardClip', 'impactWeight'];
  const base = defaultConfig().rlPpo as unknown as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, rl[k] ?? base[k]]));
}
