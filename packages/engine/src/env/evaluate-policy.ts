/**
 * Out-of-sample evaluation in `MarketEnv`: one episode per seed for each policy, scored by the
 * learner's net PnL at the end, summarised with a 95% t-interval. The policies compared by
 * `crowdalpha evaluate` are the learned one (frozen, no exploration), the `rl_ppo` fallback and
 * always-hold.
 */
import { defaultConfig, type PpoHyperparameters } from '../config.js';
import { FALLBACK_PROBS } from '../agents/rl/ppo-agent.js';
import { PpoLearner, type PpoModel } from '../agents/rl/ppo-learner.js';
import { tQuantile975 } from '../analytics/stats.js';
import { Rng } from '../rng.js';
import { MarketEnv, type MarketEnvOptions } from './market-env.js';

/** A policy: the action for an observation, drawing any randomness from `rng`. */
export type Policy = (obs: Float64Array, rng: Rng) => number;

export interface EpisodeScore {
  seed: number;
  netPnl: number;
  /** Orders the policy placed. */
  orders: number;
  finalPosition: number;
}

export interface Interval {
  n: number;
  mean: number;
  sd: number;
  /** 95% t-interval of the mean (equal to mean when n < 2). */
  lo: number;
  hi: number;
}

/** The model's policy with exploration off, as it would act as a frozen `rl_ppo`. */
export function modelPolicy(model: PpoModel, hp: Partial<PpoHyperparameters> = {}): Policy {
  const learner = new PpoLearner(model.observation.length, model.actions.length, {
    ...defaultConfig().rlPpo,
    ...hp,
    hiddenLayers: model.hiddenLayers,
    hiddenUnits: model.hiddenUnits,
    normalizeObservations: model.obsNorm !== null,
    obsClip: model.obsClip,
  }, new Rng(0));
  learner.loadModel(model);
  return (obs, rng) => learner.decide(obs, rng.next(), false).action;
}

/** The `rl_ppo` fallback: hold with 0.4, otherwise a uniformly random trade. */
export const fallbackPolicy: Policy = (_obs, rng) => {
  let u = rng.next();
  for (let a = 0; a < FALLBACK_PROBS.length; a++) {
    u -= FALLBACK_PROBS[a] as number;
    if (u < 0) return a;
  }
  return FALLBACK_PROBS.length - 1;
};

export const holdPolicy: Policy = () => 0;

/** One episode of `policy` per seed. */
export function evaluatePolicy(policy: Policy, seeds: readonly number[], env: MarketEnvOptions = {}): EpisodeScore[] {
  const e = new MarketEnv(env);
  return seeds.map((seed) => {
    const rng = new Rng(seed).derive('eval-policy');
    let obs = e.reset(seed);
    let orders = 0;
    for (;;) {
      const r = e.step(policy(obs, rng));
      orders += r.info.orders;
      obs = r.obs;
      if (r.terminated || r.truncated) return { seed, netPnl: r.info.netPnl, orders, finalPosition: r.info.position };
    }
  });
}


export function meanInterval(values: readonly number[]): Interval {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, lo: NaN, hi: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: 0, lo: mean, hi: mean };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const t = tQuantile975(n - 1);
  const half = (t * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}
