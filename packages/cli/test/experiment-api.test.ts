/**
 * The experiments API on a real in-process server with the CLI's runner (as `crowdalpha serve`
 * wires it): a bad spec is a 400 naming the problem, a good one runs to done (polled), its runs
 * download as CSV and as Parquet that reads back, DELETE cancels, and a server without the runner
 * answers 501.
 */
import { parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@crowdalpha/server';
import type { ExperimentDetailWire } from '@crowdalpha/engine/wire';
// The built runner: its worker threads load compiled sweep-worker.js next to it (npm test builds first).
import { CliExperimentService } from '../dist/experiment/experiment-service.js';
import { silentLogger, tempSqlite, testOptions, waitFor } from '../../server/test/helpers.js';

const db = tempSqlite();
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  db.cleanup();
});

describe('experiments API', () => {
  it('runs a posted spec, reports progress, serves CSV/Parquet and cancels', async () => {
    const s = await startServer(testOptions(db.url), { logger: silentLogger(), env: {}, listen: false, experiments: (store) => new CliExperimentService(store, { workers: 2, onError: (err) => console.error(err) }) });
    servers.push(s);
    const bad = await s.app.inject({ method: 'POST', url: '/experiments', payload: { name: 'x', grid: {}, seeds: [1], ticks: 10 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'CA_ERR_EXPERIMENT_SPEC' });
    expect(bad.json().error.message).toContain('spec grid: is empty');

    const post = await s.app.inject({ method: 'POST', url: '/experiments', payload: { name: 'api-check', grid: { 'crowding.kappa': [0, 18] }, seeds: [1, 2], ticks: 120 } });
    expect(post.statusCode, post.body).toBe(201);
    const { id, total } = post.json() as { id: string; total: number };
    expect(total).toBe(4);
    const detail = await waitFor(async () => {
      const d = (await s.app.inject({ method: 'GET', url: `/experiments/${id}` })).json() as ExperimentDetailWire;
      return d.status === 'done' ? d : null;
    }, 60_000, 'the experiment to finish');
    expect(detail).toMatchObject({ done: 4, failed: 0, axes: ['crowding.kappa'], dead_letters: [] });
    expect(detail.runs.map((r) => [r.run_index, r.params['crowding.kappa'], r.seed])).toEqual([[0, 0, 1], [1, 0, 2], [2, 18, 1], [3, 18, 2]]);
    expect(detail.runs[0]!.path.length).toBeGreaterThan(50);
    expect(detail.aggregates.map((a) => a.seeds)).toEqual([2, 2]);
    expect(detail.aggregates[1]!.figures['impact_cost_per_unit']!.n).toBe(2);

    const list = (await s.app.inject({ method: 'GET', url: '/experiments' })).json() as { items: { id: string; status: string }[] };
    expect(list.items.find((e) => e.id === id)?.status).toBe('done');

    const csv = await s.app.inject({ method: 'GET', url: `/experiments/${id}/runs.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\n');
    expect(lines).toHaveLength(5);
    const pq = await s.app.inject({ method: 'GET', url: `/experiments/${id}/runs.parquet` });
    expect(pq.statusCode).toBe(200);
    const buf = pq.rawPayload;
    const rows = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    expect(rows.map((r) => Number(r['run_index']))).toEqual([0, 1, 2, 3]);
    expect(rows.map((r) => r['fills'])).toEqual(detail.runs.map((r) => BigInt(r.figures['fills'] as number)));

    expect((await s.app.inject({ method: 'GET', url: '/experiments/exp_nope' })).statusCode).toBe(404);
    expect((await s.app.inject({ method: 'GET', url: '/experiments/exp_nope/runs.csv' })).statusCode).toBe(404);

    // A long one, cancelled while it runs: it ends cancelled with fewer runs than planned, all kept.
    const long = (await s.app.inject({ method: 'POST', url: '/experiments', payload: { name: 'long', grid: { 'crowding.kappa': [0, 6, 12, 18] }, seeds: '1..10', ticks: 400 } })).json() as { id: string };
    await waitFor(async () => ((await s.app.inject({ method: 'GET', url: `/experiments/${long.id}` })).json() as ExperimentDetailWire).done >= 1, 60_000, 'a first run');
    const del = await s.app.inject({ method: 'DELETE', url: `/experiments/${long.id}` });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ status: 'cancelled' });
    await s.close();
    servers.pop();
    const check = await startServer(testOptions(db.url), { logger: silentLogger(), env: {}, listen: false, experiments: (store) => new CliExperimentService(store) });
    servers.push(check);
    const after = (await check.app.inject({ method: 'GET', url: `/experiments/${long.id}` })).json() as ExperimentDetailWire;
    expect(after.status).toBe('cancelled');
    expect(after.done).toBeGreaterThanOrEqual(1);
    expect(after.done).toBeLessThan(40);
    expect(after.runs).toHaveLength(after.done);
  }, 180_000);

  it('answers 501 on a server started without the runner', async () => {
    const s = await startServer(testOptions(db.url), { logger: silentLogger(), env: {}, listen: false });
    servers.push(s);
    const r = await s.app.inject({ method: 'GET', url: '/experiments' });
    expect(r.statusCode).toBe(501);
    expect(r.json().error.code).toBe('CA_ERR_EXPERIMENTS_UNAVAILABLE');
  });
});
