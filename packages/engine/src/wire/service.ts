/** GET /, /health, /status and the answer of POST /market/control. */
import { Type, type Static } from '@sinclair/typebox';
import { Int, Nullable, Num, Obj, Str } from './kit.js';

export const RootResponse = Obj({
  status: Str(),
  service: Str(),
  version: Str(),
  docs: Str('Swagger UI'),
  openapi: Str('OpenAPI document'),
  websocket: Str('event stream'),
  dashboard: Type.Boolean({ description: 'whether the web dashboard is built and served at /' }),
  operator_token: Type.Boolean({ description: 'whether operator routes need a token' }),
});
export type RootResponse = Static<typeof RootResponse>;

export const HealthResponse = Obj({ status: Str('ok | degraded'), database: Type.Boolean(), tick: Int() });
export type HealthResponse = Static<typeof HealthResponse>;

/** The live market's clock and bookkeeping. */
export const MarketStatusWire = Obj({
  simulation_id: Str(),
  running: Type.Boolean(),
  tick: Int(),
  tick_delay_ms: Int(),
  seed: Int(),
  agents: Int(),
  sandboxed_agents: Int(),
  last_tick_ms: Num('compute time of the last tick'),
  ticks_per_second: Num(),
  last_checkpoint_tick: Nullable(Int()),
  resumed_from_tick: Nullable(Int()),
});
export type MarketStatusWire = Static<typeof MarketStatusWire>;

export const StreamStatusWire = Obj({
  clients: Int(),
  queued_messages: Int(),
  queued_bytes: Int(),
  inflight_bytes: Int(),
  max_client_queued_bytes: Int(),
  events_broadcast: Int(),
  messages_sent: Int(),
  resyncs: Int(),
  dropped_messages: Int(),
  disconnected_slow: Int(),
  last_broadcast_ms: Num(),
  max_broadcast_ms: Num(),
});
export type StreamStatusWire = Static<typeof StreamStatusWire>;

export const StoreStatusWire = Obj({
  backend: Str('sqlite | postgres'),
  location: Str(),
  pending_rows: Int(),
  flushes: Int(),
  rows_written: Int(),
  failed_flushes: Int(),
  dropped_rows: Int(),
  last_flush_ms: Num(),
  last_error: Nullable(Str()),
});
export type StoreStatusWire = Static<typeof StoreStatusWire>;

export const StatusResponse = Obj({
  running: Type.Boolean(),
  tick: Int(),
  mid_price: Nullable(Num()),
  regime: Nullable(Str()),
  market: MarketStatusWire,
  websocket: StreamStatusWire,
  store: StoreStatusWire,
  sandbox: Obj({
    available: Type.Boolean(),
    reason: Nullable(Str()),
    python: Obj({ available: Type.Boolean(), reason: Nullable(Str()) }, 'whether Python strategies run here (bubblewrap + python3 + numpy)'),
  }),
  operator_token: Type.Boolean({ description: 'whether the server has an operator token (CROWDALPHA_ADMIN_TOKEN): operator routes and stopping agents then need credentials' }),
  uptime_s: Num(),
  runtime: Obj(
    {
      node: Str('process.version of the server'),
      supported: Type.Boolean({ description: 'a Node.js major CrowdAlpha is tested on (20, 22, 24)' }),
      end_of_life_date: Nullable(Str(), 'upstream end of life of this release line'),
      end_of_life: Type.Boolean({ description: 'past that date: user strategies run on a V8 without security fixes' }),
      recommended: Str(),
      warning: Nullable(Str()),
    },
    'the Node.js runtime and whether it still gets security fixes',
  ),
});
export type StatusResponse = Static<typeof StatusResponse>;

export const ControlResponse = Obj({ ok: Type.Boolean(), action: Str(), status: MarketStatusWire });
export type ControlResponse = Static<typeof ControlResponse>;
