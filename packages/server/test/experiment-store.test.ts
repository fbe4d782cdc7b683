/**
 * Experiments in the store on SQLite and PostgreSQL: a run written twice (a retried or stalled
 * job) is stored and counted once, a later success clears the dead-letter entry, and a cancelled
 * experiment is not turned back into done by a runner finishing late.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../src/store/database.js';
import { Store } from '../src/store/store.js';
import type { ExperimentRunRow } from '../src/store/experiment-store.js';
import { postgresBaseUrl, tempSqlite, uniqueSchema } from './helpers.js';

const pgBase = await postgresBaseUrl();
const sqlite = tempSqlite();
const backends = [{ name: 'sqlite', url: sqlite.url }, ...(pgBase ? [{ name: 'postgres', url: `${pgBase}?schema=${uniqueSchema()}` }] : [])];

afterAll(async () => {
  sqlite.cleanup();
  for (const b of backends) if (b.name === 'postgres') await dropPostgresSchema(b.url);
});

function run(id: string, index: number, figure: number): ExperimentRunRow {
  return {
    experiment_id: id,
    run_index: index,
    seed: index + 1,
    params: JSON.stringify({ 'crowding.kappa': 18 }),
    overrides: JSON.stringify({ crowding: { kappa: 18 }, seed: index + 1 }),
    row: JSON.stringify({ fills: figure }),
    agents: '[]',
    strategies: '[]',
    path: '[]',
    wall_ms: 5,
    worker: 'test',
    project_version: '0.0.0',
    finished_at: new Date().toISOString(),
  };
}

describe.each(backends)('experiments in the store on $name', ({ url }) => {
  it('stores each run once however often it is written, and counts progress from the rows', async () => {
    const store = await Store.open(url);
    try {
      await store.experiments.create({ id: 'exp_a', name: 'a', description: '', spec: '{}', status: 'queued', runner: 'embedded', total_runs: 3, project_version: '0.0.0' });
      await store.experiments.recordFailure({ experiment_id: 'exp_a', run_index: 1, seed: 2, params: '{}', error: 'boom', attempts: 1, failed_at: new Date().toISOString() });
      expect(await store.experiments.progress('exp_a')).toEqual({ total: 3, done: 0, failed: 1 });
      expect(await store.experiments.recordRun(run('exp_a', 0, 10))).toBe(true);
      // A duplicate delivery with different figures (it cannot happen for a deterministic run,
      // but the write must not care): the first write stays.
      expect(await store.experiments.recordRun(run('exp_a', 0, 99))).toBe(false);
      expect(await store.experiments.recordRun(run('exp_a', 1, 11))).toBe(true);
      expect(await store.experiments.progress('exp_a')).toEqual({ total: 3, done: 2, failed: 0 });
      const rows = await store.experiments.runs('exp_a');
      expect(rows.map((r) => [r.run_index, JSON.parse(r.row).fills])).toEqual([
        [0, 10],
        [1, 11],
      ]);
      await store.experiments.setStatus('exp_a', 'cancelled');
      await store.experiments.setStatus('exp_a', 'done');
      expect((await store.experiments.get('exp_a'))?.status).toBe('cancelled');
      expect((await store.experiments.list()).map((e) => e.id)).toContain('exp_a');
    } finally {
      await store.close();
    }
  });
});
