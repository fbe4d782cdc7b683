/**
 * Mean reversion (docs/MODEL.md §6): z-score of the mid against its rolling mean, less an inventory term.
 * Beyond a (per-tick jittered) threshold it leans against the move with a limit order toward the
 * mean (pulling its previous one); far beyond it takes liquidity. Size is capped by what the opposite top level can absorb,
 * and after every inventory change the agent cools down for a few ticks — without the jitter and
 * cooldown all reverters would fire on the same tick, which is crowding by construction.
 */
import type { MeanReversionConfig } from '../config.js';
import type { MarketState, OrderIntent } from '../types.js';
import { BaseAgent, Orders } from './base-agent.js';

export class MeanReversionAgent extends BaseAgent {
  private readonly threshold: number;
  private cooldown = 0;
  private lastPosition = 0;
  private lastZ = 0;

  constructor(
    id: string,
    private readonly cfg: MeanReversionConfig,
    index = 0,
  ) {
    super(id, 'mean_reversion');
    this.threshold = cfg.zThresholdBase + cfg.zThresholdStep * index;
  }

  onTick(state: MarketState): OrderIntent[] {
    // A limit left over from an older signal is not this tick's view: pull it first.
    return Orders.cancelAll(state.openOrders).concat(this.decide(state));
  }

  private decide(state: MarketState): OrderIntent[] {
    const cfg = this.cfg;
    if (state.position !== this.lastPosition) {
      this.lastPosition = state.position;
      this.cooldown = this.random.int(cfg.cooldownMin, cfg.cooldownMax);
    }
    const history = state.priceHistory;
    if (history.length < cfg.window) return [];
    if (this.cooldown > 0) {
      this.cooldown--;
      return [];
    }

    let sum = 0;
    let sumSq = 0;
    for (let k = history.length - cfg.window; k < history.length; k++) {
      const p = history[k] as number;
      sum += p;
      sumSq += p * p;
    }
    const mean = sum / cfg.window;
    const variance = Math.max(sumSq / cfg.window - mean * mean, 0);
    const std = Math.sqrt(variance);
    if (std < 1e-12) return [];
    const z = (state.mid - mean) / std - (state.position / cfg.maxInventory) * cfg.inventoryPenalty;
    this.lastZ = z;

    const jitter = () => 1 + (this.random.next() < 0.5 ? -1 : 1) * this.random.uniform(cfg.jitterMin, cfg.jitterMax);
    const threshold = this.threshold * jitter();
    const marketZ = cfg.marketZ * jitter();
    const strength = Math.abs(z);
    if (strength <= threshold) return [];

    const side = z > 0 ? 'ASK' : 'BID';
    if (side === 'BID' && state.position >= cfg.maxInventory) return [];
    if (side === 'ASK' && state.position <= -cfg.maxInventory) return [];
    const opposite = side === 'BID' ? state.depth.asks[0] : state.depth.bids[0];
    const qty = opposite ? Math.max(1, Math.min(cfg.qty, Math.floor(opposite.qty * cfg.topLevelShare))) : cfg.qty;

    if (strength > marketZ) return [{ side, type: 'MARKET', qty }];
    // A limit at the mean: it takes the touch when the mean is through it, otherwise it waits
    // inside the spread for the price to come back.
    const price = side === 'ASK' ? Math.max(mean, state.bestBid ?? mean) : Math.min(mean, state.bestAsk ?? mean);
    return [{ side, type: 'LIMIT', price: this.roundPrice(price), qty }];
  }

  override factorVector(): number[] {
    return [this.lastZ];
  }

  override saveState(): unknown {
    return { cooldown: this.cooldown, lastPosition: this.lastPosition, lastZ: this.lastZ };
  }

  override loadState(state: unknown): void {
    const s = state as { cooldown: number; lastPosition: number; lastZ: number };
    this.cooldown = s.cooldown;
    this.lastPosition = s.lastPosition;
    this.lastZ = s.lastZ;
  }
}
