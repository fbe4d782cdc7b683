import { describe, expect, it } from 'vitest';
import {
  MarketAnalytics,
  type TickAnalyticsInput,
  type TickFillInfo,
  type TickOrderInfo,
} from '../../src/analytics/market-analytics.js';
import { resolveConfig, type DeepPartial, type SimulationConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';
import type { BookLevel, DepthSnapshot } from '../../src/types.js';

function depth(mid: number): DepthSnapshot {
  const lv = (start: number, step: number): BookLevel[] =>
    Array.from({ length: 10 }, (_, k) => ({ price: +(start + k * step).toFixed(4), qty: 10, orders: 1 }));
  return { bids: lv(mid - 0.05, -0.01), asks: lv(mid + 0.05, 0.01), bestBid: mid - 0.05, bestAsk: mid + 0.05, mid, spread: 0.1 };
}

function input(
  tick: number,
  orders: TickOrderInfo[],
  fills: TickFillInfo[],
  pnl: number[],
  inventory: number[] = pnl.map(() => 0),
): TickAnalyticsInput {
  const d = depth(100);
  return {
    tick,
    orders,
    fills,
    preTrade: { mid: 100, bestBid: d.bestBid, bestAsk: d.bestAsk, depth: d },
    postTrade: { mid: 100, spread: d.spread, depth: d },
    logReturn: tick === 0 ? 0 : (tick % 2 ? 1 : -1) * 0.0005,
    pnl: Float64Array.from(pnl),
    inventory: Float64Array.from(inventory),
    cash: Float64Array.from(pnl.map(() => 100_000)),
    tickSize: 0.0001,
  };
}

function analytics(overrides: DeepPartial<SimulationConfig> = {}): MarketAnalytics {
  return new MarketAnalytics(resolveConfig(overrides), new Rng(42));
}

/** mom_1 and usr_clone both lift the offer every tick; mm_1 provides; mr_1 bids passively. */
function crowdedMarket(a: MarketAnalytics, ticks: number): void {
  const mom = a.addAgent('mom_1', 'momentum');
  const clone = a.addAgent('usr_clone', 'user_copycat');
  const mm = a.addAgent('mm_1', 'market_maker');
  const mr = a.addAgent('mr_1', 'mean_reversion');
  for (let t = 0; t < ticks; t++) {
    const orders: TickOrderInfo[] = [
      { agent: mm, side: 'ASK', type: 'LIMIT', price: 100.05, qty: 10 },
      { agent: mm, side: 'BID', type: 'LIMIT', price: 99.95, qty: 10 },
      { agent: mom, side: 'BID', type: 'MARKET', price: null, qty: 5 },
      { agent: clone, side: 'BID', type: 'MARKET', price: null, qty: 5 },
      { agent: mr, side: 'ASK', type: 'LIMIT', price: 100.02, qty: 3 },
    ];
    const fills: TickFillInfo[] = [
      { buyer: mom, seller: mm, price: 100.05, qty: 5, aggressor: 'BID' },
      { buyer: clone, seller: mm, price: 100.05, qty: 5, aggressor: 'BID' },
    ];
    a.executionMultipliers(orders);
    a.endTick(input(t, orders, fills, [t * 0.1, t * 0.1, -t * 0.2, 0], [5 * t, 5 * t, -10 * t, 0]));
  }
}

describe('MarketAnalytics', () => {
  it('all execution multipliers are 1 before any crowding exists', () => {
    const a = analytics();
    a.addAgent('a', 'x');
    a.addAgent('b', 'y');
    const m = a.executionMultipliers([{ agent: 0, side: 'BID', type: 'MARKET', price: null, qty: 5 }]);
    expect(m.buy).toBe(1);
    expect(m.sell).toBe(1);
    expect(m.sidePressure).toBe(0);
    expect(m.orderFlowImbalance).toBe(1);
    expect(Array.from(m.agent)).toEqual([1, 1]);
  });

  it('the first tick reports a regime change from null', () => {
    const a = analytics();
    a.addAgent('a', 'x');
    const out = a.endTick(input(0, [], [], [0]));
    expect(out.regimeChanged).toBe(true);
    expect(out.prevRegime).toBeNull();
    expect(out.regime).toBe('CALM');
  });

  it('identical behaviour from different agent types is found as the top crowded pair', () => {
    const a = analytics();
    crowdedMarket(a, 30);
    const snap = a.crowdingSnapshot();
    expect(snap.top_crowded_pairs[0]).toMatchObject({ agent_a: 'mom_1', agent_b: 'usr_clone' });
    expect(snap.top_crowded_pairs[0]!.similarity).toBeCloseTo(1, 12);
  });

  it('the crowding payload carries ids, the matrix and Phi by agent id', () => {
    const a = analytics();
    crowdedMarket(a, 5);
    const out = a.endTick(input(5, [], [], [0, 0, 0, 0]));
    const p = out.crowding!;
    expect(p.tick).toBe(5);
    expect(p.agent_ids).toEqual(['mom_1', 'usr_clone', 'mm_1', 'mr_1']);
    expect(p.matrix).toHaveLength(4);
    expect(p.matrix[1]![1]).toBe(1);
    expect(Object.keys(p.agent_crowding_intensity)).toEqual(p.agent_ids);
    expect(p.crowding_intensity).toBe(out.intensity);
  });

  it('the crowding pipeline runs every `updateEvery` ticks and the payload is null in between', () => {
    const a = analytics({ crowding: { updateEvery: 3 } });
    a.addAgent('a', 'x');
    const got = [0, 1, 2, 3, 4, 5, 6].map((t) => a.endTick(input(t, [], [], [0])).crowding !== null);
    expect(got).toEqual([true, false, false, true, false, false, true]);
  });

  it('agent multipliers come from the previous crowding: the crowded pair pays more than the provider', () => {
    const a = analytics();
    crowdedMarket(a, 20);
    const m = a.executionMultipliers([]);
    const phi = a.crowdingSnapshot().agent_crowding_intensity;
    expect(m.agent[0]).toBeCloseTo(Math.min(6, Math.max(0.2, 1 + 18 * phi['mom_1']!)), 12);
    expect(m.agent[0]!).toBeGreaterThan(m.agent[2]!);
    expect(a.agentView(0).agentImpactMultiplier).toBe(m.agent[0]);
  });

  it('side multipliers follow this tick’s order-flow imbalance once crowding exists', () => {
    const a = analytics();
    crowdedMarket(a, 20);
    const buys = a.executionMultipliers([{ agent: 0, side: 'BID', type: 'MARKET', price: null, qty: 9 }]);
    expect(buys.buy).toBeGreaterThan(buys.sell);
    const sells = a.executionMultipliers([{ agent: 0, side: 'ASK', type: 'MARKET', price: null, qty: 9 }]);
    expect(sells.sell).toBeGreaterThan(sells.buy);
    expect(a.agentView(1).sellImpactMultiplier).toBe(sells.sell);
  });

  it('an agent added mid-run gets multiplier 1 and Phi 0 until the next crowding update', () => {
    const a = analytics();
    crowdedMarket(a, 10);
    const late = a.addAgent('late', 'momentum');
    expect(late).toBe(4);
    expect(a.agentView(late)).toMatchObject({ phi: 0, agentImpactMultiplier: 1 });
    expect(a.executionMultipliers([]).agent[late]).toBe(1);
    const out = a.endTick(input(10, [], [], [0, 0, 0, 0, 0]));
    expect(out.crowding!.agent_ids).toContain('late');
  });

  it('snapshots are plain JSON keyed by agent id', () => {
    const a = analytics();
    crowdedMarket(a, 40);
    for (const snap of [a.crowdingSnapshot(), a.factorSpaceSnapshot(), a.decaySnapshot(), a.regimeSnapshot(), a.fragilitySnapshot()]) {
      expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    }
    const fs = a.factorSpaceSnapshot() as { agents: { agent_id: string; factors: Record<string, number>; pca: { x: number } }[] };
    expect(fs.agents.map((x) => x.agent_id)).toEqual(['mom_1', 'usr_clone', 'mm_1', 'mr_1']);
    expect(fs.agents[0]!.factors['directional_bias']).toBe(1);
    expect(fs.agents[0]!.pca.x).toBeCloseTo((fs.agents[1]!.pca.x), 12);
  });

  it('snapshots are valid before any tick has run', () => {
    const a = analytics();
    a.addAgent('a', 'x');
    expect(a.crowdingSnapshot()).toMatchObject({ tick: null, crowding_intensity: 0, agent_ids: [], matrix: [] });
    expect(a.factorSpaceSnapshot()).toMatchObject({ tick: null, agents: [] });
    expect(a.decaySnapshot()).toMatchObject({ samples: 0, half_life: null });
    expect(a.regimeSnapshot()).toMatchObject({ regime: null, observations: 0 });
    expect(a.fragilitySnapshot()).toMatchObject({ lfi: 0, alert: 'NORMAL', baseline: null });
  });

  it('above eagerPairsMaxAgents the payload computes matrix and top pairs on read, for its own tick', () => {
    const a = new MarketAnalytics(resolveConfig({}), new Rng(42), { eagerPairsMaxAgents: 2 });
    crowdedMarket(a, 10);
    const early = a.endTick(input(10, [], [], [0, 0, 0, 0])).crowding!;
    const eager = analytics();
    crowdedMarket(eager, 10);
    const reference = eager.endTick(input(10, [], [], [0, 0, 0, 0])).crowding!;
    // later ticks change the market; the early payload must still show tick 10
    for (let t = 11; t < 30; t++) {
      a.endTick(input(t, [{ agent: 3, side: 'BID', type: 'MARKET', price: null, qty: 9 }], [{ buyer: 3, seller: 2, price: 100.05, qty: 9, aggressor: 'BID' }], [0, 0, 0, 0]));
    }
    expect(JSON.parse(JSON.stringify(early))).toEqual(JSON.parse(JSON.stringify(reference)));
    expect(early.top_crowded_pairs[0]).toMatchObject({ agent_a: 'mom_1', agent_b: 'usr_clone' });
  });

  it('the leaderboard ranks by Sharpe with agents lacking one last', () => {
    const a = analytics({ diagnostics: { minSharpeChanges: 5 } });
    a.addAgent('steady', 'x');
    a.addAgent('noisy', 'x');
    a.addAgent('flat', 'x');
    for (let t = 0; t < 20; t++) a.endTick(input(t, [], [], [t + 0.1 * (t % 2), t + 3 * (t % 2), 0]));
    expect(a.leaderboard()).toEqual([0, 1, 2]);
    expect(a.agentDiagnostics(2).sharpe).toBeNull();
  });

  it('is deterministic: the same inputs and seed give the same snapshots', () => {
    const x = analytics();
    const y = analytics();
    crowdedMarket(x, 60);
    crowdedMarket(y, 60);
    expect(x.decaySnapshot()).toEqual(y.decaySnapshot());
    expect(x.crowdingSnapshot()).toEqual(y.crowdingSnapshot());
  });
});
