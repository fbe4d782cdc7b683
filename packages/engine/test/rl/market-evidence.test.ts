/**
 * Evidence in the default market: a policy trained with PPO in `MarketEnv` (short episodes to keep
 * the test quick) beats the `rl_ppo` fallback policy on mean net PnL over 5 evaluation seeds it
 * was never trained on. The failure message reports the measured numbers.
 */
import { describe, expect, it } from 'vitest';
import { RL_ACTIONS, RL_FEATURES } from '../../src/agents/rl/ppo-agent.js';
import { evaluatePolicy, fallbackPolicy, meanInterval, modelPolicy } from '../../src/env/evaluate-policy.js';
import { trainPpo } from '../../src/env/train-ppo.js';

const TRAIN_SEED = 1;
const EVAL_SEEDS = [1, 2, 3, 4, 5];

describe('PPO in the default market', () => {
  it('a trained policy beats the fallback on mean net PnL over 5 unseen seeds', () => {
    const res = trainPpo({ steps: 20_000, envs: 4, seed: TRAIN_SEED, env: { episodeTicks: 500 }, ppo: { rolloutLength: 512, minibatchSize: 64 } });
    const [lo, hi] = res.marketSeeds;
    for (const s of EVAL_SEEDS) expect(s >= lo && s <= hi).toBe(false);
    const model = res.learner.exportModel(RL_FEATURES, RL_ACTIONS);
    const env = { episodeTicks: 1000 };
    const learned = evaluatePolicy(modelPolicy(model), EVAL_SEEDS, env).map((s) => s.netPnl);
    const fallback = evaluatePolicy(fallbackPolicy, EVAL_SEEDS, env).map((s) => s.netPnl);
    const L = meanInterval(learned);
    const F = meanInterval(fallback);
    const report = `learned ${L.mean.toFixed(1)} [${L.lo.toFixed(1)}, ${L.hi.toFixed(1)}] (${learned.map((x) => x.toFixed(0)).join(', ')}) vs fallback ${F.mean.toFixed(1)} [${F.lo.toFixed(1)}, ${F.hi.toFixed(1)}] (${fallback.map((x) => x.toFixed(0)).join(', ')})`;
    expect(L.mean, report).toBeGreaterThan(F.mean);
    expect(res.curve.length).toBeGreaterThan(30);
  }, 240_000);
});
