/**
 * Market regime classification (docs/MODEL.md §12) from rolling volatility, volatility clustering, drift,
 * fragility, spread elasticity and crowding, with thresholds that self-calibrate: once
 * `calibrationObservations` ticks have been seen, each threshold becomes max(its floor, the
 * rolling quantile of that metric over the last `historyLength` ticks); q90 and q75 below are
 * `highQuantile` and `lowQuantile`. Quantiles are taken over
 * past observations (before the current tick is added), so a spike is judged against the market
 * it interrupts.
 *
 *   volatility    population std of the last volWindow log returns
 *   vol_autocorr  lag-1 autocorrelation of |log return| over the last volAutocorrWindow
 *   drift         mean log return over the last driftWindow
 *   elasticity    (relative spread widening) / (relative depth drop) * (1 + |fill imbalance|),
 *                 0 when depth did not drop, clipped to [0, elasticityMax]
 *
 *   CRASH_PRONE  (lfi >= max(crashLfi, q90) and elasticity >= max(crashElasticity, q90) and
 *                 crowding >= max(crashCrowding, q75))
 *                or (vol >= max(crashVol, q90) and vol_autocorr >= max(crashVolAutocorr, q75) and
 *                 lfi >= max(crashVolLfi, q75))
 *   UNSTABLE     vol >= max(unstableVol, q75) and (vol_autocorr >= unstableVolAutocorr or
 *                 elasticity >= max(unstableElasticity, q75) or lfi >= max(unstableLfi, q75))
 *   TRENDING     |drift| >= max(trendDrift, q75) and lfi < max(trendLfi, q90)
 *   CALM         otherwise
 *
 * Breakdowns the self-calibrating thresholds would learn to call normal (a market that keeps
 * falling recalibrates its quantiles to the fall) override the rules with fixed criteria:
 *   CRASH_PRONE  the price is crashDrawdown (20 %) or more below its running peak, or that far
 *                above its running trough
 *   UNSTABLE     (at least) one side of the book was empty on >= unstableEmptySide (5 %) of the
 *                last volWindow ticks
 */
import type { RegimeConfig } from '../config.js';
import type { RegimeSnapshotWire } from '../wire/index.js';
import { Float64Ring, RingBuffer } from '../util/ring-buffer.js';
import { RollingQuantile } from './rolling-quantile.js';
import { loadFields, saveFields, type EncodedState } from '../util/state-codec.js';

const REGIME_FIELDS = ['prevSpread', 'prevDepth', 'observations', 'current', 'lastMetrics', 'lastThresholds', 'lastTick', 'sinceTick', 'changes', 'counts'] as const;
const REGIME_QUANTILES = ['qVol', 'qVolAc', 'qDrift', 'qLfi', 'qElastic', 'qCrowd'] as const;
const BREAKDOWN_FIELDS = ['logPrice', 'peak', 'trough', 'emptyCount'] as const;
import { clip } from './stats.js';

export const Regime = {
  CALM: 'CALM',
  TRENDING: 'TRENDING',
  UNSTABLE: 'UNSTABLE',
  CRASH_PRONE: 'CRASH_PRONE',
} as const;
export type Regime = (typeof Regime)[keyof typeof Regime];

export interface RegimeInput {
  tick: number;
  logReturn: number;
  lfi: number;
  /** Post-trade spread; null when a side is empty. */
  spread: number | null;
  /** Total visible depth (both sides of the snapshot). */
  depth: number;
  /** |buy prints - sell prints| / prints of this tick. */
  fillImbalance: number;
  /** Aggregate crowding intensity. */
  crowding: number;
}

export interface RegimeMetrics {
  volatility: number;
  vol_autocorr: number;
  drift: number;
  lfi: number;
  elasticity: number;
  crowding: number;
}

export interface RegimeThresholds {
  crash_lfi: number;
  crash_elasticity: number;
  crash_crowding: number;
  crash_vol: number;
  crash_vol_autocorr: number;
  crash_vol_lfi: number;
  unstable_vol: number;
  unstable_vol_autocorr: number;
  unstable_elasticity: number;
  unstable_lfi: number;
  trend_drift: number;
  trend_lfi: number;
}

/** One tick of GET /analytics/regime → history (the original API's names). */
export type RegimeHistoryPoint = RegimeSnapshotWire['history'][number];

export interface RegimeReading {
  regime: Regime;
  prevRegime: Regime | null;
  changed: boolean;
  metrics: RegimeMetrics;
}

const quantileOf = (r: RollingQuantile, p: number): number => r.quantile(p);
const never = (): number => -Infinity;

export class RegimeDetector {
  readonly opts: RegimeConfig;
  private readonly returns: Float64Ring;
  private readonly qVol: RollingQuantile;
  private readonly qVolAc: RollingQuantile;
  private readonly qDrift: RollingQuantile;
  private readonly qLfi: RollingQuantile;
  private readonly qElastic: RollingQuantile;
  private readonly qCrowd: RollingQuantile;
  private prevSpread: number | null = null;
  private prevDepth: number | null = null;
  private observations = 0;
  private current: Regime | null = null;
  private lastMetrics: RegimeMetrics = { volatility: 0, vol_autocorr: 0, drift: 0, lfi: 0, elasticity: 0, crowding: 0 };
  private lastThresholds: RegimeThresholds;
  private lastTick: number | null = null;
  private sinceTick: number | null = null;
  private readonly changes: { tick: number; regime: Regime; prev_regime: Regime | null }[] = [];
  private readonly counts: Record<Regime, number> = { CALM: 0, TRENDING: 0, UNSTABLE: 0, CRASH_PRONE: 0 };
  /** Recent readings for display (historyLength ticks; checkpointed as optional display state). */
  private readonly history: RingBuffer<RegimeHistoryPoint>;
  /** Cumulative log price since the first tick, its running peak and trough (breakdown rules). */
  private logPrice = 0;
  private peak = 0;
  private trough = 0;
  /** 1 for ticks with an empty side, over the last volWindow ticks, and their count. */
  private readonly empties: Float64Ring;
  private emptyCount = 0;

  constructor(opts: RegimeConfig) {
    this.opts = opts;
    const span = Math.max(opts.volWindow, opts.volAutocorrWindow, opts.driftWindow, 2);
    this.returns = new Float64Ring(span);
    const h = Math.max(1, Math.floor(opts.historyLength));
    this.history = new RingBuffer<RegimeHistoryPoint>(h);
    this.qVol = new RollingQuantile(h);
    this.qVolAc = new RollingQuantile(h);
    this.qDrift = new RollingQuantile(h);
    this.qLfi = new RollingQuantile(h);
    this.qElastic = new RollingQuantile(h);
    this.qCrowd = new RollingQuantile(h);
    this.lastThresholds = this.thresholds(false);
    this.empties = new Float64Ring(Math.max(1, opts.volWindow));
  }

  get regime(): Regime | null {
    return this.current;
  }

  get calibrated(): boolean {
    return this.observations >= this.opts.calibrationObservations;
  }

  observe(input: RegimeInput): RegimeReading {
    this.returns.push(Number.isFinite(input.logReturn) ? input.logReturn : 0);
    const metrics: RegimeMetrics = {
      volatility: this.volatility(),
      vol_autocorr: this.absReturnAutocorr(),
      drift: this.drift(),
      lfi: input.lfi,
      elasticity: this.elasticity(input),
      crowding: input.crowding,
    };
    this.prevSpread = input.spread ?? this.prevSpread;
    this.prevDepth = input.depth;
    const th = this.thresholds(this.calibrated);
    const regime = this.breakdown(input) ?? this.classify(metrics, th);
    this.qVol.push(metrics.volatility);
    this.qVolAc.push(metrics.vol_autocorr);
    this.qDrift.push(Math.abs(metrics.drift));
    this.qLfi.push(metrics.lfi);
    this.qElastic.push(metrics.elasticity);
    this.qCrowd.push(metrics.crowding);
    this.observations++;
    const prev = this.current;
    const changed = prev !== regime;
    if (changed) {
      this.changes.push({ tick: input.tick, regime, prev_regime: prev });
      if (this.changes.length > this.opts.historyLength) this.changes.shift();
      this.sinceTick = input.tick;
    }
    this.current = regime;
    this.counts[regime]++;
    this.lastMetrics = metrics;
    this.lastThresholds = th;
    this.lastTick = input.tick;
    this.history.push({
      tick: input.tick,
      regime,
      vol_level: metrics.volatility,
      vol_autocorr: metrics.vol_autocorr,
      lfi: metrics.lfi,
      spread_elasticity: metrics.elasticity,
      crowding: metrics.crowding,
      drift: metrics.drift,
    });
    return { regime, prevRegime: prev, changed, metrics };
  }

  /** The regime rules (docs/MODEL.md §12) applied to one set of metrics and thresholds. */
  classify(m: RegimeMetrics, t: RegimeThresholds): Regime {
    if (
      (m.lfi >= t.crash_lfi && m.elasticity >= t.crash_elasticity && m.crowding >= t.crash_crowding) ||
      (m.volatility >= t.crash_vol && m.vol_autocorr >= t.crash_vol_autocorr && m.lfi >= t.crash_vol_lfi)
    ) {
      return Regime.CRASH_PRONE;
    }
    if (
      m.volatility >= t.unstable_vol &&
      (m.vol_autocorr >= t.unstable_vol_autocorr || m.elasticity >= t.unstable_elasticity || m.lfi >= t.unstable_lfi)
    ) {
      return Regime.UNSTABLE;
    }
    if (Math.abs(m.drift) >= t.trend_drift && m.lfi < t.trend_lfi) return Regime.TRENDING;
    return Regime.CALM;
  }

  /** The fixed breakdown rules (see the header), or null when neither applies. Updates their state. */
  private breakdown(input: RegimeInput): Regime | null {
    if (Number.isFinite(input.logReturn)) this.logPrice += input.logReturn;
    this.peak = Math.max(this.peak, this.logPrice);
    this.trough = Math.min(this.trough, this.logPrice);
    const empty = input.spread === null ? 1 : 0;
    if (this.empties.length === this.empties.capacity) this.emptyCount -= this.empties.get(0);
    this.empties.push(empty);
    this.emptyCount += empty;
    const o = this.opts;
    const fall = o.crashDrawdown > 0 && o.crashDrawdown < 1 ? -Math.log(1 - o.crashDrawdown) : Infinity;
    if (this.peak - this.logPrice >= fall || this.logPrice - this.trough >= fall) return Regime.CRASH_PRONE;
    if (this.emptyCount / this.empties.length >= o.unstableEmptySide && o.unstableEmptySide > 0) return Regime.UNSTABLE;
    return null;
  }

  /** Thresholds in force: the floors of docs/MODEL.md §12, raised to rolling quantiles once calibrated. */
  thresholds(calibrated: boolean): RegimeThresholds {
    const o = this.opts;
    const q = calibrated ? quantileOf : never;
    const hi = o.highQuantile;
    const lo = o.lowQuantile;
    return {
      crash_lfi: Math.max(o.crashLfi, q(this.qLfi, hi)),
      crash_elasticity: Math.max(o.crashElasticity, q(this.qElastic, hi)),
      crash_crowding: Math.max(o.crashCrowding, q(this.qCrowd, lo)),
      crash_vol: Math.max(o.crashVol, q(this.qVol, hi)),
      crash_vol_autocorr: Math.max(o.crashVolAutocorr, q(this.qVolAc, lo)),
      crash_vol_lfi: Math.max(o.crashVolLfi, q(this.qLfi, lo)),
      unstable_vol: Math.max(o.unstableVol, q(this.qVol, lo)),
      unstable_vol_autocorr: o.unstableVolAutocorr,
      unstable_elasticity: Math.max(o.unstableElasticity, q(this.qElastic, lo)),
      unstable_lfi: Math.max(o.unstableLfi, q(this.qLfi, lo)),
      trend_drift: Math.max(o.trendDrift, q(this.qDrift, lo)),
      trend_lfi: Math.max(o.trendLfi, q(this.qLfi, hi)),
    };
  }

  /** Exact snapshot (for checkpoints). */
  saveState(): EncodedState {
    const out: Record<string, EncodedState> = {
      ...saveFields(this, REGIME_FIELDS),
      returns: this.returns.saveState(),
      breakdown: { ...saveFields(this, BREAKDOWN_FIELDS), empties: this.empties.saveState() },
    };
    for (const k of REGIME_QUANTILES) out[k] = this[k].saveState();
    return out;
  }

  loadState(state: unknown, where = 'RegimeDetector'): void {
    const s = (state ?? {}) as Record<string, unknown>;
    loadFields(this, REGIME_FIELDS, state, where, { nullable: ['prevSpread', 'prevDepth', 'current', 'lastTick', 'sinceTick'] });
    this.returns.loadState(s['returns'], `${where}.returns`);
    for (const k of REGIME_QUANTILES) this[k].loadState(s[k], `${where}.${k}`);
    // Absent in checkpoints written before the breakdown rules: those start them afresh.
    const b = s['breakdown'] as Record<string, unknown> | undefined;
    if (b) {
      loadFields(this, BREAKDOWN_FIELDS, b, `${where}.breakdown`);
      this.empties.loadState(b['empties'], `${where}.breakdown.empties`);
    }
  }

  /** Plain JSON (snake_case) for GET /analytics/regime. */
  /** The display history as plain JSON (checkpointed beside the state, optional on restore). */
  displayState(): RegimeHistoryPoint[] {
    return this.history.toArray();
  }

  loadDisplayState(state: unknown): void {
    this.history.clear();
    if (Array.isArray(state)) for (const p of state) if (p && typeof p === 'object') this.history.push(p as RegimeHistoryPoint);
  }

  snapshot(): RegimeSnapshotWire {
    return {
      tick: this.lastTick,
      regime: this.current,
      current_regime: this.current,
      since_tick: this.sinceTick,
      metrics: { ...this.lastMetrics },
      thresholds: { ...this.lastThresholds } as unknown as Record<string, number>,
      calibrated: this.calibrated,
      observations: this.observations,
      calibration_observations: this.opts.calibrationObservations,
      regime_counts: { ...this.counts },
      changes: this.changes.slice(),
      history: this.history.toArray(),
    };
  }

  private volatility(): number {
    const r = this.returns;
    const k = Math.min(this.opts.volWindow, r.length);
    if (k < 2) return 0;
    let s = 0;
    for (let i = r.length - k; i < r.length; i++) s += r.get(i);
    const m = s / k;
    let v = 0;
    for (let i = r.length - k; i < r.length; i++) {
      const d = r.get(i) - m;
      v += d * d;
    }
    return Math.sqrt(v / k);
  }

  private absReturnAutocorr(): number {
    const r = this.returns;
    const k = Math.min(this.opts.volAutocorrWindow, r.length);
    if (k < 3) return 0;
    const start = r.length - k;
    let s = 0;
    for (let i = start; i < r.length; i++) s += Math.abs(r.get(i));
    const m = s / k;
    let den = 0;
    let num = 0;
    let prev = Math.abs(r.get(start)) - m;
    den += prev * prev;
    for (let i = start + 1; i < r.length; i++) {
      const d = Math.abs(r.get(i)) - m;
      den += d * d;
      num += prev * d;
      prev = d;
    }
    return den > 1e-300 ? num / den : 0;
  }

  private drift(): number {
    const r = this.returns;
    const k = Math.min(this.opts.driftWindow, r.length);
    if (k < 1) return 0;
    let s = 0;
    for (let i = r.length - k; i < r.length; i++) s += r.get(i);
    return s / k;
  }

  private elasticity(input: RegimeInput): number {
    const ps = this.prevSpread;
    const pd = this.prevDepth;
    if (ps === null || pd === null || input.spread === null || !(pd > 0) || !(ps > 0)) return 0;
    const depthDrop = (pd - input.depth) / pd;
    if (!(depthDrop > 1e-12)) return 0;
    const widening = Math.max(input.spread - ps, 0) / ps;
    return clip((widening / depthDrop) * (1 + Math.abs(input.fillImbalance)), 0, this.opts.elasticityMax);
  }
}
