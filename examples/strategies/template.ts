/**
 * CrowdAlpha strategy template. Copy, rename, fill in onTick. No imports: BaseAgent, limit,
 * market, cancel, Side and OrderType are globals in the sandbox (types: sdk.d.ts beside this file).
 *
 *   npx crowdalpha backtest examples/strategies/template.ts --ticks 5000 --seed 7
 */
class MyStrategy extends BaseAgent {
  // Constructor options come from the deploy config's `params`.
  constructor(options?: { size?: number }) {
    super(options);
  }

  onTick(state: MarketState): OrderIntent[] {
    const size = Number(this.params.size ?? 5);
    if (state.bestBid === null || state.bestAsk === null) return [];
    // Return at most 12 orders; quantities are rounded and clamped to [1, 200].
    return [limit(Side.BID, state.bestBid, size), limit(Side.ASK, state.bestAsk, size)];
  }

  // Up to 16 numbers describing your behaviour (informational).
  factorVector(): number[] {
    return [0, 0, 0, 0, 0, 0];
  }
}
