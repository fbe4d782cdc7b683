import { describe, expect, it } from 'vitest';
import { createBuiltinAgent, defaultPopulation } from '../../src/agents/builtin-registry.js';
import { FundamentalProcess } from '../../src/agents/fundamental-process.js';
import { resolveConfig } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

const market = resolveConfig({ population: 'market' });

describe('the background market', () => {
  it('builds the market preset: seed strategies, ladder makers and the two aggregated background agents', () => {
    expect(defaultPopulation(market).map((a) => a.id)).toEqual(['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2', 'lmm_1', 'lmm_2', 'bg_noise', 'bg_value']);
    expect(defaultPopulation(market).map((a) => a.strategy).slice(-3)).toEqual(['ladder_maker', 'noise', 'value']);
    expect(defaultPopulation(resolveConfig({ population: 'seed' }))).toHaveLength(8);
  });

  it('records how many traders an aggregated agent stands for, so a checkpoint rebuilds it', () => {
    const noise = createBuiltinAgent('noise', 'bg_noise', { traders: 1000 }, market);
    expect(noise.params).toEqual({ traders: 1000 });
    expect(noise.diagnostics()).toMatchObject({ traders: 1000 });
  });

  it('the fundamental is a function of (seed, tick): two copies agree, another seed differs, it jumps and reverts', () => {
    const cfg = { ...market.fundamental, jumpProbability: 0.01 };
    const a = new FundamentalProcess(cfg, 100, 7);
    const b = new FundamentalProcess(cfg, 100, 7);
    const c = new FundamentalProcess(cfg, 100, 8);
    const path = Array.from({ length: 2000 }, (_, t) => a.valueAt(t + 1));
    expect(b.valueAt(2000)).toBe(path[1999]);
    expect(c.valueAt(2000)).not.toBe(path[1999]);
    const steps = path.slice(1).map((v, i) => Math.abs(Math.log(v / path[i]!)));
    expect(Math.max(...steps)).toBeGreaterThan(10 * cfg.volatility);
    // Strong reversion pulls a far value back toward the mean.
    const strong = new FundamentalProcess({ ...cfg, meanReversion: 0.5, jumpProbability: 0 }, 100, 1);
    expect(Math.abs(strong.valueAt(500) - 100)).toBeLessThan(0.1);
  });

  it('keeps a deep two-sided book a few ticks wide, and noise orders come and go', () => {
    const sim = new Simulation({ population: 'market', seed: 3 });
    let twoSided = 0;
    let deep = 0;
    const spreads: number[] = [];
    for (let t = 0; t < 1500; t++) {
      const ob = sim.step().state.order_book;
      if (ob.bids.length && ob.asks.length) twoSided++;
      if (ob.bids.length >= 3 && ob.asks.length >= 3) deep++;
      if (ob.spread !== null) spreads.push(Math.round(ob.spread / 0.01));
    }
    expect(twoSided).toBe(1500);
    expect(deep / 1500).toBeGreaterThan(0.9);
    spreads.sort((x, y) => x - y);
    expect(spreads[spreads.length >> 1]).toBeLessThanOrEqual(5);
    const stats = sim.agentStats('bg_noise')!;
    expect(stats.fill_count).toBeGreaterThan(100);
    // Expired orders are cancelled: the noise agent's resting orders stay bounded.
    expect(sim.getAgent('bg_noise')!.diagnostics()!.resting_orders as number).toBeLessThan(2000);
  });

  it('a checkpoint of the market preset continues exactly like the uninterrupted run', () => {
    const a = new Simulation({ population: 'market', seed: 9 });
    a.run(300);
    const b = Simulation.restore(JSON.parse(JSON.stringify(a.checkpoint())));
    const ra = a.run(200)!;
    const rb = b.run(200)!;
    expect(rb.state.mid_price).toBe(ra.state.mid_price);
    expect(rb.state.order_book).toEqual(ra.state.order_book);
    expect(b.allAgentStats()).toEqual(a.allAgentStats());
  });

  it('the ladder maker thins and widens the side crowded one-sided flow is hitting', () => {
    const mm = createBuiltinAgent('ladder_maker', 'lmm_1', {}, market);
    const sim = new Simulation({ population: 'market' }, { population: false });
    sim.addAgent(mm);
    const state = sim.prepareTick().states.get('lmm_1')!;
    const quote = (sp: number) => mm.onTick({ ...state, crowding: { ...state.crowding, sidePressure: sp } });
    const calm = quote(0);
    const bought = quote(0.8);
    const askQty = (os: ReturnType<typeof quote>) => os.filter((o) => o.side === 'ASK' && o.type === 'LIMIT').reduce((s, o) => s + o.qty, 0);
    const bestAsk = (os: ReturnType<typeof quote>) => Math.min(...os.filter((o) => o.side === 'ASK' && o.type === 'LIMIT').map((o) => o.price!));
    expect(askQty(bought)).toBeLessThan(askQty(calm));
    expect(bestAsk(bought)).toBeGreaterThanOrEqual(bestAsk(calm));
    expect(calm.filter((o) => o.side === 'BID')).toHaveLength(market.ladderMaker.levels);
  });
});

describe('liquidity providers facing toxic flow (docs/MODEL.md §3, adverse selection)', () => {
  /** One agent on an empty market, its first tick's state with `lastShift` ticks of permanent impact. */
  function setup(type: 'ladder_maker' | 'noise', params: Record<string, number>) {
    const agent = createBuiltinAgent(type, type === 'noise' ? 'bg_noise' : 'lmm_1', params, market);
    const sim = new Simulation({ population: 'market', seed: 5 }, { population: false });
    sim.addAgent(agent);
    const state = sim.prepareTick().states.get(agent.id)!;
    return (shiftTicks: number) =>
      agent.onTick({ ...state, bestBid: 99.99, bestAsk: 100.01, mid: 100, impact: { lastShift: shiftTicks * market.tickSize, cumulativeShift: 0 } });
  }
  type Orders = ReturnType<ReturnType<typeof setup>>;
  const limits = (os: Orders, side: 'BID' | 'ASK') => os.filter((o) => o.side === side && o.type === 'LIMIT');
  const qty = (os: Orders, side: 'BID' | 'ASK') => limits(os, side).reduce((s, o) => s + o.qty, 0);

  it('the ladder maker quotes the side being picked off wider and thinner, the other side as before', () => {
    // toxicitySpan 1: the toxicity is the last tick's shift. 4 ticks down against a reference of 0.9.
    const benign = setup('ladder_maker', { toxicitySpan: 1 })(0);
    const toxic = setup('ladder_maker', { toxicitySpan: 1 })(-4);
    expect(qty(toxic, 'BID')).toBeLessThan(qty(benign, 'BID'));
    expect(Math.max(...limits(toxic, 'BID').map((o) => o.price!))).toBeLessThan(Math.max(...limits(benign, 'BID').map((o) => o.price!)));
    expect(qty(toxic, 'ASK')).toBe(qty(benign, 'ASK'));
    const off = setup('ladder_maker', { toxicitySpan: 1, toxicityWiden: 0, toxicityThin: 0 });
    expect(off(-4)).toEqual(off(0));
  });

  it('the noise background posts its limit orders further out and smaller on the side being picked off', () => {
    // Same seed, same draws: only the toxicity differs, so every order can be compared one to one.
    const benign = setup('noise', { traders: 1000, toxicitySpan: 1 })(0);
    const toxic = setup('noise', { traders: 1000, toxicitySpan: 1 })(-4);
    const bids = (os: Orders) => limits(os, 'BID');
    expect(bids(toxic)).toHaveLength(bids(benign).length);
    expect(bids(benign).length).toBeGreaterThan(0);
    const dist = (os: Orders) => bids(os).reduce((s, o) => s + (100.01 - o.price!), 0);
    expect(dist(toxic)).toBeGreaterThan(dist(benign));
    expect(qty(toxic, 'BID')).toBeLessThanOrEqual(qty(benign, 'BID'));
    bids(toxic).forEach((o, i) => {
      expect(o.price!).toBeLessThanOrEqual(bids(benign)[i]!.price!);
      expect(o.qty).toBeLessThanOrEqual(bids(benign)[i]!.qty);
      expect(o.qty).toBeGreaterThanOrEqual(1);
    });
    // Market orders do not change: the background's aggressive flow is not what withdraws.
    expect(toxic.filter((o) => o.type === 'MARKET')).toEqual(benign.filter((o) => o.type === 'MARKET'));
  });
});

describe('value traders and the permanent shift', () => {
  /** The value the traders trade toward after each of `shifts` (lastShift per call, cumulativeShift fixed), fundamental held at one tick. */
  function valuesAfter(params: Record<string, number>, shifts: number[], cumulative: number): number[] {
    const agent = createBuiltinAgent('value', 'bg_value', { traders: 100, ...params }, market);
    const sim = new Simulation({ population: 'market', seed: 5 }, { population: false });
    sim.addAgent(agent);
    const state = sim.prepareTick().states.get(agent.id)!;
    return shifts.map((lastShift) => {
      agent.onTick({ ...state, impact: { lastShift, cumulativeShift: cumulative } });
      return agent.diagnostics()!.fundamental as number;
    });
  }

  it('with impactHalfLife 0 add impactWeight x the cumulative shift (forever), with 0 weight ignore it', () => {
    const [fundamental] = valuesAfter({ impactWeight: 0 }, [0.5], 0.7);
    expect(valuesAfter({ impactWeight: 1, impactHalfLife: 0 }, [0.5, 0], 0.7)).toEqual([fundamental! + 0.7, fundamental! + 0.7]);
    expect(valuesAfter({ impactWeight: 0.5, impactHalfLife: 0 }, [0], 0.7)[0]).toBeCloseTo(fundamental! + 0.35, 12);
  });

  it('with impactHalfLife > 0 believe each shift for a while: it halves every impactHalfLife ticks', () => {
    const [fundamental] = valuesAfter({ impactWeight: 0 }, [0], 0);
    const v = valuesAfter({ impactWeight: 1, impactHalfLife: 10 }, [0.5, ...Array<number>(10).fill(0)], 99);
    expect(v[0]! - fundamental!).toBeCloseTo(0.5, 12);
    expect(v[10]! - fundamental!).toBeCloseTo(0.25, 12);
  });
});
