/**
 * Liquidity Fragility Index (docs/MODEL.md §11): how thin the visible book is and how one-sided the
 * flow hitting it is.
 *
 * `normalization: "reference"` (default) measures against a configured reference depth, on a fixed
 * scale, so two runs or two configurations can be compared (a kappa sweep moves it):
 *   thinness    = referenceDepth / (referenceDepth + visible depth)   (1/2 at the reference depth)
 *   flow        = |aggressive buy qty - aggressive sell qty| / qty over the last `flowWindow` ticks
 *                 (0 without prints)
 *   raw         = thinness * (1 + flow) / 2                           (in [0, 1))
 *   LFI         = mean of the last `smoothing` raws
 *
 * `normalization: "run"` is the seed's form, a z-score against the run's own early book (it compares
 * a market with its own start only):
 *   step        = median gap between adjacent visible price levels (tick size when fewer than
 *                 two levels on both sides) — the "inferred price step"
 *   near ratio  = depth within nearSteps*step of mid / depth of the whole snapshot
 *                 (1 for an empty book: nothing behind the touch is maximally fragile)
 *   imbalance   = |buy prints - sell prints| / prints, a print at or above the pre-trade mid is a buy
 *   raw         = ratio * (1 + imbalance)
 *   baseline    = mean/std (population) of the first `baselineObservations` raws, then fixed
 *   LFI         = clip((mean of last `smoothing` raws - baseline mean) / (2 * baseline std), 0, 1)
 *                 (0 until the baseline exists; std floored at 1e-9)
 *   alert       = NORMAL < warning <= WARNING < danger <= DANGER < critical <= CRITICAL
 */
import type { FragilityConfig } from '../config.js';
import type { BookLevel, DepthSnapshot, Side } from '../types.js';
import { Float64Ring, RingBuffer } from '../util/ring-buffer.js';
import type { FragilitySnapshotWire } from '../wire/index.js';
import { loadFields, saveFields, type EncodedState } from '../util/state-codec.js';

import { clip } from './stats.js';

const FRAGILITY_FIELDS = ['baselineRaw', 'baseline', 'lastReading', 'lastTick', 'observations'] as const;

export const LfiAlert = {
  NORMAL: 'NORMAL',
  WARNING: 'WARNING',
  DANGER: 'DANGER',
  CRITICAL: 'CRITICAL',
} as const;
export type LfiAlert = (typeof LfiAlert)[keyof typeof LfiAlert];

export interface FragilityReading {
  lfi: number;
  alert: LfiAlert;
  nearDepthRatio: number;
  fillImbalance: number;
  /** Visible depth of the snapshot (both sides). */
  depth: number;
  /** Aggressor-signed volume imbalance over the last `flowWindow` ticks. */
  flowImbalance: number;
  raw: number;
}

/** What one tick contributes: the book's shape and size and the flow that hit it. */
export interface FragilityComponents {
  nearDepthRatio: number;
  fillImbalance: number;
  depth: number;
  flowImbalance: number;
}

/** A print as the LFI reads it: its price (buy or sell against the mid) and, for the flow, size and aggressor. */
export interface FragilityFill {
  price: number;
  qty: number;
  aggressor: Side;
}

const STD_FLOOR = 1e-9;

/** Scratch for the level gaps (depth snapshots are small; grows if one is not). */
let gapScratch = new Float64Array(64);

function collectGaps(levels: readonly BookLevel[], count: number): number {
  for (let k = 1; k < levels.length; k++) {
    const g = Math.abs(levels[k]!.price - levels[k - 1]!.price);
    if (g > 0) {
      if (count === gapScratch.length) {
        const bigger = new Float64Array(count * 2);
        bigger.set(gapScratch);
        gapScratch = bigger;
      }
      gapScratch[count++] = g;
    }
  }
  return count;
}

/** Median adjacent-level gap of the snapshot, or `fallback`. */
export function inferPriceStep(depth: Pick<DepthSnapshot, 'bids' | 'asks'>, fallback: number): number {
  const count = collectGaps(depth.asks, collectGaps(depth.bids, 0));
  if (count === 0) return fallback;
  const gaps = gapScratch.subarray(0, count).sort();
  const h = count >> 1;
  return count % 2 ? gaps[h]! : (gaps[h - 1]! + gaps[h]!) / 2;
}

/** Share of snapshot depth within `nearSteps` inferred steps of `mid` (1 for an empty book). */
export function nearDepthRatio(
  depth: Pick<DepthSnapshot, 'bids' | 'asks'>,
  mid: number,
  nearSteps: number,
  tickSize: number,
): number {
  const reach = nearSteps * inferPriceStep(depth, tickSize) + 1e-12;
  let near = 0;
  let total = 0;
  for (const l of depth.bids) {
    total += l.qty;
    if (Math.abs(l.price - mid) <= reach) near += l.qty;
  }
  for (const l of depth.asks) {
    total += l.qty;
    if (Math.abs(l.price - mid) <= reach) near += l.qty;
  }
  return total > 0 ? near / total : 1;
}

/** Visible depth of the snapshot: the quantity on both sides. */
export function visibleDepth(depth: Pick<DepthSnapshot, 'bids' | 'asks'>): number {
  let total = 0;
  for (const l of depth.bids) total += l.qty;
  for (const l of depth.asks) total += l.qty;
  return total;
}

/** referenceDepth / (referenceDepth + depth): 1/2 at the reference, towards 1 as the book empties. */
export function thinness(depth: number, referenceDepth: number): number {
  return referenceDepth / (referenceDepth + depth);
}

/** |buys - sells| / prints, prints at or above `mid` counting as buys; 0 without prints. */
export function fillImbalance(fills: readonly { price: number }[], mid: number): number {
  let buys = 0;
  let sells = 0;
  for (const f of fills) {
    if (f.price >= mid) buys++;
    else sells++;
  }
  const total = buys + sells;
  return total > 0 ? Math.abs(buys - sells) / total : 0;
}

export class FragilityIndex {
  readonly opts: FragilityConfig;
  private readonly recent: Float64Ring;
  private readonly baselineRaw: number[] = [];
  private baseline: { mean: number; std: number } | null = null;
  private readonly historyTick: Float64Ring;
  private readonly historyLfi: Float64Ring;
  private readonly historyRaw: Float64Ring;
  /**
   * The rest of each history reading, for display (optional display state in checkpoints: after
   * restoring an older checkpoint its entries show null); aligned with the rings from their newest end.
   */
  private readonly historyDetail: RingBuffer<{ near: number; imbalance: number; alert: LfiAlert }>;
  /** Aggressive buy and sell quantity of each of the last `flowWindow` ticks. */
  private readonly flowBuy: Float64Ring;
  private readonly flowSell: Float64Ring;
  private lastReading: FragilityReading = { lfi: 0, alert: LfiAlert.NORMAL, nearDepthRatio: 0, fillImbalance: 0, depth: 0, flowImbalance: 0, raw: 0 };
  private lastTick: number | null = null;
  private observations = 0;

  constructor(opts: FragilityConfig) {
    this.opts = opts;
    this.recent = new Float64Ring(Math.max(1, Math.floor(opts.smoothing)));
    const h = Math.max(1, Math.floor(opts.historyLength));
    this.historyTick = new Float64Ring(h);
    this.historyLfi = new Float64Ring(h);
    this.historyRaw = new Float64Ring(h);
    this.historyDetail = new RingBuffer(h);
    const w = Math.max(1, Math.floor(opts.flowWindow));
    this.flowBuy = new Float64Ring(w);
    this.flowSell = new Float64Ring(w);
  }

  /** Alert level for an LFI value. */
  alertFor(lfi: number): LfiAlert {
    const o = this.opts;
    if (lfi >= o.critical) return LfiAlert.CRITICAL;
    if (lfi >= o.danger) return LfiAlert.DANGER;
    if (lfi >= o.warning) return LfiAlert.WARNING;
    return LfiAlert.NORMAL;
  }

  /** One tick: the post-trade book and this tick's prints against the pre-trade mid. */
  observe(
    tick: number,
    depth: Pick<DepthSnapshot, 'bids' | 'asks'>,
    mid: number,
    fills: readonly FragilityFill[],
    preTradeMid: number,
    tickSize: number,
  ): FragilityReading {
    let buy = 0;
    let sell = 0;
    for (const f of fills) {
      if (f.aggressor === 'BID') buy += f.qty;
      else sell += f.qty;
    }
    return this.observeComponents(tick, {
      nearDepthRatio: nearDepthRatio(depth, mid, this.opts.nearSteps, tickSize),
      fillImbalance: fillImbalance(fills, preTradeMid),
      depth: visibleDepth(depth),
      flowImbalance: this.pushFlow(buy, sell),
    });
  }

  /** Adds one tick's aggressive buy and sell quantity; the imbalance over the flow window. */
  private pushFlow(buy: number, sell: number): number {
    this.flowBuy.push(buy);
    this.flowSell.push(sell);
    let b = 0;
    let s = 0;
    for (let k = 0; k < this.flowBuy.length; k++) {
      b += this.flowBuy.get(k);
      s += this.flowSell.get(k);
    }
    return b + s > 0 ? Math.abs(b - s) / (b + s) : 0;
  }

  /** The raw reading of one tick under the configured normalization. */
  rawOf(c: FragilityComponents): number {
    return this.opts.normalization === 'run'
      ? c.nearDepthRatio * (1 + c.fillImbalance)
      : (thinness(c.depth, this.opts.referenceDepth) * (1 + c.flowImbalance)) / 2;
  }

  /** Same as `observe` from already computed components. */
  observeComponents(tick: number, c: FragilityComponents): FragilityReading {
    const raw = this.rawOf(c);
    this.recent.push(raw);
    this.observations++;
    let s = 0;
    for (let k = 0; k < this.recent.length; k++) s += this.recent.get(k);
    const smoothed = s / this.recent.length;
    let lfi: number;
    if (this.opts.normalization === 'run') {
      const need = Math.max(1, Math.floor(this.opts.baselineObservations));
      if (!this.baseline) {
        this.baselineRaw.push(raw);
        if (this.baselineRaw.length >= need) {
          const m = this.baselineRaw.reduce((a, b) => a + b, 0) / this.baselineRaw.length;
          const v = this.baselineRaw.reduce((a, b) => a + (b - m) * (b - m), 0) / this.baselineRaw.length;
          this.baseline = { mean: m, std: Math.sqrt(v) };
          this.baselineRaw.length = 0;
        }
      }
      lfi = this.baseline ? clip((smoothed - this.baseline.mean) / (2 * Math.max(this.baseline.std, STD_FLOOR)), 0, 1) : 0;
    } else {
      lfi = smoothed;
    }
    const ratio = c.nearDepthRatio;
    const imbalance = c.fillImbalance;
    this.lastReading = { lfi, alert: this.alertFor(lfi), nearDepthRatio: ratio, fillImbalance: imbalance, depth: c.depth, flowImbalance: c.flowImbalance, raw };
    this.lastTick = tick;
    this.historyTick.push(tick);
    this.historyLfi.push(lfi);
    this.historyRaw.push(raw);
    this.historyDetail.push({ near: ratio, imbalance, alert: this.lastReading.alert });
    return this.lastReading;
  }

  /** Exact snapshot (for checkpoints). */
  saveState(): EncodedState {
    return {
      ...saveFields(this, FRAGILITY_FIELDS),
      recent: this.recent.saveState(),
      historyTick: this.historyTick.saveState(),
      historyLfi: this.historyLfi.saveState(),
      historyRaw: this.historyRaw.saveState(),
      flowBuy: this.flowBuy.saveState(),
      flowSell: this.flowSell.saveState(),
    };
  }

  loadState(state: unknown, where = 'FragilityIndex'): void {
    const s = (state ?? {}) as Record<string, unknown>;
    loadFields(this, FRAGILITY_FIELDS, state, where, { nullable: ['baseline', 'lastTick'] });
    this.recent.loadState(s['recent'], `${where}.recent`);
    this.historyTick.loadState(s['historyTick'], `${where}.historyTick`);
    this.historyLfi.loadState(s['historyLfi'], `${where}.historyLfi`);
    this.historyRaw.loadState(s['historyRaw'], `${where}.historyRaw`);
    // Checkpoints written before the flow window existed resume with an empty one (it refills in
    // `flowWindow` ticks).
    if (s['flowBuy'] === undefined && s['flowSell'] === undefined) {
      this.flowBuy.clear();
      this.flowSell.clear();
    } else {
      this.flowBuy.loadState(s['flowBuy'], `${where}.flowBuy`);
      this.flowSell.loadState(s['flowSell'], `${where}.flowSell`);
    }
  }

  get reading(): FragilityReading {
    return this.lastReading;
  }

  /** Plain JSON (snake_case) for GET /analytics/fragility. */
  /** The display details as plain JSON (checkpointed beside the state, optional on restore). */
  displayState(): Array<{ near: number; imbalance: number; alert: LfiAlert }> {
    return this.historyDetail.toArray();
  }

  loadDisplayState(state: unknown): void {
    this.historyDetail.clear();
    if (Array.isArray(state)) for (const d of state) if (d && typeof d === 'object') this.historyDetail.push(d as { near: number; imbalance: number; alert: LfiAlert });
  }

  snapshot(): FragilitySnapshotWire {
    const r = this.lastReading;
    const history: FragilitySnapshotWire['history'] = [];
    const len = this.historyTick.length;
    const offset = len - this.historyDetail.length;
    for (let k = 0; k < len; k++) {
      const detail = k >= offset ? this.historyDetail.at(k - offset) : undefined;
      const raw = this.historyRaw.get(k);
      history.push({
        tick: this.historyTick.get(k),
        lfi: this.historyLfi.get(k),
        raw,
        adjusted_ratio: raw,
        near_depth_ratio: detail ? detail.near : null,
        fill_imbalance: detail ? detail.imbalance : null,
        alert_level: detail ? detail.alert : null,
      });
    }
    return {
      tick: this.lastTick,
      lfi: r.lfi,
      alert: r.alert,
      alert_level: r.alert,
      near_depth_ratio: r.nearDepthRatio,
      fill_imbalance: r.fillImbalance,
      raw: r.raw,
      adjusted_ratio: r.raw,
      normalization: this.opts.normalization,
      depth: r.depth,
      reference_depth: this.opts.referenceDepth,
      flow_imbalance: r.flowImbalance,
      flow_window: this.opts.flowWindow,
      observations: this.observations,
      baseline: this.baseline ? { mean: this.baseline.mean, std: this.baseline.std } : null,
      baseline_observations: this.opts.baselineObservations,
      thresholds: { warning: this.opts.warning, danger: this.opts.danger, critical: this.opts.critical },
      history,
    };
  }
}
