import { describe, expect, it } from 'vitest';
import { MeanReversionAgent } from '../../src/agents/mean-reversion.js';
import { emaGapStd, MomentumAgent } from '../../src/agents/momentum.js';
import { defaultConfig, resolveConfig } from '../../src/config.js';
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
  // The original's relative signal (the seed preset); volatility units are tested below.
  const m = resolveConfig({ population: 'seed' }).momentum;
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

describe('momentum in volatility units (the default market)', () => {
  const m = cfg.momentum;
  /** Feeds `mids` one tick each (tick numbers from 1) and returns the last answer. */
  const feed = (a: MomentumAgent, mids: number[], position = 0) => {
    let out: OrderIntent[] = [];
    mids.forEach((mid, k) => (out = a.onTick(state({ mid, tick: k + 1, position }))));
    return out;
  };
  /** A random-walk-like warm-up: alternating ±1 tick, so realized volatility is ~1e-4 a tick. */
  const warm = Array.from({ length: 200 }, (_, k) => 100 + (k % 2) * 0.01);

  it('the gap unit is the EMA-gap std of a unit random walk (spans 5 and 15: 1.125)', () => {
    expect(emaGapStd(2 / 6, 2 / 16)).toBeCloseTo(1.1255, 3);
    // Monte Carlo check of the closed form on a Gaussian walk.
    const rng = new Rng(3);
    let fast = 0;
    let slow = 0;
    let p = 0;
    let sumSq = 0;
    let n = 0;
    for (let t = 0; t < 200_000; t++) {
      p += rng.normal();
      fast += (2 / 6) * (p - fast);
      slow += (2 / 16) * (p - slow);
      if (t > 1000) {
        sumSq += (fast - slow) ** 2;
        n++;
      }
    }
    expect(Math.sqrt(sumSq / n)).toBeCloseTo(emaGapStd(2 / 6, 2 / 16), 1);
  });

  it('a move the relative thresholds ignore is a strong signal in a calm market, and it trades only on its decision ticks', () => {
    // 20 ticks rising half a tick each: a relative EMA gap of at most 5 × 0.005 / 100 = 0.00025,
    // below the seed's 0.0004, but several random-walk standard deviations in this calm market.
    const mids = [...warm, ...Array.from({ length: 20 }, (_, k) => 100.01 + 0.005 * (k + 1))];
    const rel = resolveConfig({ population: 'seed' }).momentum;
    const seedAgent = new MomentumAgent('mom_1', rel, 0);
    const seedOut = feed(seedAgent, mids);
    expect(Math.abs(seedAgent.factorVector()[0]!)).toBeLessThan(rel.limitThreshold);
    expect(trades(seedOut)).toEqual([]);
    // Tick 220 is a decision tick of agent 0 (220 ≡ 0 mod 20): it buys.
    const a = new MomentumAgent('mom_1', m, 0);
    const out = trades(feed(a, mids));
    expect(a.factorVector()[0]!).toBeGreaterThan(m.limitThreshold);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ side: 'BID', qty: expect.any(Number) });
    // The next tick the signal is as strong, but tick 221 is not a decision tick.
    expect(trades(a.onTick(state({ mid: 100.115, tick: 221 })))).toEqual([]);
    expect(a.factorVector()[0]!).toBeGreaterThan(m.limitThreshold);
  });

  it('does not trade before its volatility estimate has warmed up', () => {
    const a = new MomentumAgent('mom_1', { ...m, decisionInterval: 1 }, 0);
    expect(trades(feed(a, [100, 100.01, 100.02, 100.05, 100.1]))).toEqual([]);
  });

  it('keeps its volatility estimate across a checkpoint', () => {
    const a = new MomentumAgent('mom_1', m, 0);
    feed(a, warm);
    const b = new MomentumAgent('mom_1', m, 0);
    b.loadState(JSON.parse(JSON.stringify(a.saveState())));
    const next = [100.02, 100.04, 100.06];
    const ra = next.map((mid, k) => a.onTick(state({ mid, tick: 201 + k })));
    const rb = next.map((mid, k) => b.onTick(state({ mid, tick: 201 + k })));
    expect(rb).toEqual(ra);
    expect(b.factorVector()).toEqual(a.factorVector());
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
