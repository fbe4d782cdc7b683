/**
 * Market maker (docs/MODEL.md §6): every tick it pulls its quotes and re-quotes both sides around a
 * reservation price — the mid, skewed against its inventory, jittered, and leaning with recent
 * signed order flow. The half spread widens with volatility, inventory and crowding (a crowded
 * market is a more dangerous one to provide liquidity in), and further on the side under pressure,
 * where quotes are also thinner (adverse selection: crowded one-sided flow is informed flow to a
 * maker). Quote size shrinks toward the inventory limit.
 */
import type { MarketMakerConfig } from '../config.js';
import type { MarketState, OrderIntent } from '../types.js';
import { BaseAgent, Orders } from './base-agent.js';

export class MarketMakerAgent extends BaseAgent {
  private readonly baseSpread: number;
  private readonly jitter: number;
  /** The maker's own slow estimate of fair value (EMA of mids). */
  private fair: number | null = null;

  constructor(
    id: string,
    private readonly cfg: MarketMakerConfig,
    index = 0,
  ) {
    super(id, 'market_maker');
    this.baseSpread = cfg.baseSpreadBase + cfg.baseSpreadStep * index;
    this.jitter = cfg.quoteJitterBase + cfg.quoteJitterStep * index;
  }

  onTick(state: MarketState): OrderIntent[] {
    const cfg = this.cfg;
    const orders = Orders.cancelAll(state.openOrders);

    const inv = state.position;
    let flowQty = 0;
    let flowSigned = 0;
    for (const t of state.recentTrades) {
      flowQty += t.qty;
      flowSigned += t.aggressor === 'BID' ? t.qty : -t.qty;
    }
    const flow = flowQty > 0 ? flowSigned / flowQty : 0;
    const noise = this.random.normal(0, this.jitter);
    const crowding = Math.max(state.crowding.intensity, 0);
    const half =
      Math.max(cfg.minHalfSpread, (this.baseSpread / 2) * (1 + cfg.volMultiplier * state.volatility) + cfg.inventoryPenalty * Math.abs(inv)) *
      (1 + cfg.crowdingWiden * crowding);
    // Skew by the inventory *fraction* (inventorySkew at the limit). The makers re-centre on a mid
    // they set themselves, so a skew larger than the spread would ratchet the price every tick.
    // Fair value: pulled toward the mid, and shocked by the maker's own noise so that the shocks
    // (not the skew) accumulate into a random walk. Re-centring on the raw mid instead makes any
    // persistent inventory skew a per-tick price drift, since the makers set that mid themselves.
    // The permanent impact of the last tick's aggressive flow moves fair value at once (adverse
    // selection: an aggressive buyer may know something), so crowded flow reaches the quotes.
    this.fair = (this.fair === null ? state.mid : this.fair + state.impact.lastShift + cfg.fairValueAlpha * (state.mid - this.fair)) + noise;
    const reservation = this.fair - cfg.inventorySkew * (inv / cfg.maxInventory) + cfg.flowLean * flow;
    const sp = state.crowding.sidePressure;
    const bidHalf = half * (1 + cfg.sidePressureWiden * Math.max(-sp, 0));
    const askHalf = half * (1 + cfg.sidePressureWiden * Math.max(sp, 0));

    // Size shrinks toward the limit, but a maker never leaves a side empty: at the limit it shows
    // one lot twice as far out. An empty side freezes the mid, and with it every signal in a
    // market whose only liquidity is the makers'.
    const atLong = inv >= cfg.maxInventory;
    const atShort = inv <= -cfg.maxInventory;
    // Adverse selection: the side crowded one-sided flow is hitting is shown thinner as well as wider.
    const bidThin = 1 + cfg.adverseThin * Math.max(-sp, 0);
    const askThin = 1 + cfg.adverseThin * Math.max(sp, 0);
    const bidQty = atLong ? 1 : Math.max(1, Math.round((cfg.qty * (1 - Math.max(inv, 0) / cfg.maxInventory)) / bidThin));
    const askQty = atShort ? 1 : Math.max(1, Math.round((cfg.qty * (1 - Math.max(-inv, 0) / cfg.maxInventory)) / askThin));
    const bid = this.roundPrice(reservation - bidHalf * (atLong ? 2 : 1));
    let ask = this.roundPrice(reservation + askHalf * (atShort ? 2 : 1));
    let showBid = bidQty >= 1 && bid > 0;
    let showAsk = askQty >= 1;
    if (cfg.postOnly) {
      // A maker posts and never takes: a quote through the pre-trade touch would be an aggressive
      // fill, whose permanent impact moves this maker's own fair value the same way — a loop that
      // walks the price off when the fair-value noise is wider than the half spread. That side
      // sits out the tick instead (clamping it to the touch would lean a stale quote against
      // every move). Its own old quotes count: they are cancelled in the same shuffled batch.
      if (state.bestAsk !== null && bid >= state.bestAsk) showBid = false;
      if (state.bestBid !== null && ask <= state.bestBid) showAsk = false;
    }
    if (ask <= bid) ask = this.roundPrice(bid + this.tickSize);
    if (showBid) orders.push({ side: 'BID', type: 'LIMIT', price: bid, qty: bidQty });
    if (showAsk) orders.push({ side: 'ASK', type: 'LIMIT', price: ask, qty: askQty });
    return orders;
  }

  override factorVector(): number[] {
    return [this.baseSpread];
  }

  override saveState(): unknown {
    return { fair: this.fair };
  }

  override loadState(state: unknown): void {
    this.fair = (state as { fair: number | null }).fair;
  }
}

