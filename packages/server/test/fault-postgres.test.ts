/**
 * Fault: PostgreSQL unavailable while the market runs (issue #16). The database is cut off behind
 * a TCP proxy for CROWDALPHA_FAULT_OUTAGE_MS (default 10 s): the market keeps ticking, rows queue
 * (bounded by maxPendingRows) and flush once it is back, nothing is lost (row counts and the
 * last tick compared with what the market produced), no restart is needed, and /status stops
 * reporting the error once writes succeed again.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { dropPostgresSchema } from '../src/store/database.js';
import { postgresBaseUrl, sleep, startTestServer, uniqueSchema, waitFor } from './helpers.js';
import { startTcpProxy, viaProxy, type TcpProxy } from './tcp-proxy.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const pgBase = await postgresBaseUrl();
const OUTAGE_MS = Number(process.env.CROWDALPHA_FAULT_OUTAGE_MS ?? 10_000);

describe.skipIf(!pgBase)('PostgreSQL outage while the market runs', () => {
  let proxy: TcpProxy;
  let server: RunningServer;
  let directUrl = '';

  beforeAll(async () => {
    const schema = uniqueSchema();
    directUrl = `${pgBase}?schema=${schema}`;
    proxy = await startTcpProxy('127.0.0.1', 5432);
    server = await startTestServer(`${viaProxy(pgBase as string, proxy)}?schema=${schema}`, { autostart: true, tickDelayMs: 20, snapshotEvery: 1, checkpointEvery: 50 });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    if (directUrl) await dropPostgresSchema(directUrl);
  });

  const status = async (): Promise<Json> => (await server.app.inject({ method: 'GET', url: '/status' })).json() as Json;

  it('keeps ticking, queues, flushes after, loses nothing, and clears the error in /status', async () => {
    await waitFor(() => server.hub.sim.tick >= 20, 20_000, '20 ticks');
    proxy.cut();
    const tickAtCut = server.hub.sim.tick;
    await waitFor(async () => (await status()).store.failed_flushes > 0, 20_000, 'a failed flush');
    expect((await status()).store.last_error).toEqual(expect.any(String));
    await sleep(OUTAGE_MS);
    // The market kept going while the database was away; rows waited in memory.
    expect(server.hub.isRunning).toBe(true);
    expect(server.hub.sim.tick).toBeGreaterThan(tickAtCut);
    const during = await status();
    expect(during.store.pending_rows).toBeGreaterThan(0);
    expect(during.store.pending_rows).toBeLessThanOrEqual(server.ctx.options.maxPendingRows + 1);
    expect(during.store.dropped_rows).toBe(0);
    proxy.restore();
    await waitFor(async () => (await status()).store.last_error === null, 30_000, 'a successful flush after the outage');
    // Stop the market and flush: every snapshot of every tick produced is in the database.
    await server.hub.stop();
    await server.ctx.writer.flush();
    const finalTick = server.hub.sim.tick;
    const after = await status();
    expect(after.store).toMatchObject({ pending_rows: 0, dropped_rows: 0, last_error: null });
    const c = new pg.Client({ connectionString: pgBase as string });
    await c.connect();
    try {
      const schema = new URL(directUrl).searchParams.get('schema');
      const r = await c.query(`select count(*)::int as n, max(tick)::int as max from "${schema}".tick_snapshots where simulation_id = $1`, [server.hub.simulationId]);
      expect(r.rows[0]).toEqual({ n: finalTick, max: finalTick });
    } finally {
      await c.end();
    }
  }, 120_000);
});
