/**
 * A plausible MarketState for the registration probe: a two-sided book around the default
 * initial price with a short history, so a strategy's first onTick meets realistic data.
 */
import { defaultConfig, type MarketState } from '@crowdalpha/engine';

export function syntheticMarketState(agentId = 'probe'): MarketState {
  const cfg = defaultConfig();
  const tick = cfg.tickSize;
  const mid = cfg.initialPrice;
  const round = (p: number): number => Number(p.toFixed(6));
  const bids = Array.from({ length: 5 }, (_, i) => ({ price: round(mid - tick * (i + 1) * 10), qty: 50 + 10 * i, orders: 1 + i }));
  const asks = Array.from({ length: 5 }, (_, i) => ({ price: round(mid + tick * (i + 1) * 10), qty: 50 + 10 * i, orders: 1 + i }));
  const bestBid = bids[0]!.price;
  const bestAsk = asks[0]!.price;
  const priceHistory = Array.from({ length: 50 }, (_, i) => round(mid * (1 + 0.001 * Math.sin(i / 5))));
  return {
    tick: 50,
    timestamp: 50 * cfg.tickDurationNs,
    mid,
    bestBid,
    bestAsk,
    spread: round(bestAsk - bestBid),
    depth: { bids, asks, bestBid, bestAsk, mid, spread: round(bestAsk - bestBid) },
    recentTrades: [
      { tick: 49, buyOrderId: 1, sellOrderId: 2, buyAgentId: 'mom_1', sellAgentId: 'mm_1', price: bestAsk, qty: 10, aggressor: 'BID' },
      { tick: 49, buyOrderId: 3, sellOrderId: 4, buyAgentId: 'mm_1', sellAgentId: 'rev_1', price: bestBid, qty: 5, aggressor: 'ASK' },
    ],
    priceHistory,
    volatility: 0.001,
    vwap: mid,
    tickSize: tick,
    agentId,
    position: 0,
    cash: cfg.initialCash,
    pnl: 0,
    openOrders: [],
    crowding: { intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 },
    impact: { lastShift: 0, cumulativeShift: 0 },
  };
}
