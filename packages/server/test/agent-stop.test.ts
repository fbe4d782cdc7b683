/**
 * POST /strategies/{agent_id}/stop on real listening servers, on SQLite and (when reachable)
 * PostgreSQL: the manage key every deploy returns (stored only as its SHA-256), each credential
 * case (none, wrong operator token, wrong or foreign manage key, an agent without a key, the right
 * key, the operator token, a server without a token), 404/409/400, the resting orders cancelled on
 * the next tick with CANCEL events, the stop in stats and the leaderboard, and the stop kept across
 * a restart — from a checkpoint older than the stop, and for an agent re-added from the `agents`
 * table — and across a reset.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketEvent } from '@crowdalpha/engine';
import { dropPostgresSchema } from '../src/store/database.js';
import { Store } from '../src/store/store.js';
import type { RunningServer } from '../src/server.js';
import { postgresBaseUrl, startTestServer, tempSqlite, uniqueSchema, waitFor } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'stop-op-token-0123456789';
const pgBase = await postgresBaseUrl();

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => Json;
}

async function call(
  server: RunningServer,
  method: string,
  path: string,
  opts: { body?: unknown; authorization?: string; manageKey?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  if (opts.manageKey !== undefined) headers['x-manage-key'] = opts.manageKey;
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Json };
}

const stop = (s: RunningServer, id: string, opts: { body?: unknown; authorization?: string; manageKey?: string } = {}) => call(s, 'POST', `/strategies/${id}/stop`, opts);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

async function deploy(s: RunningServer, body: Json): Promise<{ agent_id: string; manage_key: string }> {
  const r = await call(s, 'POST', '/strategies', { body });
  expect(r.status, r.text).toBe(201);
  const out = r.json();
  expect(out.manage_key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return out as { agent_id: string; manage_key: string };
}

/** Resting order ids of one agent, read off the engine's book. */
const restingOf = (s: RunningServer, id: string) =>
  s.hub.sim
    .checkpoint()
    .book.filter((o) => o.agentId === id)
    .map((o) => o.orderId);

interface Backend {
  name: string;
  url: () => string;
  cleanup: (url: string) => Promise<void>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    url: () => {
      const t = tempSqlite();
      cleanups.push(t.cleanup);
      return t.url;
    },
    cleanup: async () => undefined,
  },
];
const cleanups: Array<() => void> = [];
if (pgBase) backends.push({ name: 'postgres', url: () => `${pgBase}?schema=${uniqueSchema()}`, cleanup: (url) => dropPostgresSchema(url) });

afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

for (const backend of backends) {
  describe(`stopping an agent (${backend.name})`, () => {
    const guardedUrl = backend.url();
    const openUrl = backend.url();
    const opts = { adminToken: TOKEN, checkpointEvery: 5 };
    let guarded: RunningServer;
    let open: RunningServer;
    let owned: { agent_id: string; manage_key: string };
    let other: { agent_id: string; manage_key: string };

    beforeAll(async () => {
      // One after the other: two first-time migrations racing on one PostgreSQL database can trip over Kysely's lock table.
      guarded = await startTestServer(guardedUrl, opts, true);
      open = await startTestServer(openUrl, {}, true);
      owned = await deploy(guarded, { strategy_type: 'market_maker', agent_id: 'mm_owned' });
      other = await deploy(guarded, { strategy_type: 'momentum', agent_id: 'mom_other' });
    }, 30_000);
    afterAll(async () => {
      await Promise.all([guarded?.close(), open?.close()]);
      await backend.cleanup(guardedUrl);
      await backend.cleanup(openUrl);
    });

    it('keeps only the SHA-256 of a manage key, and says whether the server has an operator token', async () => {
      const row = await guarded.store.getAgent(guarded.hub.simulationId, 'mm_owned');
      expect(row?.manage_key_hash).toBe(sha256(owned.manage_key));
      expect(JSON.stringify(row)).not.toContain(owned.manage_key);
      expect((await guarded.store.getAgent(guarded.hub.simulationId, 'mom_1'))?.manage_key_hash ?? null).toBeNull();
      expect((await call(guarded, 'GET', '/status')).json().operator_token).toBe(true);
      expect((await call(guarded, 'GET', '/')).json().operator_token).toBe(true);
      expect((await call(open, 'GET', '/status')).json().operator_token).toBe(false);
    });

    it('answers 404 for an unknown agent', async () => {
      const r = await stop(guarded, 'nobody_here', { authorization: `Bearer ${TOKEN}` });
      expect(r.status, r.text).toBe(404);
      expect(r.json().error).toMatchObject({ code: 'CA_ERR_NOT_FOUND', field: 'agent_id' });
    });

    it('refuses a request without credentials or with a wrong operator token (401, naming both headers)', async () => {
      const none = await stop(guarded, 'mm_owned');
      expect(none.status, none.text).toBe(401);
      expect(none.json().error.code).toBe('CA_ERR_UNAUTHORIZED');
      expect(none.json().error.message).toContain("'X-Manage-Key: <manage_key>'");
      expect(none.json().error.message).toContain("'Authorization: Bearer <token>'");
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer realm="/);
      const wrong = await stop(guarded, 'mm_owned', { authorization: 'Bearer not-the-operator-token' });
      expect(wrong.status, wrong.text).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(wrong.json().error.message).not.toContain(TOKEN);
      // Refused before the body is read: a bad body still gets the 401.
      expect((await stop(guarded, 'mm_owned', { body: { reason: 'x'.repeat(500) } })).status).toBe(401);
      expect(guarded.hub.sim.agentStats('mm_owned')?.status).toBe('active');
    });

    it("refuses a wrong manage key, another agent's key, and any key for an agent that has none (403)", async () => {
      for (const key of ['definitely-not-the-key', other.manage_key, owned.manage_key.slice(0, -1)]) {
        const r = await stop(guarded, 'mm_owned', { manageKey: key });
        expect(r.status, r.text).toBe(403);
        expect(r.json().error).toMatchObject({ code: 'CA_ERR_FORBIDDEN', field: 'X-Manage-Key' });
        expect(r.json().error.message).toMatch(/not the manage key of agent mm_owned.*Authorization: Bearer/);
      }
      const keyless = await stop(guarded, 'mom_1', { manageKey: owned.manage_key });
      expect(keyless.status, keyless.text).toBe(403);
      expect(keyless.json().error.message).toMatch(/agent mom_1 has no manage key.*only the operator/);
      expect(guarded.hub.sim.agentStats('mm_owned')?.status).toBe('active');
    });

    it('stops with the manage key: silenced with the reason, resting orders cancelled on the next tick; 409 the second time', async () => {
      const events: MarketEvent[] = [];
      guarded.hub.onTick((r) => events.push(...r.events));
      await guarded.hub.stepTicks(3);
      const resting = restingOf(guarded, 'mm_owned');
      expect(resting.length).toBeGreaterThan(0);

      const tooLong = await stop(guarded, 'mm_owned', { manageKey: owned.manage_key, body: { reason: 'x'.repeat(201) } });
      expect(tooLong.status, tooLong.text).toBe(400);
      expect(tooLong.json().error).toMatchObject({ code: 'CA_ERR_VALIDATION', rule: 'maxLength' });

      const r = await stop(guarded, 'mm_owned', { manageKey: owned.manage_key, body: { reason: 'quotes too wide' } });
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ agent_id: 'mm_owned', stopped: true, stopped_by: 'owner', stats: { status: 'silenced', status_reason: 'stopped by its owner: quotes too wide' } });
      const ordersAtStop = r.json().stats.orders_submitted as number;

      events.length = 0;
      await guarded.hub.stepTicks(1);
      const cancels = events
        .filter((e) => e.type === 'ORDER_SUBMITTED')
        .map((e) => e.payload as Json)
        .filter((o) => o.agent_id === 'mm_owned');
      expect(cancels.every((o) => o.order_type === 'CANCEL')).toBe(true);
      expect(cancels.map((o) => o.cancel_target).sort((a, b) => a - b)).toEqual([...resting].sort((a, b) => a - b));
      expect(restingOf(guarded, 'mm_owned')).toEqual([]);
      await guarded.hub.stepTicks(2);

      const stats = (await call(guarded, 'GET', '/strategies/mm_owned/stats')).json();
      expect(stats).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: quotes too wide', orders_submitted: ordersAtStop });
      expect(typeof stats.extra.stopped_at_tick).toBe('number');
      const board = (await call(guarded, 'GET', '/strategies/leaderboard')).json().leaderboard as Json[];
      expect(board.find((a) => a.agent_id === 'mm_owned')).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: quotes too wide' });
      const tick = events.filter((e) => e.type === 'TICK').at(-1)?.payload as Json;
      expect((tick.agent_stats as Json[]).find((a) => a.agent_id === 'mm_owned')).toMatchObject({ status: 'silenced' });

      const again = await stop(guarded, 'mm_owned', { manageKey: owned.manage_key });
      expect(again.status, again.text).toBe(409);
      expect(again.json().error.code).toBe('CA_ERR_AGENT_STOPPED');
      const row = await guarded.store.getAgent(guarded.hub.simulationId, 'mm_owned');
      expect(row).toMatchObject({ status: 'silenced', stopped_by: 'owner', stop_reason: 'stopped by its owner: quotes too wide' });
      expect(row?.stopped_at).toBeTruthy();
    });

    it('lets the operator stop any agent, with or without a manage key', async () => {
      const r = await stop(guarded, 'mom_1', { authorization: `Bearer ${TOKEN}` });
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ stopped_by: 'operator', stats: { status: 'silenced', status_reason: 'stopped by the operator' } });
      // A wrong manage key does not matter when the operator token is right.
      const withKey = await stop(guarded, 'rev_1', { authorization: `Bearer ${TOKEN}`, manageKey: 'wrong', body: { reason: 'class is over' } });
      expect(withKey.status, withKey.text).toBe(200);
      expect(withKey.json().stats.status_reason).toBe('stopped by the operator: class is over');
    });

    it('returns a working manage key from an approve-with-deploy', async () => {
      const sub = await call(guarded, 'POST', '/strategies/submit-config', { body: { submitter_name: 'Ada', contact: 'ada@example.org', template_strategy: 'momentum', parameters: {} } });
      const approved = await call(guarded, 'POST', `/strategies/submissions/${sub.json().submission_id}/approve`, { body: { agent_id: 'mom_ada' }, authorization: `Bearer ${TOKEN}` });
      expect(approved.status, approved.text).toBe(200);
      const key = approved.json().manage_key as string;
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const r = await stop(guarded, 'mom_ada', { manageKey: key });
      expect(r.status, r.text).toBe(200);
      expect(r.json().stopped_by).toBe('owner');
    });

    it('lets anyone stop any agent on a server without an operator token', async () => {
      const r = await stop(open, 'mm_1', { body: { reason: 'no token here' } });
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ stopped_by: 'anyone', stats: { status: 'silenced', status_reason: 'stopped: no token here' } });
      const mine = await deploy(open, { strategy_type: 'momentum', agent_id: 'mom_mine' });
      const owner = await stop(open, 'mom_mine', { manageKey: mine.manage_key });
      expect(owner.json().stopped_by).toBe('owner');
      expect((await stop(open, 'mm_1')).status).toBe(409);
    });

    it('refuses a wrong manage key with 403 on a server without an operator token too', async () => {
      const mine = await deploy(open, { strategy_type: 'momentum', agent_id: 'mom_keyed' });
      const wrong = await stop(open, 'mom_keyed', { manageKey: 'not-the-key' });
      expect(wrong.status, wrong.text).toBe(403);
      expect(wrong.json().error.code).toBe('CA_ERR_FORBIDDEN');
      expect((await stop(open, 'mom_keyed', { manageKey: mine.manage_key })).json().stopped_by).toBe('owner');
    });

    it('flattens the position with market orders over the following ticks when asked, and says so', async () => {
      // Thresholds scaled to the default market's small moves, so the agent takes a position soon.
      await deploy(open, { strategy_type: 'momentum', agent_id: 'mom_flat', config: { limitThreshold: 0.00002, marketThreshold: 0.00005 } });
      for (let i = 0; i < 200 && (open.hub.sim.agentStats('mom_flat')?.inventory ?? 0) === 0; i++) await open.hub.stepTicks(5);
      expect(open.hub.sim.agentStats('mom_flat')!.inventory).not.toBe(0);
      const r = await stop(open, 'mom_flat', { body: { reason: 'done', position: 'flatten' } });
      expect(r.status, r.text).toBe(200);
      expect(r.json()).toMatchObject({ position: 'flatten', stats: { extra: { stop_position: 'flatten' } } });
      for (let i = 0; i < 100 && open.hub.sim.agentStats('mom_flat')!.inventory !== 0; i++) await open.hub.stepTicks(1);
      expect(open.hub.sim.agentStats('mom_flat')!.inventory).toBe(0);
      const extra = open.hub.sim.agentStats('mom_flat')!.extra;
      expect(extra.flatten_orders).toBeGreaterThan(0);
      expect(typeof extra.flattened_at_tick).toBe('number');
      const frozen = await deploy(open, { strategy_type: 'momentum', agent_id: 'mom_frozen' });
      const f = await stop(open, 'mom_frozen', { manageKey: frozen.manage_key });
      expect(f.json()).toMatchObject({ position: 'freeze', stats: { extra: { stop_position: 'freeze' } } });
      // The leaderboard ranks active agents; stopped ones are listed after them.
      await open.hub.stepTicks(1);
      const rows = (await call(open, 'GET', '/strategies/leaderboard')).json().leaderboard as Json[];
      const groups = rows.map((r) => r.extra.rank_group);
      expect(groups.indexOf('inactive')).toBeGreaterThan(0);
      expect(groups.slice(groups.indexOf('inactive')).every((g) => g === 'inactive')).toBe(true);
      expect(rows.find((r) => r.agent_id === 'mom_frozen')!.extra.rank_group).toBe('inactive');
    });

    it('documents the route, the header and manage_key in the OpenAPI document', async () => {
      const doc = (await call(guarded, 'GET', '/docs/json')).json();
      const op = doc.paths['/strategies/{agent_id}/stop'].post;
      expect(op.security).toEqual([{ operatorToken: [] }, { manageKey: [] }]);
      expect((op.parameters as Json[]).some((p) => p.in === 'header' && p.name === 'x-manage-key')).toBe(true);
      for (const s of ['200', '401', '403', '404', '409']) expect(op.responses[s], s).toBeDefined();
      expect(doc.components.securitySchemes.manageKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Manage-Key' });
      expect(doc.paths['/strategies'].post.responses['201'].content['application/json'].schema.properties.manage_key).toBeDefined();
    });

    it('keeps stops across a crash-like restart from a checkpoint older than the stop, and for agents re-added from the agents table', async () => {
      // Checkpoint at a tick where mm_late is active with resting orders and mom_late does not exist yet.
      await deploy(guarded, { strategy_type: 'market_maker', agent_id: 'mm_late' });
      await guarded.hub.stepTicks(5 - (guarded.hub.sim.tick % 5));
      const checkpointTick = guarded.hub.sim.tick;
      await guarded.hub.stepTicks(3);
      expect(guarded.hub.sim.tick % 5).not.toBe(0);
      await waitFor(async () => (await guarded.store.latestCheckpoint(guarded.hub.simulationId))?.tick === checkpointTick, 10_000, 'the checkpoint to be written');
      const late = await deploy(guarded, { strategy_type: 'momentum', agent_id: 'mom_late' });
      expect((await stop(guarded, 'mm_late', { authorization: `Bearer ${TOKEN}`, body: { reason: 'late quoter' } })).status).toBe(200);
      expect((await stop(guarded, 'mom_late', { manageKey: late.manage_key })).status).toBe(200);
      const simId = guarded.hub.simulationId;
      await guarded.close();

      // As if the process had died before any later checkpoint or stats write: only the rows' stop remains.
      const store = await Store.open(guardedUrl);
      await store.truncateAfter(simId, checkpointTick);
      await store.updateAgentStats(
        simId,
        ['mm_owned', 'mm_late', 'mom_late'].map((agent_id) => ({ agent_id, status: 'active', status_reason: null, final_stats: '{}' })),
      );
      await store.close();

      guarded = await startTestServer(guardedUrl, opts, true);
      expect(guarded.hub.sim.tick).toBe(checkpointTick);
      const expected: Record<string, string> = {
        mm_owned: 'stopped by its owner: quotes too wide',
        mm_late: 'stopped by the operator: late quoter',
        mom_late: 'stopped by its owner',
        mom_1: 'stopped by the operator',
      };
      for (const [id, reason] of Object.entries(expected)) {
        expect((await call(guarded, 'GET', `/strategies/${id}/stats`)).json(), id).toMatchObject({ status: 'silenced', status_reason: reason });
      }
      // The checkpoint still had mm_late's resting orders: the first tick after the restart cancels them.
      expect(restingOf(guarded, 'mm_late').length).toBeGreaterThan(0);
      await guarded.hub.stepTicks(2);
      expect(restingOf(guarded, 'mm_late')).toEqual([]);
      expect((await stop(guarded, 'mm_late', { authorization: `Bearer ${TOKEN}` })).status).toBe(409);
      // The manage keys still work after the restart (for the still-active agent).
      expect((await stop(guarded, 'mom_other', { manageKey: other.manage_key })).status).toBe(200);
    }, 30_000);

    it('keeps stopped deployed agents stopped across a reset, with their manage keys', async () => {
      const r = await call(guarded, 'POST', '/market/control', { body: { action: 'reset', seed: 3 }, authorization: `Bearer ${TOKEN}` });
      expect(r.status, r.text).toBe(200);
      const stats = (await call(guarded, 'GET', '/strategies/mm_owned/stats')).json();
      expect(stats).toMatchObject({ status: 'silenced', status_reason: 'stopped by its owner: quotes too wide', cash: 100_000 });
      expect((await call(guarded, 'GET', '/strategies/mom_1/stats')).json().status).toBe('active');
      await guarded.hub.stepTicks(2);
      expect((await call(guarded, 'GET', '/strategies/mm_owned/stats')).json().orders_submitted).toBe(0);
      const row = await guarded.store.getAgent(guarded.hub.simulationId, 'mm_owned');
      expect(row).toMatchObject({ status: 'silenced', manage_key_hash: sha256(owned.manage_key) });
      expect(row?.stopped_at).toBeTruthy();
    });
  });
}
