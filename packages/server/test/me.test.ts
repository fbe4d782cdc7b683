/**
 * GET /me and GET /me/owned (plugins/me.ts): who the server takes a caller for in each mode
 * (keyless, operator token only, keys), a refused credential reported rather than refused, and
 * ownership listed by key id — two keys with the same holder's name own different things.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TOKEN = 'op-token-0123456789abcdef';

async function get(server: RunningServer, url: string, key?: string): Promise<{ status: number; body: Json }> {
  const r = await server.app.inject({ method: 'GET', url, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  return { status: r.statusCode, body: r.json() as Json };
}

describe('GET /me on a keyless server', () => {
  const db = tempSqlite();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('answers anonymous, keyless, allowed to deploy and administer (today’s single-user behaviour); a stray header is not a refusal', async () => {
    for (const key of [undefined, 'whatever-was-left-in-the-tab']) {
      const r = await get(server, '/me', key);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        kind: 'anonymous',
        role: null,
        key_id: null,
        name: null,
        credential_refused: null,
        keyless: true,
        operator_token: false,
        public_reads: true,
        can_deploy: true,
        can_admin: true,
      });
    }
    const owned = await get(server, '/me/owned');
    expect(owned).toEqual({ status: 200, body: { key_id: null, agents: [], strategies: [], submissions: [] } });
  });
});

describe('GET /me with an operator token and no keys', () => {
  const db = tempSqlite();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer(db.url, { adminToken: TOKEN });
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('deploying stays open; administering needs the token, which makes the caller the operator (admin)', async () => {
    const anon = await get(server, '/me');
    expect(anon.body).toMatchObject({ kind: 'anonymous', keyless: true, operator_token: true, can_deploy: true, can_admin: false, credential_refused: null });
    const op = await get(server, '/me', TOKEN);
    expect(op.body).toMatchObject({ kind: 'operator', role: 'admin', name: 'operator', key_id: null, can_deploy: true, can_admin: true });
    const wrong = await get(server, '/me', 'not-the-token');
    expect(wrong.status).toBe(200);
    expect(wrong.body).toMatchObject({ kind: 'anonymous', can_admin: false });
    expect(wrong.body.credential_refused).toMatch(/not a valid API key .* nor the operator token/);
    expect(JSON.stringify(wrong.body)).not.toContain('not-the-token');
  });
});

describe('GET /me and /me/owned on a server with keys', () => {
  const db = tempSqlite();
  let server: RunningServer;
  const keys = { admin: '', ann: '', ann2: '', bob: '' };
  const ids = { admin: '', ann: '', ann2: '', bob: '' };
  let annAgent = '';
  let bobAgent = '';
  beforeAll(async () => {
    server = await startTestServer(db.url);
    for (const [who, name, role] of [
      ['admin', 'teacher', 'admin'],
      ['ann', 'ann', 'user'],
      ['ann2', 'ann', 'user'], // a second key with the same holder's name
      ['bob', 'bob', 'user'],
    ] as const) {
      const k = await server.store.keys.create({ name, role });
      keys[who] = k.key;
      ids[who] = k.summary.id;
    }
    const deploy = async (key: string) => {
      const r = await server.app.inject({ method: 'POST', url: '/strategies', headers: { authorization: `Bearer ${key}` }, payload: { strategy_type: 'momentum' } });
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as Json).agent_id as string;
    };
    annAgent = await deploy(keys.ann);
    bobAgent = await deploy(keys.bob);
    const submit = async (key: string, visibility: string) => {
      const r = await server.app.inject({
        method: 'POST',
        url: '/strategies/submit-config',
        headers: { authorization: `Bearer ${key}` },
        payload: { submitter_name: 'Ann', contact: 'ann@example.org', template_strategy: 'momentum', parameters: { qty: 3 }, visibility },
      });
      expect(r.statusCode, r.body).toBe(201);
      return (r.json() as Json).submission_id as string;
    };
    await submit(keys.ann, 'private');
    await submit(keys.ann, 'public');
    await submit(keys.bob, 'private');
    // a strategy registered with ann's key, in two versions (the sandbox is off in these tests: stored directly)
    await server.store.saveUserStrategy({ name: 'ann_mm', source: 'v1', compiled: 'v1', owner: 'ann', params: JSON.stringify({ names: [{ name: 'size', type: 'number' }], open: false }) });
    await server.store.saveUserStrategy({ name: 'ann_mm', source: 'v2', compiled: 'v2', owner: 'ann', version: 2, params: null });
    await server.store.setUserStrategyOwnerKey('ann_mm', ids.ann);
    await server.store.saveUserStrategy({ name: 'bob_mm', source: 'b', compiled: 'b', owner: 'bob' });
    await server.store.setUserStrategyOwnerKey('bob_mm', ids.bob);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('names the key, its holder and role; admins may administer, users deploy', async () => {
    expect((await get(server, '/me', keys.ann)).body).toEqual({
      kind: 'key',
      role: 'user',
      key_id: ids.ann,
      name: 'ann',
      credential_refused: null,
      keyless: false,
      operator_token: false,
      public_reads: true,
      can_deploy: true,
      can_admin: false,
    });
    expect((await get(server, '/me', keys.admin)).body).toMatchObject({ kind: 'key', role: 'admin', key_id: ids.admin, name: 'teacher', can_admin: true, can_deploy: true });
    expect((await get(server, '/me')).body).toMatchObject({ kind: 'anonymous', keyless: false, can_deploy: false, can_admin: false, credential_refused: null });
  });

  it('reports a revoked key as refused (200, anonymous) instead of failing, and a malformed header as such', async () => {
    const k = await server.store.keys.create({ name: 'leaver', role: 'user' });
    expect((await get(server, '/me', k.key)).body.kind).toBe('key');
    await server.store.keys.revoke(k.summary.id);
    const r = await get(server, '/me', k.key);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'anonymous', key_id: null, can_deploy: false });
    expect(r.body.credential_refused).toMatch(/revoked, rotated or mistyped/);
    const basic = await server.app.inject({ method: 'GET', url: '/me', headers: { authorization: 'Basic abc' } });
    expect((basic.json() as Json).credential_refused).toMatch(/not of the form 'Bearer <key>'/);
  });

  it("lists what the key owns — its agents, its strategies with every version, its submissions (private ones too) — and nothing of another key's, even under the same name", async () => {
    const ann = (await get(server, '/me/owned', keys.ann)).body;
    expect(ann.key_id).toBe(ids.ann);
    expect(ann.agents).toHaveLength(1);
    expect(ann.agents[0]).toMatchObject({ agent_id: annAgent, strategy_type: 'momentum', kind: 'deployed', live: true, stopped_at: null, strategy_version: null });
    expect(typeof ann.agents[0].net_pnl).toBe('number');
    expect(ann.strategies).toEqual([
      {
        name: 'ann_mm',
        version: 2,
        created_at: expect.any(String),
        versions: [
          { version: 1, created_at: expect.any(String), params: ['size'] },
          { version: 2, created_at: expect.any(String), params: [] },
        ],
      },
    ]);
    expect(ann.submissions.map((s: Json) => s.visibility).sort()).toEqual(['private', 'public']);
    expect(ann.submissions[0].contact).toBe('ann@example.org');

    const bob = (await get(server, '/me/owned', keys.bob)).body;
    expect(bob.agents.map((a: Json) => a.agent_id)).toEqual([bobAgent]);
    expect(bob.strategies.map((s: Json) => s.name)).toEqual(['bob_mm']);
    expect(bob.submissions).toHaveLength(1);

    const ann2 = (await get(server, '/me/owned', keys.ann2)).body;
    expect(ann2).toEqual({ key_id: ids.ann2, agents: [], strategies: [], submissions: [] });
    // the operator-like admin key owns nothing it did not deploy
    expect((await get(server, '/me/owned', keys.admin)).body.agents).toEqual([]);
  });

  it('keeps a stopped agent listed, no longer live, with when it stopped', async () => {
    const r = await server.app.inject({ method: 'POST', url: `/strategies/${annAgent}/stop`, headers: { authorization: `Bearer ${keys.ann}` }, payload: {} });
    expect(r.statusCode, r.body).toBe(200);
    const [agent] = (await get(server, '/me/owned', keys.ann)).body.agents as Json[];
    expect(agent).toMatchObject({ agent_id: annAgent, live: false, status: 'silenced' });
    expect(agent!.status_reason).toMatch(/stopped by its owner/);
    expect(agent!.stopped_at).toEqual(expect.any(String));
  });

  it('needs a key for /me/owned once the server has keys (401), like every user route', async () => {
    const r = await get(server, '/me/owned');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('CA_ERR_UNAUTHORIZED');
  });
});
