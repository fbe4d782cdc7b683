/**
 * DELETE /strategies/{agent_id} removes an agent (issue #16), unlike POST …/stop which keeps it
 * listed: afterwards it is in no agent list, leaderboard, crowding or factor view, TICK or
 * AGENT_STATE_CHANGED event; its stats are 404 and its id stays taken in the run; its stored
 * history (fills, its row) remains; the removal survives a restart and a reset does not carry it.
 * Only its owner or an admin may remove it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite, waitFor } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const db = tempSqlite();
let server: RunningServer;
const keys = { ann: '', bob: '', admin: '' };
const ID = 'rm_mm';
const KEPT = 'kept_mm';

const call = (s: RunningServer, method: 'GET' | 'POST' | 'DELETE', url: string, key?: string, payload?: unknown) =>
  s.app.inject({ method, url, headers: key ? { authorization: `Bearer ${key}` } : {}, ...(payload !== undefined ? { payload: payload as Json } : {}) });

/** Every read that lists agents, as text. */
async function reads(s: RunningServer): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const url of ['/strategies', '/strategies/leaderboard', '/analytics/crowding', '/analytics/factor-space', '/market/snapshot', '/analytics/snapshot']) {
    const r = await call(s, 'GET', url);
    expect(r.statusCode, `${url}: ${r.body.slice(0, 200)}`).toBe(200);
    // The snapshot's recent_fills are the market's trades (history); its agent rows are what counts.
    out[url] = url === '/market/snapshot' ? JSON.stringify((r.json() as Json).payload.agent_stats) : r.body;
  }
  return out;
}

beforeAll(async () => {
  server = await startTestServer(db.url, { autostart: true });
  keys.ann = (await server.store.keys.create({ name: 'ann', role: 'user' })).key;
  keys.bob = (await server.store.keys.create({ name: 'bob', role: 'user' })).key;
  keys.admin = (await server.store.keys.create({ name: 'teacher', role: 'admin' })).key;
  for (const id of [ID, KEPT]) {
    const r = await call(server, 'POST', '/strategies', keys.ann, { strategy_type: 'market_maker', agent_id: id });
    expect(r.statusCode, r.body).toBe(201);
  }
});
afterAll(async () => {
  await server?.close();
  db.cleanup();
});

describe('DELETE /strategies/{agent_id}', () => {
  it('is refused to another user and without a key; the owner removes the agent from every read and the stream', async () => {
    // The agent is in every view first (so leaving it out below is the removal's doing), and has traded.
    await waitFor(async () => Object.values(await reads(server)).every((body) => body.includes(`"${ID}"`)), 30_000, `${ID} in every read`);
    await waitFor(async () => (await server.store.fills(server.hub.simulationId, { limit: 100_000 })).some((f) => f.buy_agent_id === ID || f.sell_agent_id === ID), 30_000, `a fill of ${ID}`);

    expect((await call(server, 'DELETE', `/strategies/${ID}`, keys.bob)).statusCode).toBe(403);
    expect((await call(server, 'DELETE', `/strategies/${ID}`)).statusCode).toBe(401);

    const stream = new WebSocket(`${await listenUrl()}/ws/market`);
    const frames: Json[] = [];
    stream.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString('utf8')) as Json));
    await new Promise((r) => stream.once('open', r));

    const r = await call(server, 'DELETE', `/strategies/${ID}`, keys.ann);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ agent_id: ID, removed: true, removed_by: 'owner' });
    const removedAt = server.hub.market.tick;

    for (const [url, body] of Object.entries(await reads(server))) expect(body.includes(`"${ID}"`), `${url} still names ${ID}`).toBe(false);
    // The other agent of the same owner is untouched.
    expect((await call(server, 'GET', '/strategies')).body).toContain(`"${KEPT}"`);
    expect((await call(server, 'GET', `/strategies/${ID}/stats`, keys.ann)).statusCode).toBe(404);
    expect((await call(server, 'POST', `/strategies/${ID}/stop`, keys.ann, {})).statusCode).toBe(404);
    expect((await call(server, 'DELETE', `/strategies/${ID}`, keys.admin)).statusCode).toBe(404);
    // Its id stays taken in this run.
    expect((await call(server, 'POST', '/strategies', keys.ann, { strategy_type: 'market_maker', agent_id: ID })).statusCode).toBe(409);

    // Events after the removal never name it (TICK agent_stats, AGENT_STATE_CHANGED, crowding).
    await waitFor(() => frames.some((f) => f.type === 'TICK' && f.payload.tick > removedAt + 20), 30_000, 'TICKs after the removal');
    stream.close();
    const after = frames.filter((f) => typeof f.payload?.tick === 'number' && f.payload.tick > removedAt);
    expect(after.length).toBeGreaterThan(0);
    // (A TICK's recent_fills may still show its trades from before the removal: history, like /market/trades.)
    expect(after.some((f) => f.type === 'ORDER_SUBMITTED' && f.payload.agent_id === ID && f.payload.order_type !== 'CANCEL')).toBe(false);
    // The cancels of its resting orders are the removal itself (a client's book needs them): allowed.
    const names = (f: Json) =>
      !(f.type === 'ORDER_SUBMITTED' && f.payload.order_type === 'CANCEL') && JSON.stringify(f.type === 'TICK' ? f.payload.agent_stats : f.payload).includes(`"${ID}"`);
    expect(after.filter(names).map((f) => `${f.type}@${f.payload.tick}: ${JSON.stringify(f.payload).slice(0, 300)}`)).toEqual([]);

    // Its history stays in the stored run: its row (marked removed) and its fills.
    const row = await server.store.getAgent(server.hub.simulationId, ID);
    expect(row?.removed_at).toEqual(expect.any(String));
    expect((await server.store.fills(server.hub.simulationId, { limit: 100_000 })).some((f) => f.buy_agent_id === ID || f.sell_agent_id === ID)).toBe(true);
    const sim = (await call(server, 'GET', `/simulations/${server.hub.simulationId}`)).json() as Json;
    expect((sim.agents as Json[]).map((a) => a.agent_id)).toContain(ID);
  });

  it('an admin may remove anyone\'s agent; a stopped agent can be removed', async () => {
    expect((await call(server, 'POST', `/strategies/${KEPT}/stop`, keys.ann, {})).statusCode).toBe(200);
    expect((await call(server, 'GET', '/strategies')).body).toContain(`"${KEPT}"`);
    const r = await call(server, 'DELETE', `/strategies/${KEPT}`, keys.admin);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ removed_by: 'operator' });
    expect((await call(server, 'GET', '/strategies')).body).not.toContain(`"${KEPT}"`);
  });

  it('stays removed after a restart, and a reset does not carry it into the next run', async () => {
    const simId = server.hub.simulationId;
    await server.close();
    server = await startTestServer(db.url, { autostart: true });
    expect(server.hub.simulationId).toBe(simId);
    await waitFor(() => server.hub.market.lastTickEvent(), 30_000, 'a first tick after the restart');
    for (const [url, body] of Object.entries(await reads(server))) expect(body.includes(`"${ID}"`), `${url} names ${ID} after a restart`).toBe(false);
    expect((await call(server, 'GET', `/strategies/${ID}/stats`, keys.admin)).statusCode).toBe(404);

    const reset = await call(server, 'POST', '/market/control', keys.admin, { action: 'reset' });
    expect(reset.statusCode, reset.body).toBeLessThan(300);
    expect(server.hub.simulationId).not.toBe(simId);
    expect((await server.store.listAgents(server.hub.simulationId)).map((a) => a.agent_id)).not.toContain(ID);
    expect((await call(server, 'GET', '/strategies')).body).not.toContain(`"${ID}"`);
  });
});

/** The in-process server listens on demand for the stream part. */
async function listenUrl(): Promise<string> {
  if (!server.app.server.listening) await server.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = server.app.server.address() as { port: number };
  return `ws://127.0.0.1:${addr.port}`;
}
