/**
 * The /ws/market event contract: one envelope, one payload schema per event type. The engine
 * builds these payloads; the server forwards them unchanged and describes them at GET /ws/schema
 * from these schemas. Names follow the original API (mid_price, crowding_intensity, agents[] in
 * AGENT_STATE_CHANGED, …); fields it did not have are additive.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { AgentStateWire, AgentStatsWire } from './agents.js';
import { OrderBookWire } from './book.js';
import { EVENT_TYPES, ORDER_TYPES, SIDES, WIRE_SCHEMA_VERSION, type EventTypeName } from './constants.js';
import { ByAgent, Int, Nullable, Num, Obj, Str } from './kit.js';

const Side = Type.Union(SIDES.map((s) => Type.Literal(s)));

export const OrderSubmittedPayload = Obj({
  tick: Int(),
  order_id: Int(),
  agent_id: Str(),
  side: Side,
  order_type: Type.Union(ORDER_TYPES.map((s) => Type.Literal(s))),
  price: Nullable(Num(), 'null for MARKET and CANCEL'),
  qty: Num(),
  cancel_target: Nullable(Int(), 'the order a CANCEL withdraws'),
});
export type OrderSubmittedPayload = Static<typeof OrderSubmittedPayload>;

/** One execution: ORDER_FILLED, TICK.recent_fills and /market/trades. */
export const FillWire = Obj({
  tick: Int(),
  buy_order_id: Int(),
  sell_order_id: Int(),
  buy_agent_id: Str(),
  sell_agent_id: Str(),
  buy_agent: Str('same as buy_agent_id (the name the original used on the trade tape)'),
  sell_agent: Str('same as sell_agent_id (the name the original used on the trade tape)'),
  price: Num('the resting order price'),
  qty: Num(),
  aggressor: Side,
  timestamp: Num('ns, the timestamp of the tick it happened in'),
});
export type FillWire = Static<typeof FillWire>;
export const OrderFilledPayload = FillWire;
export type OrderFilledPayload = FillWire;

export const PriceUpdatedPayload = Obj({
  tick: Int(),
  prev_mid_price: Nullable(Num()),
  mid_price: Nullable(Num()),
  prev_spread: Nullable(Num()),
  spread: Nullable(Num()),
});
export type PriceUpdatedPayload = Static<typeof PriceUpdatedPayload>;

export const AgentStateChangedPayload = Obj({
  tick: Int(),
  agents: Type.Array(AgentStateWire, { description: 'every agent whose cash, inventory or pnl changed this tick' }),
});
export type AgentStateChangedPayload = Static<typeof AgentStateChangedPayload>;

export const CrowdedPairWire = Obj({
  agent_a: Str(),
  agent_b: Str(),
  similarity: Num('cosine similarity of the two factor vectors'),
  pair_activity: Num('w_a * w_b: product of the two volume shares (the pair weight of crowding_intensity)'),
});
export type CrowdedPairWire = Static<typeof CrowdedPairWire>;

export const CrowdingMatrixPayload = Obj({
  tick: Int(),
  crowding_intensity: Num('pair-weighted mean off-diagonal similarity'),
  agent_ids: Type.Array(Str(), { description: 'row/column order of matrix' }),
  matrix: Type.Array(Type.Array(Num()), { description: 'C_ij; [] above config.crowding.eventMatrixMaxAgents agents (GET /analytics/crowding has it)' }),
  agent_crowding_intensity: ByAgent(Num(), 'Phi_i by agent id'),
  top_crowded_pairs: Type.Array(CrowdedPairWire, { description: 'most similar pairs, best first' }),
});
export type CrowdingMatrixPayload = Static<typeof CrowdingMatrixPayload>;

export const RegimeChangedPayload = Obj({ tick: Int(), prev_regime: Nullable(Str()), regime: Str() });
export type RegimeChangedPayload = Static<typeof RegimeChangedPayload>;

export const TickPayload = Obj({
  tick: Int(),
  mid_price: Num(),
  spread: Nullable(Num()),
  vwap: Num(),
  volatility: Num(),
  regime: Str(),
  lfi: Num('Liquidity Fragility Index in [0, 1]'),
  lfi_near_depth_ratio: Num(),
  lfi_alert: Str(),
  crowding: Num('crowding_intensity of the market'),
  impact_shift: Num('permanent impact of this tick\'s aggressive fills (price units)'),
  impact_shift_total: Num('permanent impact since the start'),
  order_book: OrderBookWire,
  recent_fills: Type.Array(FillWire),
  agent_stats: Type.Array(AgentStatsWire),
});
export type TickPayload = Static<typeof TickPayload>;

export const HeartbeatPayload = Obj({
  message: Type.Union([Type.Literal('pong'), Type.Literal('idle')], { description: "'pong' answers a ping; 'idle' after a quiet period" }),
  reason: Type.Union([Type.Literal('pong'), Type.Literal('idle')], { description: 'same as message' }),
  n_connected: Int('clients connected to /ws/market'),
});
export type HeartbeatPayload = Static<typeof HeartbeatPayload>;

export const ResyncPayload = Obj({ reason: Str(), dropped: Int('events dropped from this client'), snapshot_url: Str('GET this for the latest TICK') });
export type ResyncPayload = Static<typeof ResyncPayload>;

/** Payload schema of every event type. */
export const EVENT_PAYLOADS = {
  ORDER_SUBMITTED: OrderSubmittedPayload,
  ORDER_FILLED: OrderFilledPayload,
  PRICE_UPDATED: PriceUpdatedPayload,
  AGENT_STATE_CHANGED: AgentStateChangedPayload,
  CROWDING_MATRIX_UPDATED: CrowdingMatrixPayload,
  REGIME_CHANGED: RegimeChangedPayload,
  TICK: TickPayload,
  HEARTBEAT: HeartbeatPayload,
  RESYNC: ResyncPayload,
} as const satisfies Record<EventTypeName, TSchema>;

export interface PayloadByType {
  ORDER_SUBMITTED: OrderSubmittedPayload;
  ORDER_FILLED: OrderFilledPayload;
  PRICE_UPDATED: PriceUpdatedPayload;
  AGENT_STATE_CHANGED: AgentStateChangedPayload;
  CROWDING_MATRIX_UPDATED: CrowdingMatrixPayload;
  REGIME_CHANGED: RegimeChangedPayload;
  TICK: TickPayload;
  HEARTBEAT: HeartbeatPayload;
  RESYNC: ResyncPayload;
}

/** The envelope of every /ws/market message. */
export interface WireEvent<T extends EventTypeName = EventTypeName> {
  schema_version: typeof WIRE_SCHEMA_VERSION;
  type: T;
  /** Nanoseconds (wall clock on the live server, simulated clock in CLI runs). */
  timestamp: number;
  payload: PayloadByType[T];
}

/** The envelope schema of one event type (GET /market/snapshot answers the TICK one). */
export const eventSchema = <T extends EventTypeName>(type: T) =>
  Obj(
    {
      schema_version: Type.Literal(WIRE_SCHEMA_VERSION),
      type: Type.Literal(type),
      timestamp: Num('ns'),
      payload: EVENT_PAYLOADS[type] as (typeof EVENT_PAYLOADS)[T],
    },
    `${type} event`,
  );

export const TickEventWire = eventSchema('TICK');
export type TickEventWire = Static<typeof TickEventWire>;

/** When each event is sent (GET /ws/schema). */
export const EVENT_WHEN: Record<EventTypeName, string> = {
  ORDER_SUBMITTED: 'every order accepted into the tick batch, in matching order',
  ORDER_FILLED: 'every execution; price is the resting order price',
  PRICE_UPDATED: 'only when mid or spread changed',
  AGENT_STATE_CHANGED: 'once per tick, listing the agents whose cash, inventory or pnl changed',
  CROWDING_MATRIX_UPDATED: 'each tick the crowding pipeline ran',
  REGIME_CHANGED: 'the first tick and whenever the regime changes',
  TICK: 'last event of every tick',
  HEARTBEAT: 'answer to a client "ping", and after 30 s without other traffic',
  RESYNC: "the client's queue overflowed and events were dropped: fetch snapshot_url, then continue",
};

export { EVENT_TYPES };
