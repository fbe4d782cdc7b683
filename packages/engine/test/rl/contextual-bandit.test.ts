/**
 * Evidence that the learner learns: a contextual bandit whose best action depends on the
 * observation. Context c ∈ {0,1,2} is shown one-hot with noise features; action c pays 1, any
 * other 0. The fallback policy cannot read the context (expected reward = its probability of
 * picking c), so only a learner that maps observations to actions beats it.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.js';
import { FALLBACK_PROBS } from '../../src/agents/rl/ppo-agent.js';
import { PpoLearner } from '../../src/agents/rl/ppo-learner.js';
import { Rng } from '../../src/rng.js';

const ACTIONS = 7;
const OBS = 6;

function context(rng: Rng): { c: number; obs: number[] } {
  const c = rng.int(0, 2);
  const obs = [0, 0, 0, rng.normal(0, 1), rng.normal(0, 1), rng.normal(0, 1)];
  obs[c] = 1;
  return { c, obs };
}

function run(seed: number): { learned: number; fallback: number } {
  const hp = { ...defaultConfig().rlPpo, rolloutLength: 256, minibatchSize: 64, epochs: 4, gamma: 0, gaeLambda: 0, scheduleSteps: 6000, learningRate: 0.01, learningRateFinal: 0.003 };
  const learner = new PpoLearner(OBS, ACTIONS, hp, new Rng(seed).derive('init'));
  const env = new Rng(seed).derive('env');
  const act = new Rng(seed).derive('act');
  for (let t = 0; t < 8000; t++) {
    const { c, obs } = context(env);
    const d = learner.decide(obs, act.next(), true);
    learner.record(0, d, d.action === c ? 1 : 0, true);
    if (learner.readyToUpdate()) learner.update([null], t, act);
  }
  // Evaluation on fresh contexts: the frozen policy (no exploration) vs the fallback policy.
  const evalEnv = new Rng(seed + 1000);
  const evalAct = new Rng(seed + 2000);
  let learned = 0;
  let fallback = 0;
  const N = 2000;
  for (let t = 0; t < N; t++) {
    const { c, obs } = context(evalEnv);
    if (learner.decide(obs, evalAct.next(), false).action === c) learned++;
    let u = evalAct.next();
    let a = ACTIONS - 1;
    for (let k = 0; k < ACTIONS; k++) {
      u -= FALLBACK_PROBS[k] as number;
      if (u < 0) {
        a = k;
        break;
      }
    }
    if (a === c) fallback++;
  }
  return { learned: learned / N, fallback: fallback / N };
}

describe('PPO on a contextual bandit', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: the learned policy picks the context's action far more often than the fallback`, () => {
      const r = run(seed);
      // Fallback expectation: (0.4 + 0.1 + 0.1)/3 = 0.2. A learner that reads the context gets near 1.
      expect(r.fallback).toBeLessThan(0.3);
      expect(r.learned, `learned ${r.learned} vs fallback ${r.fallback}`).toBeGreaterThan(r.fallback + 0.5);
    });
  }
});
