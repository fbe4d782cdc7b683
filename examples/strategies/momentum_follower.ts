/**
 * Example: momentum via a moving-average crossover. Buys with a market order when the fast average crosses
 * above the slow one, sells when it crosses below, and keeps the position within a limit.
 */
class MomentumFollower extends BaseAgent<{ fast?: number; slow?: number; size?: number; maxPosition?: number }> {
  private lastSignal = 0;

  onTick(state: MarketState): OrderIntent[] {
    const fast = Number(this.params.fast ?? 5);
    const slow = Number(this.params.slow ?? 20);
    const size = Number(this.params.size ?? 10);
    const maxPosition = Number(this.params.maxPosition ?? 100);
    const h = state.priceHistory;
    if (h.length < slow) return [];
    const avg = (n: number) => h.slice(-n).reduce((a, b) => a + b, 0) / n;
    const signal = Math.sign(avg(fast) - avg(slow));
    const crossed = signal !== 0 && signal !== this.lastSignal;
    this.lastSignal = signal;
    if (!crossed) return [];
    if (signal > 0 && state.position < maxPosition) return [market(Side.BID, size)];
    if (signal < 0 && state.position > -maxPosition) return [market(Side.ASK, size)];
    return [];
  }

  factorVector(): number[] {
    // turnover, holding period, directional bias, vol exposure, inventory skew, aggressiveness
    return [0.2, 10, this.lastSignal, 0.5, 0, 1];
  }
}
