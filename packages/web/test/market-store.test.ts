import { describe, expect, it } from 'vitest';
import { AGENT, HIST, MarketStore, PRICE, PRINT } from '../src/state/market-store.js';
import { agent, fill, tickEvent, tickPayload } from './fixtures.js';

describe('MarketStore: event stream → chart series', () => {
  it('turns TICK events into mid / VWAP / spread series', () => {
    const s = new MarketStore();
    s.apply(tickEvent(1, { mid_price: 100, vwap: 99.5, spread: 0.02 }));
    s.apply(tickEvent(2, { mid_price: 101, vwap: 99.7, spread: null }));
    const c = s.price.columns();
    expect([...(c[PRICE.tick] as Float64Array)]).toEqual([1, 2]);
    expect([...(c[PRICE.mid] as Float64Array)]).toEqual([100, 101]);
    expect([...(c[PRICE.vwap] as Float64Array)]).toEqual([99.5, 99.7]);
    expect(Number.isNaN(c[PRICE.spread]?.[1] as number)).toBe(true);
    expect(s.tick).toBe(2);
  });

  it('records only the current tick\'s fills as prints (recent_fills may repeat older ones)', () => {
    const s = new MarketStore();
    s.apply(tickEvent(5, { recent_fills: [fill(4, 99), fill(5, 100, { aggressor: 'ASK', qty: 3 })] }));
    const p = s.prints.columns();
    expect([...(p[PRINT.price] as Float64Array)]).toEqual([100]);
    expect([...(p[PRINT.side] as Float64Array)]).toEqual([-1]);
    expect(s.tape.newest().map((f) => f.price)).toEqual([100]);
  });

  it('maps regimes to indices and keeps LFI / crowding history', () => {
    const s = new MarketStore();
    s.apply(tickEvent(1, { regime: 'UNSTABLE', lfi: 0.5, crowding: 0.3 }));
    expect(s.history.last(HIST.regime)).toBe(2);
    expect(s.history.last(HIST.lfi)).toBe(0.5);
    expect(s.history.last(HIST.crowding)).toBe(0.3);
  });

  it('keeps per-agent PnL / inventory / Phi / impact series', () => {
    const s = new MarketStore();
    s.apply(tickEvent(1, { agent_stats: [agent('mom_1', { pnl: 5, inventory: 3, phi: 0.2, impact_cost: 1 })] }));
    s.apply(tickEvent(2, { agent_stats: [agent('mom_1', { pnl: 7, inventory: 4, phi: 0.25, impact_cost: 1.5 })] }));
    const c = s.agentSeries.get('mom_1')?.columns();
    expect([...(c?.[AGENT.pnl] as Float64Array)]).toEqual([5, 7]);
    expect([...(c?.[AGENT.inventory] as Float64Array)]).toEqual([3, 4]);
    expect(s.agents.get('mom_1')?.phi).toBe(0.25);
  });

  it('tracks numeric extras of RL agents as learning curves', () => {
    const s = new MarketStore();
    s.apply(tickEvent(1, { agent_stats: [agent('rl_1', { extra: { rl_updates: 1, policy: 'ppo' } })] }));
    s.apply(tickEvent(2, { agent_stats: [agent('rl_1', { extra: { rl_updates: 2, policy: 'ppo' } })] }));
    const curve = s.rlSeries.get('rl_1')?.get('rl_updates');
    expect(curve?.length).toBe(2);
    expect(s.rlSeries.get('rl_1')?.has('policy')).toBe(false);
  });

  it('ignores a duplicate tick and resets when the live stream goes backwards (market reset)', () => {
    const s = new MarketStore();
    for (let t = 1; t <= 10; t++) s.apply(tickEvent(t));
    s.apply(tickEvent(10));
    expect(s.price.length).toBe(10);
    s.apply(tickEvent(1));
    expect(s.price.length).toBe(1);
    expect(s.resets).toBe(1);
  });

  it('hydration does not duplicate ticks the stream already delivered, nor reset on a small race', () => {
    const s = new MarketStore();
    for (let t = 1; t <= 10; t++) s.apply(tickEvent(t));
    s.hydrate(tickPayload(9), [fill(8, 100)]);
    expect(s.price.length).toBe(10);
    expect(s.resets).toBe(0);
  });

  it('hydration far behind the stream is taken as a reset', () => {
    const s = new MarketStore({ resetGapTicks: 5 });
    for (let t = 100; t <= 120; t++) s.apply(tickEvent(t));
    s.hydrate(tickPayload(3), []);
    expect(s.resets).toBe(1);
    expect(s.tick).toBe(3);
  });

  it('hydration seeds the tape from older trades and then applies the snapshot', () => {
    const s = new MarketStore();
    s.hydrate(tickPayload(5, { recent_fills: [fill(5, 101)] }), [fill(3, 99), fill(4, 100), fill(5, 101)]);
    expect(s.tape.newest().map((f) => f.tick)).toEqual([5, 4, 3]);
    expect(s.tick).toBe(5);
  });

  it('logs orders and fills of the focused agent only', () => {
    const s = new MarketStore();
    s.setFocus('x');
    s.apply({ schema_version: 1, type: 'ORDER_SUBMITTED', timestamp: 0, payload: { tick: 1, order_id: 1, agent_id: 'x', side: 'BID', order_type: 'LIMIT', price: 100, qty: 5, cancel_target: null } });
    s.apply({ schema_version: 1, type: 'ORDER_SUBMITTED', timestamp: 0, payload: { tick: 1, order_id: 2, agent_id: 'y', side: 'BID', order_type: 'LIMIT', price: 100, qty: 5, cancel_target: null } });
    s.apply({ schema_version: 1, type: 'ORDER_FILLED', timestamp: 0, payload: fill(1, 100, { buy_agent_id: 'y', sell_agent_id: 'x' }) });
    expect(s.focusOrders.newest().map((o) => o.orderId)).toEqual([1]);
    expect(s.focusFills.newest()).toEqual([{ tick: 1, side: 'SELL', price: 100, qty: 2, counterparty: 'y' }]);
  });

  it('stays bounded however long it runs', () => {
    const s = new MarketStore({ historyTicks: 50, prints: 40, agentHistoryTicks: 30 });
    for (let t = 1; t <= 500; t++) s.apply(tickEvent(t, { recent_fills: [fill(t, 100), fill(t, 100.1)], agent_stats: [agent('a')] }));
    expect(s.price.length).toBe(50);
    expect(s.prints.length).toBe(40);
    expect(s.agentSeries.get('a')?.length).toBe(30);
    expect(s.tape.length).toBe(s.limits.tape);
  });

  it('notifies on change and bumps the version', () => {
    let n = 0;
    const s = new MarketStore({}, () => n++);
    s.apply(tickEvent(1));
    s.apply({ schema_version: 1, type: 'HEARTBEAT', timestamp: 0, payload: { message: 'pong', reason: 'pong', n_connected: 1 } });
    expect(n).toBe(1);
    expect(s.version).toBe(1);
  });

  it('backfill goes before live ticks that arrived first', () => {
    const s = new MarketStore();
    s.apply(tickEvent(10, { lfi: 0.9 }));
    s.backfillHistory([{ tick: 8, lfi: 0.1 }, { tick: 9, lfi: 0.2 }, { tick: 10, lfi: 0.3 }], []);
    const c = s.history.columns();
    expect([...(c[HIST.tick] as Float64Array)]).toEqual([8, 9, 10]);
    expect([...(c[HIST.lfi] as Float64Array)]).toEqual([0.1, 0.2, 0.9]);
  });

  it('backfills the regime/LFI strip from REST history without inventing crowding', () => {
    const s = new MarketStore();
    s.backfillHistory([{ tick: 1, lfi: 0.1 }, { tick: 2, lfi: 0.2 }, { tick: 3, lfi: 0.3 }], [{ tick: 1, regime: 'CALM' }, { tick: 3, regime: 'CRASH_PRONE' }]);
    const c = s.history.columns();
    expect([...(c[HIST.regime] as Float64Array)]).toEqual([0, 0, 3]);
    expect(Number.isNaN(c[HIST.crowding]?.[0] as number)).toBe(true);
  });
});
