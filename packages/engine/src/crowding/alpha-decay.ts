/**
 * Alpha decay (docs/MODEL.md §9; the original estimator): does an agent's risk-adjusted return fall as it accumulates exposure to
 * crowding?
 *
 *   Sharpe proxy s_i = mean / std (population, ddof 0) of the agent's last `sharpeWindow` PnL
 *                      changes, defined with >= `minSharpeSamples` changes and std > 0
 *   e_i = clip(max(Phi_i, 0) * (0.5 + 0.5 * activity_i), 0, 1),   X_i += e_i   (each crowding update;
 *         the two 0.5 weights are exposureBase and exposureActivityWeight)
 *   sample (X_i, s_i) per agent per crowding update, the last `maxSamples` kept (pooled)
 *   fit   log(max(s, sharpeFloor)) = log(alpha_max) - lambda * X   by OLS, >= `minFitSamples`
 *   lambda = max(-slope, 0); half_life = ln 2 / lambda (null when lambda ~ 0)
 *
 * The fit is lazy: it runs when asked and is cached until a new sample arrives. Its bootstrap
 * confidence interval of the half-life resamples the pooled samples with a stream derived from the
 * simulation's Rng and the sample count, so the interval depends on the data only, not on how often
 * it was requested.
 */
import type { AlphaDecayConfig } from '../config.js';
import type { Rng } from '../rng.js';
import { requireDecayInteger } from './decay-options.js';
import { clip } from '../analytics/stats.js';
import { blockBootstrapHalfLife, fitLogLinear, LOG_LINEAR_LAMBDA_EPS, logLinearHalfLife } from './exponential-fit.js';
import { growF64, growI32, growU8 } from '../util/typed-grow.js';
import { loadFields, saveFields, StateCodecError, type EncodedState } from '../util/state-codec.js';

const ALPHA_DECAY_FIELDS = ['n', 'cap', 'changes', 'count', 'pos', 'sum', 'sumSq', 'shift', 'prevPnl', 'seen', 'exposure', 'sAgent', 'sX', 'sY', 'sStart', 'sSize', 'version'] as const;

export interface DecayCurvePoint {
  exposure: number;
  sharpe: number;
}

export interface DecayFit {
  samples: number;
  alphaMax: number | null;
  lambda: number | null;
  halfLife: number | null;
  r2: number | null;
  curve: DecayCurvePoint[];
  /** Bootstrap percentile interval of the half-life; a bound is null where it is infinite (lambda ~ 0). */
  halfLifeCi: { level: number; lower: number | null; upper: number | null; resamples: number } | null;
}

export class AlphaDecay {
  readonly opts: AlphaDecayConfig;
  private readonly rng: Rng;
  private n = 0;
  private cap = 0;
  private changes = new Float64Array(0); // cap × sharpeWindow rings
  private count = new Int32Array(0);
  private pos = new Int32Array(0);
  private sum = new Float64Array(0);
  private sumSq = new Float64Array(0);
  /** Per-agent shift of the running sums (a recent mean) against catastrophic cancellation. */
  private shift = new Float64Array(0);
  private prevPnl = new Float64Array(0);
  private seen = new Uint8Array(0);
  /** Cumulative crowding exposure X_i. */
  exposure = new Float64Array(0);
  private sAgent: Int32Array;
  private sX: Float64Array;
  private sY: Float64Array;
  private sStart = 0;
  private sSize = 0;
  private version = 0;
  private cached: DecayFit | null = null;
  private cachedVersion = -1;

  constructor(opts: AlphaDecayConfig, rng: Rng) {
    requireDecayInteger(opts, 'sharpeWindow', 2);
    requireDecayInteger(opts, 'maxSamples', 1);
    this.opts = opts;
    this.rng = rng.derive('alpha-decay');
    this.sAgent = new Int32Array(opts.maxSamples);
    this.sX = new Float64Array(opts.maxSamples);
    this.sY = new Float64Array(opts.maxSamples);
  }

  addAgent(): number {
    if (this.n === this.cap) this.grow(Math.max(8, this.cap * 2));
    return this.n++;
  }

  get sampleCount(): number {
    return this.sSize;
  }

  /** Records this tick's PnL (the first observation of an agent only sets its reference). */
  recordPnl(pnl: ArrayLike<number>): void {
    const W = this.opts.sharpeWindow;
    const n = Math.min(this.n, pnl.length);
    for (let i = 0; i < n; i++) {
      const p = pnl[i]!;
      if (!this.seen[i]) {
        this.seen[i] = 1;
        this.prevPnl[i] = p;
        continue;
      }
      const d = p - this.prevPnl[i]!;
      this.prevPnl[i] = p;
      const at = i * W + this.pos[i]!;
      if (this.count[i] === 0) this.shift[i] = d;
      const sh = this.shift[i]!;
      if (this.count[i]! === W) {
        const old = this.changes[at]! - sh;
        this.sum[i]! -= old;
        this.sumSq[i]! -= old * old;
      } else this.count[i]!++;
      this.changes[at] = d;
      this.sum[i]! += d - sh;
      this.sumSq[i]! += (d - sh) * (d - sh);
      const next = this.pos[i]! + 1;
      if (next === W) {
        this.pos[i] = 0;
        // exact re-sum once per lap keeps the running sums free of drift
        const c = this.count[i]!;
        let total = 0;
        for (let k = 0; k < c; k++) total += this.changes[i * W + k]!;
        const mean = total / c;
        this.shift[i] = mean;
        let s = 0;
        let s2 = 0;
        for (let k = 0; k < c; k++) {
          const v = this.changes[i * W + k]! - mean;
          s += v;
          s2 += v * v;
        }
        this.sum[i] = s;
        this.sumSq[i] = s2;
      } else this.pos[i] = next;
    }
  }

  /** Sharpe proxy of agent i, or null when undefined. */
  sharpeProxy(i: number): number | null {
    const c = this.count[i] ?? 0;
    if (c < this.opts.minSharpeSamples || c === 0) return null;
    const ms = this.sum[i]! / c;
    const v = this.sumSq[i]! / c - ms * ms;
    if (!(v > 1e-24)) return null;
    return (this.shift[i]! + ms) / Math.sqrt(v);
  }

  /**
   * One crowding update: accumulate exposure from Phi and activity, then record a sample for each
   * agent whose Sharpe proxy is defined.
   */
  observeCrowding(phi: ArrayLike<number>, activity: ArrayLike<number>): void {
    const n = Math.min(this.n, phi.length, activity.length);
    const { exposureBase, exposureActivityWeight } = this.opts;
    for (let i = 0; i < n; i++) {
      const e = clip(Math.max(phi[i]!, 0) * (exposureBase + exposureActivityWeight * activity[i]!), 0, 1);
      this.exposure[i]! += e;
      const s = this.sharpeProxy(i);
      if (s !== null) this.addSample(i, this.exposure[i]!, s);
    }
  }

  /** Adds one (exposure, Sharpe) observation for agent index `agent`. */
  addSample(agent: number, exposure: number, sharpe: number): void {
    const M = this.opts.maxSamples;
    let at: number;
    if (this.sSize < M) at = (this.sStart + this.sSize++) % M;
    else {
      at = this.sStart;
      this.sStart = (this.sStart + 1) % M;
    }
    this.sAgent[at] = agent;
    this.sX[at] = exposure;
    this.sY[at] = sharpe;
    this.version++;
  }

  /** Pooled fit over all agents' samples (cached until a new sample arrives). */
  fit(): DecayFit {
    if (this.cachedVersion === this.version && this.cached) return this.cached;
    const idx = new Int32Array(this.sSize);
    for (let k = 0; k < this.sSize; k++) idx[k] = (this.sStart + k) % this.opts.maxSamples;
    this.cached = this.fitIndices(idx, `pooled:${this.version}`);
    this.cachedVersion = this.version;
    return this.cached;
  }

  /** Fit over the kept samples of one agent. */
  fitAgent(agent: number): DecayFit {
    const list: number[] = [];
    for (let k = 0; k < this.sSize; k++) {
      const at = (this.sStart + k) % this.opts.maxSamples;
      if (this.sAgent[at] === agent) list.push(at);
    }
    return this.fitIndices(Int32Array.from(list), `agent:${agent}:${this.version}`);
  }

  private fitIndices(idx: Int32Array, streamKey: string): DecayFit {
    const m = idx.length;
    const empty: DecayFit = { samples: m, alphaMax: null, lambda: null, halfLife: null, r2: null, curve: [], halfLifeCi: null };
    if (m < this.opts.minFitSamples) return empty;
    const xs = new Float64Array(m);
    const ys = new Float64Array(m);
    let maxX = 0;
    for (let k = 0; k < m; k++) {
      xs[k] = this.sX[idx[k]!]!;
      ys[k] = Math.log(Math.max(this.sY[idx[k]!]!, this.opts.sharpeFloor));
      if (xs[k]! > maxX) maxX = xs[k]!;
    }
    const point = fitLogLinear(xs, ys);
    const halfLife = point.lambda > LOG_LINEAR_LAMBDA_EPS ? Math.LN2 / point.lambda : null;
    const P = Math.max(2, Math.floor(this.opts.curvePoints));
    const curve: DecayCurvePoint[] = [];
    for (let k = 0; k < P; k++) {
      const x = (maxX * k) / (P - 1);
      curve.push({ exposure: x, sharpe: point.alphaMax * Math.exp(-point.lambda * x) });
    }
    return {
      samples: m,
      alphaMax: point.alphaMax,
      lambda: point.lambda,
      halfLife,
      r2: point.r2,
      curve,
      halfLifeCi: this.bootstrap(xs, ys, streamKey),
    };
  }

  /** The i.i.d. bootstrap of the original: blocks of one sample over one sequence. */
  private bootstrap(xs: Float64Array, ys: Float64Array, streamKey: string): DecayFit['halfLifeCi'] {
    const ci = blockBootstrapHalfLife(xs, ys, [[0, xs.length]], { resamples: this.opts.bootstrapSamples, level: this.opts.bootstrapLevel, blockLength: 1 }, this.rng.derive(streamKey), logLinearHalfLife);
    return ci ? { level: ci.level, lower: ci.lower, upper: ci.upper, resamples: ci.resamples } : null;
  }

  /** Exact snapshot (for checkpoints); the fit is recomputed on the next request. */
  saveState(): EncodedState {
    return saveFields(this, ALPHA_DECAY_FIELDS);
  }

  loadState(state: unknown, where = 'AlphaDecay'): void {
    const n = this.n;
    loadFields(this, ALPHA_DECAY_FIELDS, state, where, { sameLength: ['sAgent', 'sX', 'sY'] });
    if (this.n !== n) throw new StateCodecError(`${where}: snapshot has ${this.n} agents, this model ${n}`);
    this.cached = null;
    this.cachedVersion = -1;
  }

  private grow(cap: number): void {
    const W = this.opts.sharpeWindow;
    const f = (a: Float64Array, width = 1) => growF64(a, cap * width);
    const i32 = (a: Int32Array) => growI32(a, cap);
    this.changes = f(this.changes, W);
    this.count = i32(this.count);
    this.pos = i32(this.pos);
    this.sum = f(this.sum);
    this.sumSq = f(this.sumSq);
    this.shift = f(this.shift);
    this.prevPnl = f(this.prevPnl);
    this.exposure = f(this.exposure);
    this.seen = growU8(this.seen, cap);
    this.cap = cap;
  }
}
