import { describe, expect, it } from 'vitest';
import { gae } from '../../src/agents/rl/gae.js';

describe('gae', () => {
  it('matches a hand-computed sequence with a terminal step and a bootstrap', () => {
    // γ = 0.9, λ = 0.8; the episode ends after t = 1, t = 2 is the start of the next one.
    const r = [1, 2, -1];
    const v = [0.5, 1, 2];
    const done = [false, true, false];
    const last = 3;
    const out = gae(r, v, done, last, 0.9, 0.8);
    // t=2: δ = -1 + 0.9·3 − 2 = −0.3; A = −0.3
    // t=1: δ = 2 + 0 − 1 = 1 (terminal: no bootstrap);  A = 1 (the next episode does not leak back)
    // t=0: δ = 1 + 0.9·1 − 0.5 = 1.4;  A = 1.4 + 0.9·0.8·1 = 2.12
    expect([...out.advantages].map((x) => +x.toFixed(10))).toEqual([2.12, 1, -0.3]);
    expect([...out.returns].map((x) => +x.toFixed(10))).toEqual([2.62, 2, 1.7]);
  });

  it('reduces to discounted returns minus values at λ = 1 and to one-step TD at λ = 0', () => {
    const r = [1, 1, 1];
    const v = [0, 0, 0];
    const one = gae(r, v, [false, false, false], 0, 0.5, 1);
    expect([...one.advantages]).toEqual([1.75, 1.5, 1]);
    const td = gae(r, [1, 2, 3], [false, false, false], 4, 0.5, 0);
    expect([...td.advantages]).toEqual([1 + 0.5 * 2 - 1, 1 + 0.5 * 3 - 2, 1 + 0.5 * 4 - 3]);
  });
});
