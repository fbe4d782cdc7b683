import { describe, expect, it } from 'vitest';
import { BaseAgent } from '../../src/agents/base-agent.js';
import { Simulation } from '../../src/simulation.js';
import type { MarketState, OrderIntent } from '../../src/types.js';

/** Deep two-sided liquidity around the mid, refreshed every tick. */
class LiquidityProvider extends BaseAgent {
  constructor() {
    super('lp', 'scripted');
  }
  onTick(s: MarketState): OrderIntent[] {
    const out: OrderIntent[] = s.openOrders.map((o) => ({ side: o.side, type: 'CANCEL', qty: 0, cancelTarget: o.orderId }));
    out.push({ side: 'BID', type: 'LIMIT', price: Math.round((s.mid - 0.05) * 1e4) / 1e4, qty: 10_000 });
    out.push({ side: 'ASK', type: 'LIMIT', price: Math.round((s.mid + 0.05) * 1e4) / 1e4, qty: 10_000 });
    return out;
  }
}

/** Buys 2 at market every `every`-th tick: same order size, different volume share. */
class Buyer extends BaseAgent {
  constructor(
    id: string,
    private readonly every: number,
  ) {
    super(id, 'scripted');
  }
  onTick(s: MarketState): OrderIntent[] {
    return s.tick % this.every === 0 ? [{ side: 'BID', type: 'MARKET', qty: 2 }] : [];
  }
}

describe('crowding-driven impact', () => {
  it('charges the agent with the higher Phi more impact per unit traded', () => {
    const sim = new Simulation({ seed: 1, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
    sim.addAgent(new LiquidityProvider());
    sim.addAgent(new Buyer('light', 3));
    sim.addAgent(new Buyer('heavy', 1));
    for (let t = 0; t < 120; t++) sim.step();

    // Compare on ticks where both trade the same size, so side multipliers and sqrt(qty) are equal.
    let lightCost = 0;
    let heavyCost = 0;
    let phiLight = 0;
    let phiHeavy = 0;
    for (let t = 0; t < 60; t++) {
      const before = [sim.agentStats('light')!.impact_cost, sim.agentStats('heavy')!.impact_cost];
      const bothTrade = (sim.tick + 1) % 3 === 0;
      const r = sim.step();
      if (!bothTrade) continue;
      lightCost += sim.agentStats('light')!.impact_cost - (before[0] as number);
      heavyCost += sim.agentStats('heavy')!.impact_cost - (before[1] as number);
      expect(r.state.tick % 3).toBe(0);
      phiLight = sim.agentStats('light')!.phi;
      phiHeavy = sim.agentStats('heavy')!.phi;
    }
    expect(phiLight).toBeGreaterThan(phiHeavy);
    expect(lightCost).toBeGreaterThan(heavyCost);
    expect(heavyCost).toBeGreaterThan(0);
  });

  it('charges no impact beyond eta*sqrt(qty) when analytics are off', () => {
    const sim = new Simulation({ seed: 1, analytics: false, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
    sim.addAgent(new LiquidityProvider());
    sim.addAgent(new Buyer('b', 1));
    sim.step();
    sim.step();
    // One fill of 2 lots: impact per unit = 0.01 * sqrt(2); cost = that * 2.
    expect(sim.agentStats('b')!.impact_cost).toBeCloseTo(0.01 * Math.SQRT2 * 2, 12);
  });
});
