/**
 * Restart survival with the real process entry (`node packages/server/dist/main.js`): deploy
 * agents and submit a config, `kill -9` the server, start it again on the same database, and the
 * agents, configs, submissions and run history are all there while the tick counter continues
 * past the checkpoint. The kill comes when the store holds rows of ticks after the last checkpoint
 * and an agent deployed after it (checked in the database before the kill), so the restart must
 * both truncate those rows and re-add that agent — each assertion fails if its step is removed.
 * Also: SIGTERM shuts down gracefully and resumes at the exact tick, at rest and under load
 * (WebSocket clients, REST polling and deploys; a final checkpoint is the only one there is).
 */
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sql } from 'kysely';
import { dropPostgresSchema, openDatabase, type OpenedDatabase } from '../src/store/database.js';
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

/** What the store holds for a run: the newest checkpoint and the newest tick of each market table. */
async function stored(dbUrl: string, simId: string): Promise<{ checkpointTick: number | null; checkpointAgents: string[]; fillsMax: number | null; snapshotsMax: number | null; lastTick: number | null; agentRows: string[] }> {
  const opened: OpenedDatabase = await openDatabase(dbUrl);
  try {
    const { db } = opened;
    const cp = await db.selectFrom('checkpoints').select(['tick', 'state']).where('simulation_id', '=', simId).orderBy('tick', 'desc').limit(1).executeTakeFirst();
    const maxOf = async (table: 'fills' | 'tick_snapshots') => {
      const r = await db.selectFrom(table).select(sql<number | null>`max(tick)`.as('m')).where('simulation_id', '=', simId).executeTakeFirst();
      return r?.m === null || r?.m === undefined ? null : Number(r.m);
    };
    const simRow = await db.selectFrom('simulations').select('last_tick').where('id', '=', simId).executeTakeFirst();
    const agentRows = (await db.selectFrom('agents').select('agent_id').where('simulation_id', '=', simId).execute()).map((r) => r.agent_id);
    return {
      checkpointTick: cp ? Number(cp.tick) : null,
      checkpointAgents: cp ? ((JSON.parse(cp.state) as { agents: Array<{ id: string }> }).agents ?? []).map((a) => a.id) : [],
      fillsMax: await maxOf('fills'),
      snapshotsMax: await maxOf('tick_snapshots'),
      lastTick: simRow?.last_tick === null || simRow?.last_tick === undefined ? null : Number(simRow.last_tick),
      agentRows,
    };
  } finally {
    await opened.db.destroy();
  }
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
    // Pause at least one snapshot interval (10 ticks) past the last checkpoint, so rows of ticks the
    // restart must forget are written; a pause right at a checkpoint tick is resumed and retried.
    let before: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (;;) {
      await api(first, 'POST', '/market/control', { action: 'pause' });
      before = await api(first, 'GET', '/status');
      if (before.tick - before.market.last_checkpoint_tick >= 10) break;
      await api(first, 'POST', '/market/control', { action: 'resume' });
      await new Promise((r) => setTimeout(r, 50));
    }
    const checkpointTick = before.market.last_checkpoint_tick as number;
    // Deployed while paused: no checkpoint can include it before the kill.
    const late = await api(first, 'POST', '/strategies', { strategy_type: 'mean_reversion', agent_id: 'late_rev' });
    expect(late.agent_id).toBe('late_rev');
    // What the store holds at the kill: the checkpoint without late_rev, its row, and rows past the checkpoint.
    const atKill = await waitFor(
      async () => {
        const st = await stored(dbUrl, simId);
        return st.checkpointTick === checkpointTick && (st.fillsMax ?? 0) > checkpointTick && (st.snapshotsMax ?? 0) > checkpointTick ? st : null;
      },
      15_000,
      'the writer to flush the checkpoint and the rows after it',
    );
    expect(atKill.checkpointAgents).toContain('crash_mom');
    expect(atKill.checkpointAgents).not.toContain('late_rev');
    expect(atKill.agentRows).toContain('late_rev');
    const statsBefore = await api(first, 'GET', '/strategies/mm_1/stats');
    first.proc.kill('SIGKILL');
    expect((await exited(first.proc)).signal).toBe('SIGKILL');

    // Paused on start, so the restored state can be read before it moves on.
    const second = await startChild(dbUrl, { CROWDALPHA_AUTOSTART: 'false' });
    children.push(second.proc);
    expect(second.ready).toMatchObject({ resumed: true, simulationId: simId });
    const resumedAt = second.ready.tick as number;
    expect(resumedAt).toBe(checkpointTick);
    // Truncated: no row of a tick after the checkpoint is left (the resumed run writes them again).
    const afterRestart = await stored(dbUrl, simId);
    expect(afterRestart.fillsMax ?? 0).toBeLessThanOrEqual(checkpointTick);
    expect(afterRestart.snapshotsMax ?? 0).toBeLessThanOrEqual(checkpointTick);
    expect(afterRestart.lastTick).toBe(checkpointTick);

    const agents = (await api(second, 'GET', '/strategies')).agents as Array<Record<string, unknown>>;
    const byId = new Map(agents.map((a) => [a.agent_id, a]));
    for (const id of ['mom_1', 'mom_2', 'mom_3', 'rev_1', 'rev_2', 'rev_3', 'mm_1', 'mm_2', 'crash_mom', 'late_rev']) expect(byId.has(id), id).toBe(true);
    expect(byId.get('crash_mom')).toMatchObject({ kind: 'deployed', owner: 'ada', strategy_type: 'momentum' });
    // Re-added from its row, in the engine (not only listed), with a fresh account.
    expect(byId.get('late_rev')).toMatchObject({ kind: 'deployed', strategy_type: 'mean_reversion', status: 'active' });
    const lateStats = await api(second, 'GET', '/strategies/late_rev/stats');
    expect(lateStats.orders_submitted).toBe(0);
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

  it('SIGTERM under load: every client is closed cleanly, a final checkpoint is written, the restart resumes at its tick', async () => {
    // No periodic checkpoint within the test: the only one in the store is the one SIGTERM writes.
    const env = { CROWDALPHA_CHECKPOINT_EVERY: '1000000', CROWDALPHA_RATE_LIMIT_MAX: '0' };
    const first = await startChild(dbUrl, env);
    children.push(first.proc);
    const simId = (await api(first, 'GET', '/market/config')).simulation_id as string;
    // An earlier test may have left this run resumable at some tick: the run continues from there.
    const startTick = first.ready.tick as number;

    // 20 stream clients.
    const streams = await Promise.all(
      Array.from({ length: 20 }, () => new Promise<{ ws: WebSocket; ticks: () => number; closed: Promise<number> }>((resolve, reject) => {
        const ws = new WebSocket(`${first.url.replace('http', 'ws')}/ws/market`);
        let ticks = 0;
        ws.on('message', (d: Buffer) => {
          if ((JSON.parse(d.toString('utf8')) as { type?: string }).type === 'TICK') ticks++;
        });
        const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
        ws.once('open', () => resolve({ ws, ticks: () => ticks, closed }));
        ws.once('error', reject);
      })),
    );
    // REST polling at the dashboard's pace (several pollers), and a user deploying agents.
    let terminating = false;
    const problems: string[] = [];
    let polls = 0;
    const poller = async (paths: string[]) => {
      for (let i = 0; ; i++) {
        const url = paths[i % paths.length] as string;
        try {
          const res = await fetch(first.url + url);
          await res.arrayBuffer();
          if (res.ok) polls++;
          else if (!(terminating && res.status === 503)) problems.push(`GET ${url} → ${res.status}`);
        } catch (e) {
          if (!terminating) problems.push(`GET ${url}: ${(e as Error).message}`);
          return; // the server is gone
        }
        if (terminating && polls > 0 && first.proc.exitCode !== null) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const pollers = [
      poller(['/market/book', '/market/trades?limit=50']),
      poller(['/strategies/leaderboard', '/strategies']),
      poller(['/analytics/crowding', '/market/metrics', '/status']),
    ];
    const acknowledged: string[] = [];
    const deployer = (async () => {
      for (let i = 0; !terminating; i++) {
        try {
          const res = await fetch(`${first.url}/strategies`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy_type: 'momentum', agent_id: `load_${i}` }) });
          if (res.status === 201) acknowledged.push(`load_${i}`);
          else if (!(terminating && res.status === 503)) problems.push(`POST /strategies → ${res.status} ${await res.text()}`);
        } catch (e) {
          if (!terminating) problems.push(`POST /strategies: ${(e as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    await waitFor(() => acknowledged.length >= 5 && streams.every((c) => c.ticks() >= 20) && polls >= 50, 60_000, 'load: 5 deploys, 20 TICKs on every stream, 50 polls');

    terminating = true;
    first.proc.kill('SIGTERM');
    const exit = await exited(first.proc);
    await Promise.all([...pollers, deployer]);
    expect(exit.code, 'exit code after SIGTERM (1 means the shutdown timed out)').toBe(0);
    expect(problems, 'failed requests before SIGTERM').toEqual([]);
    // Every stream was closed by the server with "going away", not dropped.
    expect(await Promise.all(streams.map((c) => c.closed))).toEqual(streams.map(() => 1001));
    const stopped = first.logs.find((l) => l.msg === 'CrowdAlpha server stopped');
    expect(stopped, 'the "server stopped" log line (written after the final flush and store close)').toBeDefined();
    const stopTick = stopped?.tick as number;
    expect(stopTick).toBeGreaterThan(startTick);
    // The final checkpoint: at the stop tick, with every acknowledged deploy in it.
    const atStop = await stored(dbUrl, simId);
    expect(atStop.checkpointTick).toBe(stopTick);
    for (const id of acknowledged) expect(atStop.checkpointAgents, id).toContain(id);

    const second = await startChild(dbUrl, env);
    children.push(second.proc);
    expect(second.ready).toMatchObject({ resumed: true, simulationId: simId, tick: stopTick });
    const listed = new Set(((await api(second, 'GET', '/strategies')).agents as Array<{ agent_id: string }>).map((a) => a.agent_id));
    for (const id of acknowledged) expect(listed.has(id), id).toBe(true);
    // The tick counter continues from the stop, in the same run.
    await waitFor(async () => (await api(second, 'GET', '/status')).tick > stopTick + 20, 30_000, 'ticks past the stop');
    expect((await api(second, 'GET', '/simulations')).total).toBe(1);
    second.proc.kill('SIGTERM');
    expect((await exited(second.proc)).code).toBe(0);
  }, 180_000);
});
