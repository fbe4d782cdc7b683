/**
 * POST /strategies/user through the real sandbox (@crowdalpha/sandbox): registration with
 * validation, deployment into the live market, a hanging strategy silenced with its reason while
 * the market goes on, and sandboxed agents restored after a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { RunningServer } from '../src/server.js';
import { HANGING_STRATEGY, startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const BENIGN = `
class Quoter extends BaseAgent {
  onTick(state) {
    return [limit(Side.BID, state.mid - 0.05, 1), limit(Side.ASK, state.mid + 0.05, 1)];
  }
  factorVector() { return [0, 0, 0, 0, 0, 0]; }
}`;

const db = tempSqlite();
let server: RunningServer;
const opts = { sandbox: true, sandboxWorkers: 1 };

const post = (s: RunningServer, url: string, body: unknown) =>
  s.app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const get = (s: RunningServer, url: string) => s.app.inject({ method: 'GET', url });
const json = (r: LightMyRequestResponse): Json => r.json() as Json;

beforeAll(async () => {
  server = await startTestServer(db.url, opts);
  if (!server.hub.sandboxAvailable) throw new Error(`the sandbox must be available for this suite: ${server.hub.sandboxUnavailableReason}`);
}, 60_000);
afterAll(async () => {
  await server?.close();
  db.cleanup();
});

describe('user strategies', () => {
  it('registers without deploying', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'quoter', code: BENIGN });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ registered: 'quoter', version: 1, new_version: true, deployed: false, warnings: [] });
    const types = json(await get(server, '/strategies')).strategy_type_info as Json[];
    expect(types.find((t) => t.type === 'quoter')).toMatchObject({ kind: 'user' });
  });

  it('deploys a registered strategy, which then trades through the sandbox', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'quoter', code: BENIGN, deploy: true, agent_id: 'user_alpha_1', config: { timeout_ms: 200 } });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toMatchObject({ registered: 'quoter', version: 1, new_version: false, deployed: true, agent_id: 'user_alpha_1', strategy_type: 'quoter', manage_key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    await post(server, '/market/control', { action: 'step', ticks: 5 });
    const stats = json(await get(server, '/strategies/user_alpha_1/stats'));
    expect(stats).toMatchObject({ agent_id: 'user_alpha_1', strategy_type: 'quoter', status: 'active' });
    expect(stats.orders_submitted).toBeGreaterThanOrEqual(8);
    expect(Object.keys(stats.extra).length).toBeGreaterThan(0);
  });

  it('refuses invalid code with a 400 that points at the problem', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'broken', code: 'class X extends BaseAgent {\n  onTick( }' });
    expect(r.statusCode, r.body).toBe(400);
    const e = json(r).error;
    expect(e).toMatchObject({ code: 'CA_ERR_STRATEGY_INVALID', field: 'code' });
    expect(e.message).toMatch(/strategy broken was refused: .*line \d+/);
    expect(Array.isArray(e.details)).toBe(true);
    const listed = json(await get(server, '/strategies')).strategy_types as string[];
    expect(listed).not.toContain('broken');
  });

  it('refuses a built-in name; other code under a registered name is its next version, and old versions stay', async () => {
    const builtin = await post(server, '/strategies/user', { strategy_name: 'momentum', code: BENIGN });
    expect(json(builtin).error).toMatchObject({ code: 'CA_ERR_STRATEGY_INVALID', field: 'strategy_name' });
    const v2 = await post(server, '/strategies/user', { strategy_name: 'quoter', code: HANGING_STRATEGY });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(json(v2)).toMatchObject({ registered: 'quoter', version: 2, new_version: true });
    const listed = (json(await get(server, '/strategies')).strategy_type_info as Json[]).find((t) => t.type === 'quoter');
    expect(listed).toMatchObject({ version: 2, versions: [{ version: 1 }, { version: 2 }] });
    // The agent deployed with version 1 says so.
    expect(json(await get(server, '/strategies/user_alpha_1/stats')).deployment).toMatchObject({ strategy_name: 'quoter', strategy_version: 1 });
  });

  it("takes new versions of an owned name only from its owner, and refuses deploy params the code never reads", async () => {
    const code = `class Sized extends BaseAgent<{ size?: number }> {\n  onTick(s: MarketState): OrderIntent[] { return [limit(Side.BID, s.mid - 1, Number(this.params.size ?? 1))]; }\n  factorVector() { return []; }\n}`;
    const first = await post(server, '/strategies/user', { strategy_name: 'sized', code, owner: 'ann' });
    expect(json(first)).toMatchObject({ version: 1, params: { names: [{ name: 'size', type: 'number' }], open: false } });
    const other = await post(server, '/strategies/user', { strategy_name: 'sized', code: code.replace('- 1', '- 2'), owner: 'bob' });
    expect(other.statusCode).toBe(409);
    expect(json(other).error).toMatchObject({ code: 'CA_ERR_STRATEGY_EXISTS' });
    expect(json(other).error.message).toContain('ann');
    const mine = await post(server, '/strategies/user', { strategy_name: 'sized', code: code.replace('- 1', '- 2'), owner: 'ann' });
    expect(json(mine)).toMatchObject({ version: 2 });
    const typo = await post(server, '/strategies/user', { strategy_name: 'sized', code, owner: 'ann', deploy: true, config: { params: { sise: 3 } } });
    expect(typo.statusCode).toBe(400);
    expect(json(typo).error).toMatchObject({ code: 'CA_ERR_BAD_AGENT_CONFIG', field: 'config.params' });
    expect(json(typo).error.message).toMatch(/params\.sise is not read by this strategy; did you mean size\?/);
  });

  it('stops a sandboxed agent with its manage key: its context is torn down and its orders cancelled', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'quoter', code: BENIGN, deploy: true, agent_id: 'user_stopme' });
    expect(r.statusCode, r.body).toBe(201);
    const key = json(r).manage_key as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await post(server, '/market/control', { action: 'step', ticks: 3 });
    const callsBefore = json(await get(server, '/strategies/user_stopme/stats')).extra.calls as number;
    expect(callsBefore).toBeGreaterThan(0);

    const stopped = await server.app.inject({
      method: 'POST',
      url: '/strategies/user_stopme/stop',
      payload: JSON.stringify({ reason: 'misbehaving' }),
      headers: { 'content-type': 'application/json', 'x-manage-key': key },
    });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(json(stopped)).toMatchObject({ stopped_by: 'owner', stats: { status: 'silenced', status_reason: 'stopped by its owner: misbehaving' } });
    await post(server, '/market/control', { action: 'step', ticks: 3 });
    const after = json(await get(server, '/strategies/user_stopme/stats'));
    expect(after).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: misbehaving' });
    // The sandbox tore the context down: no more calls, and it reports itself silenced.
    // A stop is not a sandbox fault: the sandbox says stopped and reports no error.
    expect(after.extra).toMatchObject({ calls: callsBefore, sandbox_status: 'stopped', sandbox_error: null });
    const resting = server.hub.sim
      .checkpoint()
      .book.filter((o) => o.agentId === 'user_stopme');
    expect(resting).toEqual([]);
    // The operator's "agents silenced by the sandbox" counter is for faults, not stops.
    expect(server.hub.sandboxTotals().silencedEvents).toBe(0);
  });

  it('silences a strategy that hangs, shows why, and the market goes on', async () => {
    const r = await post(server, '/strategies/user', { strategy_name: 'spinner', code: HANGING_STRATEGY, deploy: true, agent_id: 'user_spin', config: { timeout_ms: 30 } });
    expect(r.statusCode, r.body).toBe(201);
    const before = server.hub.sim.tick;
    await post(server, '/market/control', { action: 'step', ticks: 4 });
    expect(server.hub.sim.tick).toBe(before + 4);
    // The default strike policy: a timeout costs the tick and restarts the strategy; the third silences it.
    let stats = json(await get(server, '/strategies/user_spin/stats'));
    for (let i = 0; i < 60 && stats.status !== 'silenced'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      await post(server, '/market/control', { action: 'step', ticks: 1 });
      stats = json(await get(server, '/strategies/user_spin/stats'));
    }
    expect(stats.status).toBe('silenced');
    expect(stats.status_reason).toMatch(/timeout: onTick did not return within its 30 ms limit.*fault 3 of 3/);
    expect(stats.extra).toMatchObject({ timeouts: 3, restarts: 2, max_errors: 3 });
    expect(stats.sandbox_details.last_error).toMatchObject({ kind: 'timeout' });
    expect(json(await get(server, '/strategies/user_alpha_1/stats')).status).toBe('active');
  });

  it('carries sandboxed agents over a reset, with fresh accounts', async () => {
    const r = await post(server, '/market/control', { action: 'reset', seed: 11 });
    expect(r.statusCode, r.body).toBe(200);
    const fresh = json(await get(server, '/strategies/user_alpha_1/stats'));
    expect(fresh).toMatchObject({ status: 'active', orders_submitted: 0, cash: 100_000 });
    await post(server, '/market/control', { action: 'step', ticks: 3 });
    expect(json(await get(server, '/strategies/user_alpha_1/stats')).orders_submitted).toBeGreaterThan(0);
    expect(json(await get(server, '/strategies/user_spin/stats')).status).toBe('silenced');
    expect(json(await get(server, '/strategies/user_stopme/stats'))).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: misbehaving', orders_submitted: 0 });
  });

  it('brings sandboxed agents back after a restart', async () => {
    await server.close();
    server = await startTestServer(db.url, opts);
    const ids = (json(await get(server, '/strategies')).agents as Json[]).map((a) => a.agent_id);
    expect(ids).toEqual(expect.arrayContaining(['user_alpha_1', 'user_spin', 'user_stopme']));
    // A stopped strategy is not given a sandbox again.
    expect(json(await get(server, '/status')).market.sandboxed_agents).toBe(2);
    expect(json(await get(server, '/strategies/user_stopme/stats'))).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: misbehaving' });
    const ordersBefore = json(await get(server, '/strategies/user_alpha_1/stats')).orders_submitted as number;
    await post(server, '/market/control', { action: 'step', ticks: 3 });
    const after = json(await get(server, '/strategies/user_alpha_1/stats'));
    expect(after.status).toBe('active');
    expect(after.orders_submitted).toBeGreaterThan(ordersBefore);
  }, 60_000);
});
