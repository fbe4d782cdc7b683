/** The starting point of the Deploy editor and the SDK docs: a complete, valid user strategy. */
export const STRATEGY_TEMPLATE = `/**
 * VWAP reversion: buy a little below VWAP, sell a little above, stay inside an inventory band.
 * BaseAgent and Orders are provided by the sandbox: no imports.
 * state: MarketState (tick, mid, bestBid, bestAsk, spread, depth, recentTrades, priceHistory,
 *        volatility, vwap, tickSize, position, cash, pnl, openOrders, crowding{...}).
 */
class VwapReversion extends BaseAgent {
  private readonly maxInventory = 40;
  private readonly size = 5;

  onTick(state: MarketState): OrderIntent[] {
    if (!(state.mid > 0) || !(state.vwap > 0)) return [];
    const edge = (state.vwap - state.mid) / state.mid;
    const orders: OrderIntent[] = [];
    // cancel stale quotes first so we never stack orders
    for (const o of state.openOrders) orders.push(Orders.cancel(o.orderId));
    if (edge > 0.0004 && state.position < this.maxInventory) {
      orders.push(Orders.limit('BID', state.bestBid ?? state.mid, this.size));
    } else if (edge < -0.0004 && state.position > -this.maxInventory) {
      orders.push(Orders.limit('ASK', state.bestAsk ?? state.mid, this.size));
    }
    return orders;
  }

  // informational only: crowding is measured from observed orders and fills
  factorVector(): number[] {
    return [0.3, 0.5, 0, 0.4, 0, 0.2];
  }
}
`;

/** SPEC §8: strategy names. */
export const STRATEGY_NAME_RE = /^[a-zA-Z][a-zA-Z0-9_]{2,63}$/;
