/**
 * Who pays the temporary impact (aggressor only by default, both legs as the original's option)
 * and the permanent component that moves the reference price, on a scripted market where every
 * number is known. Analytics off: every multiplier is 1, so impact per unit is eta * sqrt(qty).
 */
import { describe, expect, it } from 'vitest';
import { BaseAgent } from '../../src/agents/base-agent.js';
import type { DeepPartial, SimulationConfig } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';
import type { MarketState, OrderIntent } from '../../src/types.js';

class Scripted extends BaseAgent {
  readonly seen: MarketState[] = [];
  constructor(
    id: string,
    private readonly script: (s: MarketState) => OrderIntent[],
  ) {
    super(id, 'scripted');
  }
  onTick(s: MarketState): OrderIntent[] {
    this.seen.push(s);
    return this.script(s);
  }
}

const ETA = 0.01;

/** LP quotes 99.95 / 100.05 on tick 1; `taker` sends `side` MARKET 4 on tick 2 and 9 on tick 3. */
function market(side: 'BID' | 'ASK', overrides: DeepPartial<SimulationConfig> = {}) {
  const sim = new Simulation({ seed: 1, analytics: false, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 }, ...overrides });
  const lp = new Scripted('lp', (s) =>
    s.tick === 1
      ? [
          { side: 'BID', type: 'LIMIT', price: 99.95, qty: 10_000 },
          { side: 'ASK', type: 'LIMIT', price: 100.05, qty: 10_000 },
        ]
      : [],
  );
  const taker = new Scripted('taker', (s) => (s.tick === 2 ? [{ side, type: 'MARKET', qty: 4 }] : s.tick === 3 ? [{ side, type: 'MARKET', qty: 9 }] : []));
  sim.addAgent(lp);
  sim.addAgent(taker);
  return { sim, lp, taker };
}

describe('temporary impact: who pays', () => {
  it('default: an aggressive SELL pays (receives price - impact); the resting buyer pays its limit price exactly', () => {
    const { sim } = market('ASK');
    sim.run(2);
    const impact = ETA * Math.sqrt(4);
    const taker = sim.agentStats('taker')!;
    const lp = sim.agentStats('lp')!;
    expect(taker.cash).toBeCloseTo(100_000 + 4 * (99.95 - impact), 9);
    expect(lp.cash).toBeCloseTo(100_000 - 4 * 99.95, 9);
    expect(taker.impact_cost).toBeCloseTo(4 * impact, 12);
    expect(lp.impact_cost).toBe(0);
  });

  it("payer 'both_sides' (the original): the resting leg pays the same per-unit impact too, on either side", () => {
    for (const side of ['BID', 'ASK'] as const) {
      const { sim } = market(side, { impact: { payer: 'both_sides' } });
      sim.run(2);
      const impact = ETA * Math.sqrt(4);
      const price = side === 'BID' ? 100.05 : 99.95;
      const lp = sim.agentStats('lp')!;
      // the LP sells to an aggressive buyer (receives less) or buys from an aggressive seller (pays more)
      expect(lp.cash).toBeCloseTo(side === 'BID' ? 100_000 + 4 * (price - impact) : 100_000 - 4 * (price + impact), 9);
      expect(lp.impact_cost).toBeCloseTo(4 * impact, 12);
      expect(sim.agentStats('taker')!.impact_cost).toBeCloseTo(4 * impact, 12);
    }
  });

  it('the default payer is the aggressor and the permanent share 0.5 (pinned)', () => {
    const sim = new Simulation({ population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
    expect(sim.config.impact).toEqual({ payer: 'aggressor', permanentShare: 0.5 });
  });
});

describe('permanent impact: the reference shift agents see', () => {
  it('an aggressive buy shifts the reference up by permanentShare * eta * sqrt(qty); agents see it the next tick', () => {
    const { sim, taker } = market('BID', { impact: { permanentShare: 0.4 } });
    sim.run(4);
    const first = 0.4 * ETA * Math.sqrt(4);
    const second = 0.4 * ETA * Math.sqrt(9);
    // tick 2's fill is seen on tick 3, tick 3's on tick 4; before that nothing moved
    expect(taker.seen[1]!.impact).toEqual({ lastShift: 0, cumulativeShift: 0 });
    expect(taker.seen[2]!.impact.lastShift).toBeCloseTo(first, 12);
    expect(taker.seen[3]!.impact.lastShift).toBeCloseTo(second, 12);
    expect(taker.seen[3]!.impact.cumulativeShift).toBeCloseTo(first + second, 12);
    const last = sim.latestTick()!;
    expect(last.impact_shift).toBe(0); // tick 4 had no fills
    expect(last.impact_shift_total).toBeCloseTo(first + second, 12);
    expect(sim.metrics()['impact_shift_total']).toBeCloseTo(first + second, 12);
  });

  it('an aggressive sell shifts it down by the same amount', () => {
    const { sim } = market('ASK', { impact: { permanentShare: 0.4 } });
    sim.run(2);
    expect(sim.latestTick()!.impact_shift).toBeCloseTo(-0.4 * ETA * Math.sqrt(4), 12);
  });

  it('permanentShare 0 switches the permanent component off; the temporary charge is unchanged', () => {
    const { sim } = market('BID', { impact: { permanentShare: 0 } });
    sim.run(3);
    expect(sim.latestTick()!.impact_shift_total).toBe(0);
    expect(sim.agentStats('taker')!.impact_cost).toBeCloseTo(ETA * (4 * 2 + 9 * 3), 12);
  });

  it('the shift is amplified by crowding: kappa scales it through the aggressor multiplier', () => {
    // with analytics on, two identical buyers are maximally similar: multiplier 1 + kappa * Phi > 1
    const shiftAt = (kappa: number) => {
      const sim = new Simulation({ seed: 2, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 }, crowding: { kappa } });
      sim.addAgent(new Scripted('lp', (s) => [
        ...s.openOrders.map((o) => ({ side: o.side, type: 'CANCEL' as const, qty: 0, cancelTarget: o.orderId })),
        { side: 'BID', type: 'LIMIT', price: 99, qty: 100_000 },
        { side: 'ASK', type: 'LIMIT', price: 101, qty: 100_000 },
      ]));
      sim.addAgent(new Scripted('b1', () => [{ side: 'BID', type: 'MARKET', qty: 1 }]));
      sim.addAgent(new Scripted('b2', () => [{ side: 'BID', type: 'MARKET', qty: 1 }]));
      sim.run(80);
      return sim.latestTick()!.impact_shift_total;
    };
    expect(shiftAt(18)).toBeGreaterThan(shiftAt(0) * 2);
  });

  it('the shift survives a checkpoint and the restored run continues identically', () => {
    const sim = new Simulation({ seed: 5 });
    sim.run(60);
    const cp = JSON.parse(JSON.stringify(sim.checkpoint()));
    expect(cp.permanentImpact).toEqual([sim.metrics()['impact_shift'], sim.metrics()['impact_shift_total']]);
    expect(cp.permanentImpact[1]).not.toBe(0);
    const back = Simulation.restore(cp);
    sim.run(40);
    back.run(40);
    expect(back.metrics()['impact_shift_total']).toBe(sim.metrics()['impact_shift_total']);
    expect(back.priceHistory()).toEqual(sim.priceHistory());
    // an older checkpoint without the field resumes from zero
    delete cp.permanentImpact;
    expect(Simulation.restore(cp).metrics()['impact_shift_total']).toBe(0);
  });

  it('rejects a permanent share outside [0, 1] and an unknown payer, naming the path', () => {
    expect(() => new Simulation({ impact: { permanentShare: 1.5 } })).toThrow(/config\.impact\.permanentShare: is a share of the temporary impact and must be in \[0, 1\], got 1\.5/);
    expect(() => new Simulation({ impact: { permanentShare: -0.1 } })).toThrow(/config\.impact\.permanentShare: must be >= 0/);
    expect(() => new Simulation({ impact: { payer: 'maker' } } as never)).toThrow(/config\.impact\.payer: must be one of "aggressor", "both_sides"/);
  });
});
