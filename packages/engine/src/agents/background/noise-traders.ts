/**
 * The background of zero-intelligence noise traders (Farmer–Smith style), `traders` of them run
 * as one aggregated agent: it draws their arrivals, not their objects, so 1,000 traders cost a
 * handful of orders a tick.
 *
 * Per tick:
 * - arrivals ~ Poisson(traders × arrivalRate × intensity), where log intensity is a stationary
 *   AR(1): activity comes in bursts, which is what makes |returns| cluster;
 * - sizes are Pareto (a few large orders sweep several levels: heavy-tailed returns);
 * - a `marketShare` of arrivals are market orders of random side; the rest are limit orders a
 *   random (1 + exponential) number of ticks behind the opposite touch, so they never cross and
 *   often improve the touch when the spread is wide. The background's passive liquidity is not
 *   blind to adverse selection: when the flow toxicity against a side (agents/flow-toxicity.ts:
 *   the permanent impact per tick, amplified by 1 + kappa Phi) is above `toxicityReference`, that
 *   side's limit orders go further out and come smaller (below it, closer and larger);
 * - meta-orders: occasionally a trader starts splitting a large order into same-sign market orders,
 *   its length Pareto-distributed — the mechanism behind long-memory order-flow signs (Lillo,
 *   Mike & Farmer 2005);
 * - each resting order is cancelled when its geometric lifetime ends.
 */
import type { NoiseConfig } from '../../config.js';
import type { MarketState, OrderIntent, Side } from '../../types.js';
import { BaseAgent } from '../base-agent.js';
import { FlowToxicity, withdrawal, type FlowToxicityState } from '../flow-toxicity.js';
import { geometric, paretoInt, poisson } from './draws.js';
import { RestingOrders, type RestingOrdersState } from './resting-orders.js';

interface NoiseState {
  logIntensity: number;
  metaSign: number[];
  metaLeft: number[];
  resting: RestingOrdersState;
  toxicity?: FlowToxicityState;
}

export class NoiseTradersAgent extends BaseAgent {
  override readonly wantsOpenOrders = false;
  private logIntensity = 0;
  private readonly resting = new RestingOrders();
  /** Active meta-orders: sign (+1 buy, -1 sell) and child orders left. */
  private metaSign: number[] = [];
  private metaLeft: number[] = [];
  private tick = 0;
  private readonly intensityShock: number;
  private readonly meanCorrection: number;
  private readonly toxicity: FlowToxicity;

  constructor(
    id: string,
    private readonly cfg: NoiseConfig,
    readonly traders: number,
  ) {
    super(id, 'noise');
    const phi = cfg.intensityPersistence;
    this.intensityShock = cfg.intensityStd * Math.sqrt(1 - phi * phi);
    // E[exp(h)] = exp(std²/2) for a stationary Gaussian h: divide it out so arrivalRate is the mean.
    this.meanCorrection = Math.exp(-(cfg.intensityStd * cfg.intensityStd) / 2);
    this.toxicity = new FlowToxicity(cfg.toxicitySpan, cfg.toxicityReference);
  }

  onTick(state: MarketState): OrderIntent[] {
    const cfg = this.cfg;
    const rng = this.random;
    const out: OrderIntent[] = [];
    this.tick = state.tick;
    this.resting.expire(state.tick, (id, isBid) => out.push({ side: isBid ? 'BID' : 'ASK', type: 'CANCEL', qty: 0, price: null, cancelTarget: id }));

    this.logIntensity = cfg.intensityPersistence * this.logIntensity + this.intensityShock * rng.normal();
    const lambda = this.traders * cfg.arrivalRate * Math.exp(this.logIntensity) * this.meanCorrection;
    const arrivals = poisson(rng, lambda);
    const tick = this.tickSize;
    const mid = state.mid;
    const tox = this.toxicity;
    tox.observe(state.impact?.lastShift ?? 0, tick);
    for (let k = 0; k < arrivals; k++) {
      const side: Side = rng.next() < 0.5 ? 'BID' : 'ASK';
      const qty = this.size();
      if (rng.next() < cfg.marketShare) {
        out.push({ side, type: 'MARKET', qty, price: null });
        continue;
      }
      // Toxic flow against this side (its permanent impact per tick) pushes the order further out and makes it smaller.
      const toxic = tox.against(side === 'BID');
      const offset = 1 + Math.floor(-Math.log(1 - rng.next()) * cfg.limitOffsetTicks * withdrawal(cfg.toxicityOffset, toxic, cfg.toxicityReference));
      // Behind the opposite touch; with that side empty, around the mid.
      const ref = side === 'BID' ? (state.bestAsk ?? mid + tick) : (state.bestBid ?? mid - tick);
      const price = this.roundPrice(side === 'BID' ? ref - offset * tick : ref + offset * tick);
      if (price <= 0) continue;
      out.push({ side, type: 'LIMIT', price, qty: Math.max(1, Math.round(qty / withdrawal(cfg.toxicityThin, toxic, cfg.toxicityReference))) });
    }

    if (this.traders > 0 && rng.next() < cfg.metaStartProbability) {
      this.metaSign.push(rng.next() < 0.5 ? 1 : -1);
      this.metaLeft.push(paretoInt(rng, cfg.metaTailExponent, cfg.metaMaxChildren));
    }
    for (let m = this.metaSign.length - 1; m >= 0; m--) {
      if (rng.next() >= cfg.metaChildProbability) continue;
      const qty = this.size();
      out.push({ side: this.metaSign[m]! > 0 ? 'BID' : 'ASK', type: 'MARKET', qty, price: null });
      if (--this.metaLeft[m]! <= 0) {
        this.metaSign.splice(m, 1);
        this.metaLeft.splice(m, 1);
      }
    }
    return out;
  }

  /** Pareto order size: qtyMin × U^(-1/a), rounded down, at most qtyMax. */
  private size(): number {
    const c = this.cfg;
    return Math.min(c.qtyMax, Math.floor(c.qtyMin * paretoInt(this.random, c.qtyTailExponent, Number.MAX_SAFE_INTEGER)));
  }

  override onOrderRested(orderId: number, intent: OrderIntent): void {
    this.resting.add(orderId, this.tick + geometric(this.random, this.cfg.orderLifetime), intent.side === 'BID');
  }

  override diagnostics(): Record<string, number> {
    return { traders: this.traders, resting_orders: this.resting.n, active_meta_orders: this.metaSign.length };
  }

  override saveState(): NoiseState {
    return { logIntensity: this.logIntensity, metaSign: [...this.metaSign], metaLeft: [...this.metaLeft], resting: this.resting.saveState(), toxicity: this.toxicity.saveState() };
  }

  override loadState(state: unknown): void {
    const s = state as NoiseState;
    this.logIntensity = s.logIntensity;
    this.metaSign = [...s.metaSign];
    this.metaLeft = [...s.metaLeft];
    this.resting.loadState(s.resting);
    this.toxicity.loadState(s.toxicity);
  }
}
