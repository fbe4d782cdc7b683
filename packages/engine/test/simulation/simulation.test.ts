import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { BaseAgent } from '../../src/agents/base-agent.js';
import { createBuiltinAgent } from '../../src/agents/builtin-registry.js';
import { EventType, TICK_EVENT_ORDER, type MarketEvent } from '../../src/events.js';
import { Simulation } from '../../src/simulation.js';
import type { MarketState, OrderIntent } from '../../src/types.js';
import { Scripted as ScriptedAgent } from './scripted-agent.js';

function eventStream(seed: number, ticks: number, analytics = true): string {
  const sim = new Simulation({ seed, analytics });
  const lines: string[] = [];
  for (let t = 0; t < ticks; t++) for (const e of sim.step().events) lines.push(JSON.stringify(e));
  return lines.join('\n');
}

describe('Simulation', () => {
  it('gives byte-identical event streams for the same config and seed', () => {
    expect(eventStream(7, 300)).toBe(eventStream(7, 300));
  });

  it('is deterministic over a long run with analytics on and agents of every type joining mid-run', () => {
    const types = ['momentum', 'mean_reversion', 'market_maker', 'rl_ppo'] as const;
    const run = (): string => {
      const sim = new Simulation({ seed: 9, population: { rl: 1 } });
      const h = createHash('sha256');
      for (let t = 0; t < 1200; t++) {
        // 9 agents at the start, 21 at the end: every per-agent array grows past its first capacity
        if (t % 100 === 50) sim.addAgent(createBuiltinAgent(types[(t / 100) % 4 | 0]!, `late_${t}`, { index: t % 3 }, sim.config));
        h.update(JSON.stringify(sim.step().events));
      }
      h.update(JSON.stringify([sim.crowdingSnapshot(), sim.factorSpaceSnapshot(), sim.decaySnapshot(), sim.regimeSnapshot(), sim.fragilitySnapshot(), sim.leaderboard()]));
      return h.digest('hex');
    };
    expect(run()).toBe(run());
  });

  it('gives different streams for different seeds', () => {
    expect(eventStream(7, 200, false)).not.toBe(eventStream(8, 200, false));
  });

  it('keeps a 5,000-tick default run finite, positive and trading', () => {
    const sim = new Simulation();
    let fills = 0;
    for (let t = 0; t < 5000; t++) {
      const r = sim.step();
      expect(Number.isFinite(r.state.mid_price) && r.state.mid_price > 0).toBe(true);
      fills += r.events.filter((e) => e.type === EventType.ORDER_FILLED).length;
    }
    expect(fills).toBeGreaterThan(1000);
    for (const s of sim.allAgentStats()) {
      expect(Number.isFinite(s.pnl)).toBe(true);
      expect(Number.isFinite(s.cash)).toBe(true);
    }
  });

  it('emits each tick events in the docs/MODEL.md §7 order, ending with TICK', () => {
    const sim = new Simulation({ seed: 3 });
    for (let t = 0; t < 50; t++) {
      const types = sim.step().events.map((e) => e.type);
      const ranks = types.map((ty) => TICK_EVENT_ORDER.indexOf(ty));
      expect(ranks.every((r) => r >= 0)).toBe(true);
      expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
      expect(types.at(-1)).toBe(EventType.TICK);
      expect(types.filter((ty) => ty === EventType.TICK)).toHaveLength(1);
    }
  });

  it('wraps every event in the schema_version 1 envelope with the clock timestamp', () => {
    let now = 1_700_000_000_000_000_000;
    const sim = new Simulation({ seed: 1 }, { clock: () => (now += 100_000_000) });
    const events: MarketEvent[] = sim.step().events;
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(['payload', 'schema_version', 'timestamp', 'type']);
      expect(e.schema_version).toBe(1);
      expect(e.timestamp).toBe(1_700_000_000_100_000_000);
    }
  });

  it('names the default population mom_1.., rev_1.., mm_1.., then the background lmm_1.., bg_noise, bg_value', () => {
    expect(new Simulation().agentIds()).toEqual(['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2', 'lmm_1', 'lmm_2', 'bg_noise', 'bg_value']);
    expect(new Simulation({ population: 'seed' }).agentIds()).toEqual(['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2']);
  });

  it('skips an agent that throws and keeps the market going', () => {
    const sim = new Simulation({ seed: 2 });
    sim.addAgent(new ScriptedAgent('boom', () => { throw new Error('strategy bug'); }));
    for (let t = 0; t < 20; t++) sim.step();
    expect(sim.tick).toBe(20);
    const stats = sim.agentStats('boom');
    expect(stats?.extra.errors).toBe(20);
    expect(stats?.extra.last_error).toBe('strategy bug');
  });

  it('an emitted TICK payload does not change when the agent\'s stats move on later', () => {
    const sim = new Simulation({ seed: 2 });
    sim.addAgent(new ScriptedAgent('boom', () => { throw new Error('strategy bug'); }));
    const first = sim.step().state.agent_stats.find((a) => a.agent_id === 'boom')!;
    const frozen = JSON.stringify(first);
    sim.step();
    sim.setAgentExtra('boom', { note: 'later' });
    expect(JSON.stringify(first)).toBe(frozen);
    expect(sim.agentStats('boom')?.extra).toMatchObject({ errors: 2, note: 'later' });
  });

  it('rejects malformed orders with a reason instead of throwing', () => {
    const sim = new Simulation({ seed: 2 });
    const bad = [
      { side: 'BID', type: 'LIMIT', qty: -3, price: 99 },
      { side: 'BID', type: 'LIMIT', qty: 1.5, price: 99 },
      { side: 'BID', type: 'LIMIT', qty: 2, price: Number.NaN },
      { side: 'UP', type: 'LIMIT', qty: 2, price: 99 },
      { side: 'BID', type: 'STOP', qty: 2, price: 99 },
      null,
    ] as unknown as OrderIntent[];
    sim.addAgent(new ScriptedAgent('bad', () => bad));
    const r = sim.step();
    const stats = sim.agentStats('bad');
    expect(stats?.orders_rejected).toBe(6);
    expect(typeof stats?.extra.last_reject_reason).toBe('string');
    expect(r.events.filter((e) => e.type === EventType.ORDER_SUBMITTED && (e.payload as { agent_id: string }).agent_id === 'bad')).toHaveLength(0);
  });

  it('an answer that is not a list of orders is rejected, and the market goes on', () => {
    const sim = new Simulation({ seed: 5 });
    class Remote extends BaseAgent {
      override readonly external = true;
      onTick(): OrderIntent[] {
        return [];
      }
    }
    sim.addAgent(new Remote('remote_1', 'remote'));
    const orders = sim.runLocalAgents(sim.prepareTick());
    orders.set('remote_1', { side: 'BID', type: 'MARKET', qty: 1 } as never);
    expect(() => sim.completeTick(orders)).not.toThrow();
    expect(sim.agentStats('remote_1')).toMatchObject({ orders_submitted: 0, orders_rejected: 1 });
    expect(sim.agentStats('remote_1')?.extra.last_reject_reason).toMatch(/expected an array of orders/);
    expect(sim.step().tick).toBe(2);
  });

  it('refuses to cancel another agent\'s order', () => {
    const sim = new Simulation({ seed: 4, population: { preset: 'seed', momentum: 0, meanReversion: 0, marketMakers: 0 } });
    sim.addAgent(new ScriptedAgent('maker', (s) => (s.tick === 1 ? [{ side: 'BID', type: 'LIMIT', price: 99, qty: 5 }] : [])));
    let seen: number | null = null;
    sim.addAgent(
      new ScriptedAgent('thief', (s) => {
        if (s.tick !== 2) return [];
        seen = s.depth.bids.length;
        return [{ side: 'BID', type: 'CANCEL', qty: 0, cancelTarget: 1 }];
      }),
    );
    sim.step();
    sim.step();
    expect(seen).toBe(1);
    expect(sim.depth().bids[0]?.qty).toBe(5);
    expect(sim.agentStats('thief')?.orders_rejected).toBe(1);
  });

  it('runs external agents through the two-phase tick', () => {
    const sim = new Simulation({ seed: 5 });
    class Remote extends BaseAgent {
      override readonly external = true;
      onTick(): OrderIntent[] {
        throw new Error('external agents are not called by the simulation');
      }
    }
    sim.addAgent(new Remote('remote_1', 'remote'));
    const req = sim.prepareTick();
    expect(req.states.get('remote_1')?.agentId).toBe('remote_1');
    const orders = sim.runLocalAgents(req);
    expect(orders.has('remote_1')).toBe(false);
    orders.set('remote_1', [{ side: 'BID', type: 'MARKET', qty: 1 }]);
    const r = sim.completeTick(orders);
    expect(r.events.some((e) => e.type === EventType.ORDER_SUBMITTED && (e.payload as { agent_id: string }).agent_id === 'remote_1')).toBe(true);
  });

  it('gives silenced agents no state', () => {
    const sim = new Simulation({ seed: 5 });
    sim.setAgentStatus('mom_1', 'silenced', 'sandbox_error: timeout');
    expect(sim.prepareTick().states.has('mom_1')).toBe(false);
    expect(sim.agentStats('mom_1')?.status_reason).toBe('sandbox_error: timeout');
  });

  it('refuses completeTick without a prepared tick and a second prepare', () => {
    const sim = new Simulation();
    expect(() => sim.completeTick(new Map())).toThrow(/prepareTick/);
    sim.prepareTick();
    expect(() => sim.prepareTick()).toThrow(/completeTick/);
  });

  it('continues from a checkpoint exactly as the original run', () => {
    const a = new Simulation({ seed: 11, analytics: false });
    for (let t = 0; t < 300; t++) a.step();
    const cp = JSON.parse(JSON.stringify(a.checkpoint()));
    const b = Simulation.restore(cp);
    expect(b.tick).toBe(300);
    for (let t = 0; t < 200; t++) {
      const ra = a.step();
      const rb = b.step();
      expect(JSON.stringify(rb.events)).toBe(JSON.stringify(ra.events));
    }
  });

  it('continues from a checkpoint exactly with analytics on: crowding, Sharpe, regime and LFI carry over', () => {
    // Crowding feeds back into execution (impact multipliers), so re-warmed analytics would change
    // the fills; restored ones must not change a bit. 317 is off the crowding update cadence.
    const a = new Simulation({ seed: 12 });
    for (let t = 0; t < 317; t++) a.step();
    const cp = JSON.parse(JSON.stringify(a.checkpoint()));
    expect(cp.analytics).toBeDefined();
    const b = Simulation.restore(cp);
    expect(JSON.stringify(b.leaderboard())).toBe(JSON.stringify(a.leaderboard()));
    expect(b.leaderboard().some((s) => s.sharpe !== null)).toBe(true);
    const views = (s: Simulation) =>
      JSON.stringify([s.crowdingSnapshot(), s.factorSpaceSnapshot(), s.decaySnapshot(), s.regimeSnapshot(), s.fragilitySnapshot()]);
    expect(views(b)).toBe(views(a));
    for (let t = 0; t < 400; t++) {
      const ra = a.step();
      const rb = b.step();
      expect(JSON.stringify(rb.events)).toBe(JSON.stringify(ra.events));
    }
    expect(views(b)).toBe(views(a));
    expect(JSON.stringify(b.allAgentStats())).toBe(JSON.stringify(a.allAgentStats()));
  });

  it('restores a checkpoint without analytics state (older format), and refuses a damaged one with the reason', () => {
    const a = new Simulation({ seed: 13 });
    for (let t = 0; t < 120; t++) a.step();
    const cp = JSON.parse(JSON.stringify(a.checkpoint()));
    const old = { ...cp };
    delete old.analytics;
    const b = Simulation.restore(old);
    expect(b.tick).toBe(120);
    for (let t = 0; t < 5; t++) b.step(); // analytics re-warm from empty windows
    const bad = JSON.parse(JSON.stringify(cp));
    bad.analytics.diagnostics.sum = [1, 2, 3];
    expect(() => Simulation.restore(bad)).toThrow(/analytics\.diagnostics: field "sum" is a array, expected a f64/);
    const wrongAgents = JSON.parse(JSON.stringify(cp));
    wrongAgents.analytics.agents = 3;
    expect(() => Simulation.restore(wrongAgents)).toThrow(/CHECKPOINT|snapshot is for 3 agents/);
  });

  it('an agent that mutates its MarketState cannot change what other agents see or the engine keeps', () => {
    const sim = new Simulation({ seed: 6 });
    for (let t = 0; t < 30; t++) sim.step(); // a tape, a history and a book to tamper with
    const tape = JSON.stringify(sim.trades({ limit: 5000 }));
    sim.addAgent(
      new ScriptedAgent('vandal', (s) => {
        for (const f of s.recentTrades) {
          f.price = -1;
          f.aggressor = f.aggressor === 'BID' ? 'ASK' : 'BID';
        }
        s.priceHistory.push(-1);
        s.depth.bids.length = 0;
        s.depth.bestBid = null;
        return [];
      }),
    );
    const seen: string[] = [];
    sim.addAgent(
      new ScriptedAgent('witness', (s) => {
        seen.push(JSON.stringify([s.recentTrades, s.priceHistory.at(-1), s.depth.bids.length, s.depth.bestBid]));
        return [];
      }),
    );
    const req = sim.prepareTick();
    const expected = JSON.stringify((({ recentTrades, priceHistory, depth }) => [recentTrades, priceHistory.at(-1), depth.bids.length, depth.bestBid])(req.states.get('witness')!));
    sim.completeTick(sim.runLocalAgents(req));
    expect(seen).toEqual([expected]);
    expect(JSON.stringify(sim.trades({ limit: 5000 }).filter((f) => f.tick <= 30))).toBe(tape);
    expect(sim.agentStats('vandal')?.extra.errors).toBe(1); // the write threw: the agent was skipped that tick
  });

  it('rejects unknown config keys naming the path', () => {
    expect(() => new Simulation({ crowding: { kapa: 3 } } as never)).toThrow(/config\.crowding\.kapa: unknown key/);
  });
});
