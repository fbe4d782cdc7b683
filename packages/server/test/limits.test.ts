/**
 * Limits of a shared server (issue #16): per-key rate limits (one NAT'd class is not one client),
 * a stricter limit on deploys, live agents per user and in total, stored submissions per user and
 * WebSocket connections per IP — each refusal a 429 with Retry-After that names the setting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: RunningServer | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  await server?.close();
  cleanup?.();
  server = null;
});

async function start(extra: Parameters<typeof startTestServer>[1], listen = false): Promise<RunningServer> {
  const d = tempSqlite();
  cleanup = d.cleanup;
  server = await startTestServer(d.url, extra, listen);
  return server;
}

function openSocket(s: RunningServer, path: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${s.url.replace('http', 'ws')}${path}`);
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('open', () => resolve({ ws, closed }));
    ws.on('error', () => undefined);
  });
}

/** With a cap of one per IP: a second connection is closed with 1013, and room comes back when the first closes. */
async function expectPerIpCap(s: RunningServer, path: string): Promise<void> {
  const first = await openSocket(s, path);
  const second = await openSocket(s, path);
  expect(await second.closed).toBe(1013);
  first.ws.close();
  await first.closed;
  const third = await openSocket(s, path);
  third.ws.close();
  expect(await third.closed).not.toBe(1013);
}

const deploy = (s: RunningServer, key?: string) =>
  s.app.inject({ method: 'POST', url: '/strategies', headers: key ? { authorization: `Bearer ${key}` } : {}, payload: { strategy_type: 'momentum' } });

describe('limits', () => {
  it('caps live agents per user and in total (429, Retry-After, the setting named)', async () => {
    const s = await start({ maxAgentsPerUser: 2 });
    const ann = (await s.store.keys.create({ name: 'ann', role: 'user' })).key;
    const bob = (await s.store.keys.create({ name: 'bob', role: 'user' })).key;
    expect((await deploy(s, ann)).statusCode).toBe(201);
    expect((await deploy(s, ann)).statusCode).toBe(201);
    const third = await deploy(s, ann);
    expect(third.statusCode).toBe(429);
    expect(third.headers['retry-after']).toBe('60');
    expect(third.json()).toMatchObject({ error: { code: 'CA_ERR_LIMIT_REACHED', rule: 'CROWDALPHA_MAX_AGENTS_PER_USER' } });
    expect((await deploy(s, bob)).statusCode).toBe(201);
    // Removing one of ann's agents makes room again.
    const mine = ((await s.app.inject({ method: 'GET', url: '/strategies' })).json() as Json).agents.filter((a: Json) => a.owner === 'ann');
    expect((await s.app.inject({ method: 'DELETE', url: `/strategies/${mine[0].agent_id}`, headers: { authorization: `Bearer ${ann}` } })).statusCode).toBe(200);
    expect((await deploy(s, ann)).statusCode).toBe(201);
  });

  it('caps the total number of live agents', async () => {
    const probe = await start({});
    const live = ((await probe.app.inject({ method: 'GET', url: '/strategies' })).json() as Json).agents.length as number;
    await probe.close();
    cleanup?.();
    const s = await start({ maxAgents: live + 1 });
    expect((await deploy(s)).statusCode).toBe(201);
    const r = await deploy(s);
    expect(r.statusCode).toBe(429);
    expect(r.json()).toMatchObject({ error: { code: 'CA_ERR_LIMIT_REACHED', rule: 'CROWDALPHA_MAX_AGENTS' } });
  });

  it('caps stored submissions per user', async () => {
    const s = await start({ maxSubmissionsPerUser: 1 });
    const ann = (await s.store.keys.create({ name: 'ann', role: 'user' })).key;
    const submit = () =>
      s.app.inject({ method: 'POST', url: '/strategies/submit-config', headers: { authorization: `Bearer ${ann}` }, payload: { submitter_name: 'ann', contact: 'a@x.org', template_strategy: 'momentum' } });
    expect((await submit()).statusCode).toBe(201);
    const r = await submit();
    expect(r.statusCode).toBe(429);
    expect(r.json()).toMatchObject({ error: { code: 'CA_ERR_LIMIT_REACHED', rule: 'CROWDALPHA_MAX_SUBMISSIONS_PER_USER' } });
  });

  it('rate-limits per key (two keys behind one IP have two budgets) and deploys more strictly', async () => {
    const s = await start({ rateLimitMax: 3, rateLimitAllowList: [], deployRateLimitMax: 1 }, true);
    const ann = (await s.store.keys.create({ name: 'ann', role: 'user' })).key;
    const bob = (await s.store.keys.create({ name: 'bob', role: 'user' })).key;
    const get = (key: string) => fetch(`${s.url}/health`, { headers: { authorization: `Bearer ${key}` } });
    const annCodes: number[] = [];
    for (let i = 0; i < 4; i++) annCodes.push((await get(ann)).status);
    expect(annCodes).toEqual([200, 200, 200, 429]);
    expect((await get(bob)).status).toBe(200);
    const post = (key: string) =>
      fetch(`${s.url}/strategies`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ strategy_type: 'momentum' }) });
    expect((await post(bob)).status).toBe(201);
    const again = await post(bob);
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await again.json()) as Json).error.code).toBe('CA_ERR_RATE_LIMITED');
  });

  it('caps WebSocket connections per IP (allowlisted addresses are exempt)', async () => {
    await expectPerIpCap(await start({ wsMaxPerIp: 1, rateLimitAllowList: [] }, true), '/ws/market');
  });

  it('caps /ws/agent connections per IP and in total, each a config value', async () => {
    const perIp = await start({ agentWsMaxPerIp: 1, rateLimitAllowList: [], rateLimitMax: 0 }, true);
    await expectPerIpCap(perIp, '/ws/agent');
    await perIp.close();
    const total = await start({ agentWsMaxSessions: 2, rateLimitMax: 0 }, true);
    const a = await openSocket(total, '/ws/agent');
    const b = await openSocket(total, '/ws/agent');
    const c = await openSocket(total, '/ws/agent');
    expect(await c.closed).toBe(1013);
    a.ws.close();
    b.ws.close();
    await Promise.all([a.closed, b.closed]);
  });
});
