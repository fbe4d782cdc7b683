/**
 * Momentum (docs/MODEL.md §6): a fast and a slow EMA of the mid; the relative gap, less an inventory
 * pressure term, is the signal. Strong signals take liquidity with market orders, weaker ones
 * join the opposite touch with a limit order. The i-th momentum agent uses longer EMAs so the
 * population is not one strategy copied N times.
 *
 * With `volatilityUnits` the gap is measured in standard deviations of the gap a random walk with
 * the agent's own realized 1-tick volatility would produce (`emaGapStd`), so the thresholds mean
 * "an unusually strong trend" in a calm market as in a wild one. Without it the gap is a fixed
 * fraction of the price (the original): such an agent never trades in a market calmer than the one
 * its thresholds were tuned on, and trades on every tick in a wilder one.
 */
import type { MomentumConfig } from '../config.js';
import type { MarketState, OrderIntent } from '../types.js';
import { BaseAgent, Orders } from './base-agent.js';

export class MomentumAgent extends BaseAgent {
  private fast: number | null = null;
  private slow: number | null = null;
  private readonly fastAlpha: number;
  private readonly slowAlpha: number;
  private lastSignal = 0;
  /** EWMA of squared 1-tick log mid returns, the previous mid and the returns seen (volatilityUnits). */
  private variance = 0;
  private prevMid: number | null = null;
  private returnsSeen = 0;
  private readonly varianceAlpha: number;
  /** Std of the EMA gap per unit of 1-tick return std under a random walk (`emaGapStd`). */
  private readonly gapStd: number;
  /** Returns to see before trading in volatility units: the slow EMA and the variance must have warmed up. */
  private readonly warmup: number;
  private readonly phase: number;

  constructor(
    id: string,
    private readonly cfg: MomentumConfig,
    index = 0,
  ) {
    super(id, 'momentum');
    const fastSpan = cfg.fastBase + cfg.fastStep * index;
    const slowSpan = cfg.slowBase + cfg.slowStep * index;
    this.fastAlpha = 2 / (fastSpan + 1);
    this.slowAlpha = 2 / (slowSpan + 1);
    this.varianceAlpha = 2 / (cfg.volatilitySpan + 1);
    this.gapStd = emaGapStd(this.fastAlpha, this.slowAlpha);
    this.warmup = Math.ceil(Math.max(slowSpan, cfg.volatilitySpan / 4));
    this.phase = index;
  }

  onTick(state: MarketState): OrderIntent[] {
    // A limit left over from an older signal is not this tick's view: pull it first.
    return Orders.cancelAll(state.openOrders).concat(this.decide(state));
  }

  private decide(state: MarketState): OrderIntent[] {
    const mid = state.mid;
    this.fast = this.fast === null ? mid : this.fast + this.fastAlpha * (mid - this.fast);
    this.slow = this.slow === null ? mid : this.slow + this.slowAlpha * (mid - this.slow);
    const cfg = this.cfg;
    let gap = (this.fast - this.slow) / this.slow;
    if (cfg.volatilityUnits) {
      if (this.prevMid !== null && this.prevMid > 0 && mid > 0) {
        const r = Math.log(mid / this.prevMid);
        this.variance += this.varianceAlpha * (r * r - this.variance);
        this.returnsSeen++;
      }
      this.prevMid = mid;
      const unit = Math.sqrt(this.variance) * this.gapStd;
      gap = this.returnsSeen >= this.warmup && unit > 0 ? gap / unit : 0;
    }
    const signal = gap - (state.position / cfg.maxInventory) * cfg.inventoryPressure;
    this.lastSignal = signal;
    // Acts on every decisionInterval-th tick only (the i-th agent offset by i), like a trader who
    // checks the screen now and then; the EMAs and the volatility still see every tick.
    if (cfg.decisionInterval > 1 && (state.tick + this.phase) % cfg.decisionInterval !== 0) return [];
    const strength = Math.abs(signal);
    if (strength <= cfg.limitThreshold) return [];

    const side = signal > 0 ? 'BID' : 'ASK';
    if (side === 'BID' && state.position >= cfg.maxInventory) return [];
    if (side === 'ASK' && state.position <= -cfg.maxInventory) return [];
    const qty = Math.max(1, Math.round(cfg.qty * (1 + cfg.sizeBoost * Math.min(strength / cfg.marketThreshold, cfg.sizeCap))));

    if (strength > cfg.marketThreshold) return [{ side, type: 'MARKET', qty }];
    const touch = side === 'BID' ? state.bestAsk : state.bestBid;
    if (touch === null) return [];
    return [{ side, type: 'LIMIT', price: touch, qty }];
  }

  override factorVector(): number[] {
    return [this.lastSignal];
  }

  override saveState(): unknown {
    return { fast: this.fast, slow: this.slow, lastSignal: this.lastSignal, variance: this.variance, prevMid: this.prevMid, returnsSeen: this.returnsSeen };
  }

  override loadState(state: unknown): void {
    const s = state as { fast: number | null; slow: number | null; lastSignal: number; variance?: number; prevMid?: number | null; returnsSeen?: number };
    this.fast = s.fast;
    this.slow = s.slow;
    this.lastSignal = s.lastSignal;
    // Checkpoints from before volatilityUnits re-warm the volatility estimate.
    this.variance = s.variance ?? 0;
    this.prevMid = s.prevMid ?? null;
    this.returnsSeen = s.returnsSeen ?? 0;
  }
}

/**
 * Stationary std of fast EMA − slow EMA of a random walk with unit-variance steps, for EMA weights
 * `a` and `b`. The gap is Σ_k (β_b^(k+1) − β_a^(k+1)) r_(t−k) with β = 1 − weight, so its variance is
 * β_b²/(1−β_b²) − 2β_aβ_b/(1−β_aβ_b) + β_a²/(1−β_a²). (Spans 5 and 15: 1.13.)
 */
export function emaGapStd(a: number, b: number): number {
  const fa = 1 - a;
  const fb = 1 - b;
  const v = (fb * fb) / (1 - fb * fb) - (2 * fa * fb) / (1 - fa * fb) + (fa * fa) / (1 - fa * fa);
  return Math.sqrt(Math.max(v, 0));
}
