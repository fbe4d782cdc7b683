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

/** docs/MODEL.md §8: strategy names. */
export const STRATEGY_NAME_RE = /^[a-zA-Z][a-zA-Z0-9_]{2,63}$/;

/** The Python starting point: the same VWAP reversion, written against the original's Python contract. */
export const PYTHON_STRATEGY_TEMPLATE = `# VWAP reversion: buy a little below VWAP, sell a little above, stay inside an inventory band.
# In scope without imports: BaseAgent, MarketState, Order, OrderType, Side and np (numpy).
# state: tick, mid_price, best_bid, best_ask, spread, bid_levels, ask_levels, recent_trades,
#        inventory, cash, pnl, volatility, vwap, crowding_intensity, open_orders, ...
class VwapReversion(BaseAgent):
    def __init__(self, agent_id, strategy_type="vwap_reversion", initial_cash=100000.0, size=5, max_inventory=40):
        super().__init__(agent_id=agent_id, strategy_type=strategy_type, initial_cash=initial_cash)
        self.size = size
        self.max_inventory = max_inventory
        self.last_edge = 0.0

    def on_tick(self, state):
        if not state.mid_price or not state.vwap:
            return []
        edge = (state.vwap - state.mid_price) / state.mid_price
        self.last_edge = edge
        # cancel stale quotes first so we never stack orders
        orders = [Order(agent_id=self.agent_id, side=o["side"], order_type=OrderType.CANCEL, cancel_target=o["order_id"])
                  for o in state.open_orders]
        if edge > 0.0005 and state.inventory < self.max_inventory and state.best_bid is not None:
            orders.append(Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.best_bid, qty=self.size))
        elif edge < -0.0005 and state.inventory > -self.max_inventory and state.best_ask is not None:
            orders.append(Order(agent_id=self.agent_id, side=Side.ASK, order_type=OrderType.LIMIT, price=state.best_ask, qty=self.size))
        return orders

    def factor_vector(self):
        # up to 16 numbers describing the behaviour (a list or a numpy array)
        return np.array([0.1, 1.0, self.last_edge * 100, 0.5, 0.0, 0.3])
`;
