/**
 * Restart survival with the real process entry (`node packages/server/dist/main.js`): deploy
 * agents and submit a config, `kill -9` the server, start it again on the same database, and the
 * agents, configs, submissions and run history are all there while the tick counter continues
 * past the checkpoint. Also: SIGTERM shuts down gracefully and resumes at the exact tick.
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../src/store/database.js';
import { postgresBaseUrl, tempSqlite, uniqueSchema, waitFor } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const entry = path.join(root, 'packages', 'server', 'dist', 'main.js');

interface Child {
  proc: ChildProcess;
  url: string;
  ready: Record<string, unknown>;
  logs: Array<Record<string, unknown>>;
}

function startChild(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      CROWDALPHA_TICK_DELAY_MS: '10',
      CROWDALPHA_CHECKPOINT_EVERY: '20',
      CROWDALPHA_FLUSH_INTERVAL_MS: '50',
      CROWDALPHA_SANDBOX: 'false',
      CROWDALPHA_WEB_DIST: '',
      CROWDALPHA_LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          logs.push(rec);
          if (rec.msg === 'CrowdAlpha server ready') resolve({ proc, url: rec.url as string, ready: rec, logs });
        } catch {
          /* not a log line */
        }
      }
    });
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready: ${stderr}`)));
    setTimeout(() => reject(new Error(`server not ready after 60 s: ${stderr}`)), 60_000).unref();
  });
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

async function api(child: Child, method: string, url: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(child.url + url, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const json = (await res.json()) as unknown;
  if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const children: ChildProcess[] = [];
const db = tempSqlite();
const pgBase = await postgresBaseUrl();
const pgUrl = pgBase ? `${pgBase}?schema=${uniqueSchema()}` : null;
const backends = [{ name: 'sqlite', url: db.url }, ...(pgUrl ? [{ name: 'postgres', url: pgUrl }] : [])];

beforeAll(() => {
  try {
    execSync('npx tsc -b packages/server', { cwd: root, stdio: 'pipe' });
  } catch (e) {
    throw new Error(`building packages/server failed: ${(e as { stdout?: Buffer }).stdout?.toString() ?? e}`);
  }
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  db.cleanup();
  if (pgUrl) await dropPostgresSchema(pgUrl);
});

describe.each(backends)('crash recovery (kill -9) and graceful shutdown on $name', ({ url: dbUrl }) => {
  it('restores agents, configs and submissions and continues ticking past the checkpoint', async () => {
    const first = await startChild(dbUrl);
    children.push(first.proc);
    expect(first.ready.resumed).toBe(false);
    const deployed = await api(first, 'POST', '/strategies', { strategy_type: 'momentum', agent_id: 'crash_mom', config: { qty: 3, maxInventory: 20 }, owner: 'ada' });
    expect(deployed.agent_id).toBe('crash_mom');
    const sub = await api(first, 'POST', '/strategies/submit-config', { submitter_name: 'Ada', contact: 'ada@example.org', template_strategy: 'market_maker', parameters: { qty: 2 } });
    const simId = (await api(first, 'GET', '/market/config')).simulation_id as string;
    await waitFor(async () => (await api(first, 'GET', '/status')).market.last_checkpoint_tick >= 60, 30_000, 'a checkpoint at tick >= 60');
    const late = await api(first, 'POST', '/strategies', { strategy_type: 'mean_reversion', agent_id: 'late_rev' });
    expect(late.agent_id).toBe('late_rev');
    await new Promise((r) => setTimeout(r, 200)); // let the writer flush the batch with the checkpoint
    // Stop the clock so no checkpoint lands between reading `before` and the kill.
    await api(first, 'POST', '/market/control', { action: 'pause' });
    await new Promise((r) => setTimeout(r, 300));
    const before = await api(first, 'GET', '/status');
    const statsBefore = await api(first, 'GET', '/strategies/mm_1/stats');
    first.proc.kill('SIGKILL');
    expect((await exited(first.proc)).signal).toBe('SIGKILL');

    // Paused on start, so the restored state can be read before it moves on.
    const second = await startChild(dbUrl, { CROWDALPHA_AUTOSTART: 'false' });
    children.push(second.proc);
    expect(second.ready).toMatchObject({ resumed: true, simulationId: simId });
    const resumedAt = second.ready.tick as number;
    expect(resumedAt).toBeGreaterThanOrEqual(60);
    expect(resumedAt).toBeLessThanOrEqual(before.tick as number);

    const agents = (await api(second, 'GET', '/strategies')).agents as Array<Record<string, unknown>>;
    const byId = new Map(agents.map((a) => [a.agent_id, a]));
    for (const id of ['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2', 'crash_mom', 'late_rev']) expect(byId.has(id), id).toBe(true);
    expect(byId.get('crash_mom')).toMatchObject({ kind: 'deployed', owner: 'ada', strategy_type: 'momentum' });
    const sim = await api(second, 'GET', `/simulations/${simId}`);
    const crashRow = (sim.agents as Array<Record<string, unknown>>).find((a) => a.agent_id === 'crash_mom');
    expect(crashRow?.config).toEqual({ params: { qty: 3, max_inventory: 20 } });
    const subs = (await api(second, 'GET', '/strategies/submissions')).items as Array<Record<string, unknown>>;
    expect(subs.map((s) => s.submission_id)).toContain(sub.submission_id);
    // The account restored from the checkpoint is not a fresh one.
    const statsAfter = await api(second, 'GET', '/strategies/mm_1/stats');
    expect((await api(second, 'GET', '/status')).tick).toBe(resumedAt);
    expect(statsAfter.orders_submitted).toBeGreaterThanOrEqual(60);
    expect(statsAfter.orders_submitted).toBeLessThanOrEqual(statsBefore.orders_submitted);
    expect(statsAfter.cash).not.toBe(100_000);
    // The analytics came back with the checkpoint instead of starting empty: the regime detector
    // and the LFI have seen every tick of the run.
    expect((await api(second, 'GET', '/analytics/regime')).observations).toBe(resumedAt);
    expect((await api(second, 'GET', '/analytics/fragility')).observations).toBe(resumedAt);
    await api(second, 'POST', '/market/control', { action: 'resume' });
    // Ticks continue past the checkpoint, in the same run, with its history kept.
    await waitFor(async () => (await api(second, 'GET', '/status')).tick >= resumedAt + 30, 30_000, 'ticks past the checkpoint');
    const runs = await api(second, 'GET', '/simulations');
    expect(runs.total).toBe(1);
    expect(sim.history.length).toBeGreaterThan(3);
    expect(sim.history[0].tick).toBe(10);
    expect(sim.fill_count).toBeGreaterThan(0);

    // Graceful stop: SIGTERM writes a final checkpoint; the next start resumes at that exact tick.
    second.proc.kill('SIGTERM');
    const exit = await exited(second.proc);
    expect(exit.code).toBe(0);
    const stopped = second.logs.find((l) => l.msg === 'CrowdAlpha server stopped');
    expect(stopped).toBeDefined();
    const third = await startChild(dbUrl);
    children.push(third.proc);
    expect(third.ready).toMatchObject({ resumed: true, simulationId: simId, tick: stopped?.tick });
    third.proc.kill('SIGTERM');
    expect((await exited(third.proc)).code).toBe(0);
  }, 120_000);
});
