import { describe, expect, it } from 'vitest';
import { findSeriesTables, magnitudeGroups, toAgentStats, toLearningCurve, toSimulationAgents, toSimulationSummary, toCrowding, toDecayView, toDiagnostics, toFactorSpace, toFills, toStrategyTemplates, toTickPayload } from '../src/api/adapters.js';
import { resolveEndpoints } from '../src/api/endpoints.js';
import { tickPayload } from './fixtures.js';

describe('adapters (server JSON → UI shapes)', () => {
  it('reads /market/snapshot sent as a whole TICK event envelope', () => {
    const t = toTickPayload({ schema_version: 1, type: 'TICK', timestamp: 1, payload: tickPayload(42) });
    expect(t?.tick).toBe(42);
    expect(t?.order_book.asks[0]?.qty).toBe(7);
  });

  it('returns null for a snapshot it cannot read', () => {
    expect(toTickPayload({ nope: true })).toBeNull();
    expect(toTickPayload(null)).toBeNull();
  });

  it('reads /market/trades {tick, count, fills}', () => {
    expect(toFills({ tick: 3, count: 1, fills: [{ tick: 3, price: 100, qty: 2, aggressor: 'ASK' }] })[0]?.aggressor).toBe('ASK');
  });

  it('folds the stats diagnostics block into extra', () => {
    const a = toAgentStats({ agent_id: 'mom_1', strategy: 'momentum', pnl: 3, extra: { x: 1 }, diagnostics: { max_drawdown: 4.4, turnover: 0.05, nested: { no: 1 } } });
    expect(a?.extra).toEqual({ max_drawdown: 4.4, turnover: 0.05, x: 1 });
  });

  it('reads the engine crowding snapshot', () => {
    const c = toCrowding({ tick: 5, intensity: 0.4, agent_ids: ['a', 'b'], matrix: [[1, 0.5], [0.5, 1]], phi: { a: 0.1, b: 0.2 }, top_pairs: [{ agent_a: 'a', agent_b: 'b', similarity: 0.5 }] });
    expect(c?.matrix[0]?.[1]).toBe(0.5);
    expect(c?.phi.b).toBe(0.2);
  });

  it('rejects a crowding matrix whose size does not match its ids', () => {
    expect(toCrowding({ agent_ids: ['a', 'b'], matrix: [[1]] })).toBeNull();
  });

  it('reads the engine factor-space snapshot with named factors and server PCA', () => {
    const f = toFactorSpace({
      tick: 9,
      factor_names: ['turnover_rate', 'avg_holding_period', 'directional_bias', 'volatility_exposure', 'inventory_skew', 'order_aggressiveness'],
      agents: [{ agent_id: 'a', strategy: 'momentum', factors: { turnover_rate: 0.9, avg_holding_period: 0.5, directional_bias: -1, volatility_exposure: 0.4, inventory_skew: -0.5, order_aggressiveness: 1 }, volume_share: 0.2, pca: { x: 1, y: 2 } }],
      pca: { explained_variance_ratio: [0.6, 0.3] },
    });
    expect(f?.points[0]?.factors).toEqual([0.9, 0.5, -1, 0.4, -0.5, 1]);
    expect(f?.points[0]?.pc).toEqual([1, 2]);
    expect(f?.explained).toEqual([0.6, 0.3]);
  });

  it('reads the pooled decay fit, its half-life CI as a band, and per-agent points', () => {
    const v = toDecayView({
      tick: 10, samples: 100, alpha_max: 1, lambda: Math.LN2 / 2, half_life: 2, half_life_ci: { level: 0.9, lower: 1, upper: 4 }, r2: 0.5,
      curve: [{ exposure: 0, sharpe: 1 }, { exposure: 2, sharpe: 0.5 }],
      agents: [{ agent_id: 'a', strategy: 'momentum', crowding_exposure: 1.5, sharpe_proxy: 0.3 }],
    });
    expect(v?.pooled).toBe(true);
    const fit = v?.fits[0];
    expect(fit?.halfLife).toBe(2);
    expect(fit?.curveY).toEqual([1, 0.5]);
    // band at X=2: lambda in [ln2/4, ln2/1] → sharpe in [exp(-2 ln2), exp(-0.5 ln2)]
    expect(fit?.lo?.[1]).toBeCloseTo(0.25, 6);
    expect(fit?.hi?.[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v?.points).toEqual([{ agentId: 'a', strategy: 'momentum', x: 1.5, y: 0.3 }]);
  });

  it('reads validation diagnostics from the server error envelope', () => {
    const d = toDiagnostics({ error: { code: 'CA_ERR_STRATEGY_INVALID', message: 'refused', details: [{ rule: 'syntax', message: 'Expression expected.', line: 2, column: 24 }] } });
    expect(d).toEqual([{ message: 'Expression expected.', line: 2, column: 24 }]);
  });

  it('falls back to the error message when there are no per-line diagnostics', () => {
    expect(toDiagnostics({ error: { message: 'name taken' } })).toEqual([{ message: 'name taken', line: null, column: null }]);
  });

  it('reads strategy templates from {strategy_types: [...]}', () => {
    const t = toStrategyTemplates({ strategy_types: [{ type: 'momentum', kind: 'builtin', description: 'trend', params: { qty: { default: 5, min: 1, description: 'size' } } }] });
    expect(t[0]?.params[0]).toEqual({ name: 'qty', default: 5, min: 1, max: null, description: 'size' });
  });

  it('finds numeric series in a simulation result', () => {
    const tables = findSeriesTables({ id: 's', result: { mids: [1, 2, 3], ticks: [{ tick: 1, mid: 2, x: 'a' }, { tick: 2, mid: 3, x: 'b' }] } });
    expect(tables.map((t) => t.name)).toEqual(['result.mids', 'result.ticks']);
    expect(tables[1]?.columns).toEqual(['tick', 'mid']);
  });
});

describe('simulation results', () => {
  it('reads the summary wrapped as {simulation: {...}} with last_tick as ticks', () => {
    const s = toSimulationSummary({ simulation: { id: 'sim_1', seed: 42, status: 'done', created_at: 'x', last_tick: 500 }, agents: [] });
    expect(s).toMatchObject({ id: 'sim_1', seed: 42, status: 'done', ticks: 500 });
  });
  it('reads agents with nested stats', () => {
    expect(toSimulationAgents({ agents: [{ agent_id: 'a', strategy: 'momentum', status: 'active', stats: { pnl: 2, sharpe: 1.5, fill_count: 3, phi: 0.1, impact_cost: 4 } }] })).toEqual([
      { agentId: 'a', strategy: 'momentum', status: 'active', pnl: 2, sharpe: 1.5, fills: 3, phi: 0.1, impact: 4 },
    ]);
  });
  it('groups columns of similar magnitude so a price never shares an axis with an index in [0,1]', () => {
    const table = { name: 'h', columns: ['tick', 'mid', 'vwap', 'lfi', 'crowding', 'volatility'], rows: [[1, 100, 101, 0.5, 0.3, 0.001], [2, 102, 100, 0.7, 0.2, 0.002]] };
    expect(magnitudeGroups(table)).toEqual([[1, 2], [3, 4], [5]]);
  });
  it('reads an RL learning curve with tick as x', () => {
    const t = toLearningCurve({ agent_id: 'rl_1', learning_curve: [{ update: 1, tick: 64, mean_reward: 0.1, policy_loss: 0.02, value_loss: 0.3, entropy: 1.9 }] });
    expect(t?.columns).toEqual(['tick', 'mean_reward', 'policy_loss', 'value_loss', 'entropy']);
    expect(t?.rows).toEqual([[64, 0.1, 0.02, 0.3, 1.9]]);
    expect(toLearningCurve({ agent_id: 'mom_1' })).toBeNull();
  });
});

describe('resolveEndpoints', () => {
  it('defaults to the serving origin', () => {
    expect(resolveEndpoints('https://host:9000')).toEqual({ api: 'https://host:9000', ws: 'wss://host:9000/ws/market' });
  });
  it('honours VITE_API_URL / VITE_WS_URL overrides', () => {
    expect(resolveEndpoints('http://x', 'http://api:8000/', undefined)).toEqual({ api: 'http://api:8000', ws: 'ws://api:8000/ws/market' });
    expect(resolveEndpoints('http://x', undefined, 'ws://other/ws')).toEqual({ api: 'http://x', ws: 'ws://other/ws' });
  });
});
