/**
 * The PnL split of the ledger (docs/MODEL.md §3): spread earned on passive fills and paid on
 * aggressive ones against the pre-trade mid of the fill's tick, impact paid, and direction (the
 * rest) add up to net PnL; direction equals what the positions made from mid moves after each
 * fill; the split survives a checkpoint, and a checkpoint written before it still loads.
 */
import { describe, expect, it } from 'vitest';
import { Simulation, type SimulationCheckpoint } from '../../src/simulation.js';
import { Scripted } from './scripted-agent.js';
import type { OrderFilledPayload } from '../../src/wire/index.js';

const ETA = 0.01;

function addsUp(sim: Simulation, id: string): void {
  const a = sim.agentStats(id)!;
  expect(a.spread_earned - a.spread_paid - a.impact_cost + a.direction_pnl).toBeCloseTo(a.net_pnl, 9);
}

describe('PnL split: spread, impact, direction', () => {
  it('a scripted fill: the maker earns its half spread, the taker pays it plus impact, nobody has direction yet', () => {
    const sim = new Simulation({ seed: 1, analytics: false, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
    sim.addAgent(
      new Scripted('lp', (s) =>
        s.tick === 1
          ? [
              { side: 'BID', type: 'LIMIT', price: 99.95, qty: 10_000 },
              { side: 'ASK', type: 'LIMIT', price: 100.05, qty: 10_000 },
            ]
          : [],
      ),
    );
    sim.addAgent(new Scripted('taker', (s) => (s.tick === 2 ? [{ side: 'ASK', type: 'MARKET', qty: 4 }] : [])));
    sim.run(3);
    const lp = sim.agentStats('lp')!;
    const taker = sim.agentStats('taker')!;
    // Pre-trade mid of tick 2 is 100.00; the taker sells 4 into the 99.95 bid.
    expect(lp.spread_earned).toBeCloseTo(4 * 0.05, 12);
    expect(lp.spread_paid).toBe(0);
    expect(taker.spread_paid).toBeCloseTo(4 * 0.05, 12);
    expect(taker.spread_earned).toBe(0);
    expect(taker.impact_cost).toBeCloseTo(4 * ETA * Math.sqrt(4), 12);
    expect(lp.direction_pnl).toBeCloseTo(0, 9);
    expect(taker.direction_pnl).toBeCloseTo(0, 9);
    expect(lp.net_pnl).toBeCloseTo(0.2, 9);
    expect(taker.net_pnl).toBeCloseTo(-0.2 - 0.08, 9);
    addsUp(sim, 'lp');
    addsUp(sim, 'taker');
  });

  it('on the default market every agent’s three parts add up to its net PnL, and each part matches the fills', () => {
    const sim = new Simulation({ seed: 13 });
    const ids = sim.agentIds();
    const earned = new Map<string, number>();
    const paid = new Map<string, number>();
    const fills: Array<{ agent: string; signed: number; refMid: number }> = [];
    for (let t = 0; t < 400; t++) {
      const req = sim.prepareTick();
      const refMid = req.states.values().next().value!.mid;
      const res = sim.completeTick(sim.runLocalAgents(req));
      for (const e of res.events) {
        if (e.type !== 'ORDER_FILLED') continue;
        const f = e.payload as OrderFilledPayload;
        const legs = [
          { agent: f.buy_agent_id, signed: f.qty, passive: f.aggressor === 'ASK' },
          { agent: f.sell_agent_id, signed: -f.qty, passive: f.aggressor === 'BID' },
        ];
        for (const l of legs) {
          const edge = (refMid - f.price) * l.signed;
          if (l.passive) earned.set(l.agent, (earned.get(l.agent) ?? 0) + edge);
          else paid.set(l.agent, (paid.get(l.agent) ?? 0) - edge);
          fills.push({ agent: l.agent, signed: l.signed, refMid });
        }
      }
    }
    const midNow = sim.latestTick()!.mid_price;
    let makersEarned = 0;
    let takersPaid = 0;
    for (const id of ids) {
      const a = sim.agentStats(id)!;
      addsUp(sim, id);
      expect(a.spread_earned).toBeCloseTo(earned.get(id) ?? 0, 6);
      expect(a.spread_paid).toBeCloseTo(paid.get(id) ?? 0, 6);
      const direction = fills.filter((f) => f.agent === id).reduce((s, f) => s + f.signed * (midNow - f.refMid), 0);
      expect(a.direction_pnl).toBeCloseTo(direction, 6);
      makersEarned += a.spread_earned;
      takersPaid += a.spread_paid;
    }
    expect(fills.length).toBeGreaterThan(100);
    expect(makersEarned).toBeGreaterThan(0);
    expect(takersPaid).toBeGreaterThan(0);
  });

  it('is carried in checkpoints; a checkpoint from before the split loads with spread 0 and still adds up', () => {
    const sim = new Simulation({ seed: 21 });
    sim.run(200);
    const cp = JSON.parse(JSON.stringify(sim.checkpoint())) as SimulationCheckpoint;
    const restored = Simulation.restore(cp);
    for (const id of sim.agentIds()) {
      const a = sim.agentStats(id)!;
      const b = restored.agentStats(id)!;
      expect([b.spread_earned, b.spread_paid, b.direction_pnl]).toEqual([a.spread_earned, a.spread_paid, a.direction_pnl]);
    }
    sim.run(50);
    restored.run(50);
    expect(restored.agentStats(sim.agentIds()[0]!)!.spread_earned).toBe(sim.agentStats(sim.agentIds()[0]!)!.spread_earned);

    const old = JSON.parse(JSON.stringify(cp)) as SimulationCheckpoint;
    for (const a of old.agents) {
      delete (a.ledger as { spreadEarned?: number }).spreadEarned;
      delete (a.ledger as { spreadPaid?: number }).spreadPaid;
    }
    const legacy = Simulation.restore(old);
    const id = legacy.agentIds()[0]!;
    expect(legacy.agentStats(id)!.spread_earned).toBe(0);
    expect(legacy.agentStats(id)!.net_pnl).toBe(Simulation.restore(cp).agentStats(id)!.net_pnl);
    legacy.run(20);
    for (const i of legacy.agentIds()) addsUp(legacy, i);
  });
});
