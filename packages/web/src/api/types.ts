/**
 * Wire types of the live market, a local copy of packages/engine/src/events.ts (SPEC §7,
 * schema_version 1) so the browser bundle never pulls engine runtime code. Keep in step with it.
 */

export type Side = 'BID' | 'ASK';
export type OrderType = 'LIMIT' | 'MARKET' | 'CANCEL';

export const EVENT_TYPES = [
  'ORDER_SUBMITTED',
  'ORDER_FILLED',
  'PRICE_UPDATED',
  'AGENT_STATE_CHANGED',
  'CROWDING_MATRIX_UPDATED',
  'REGIME_CHANGED',
  'TICK',
  'HEARTBEAT',
  'RESYNC',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface BookLevel {
  price: number;
  qty: number;
  orders: number;
}

export interface DepthSnapshot {
  bids: BookLevel[];
  asks: BookLevel[];
  bestBid: number | null;
  bestAsk: number | null;
  mid: number | null;
  spread: number | null;
}

export interface OrderSubmittedPayload {
  tick: number;
  order_id: number;
  agent_id: string;
  side: Side;
  order_type: OrderType;
  price: number | null;
  qty: number;
  cancel_target: number | null;
}

export interface OrderFilledPayload {
  tick: number;
  buy_order_id: number;
  sell_order_id: number;
  buy_agent_id: string;
  sell_agent_id: string;
  price: number;
  qty: number;
  aggressor: Side;
}

export interface PriceUpdatedPayload {
  tick: number;
  prev_mid: number | null;
  mid: number | null;
  prev_spread: number | null;
  spread: number | null;
}

export interface AgentStatePayload {
  tick: number;
  agent_id: string;
  cash: number;
  inventory: number;
  pnl: number;
}

export interface CrowdedPair {
  agent_a: string;
  agent_b: string;
  similarity: number;
}

export interface CrowdingPayload {
  tick: number;
  intensity: number;
  agent_ids: string[];
  matrix: number[][];
  phi: Record<string, number>;
  top_pairs: CrowdedPair[];
}

export interface RegimePayload {
  tick: number;
  prev_regime: string | null;
  regime: string;
}

export type AgentExtra = Record<string, number | string | boolean | null>;

export interface AgentStatsWire {
  agent_id: string;
  strategy: string;
  status: 'active' | 'silenced';
  status_reason: string | null;
  cash: number;
  inventory: number;
  pnl: number;
  realized_pnl: number;
  total_buy_qty: number;
  total_sell_qty: number;
  fill_count: number;
  orders_submitted: number;
  orders_rejected: number;
  impact_cost: number;
  phi: number;
  sharpe: number | null;
  extra: AgentExtra;
}

export interface TickPayload {
  tick: number;
  mid: number;
  spread: number | null;
  vwap: number;
  volatility: number;
  regime: string;
  lfi: number;
  lfi_near_depth_ratio: number;
  lfi_alert: string;
  crowding: number;
  order_book: DepthSnapshot;
  recent_fills: OrderFilledPayload[];
  agent_stats: AgentStatsWire[];
}

export interface HeartbeatPayload {
  reason: 'pong' | 'idle';
}

export interface ResyncPayload {
  reason: string;
  dropped: number;
  snapshot_url: string;
}

export interface PayloadByType {
  ORDER_SUBMITTED: OrderSubmittedPayload;
  ORDER_FILLED: OrderFilledPayload;
  PRICE_UPDATED: PriceUpdatedPayload;
  AGENT_STATE_CHANGED: AgentStatePayload;
  CROWDING_MATRIX_UPDATED: CrowdingPayload;
  REGIME_CHANGED: RegimePayload;
  TICK: TickPayload;
  HEARTBEAT: HeartbeatPayload;
  RESYNC: ResyncPayload;
}

export interface MarketEvent<T extends EventType = EventType> {
  schema_version: number;
  type: T;
  timestamp: number;
  payload: PayloadByType[T];
}

/** Narrowed union so `switch (e.type)` gives the payload type. */
export type AnyMarketEvent = { [K in EventType]: MarketEvent<K> }[EventType];
