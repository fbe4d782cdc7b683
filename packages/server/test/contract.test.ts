/**
 * The wire contract against the original Python server: every key path of every reference file
 * in /work/shared/reference/original-api (one per GET route of the seed README, and the first
 * WebSocket event of each type) must exist in our answer with a compatible JSON type (ours may
 * add more). Every answer and every event must also satisfy its schema in
 * `@crowdalpha/engine/wire`, so the contract and what is sent cannot drift apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import {
  AgentStatsResponse,
  AnalyticsSnapshotWire,
  BookResponse,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  EVENT_PAYLOADS,
  EVENT_TYPES,
  FactorSpaceWire,
  FragilitySnapshotWire,
  LeaderboardResponse,
  MarketSnapshotResponse,
  MetricsWire,
  RegimeSnapshotWire,
  RootResponse,
  StatusResponse,
  StrategiesResponse,
  SubmissionsResponse,
  TradesResponse,
  WsSchemaResponse,
} from '@crowdalpha/engine/wire';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite, waitFor } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The reference captures (shared with the other engineers' checkouts); the repo keeps a copy. */
const REFERENCE_DIRS = [path.resolve(here, 'fixtures/original-api'), '/work/shared/reference/original-api'];
const REFERENCE = REFERENCE_DIRS.find((d) => fs.existsSync(path.join(d, 'WS_market_events.json'))) as string;

/** Reference file → our route and the wire schema of its answer. */
const ROUTES: Array<{ file: string; url: string; schema: TSchema }> = [
  { file: 'GET_root.json', url: '/', schema: RootResponse },
  { file: 'GET_status.json', url: '/status', schema: StatusResponse },
  { file: 'GET_market_book.json', url: '/market/book', schema: BookResponse },
  { file: 'GET_market_metrics.json', url: '/market/metrics', schema: MetricsWire },
  { file: 'GET_market_snapshot.json', url: '/market/snapshot', schema: MarketSnapshotResponse },
  { file: 'GET_market_trades.json', url: '/market/trades?limit=5', schema: TradesResponse },
  { file: 'GET_analytics_crowding.json', url: '/analytics/crowding', schema: CrowdingSnapshotWire },
  { file: 'GET_analytics_decay.json', url: '/analytics/decay', schema: DecaySnapshotWire },
  { file: 'GET_analytics_factor-space.json', url: '/analytics/factor-space', schema: FactorSpaceWire },
  { file: 'GET_analytics_fragility.json', url: '/analytics/fragility', schema: FragilitySnapshotWire },
  { file: 'GET_analytics_regime.json', url: '/analytics/regime', schema: RegimeSnapshotWire },
  { file: 'GET_analytics_snapshot.json', url: '/analytics/snapshot', schema: AnalyticsSnapshotWire },
  { file: 'GET_strategies.json', url: '/strategies', schema: StrategiesResponse },
  { file: 'GET_strategies_leaderboard.json', url: '/strategies/leaderboard', schema: LeaderboardResponse },
  { file: 'GET_strategies_mom_1_stats.json', url: '/strategies/mom_1/stats', schema: AgentStatsResponse },
  { file: 'GET_strategies_submissions.json', url: '/strategies/submissions', schema: SubmissionsResponse },
  { file: 'GET_ws_schema.json', url: '/ws/schema', schema: WsSchemaResponse },
];

type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';
const kindOf = (v: unknown): JsonKind => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonKind));

/** Agent ids used as object keys (agent_crowding_intensity.mom_1) are data, not contract. */
const normalise = (p: string): string => p.replace(/\.(mom|rev|mm|rl|user)_[A-Za-z0-9]+/g, '.<agent_id>');

/** Every key path of `v` with the JSON kinds seen there (array elements as `[]`). */
function keyPaths(v: unknown, at = '', out = new Map<string, Set<JsonKind>>()): Map<string, Set<JsonKind>> {
  const p = normalise(at);
  if (at !== '') {
    const kinds = out.get(p) ?? new Set<JsonKind>();
    kinds.add(kindOf(v));
    out.set(p, kinds);
  }
  if (Array.isArray(v)) for (const x of v) keyPaths(x, `${at}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) keyPaths(x, `${at}.${k}`, out);
  return out;
}

/** Key paths a schema declares (records as `<agent_id>`, unions as every member). */
function schemaPaths(schema: unknown, at = '', out = new Set<string>()): Set<string> {
  const s = schema as { properties?: Record<string, unknown>; items?: unknown; anyOf?: unknown[]; patternProperties?: Record<string, unknown> };
  if (!s || typeof s !== 'object') return out;
  if (at !== '') out.add(at);
  for (const member of s.anyOf ?? []) schemaPaths(member, at, out);
  for (const [k, v] of Object.entries(s.properties ?? {})) schemaPaths(v, `${at}.${k}`, out);
  for (const v of Object.values(s.patternProperties ?? {})) schemaPaths(v, `${at}.<agent_id>`, out);
  if (Array.isArray(s.items)) for (const v of s.items) schemaPaths(v, `${at}[]`, out);
  else if (s.items) schemaPaths(s.items, `${at}[]`, out);
  return out;
}

/**
 * Key paths of the reference missing from ours, or present with an incompatible kind. A path
 * under an array that is empty in our capture (a fit with no curve yet) cannot be seen in the
 * data: there the wire schema, which the body satisfies, must declare it.
 */
function incompatibilities(reference: unknown, ours: unknown, schema?: unknown): string[] {
  const want = keyPaths(reference);
  const got = keyPaths(ours);
  const declared = schema ? schemaPaths(schema) : new Set<string>();
  const problems: string[] = [];
  for (const [p, kinds] of want) {
    const have = got.get(p);
    if (!have) {
      const emptyAbove = [...got.keys()].some((q) => p.startsWith(`${q}[]`) && !got.has(`${q}[]`));
      if (!(emptyAbove && declared.has(p))) problems.push(`missing ${p}`);
      continue;
    }
    for (const k of kinds) {
      // null in either capture says "no value at that moment", not a different type.
      if (k === 'null' || have.has(k) || have.has('null')) continue;
      // Order ids are opaque handles: UUID strings in the original, integers here (README notes it).
      if (/order_id$/.test(p) && k === 'string' && have.has('number')) continue;
      problems.push(`${p}: the original sends ${k}, we send ${[...have].join('|')}`);
    }
  }
  return problems;
}

/** The envelope schema of one event type. */
function eventEnvelope(type: string): unknown {
  return { properties: { schema_version: {}, type: {}, timestamp: {}, payload: EVENT_PAYLOADS[type as keyof typeof EVENT_PAYLOADS] } };
}

function reference(file: string): { response?: unknown; events?: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(path.join(REFERENCE, file), 'utf8')) as { response?: unknown; events?: Record<string, unknown> };
}

describe('the wire contract matches the original API', () => {
  let server: RunningServer;
  const db = tempSqlite();
  const events = new Map<string, Record<string, unknown>>();
  let socket: WebSocket;

  beforeAll(async () => {
    server = await startTestServer(db.url, {}, true);
    socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws/market`);
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      if (typeof m.type === 'string' && !events.has(m.type)) events.set(m.type, m);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send('ping');
    // Enough ticks for fills, a crowding matrix, regime history and alpha-decay samples.
    await server.hub.stepTicks(150);
    // Compare against a moment with both sides of the book quoted (array elements are walked).
    for (let i = 0; i < 200; i++) {
      const d = server.hub.market.depth();
      if (d.bids.length > 0 && d.asks.length > 0 && server.hub.market.trades({ limit: 5 }).length > 0) break;
      await server.hub.stepTicks(1);
    }
    await waitFor(() => events.has('TICK') && events.has('HEARTBEAT'), 10_000, 'TICK and HEARTBEAT events');
  }, 60_000);

  afterAll(async () => {
    socket?.terminate();
    await server?.close();
    db.cleanup();
  });

  it('finds the reference captures', () => {
    expect(REFERENCE, `reference files in one of ${REFERENCE_DIRS.join(', ')}`).toBeTruthy();
    const files = fs.readdirSync(REFERENCE).filter((f) => f.endsWith('.json'));
    // Every captured GET has a route here (a new capture must be added to ROUTES).
    for (const f of files.filter((x) => x.startsWith('GET_'))) expect(ROUTES.map((r) => r.file), f).toContain(f);
  });

  for (const route of ROUTES) {
    it(`GET ${route.url} has every key path of ${route.file} and satisfies its wire schema`, async () => {
      const res = await server.app.inject({ method: 'GET', url: route.url, headers: { accept: 'application/json' } });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as unknown;
      expect(incompatibilities(reference(route.file).response, body, route.schema)).toEqual([]);
      const errors = [...Value.Errors(route.schema, body)].slice(0, 5).map((e) => `${e.path}: ${e.message}`);
      expect(errors).toEqual([]);
    });
  }

  it('sends every event type of WS_market_events.json with every key path, and each payload satisfies its wire schema', () => {
    const ref = reference('WS_market_events.json').events ?? {};
    for (const [type, event] of Object.entries(ref)) {
      const ours = events.get(type);
      expect(ours, `a ${type} event`).toBeDefined();
      expect(incompatibilities(event, ours, eventEnvelope(type)), type).toEqual([]);
    }
    for (const [type, event] of events) {
      expect(EVENT_TYPES as readonly string[]).toContain(type);
      const schema = EVENT_PAYLOADS[type as keyof typeof EVENT_PAYLOADS];
      const errors = [...Value.Errors(schema, event.payload)].slice(0, 5).map((e) => `${type}${e.path}: ${e.message}`);
      expect(errors).toEqual([]);
    }
  });

  it('sends one AGENT_STATE_CHANGED per tick with an agents array', async () => {
    const e = events.get('AGENT_STATE_CHANGED') as { payload: { tick: number; agents: Array<{ agent_id: string }> } };
    expect(Array.isArray(e.payload.agents)).toBe(true);
    expect(e.payload.agents.length).toBeGreaterThan(0);
    expect(new Set(e.payload.agents.map((a) => a.agent_id)).size).toBe(e.payload.agents.length);
  });

  it('describes every event type and its payload fields at /ws/schema', async () => {
    const s = (await server.app.inject({ method: 'GET', url: '/ws/schema' })).json() as { event_types: string[]; payloads: Record<string, string> };
    expect(s.event_types).toEqual([...EVENT_TYPES]);
    for (const t of EVENT_TYPES) {
      const fields = Object.keys((EVENT_PAYLOADS[t] as { properties: Record<string, unknown> }).properties);
      expect(s.payloads[t]?.split(', ')).toEqual(fields);
    }
  });

  it('deploys a config written for the original (its parameter names) and reads them back', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/strategies',
      payload: { strategy_type: 'momentum', agent_id: 'orig_mom', config: { fast_window: 8, slow_window: 30, entry_threshold: 0.0005, order_qty: 3, max_inv: 20 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const cfg = (res.json() as { config: Record<string, number> }).config;
    expect(cfg).toMatchObject({ fast_window: 8, slow_window: 30, entry_threshold: 0.0005, order_qty: 3, max_inv: 20, fast_base: 8, fast_step: 0, qty: 3, max_inventory: 20 });
    // The original's threshold is a relative price gap, whatever units the market's preset uses.
    expect(cfg.volatility_units).toBe(false);
    const twice = await server.app.inject({ method: 'POST', url: '/strategies', payload: { strategy_type: 'momentum', config: { qty: 3, order_qty: 4 } } });
    expect(twice.statusCode).toBe(400);
    expect((twice.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CA_ERR_BAD_AGENT_CONFIG' });
  });

  it('shows the engine config in snake_case and takes it back in a reset', async () => {
    const cfg = (await server.app.inject({ method: 'GET', url: '/market/config' })).json() as { config: Record<string, unknown> };
    expect(cfg.config).toHaveProperty('initial_price');
    expect(cfg.config).not.toHaveProperty('initialPrice');
    const res = await server.app.inject({ method: 'POST', url: '/market/control', payload: { action: 'reset', config: { initial_price: 50 } } });
    expect(res.statusCode, res.body).toBe(200);
    const after = (await server.app.inject({ method: 'GET', url: '/market/config' })).json() as { config: Record<string, unknown> };
    expect(after.config.initial_price).toBe(50);
  });
});
