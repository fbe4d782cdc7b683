/**
 * `Simulation.stopAgent`: the host withdraws one agent. It is silenced at once (no more states or
 * onTick calls), its resting orders are cancelled at the start of the next tick with ordinary
 * CANCEL ORDER_SUBMITTED events, it stays stopped across checkpoints, and runs with the same stops
 * stay reproducible.
 */
import { describe, expect, it } from 'vitest';
import { BaseAgent } from '../../src/agents/base-agent.js';
import { EventType, type MarketEvent } from '../../src/events.js';
import { Simulation, SimulationError } from '../../src/simulation.js';
import type { MarketState, OrderIntent } from '../../src/types.js';

/** Rests one bid and one ask far from the mid every tick, never crossing: its orders pile up. */
class Rester extends BaseAgent {
  calls = 0;
  constructor(id: string) {
    super(id, 'rester');
  }
  onTick(s: MarketState): OrderIntent[] {
    this.calls++;
    return [
      { side: 'BID', type: 'LIMIT', price: s.mid - 5, qty: 2 },
      { side: 'ASK', type: 'LIMIT', price: s.mid + 5, qty: 3 },
    ];
  }
}

const submitted = (events: MarketEvent[]) => events.filter((e) => e.type === EventType.ORDER_SUBMITTED).map((e) => e.payload as MarketEvent<'ORDER_SUBMITTED'>['payload']);

function market(): { sim: Simulation; rester: Rester } {
  const sim = new Simulation({ seed: 5 });
  const rester = new Rester('rest_1');
  sim.addAgent(rester);
  return { sim, rester };
}

function restingOf(sim: Simulation, id: string): number[] {
  return sim
    .checkpoint()
    .book.filter((o) => o.agentId === id)
    .map((o) => o.orderId);
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SimulationError);
    return (e as SimulationError).code;
  }
  throw new Error('expected a SimulationError');
}

describe('Simulation.stopAgent', () => {
  it('silences the agent at once and cancels its resting orders at the next tick with CANCEL events', () => {
    const { sim, rester } = market();
    sim.run(4);
    const resting = restingOf(sim, 'rest_1');
    expect(resting).toHaveLength(8);
    const callsBefore = rester.calls;

    sim.stopAgent('rest_1', 'stopped by the operator: testing');
    const stats = sim.agentStats('rest_1');
    expect(stats).toMatchObject({ status: 'silenced', status_reason: 'stopped by the operator: testing' });
    expect(stats?.extra.stopped_at_tick).toBe(4);
    expect(sim.prepareTick().states.has('rest_1')).toBe(false);
    const r = sim.completeTick(new Map());

    const mine = submitted(r.events).filter((o) => o.agent_id === 'rest_1');
    expect(mine.map((o) => o.cancel_target)).toEqual(resting);
    for (const o of mine) expect(o).toMatchObject({ tick: 5, order_type: 'CANCEL', qty: 0, price: null });
    // The withdrawal comes before the tick's own orders, with fresh order ids.
    expect(submitted(r.events).slice(0, mine.length)).toEqual(mine);
    expect(new Set(mine.map((o) => o.order_id)).size).toBe(mine.length);
    expect(restingOf(sim, 'rest_1')).toEqual([]);

    sim.run(3);
    expect(rester.calls).toBe(callsBefore);
    const later = sim.run(1)!;
    expect(submitted(later.events).some((o) => o.agent_id === 'rest_1')).toBe(false);
    expect(sim.agentStats('rest_1')).toMatchObject({ status: 'silenced', status_reason: 'stopped by the operator: testing', orders_submitted: 8 });
    expect(sim.metrics().active_agents).toBe(sim.agentIds().length - 1);
  });

  it('never runs mid-tick, refuses to stop an agent twice, and names unknown agents', () => {
    const { sim } = market();
    sim.run(2);
    const req = sim.prepareTick();
    expect(codeOf(() => sim.stopAgent('rest_1', 'x'))).toBe('TICK_PENDING');
    sim.completeTick(sim.runLocalAgents(req));
    expect(sim.agentStats('rest_1')?.status).toBe('active');

    sim.stopAgent('rest_1', 'first');
    expect(codeOf(() => sim.stopAgent('rest_1', 'second'))).toBe('AGENT_NOT_ACTIVE');
    expect(sim.agentStats('rest_1')?.status_reason).toBe('first');
    sim.setAgentStatus('mom_1', 'silenced', 'sandbox timeout');
    expect(codeOf(() => sim.stopAgent('mom_1', 'x'))).toBe('AGENT_NOT_ACTIVE');
    expect(codeOf(() => sim.stopAgent('nobody', 'x'))).toBe('AGENT_NOT_FOUND');
  });

  it('emits nothing for an agent with no resting orders', () => {
    const { sim } = market();
    sim.stopAgent('rest_1', 'before it traded');
    const r = sim.step();
    expect(submitted(r.events).some((o) => o.agent_id === 'rest_1')).toBe(false);
  });

  it('keeps a pending withdrawal and the stop across a checkpoint, reproducibly', () => {
    const stream = (restoreAfterStop: boolean): string => {
      let { sim } = market();
      sim.run(6);
      sim.stopAgent('rest_1', 'stopped by its owner');
      if (restoreAfterStop) {
        const cp = JSON.parse(JSON.stringify(sim.checkpoint())) as ReturnType<Simulation['checkpoint']>;
        expect(cp.agents.find((a) => a.id === 'rest_1')).toMatchObject({ status: 'silenced', statusReason: 'stopped by its owner', withdrawing: true });
        sim = Simulation.restore(cp, { agentFactory: (spec) => (spec.strategy === 'rester' ? new Rester(spec.id) : null) });
      }
      const lines: string[] = [];
      for (let t = 0; t < 20; t++) for (const e of sim.step().events) lines.push(JSON.stringify(e));
      expect(sim.agentStats('rest_1')).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner' });
      const after = sim.checkpoint().agents.find((a) => a.id === 'rest_1');
      expect(after?.withdrawing).toBeUndefined();
      return lines.join('\n');
    };
    const plain = stream(false);
    expect(plain).toContain('"order_type":"CANCEL"');
    expect(stream(false)).toBe(plain);
    expect(stream(true)).toBe(plain);
  });
});

/** Buys with a market order every tick: builds a long position. */
class Buyer extends BaseAgent {
  constructor(id: string) {
    super(id, 'buyer');
  }
  onTick(): OrderIntent[] {
    return [{ side: 'BID', type: 'MARKET', qty: 7, price: null }];
  }
}

describe('stopAgent with flatten or freeze', () => {
  it('flatten closes the position with market orders of at most the given qty a tick, and reports it', () => {
    const sim = new Simulation({ seed: 9 });
    sim.addAgent(new Buyer('buyer_1'));
    for (let i = 0; i < 10; i++) sim.step();
    const long = sim.agentStats('buyer_1')!.inventory;
    expect(long).toBeGreaterThan(20);
    sim.stopAgent('buyer_1', 'stopped by its owner', { flattenQtyPerTick: 10 });
    const seen: number[] = [];
    for (let i = 0; i < 30 && sim.agentStats('buyer_1')!.inventory !== 0; i++) {
      const r = sim.step();
      const mine = submitted(r.events).filter((o) => o.agent_id === 'buyer_1' && o.order_type === 'MARKET');
      expect(mine.length).toBeLessThanOrEqual(1);
      for (const o of mine) {
        expect(o.side).toBe('ASK');
        expect(o.qty).toBeLessThanOrEqual(10);
        seen.push(o.qty);
      }
    }
    const after = sim.agentStats('buyer_1')!;
    expect(after.inventory).toBe(0);
    expect(seen.length).toBeGreaterThanOrEqual(Math.ceil(long / 10));
    expect(after.extra).toMatchObject({ stop_position: 'flatten', position_at_stop: long, flatten_qty: long });
    expect(after.extra.flattened_at_tick).toBe(sim.tick);
    // Flat: nothing more is sent.
    const r = sim.step();
    expect(submitted(r.events).filter((o) => o.agent_id === 'buyer_1')).toEqual([]);
  });

  it('freeze (the default) keeps the position as it is; a bad flatten qty is refused', () => {
    const sim = new Simulation({ seed: 9 });
    sim.addAgent(new Buyer('buyer_1'));
    for (let i = 0; i < 5; i++) sim.step();
    const long = sim.agentStats('buyer_1')!.inventory;
    expect(codeOf(() => sim.stopAgent('buyer_1', 'x', { flattenQtyPerTick: 0 }))).toBe('BAD_FLATTEN');
    sim.stopAgent('buyer_1', 'stopped');
    for (let i = 0; i < 5; i++) sim.step();
    expect(sim.agentStats('buyer_1')!.inventory).toBe(long);
    expect(sim.agentStats('buyer_1')!.extra).toMatchObject({ stop_position: 'freeze', position_at_stop: long });
  });

  it('a flatten in progress survives a checkpoint', () => {
    const sim = new Simulation({ seed: 9 });
    sim.addAgent(new Buyer('buyer_1'));
    for (let i = 0; i < 10; i++) sim.step();
    sim.stopAgent('buyer_1', 'stopped', { flattenQtyPerTick: 3 });
    sim.step();
    const restored = Simulation.restore(JSON.parse(JSON.stringify(sim.checkpoint())), { agentFactory: (spec) => (spec.id === 'buyer_1' ? new Buyer('buyer_1') : null) });
    for (let i = 0; i < 5; i++) {
      sim.step();
      restored.step();
    }
    expect(restored.agentStats('buyer_1')!.inventory).toBe(sim.agentStats('buyer_1')!.inventory);
    expect(restored.agentStats('buyer_1')!.extra.flatten_qty).toBe(sim.agentStats('buyer_1')!.extra.flatten_qty);
  });
});
