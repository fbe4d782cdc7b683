/**
 * A tanh multilayer perceptron with hand-written backpropagation and Adam: just enough network for
 * the PPO policy and value heads, with no dependency, deterministic given the `Rng` that
 * initialises it, and small enough to checkpoint as JSON.
 *
 * Layout: `sizes = [inputs, hidden_1, …, hidden_k, outputs]`; parameters are stored flat, layer by
 * layer, as W (out×in, row-major) then b (out). A one-hidden-layer network keeps the layout of the
 * original `[inputs, hidden, outputs]` net, so older checkpoints load unchanged.
 */
import type { Rng } from '../../rng.js';

export interface MlpState {
  sizes: number[];
  params: number[];
  m: number[];
  v: number[];
  step: number;
}

/** Adam moments (β1, β2) and the denominator's ε: the usual values from Kingma & Ba. */
const ADAM_B1 = 0.9;
const ADAM_B2 = 0.999;
const ADAM_EPS = 1e-8;

export class Mlp {
  readonly sizes: readonly number[];
  readonly inputs: number;
  readonly outputs: number;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private step = 0;
  /** Offset of each layer's W and b in `params`. */
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  /** Activations per layer of the last forward pass (acts[0] is the input copy); backward needs them. */
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];
  readonly out: Float64Array;

  /**
   * @param hidden widths of the hidden layers (at least one)
   * @param outputScale scale of the last layer's initial weights (small for a policy head, so the
   *   first policy is close to uniform)
   */
  constructor(inputs: number, hidden: number | readonly number[], outputs: number, rng: Rng, outputScale = 1) {
    const h = typeof hidden === 'number' ? [hidden] : [...hidden];
    if (h.length === 0 || h.some((x) => !Number.isInteger(x) || x < 1)) {
      throw new RangeError(`hidden layer widths must be positive integers, got [${h.join(', ')}]`);
    }
    this.sizes = [inputs, ...h, outputs];
    this.inputs = inputs;
    this.outputs = outputs;
    let n = 0;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      const fanIn = this.sizes[l] as number;
      const fanOut = this.sizes[l + 1] as number;
      this.wOff.push(n);
      n += fanIn * fanOut;
      this.bOff.push(n);
      n += fanOut;
    }
    this.params = new Float64Array(n);
    this.grads = new Float64Array(n);
    this.m = new Float64Array(n);
    this.v = new Float64Array(n);
    this.acts = this.sizes.map((s) => new Float64Array(s));
    this.deltas = this.sizes.map((s) => new Float64Array(s));
    this.out = this.acts[this.acts.length - 1] as Float64Array;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const fanIn = this.sizes[l] as number;
      const scale = (l === layers - 1 ? outputScale : 1) / Math.sqrt(fanIn);
      const w = this.wOff[l] as number;
      const b = this.bOff[l] as number;
      for (let k = w; k < b; k++) this.params[k] = rng.normal(0, scale);
    }
  }

  /** Number of parameters. */
  get size(): number {
    return this.params.length;
  }

  forward(x: ArrayLike<number>): Float64Array {
    const p = this.params;
    const a0 = this.acts[0] as Float64Array;
    for (let i = 0; i < this.inputs; i++) a0[i] = x[i] as number;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const inp = this.acts[l] as Float64Array;
      const out = this.acts[l + 1] as Float64Array;
      const nIn = inp.length;
      const nOut = out.length;
      const w = this.wOff[l] as number;
      const b = this.bOff[l] as number;
      const last = l === layers - 1;
      for (let j = 0; j < nOut; j++) {
        let a = p[b + j] as number;
        const row = w + j * nIn;
        for (let i = 0; i < nIn; i++) a += (p[row + i] as number) * (inp[i] as number);
        out[j] = last ? a : Math.tanh(a);
      }
    }
    return this.out;
  }

  /** Accumulates d(loss)/d(params) given d(loss)/d(outputs); call right after forward(x) for the same x. */
  backward(dOut: ArrayLike<number>): void {
    const p = this.params;
    const g = this.grads;
    const layers = this.sizes.length - 1;
    const top = this.deltas[layers] as Float64Array;
    for (let o = 0; o < top.length; o++) top[o] = dOut[o] as number;
    for (let l = layers - 1; l >= 0; l--) {
      const inp = this.acts[l] as Float64Array;
      const dOutL = this.deltas[l + 1] as Float64Array;
      const dIn = this.deltas[l] as Float64Array;
      const nIn = inp.length;
      const nOut = dOutL.length;
      const w = this.wOff[l] as number;
      const b = this.bOff[l] as number;
      if (l > 0) dIn.fill(0);
      for (let j = 0; j < nOut; j++) {
        const d = dOutL[j] as number;
        if (d === 0) continue;
        g[b + j] = (g[b + j] as number) + d;
        const row = w + j * nIn;
        if (l > 0) {
          for (let i = 0; i < nIn; i++) {
            g[row + i] = (g[row + i] as number) + d * (inp[i] as number);
            dIn[i] = (dIn[i] as number) + d * (p[row + i] as number);
          }
        } else {
          // The input layer needs no gradient with respect to its input.
          for (let i = 0; i < nIn; i++) g[row + i] = (g[row + i] as number) + d * (inp[i] as number);
        }
      }
      if (l > 0) {
        // Through the tanh of the layer below: d/da tanh(a) = 1 - tanh(a)².
        for (let i = 0; i < nIn; i++) {
          const h = inp[i] as number;
          dIn[i] = (dIn[i] as number) * (1 - h * h);
        }
      }
    }
  }

  /**
   * One Adam step on the accumulated gradients averaged over `batch` samples, with the averaged
   * gradient's global L2 norm clipped to `maxNorm` (0 = no clipping); then clears them. Returns the
   * norm before clipping.
   */
  applyGradients(lr: number, batch: number, maxNorm = 0.5): number {
    const g = this.grads;
    let norm = 0;
    for (let k = 0; k < g.length; k++) norm += ((g[k] as number) / batch) ** 2;
    norm = Math.sqrt(norm);
    const scale = (maxNorm > 0 && norm > maxNorm ? maxNorm / norm : 1) / batch;
    this.step++;
    const c1 = 1 - ADAM_B1 ** this.step;
    const c2 = 1 - ADAM_B2 ** this.step;
    for (let k = 0; k < g.length; k++) {
      const gk = (g[k] as number) * scale;
      this.m[k] = ADAM_B1 * (this.m[k] as number) + (1 - ADAM_B1) * gk;
      this.v[k] = ADAM_B2 * (this.v[k] as number) + (1 - ADAM_B2) * gk * gk;
      this.params[k] = (this.params[k] as number) - (lr * ((this.m[k] as number) / c1)) / (Math.sqrt((this.v[k] as number) / c2) + ADAM_EPS);
      g[k] = 0;
    }
    return norm;
  }

  save(): MlpState {
    return { sizes: [...this.sizes], params: [...this.params], m: [...this.m], v: [...this.v], step: this.step };
  }

  /** Weights only (what a frozen policy needs). */
  saveWeights(): number[] {
    return [...this.params];
  }

  load(s: Pick<MlpState, 'params'> & Partial<MlpState>): void {
    if (s.sizes && s.sizes.join('x') !== this.sizes.join('x')) {
      throw new Error(`network state has layer sizes ${s.sizes.join('x')}, expected ${this.sizes.join('x')}`);
    }
    if (s.params.length !== this.params.length) throw new Error(`network state has ${s.params.length} parameters, expected ${this.params.length}`);
    this.params.set(s.params);
    if (s.m && s.v) {
      this.m.set(s.m);
      this.v.set(s.v);
    } else {
      this.m.fill(0);
      this.v.fill(0);
    }
    this.step = s.step ?? 0;
  }
}
