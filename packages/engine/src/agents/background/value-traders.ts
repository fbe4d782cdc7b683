/**
 * Value traders (ABIDES's ValueAgent, aggregated): `traders` of them arrive at random; each
 * observes the fundamental with its own log-normal error and, when its estimate is more than
 * `thresholdTicks` beyond the touch, trades toward it — a market order with chance
 * `aggressiveShare`, otherwise a limit order joining its own side's touch. Their pooled inventory
 * is capped at traders × maxInventory. The value they trade toward moves with the engine's
 * permanent impact (`MarketState.impact.cumulativeShift`, × impactWeight): aggressive flow shifts the
 * reference price fundamental traders quote around. With `impactHalfLife` > 0 they believe each
 * shift only for a while (a sum of past shifts, each halved every impactHalfLife ticks). They are the market's anchor: without them nothing pulls
 * the price back, and a crowd of momentum traders can walk it anywhere.
 */
import type { FundamentalConfig, ValueConfig } from '../../config.js';
import type { MarketState, OrderIntent } from '../../types.js';
import { BaseAgent } from '../base-agent.js';
import { FundamentalProcess, type FundamentalState } from '../fundamental-process.js';
import { geometric, poisson } from './draws.js';
import { RestingOrders, type RestingOrdersState } from './resting-orders.js';

interface ValueState {
  fundamental: FundamentalState;
  lastValue: number;
  resting: RestingOrdersState;
  believedShift?: number;
}

export class ValueTradersAgent extends BaseAgent {
  override readonly wantsOpenOrders = false;
  private readonly fundamental: FundamentalProcess;
  private readonly resting = new RestingOrders();
  private tick = 0;
  private lastValue: number;
  /** The permanent shift the traders still believe in (impactHalfLife > 0): a decaying sum of MarketState.impact.lastShift. */
  private believedShift = 0;
  private readonly shiftDecay: number;

  constructor(
    id: string,
    private readonly cfg: ValueConfig,
    fundamental: FundamentalConfig,
    initialPrice: number,
    seed: number,
    readonly traders: number,
  ) {
    super(id, 'value');
    this.fundamental = new FundamentalProcess(fundamental, initialPrice, seed);
    this.lastValue = initialPrice;
    this.shiftDecay = cfg.impactHalfLife > 0 ? Math.pow(0.5, 1 / cfg.impactHalfLife) : 1;
  }

  onTick(state: MarketState): OrderIntent[] {
    const cfg = this.cfg;
    const rng = this.random;
    const out: OrderIntent[] = [];
    this.tick = state.tick;
    this.resting.expire(state.tick, (id, isBid) => out.push({ side: isBid ? 'BID' : 'ASK', type: 'CANCEL', qty: 0, price: null, cancelTarget: id }));
    const impact = state.impact;
    this.believedShift = this.shiftDecay * this.believedShift + (impact?.lastShift ?? 0);
    const shift = cfg.impactHalfLife > 0 ? this.believedShift : (impact?.cumulativeShift ?? 0);
    const value = this.fundamental.valueAt(state.tick) + cfg.impactWeight * shift;
    this.lastValue = value;
    const arrivals = poisson(rng, this.traders * cfg.arrivalRate);
    const limit = this.traders * cfg.maxInventory;
    const gap = cfg.thresholdTicks * this.tickSize;
    let position = state.position;
    for (let k = 0; k < arrivals; k++) {
      const estimate = value * Math.exp(cfg.observationNoise * rng.normal());
      const ask = state.bestAsk ?? state.mid;
      const bid = state.bestBid ?? state.mid;
      const qty = cfg.qtyMin + Math.floor(rng.next() * (cfg.qtyMax - cfg.qtyMin + 1));
      const aggressive = rng.next() < cfg.aggressiveShare;
      if (estimate > ask + gap && position + qty <= limit) {
        position += qty;
        out.push(aggressive ? { side: 'BID', type: 'MARKET', qty, price: null } : { side: 'BID', type: 'LIMIT', price: this.roundPrice(bid), qty });
      } else if (estimate < bid - gap && position - qty >= -limit) {
        position -= qty;
        out.push(aggressive ? { side: 'ASK', type: 'MARKET', qty, price: null } : { side: 'ASK', type: 'LIMIT', price: this.roundPrice(ask), qty });
      }
    }
    return out;
  }

  override onOrderRested(orderId: number, intent: OrderIntent): void {
    this.resting.add(orderId, this.tick + geometric(this.random, this.cfg.orderLifetime), intent.side === 'BID');
  }

  override diagnostics(): Record<string, number> {
    return { traders: this.traders, fundamental: this.lastValue, resting_orders: this.resting.n };
  }

  override saveState(): ValueState {
    return { fundamental: this.fundamental.saveState(), lastValue: this.lastValue, resting: this.resting.saveState(), believedShift: this.believedShift };
  }

  override loadState(state: unknown): void {
    const s = state as ValueState;
    this.fundamental.loadState(s.fundamental);
    this.lastValue = s.lastValue;
    this.resting.loadState(s.resting);
    this.believedShift = s.believedShift ?? 0;
  }
}
