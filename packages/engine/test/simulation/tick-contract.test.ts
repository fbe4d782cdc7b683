/**
 * docs/MODEL.md §3 accounting and the §7 "only when" rules of the per-tick events, checked on a scripted
 * market where every number is known.
 */
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMA, EventType, type AgentStateChangedPayload, type MarketEvent, type RegimePayload, type TickPayload } from '../../src/events.js';
import { Simulation } from '../../src/simulation.js';
import { Scripted } from './scripted-agent.js';

/** Quotes 99.95 / 100.05 (10,000 each) once, on tick 1: the mid stays 100. */
const provider = () =>
  new Scripted('lp', (s) =>
    s.tick === 1
      ? [
          { side: 'BID', type: 'LIMIT', price: 99.95, qty: 10_000 },
          { side: 'ASK', type: 'LIMIT', price: 100.05, qty: 10_000 },
        ]
      : [],
  );

function scriptedMarket(buyOnTick: number) {
  const sim = new Simulation({ seed: 1, analytics: false, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
  sim.addAgent(provider());
  sim.addAgent(new Scripted('buyer', (s) => (s.tick === buyOnTick ? [{ side: 'BID', type: 'MARKET', qty: 4 }] : [])));
  sim.addAgent(new Scripted('idle', () => []));
  return sim;
}

const ofType = <T>(events: MarketEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.payload as T);

describe('execution accounting (docs/MODEL.md §3)', () => {
  it('the aggressive buyer pays price + impact, the resting seller receives its own price, PnL is marked to the mid', () => {
    const sim = scriptedMarket(2);
    sim.step();
    sim.step();
    const impact = 0.01 * Math.sqrt(4); // eta * side 1 * agent 1 * sqrt(qty), per unit
    const buyer = sim.agentStats('buyer')!;
    const lp = sim.agentStats('lp')!;
    expect(buyer.cash).toBeCloseTo(100_000 - 4 * (100.05 + impact), 9);
    expect(lp.cash).toBeCloseTo(100_000 + 4 * 100.05, 9);
    expect([buyer.inventory, lp.inventory]).toEqual([4, -4]);
    expect(buyer.pnl).toBeCloseTo(buyer.cash + 4 * 100, 9);
    expect(buyer.impact_cost).toBeCloseTo(4 * impact, 12);
    expect(lp.impact_cost).toBe(0);
    expect([buyer.total_buy_qty, buyer.fill_count, lp.total_sell_qty, lp.fill_count]).toEqual([4, 1, 4, 1]);
  });
});

describe('pre-trade snapshot (docs/MODEL.md §2)', () => {
  it('volatility is the std of log returns over the last 20 mids, VWAP is over the last 200 fills, agents see the last 20 trades', () => {
    const sim = new Simulation({ seed: 4 });
    let seenTrades = -1;
    sim.addAgent(new Scripted('observer', (s) => ((seenTrades = s.recentTrades.length), [])));
    for (let t = 0; t < 400; t++) {
      const { state } = sim.step();
      const mids = sim.priceHistory().slice(-20);
      const r = mids.slice(1).map((m, k) => Math.log(m / mids[k]!));
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      const vol = r.length > 1 ? Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length) : 0;
      expect(state.volatility).toBeCloseTo(vol, 12);
      const fills = sim.trades({ limit: 200 });
      if (fills.length > 0) {
        const vwap = fills.reduce((a, f) => a + f.price * f.qty, 0) / fills.reduce((a, f) => a + f.qty, 0);
        expect(state.vwap).toBeCloseTo(vwap, 9);
      }
    }
    expect(seenTrades).toBe(20);
  });
});

describe('per-tick events (docs/MODEL.md §7)', () => {
  it('every emitted payload has exactly the fields GET /ws/schema (EVENT_SCHEMA) lists for its type', () => {
    const sim = new Simulation({ seed: 8 });
    const seen = new Map<string, Set<string>>();
    for (let t = 0; t < 200; t++) {
      for (const e of sim.step().events) {
        const keys = Object.keys(e.payload).sort().join(',');
        if (!seen.has(e.type)) seen.set(e.type, new Set());
        seen.get(e.type)!.add(keys);
      }
    }
    expect([...seen.keys()].sort()).toEqual([...EVENT_SCHEMA.tick_order].sort());
    for (const [type, shapes] of seen) {
      const listed = [...EVENT_SCHEMA.events[type as keyof typeof EVENT_SCHEMA.events].payload].sort().join(',');
      expect([...shapes], type).toEqual([listed]);
    }
  });

  it('PRICE_UPDATED only when the mid or the spread changed', () => {
    const sim = scriptedMarket(-1);
    const first = ofType<{ prev_mid_price: number | null; mid_price: number }>(sim.step().events, EventType.PRICE_UPDATED);
    expect(first).toEqual([{ tick: 1, prev_mid_price: null, mid_price: 100, prev_spread: null, spread: 0.1 }]);
    for (let t = 0; t < 5; t++) expect(ofType(sim.step().events, EventType.PRICE_UPDATED)).toEqual([]);
  });

  it('one AGENT_STATE_CHANGED per tick, listing only agents whose cash, inventory or PnL changed', () => {
    const sim = scriptedMarket(3);
    sim.step();
    expect(ofType(sim.step().events, EventType.AGENT_STATE_CHANGED)).toEqual([]);
    const changed = ofType<AgentStateChangedPayload>(sim.step().events, EventType.AGENT_STATE_CHANGED);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.agents.map((a) => a.agent_id).sort()).toEqual(['buyer', 'lp']);
    expect(ofType(sim.step().events, EventType.AGENT_STATE_CHANGED)).toEqual([]);
  });

  it('REGIME_CHANGED on the first tick and exactly when the TICK regime differs from the last one', () => {
    // The seed market changes regime often enough to exercise the event; the default market is calm.
    const sim = new Simulation({ seed: 12, population: 'seed' });
    let prev: string | null = null;
    let changes = 0;
    for (let t = 0; t < 600; t++) {
      const events = sim.step().events;
      const regime = (events.at(-1)!.payload as TickPayload).regime;
      const rc = ofType<RegimePayload>(events, EventType.REGIME_CHANGED);
      if (regime !== prev) {
        expect(rc).toEqual([{ tick: t + 1, prev_regime: prev, regime }]);
        changes++;
      } else expect(rc).toEqual([]);
      prev = regime;
    }
    expect(changes).toBeGreaterThan(1);
  });
});
