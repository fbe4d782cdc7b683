/**
 * Every REST endpoint: its happy path and its bad inputs (wrong types, out-of-range numbers,
 * unknown ids, oversized bodies, malformed JSON), through Fastify's inject on a real store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';
import { Simulation } from '@crowdalpha/engine';

/** The served market's population: the engine's default (background market + the seed's strategies). */
const DEFAULT_AGENTS = new Simulation({}, {}).agentIds();

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: RunningServer;
let app: FastifyInstance;
const db = tempSqlite();

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }), headers: { 'content-type': 'application/json', ...headers } });
const json = (r: LightMyRequestResponse): Json => r.json() as Json;

function expectError(r: LightMyRequestResponse, status: number, code: string, field?: string, rule?: string): Json {
  expect(r.statusCode, r.body).toBe(status);
  const body = json(r);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (field !== undefined) expect(body.error.field).toBe(field);
  if (rule !== undefined) expect(body.error.rule).toBe(rule);
  return body.error as Json;
}

beforeAll(async () => {
  server = await startTestServer(db.url, { bodyLimit: 4096 });
  app = server.app;
});
afterAll(async () => {
  await server?.close();
  db.cleanup();
});

describe('before the first tick', () => {
  it('GET /market/snapshot is 404 with a clear message', async () => {
    const e = expectError(await get('/market/snapshot'), 404, 'CA_ERR_NO_TICK_YET');
    expect(e.message).toMatch(/has not completed its first tick/);
  });

  it('GET /status reports a paused market at tick 0', async () => {
    const s = json(await get('/status'));
    expect(s).toMatchObject({ running: false, tick: 0, mid_price: null });
    expect(s.store.backend).toBe('sqlite');
    expect(s.sandbox).toMatchObject({ available: false });
  });

  it('GET /status names the Node.js runtime and whether it is past end of life', async () => {
    const s = json(await get('/status'));
    expect(s.runtime).toMatchObject({ node: process.version, supported: true, recommended: 'Node.js 24 LTS' });
    expect(s.runtime.end_of_life).toBe(s.runtime.warning !== null);
  });

  it('POST /market/control step runs ticks of a paused market', async () => {
    const r = await post('/market/control', { action: 'step', ticks: 30 });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r).status.tick).toBe(30);
  });
});

describe('health and root', () => {
  it('GET / answers JSON service info', async () => {
    const r = await get('/', { accept: 'application/json' });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toMatchObject({ status: 'ok', service: 'CrowdAlpha API', docs: '/docs', dashboard: false });
  });

  it('GET / stays JSON for browsers when no dashboard is built', async () => {
    const r = await get('/', { accept: 'text/html,application/xhtml+xml' });
    expect(r.headers['content-type']).toMatch(/application\/json/);
  });

  it('GET /health checks the database', async () => {
    expect(json(await get('/health'))).toMatchObject({ status: 'ok', database: true, tick: 30 });
  });

  it('answers 503 CA_ERR_UNAVAILABLE once shutdown has begun', async () => {
    server.ctx.closing = true;
    try {
      expectError(await get('/status'), 503, 'CA_ERR_UNAVAILABLE');
    } finally {
      server.ctx.closing = false;
    }
  });

  it('unknown routes are 404 in the error format', async () => {
    expectError(await get('/market/nope'), 404, 'CA_ERR_ROUTE_NOT_FOUND');
  });
});

describe('market reads', () => {
  it('GET /market/book returns at most `levels` levels per side, sorted', async () => {
    const b = json(await get('/market/book?levels=3'));
    expect(b.tick).toBe(30);
    expect(b.bids.length).toBeLessThanOrEqual(3);
    expect(b.asks.length).toBeLessThanOrEqual(3);
    const bp = b.bids.map((l: Json) => l.price);
    expect([...bp].sort((x: number, y: number) => y - x)).toEqual(bp);
  });

  it('GET /market/book refuses levels out of range or not a number, naming the field and rule', async () => {
    expectError(await get('/market/book?levels=0'), 400, 'CA_ERR_VALIDATION', 'levels', 'minimum');
    expectError(await get('/market/book?levels=101'), 400, 'CA_ERR_VALIDATION', 'levels', 'maximum');
    const e = expectError(await get('/market/book?levels=abc'), 400, 'CA_ERR_VALIDATION', 'levels', 'type');
    expect(e.message).toBe('querystring.levels must be integer');
  });

  it('GET /market/trades clamps limit to 1..5000 and filters by since_tick', async () => {
    const one = json(await get('/market/trades?limit=0'));
    expect(one.count).toBeLessThanOrEqual(1);
    const many = json(await get('/market/trades?limit=999999'));
    expect(many.count).toBeLessThanOrEqual(5000);
    expect(many.count).toBeGreaterThan(0);
    const since = json(await get('/market/trades?since_tick=20&limit=5000'));
    expect(since.fills.every((f: Json) => f.tick > 20)).toBe(true);
    expectError(await get('/market/trades?since_tick=-1'), 400, 'CA_ERR_VALIDATION', 'since_tick', 'minimum');
    expectError(await get('/market/trades?limit=ten'), 400, 'CA_ERR_VALIDATION', 'limit', 'type');
  });

  it('GET /market/metrics and /market/snapshot describe the latest tick', async () => {
    expect(json(await get('/market/metrics'))).toMatchObject({ tick: 30 });
    const snap = json(await get('/market/snapshot'));
    expect(snap).toMatchObject({ schema_version: 1, type: 'TICK' });
    expect(snap.payload.tick).toBe(30);
    expect(snap.payload.agent_stats).toHaveLength(DEFAULT_AGENTS.length);
  });

  it('GET /market/config shows the defaults of the served market', async () => {
    const c = json(await get('/market/config'));
    expect(c).toMatchObject({ seed: 42, running: false, checkpoint_every: 100, snapshot_every: 10 });
    expect(c.config).toMatchObject({
      initial_price: 100,
      initial_cash: 100000,
      eta: 0.001,
      tick_size: 0.01,
      population: { preset: 'market', momentum: 3, mean_reversion: 3, market_makers: 2, rl: 0, noise: 1000, value: 100, ladder_makers: 2 },
    });
  });
});

describe('analytics', () => {
  for (const view of ['crowding', 'factor-space', 'decay', 'regime', 'fragility']) {
    it(`GET /analytics/${view} answers a JSON object`, async () => {
      const r = await get(`/analytics/${view}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(typeof json(r)).toBe('object');
    });
  }

  it('GET /analytics/snapshot bundles every view', async () => {
    expect(Object.keys(json(await get('/analytics/snapshot'))).sort()).toEqual(['agent_diagnostics', 'alpha_decay', 'crowding', 'decay', 'factor_space', 'fragility', 'market', 'regime', 'tick']);
  });
});

describe('strategies', () => {
  it('GET /strategies lists the built-in types and the live population', async () => {
    const s = json(await get('/strategies'));
    expect(s.strategy_types).toEqual(expect.arrayContaining(['momentum', 'mean_reversion', 'market_maker']));
    expect(s.strategy_type_info.map((t: Json) => t.type)).toEqual(s.strategy_types);
    expect(s.agents.map((a: Json) => a.agent_id)).toEqual(DEFAULT_AGENTS);
    expect(DEFAULT_AGENTS).toEqual(['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2', 'lmm_1', 'lmm_2', 'bg_noise', 'bg_value']);
    expect(s.agents[0]).toMatchObject({ kind: 'builtin', strategy_type: 'momentum', status: 'active' });
  });

  it('POST /strategies deploys a built-in with config → 201 with agent_id', async () => {
    const r = await post('/strategies', { strategy_type: 'momentum', agent_id: 'mom_custom', config: { qty: 3 }, owner: 'ada' });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ agent_id: 'mom_custom', strategy_type: 'momentum', config: { qty: 3 } });
    await post('/market/control', { action: 'step', ticks: 2 });
    const stats = json(await get('/strategies/mom_custom/stats'));
    expect(stats).toMatchObject({ agent_id: 'mom_custom', strategy_type: 'momentum', status: 'active' });
    // the agent's own alpha-decay fit (too young for one yet: it says so)
    expect(stats.alpha_decay).toMatchObject({ agent_id: 'mom_custom', strategy: 'momentum', fit_basis: 'cumulative_crowding_exposure', half_life: null, decays: false });
    expect(stats.alpha_decay.reason).toMatch(/window samples; a fit needs at least/);
    const listed = json(await get('/strategies')).agents.find((a: Json) => a.agent_id === 'mom_custom');
    expect(listed).toMatchObject({ kind: 'deployed', owner: 'ada' });
  });

  it('POST /strategies generates an agent id when none is given', async () => {
    const r = await post('/strategies', { strategy_type: 'market_maker' });
    expect(r.statusCode).toBe(201);
    expect(json(r).agent_id).toMatch(/^user_[a-z0-9]{8}$/);
  });

  it('POST /strategies refuses an unknown type, naming the valid choices', async () => {
    const e = expectError(await post('/strategies', { strategy_type: 'hodl' }), 400, 'CA_ERR_UNKNOWN_STRATEGY', 'strategy_type');
    expect(e.message).toContain('momentum, mean_reversion, market_maker');
  });

  it('POST /strategies refuses unknown parameters, naming the valid ones', async () => {
    const e = expectError(await post('/strategies', { strategy_type: 'momentum', config: { speed: 1 } }), 400, 'CA_ERR_BAD_AGENT_CONFIG', 'config');
    expect(e.message).toMatch(/unknown parameter "speed".*valid parameters are .*qty/);
  });

  it('POST /strategies refuses wrong types, negative values and extra fields', async () => {
    expectError(await post('/strategies', { strategy_type: 'momentum', config: { qty: 'five' } }), 400, 'CA_ERR_VALIDATION', 'config.qty', 'type');
    expectError(await post('/strategies', { strategy_type: 'momentum', config: { qty: -1 } }), 400, 'CA_ERR_BAD_AGENT_CONFIG');
    expectError(await post('/strategies', { strategy_type: 42 }), 400, 'CA_ERR_VALIDATION', 'strategy_type', 'type');
    expectError(await post('/strategies', { strategy_type: 'momentum', colour: 'red' }), 400, 'CA_ERR_VALIDATION', 'colour', 'additionalProperties');
    expectError(await post('/strategies', {}), 400, 'CA_ERR_VALIDATION', 'strategy_type', 'required');
    expectError(await post('/strategies', { strategy_type: 'momentum', agent_id: '1 bad id' }), 400, 'CA_ERR_VALIDATION', 'agent_id', 'pattern');
  });

  it('POST /strategies refuses a taken agent id with 409', async () => {
    expectError(await post('/strategies', { strategy_type: 'momentum', agent_id: 'mom_1' }), 409, 'CA_ERR_AGENT_EXISTS', 'agent_id');
  });

  it('malformed JSON, empty bodies, wrong media types and oversized bodies are refused cleanly', async () => {
    expectError(await post('/strategies', '{"strategy_type":'), 400, 'CA_ERR_BAD_JSON');
    expectError(await post('/strategies', ''), 400, 'CA_ERR_EMPTY_BODY');
    expectError(await post('/strategies', 'strategy_type=momentum', { 'content-type': 'text/plain' }), 415, 'CA_ERR_UNSUPPORTED_MEDIA_TYPE');
    const big = JSON.stringify({ strategy_type: 'momentum', owner: 'x'.repeat(10_000) });
    const e = expectError(await post('/strategies', big), 413, 'CA_ERR_BODY_TOO_LARGE');
    expect(e.message).toContain('4096');
  });

  it('GET /strategies/{agent_id}/stats is 404 for an unknown agent', async () => {
    expectError(await get('/strategies/ghost/stats'), 404, 'CA_ERR_NOT_FOUND', 'agent_id');
  });

  it('GET /strategies/leaderboard sorts by Sharpe with nulls last', async () => {
    const lb = json(await get('/strategies/leaderboard')).leaderboard as Json[];
    expect(lb.length).toBe(DEFAULT_AGENTS.length + 2);
    const sharpes = lb.map((a) => a.sharpe);
    const firstNull = sharpes.indexOf(null);
    if (firstNull >= 0) expect(sharpes.slice(firstNull).every((s) => s === null)).toBe(true);
    const numbers = sharpes.filter((s): s is number => s !== null);
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
  });

  it('POST /strategies/user answers 501 with the reason when the sandbox is off', async () => {
    const e = expectError(await post('/strategies/user', { strategy_name: 'my_strategy', code: 'class A extends BaseAgent {}' }), 501, 'CA_ERR_SANDBOX_UNAVAILABLE');
    expect(e.message).toMatch(/disabled by configuration/);
  });

  it('POST /strategies/user validates the name and code size before anything else', async () => {
    expectError(await post('/strategies/user', { strategy_name: '9lives', code: 'x' }), 400, 'CA_ERR_VALIDATION', 'strategy_name', 'pattern');
    expectError(await post('/strategies/user', { strategy_name: 'ok_name', code: 'x'.repeat(32_001) }), 413, 'CA_ERR_BODY_TOO_LARGE');
    expectError(await post('/strategies/user', { strategy_name: 'ok_name', code: 'x', config: { timeout_ms: 2 } }), 400, 'CA_ERR_VALIDATION', 'config.timeout_ms', 'minimum');
  });
});

describe('submissions', () => {
  const valid = { submitter_name: 'Ada', contact: 'ada@example.org', template_strategy: 'momentum', parameters: { qty: 4 }, notes: 'try me' };
  let pendingId = '';

  it('POST /strategies/submit-config stores a pending submission with a sub_ id', async () => {
    const r = await post('/strategies/submit-config', valid);
    expect(r.statusCode, r.body).toBe(201);
    const b = json(r);
    expect(b.submission_id).toMatch(/^sub_[a-z0-9]{10}$/);
    expect(b.status).toBe('pending');
    pendingId = b.submission_id;
  });

  it('POST /strategies/submit-config enforces the docs/MODEL.md §8 limits field by field', async () => {
    expectError(await post('/strategies/submit-config', { ...valid, submitter_name: 'A' }), 400, 'CA_ERR_VALIDATION', 'submitter_name', 'minLength');
    expectError(await post('/strategies/submit-config', { ...valid, contact: 'x'.repeat(121) }), 400, 'CA_ERR_VALIDATION', 'contact', 'maxLength');
    const mode = expectError(await post('/strategies/submit-config', { ...valid, mode: 'expert' }), 400, 'CA_ERR_VALIDATION', 'mode', 'enum');
    expect(mode.message).toContain('"beginner", "intermediate", "advanced"');
    expectError(await post('/strategies/submit-config', { ...valid, visibility: 'secret' }), 400, 'CA_ERR_VALIDATION', 'visibility', 'enum');
    expectError(await post('/strategies/submit-config', { ...valid, notes: 'n'.repeat(1001) }), 400, 'CA_ERR_VALIDATION', 'notes');
    expectError(await post('/strategies/submit-config', { ...valid, clone_source_agent_id: 'c'.repeat(65) }), 400, 'CA_ERR_VALIDATION', 'clone_source_agent_id');
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i]));
    expectError(await post('/strategies/submit-config', { ...valid, parameters: many }), 400, 'CA_ERR_VALIDATION', 'parameters', 'maxProperties');
    expectError(await post('/strategies/submit-config', { ...valid, parameters: { ['k'.repeat(65)]: 1 } }), 400, 'CA_ERR_VALIDATION', undefined, 'maxLength');
    expectError(await post('/strategies/submit-config', { ...valid, parameters: { s: 'v'.repeat(201) } }), 400, 'CA_ERR_VALIDATION', 'parameters.s');
    expectError(await post('/strategies/submit-config', { ...valid, parameters: { o: { nested: 1 } } }), 400, 'CA_ERR_VALIDATION', 'parameters.o');
    const unknown = expectError(await post('/strategies/submit-config', { ...valid, template_strategy: 'nonexistent' }), 400, 'CA_ERR_UNKNOWN_STRATEGY', 'template_strategy');
    expect(unknown.message).toContain('momentum');
  });

  it('GET /strategies/submissions filters by status and clamps limit', async () => {
    await post('/strategies/submit-config', { ...valid, submitter_name: 'Bob' });
    const items = json(await get('/strategies/submissions?status=pending')).items as Json[];
    expect(items.map((i) => i.submitter_name)).toEqual(['Bob', 'Ada']);
    expect(items[1]).toMatchObject({ submission_id: pendingId, parameters: { qty: 4 }, mode: 'beginner', visibility: 'public', deployed_agent_id: null });
    expect(json(await get('/strategies/submissions?limit=0')).items).toHaveLength(1);
    expectError(await get('/strategies/submissions?status=bogus'), 400, 'CA_ERR_VALIDATION', 'status');
  });

  it('approve without deploy marks it approved; approve again deploys it', async () => {
    const a = json(await post(`/strategies/submissions/${pendingId}/approve`, { deploy: false }));
    expect(a).toMatchObject({ deployed: false, submission: { status: 'approved' } });
    const d = await post(`/strategies/submissions/${pendingId}/approve`, { agent_id: 'ada_mom' });
    expect(d.statusCode, d.body).toBe(200);
    expect(json(d)).toMatchObject({ deployed: true, submission: { status: 'deployed', deployed_agent_id: 'ada_mom' } });
    expect(json(await get('/strategies/ada_mom/stats')).strategy_type).toBe('momentum');
  });

  it('approving a deployed or rejected submission is a 400 naming the status', async () => {
    const e = expectError(await post(`/strategies/submissions/${pendingId}/approve`, {}), 400, 'CA_ERR_SUBMISSION_STATE');
    expect(e.message).toContain("'deployed'");
    const bob = (json(await get('/strategies/submissions?status=pending')).items as Json[])[0]?.submission_id as string;
    expect(json(await post(`/strategies/submissions/${bob}/reject`, { reason: 'no' })).submission.status).toBe('rejected');
    expectError(await post(`/strategies/submissions/${bob}/approve`), 400, 'CA_ERR_SUBMISSION_STATE');
    expectError(await post(`/strategies/submissions/${bob}/reject`), 400, 'CA_ERR_SUBMISSION_STATE');
  });

  it('approving an unknown submission is 404', async () => {
    expectError(await post('/strategies/submissions/sub_doesnotexist/approve', {}), 404, 'CA_ERR_NOT_FOUND', 'id');
    expectError(await post('/strategies/submissions/sub_doesnotexist/reject', {}), 404, 'CA_ERR_NOT_FOUND', 'id');
  });

  it('a submission whose parameters the strategy refuses stays pending', async () => {
    const id = json(await post('/strategies/submit-config', { ...valid, parameters: { flavour: 'mint' } })).submission_id as string;
    const e = expectError(await post(`/strategies/submissions/${id}/approve`, {}), 400, 'CA_ERR_BAD_AGENT_CONFIG', 'parameters');
    expect(e.message).toContain(id);
    const row = (json(await get('/strategies/submissions?status=pending')).items as Json[]).find((i) => i.submission_id === id);
    expect(row?.status).toBe('pending');
  });
});

describe('market control', () => {
  it('refuses unknown actions and fields that do not belong to the action', async () => {
    expectError(await post('/market/control', { action: 'explode' }), 400, 'CA_ERR_VALIDATION', 'action');
    expectError(await post('/market/control', { action: 'pause', tick_delay_ms: 5 }), 400, 'CA_ERR_VALIDATION', 'tick_delay_ms');
    expectError(await post('/market/control', { action: 'speed' }), 400, 'CA_ERR_VALIDATION', 'tick_delay_ms', 'required');
    expectError(await post('/market/control', { action: 'speed', tick_delay_ms: 60_001 }), 400, 'CA_ERR_VALIDATION', 'tick_delay_ms', 'maximum');
  });

  it('speed, resume and pause change the running market', async () => {
    expect(json(await post('/market/control', { action: 'speed', tick_delay_ms: 5 })).status.tick_delay_ms).toBe(5);
    const before = server.hub.sim.tick;
    expect(json(await post('/market/control', { action: 'resume' })).status.running).toBe(true);
    expectError(await post('/market/control', { action: 'step' }), 400, 'CA_ERR_VALIDATION', 'action', 'paused');
    await new Promise((r) => setTimeout(r, 150));
    const paused = json(await post('/market/control', { action: 'pause' })).status;
    expect(paused.running).toBe(false);
    expect(paused.tick).toBeGreaterThan(before);
    const t = server.hub.sim.tick;
    await new Promise((r) => setTimeout(r, 50));
    expect(server.hub.sim.tick).toBe(t);
  });

  it('reset with a bad engine config is a 400 naming the config path, and changes nothing', async () => {
    const id = server.hub.simulationId;
    const e = expectError(await post('/market/control', { action: 'reset', config: { initialPrice: -5 } }), 400, 'CA_ERR_MARKET_CONFIG', 'config.initialPrice');
    expect(e.message).toMatch(/initialPrice/);
    expectError(await post('/market/control', { action: 'reset', config: { nope: 1 } }), 400, 'CA_ERR_MARKET_CONFIG', 'config.nope');
    expect(server.hub.simulationId).toBe(id);
  });

  it('reset starts a new run with a new seed and keeps deployed agents and submissions', async () => {
    const oldId = server.hub.simulationId;
    const subsBefore = (json(await get('/strategies/submissions')).items as Json[]).length;
    const r = await post('/market/control', { action: 'reset', seed: 7 });
    expect(r.statusCode, r.body).toBe(200);
    expect(json(r).status).toMatchObject({ tick: 0, seed: 7 });
    expect(server.hub.simulationId).not.toBe(oldId);
    const ids = (json(await get('/strategies')).agents as Json[]).map((a) => a.agent_id);
    expect(ids).toEqual(expect.arrayContaining(['mom_1', 'mom_custom', 'ada_mom']));
    expect((json(await get('/strategies/submissions')).items as Json[]).length).toBe(subsBefore);
    expect(json(await get('/market/config')).seed).toBe(7);
    expectError(await get('/market/snapshot'), 404, 'CA_ERR_NO_TICK_YET');
  });
});

describe('simulations', () => {
  it('GET /simulations lists runs newest first', async () => {
    const s = json(await get('/simulations'));
    expect(s.total).toBe(2);
    expect(s.items[0]).toMatchObject({ current: true, status: 'running', seed: 7 });
    expect(s.items[1]).toMatchObject({ current: false, status: 'ended', seed: 42 });
    expectError(await get('/simulations?limit=0'), 400, 'CA_ERR_VALIDATION', 'limit', 'minimum');
  });

  it('GET /simulations/{id} returns the summary, agents with final stats and the sampled history', async () => {
    const old = json(await get('/simulations')).items[1].id as string;
    const d = json(await get(`/simulations/${old}?points=5`));
    expect(d.simulation).toMatchObject({ id: old, status: 'ended' });
    expect(d.fill_count).toBeGreaterThan(0);
    const custom = (d.agents as Json[]).find((a) => a.agent_id === 'mom_custom');
    expect(custom).toMatchObject({ kind: 'deployed', owner: 'ada' });
    expect(custom?.stats).toMatchObject({ agent_id: 'mom_custom' });
    expect(d.history.length).toBeGreaterThan(0);
    expect(d.history.length).toBeLessThanOrEqual(6);
    expect(d.history[0]).toMatchObject({ tick: 10, regime: expect.any(String) });
  });

  it('GET /simulations/{id} is 404 for an unknown run', async () => {
    expectError(await get('/simulations/sim_nope'), 404, 'CA_ERR_NOT_FOUND', 'id');
  });
});

describe('documentation', () => {
  it('GET /ws/schema describes the event contract and the stream limits', async () => {
    const s = json(await get('/ws/schema'));
    expect(s.tick_order).toEqual(['ORDER_SUBMITTED', 'ORDER_FILLED', 'PRICE_UPDATED', 'AGENT_STATE_CHANGED', 'CROWDING_MATRIX_UPDATED', 'REGIME_CHANGED', 'TICK']);
    expect(s.limits).toMatchObject({ heartbeat_idle_ms: 30_000 });
  });

  it('serves interactive docs at /docs and the OpenAPI document generated from the validation schemas', async () => {
    const ui = await get('/docs/');
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    const doc = json(await get('/docs/json'));
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/',
      '/status',
      '/market/book',
      '/market/trades',
      '/market/metrics',
      '/market/snapshot',
      '/market/control',
      '/market/config',
      '/analytics/crowding',
      '/analytics/factor-space',
      '/analytics/decay',
      '/analytics/regime',
      '/analytics/fragility',
      '/analytics/snapshot',
      '/strategies',
      '/strategies/user',
      '/strategies/{agent_id}/stats',
      '/strategies/leaderboard',
      '/strategies/submit-config',
      '/strategies/submissions',
      '/strategies/submissions/{id}/approve',
      '/simulations',
      '/simulations/{id}',
      '/ws/schema',
    ]) {
      expect(paths).toContain(p);
    }
    const levels = (doc.paths['/market/book'].get.parameters as Json[]).find((p) => p.name === 'levels');
    expect(levels?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const body = doc.paths['/strategies/submit-config'].post.requestBody.content['application/json'].schema;
    expect(body.properties.submitter_name).toMatchObject({ minLength: 2, maxLength: 80 });
  });
});

describe('rate limiting and CORS', () => {
  let limited: RunningServer;
  const db2 = tempSqlite();
  beforeAll(async () => {
    limited = await startTestServer(db2.url, { rateLimitMax: 3, rateLimitWindowMs: 60_000, rateLimitAllowList: [], corsOrigins: 'https://dash.example' });
  });
  afterAll(async () => {
    await limited?.close();
    db2.cleanup();
  });

  it('answers 429 in the error format once a client exceeds the limit', async () => {
    for (let i = 0; i < 3; i++) expect((await limited.app.inject({ url: '/status' })).statusCode).toBe(200);
    const r = await limited.app.inject({ url: '/status' });
    expectError(r, 429, 'CA_ERR_RATE_LIMITED');
    expect(r.headers['retry-after']).toBeDefined();
  });

  it('allows only the configured origins', async () => {
    const ok = await app.inject({ method: 'OPTIONS', url: '/market/book', headers: { origin: 'https://anything.example', 'access-control-request-method': 'GET' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://anything.example');
    const listed = await limited.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://dash.example' } });
    expect(listed.headers['access-control-allow-origin']).toBe('https://dash.example');
    const other = await limited.app.inject({ method: 'GET', url: '/health', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('dashboard serving', () => {
  let web: RunningServer;
  const db3 = tempSqlite();
  beforeAll(async () => {
    const dist = path.join(db3.dir, 'web');
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>CrowdAlpha dashboard</title>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log("dashboard")');
    web = await startTestServer(db3.url, { webDist: dist });
  });
  afterAll(async () => {
    await web?.close();
    db3.cleanup();
  });

  it('serves the dashboard at / to browsers and JSON to API clients', async () => {
    const html = await web.app.inject({ url: '/', headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('CrowdAlpha dashboard');
    const api = await web.app.inject({ url: '/', headers: { accept: 'application/json' } });
    expect(json(api)).toMatchObject({ status: 'ok', dashboard: true });
  });

  it('serves built assets, and index.html for client-side routes', async () => {
    const asset = await web.app.inject({ url: '/assets/app.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toContain('dashboard');
    const page = await web.app.inject({ url: '/leaderboard', headers: { accept: 'text/html' } });
    expect(page.body).toContain('CrowdAlpha dashboard');
    expectError(await web.app.inject({ url: '/market/unknown', headers: { accept: 'application/json' } }), 404, 'CA_ERR_ROUTE_NOT_FOUND');
    expect((await web.app.inject({ url: '/market/book' })).headers['content-type']).toMatch(/application\/json/);
  });
});
