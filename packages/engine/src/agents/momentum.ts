/**
 * Momentum (docs/MODEL.md §6): a fast and a slow EMA of the mid; the relative gap, less an inventory
 * pressure term, is the signal. Strong signals take liquidity with market orders, weaker ones
 * join the opposite touch with a limit order. The i-th momentum agent uses longer EMAs so the
 * population is not one strategy copied N times.
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
    const signal = (this.fast - this.slow) / this.slow - (state.position / cfg.maxInventory) * cfg.inventoryPressure;
    this.lastSignal = signal;
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
    return { fast: this.fast, slow: this.slow, lastSignal: this.lastSignal };
  }

  override loadState(state: unknown): void {
    const s = state as { fast: number | null; slow: number | null; lastSignal: number };
    this.fast = s.fast;
    this.slow = s.slow;
    this.lastSignal = s.lastSignal;
  }
}
