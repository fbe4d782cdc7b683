/**
 * Liquidity Fragility Index (docs/MODEL.md §11): how much of the visible book sits right at the touch, and
 * how one-sided the prints are, against the market's own early baseline.
 *
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
import type { BookLevel, DepthSnapshot } from '../types.js';
import { Float64Ring, RingBuffer } from '../util/ring-buffer.js';
import type { FragilitySnapshotWire } from '../wire/index.js';
import { loadFields, saveFields, type EncodedState } from '../util/state-codec.js';

const FRAGILITY_FIELDS = ['baselineRaw', 'baseline', 'lastReading', 'lastTick', 'observations'] as const;
import { clip } from './stats.js';

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
  raw: number;
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
  private lastReading: FragilityReading = { lfi: 0, alert: LfiAlert.NORMAL, nearDepthRatio: 0, fillImbalance: 0, raw: 0 };
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
    fills: readonly { price: number }[],
    preTradeMid: number,
    tickSize: number,
  ): FragilityReading {
    const ratio = nearDepthRatio(depth, mid, this.opts.nearSteps, tickSize);
    const imbalance = fillImbalance(fills, preTradeMid);
    return this.observeRaw(tick, ratio, imbalance);
  }

  /** Same as `observe` from already computed components. */
  observeRaw(tick: number, ratio: number, imbalance: number): FragilityReading {
    const raw = ratio * (1 + imbalance);
    this.recent.push(raw);
    this.observations++;
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
    let lfi = 0;
    if (this.baseline) {
      let s = 0;
      for (let k = 0; k < this.recent.length; k++) s += this.recent.get(k);
      const smoothed = s / this.recent.length;
      lfi = clip((smoothed - this.baseline.mean) / (2 * Math.max(this.baseline.std, STD_FLOOR)), 0, 1);
    }
    this.lastReading = { lfi, alert: this.alertFor(lfi), nearDepthRatio: ratio, fillImbalance: imbalance, raw };
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
    };
  }

  loadState(state: unknown, where = 'FragilityIndex'): void {
    const s = (state ?? {}) as Record<string, unknown>;
    loadFields(this, FRAGILITY_FIELDS, state, where, { nullable: ['baseline', 'lastTick'] });
    this.recent.loadState(s['recent'], `${where}.recent`);
    this.historyTick.loadState(s['historyTick'], `${where}.historyTick`);
    this.historyLfi.loadState(s['historyLfi'], `${where}.historyLfi`);
    this.historyRaw.loadState(s['historyRaw'], `${where}.historyRaw`);
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
      observations: this.observations,
      baseline: this.baseline ? { mean: this.baseline.mean, std: this.baseline.std } : null,
      baseline_observations: this.opts.baselineObservations,
      thresholds: { warning: this.opts.warning, danger: this.opts.danger, critical: this.opts.critical },
      history,
    };
  }
}
