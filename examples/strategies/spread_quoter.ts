/**
 * Example: a small market maker. Quotes both sides around the mid, skews its quotes against its
 * inventory, and cancels stale quotes before requoting so it never has more than two resting.
 */
class SpreadQuoter extends BaseAgent<{ halfSpreadTicks?: number; size?: number; skewPerUnit?: number }> {
  onTick(state: MarketState): OrderIntent[] {
    const half = Number(this.params.halfSpreadTicks ?? 5) * state.tickSize;
    const size = Number(this.params.size ?? 5);
    const skew = Number(this.params.skewPerUnit ?? 0.0002) * state.position;
    const orders: OrderIntent[] = state.openOrders.slice(0, 10).map((o) => cancel(o.orderId, o.side));
    const center = state.mid - skew;
    orders.push(limit(Side.BID, center - half, size));
    orders.push(limit(Side.ASK, center + half, size));
    return orders;
  }

  factorVector(): number[] {
    return [0.8, 2, 0, 0.2, 0, 0.1];
  }
}
