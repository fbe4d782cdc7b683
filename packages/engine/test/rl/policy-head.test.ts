import { describe, expect, it } from 'vitest';
import { clippedSurrogate, mixProb, softmax } from '../../src/agents/rl/policy-head.js';
import { Mlp } from '../../src/agents/rl/mlp.js';
import { Rng } from '../../src/rng.js';

const A = 4;
const lossAt = (logits: number[], action: number, oldLogp: number, adv: number, eps: number, ent: number) => {
  const p = softmax(logits, new Float64Array(A));
  return clippedSurrogate(p, action, oldLogp, adv, 0.2, ent, eps, new Float64Array(A)).loss;
};

describe('clipped surrogate', () => {
  const logits = [0.3, -0.2, 0.5, 0.1];
  const p = softmax(logits, new Float64Array(A));
  const logpNow = Math.log(p[2] as number);

  it('has zero gradient when the ratio is beyond the clip on the side the advantage favours', () => {
    const d = new Float64Array(A);
    // ratio = 1.5 > 1.2 with A > 0, and ratio = 0.5 < 0.8 with A < 0: min() picks the constant term.
    for (const [ratio, adv] of [
      [1.5, 1],
      [0.5, -1],
    ] as const) {
      const s = clippedSurrogate(p, 2, logpNow - Math.log(ratio), adv, 0.2, 0, 0, d);
      expect(s.clipped).toBe(true);
      expect(s.ratio).toBeCloseTo(ratio, 12);
      for (const g of d) expect(Math.abs(g)).toBe(0);
    }
  });

  it('keeps the gradient inside the clip range and on the unfavoured side, and it matches finite differences', () => {
    const d = new Float64Array(A);
    for (const [ratio, adv, eps] of [
      [1.1, 1, 0],
      [1.5, -1, 0], // beyond the clip but the advantage is negative: still pushed back
      [0.9, -0.7, 0.3], // with an exploration mixture
    ] as const) {
      const old = Math.log(mixProb(p[2] as number, eps, A)) - Math.log(ratio);
      const s = clippedSurrogate(p, 2, old, adv, 0.2, 0.01, eps, d);
      expect(s.clipped).toBe(false);
      expect(d.some((g) => Math.abs(g) > 1e-3)).toBe(true);
      for (let k = 0; k < A; k++) {
        const h = 1e-6;
        const up = [...logits];
        const dn = [...logits];
        up[k] = (up[k] as number) + h;
        dn[k] = (dn[k] as number) - h;
        const fd = (lossAt(up, 2, old, adv, eps, 0.01) - lossAt(dn, 2, old, adv, eps, 0.01)) / (2 * h);
        expect(d[k]).toBeCloseTo(fd, 6);
      }
    }
  });
});

describe('mlp', () => {
  it('backpropagates through two hidden layers (finite differences)', () => {
    const net = new Mlp(3, [5, 4], 2, new Rng(1));
    const x = [0.2, -0.4, 0.9];
    const w = [0.7, -1.3];
    const loss = () => {
      const o = net.forward(x);
      return (w[0] as number) * (o[0] as number) + (w[1] as number) * (o[1] as number);
    };
    net.grads.fill(0);
    loss();
    net.backward(w);
    const analytic = [...net.grads];
    for (let k = 0; k < net.size; k += 3) {
      const orig = net.params[k] as number;
      net.params[k] = orig + 1e-6;
      const up = loss();
      net.params[k] = orig - 1e-6;
      const dn = loss();
      net.params[k] = orig;
      expect(analytic[k]).toBeCloseTo((up - dn) / 2e-6, 6);
    }
  });
});
