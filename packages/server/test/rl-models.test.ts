/**
 * Trained models as artefacts on a real server (SQLite; and PostgreSQL for the store when
 * reachable): upload, list, download, deploy rl_ppo frozen from a stored model and learning from
 * an inline one, snapshot a live learner, refusals with their codes, and a restart that keeps the
 * frozen weights and the learner's updated weights (they ride in the market checkpoint).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RL_ACTIONS, RL_FEATURES, RlPpoAgent, trainPpo, type PpoModel } from '@crowdalpha/engine';
import { dropPostgresSchema } from '../src/store/database.js';
import { Store } from '../src/store/store.js';
import type { RunningServer } from '../src/server.js';
import { postgresBaseUrl, startTestServer, tempSqlite, uniqueSchema } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(s: RunningServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Json; text: string }> {
  const res = await fetch(`${s.url}${path}`, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Json) : {} };
}

function tinyModel(): PpoModel {
  const r = trainPpo({ steps: 512, envs: 2, seed: 3, env: { episodeTicks: 100, warmupTicks: 10, config: { analytics: false } }, ppo: { rolloutLength: 256, hiddenUnits: 16 } });
  return r.learner.exportModel(RL_FEATURES, RL_ACTIONS, { test: true });
}

const weights = (s: RunningServer, id: string) => (s.hub.sim.getAgent(id) as RlPpoAgent).exportModel().policy;

describe('rl_ppo models on the server', () => {
  const db = tempSqlite();
  let server: RunningServer | null = null;
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('uploads, lists, downloads, deploys frozen and learning, snapshots, refuses bad input, and survives a restart', async () => {
    const model = tinyModel();
    server = await startTestServer(db.url, {}, true);
    const up = await call(server, 'POST', '/models', { name: 'tiny', model });
    expect(up.status, up.text).toBe(201);
    expect(up.json).toMatchObject({ name: 'tiny', source: 'upload', hidden: '1x16', steps: 512 });
    const id = up.json.id as string;
    expect((await call(server, 'GET', '/models')).json.models.map((m: Json) => m.id)).toContain(id);
    const down = await call(server, 'GET', `/models/${id}`);
    expect(down.json.policy).toEqual(model.policy);
    expect(down.json.meta).toEqual({ test: true });

    const bad = await call(server, 'POST', '/models', { model: { ...model, actions: ['x'] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'CA_ERR_MODEL_INVALID', field: 'model' });
    expect(bad.json.error.message).toMatch(/model has 1 actions, expected 7/);
    expect((await call(server, 'GET', '/models/model_nope')).json.error.code).toBe('CA_ERR_NOT_FOUND');

    // Frozen from the stored model: the network shape comes from the model.
    const frozen = await call(server, 'POST', '/strategies', { strategy_type: 'rl_ppo', agent_id: 'rl_frozen', config: { model_id: id, frozen: true } });
    expect(frozen.status, frozen.text).toBe(201);
    expect(frozen.json.model_id).toBe(id);
    expect(frozen.json.config).toMatchObject({ frozen: true, hidden_units: 16 });
    // Learning from an inline upload (stored as a model too).
    const learning = await call(server, 'POST', '/strategies', { strategy_type: 'rl_ppo', agent_id: 'rl_up', config: { rolloutLength: 32 }, model });
    expect(learning.status, learning.text).toBe(201);
    expect(learning.json.model_id).toMatch(/^model_/);
    expect(learning.json.model_id).not.toBe(id);

    const missing = await call(server, 'POST', '/strategies', { strategy_type: 'rl_ppo', config: { model_id: 'model_missing' } });
    expect(missing.status).toBe(404);
    expect(missing.json.error.field).toBe('config.model_id');
    const notRl = await call(server, 'POST', '/strategies', { strategy_type: 'momentum', config: { model_id: id } });
    expect(notRl.json.error).toMatchObject({ code: 'CA_ERR_BAD_AGENT_CONFIG', field: 'config.model_id' });
    const misfit = await call(server, 'POST', '/strategies', { strategy_type: 'rl_ppo', config: { model_id: id, hiddenUnits: 8 } });
    expect(misfit.json.error.code).toBe('CA_ERR_MODEL_INVALID');
    expect(misfit.json.error.message).toMatch(/set hiddenLayers\/hiddenUnits to match the model/);

    await server.hub.stepTicks(80);
    expect(weights(server, 'rl_frozen')).toEqual(model.policy);
    const stats = await call(server, 'GET', '/strategies/rl_up/stats');
    expect(stats.json.extra.rl_mode).toBe('learning');
    expect(stats.json.extra.rl_updates).toBeGreaterThan(0);
    expect((await call(server, 'GET', '/strategies/rl_frozen/stats')).json.extra.rl_mode).toBe('frozen');
    const learned = weights(server, 'rl_up');
    expect(learned).not.toEqual(model.policy);

    const snap = await call(server, 'POST', '/strategies/rl_up/model', { name: 'after 80 ticks' });
    expect(snap.status, snap.text).toBe(201);
    expect(snap.json).toMatchObject({ name: 'after 80 ticks', source: 'agent:rl_up' });
    expect((await call(server, 'GET', `/models/${snap.json.id}`)).json.policy).toEqual(learned);
    expect((await call(server, 'POST', '/strategies/mom_1/model')).json.error.code).toBe('CA_ERR_BAD_AGENT_CONFIG');

    // A restart resumes from the checkpoint written on close: weights as they were.
    await server.close();
    server = await startTestServer(db.url, {}, true);
    expect(weights(server, 'rl_frozen')).toEqual(model.policy);
    expect(weights(server, 'rl_up')).toEqual(learned);
    expect((server.hub.sim.getAgent('rl_frozen') as RlPpoAgent).mode).toBe('frozen');
  }, 120_000);
});

const pgBase = await postgresBaseUrl();
describe.skipIf(!pgBase)('rl_models on PostgreSQL (migration 0006)', () => {
  it('stores and reads a model back', async () => {
    const url = `${pgBase}?schema=${uniqueSchema()}`;
    const store = await Store.open(url);
    try {
      const model = tinyModel();
      const saved = await store.models.save(model, { name: 'pg', source: 'upload' });
      expect((await store.models.get(saved.id))?.policy).toEqual(model.policy);
      expect((await store.models.list()).map((m) => m.id)).toEqual([saved.id]);
    } finally {
      await store.close();
      await dropPostgresSchema(url);
    }
  }, 60_000);
});
