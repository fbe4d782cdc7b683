/**
 * PPO training in `VectorMarketEnv`s: K markets stepped together, one learner, an update whenever
 * `rolloutLength` transitions (over all K) are in. Truncated episodes bootstrap from the critic's
 * value of their last observation (added to the last reward, as Stable-Baselines does), so the
 * artificial end of an episode is not mistaken for the end of the world. Pure: the caller reports
 * progress and writes files.
 */
import { defaultConfig, type PpoHyperparameters } from '../config.js';
import { PpoLearner, type PpoModel, type UpdateStats } from '../agents/rl/ppo-learner.js';
import { Rng } from '../rng.js';
import type { MarketEnvOptions } from './market-env.js';
import { VectorMarketEnv } from './vector-env.js';

export interface TrainOptions {
  /** Env steps to collect, summed over the K envs. */
  steps: number;
  /** Parallel markets. */
  envs?: number;
  /** Seeds the learner and the training markets: env i's n-th episode runs market seed
   *  TRAIN_SEED_BASE + seed·TRAIN_SEEDS_PER_RUN + i + n·K, far from the small seeds evaluations use. */
  seed?: number;
  env?: MarketEnvOptions;
  ppo?: Partial<PpoHyperparameters>;
  /** Continue from a model instead of fresh weights. */
  init?: PpoModel;
  /** Called after every update. */
  onUpdate?: (point: UpdateStats, progress: TrainProgress) => void;
}

export interface TrainProgress {
  steps: number;
  total: number;
  episodes: number;
  /** Mean net PnL of the last (up to) 20 finished episodes. */
  recentEpisodePnl: number | null;
}

/** Training markets are seeded from here up, so evaluation on seeds like 1..5 is out of sample. */
export const TRAIN_SEED_BASE = 1_000_000;
/** Market seeds reserved per training seed (episodes beyond this would reach the next seed's range). */
export const TRAIN_SEEDS_PER_RUN = 100_000;

export interface TrainResult {
  learner: PpoLearner;
  /** First and last market seed a training episode used (inclusive). */
  marketSeeds: [number, number];
  curve: UpdateStats[];
  /** Net PnL of every finished training episode, in order. */
  episodePnl: number[];
  hyperparameters: PpoHyperparameters;
}

export function trainPpo(opts: TrainOptions): TrainResult {
  const K = opts.envs ?? 4;
  const seed = opts.seed ?? 1;
  const vec = new VectorMarketEnv(K, opts.env ?? {});
  const base = defaultConfig().rlPpo;
  const hp = { ...pickHyper(base), ...pickHyper((opts.env?.agent ?? {}) as Partial<PpoHyperparameters>), ...opts.ppo } as PpoHyperparameters;
  if (opts.init) {
    hp.hiddenLayers = opts.init.hiddenLayers;
    hp.hiddenUnits = opts.init.hiddenUnits;
    hp.normalizeObservations = opts.init.obsNorm !== null;
  }
  // Every (partial) curve point is kept: the CLI writes the whole learning curve.
  hp.curveLength = Math.max(hp.curveLength, Math.ceil(opts.steps / Math.max(1, hp.rolloutLength)) + 1);
  const learner = new PpoLearner(vec.observationSize, vec.actions, hp, new Rng(seed).derive('train-init'));
  if (opts.init) learner.loadModel(opts.init);
  const act = new Rng(seed).derive('train-act');
  const shuffle = new Rng(seed).derive('train-shuffle');
  const firstSeed = TRAIN_SEED_BASE + seed * TRAIN_SEEDS_PER_RUN;
  let obs = vec.reset(firstSeed);
  const episodePnl: number[] = [];
  const curve: UpdateStats[] = [];
  let collected = 0;
  while (collected < opts.steps) {
    const decisions = obs.map((o) => learner.decide(o, act.next(), true));
    const r = vec.step(decisions.map((d) => d.action));
    for (let i = 0; i < K; i++) {
      let reward = r.rewards[i] as number;
      const truncatedOnly = r.truncated[i] === true && !r.terminated[i];
      const final = r.finalObs[i];
      if (truncatedOnly && final) reward += hp.gamma * (learner.value.forward(learner.normalize(final, false))[0] as number);
      learner.record(i, decisions[i]!, reward, r.terminated[i] === true || r.truncated[i] === true);
      const pnl = r.finalNetPnl[i];
      if (pnl !== null && pnl !== undefined) episodePnl.push(pnl);
    }
    collected += K;
    obs = r.obs;
    if (learner.readyToUpdate()) {
      learner.update(obs.map((o) => learner.normalize(o, false)), collected, shuffle);
      const point = learner.lastUpdate() as UpdateStats;
      curve.push(point);
      const recent = episodePnl.slice(-20);
      opts.onUpdate?.(point, {
        steps: collected,
        total: opts.steps,
        episodes: episodePnl.length,
        recentEpisodePnl: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
      });
    }
  }
  return { learner, marketSeeds: [firstSeed, firstSeed + episodePnl.length + K - 1], curve, episodePnl, hyperparameters: hp };
}

const HYPER_KEYS: readonly (keyof PpoHyperparameters)[] = [
  'hiddenLayers', 'hiddenUnits', 'rolloutLength', 'epochs', 'minibatchSize', 'gamma', 'gaeLambda', 'clipEpsilon', 'entropyCoef', 'valueCoef',
  'learningRate', 'learningRateFinal', 'explorationStart', 'explorationEnd', 'scheduleSteps', 'maxGradNorm', 'normalizeObservations', 'obsClip', 'curveLength',
];

/** Just the PPO hyperparameters of a (possibly larger) object. */
export function pickHyper(o: Partial<PpoHyperparameters>): Partial<PpoHyperparameters> {
  const out: Partial<PpoHyperparameters> = {};
  for (const k of HYPER_KEYS) if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  return out;
}
