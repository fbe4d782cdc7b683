import { describe, expect, it } from 'vitest';
import { MeanReversionAgent } from '../../src/agents/mean-reversion.js';
import { MomentumAgent } from '../../src/agents/momentum.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';
import type { MarketState, OrderIntent } from '../../src/types.js';

const cfg = defaultConfig();

function state(over: Partial<MarketState> & { mid: number }): MarketState {
  const bid = over.bestBid ?? over.mid - 0.01;
  const ask = over.bestAsk ?? over.mid + 0.01;
  return {
    tick: 1, timestamp: 0, bestBid: bid, bestAsk: ask, spread: ask - bid,
    depth: { bids: [{ price: bid, qty: 10, orders: 1 }], asks: [{ price: ask, qty: 10, orders: 1 }], bestBid: bid, bestAsk: ask, mid: over.mid, spread: ask - bid },
    recentTrades: [], priceHistory: [], volatility: 0, vwap: over.mid, tickSize: 0.0001, agentId: 'a',
    position: 0, cash: 100_000, pnl: 100_000, openOrders: [],
    crowding: { intensity: 0, phi: 0, sidePressure: 0, buyImpactMultiplier: 1, sellImpactMultiplier: 1, agentImpactMultiplier: 1 },
    impact: { lastShift: 0, cumulativeShift: 0 },
    ...over,
  };
}

/** Non-cancel orders of one answer. */
const trades = (orders: OrderIntent[]) => orders.filter((o) => o.type !== 'CANCEL');

describe('momentum (docs/MODEL.md §6)', () => {
  const m = cfg.momentum;
  /** The signal of the 0th agent (EMA spans 5 and 15) after mids 100 then `next`. */
  const signalAfter = (next: number, position = 0) => {
    const fast = 100 + (2 / 6) * (next - 100);
    const slow = 100 + (2 / 16) * (next - 100);
    return (fast - slow) / slow - (position / m.maxInventory) * m.inventoryPressure;
  };
  const size = (signal: number) => Math.max(1, Math.round(m.qty * (1 + m.sizeBoost * Math.min(Math.abs(signal) / m.marketThreshold, m.sizeCap))));
  const agentAfter = (next: number, position = 0) => {
    const a = new MomentumAgent('mom_1', m, 0);
    expect(trades(a.onTick(state({ mid: 100 })))).toEqual([]);
    return a.onTick(state({ mid: next, position }));
  };

  it('above the market threshold it takes liquidity, sized max(1, round(5(1 + 0.5 min(|s|/0.0012, 2))))', () => {
    const s = signalAfter(101);
    expect(s).toBeGreaterThan(m.marketThreshold);
    expect(trades(agentAfter(101))).toEqual([{ side: 'BID', type: 'MARKET', qty: size(s) }]);
  });

  it('between the limit and market thresholds it joins the opposite touch with a limit', () => {
    const s = signalAfter(100.2);
    expect(s).toBeGreaterThan(m.limitThreshold);
    expect(s).toBeLessThan(m.marketThreshold);
    const a = new MomentumAgent('mom_1', m, 0);
    a.onTick(state({ mid: 100 }));
    expect(trades(a.onTick(state({ mid: 100.2, bestBid: 100.19, bestAsk: 100.21 })))).toEqual([{ side: 'BID', type: 'LIMIT', price: 100.21, qty: size(s) }]);
  });

  it('makes no new buys at +max inventory (the pressure term alone does not flip this signal)', () => {
    expect(signalAfter(101, m.maxInventory)).toBeGreaterThan(m.limitThreshold);
    expect(trades(agentAfter(101, m.maxInventory))).toEqual([]);
  });
});

describe('mean reversion (docs/MODEL.md §6)', () => {
  const r = cfg.meanReversion;
  // 30 mids alternating 99.9 / 100.1: mean 100, std 0.1
  const history = Array.from({ length: r.window }, (_, k) => (k % 2 ? 100.1 : 99.9));
  const agent = () => {
    const a = new MeanReversionAgent('rev_1', r, 0);
    a.attach({ rng: new Rng(5), tickSize: 0.0001 });
    return a;
  };

  it('beyond the (jittered) threshold it leans toward the mean with a limit, sized at most 30% of the opposite top level', () => {
    // z = 1.5: above 1.2 jittered up (at most 1.44), below 2.4 jittered down (at least 1.92)
    const orders = trades(agent().onTick(state({ mid: 100.15, bestBid: 100.14, bestAsk: 100.16, priceHistory: history })));
    expect(orders).toEqual([{ side: 'ASK', type: 'LIMIT', price: 100.14, qty: Math.floor(10 * r.topLevelShare) }]);
  });

  it('beyond the market z it takes liquidity', () => {
    const orders = trades(agent().onTick(state({ mid: 100.3, priceHistory: history }))); // z = 3
    expect(orders).toEqual([{ side: 'ASK', type: 'MARKET', qty: 3 }]);
  });

  it('stays out for 5–15 ticks after its inventory changes', () => {
    const a = agent();
    const quiet: number[] = [];
    for (let round = 0; round < 20; round++) {
      let silent = 0;
      // position 1, 2, 1, 2, ...: a change every round, too small for the inventory term to matter
      while (trades(a.onTick(state({ mid: 100.15, priceHistory: history, position: 1 + (round % 2) }))).length === 0) silent++;
      quiet.push(silent);
    }
    expect(Math.min(...quiet)).toBeGreaterThanOrEqual(r.cooldownMin);
    expect(Math.max(...quiet)).toBeLessThanOrEqual(r.cooldownMax);
  });
});
