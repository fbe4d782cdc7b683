/**
 * The event contract of SPEC §7 (schema_version 1): one envelope, one payload type per event.
 * The simulation emits them per tick in the order of `TICK_EVENT_ORDER`; the server forwards them
 * unchanged on `/ws/market` and describes them at `GET /ws/schema` from `EVENT_SCHEMA`.
 */
import type { AgentStats, DepthSnapshot, Fill, Order } from './types.js';

export const SCHEMA_VERSION = 1;

export const EventType = {
  ORDER_SUBMITTED: 'ORDER_SUBMITTED',
  ORDER_FILLED: 'ORDER_FILLED',
  PRICE_UPDATED: 'PRICE_UPDATED',
  AGENT_STATE_CHANGED: 'AGENT_STATE_CHANGED',
  CROWDING_MATRIX_UPDATED: 'CROWDING_MATRIX_UPDATED',
  REGIME_CHANGED: 'REGIME_CHANGED',
  TICK: 'TICK',
  HEARTBEAT: 'HEARTBEAT',
  RESYNC: 'RESYNC',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** The order in which one tick's events are emitted. */
export const TICK_EVENT_ORDER: readonly EventType[] = [
  EventType.ORDER_SUBMITTED,
  EventType.ORDER_FILLED,
  EventType.PRICE_UPDATED,
  EventType.AGENT_STATE_CHANGED,
  EventType.CROWDING_MATRIX_UPDATED,
  EventType.REGIME_CHANGED,
  EventType.TICK,
];

export interface OrderSubmittedPayload {
  tick: number;
  order_id: number;
  agent_id: string;
  side: Order['side'];
  order_type: Order['orderType'];
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
  aggressor: Fill['aggressor'];
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

export interface AgentStatsWire {
  agent_id: string;
  strategy: string;
  status: AgentStats['status'];
  status_reason: string | null;
  cash: number;
  inventory: number;
  pnl: number;
  net_pnl: number;
  realized_pnl: number;
  total_buy_qty: number;
  total_sell_qty: number;
  fill_count: number;
  orders_submitted: number;
  orders_rejected: number;
  impact_cost: number;
  phi: number;
  /** Rolling (last diagnostics.window ticks), annualised by simulated trading time; see AgentStats.sharpe. */
  sharpe: number | null;
  /** Full run (since the agent joined), same definition. */
  sharpe_full: number | null;
  extra: AgentStats['extra'];
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
  /** Permanent impact of this tick's aggressive fills (price units; MarketState.impact.lastShift next tick). */
  impact_shift: number;
  /** Permanent impact since the start (MarketState.impact.cumulativeShift). */
  impact_shift_total: number;
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
  schema_version: typeof SCHEMA_VERSION;
  type: T;
  /** Nanoseconds, from the clock the caller gave the simulation. */
  timestamp: number;
  payload: PayloadByType[T];
}

export function makeEvent<T extends EventType>(type: T, timestamp: number, payload: PayloadByType[T]): MarketEvent<T> {
  return { schema_version: SCHEMA_VERSION, type, timestamp, payload };
}

export function orderToWire(o: Order): OrderSubmittedPayload {
  return {
    tick: o.tick,
    order_id: o.orderId,
    agent_id: o.agentId,
    side: o.side,
    order_type: o.orderType,
    price: o.price,
    qty: o.qty,
    cancel_target: o.cancelTarget,
  };
}

export function fillToWire(f: Fill): OrderFilledPayload {
  return {
    tick: f.tick,
    buy_order_id: f.buyOrderId,
    sell_order_id: f.sellOrderId,
    buy_agent_id: f.buyAgentId,
    sell_agent_id: f.sellAgentId,
    price: f.price,
    qty: f.qty,
    aggressor: f.aggressor,
  };
}

export function agentStatsToWire(s: AgentStats): AgentStatsWire {
  return {
    agent_id: s.agentId,
    strategy: s.strategy,
    status: s.status,
    status_reason: s.statusReason,
    cash: s.cash,
    inventory: s.inventory,
    pnl: s.pnl,
    net_pnl: s.netPnl,
    realized_pnl: s.realizedPnl,
    total_buy_qty: s.totalBuyQty,
    total_sell_qty: s.totalSellQty,
    fill_count: s.fillCount,
    orders_submitted: s.ordersSubmitted,
    orders_rejected: s.ordersRejected,
    impact_cost: s.impactCost,
    phi: s.phi,
    sharpe: s.sharpe,
    sharpe_full: s.sharpeFull,
    extra: s.extra,
  };
}

/** Human-readable description of the contract, served at GET /ws/schema. */
export const EVENT_SCHEMA = {
  schema_version: SCHEMA_VERSION,
  envelope: {
    schema_version: 'integer, currently 1',
    type: 'one of the event types below',
    timestamp: 'integer nanoseconds (wall clock on the live server, simulated clock in CLI runs)',
    payload: 'object, per type',
  },
  tick_order: TICK_EVENT_ORDER,
  events: {
    ORDER_SUBMITTED: {
      when: 'every order accepted into the tick batch, in matching order',
      payload: ['tick', 'order_id', 'agent_id', 'side', 'order_type', 'price', 'qty', 'cancel_target'],
    },
    ORDER_FILLED: {
      when: 'every execution; price is the resting order price',
      payload: ['tick', 'buy_order_id', 'sell_order_id', 'buy_agent_id', 'sell_agent_id', 'price', 'qty', 'aggressor'],
    },
    PRICE_UPDATED: { when: 'only when mid or spread changed', payload: ['tick', 'prev_mid', 'mid', 'prev_spread', 'spread'] },
    AGENT_STATE_CHANGED: {
      when: 'only agents whose cash, inventory or pnl changed',
      payload: ['tick', 'agent_id', 'cash', 'inventory', 'pnl'],
    },
    CROWDING_MATRIX_UPDATED: {
      when: 'each tick the crowding pipeline ran',
      payload: ['tick', 'intensity', 'agent_ids', 'matrix', 'phi', 'top_pairs'],
    },
    REGIME_CHANGED: { when: 'the first tick and whenever the regime changes', payload: ['tick', 'prev_regime', 'regime'] },
    TICK: {
      when: 'last event of every tick',
      payload: [
        'tick', 'mid', 'spread', 'vwap', 'volatility', 'regime', 'lfi', 'lfi_near_depth_ratio', 'lfi_alert',
        'crowding', 'impact_shift', 'impact_shift_total', 'order_book', 'recent_fills', 'agent_stats',
      ],
    },
    HEARTBEAT: { when: 'answer to a client "ping", and after 30 s without other traffic', payload: ['reason'] },
    RESYNC: {
      when: "the client's queue overflowed and events were dropped: fetch snapshot_url, then continue",
      payload: ['reason', 'dropped', 'snapshot_url'],
    },
  },
  client_messages: {
    ping: '"ping" (text) or {"type":"ping"} → HEARTBEAT {reason:"pong"}',
    subscribe: '{"subscribe": ["TICK", ...]} → only those types are sent (HEARTBEAT and RESYNC always)',
  },
} as const;
