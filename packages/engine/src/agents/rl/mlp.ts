/**
 * A one-hidden-layer tanh perceptron with hand-written backpropagation and Adam: just enough
 * network for the PPO agent's policy and value heads, with no dependency, deterministic given the
 * `Rng` that initialises it, and small enough to checkpoint as JSON.
 */
import type { Rng } from '../../rng.js';

export interface MlpState {
  sizes: [number, number, number];
  params: number[];
  m: number[];
  v: number[];
  step: number;
}

export class Mlp {
  readonly inputs: number;
  readonly hidden: number;
  readonly outputs: number;
  /** Flat parameters: W1 (hidden×inputs), b1 (hidden), W2 (outputs×hidden), b2 (outputs). */
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private step = 0;
  private readonly w1: number;
  private readonly b1: number;
  private readonly w2: number;
  private readonly b2: number;
  /** Hidden activations of the last forward pass (needed by backward). */
  readonly h: Float64Array;
  readonly out: Float64Array;

  constructor(inputs: number, hidden: number, outputs: number, rng: Rng, outputScale = 1) {
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    this.w1 = 0;
    this.b1 = hidden * inputs;
    this.w2 = this.b1 + hidden;
    this.b2 = this.w2 + outputs * hidden;
    const n = this.b2 + outputs;
    this.params = new Float64Array(n);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.h = new Float64Array(hidden);
    this.out = new Float64Array(outputs);
    const s1 = 1 / Math.sqrt(inputs);
    const s2 = outputScale / Math.sqrt(hidden);
    for (let k = this.w1; k < this.b1; k++) this.params[k] = rng.normal(0, s1);
    for (let k = this.w2; k < this.b2; k++) this.params[k] = rng.normal(0, s2);
  }

  forward(x: ArrayLike<number>): Float64Array {
    const p = this.params;
    for (let j = 0; j < this.hidden; j++) {
      let a = p[this.b1 + j] as number;
      const row = this.w1 + j * this.inputs;
      for (let i = 0; i < this.inputs; i++) a += (p[row + i] as number) * (x[i] as number);
      this.h[j] = Math.tanh(a);
    }
    for (let o = 0; o < this.outputs; o++) {
      let a = p[this.b2 + o] as number;
      const row = this.w2 + o * this.hidden;
      for (let j = 0; j < this.hidden; j++) a += (p[row + j] as number) * (this.h[j] as number);
      this.out[o] = a;
    }
    return this.out;
  }

  /** Accumulates d(loss)/d(params) for input `x`, given d(loss)/d(outputs); call after forward(x). */
  backward(x: ArrayLike<number>, dOut: ArrayLike<number>): void {
    const p = this.params;
    const g = this.grads;
    for (let j = 0; j < this.hidden; j++) {
      let dh = 0;
      for (let o = 0; o < this.outputs; o++) {
        const d = dOut[o] as number;
        dh += d * (p[this.w2 + o * this.hidden + j] as number);
        g[this.w2 + o * this.hidden + j] = (g[this.w2 + o * this.hidden + j] as number) + d * (this.h[j] as number);
      }
      const hj = this.h[j] as number;
      const da = dh * (1 - hj * hj);
      g[this.b1 + j] = (g[this.b1 + j] as number) + da;
      const row = this.w1 + j * this.inputs;
      for (let i = 0; i < this.inputs; i++) g[row + i] = (g[row + i] as number) + da * (x[i] as number);
    }
    for (let o = 0; o < this.outputs; o++) g[this.b2 + o] = (g[this.b2 + o] as number) + (dOut[o] as number);
  }

  /** One Adam step on the accumulated gradients (scaled by 1/batch), then clears them. */
  applyGradients(lr: number, batch: number, maxNorm = 0.5): void {
    const g = this.grads;
    let norm = 0;
    for (let k = 0; k < g.length; k++) norm += ((g[k] as number) / batch) ** 2;
    norm = Math.sqrt(norm);
    const scale = (norm > maxNorm ? maxNorm / norm : 1) / batch;
    this.step++;
    const b1 = 0.9;
    const b2 = 0.999;
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    for (let k = 0; k < g.length; k++) {
      const gk = (g[k] as number) * scale;
      this.m[k] = b1 * (this.m[k] as number) + (1 - b1) * gk;
      this.v[k] = b2 * (this.v[k] as number) + (1 - b2) * gk * gk;
      this.params[k] = (this.params[k] as number) - (lr * ((this.m[k] as number) / c1)) / (Math.sqrt((this.v[k] as number) / c2) + 1e-8);
      g[k] = 0;
    }
  }

  save(): MlpState {
    return { sizes: [this.inputs, this.hidden, this.outputs], params: [...this.params], m: [...this.m], v: [...this.v], step: this.step };
  }

  load(s: MlpState): void {
    if (s.params.length !== this.params.length) throw new Error(`network state has ${s.params.length} parameters, expected ${this.params.length}`);
    this.params.set(s.params);
    this.m.set(s.m);
    this.v.set(s.v);
    this.step = s.step;
  }
}
