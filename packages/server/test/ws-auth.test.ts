/**
 * Keys on WebSocket actions (issue #16: "the same key for WebSocket actions"), on real listening
 * servers. Each action × {no key, a user (the owner), another user, an admin}:
 * - the event stream (WS /ws/market: events, subscribe) is a read — open while reads are public,
 *   else it needs a key, sent on the upgrade or in an auth message;
 * - a private environment (WS /ws/agent reset/act) and joining the live market (join) need a key
 *   once keys exist; the joined agent belongs to the key: another user may not stop, remove or read
 *   it over REST (403), its owner and an admin may;
 * - a wrong key is refused (HTTP 401 on the upgrade, an error on an auth message);
 * - keyless mode is unchanged: everything open, a join's own `owner` kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Who = 'none' | 'owner' | 'other' | 'admin';

/** A WebSocket client that hands out messages matching a predicate, in arrival order. */
class Conn {
  private readonly seen: Json[] = [];
  private readonly waiters: Array<{ pred: (m: Json) => boolean; resolve: (m: Json) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as Json;
      const i = this.waiters.findIndex((w) => w.pred(m));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
      else this.seen.push(m);
    });
    this.closed = new Promise((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
  }
  static open(url: string, key?: string): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      const c = new Conn(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }
  /** The first message (already received or to come) that matches. */
  next(pred: (m: Json) => boolean, what: string): Promise<Json> {
    const i = this.seen.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.seen.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      this.waiters.push(w);
      this.closed.then((c) => reject(new Error(`closed (${c.code} ${c.reason}) while waiting for ${what}`)));
    });
  }
  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }
  /** Drops what arrived so far (a stream's earlier events). */
  clear(): void {
    this.seen.length = 0;
  }
}

const db = tempSqlite();
const dbClosed = tempSqlite();
const dbKeyless = tempSqlite();
let server: RunningServer;
let closedReads: RunningServer;
let keyless: RunningServer;
const keys: Record<Exclude<Who, 'none'>, string> = { owner: '', other: '', admin: '' };
const keyIds: Record<Exclude<Who, 'none'>, string> = { owner: '', other: '', admin: '' };
/** A user key of the server whose reads need a key. */
let closedKey = '';
const wsUrl = (s: RunningServer, p: string) => `${s.url.replace('http', 'ws')}${p}`;

beforeAll(async () => {
  // One live agent per user key: a second join by the same key is over its cap.
  server = await startTestServer(db.url, { autostart: true, maxAgentsPerUser: 1 }, true);
  for (const [who, name, role] of [['owner', 'ann', 'user'], ['other', 'bob', 'user'], ['admin', 'teacher', 'admin']] as const) {
    const made = await server.store.keys.create({ name, role });
    keys[who] = made.key;
    keyIds[who] = made.summary.id;
  }
  closedReads = await startTestServer(dbClosed.url, { autostart: true, publicReads: false, wsAuthTimeoutMs: 3_000 }, true);
  closedKey = (await closedReads.store.keys.create({ name: 'ann', role: 'user' })).key;
  keyless = await startTestServer(dbKeyless.url, { autostart: true }, true);
});
afterAll(async () => {
  await Promise.all([server?.close(), closedReads?.close(), keyless?.close()]);
  db.cleanup();
  dbClosed.cleanup();
  dbKeyless.cleanup();
});

const rest = (s: RunningServer, method: 'GET' | 'POST' | 'DELETE', url: string, who: Who) =>
  s.app.inject({ method, url, headers: who === 'none' ? {} : { authorization: `Bearer ${keys[who as Exclude<Who, 'none'>]}` }, ...(method === 'POST' ? { payload: {} } : {}) });

describe('WS /ws/market on a server with keys and public reads (the default)', () => {
  it.each<Who>(['none', 'owner', 'other', 'admin'])('streams events and takes subscriptions for %s', async (who) => {
    const c = await Conn.open(wsUrl(server, '/ws/market'), who === 'none' ? undefined : keys[who]);
    c.send({ subscribe: ['TICK'] });
    expect((await c.next((m) => m.type === 'SUBSCRIBED', 'SUBSCRIBED')).payload.types).toEqual(['TICK']);
    await c.next((m) => m.type === 'TICK', 'a TICK');
    c.ws.close();
  });

  it('refuses an upgrade that carries a wrong key (HTTP 401, as on REST)', async () => {
    await expect(Conn.open(wsUrl(server, '/ws/market'), 'ca_not_a_key')).rejects.toMatchObject({ status: 401 });
    await expect(Conn.open(wsUrl(server, '/ws/agent'), 'ca_not_a_key')).rejects.toMatchObject({ status: 401 });
  });
});

describe('WS /ws/market when reads need a key (CROWDALPHA_PUBLIC_READS=false)', () => {
  it('sends nothing to a connection without a key until an auth message, then streams', async () => {
    const c = await Conn.open(wsUrl(closedReads, '/ws/market'));
    const required = await c.next((m) => m.type === 'AUTH_REQUIRED', 'AUTH_REQUIRED');
    expect(required.payload.code).toBe('CA_ERR_UNAUTHORIZED');
    c.send({ subscribe: ['TICK'] });
    expect((await c.next((m) => m.type === 'ERROR', 'ERROR')).payload.code).toBe('CA_ERR_UNAUTHORIZED');
    c.send({ type: 'auth', key: 'ca_wrong' });
    expect((await c.next((m) => m.type === 'ERROR', 'ERROR')).payload.code).toBe('CA_ERR_UNAUTHORIZED');
    // Nothing of the market reached it: the server has been ticking all along.
    c.send({ type: 'auth', key: closedKey });
    const ok = await c.next((m) => m.type === 'AUTHENTICATED', 'AUTHENTICATED');
    expect(ok.payload).toMatchObject({ role: 'user', name: 'ann' });
    await c.next((m) => m.type === 'TICK', 'a TICK after auth');
    c.ws.close();
  });

  it('streams at once to a connection whose upgrade carried a key', async () => {
    const c = await Conn.open(wsUrl(closedReads, '/ws/market'), closedKey);
    await c.next((m) => m.type === 'TICK', 'a TICK');
    c.ws.close();
  });

  it('closes a connection that never authenticates (1008) and never sent it an event', async () => {
    const c = await Conn.open(wsUrl(closedReads, '/ws/market'));
    const events: string[] = [];
    c.ws.on('message', (d) => events.push((JSON.parse(d.toString()) as Json).type as string));
    expect((await c.closed).code).toBe(1008);
    expect(events.filter((t) => t !== 'AUTH_REQUIRED')).toEqual([]);
  });
});

describe('WS /ws/agent on a server with keys', () => {
  it.each<Who>(['none', 'owner', 'other', 'admin'])('a private environment (reset) for %s', async (who) => {
    const c = await Conn.open(wsUrl(server, '/ws/agent'), who === 'none' ? undefined : keys[who]);
    c.send({ type: 'reset', seed: 1, episode_ticks: 5 });
    const m = await c.next(() => true, 'the answer to reset');
    if (who === 'none') expect(m).toMatchObject({ type: 'error', code: 'CA_ERR_UNAUTHORIZED' });
    else expect(m.type).toBe('observation');
    c.ws.close();
  });

  it('an auth message makes a keyless connection a user (and a wrong one is refused)', async () => {
    const c = await Conn.open(wsUrl(server, '/ws/agent'));
    c.send({ type: 'auth', key: 'ca_wrong' });
    expect(await c.next(() => true, 'auth answer')).toMatchObject({ type: 'error', code: 'CA_ERR_UNAUTHORIZED' });
    c.send({ type: 'auth', key: keys.other });
    expect(await c.next(() => true, 'auth answer')).toMatchObject({ type: 'authenticated', role: 'user', name: 'bob', key_id: keyIds.other });
    c.send({ type: 'reset', seed: 2, episode_ticks: 5 });
    expect((await c.next(() => true, 'reset answer')).type).toBe('observation');
    c.ws.close();
  });

  it('join: refused without a key; the owner\'s agent is the key\'s, closed to another user, open to the owner and an admin', async () => {
    const anon = await Conn.open(wsUrl(server, '/ws/agent'));
    anon.send({ type: 'join', agent_id: 'ext_anon' });
    expect(await anon.next(() => true, 'join answer')).toMatchObject({ type: 'error', code: 'CA_ERR_UNAUTHORIZED' });
    expect(server.hub.market.hasAgent('ext_anon')).toBe(false);
    anon.ws.close();

    const ann = await Conn.open(wsUrl(server, '/ws/agent'), keys.owner);
    ann.send({ type: 'join', agent_id: 'ext_ann', owner: 'someone else' });
    expect(await ann.next((m) => m.type === 'joined' || m.type === 'error', 'join answer')).toMatchObject({ type: 'joined', agent_id: 'ext_ann' });
    const row = await server.store.getAgent(server.hub.simulationId, 'ext_ann');
    expect(row).toMatchObject({ owner: 'ann', owner_key_id: keyIds.owner });

    // The per-user cap counts joins like deploys.
    const again = await Conn.open(wsUrl(server, '/ws/agent'), keys.owner);
    again.send({ type: 'join', agent_id: 'ext_ann2' });
    expect(await again.next(() => true, 'second join answer')).toMatchObject({ type: 'error', code: 'CA_ERR_LIMIT_REACHED' });
    again.ws.close();

    // REST on the joined agent: another user 403 (stats, stop, remove); owner and admin allowed.
    for (const [method, url] of [['GET', '/strategies/ext_ann/stats'], ['POST', '/strategies/ext_ann/stop'], ['DELETE', '/strategies/ext_ann']] as const) {
      expect((await rest(server, method, url, 'other')).statusCode, `${method} ${url} as another user`).toBe(403);
      expect((await rest(server, method, url, 'none')).statusCode, `${method} ${url} without a key`).toBe(401);
    }
    expect((await rest(server, 'GET', '/strategies/ext_ann/stats', 'owner')).statusCode).toBe(200);
    expect((await rest(server, 'GET', '/strategies/ext_ann/stats', 'admin')).statusCode).toBe(200);
    expect((await rest(server, 'POST', '/strategies/ext_ann/stop', 'owner')).statusCode).toBe(200);
    ann.ws.close();

    // An admin joins too; the agent is the admin key's.
    const admin = await Conn.open(wsUrl(server, '/ws/agent'), keys.admin);
    admin.send({ type: 'join', agent_id: 'ext_admin' });
    expect(await admin.next((m) => m.type === 'joined' || m.type === 'error', 'join answer')).toMatchObject({ type: 'joined' });
    expect(await server.store.getAgent(server.hub.simulationId, 'ext_admin')).toMatchObject({ owner: 'teacher', owner_key_id: keyIds.admin });
    expect((await rest(server, 'GET', '/strategies/ext_admin/stats', 'other')).statusCode).toBe(403);
    admin.ws.close();
  });
});

describe('keyless mode is unchanged', () => {
  it('streams, steps and joins without a key, keeping the join\'s owner', async () => {
    const stream = await Conn.open(wsUrl(keyless, '/ws/market'));
    await stream.next((m) => m.type === 'TICK', 'a TICK');
    stream.ws.close();
    const env = await Conn.open(wsUrl(keyless, '/ws/agent'));
    env.send({ type: 'reset', seed: 3, episode_ticks: 5 });
    expect((await env.next(() => true, 'reset answer')).type).toBe('observation');
    env.ws.close();
    const live = await Conn.open(wsUrl(keyless, '/ws/agent'));
    live.send({ type: 'join', agent_id: 'ext_free', owner: 'laptop' });
    expect(await live.next((m) => m.type === 'joined' || m.type === 'error', 'join answer')).toMatchObject({ type: 'joined' });
    expect(await keyless.store.getAgent(keyless.hub.simulationId, 'ext_free')).toMatchObject({ owner: 'laptop', owner_key_id: null });
    live.ws.close();
  });
});
