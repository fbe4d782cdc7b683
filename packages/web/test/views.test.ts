/**
 * The dashboard's view models computed from what a real server sends (an in-process
 * @crowdalpha/server after 150 ticks), plus the generic series-table helpers. The bodies are
 * typed by the wire contract, so these tests and the pages read the same fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '@crowdalpha/server';
import { resolveEndpoints } from '../src/api/endpoints.js';
import type { WireRoutes } from '../src/api/routes.js';
import { FACTOR_NAMES } from '../src/api/types.js';
import { decayView, diagnosticsOf, factorSpaceView, regimeHistory, simulationAgents, simulationSummary, strategyTemplates, submissionsView } from '../src/api/views.js';
import { findSeriesTables, learningCurveTable, magnitudeGroups } from '../src/lib/series-tables.js';
import type { SimulationBody } from '../src/api/routes.js';

describe('view models from a real server', () => {
  let server: RunningServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-web-views-'));
  const get = async <K extends keyof WireRoutes>(route: K): Promise<WireRoutes[K]> => (await server.app.inject({ method: 'GET', url: route })).json() as WireRoutes[K];

  beforeAll(async () => {
    server = await startServer(
      { port: 0, databaseUrl: `sqlite:${path.join(dir, 'db')}`, autostart: false, sandbox: false, webDist: '', logLevel: 'silent', rateLimitMax: 0 },
      { logger: pino({ level: 'silent' }), env: {}, listen: false },
    );
    await server.hub.stepTicks(150);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('factor space: one point per agent with its six factors and the server PCA', async () => {
    const f = factorSpaceView(await get('/analytics/factor-space'));
    // One point per agent in the market, whatever the default population is.
    expect(f?.points).toHaveLength(server.hub.status().agents);
    expect(f?.factorNames).toEqual([...FACTOR_NAMES]);
    expect(f?.points[0]?.factors).toHaveLength(6);
    expect(f?.points.some((p) => p.factors.some((v) => v !== 0))).toBe(true);
    expect(f?.points[0]?.strategy).toBe('momentum');
  });

  it('alpha decay: the pooled fit first, then per-agent fits, and one point per agent', async () => {
    const d = await get('/analytics/decay');
    const v = decayView(d);
    expect(v.pooled).toBe(d.alpha_max !== null || d.curve.length > 0);
    if (v.pooled) expect(v.fits[0]?.curveX.length).toBe(d.curve.length);
    expect(v.points.length).toBe(d.agents.filter((a) => a.sharpe_proxy !== null).length);
  });

  it('regime history: one point per recent tick', async () => {
    const h = regimeHistory(await get('/analytics/regime'));
    expect(h.length).toBeGreaterThan(100);
    expect(h.at(-1)?.tick).toBe(150);
  });

  it('strategy templates with snake_case parameters and the built-in flag', async () => {
    const t = strategyTemplates(await get('/strategies'));
    const mom = t.find((x) => x.type === 'momentum');
    expect(mom?.builtin).toBe(true);
    expect(mom?.params.map((p) => p.name)).toContain('max_inventory');
  });

  it('submissions and simulations', async () => {
    expect(submissionsView(await get('/strategies/submissions'))).toEqual([]);
    const sims = (await get('/simulations')).items.map(simulationSummary);
    expect(sims[0]).toMatchObject({ status: 'running', name: 'live market' });
    const detail = (await server.app.inject({ method: 'GET', url: `/simulations/${sims[0]!.id}` })).json() as SimulationBody;
    const agents = simulationAgents(detail);
    expect(agents).toHaveLength(server.hub.status().agents);
    expect(agents.length).toBeGreaterThan(0);
    expect(agents.find((a) => a.agentId === 'mom_1')).toMatchObject({ strategy: 'momentum', status: 'active' });
    expect(agents.every((a) => typeof a.pnl === 'number')).toBe(true);
  });

  it('diagnostics of a refused request come from the error body', async () => {
    const res = await server.app.inject({ method: 'POST', url: '/strategies', payload: { strategy_type: 'hodl' } });
    expect(diagnosticsOf(res.json())).toEqual([{ message: (res.json() as { error: { message: string } }).error.message, line: null, column: null }]);
    const d = diagnosticsOf({ error: { code: 'CA_ERR_STRATEGY_INVALID', message: 'refused', details: [{ rule: 'syntax', message: 'Expression expected.', line: 2, column: 24 }] } });
    expect(d).toEqual([{ message: 'Expression expected.', line: 2, column: 24 }]);
  });
});

describe('series tables', () => {
  it('finds numeric series in a document', () => {
    const tables = findSeriesTables({ id: 's', result: { mids: [1, 2, 3], ticks: [{ tick: 1, mid: 2, x: 'a' }, { tick: 2, mid: 3, x: 'b' }] } });
    expect(tables.map((t) => t.name)).toEqual(['result.mids', 'result.ticks']);
    expect(tables[1]?.columns).toEqual(['tick', 'mid']);
  });
  it('groups columns of similar magnitude so a price never shares an axis with an index in [0,1]', () => {
    const table = { name: 'h', columns: ['tick', 'mid', 'vwap', 'lfi', 'crowding', 'volatility'], rows: [[1, 100, 101, 0.5, 0.3, 0.001], [2, 102, 100, 0.7, 0.2, 0.002]] };
    expect(magnitudeGroups(table)).toEqual([[1, 2], [3, 4], [5]]);
  });
  it('reads a learning curve with tick as x', () => {
    const t = learningCurveTable([{ update: 1, tick: 64, mean_reward: 0.1, policy_loss: 0.02, value_loss: 0.3, entropy: 1.9 }]);
    expect(t?.columns).toEqual(['tick', 'mean_reward', 'policy_loss', 'value_loss', 'entropy']);
    expect(t?.rows).toEqual([[64, 0.1, 0.02, 0.3, 1.9]]);
    expect(learningCurveTable(null)).toBeNull();
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
