/**
 * Alpha decay per agent, over time (docs/MODEL.md, "Alpha decay"): does *this* agent's
 * risk-adjusted return fall as *its own* crowding exposure accumulates?
 *
 *   window       every `agentWindow` ticks (aligned on the tick number), non-overlapping
 *   y_i(window)  per-tick Sharpe of the window: mean / std (population) of the agent's PnL changes
 *                in it (not annualised; skipped when fewer than 2 changes or std = 0)
 *   x_i(window)  the agent's cumulative crowding exposure X_i at the window's end (AlphaDecay:
 *                X_i += clip(max(Phi_i, 0) · (base + weight · activity_i), 0, 1) per crowding update,
 *                so one unit ≈ one tick of full crowding exposure)
 *   fit          y = a · exp(−λ x) in levels (exponential-fit.ts); half-life ln 2 / λ in exposure
 *                units, and in ticks at the agent's own mean exposure rate X_i / ticks observed
 *   interval     moving-block bootstrap over the agent's time-ordered windows (blockLength windows)
 *
 * The same fit runs per strategy type (the agents of a type stacked, blocks never crossing agents)
 * and pooled over all agents (the market-level figure). Each agent keeps its last
 * `agentMaxSamples` windows. Fits are lazy and cached until the agent's next window closes; the
 * bootstrap stream is derived from the simulation's Rng and the sample count, so an interval
 * depends on the data only, not on how often it was asked for.
 */
import type { AlphaDecayConfig } from '../config.js';
import type { Rng } from '../rng.js';
import { requireDecayInteger } from './decay-options.js';
import { blockBootstrapHalfLife, fitExponentialLevels, type BootstrapInterval, type LevelsFit } from './exponential-fit.js';
import { growF64, growI32, growU8 } from '../util/typed-grow.js';
import { loadFields, saveFields, StateCodecError, type EncodedState } from '../util/state-codec.js';

const AGENT_DECAY_FIELDS = ['n', 'cap', 'seen', 'prevPnl', 'firstTick', 'lastTick', 'wSum', 'wSumSq', 'wCount', 'sx', 'sy', 'sCount', 'sPos', 'sTotal'] as const;

export interface DecayCurveRow {
  crowding: number;
  crowding_exposure: number;
  predicted_sharpe: number;
}

/** One fit as the API serves it: the original's `agent_decay_params` entry plus what a referee needs. */
export interface DecayParams {
  /** Fitted level a (per-tick Sharpe at zero exposure); the mean Sharpe when nothing decays; null without samples. */
  alpha_max: number | null;
  lambda: number | null;
  /** ln 2 / λ in cumulative-exposure units; null when no decaying exponential fits. */
  half_life: number | null;
  /** The half-life in ticks at the mean exposure rate of the fitted agents; null with half_life. */
  half_life_ticks: number | null;
  half_life_ci: { level: number; lower: number | null; upper: number | null; resamples: number; block_length: number } | null;
  r_squared: number | null;
  n_samples: number;
  fit_basis: 'cumulative_crowding_exposure';
  /** True when a decaying exponential fits; otherwise `reason` says why (and there is no half-life or interval). */
  decays: boolean;
  reason: string | null;
  /**
   * True when the decay is also found in enough resamples for the interval's upper bound to be
   * finite (more than (1 + level) / 2 of them); a point fit with an unbounded interval is not evidence.
   */
  significant: boolean;
  /** Mean cumulative exposure gained per tick by the fitted agents (converts half_life to ticks). */
  exposure_per_tick: number | null;
  curve: DecayCurveRow[];
}

export class AgentDecay {
  readonly opts: AlphaDecayConfig;
  private readonly rng: Rng;
  private n = 0;
  private cap = 0;
  private seen = new Uint8Array(0);
  private prevPnl = new Float64Array(0);
  private firstTick = new Float64Array(0);
  private lastTick = 0;
  private wSum = new Float64Array(0);
  private wSumSq = new Float64Array(0);
  private wCount = new Int32Array(0);
  /** Per agent a ring of `agentMaxSamples` windows: exposure at the window's end and its Sharpe. */
  private sx = new Float64Array(0);
  private sy = new Float64Array(0);
  private sCount = new Int32Array(0);
  private sPos = new Int32Array(0);
  /** Windows ever recorded per agent (versions the cache and keys the bootstrap stream). */
  private sTotal = new Int32Array(0);
  private cache = new Map<string, { version: string; params: DecayParams }>();

  constructor(opts: AlphaDecayConfig, rng: Rng) {
    requireDecayInteger(opts, 'agentWindow', 2);
    requireDecayInteger(opts, 'agentMaxSamples', 1);
    this.opts = opts;
    this.rng = rng.derive('agent-decay');
  }

  addAgent(): number {
    if (this.n === this.cap) this.grow(Math.max(8, this.cap * 2));
    return this.n++;
  }

  /** Windows currently kept for agent i. */
  samples(i: number): number {
    return this.sCount[i] ?? 0;
  }

  /**
   * One tick: each agent's PnL change joins its open window; on ticks divisible by `agentWindow`
   * the window closes into a (exposure, Sharpe) sample. `exposure` is AlphaDecay's X_i, read after
   * this tick's crowding update.
   */
  observe(tick: number, pnl: ArrayLike<number>, exposure: ArrayLike<number>): void {
    const n = Math.min(this.n, pnl.length);
    this.lastTick = tick;
    const close = tick % this.opts.agentWindow === 0;
    for (let i = 0; i < n; i++) {
      const p = pnl[i]!;
      if (!this.seen[i]) {
        this.seen[i] = 1;
        this.prevPnl[i] = p;
        this.firstTick[i] = tick;
      } else {
        const d = p - this.prevPnl[i]!;
        this.prevPnl[i] = p;
        this.wSum[i]! += d;
        this.wSumSq[i]! += d * d;
        this.wCount[i]!++;
      }
      if (!close) continue;
      const c = this.wCount[i]!;
      if (c >= 2) {
        const m = this.wSum[i]! / c;
        const v = this.wSumSq[i]! / c - m * m;
        if (v > Math.max(1e-24, 1e-12 * m * m)) this.push(i, exposure[i] ?? 0, m / Math.sqrt(v));
      }
      this.wSum[i] = 0;
      this.wSumSq[i] = 0;
      this.wCount[i] = 0;
    }
  }

  private push(i: number, x: number, y: number): void {
    const K = this.opts.agentMaxSamples;
    const at = i * K + this.sPos[i]!;
    this.sx[at] = x;
    this.sy[at] = y;
    this.sPos[i] = (this.sPos[i]! + 1) % K;
    if (this.sCount[i]! < K) this.sCount[i]!++;
    this.sTotal[i]!++;
  }

  /** Agent i's kept windows, oldest first, appended to `xs`/`ys`; returns how many. */
  private collect(i: number, xs: number[], ys: number[]): number {
    const K = this.opts.agentMaxSamples;
    const c = this.sCount[i]!;
    const start = c < K ? 0 : this.sPos[i]!;
    for (let k = 0; k < c; k++) {
      const at = i * K + ((start + k) % K);
      xs.push(this.sx[at]!);
      ys.push(this.sy[at]!);
    }
    return c;
  }

  /** Cumulative exposure per tick of agent i since it joined. */
  private rate(i: number, exposure: ArrayLike<number>): number | null {
    const ticks = this.lastTick - this.firstTick[i]! + 1;
    return this.seen[i] && ticks > 0 ? (exposure[i] ?? 0) / ticks : null;
  }

  /** The fit of one agent. */
  agentParams(i: number, exposure: ArrayLike<number>): DecayParams {
    return this.fitGroup(`agent:${i}`, [i], exposure);
  }

  /** The fit over a group of agents (a strategy type, or all of them: pass every index). */
  groupParams(key: string, agents: readonly number[], exposure: ArrayLike<number>): DecayParams {
    return this.fitGroup(key, agents, exposure);
  }

  private fitGroup(key: string, agents: readonly number[], exposure: ArrayLike<number>): DecayParams {
    let version = '';
    for (const i of agents) version += `${this.sTotal[i]},`;
    const hit = this.cache.get(key);
    if (hit && hit.version === version) return hit.params;
    const xs: number[] = [];
    const ys: number[] = [];
    const sequences: [number, number][] = [];
    let rateSum = 0;
    let rateN = 0;
    for (const i of agents) {
      const s = xs.length;
      const c = this.collect(i, xs, ys);
      if (c > 0) sequences.push([s, s + c]);
      const r = this.rate(i, exposure);
      if (r !== null && c > 0) {
        rateSum += r;
        rateN++;
      }
    }
    const rate = rateN > 0 ? rateSum / rateN : null;
    const params = this.toParams(xs, ys, sequences, rate, `${key}:${version}`);
    this.cache.set(key, { version, params });
    return params;
  }

  private toParams(xsList: number[], ysList: number[], sequences: [number, number][], rate: number | null, streamKey: string): DecayParams {
    const m = xsList.length;
    const base: DecayParams = {
      alpha_max: null,
      lambda: null,
      half_life: null,
      half_life_ticks: null,
      half_life_ci: null,
      r_squared: null,
      n_samples: m,
      fit_basis: 'cumulative_crowding_exposure',
      decays: false,
      reason: null,
      significant: false,
      exposure_per_tick: rate,
      curve: [],
    };
    if (m < this.opts.agentMinSamples) {
      return { ...base, reason: `${m} window samples; a fit needs at least ${this.opts.agentMinSamples} (alphaDecay.agentMinSamples)` };
    }
    const xs = Float64Array.from(xsList);
    const ys = Float64Array.from(ysList);
    const fit: LevelsFit = fitExponentialLevels(xs, ys);
    let maxX = 0;
    for (const x of xsList) if (x > maxX) maxX = x;
    const P = Math.max(2, Math.floor(this.opts.curvePoints));
    const curve: DecayCurveRow[] = [];
    for (let k = 0; k < P; k++) {
      const x = (maxX * k) / (P - 1);
      curve.push({ crowding: x, crowding_exposure: x, predicted_sharpe: fit.a * Math.exp(-fit.lambda * x) });
    }
    let ci: BootstrapInterval | null = null;
    if (fit.decays) {
      ci = blockBootstrapHalfLife(xs, ys, sequences, {
        resamples: resamplesFor(m, this.opts.bootstrapSamples),
        level: this.opts.bootstrapLevel,
        blockLength: this.opts.blockLength,
      }, this.rng.derive(streamKey));
    }
    return {
      ...base,
      alpha_max: fit.a,
      lambda: fit.lambda,
      half_life: fit.halfLife,
      half_life_ticks: fit.halfLife !== null && rate !== null && rate > 0 ? fit.halfLife / rate : null,
      half_life_ci: ci ? { level: ci.level, lower: ci.lower, upper: ci.upper, resamples: ci.resamples, block_length: ci.blockLength } : null,
      r_squared: fit.r2,
      decays: fit.decays,
      reason: fit.reason,
      significant: ci !== null && ci.upper !== null,
      curve,
    };
  }

  /** Exact snapshot (for checkpoints); fits are recomputed on the next request. */
  saveState(): EncodedState {
    return saveFields(this, AGENT_DECAY_FIELDS);
  }

  loadState(state: unknown, where = 'AgentDecay'): void {
    const n = this.n;
    loadFields(this, AGENT_DECAY_FIELDS, state, where);
    if (this.n !== n) throw new StateCodecError(`${where}: snapshot has ${this.n} agents, this model ${n}`);
    this.cache.clear();
  }

  private grow(cap: number): void {
    const K = this.opts.agentMaxSamples;
    this.seen = growU8(this.seen, cap);
    this.prevPnl = growF64(this.prevPnl, cap);
    this.firstTick = growF64(this.firstTick, cap);
    this.wSum = growF64(this.wSum, cap);
    this.wSumSq = growF64(this.wSumSq, cap);
    this.wCount = growI32(this.wCount, cap);
    this.sx = growF64(this.sx, cap * K);
    this.sy = growF64(this.sy, cap * K);
    this.sCount = growI32(this.sCount, cap);
    this.sPos = growI32(this.sPos, cap);
    this.sTotal = growI32(this.sTotal, cap);
    this.cap = cap;
  }
}

/** Resampled windows a group's bootstrap may fit in total (keeps a 100-agent pooled interval under ~0.1 s). */
export const BOOTSTRAP_BUDGET = 400_000;
/** Fewest resamples of any interval. */
export const MIN_RESAMPLES = 50;

/**
 * Resamples for a fit over `m` windows: `bootstrapSamples`, fewer for large groups (strategy types,
 * the pooled fit) so that resamples × m stays within BOOTSTRAP_BUDGET, but never fewer than
 * MIN_RESAMPLES. A single agent (≤ agentMaxSamples = 200 windows) always gets the full count.
 */
export function resamplesFor(m: number, bootstrapSamples: number): number {
  const B = Math.floor(bootstrapSamples);
  if (B < 1) return B;
  return Math.max(Math.min(B, MIN_RESAMPLES), Math.min(B, Math.floor(BOOTSTRAP_BUDGET / Math.max(m, 1))));
}
