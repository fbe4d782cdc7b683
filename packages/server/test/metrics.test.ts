/**
 * GET /metrics on real listening servers, scraped over HTTP and parsed as Prometheus text: the
 * series exist with their types, and their values move as ticks run, requests are made, clients
 * connect and the store flushes. Each server has its own registry; CROWDALPHA_METRICS=false
 * removes the route; the sandbox series appear when the sandbox runs user strategies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../src/server.js';
import { HANGING_STRATEGY, startTestServer, tempSqlite, waitFor } from './helpers.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/** The text exposition format (version 0.0.4): `# TYPE name type` and `name{l="v",...} value` lines. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    const raw = m[3] as string;
    samples.push({ name: m[1] as string, labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return { types, samples };
}

async function scrape(server: RunningServer): Promise<Exposition & { contentType: string }> {
  const res = await fetch(`${server.url}/metrics`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { ...parseExposition(text), contentType: res.headers.get('content-type') ?? '' };
}

/** The value of one series; `labels` must match a sample's labels exactly. */
function value(e: Exposition, name: string, labels: Record<string, string> = {}): number {
  const s = e.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  if (!s) throw new Error(`no sample ${name}${JSON.stringify(labels)}; have ${[...new Set(e.samples.map((x) => x.name))].filter((n) => n.startsWith(name.split('_')[0] as string)).join(', ')}`);
  return s.value;
}

const post = (server: RunningServer, path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const getJson = async (server: RunningServer, path: string): Promise<Json> => (await (await fetch(`${server.url}${path}`)).json()) as Json;

async function step(server: RunningServer, ticks: number): Promise<void> {
  const r = await post(server, '/market/control', { action: 'step', ticks });
  expect(r.status, await r.text()).toBe(200);
}

const dbA = tempSqlite();
const dbB = tempSqlite();
const dbC = tempSqlite();
let a: RunningServer;
let b: RunningServer;
let off: RunningServer;

beforeAll(async () => {
  [a, b, off] = await Promise.all([startTestServer(dbA.url, {}, true), startTestServer(dbB.url, {}, true), startTestServer(dbC.url, { metrics: false }, true)]);
}, 30_000);
afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), off?.close()]);
  dbA.cleanup();
  dbB.cleanup();
  dbC.cleanup();
});

describe('GET /metrics', () => {
  it('answers the Prometheus text format with every series and its type', async () => {
    const e = await scrape(a);
    expect(e.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const expected: Record<string, string> = {
      crowdalpha_ticks_total: 'counter',
      crowdalpha_tick_duration_seconds: 'histogram',
      crowdalpha_tick: 'gauge',
      crowdalpha_market_running: 'gauge',
      crowdalpha_agents: 'gauge',
      crowdalpha_ws_clients: 'gauge',
      crowdalpha_ws_frames_sent_total: 'counter',
      crowdalpha_ws_resyncs_total: 'counter',
      crowdalpha_ws_dropped_messages_total: 'counter',
      crowdalpha_ws_slow_disconnects_total: 'counter',
      crowdalpha_http_request_duration_seconds: 'histogram',
      crowdalpha_store_pending_rows: 'gauge',
      crowdalpha_store_flush_duration_seconds: 'histogram',
      crowdalpha_store_rows_written_total: 'counter',
      crowdalpha_store_failed_flushes_total: 'counter',
      crowdalpha_store_dropped_rows_total: 'counter',
      // prom-client's default process metrics
      process_cpu_user_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
    };
    for (const [name, type] of Object.entries(expected)) expect(e.types.get(name), name).toBe(type);
    expect([...e.types.keys()].filter((n) => n.startsWith('crowdalpha_sandbox_'))).toEqual([]);
  });

  it('counts ticks, observes their compute time and reports the current tick', async () => {
    const before = await scrape(a);
    await step(a, 7);
    const after = await scrape(a);
    expect(value(after, 'crowdalpha_ticks_total') - value(before, 'crowdalpha_ticks_total')).toBe(7);
    expect(value(after, 'crowdalpha_tick_duration_seconds_count') - value(before, 'crowdalpha_tick_duration_seconds_count')).toBe(7);
    expect(value(after, 'crowdalpha_tick_duration_seconds_sum')).toBeGreaterThan(value(before, 'crowdalpha_tick_duration_seconds_sum'));
    expect(value(after, 'crowdalpha_tick_duration_seconds_bucket', { le: '+Inf' })).toBe(value(after, 'crowdalpha_tick_duration_seconds_count'));
    expect(value(after, 'crowdalpha_tick')).toBe((await getJson(a, '/status')).tick);
    expect(value(after, 'crowdalpha_market_running')).toBe(0);
  });

  it('reports the agents by status', async () => {
    const agents = (await getJson(a, '/strategies')).agents as Json[];
    const e = await scrape(a);
    expect(value(e, 'crowdalpha_agents', { status: 'active' })).toBe(agents.filter((x) => x.status === 'active').length);
    expect(value(e, 'crowdalpha_agents', { status: 'silenced' })).toBe(agents.filter((x) => x.status === 'silenced').length);
    expect(agents.length).toBeGreaterThan(0);
  });

  it('times HTTP requests by method, route pattern and status code, never by raw URL', async () => {
    const agentId = ((await getJson(a, '/strategies')).agents as Json[])[0]?.agent_id as string;
    const count = (e: Exposition, route: string, status: string, method = 'GET') =>
      e.samples.find((s) => s.name === 'crowdalpha_http_request_duration_seconds_count' && s.labels.route === route && s.labels.status_code === status && s.labels.method === method)?.value ?? 0;
    const before = await scrape(a);
    await fetch(`${a.url}/strategies/${agentId}/stats`);
    await fetch(`${a.url}/strategies/${agentId}/stats`);
    await fetch(`${a.url}/strategies/nobody_here/stats`);
    await fetch(`${a.url}/no/such/path/${agentId}`);
    await step(a, 1);
    const after = await scrape(a);
    expect(count(after, '/strategies/:agent_id/stats', '200') - count(before, '/strategies/:agent_id/stats', '200')).toBe(2);
    expect(count(after, '/strategies/:agent_id/stats', '404') - count(before, '/strategies/:agent_id/stats', '404')).toBe(1);
    expect(count(after, 'unmatched', '404') - count(before, 'unmatched', '404')).toBe(1);
    expect(count(after, '/market/control', '200', 'POST') - count(before, '/market/control', '200', 'POST')).toBe(1);
    const routes = new Set(after.samples.filter((s) => s.name.startsWith('crowdalpha_http_request_duration_seconds')).map((s) => s.labels.route));
    for (const r of routes) expect(r).not.toContain(agentId);
    expect(routes.has('/metrics')).toBe(true);
  });

  it('counts WebSocket clients and the frames sent to them', async () => {
    const before = await scrape(a);
    expect(value(before, 'crowdalpha_ws_clients')).toBe(0);
    const ws = new WebSocket(`ws://127.0.0.1:${a.port}/ws/market?types=TICK`);
    let ticks = 0;
    ws.on('message', (d: Buffer) => {
      if ((JSON.parse(d.toString('utf8')) as Json).type === 'TICK') ticks++;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(value(await scrape(a), 'crowdalpha_ws_clients')).toBe(1);
    await step(a, 3);
    await waitFor(() => ticks >= 3, 10_000, 'three TICK events');
    const during = await scrape(a);
    expect(value(during, 'crowdalpha_ws_frames_sent_total') - value(before, 'crowdalpha_ws_frames_sent_total')).toBeGreaterThanOrEqual(3);
    expect(value(during, 'crowdalpha_ws_resyncs_total')).toBe(0);
    expect(value(during, 'crowdalpha_ws_slow_disconnects_total')).toBe(0);
    ws.terminate();
    await waitFor(async () => value(await scrape(a), 'crowdalpha_ws_clients') === 0, 10_000, 'the client to be gone');
  });

  it("reports the store writer's queue depth, flush durations and dropped rows", async () => {
    const before = await scrape(a);
    await step(a, 10);
    await a.ctx.writer.flush();
    const after = await scrape(a);
    expect(value(after, 'crowdalpha_store_flush_duration_seconds_count')).toBeGreaterThan(value(before, 'crowdalpha_store_flush_duration_seconds_count'));
    expect(value(after, 'crowdalpha_store_rows_written_total')).toBeGreaterThan(value(before, 'crowdalpha_store_rows_written_total'));
    expect(value(after, 'crowdalpha_store_pending_rows')).toBe(a.ctx.writer.pendingRows);
    expect(value(after, 'crowdalpha_store_dropped_rows_total')).toBe(0);
    expect(value(after, 'crowdalpha_store_failed_flushes_total')).toBe(0);
  });

  it('keeps one registry per server: another server in the same process counts only its own ticks', async () => {
    await step(a, 2);
    const ea = await scrape(a);
    const eb = await scrape(b);
    expect(value(ea, 'crowdalpha_ticks_total')).toBeGreaterThan(0);
    expect(value(eb, 'crowdalpha_ticks_total')).toBe(0);
    await step(b, 4);
    expect(value(await scrape(b), 'crowdalpha_ticks_total')).toBe(4);
    expect(value(await scrape(a), 'crowdalpha_ticks_total')).toBe(value(ea, 'crowdalpha_ticks_total'));
  });

  it('is absent with CROWDALPHA_METRICS=false', async () => {
    const r = await fetch(`${off.url}/metrics`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as Json).error.code).toBe('CA_ERR_ROUTE_NOT_FOUND');
    expect(off.ctx.metrics).toBeNull();
  });
});

describe('sandbox series', () => {
  const db = tempSqlite();
  let s: RunningServer;
  const QUOTER = `
class Quoter extends BaseAgent {
  onTick(state) { return [limit(Side.BID, state.mid - 0.05, 1)]; }
  factorVector() { return [0, 0, 0, 0, 0, 0]; }
}`;

  beforeAll(async () => {
    // Silenced at the first fault (the default restarts a strategy twice first): this suite counts one silencing.
    s = await startTestServer(db.url, { sandbox: true, sandboxWorkers: 1, sandboxMaxErrors: 1 }, true);
    if (!s.hub.sandboxAvailable) throw new Error(`the sandbox must be available for this suite: ${s.hub.sandboxUnavailableReason}`);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    db.cleanup();
  });

  it('sums the sandboxed agents\' calls, timeouts and silencings as ticks run', async () => {
    const empty = await scrape(s);
    expect(value(empty, 'crowdalpha_sandbox_calls_total')).toBe(0);
    expect(value(empty, 'crowdalpha_sandbox_agents', { status: 'active' })).toBe(0);
    const r = await post(s, '/strategies/user', { strategy_name: 'quoter', code: QUOTER, deploy: true, agent_id: 'user_q1', config: { timeout_ms: 500 } });
    expect(r.status, await r.text()).toBe(201);
    await step(s, 5);
    const e = await scrape(s);
    expect(value(e, 'crowdalpha_sandbox_calls_total')).toBeGreaterThanOrEqual(5);
    expect(value(e, 'crowdalpha_sandbox_agents', { status: 'active' })).toBe(1);
    expect(value(e, 'crowdalpha_sandbox_agents', { status: 'silenced' })).toBe(0);
    for (const name of ['crowdalpha_sandbox_timeouts_total', 'crowdalpha_sandbox_errors_total', 'crowdalpha_sandbox_silenced_total', 'crowdalpha_sandbox_restarts_total']) {
      expect(e.types.get(name), name).toBe('counter');
    }
  });

  it('counts a hanging strategy\'s timeout and its silencing', async () => {
    const before = await scrape(s);
    const r = await post(s, '/strategies/user', { strategy_name: 'spinner', code: HANGING_STRATEGY, deploy: true, agent_id: 'user_spin', config: { timeout_ms: 30 } });
    expect(r.status, await r.text()).toBe(201);
    await step(s, 4);
    expect((await getJson(s, '/strategies/user_spin/stats')).status).toBe('silenced');
    const after = await scrape(s);
    expect(value(after, 'crowdalpha_sandbox_silenced_total') - value(before, 'crowdalpha_sandbox_silenced_total')).toBe(1);
    expect(value(after, 'crowdalpha_sandbox_timeouts_total')).toBeGreaterThan(value(before, 'crowdalpha_sandbox_timeouts_total'));
    expect(value(after, 'crowdalpha_sandbox_agents', { status: 'silenced' })).toBe(1);
    expect(value(after, 'crowdalpha_sandbox_agents', { status: 'active' })).toBe(1);
    expect(value(after, 'crowdalpha_agents', { status: 'silenced' })).toBe(1);
  });
});
