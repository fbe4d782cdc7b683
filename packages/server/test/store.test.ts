/**
 * The store suite, run unchanged against SQLite (a temp file) and PostgreSQL (a unique schema on
 * 127.0.0.1:5432, dropped afterwards). See helpers.postgresBaseUrl for when PostgreSQL is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, parseDatabaseUrl } from '../src/store/database.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { Store, type AgentRow, type FillRow, type SubmissionRow, type TickSnapshotRow } from '../src/store/store.js';
import { StoreWriter } from '../src/store/store-writer.js';
import { postgresBaseUrl, tempSqlite, uniqueSchema, waitFor } from './helpers.js';

const pgBase = await postgresBaseUrl();

interface Backend {
  name: string;
  url: () => string;
  cleanup: (url: string) => Promise<void>;
}

const sqliteDirs: Array<() => void> = [];
const backends: Backend[] = [
  {
    name: 'sqlite',
    url: () => {
      const t = tempSqlite();
      sqliteDirs.push(t.cleanup);
      return t.url;
    },
    cleanup: async () => {
      for (const c of sqliteDirs.splice(0)) c();
    },
  },
];
if (pgBase) {
  backends.push({ name: 'postgres', url: () => `${pgBase}?schema=${uniqueSchema()}`, cleanup: (url) => dropPostgresSchema(url) });
}

const now = () => new Date().toISOString();

function agentRow(simulationId: string, agentId: string, extra: Partial<AgentRow> = {}): AgentRow {
  return {
    simulation_id: simulationId,
    agent_id: agentId,
    strategy: 'momentum',
    kind: 'deployed',
    owner: null,
    config: JSON.stringify({ params: { qty: 3 } }),
    status: 'active',
    status_reason: null,
    final_stats: null,
    created_at: now(),
    created_tick: 0,
    ...extra,
  };
}

function fill(simulationId: string, tick: number, seq: number): FillRow {
  return {
    simulation_id: simulationId,
    tick,
    seq,
    buy_order_id: tick * 10 + seq,
    sell_order_id: tick * 10 + seq + 1,
    buy_agent_id: 'mom_1',
    sell_agent_id: 'mm_1',
    price: 100 + seq / 100,
    qty: 5,
    aggressor: 'BID',
  };
}

function snapshot(simulationId: string, tick: number): TickSnapshotRow {
  return {
    simulation_id: simulationId,
    tick,
    mid: 100 + tick / 1000,
    spread: 0.05,
    vwap: 100,
    volatility: 0.001,
    regime: 'CALM',
    lfi: 0.1,
    crowding: 0.2,
    agents: JSON.stringify([{ agent_id: 'mom_1', pnl: tick }]),
    created_at: now(),
  };
}

function submission(id: string, status: string, createdAt: string): SubmissionRow {
  return {
    id,
    submitter_name: 'Ada',
    contact: 'ada@example.org',
    mode: 'beginner',
    template_strategy: 'momentum',
    parameters: JSON.stringify({ qty: 4 }),
    visibility: 'public',
    notes: null,
    clone_source_agent_id: null,
    status,
    deployed_agent_id: null,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

describe.each(backends)('Store on $name', (backend) => {
  let url: string;
  let store: Store;

  beforeAll(async () => {
    url = backend.url();
    store = await Store.open(url);
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup(url);
  });

  it('applies every migration once, and reopening applies none', async () => {
    expect(await store.appliedMigrations()).toEqual(Object.keys(MIGRATIONS));
    const again = await Store.open(url);
    try {
      expect(await again.migrate()).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('creates simulations and finds the newest running one', async () => {
    await store.createSimulation({ id: 'sim_a', seed: 1, config: '{"seed":1}' });
    await new Promise((r) => setTimeout(r, 5));
    await store.createSimulation({ id: 'sim_b', seed: 2, config: '{"seed":2}' });
    expect((await store.latestRunningSimulation())?.id).toBe('sim_b');
    await store.endSimulation('sim_b', 40, 101.5);
    expect((await store.latestRunningSimulation())?.id).toBe('sim_a');
    const b = await store.getSimulation('sim_b');
    expect(b).toMatchObject({ status: 'ended', last_tick: 40, last_mid: 101.5 });
    expect(b?.ended_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await store.getSimulation('sim_missing')).toBeNull();
    expect((await store.listSimulations(10)).map((s) => s.id)).toEqual(['sim_b', 'sim_a']);
    expect(await store.countSimulations()).toBe(2);
  });

  it('stores agents per simulation and refuses a duplicate id', async () => {
    await store.insertAgents([agentRow('sim_a', 'mom_1', { kind: 'builtin' }), agentRow('sim_a', 'user_x', { owner: 'ada', created_tick: 5 })]);
    await expect(store.insertAgent(agentRow('sim_a', 'user_x'))).rejects.toThrow();
    const rows = await store.listAgents('sim_a');
    expect(rows.map((r) => r.agent_id)).toEqual(['mom_1', 'user_x']);
    expect(rows[1]).toMatchObject({ owner: 'ada', kind: 'deployed', created_tick: 5 });
    await store.updateAgentStats('sim_a', [{ agent_id: 'user_x', status: 'silenced', status_reason: 'timeout', final_stats: '{"pnl":3}' }]);
    expect(await store.getAgent('sim_a', 'user_x')).toMatchObject({ status: 'silenced', status_reason: 'timeout', final_stats: '{"pnl":3}' });
    expect(await store.getAgent('sim_b', 'user_x')).toBeNull();
  });

  it('keeps user strategies by unique name', async () => {
    await store.saveUserStrategy({ name: 'my_strat', source: 'class A {}', compiled: 'class A {}' });
    await expect(store.saveUserStrategy({ name: 'my_strat', source: 'x', compiled: 'x' })).rejects.toThrow();
    expect(await store.getUserStrategy('my_strat')).toMatchObject({ source: 'class A {}', compiled: 'class A {}' });
    expect((await store.listUserStrategies()).map((s) => s.name)).toEqual(['my_strat']);
    expect(await store.getUserStrategy('nope')).toBeNull();
  });

  it('lists submissions newest first, filtered by status and limited', async () => {
    await store.insertSubmission(submission('sub_0000000001', 'pending', '2026-01-01T00:00:00.000Z'));
    await store.insertSubmission(submission('sub_0000000002', 'pending', '2026-01-02T00:00:00.000Z'));
    await store.insertSubmission(submission('sub_0000000003', 'rejected', '2026-01-03T00:00:00.000Z'));
    expect((await store.listSubmissions({ limit: 10 })).map((s) => s.id)).toEqual(['sub_0000000003', 'sub_0000000002', 'sub_0000000001']);
    expect((await store.listSubmissions({ status: 'pending', limit: 1 })).map((s) => s.id)).toEqual(['sub_0000000002']);
    await store.updateSubmission('sub_0000000001', { status: 'deployed', deployed_agent_id: 'user_y' });
    const s = await store.getSubmission('sub_0000000001');
    expect(s).toMatchObject({ status: 'deployed', deployed_agent_id: 'user_y' });
    expect(s && s.updated_at > s.created_at).toBe(true);
  });

  it('writes a batch atomically, ignores duplicate fills and keeps the two newest checkpoints', async () => {
    const batch = (tick: number) => ({
      fills: [fill('sim_a', tick, 0), fill('sim_a', tick, 1)],
      tickSnapshots: [snapshot('sim_a', tick)],
      crowdingSnapshots: [{ simulation_id: 'sim_a', tick, intensity: 0.3, payload: '{"tick":' + tick + '}' }],
      checkpoint: { simulation_id: 'sim_a', tick, state: JSON.stringify({ tick }), created_at: now() },
      progress: new Map([['sim_a', { tick, mid: 100 + tick }]]),
    });
    for (const t of [10, 20, 30]) await store.writeBatch(batch(t));
    await store.writeBatch({ ...batch(30), checkpoint: null }); // replayed rows are ignored
    expect(await store.countFills('sim_a')).toBe(6);
    expect(await store.countTickSnapshots('sim_a')).toBe(3);
    expect((await store.latestCheckpoint('sim_a'))?.tick).toBe(30);
    expect((await store.latestCrowdingSnapshot('sim_a'))?.tick).toBe(30);
    expect((await store.getSimulation('sim_a'))?.last_tick).toBe(30);
    const ticks = await store.db.selectFrom('checkpoints').select('tick').where('simulation_id', '=', 'sim_a').orderBy('tick').execute();
    expect(ticks.map((t) => t.tick)).toEqual([20, 30]);
    const fills = await store.fills('sim_a', { sinceTick: 20, limit: 10 });
    expect(fills.map((f) => [f.tick, f.seq])).toEqual([
      [20, 0],
      [20, 1],
      [30, 0],
      [30, 1],
    ]);
    expect(fills[0]?.price).toBeCloseTo(100, 10);
  });

  it('rolls a failed batch back entirely', async () => {
    const before = await store.countFills('sim_a');
    await expect(
      store.writeBatch({
        fills: [fill('sim_a', 99, 0), fill('sim_unknown', 99, 0)],
        tickSnapshots: [],
        crowdingSnapshots: [],
        checkpoint: null,
        progress: new Map(),
      }),
    ).rejects.toThrow();
    expect(await store.countFills('sim_a')).toBe(before);
  });

  it('truncates history after a checkpoint tick', async () => {
    await store.truncateAfter('sim_a', 20);
    expect(await store.countFills('sim_a')).toBe(4);
    expect(await store.countTickSnapshots('sim_a')).toBe(2);
    expect((await store.latestCheckpoint('sim_a'))?.tick).toBe(20);
    expect((await store.getSimulation('sim_a'))?.last_tick).toBe(20);
  });

  it('samples a long tick history evenly and keeps the latest point', async () => {
    await store.createSimulation({ id: 'sim_long', seed: 3, config: '{}' });
    const rows = Array.from({ length: 300 }, (_, i) => snapshot('sim_long', (i + 1) * 10));
    await store.writeBatch({ fills: [], tickSnapshots: rows, crowdingSnapshots: [], checkpoint: null, progress: new Map() });
    const sampled = await store.sampledTickHistory('sim_long', 50);
    expect(sampled.length).toBeGreaterThanOrEqual(40);
    expect(sampled.length).toBeLessThanOrEqual(51);
    expect(sampled[0]?.tick).toBe(10);
    expect(sampled[sampled.length - 1]?.tick).toBe(3000);
    const gaps = new Set(sampled.slice(1, -1).map((r, i) => r.tick - (sampled[i] as TickSnapshotRow).tick));
    expect(gaps.size).toBe(1);
    expect(await store.sampledTickHistory('sim_long', 1000)).toHaveLength(300);
    expect(await store.sampledTickHistory('sim_missing', 10)).toEqual([]);
  });

  it('StoreWriter flushes batches on its interval and on close', async () => {
    await store.createSimulation({ id: 'sim_w', seed: 4, config: '{}' });
    const writer = new StoreWriter(store, { flushIntervalMs: 20, flushMaxBatch: 10_000, maxPendingRows: 100_000 });
    writer.addFills([fill('sim_w', 1, 0), fill('sim_w', 1, 1)]);
    writer.addTickSnapshot(snapshot('sim_w', 1));
    writer.setProgress('sim_w', 1, 100.5);
    await waitFor(async () => (await store.countFills('sim_w')) === 2, 5000, 'interval flush');
    writer.addFills([fill('sim_w', 2, 0)]);
    await writer.close();
    expect(await store.countFills('sim_w')).toBe(3);
    expect(writer.stats()).toMatchObject({ pendingRows: 0, failedFlushes: 0 });
    expect((await store.getSimulation('sim_w'))?.last_mid).toBe(100.5);
  });

  it('StoreWriter keeps a failed batch and writes it once the cause is gone', async () => {
    const errors: unknown[] = [];
    const writer = new StoreWriter(store, { flushIntervalMs: 60_000, flushMaxBatch: 10_000, maxPendingRows: 100_000, onError: (e) => errors.push(e) });
    writer.addFills([fill('sim_later', 1, 0)]); // its simulation does not exist yet: foreign key
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(writer.stats()).toMatchObject({ pendingRows: 1, failedFlushes: 1 });
    await store.createSimulation({ id: 'sim_later', seed: 5, config: '{}' });
    await writer.flush();
    expect(await store.countFills('sim_later')).toBe(1);
    await writer.close();
  });

  it('StoreWriter drops the oldest fills beyond maxPendingRows and counts them', async () => {
    const writer = new StoreWriter(store, { flushIntervalMs: 60_000, flushMaxBatch: 1_000_000, maxPendingRows: 100 });
    writer.addFills(Array.from({ length: 150 }, (_, i) => fill('sim_w', 1000 + i, 0)));
    expect(writer.stats()).toMatchObject({ pendingRows: 100, droppedRows: 50 });
    await writer.close();
    const kept = await store.fills('sim_w', { sinceTick: 1000, limit: 1000 });
    expect(kept[0]?.tick).toBe(1050);
  });
});

describe('DATABASE_URL parsing', () => {
  it('accepts sqlite paths, :memory: and postgres URLs with a schema', () => {
    expect(parseDatabaseUrl('sqlite:./data/x.db')).toEqual({ backend: 'sqlite', target: './data/x.db', schema: null });
    expect(parseDatabaseUrl('sqlite:///abs/x.db')).toEqual({ backend: 'sqlite', target: '/abs/x.db', schema: null });
    expect(parseDatabaseUrl('sqlite::memory:').target).toBe(':memory:');
    const p = parseDatabaseUrl('postgres://u:p@h:5432/db?schema=abc_1');
    expect(p).toMatchObject({ backend: 'postgres', schema: 'abc_1' });
    expect(p.target).not.toContain('schema');
  });

  it('rejects unknown schemes and bad schema names with the expected forms', () => {
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/unsupported scheme; expected sqlite:<path>/);
    expect(() => parseDatabaseUrl('postgres://h/db?schema=Bad-Name')).toThrow(/invalid schema name/);
    expect(() => parseDatabaseUrl('postgres://u:secret@h/db?schema=Bad')).not.toThrow(/secret/);
  });
});
