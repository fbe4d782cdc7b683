import { readFileSync } from 'node:fs';
/**
 * Python strategies through the API (issue #13): the original's example registers (language given
 * or detected), deploys with its constructor kwargs and trades; CPython's line:column in a 400;
 * timeout_ms and silencing; stats; stop with the manage key; back after a restart. A server whose
 * interpreter is missing answers Python registrations with a 422 naming what to install, and
 * still runs TypeScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { pythonAvailability } from '@crowdalpha/sandbox';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// The original's example, shared with the sandbox and CLI suites.
const USER_MOMENTUM = readFileSync(new URL('../../../examples/strategies/user_momentum.py', import.meta.url), 'utf8');
const SPINNER = 'class Spinner(BaseAgent):\n    def on_tick(self, state):\n        while True:\n            pass\n    def factor_vector(self):\n        return [0.0]\n';
const TS_QUOTER = `class Quoter extends BaseAgent {
  onTick(state) { return [limit(Side.BID, state.mid - 0.05, 1)]; }
  factorVector() { return [0, 0, 0]; }
}`;

const post = (s: RunningServer, url: string, body: unknown, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const get = (s: RunningServer, url: string) => s.app.inject({ method: 'GET', url });
const json = (r: LightMyRequestResponse): Json => r.json() as Json;

const available = pythonAvailability();
const required = process.env.CI === 'true';
if (!available.available) {
  if (required) throw new Error(`python-strategies: Python is required under CI=true: ${available.reason}`);
  console.warn(`\n!!! SKIPPING python-strategies (live Python part): ${available.reason}\n`);
}

describe.runIf(available.available)('Python strategies through the API', () => {
  const db = tempSqlite();
  const opts = { sandbox: true, sandboxWorkers: 1 };
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(db.url, opts);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('GET /status says Python is available', async () => {
    expect(json(await get(server, '/status')).sandbox.python).toEqual({ available: true, reason: null });
  });

  it('the original example registers with language "python", deploys with its kwargs and trades', async () => {
    const r = await post(server, '/strategies/user', {
      strategy_name: 'user_momentum',
      language: 'python',
      code: USER_MOMENTUM,
      deploy: true,
      agent_id: 'py_mom_1',
      config: { timeout_ms: 200, params: { qty: 4 } },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ registered: 'user_momentum', deployed: true, agent_id: 'py_mom_1', manage_key: expect.any(String) });
    await post(server, '/market/control', { action: 'step', ticks: 5 });
    const stats = json(await get(server, '/strategies/py_mom_1/stats'));
    expect(stats).toMatchObject({ status: 'active', strategy_type: 'user_momentum' });
    expect(stats.orders_submitted).toBeGreaterThanOrEqual(4);
    expect(stats.extra).toMatchObject({ language: 'python', timeout_ms: 200, sandbox_status: 'active' });
  });

  it('detects Python without a language field, and lists the language with the strategy types', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'detected_py', code: USER_MOMENTUM.replace('qty=3', 'qty=2') });
    expect(r.statusCode, r.body).toBe(201);
    const types = json(await get(server, '/strategies')).strategy_type_info as Json[];
    expect(types.find((t) => t.type === 'detected_py')).toMatchObject({ kind: 'user', language: 'python', description: 'user strategy (Python, sandboxed), version 1' });
  });

  it('answers bad Python with a 400 at CPython\'s line:column, and refuses imports outside the allowlist', async () => {
    const bad = await post(server, '/strategies/user', { strategy_name: 'bad_py', language: 'python', code: 'class A(BaseAgent):\n    def on_tick(self, state)\n        return []\n' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(json(bad).error).toMatchObject({ code: 'CA_ERR_STRATEGY_INVALID', field: 'code', rule: 'syntax' });
    expect(json(bad).error.message).toMatch(/\(line 2:29\)/);
    expect(json(bad).error.details[0]).toMatchObject({ line: 2, column: 29 });
    const imp = await post(server, '/strategies/user', { strategy_name: 'bad_import', code: 'import socket\nclass A(BaseAgent):\n    def on_tick(self, state):\n        return []\n    def factor_vector(self):\n        return []\n' });
    expect(json(imp).error).toMatchObject({ code: 'CA_ERR_STRATEGY_INVALID', rule: 'import' });
  });

  it('silences a Python strategy over its timeout_ms with the reason; the market goes on', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'spinner_py', code: SPINNER, deploy: true, agent_id: 'py_spin', config: { timeout_ms: 30 } });
    // The probe's on_tick already spins past the default deadline: refused at registration.
    expect(r.statusCode, r.body).toBe(400);
    expect(json(r).error.message).toMatch(/on_tick did not return within 120 ms/);
    const late = `class Late(BaseAgent):\n    def on_tick(self, state):\n        if state.tick > 60:\n            while True:\n                pass\n        return []\n    def factor_vector(self):\n        return np.zeros(3)\n`;
    const ok = await post(server, '/strategies/user', { strategy_name: 'late_spinner', code: late, deploy: true, agent_id: 'py_late', config: { timeout_ms: 30 } });
    expect(ok.statusCode, ok.body).toBe(201);
    await post(server, '/market/control', { action: 'step', ticks: 80 });
    const stats = json(await get(server, '/strategies/py_late/stats'));
    expect(stats.status).toBe('silenced');
    expect(stats.status_reason).toMatch(/timeout/);
    expect(json(await get(server, '/strategies/py_mom_1/stats')).status).toBe('active');
  });

  it('refuses deploy params the constructor does not take, naming the ones it does (like TypeScript)', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'user_momentum', code: USER_MOMENTUM, deploy: true, agent_id: 'py_typo', config: { params: { qyt: 5 } } });
    expect(r.statusCode, r.body).toBe(400);
    expect(json(r).error).toMatchObject({ code: 'CA_ERR_BAD_AGENT_CONFIG', field: 'config.params' });
    expect(json(r).error.message).toMatch(/params\.qyt is not read by this strategy; did you mean qty\?/);
    const types = json(await get(server, '/strategies')).strategy_type_info as Json[];
    expect(types.find((t) => t.type === 'user_momentum')?.params).toEqual({ strategy_type: 'string', initial_cash: 'number', qty: 'number' });
  });

  it('stops a Python agent with its manage key', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'user_momentum', code: USER_MOMENTUM, deploy: true, agent_id: 'py_stopme' });
    expect(r.statusCode, r.body).toBe(201);
    const stopped = await post(server, '/strategies/py_stopme/stop', { reason: 'enough' }, { 'x-manage-key': json(r).manage_key as string });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(json(stopped).stats).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: enough' });
  });

  it('brings Python agents back after a restart', async () => {
    await server.close();
    server = await startTestServer(db.url, opts);
    const before = json(await get(server, '/strategies/py_mom_1/stats')).orders_submitted as number;
    await post(server, '/market/control', { action: 'step', ticks: 4 });
    const after = json(await get(server, '/strategies/py_mom_1/stats'));
    expect(after).toMatchObject({ status: 'active', extra: { language: 'python' } });
    expect(after.orders_submitted).toBeGreaterThan(before);
    expect(json(await get(server, '/strategies/py_stopme/stats'))).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: enough' });
  }, 60_000);
});

describe('a server without Python', () => {
  const db = tempSqlite();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(db.url, { sandbox: true, sandboxWorkers: 1, pythonPath: '/usr/bin/no-such-python3' });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('answers Python registrations with a 422 naming what to install, and still runs TypeScript', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'user_momentum', code: USER_MOMENTUM });
    expect(r.statusCode, r.body).toBe(422);
    expect(json(r).error).toMatchObject({ code: 'CA_ERR_PYTHON_UNAVAILABLE', field: 'language' });
    expect(json(r).error.message).toMatch(/apt-get install -y python3 python3-numpy bubblewrap/);
    const status = json(await get(server, '/status')).sandbox;
    expect(status).toMatchObject({ available: true, python: { available: false, reason: expect.stringMatching(/no-such-python3/) } });
    const ts = await post(server, '/strategies/user', { strategy_name: 'quoter', code: TS_QUOTER, language: 'typescript' });
    expect(ts.statusCode, ts.body).toBe(201);
  });
});
