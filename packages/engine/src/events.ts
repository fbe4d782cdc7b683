/**
 * The event contract of docs/MODEL.md §7 (schema_version 1): one envelope, one payload type per event.
 * The simulation emits them per tick in the order of `TICK_EVENT_ORDER`; the server forwards them
 * unchanged on `/ws/market` and describes them at `GET /ws/schema` from `EVENT_SCHEMA`.
 */
import type { AgentDiagnostics } from './analytics/diagnostics.js';
import type { AgentStats, DepthSnapshot, Fill, Order } from './types.js';
import type { AgentStatsWire, BookLevelWire, FillWire, OrderBookWire, OrderSubmittedPayload, PayloadByType } from './wire/index.js';
import { describeEvents } from './wire/ws-schema.js';

export const SCHEMA_VERSION = 1;

/** Event type names as constants (the list itself is the wire's EVENT_TYPES). */
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

export type {
  AgentDiagnosticsWire,
  AgentStateChangedPayload,
  AgentStateWire,
  AgentStatsWire,
  CrowdedPairWire,
  CrowdingMatrixPayload,
  FillWire,
  HeartbeatPayload,
  OrderFilledPayload,
  OrderSubmittedPayload,
  PayloadByType,
  PriceUpdatedPayload,
  RegimeChangedPayload,
  ResyncPayload,
  TickPayload,
} from './wire/index.js';

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

export function fillToWire(f: Fill): FillWire {
  return {
    tick: f.tick,
    buy_order_id: f.buyOrderId,
    sell_order_id: f.sellOrderId,
    buy_agent_id: f.buyAgentId,
    sell_agent_id: f.sellAgentId,
    buy_agent: f.buyAgentId,
    sell_agent: f.sellAgentId,
    price: f.price,
    qty: f.qty,
    aggressor: f.aggressor,
    timestamp: f.timestamp ?? 0,
  };
}

/** Book depth on the wire: levels as `[price, qty, orders]`, snake_case touch fields. */
export function depthToWire(d: DepthSnapshot): OrderBookWire {
  const level = (l: { price: number; qty: number; orders: number }): BookLevelWire => [l.price, l.qty, l.orders];
  return { bids: d.bids.map(level), asks: d.asks.map(level), best_bid: d.bestBid, best_ask: d.bestAsk, mid_price: d.mid, spread: d.spread };
}

/** Risk figures of an agent, where the original API put them (null while analytics are off). */
export type AgentRiskFigures = Pick<
  AgentStatsWire,
  'sortino' | 'max_drawdown' | 'turnover' | 'spread_cost' | 'market_impact_cost' | 'kurtosis' | 'vol_autocorr' | 'hit_rate' | 'avg_fill_size'
>;

const NO_RISK: AgentRiskFigures = {
  sortino: null,
  max_drawdown: null,
  turnover: null,
  spread_cost: null,
  market_impact_cost: null,
  kurtosis: null,
  vol_autocorr: null,
  hit_rate: null,
  avg_fill_size: null,
};

/** The risk figures of full diagnostics, under the original API's names. */
export function riskFigures(d: AgentDiagnostics | null): AgentRiskFigures {
  if (!d) return NO_RISK;
  return {
    sortino: d.sortino,
    max_drawdown: d.max_drawdown,
    turnover: d.turnover,
    spread_cost: d.spread_cost,
    market_impact_cost: d.impact_cost,
    kurtosis: d.excess_kurtosis,
    vol_autocorr: d.abs_change_autocorr,
    hit_rate: d.hit_rate,
    avg_fill_size: d.avg_fill_size,
  };
}

export function agentStatsToWire(s: AgentStats, diagnostics: AgentDiagnostics | null = null): AgentStatsWire {
  return {
    agent_id: s.agentId,
    strategy_type: s.strategy,
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
    spread_earned: s.spreadEarned,
    spread_paid: s.spreadPaid,
    direction_pnl: s.directionPnl,
    phi: s.phi,
    sharpe: s.sharpe,
    sharpe_full: s.sharpeFull,
    ...riskFigures(diagnostics),
    extra: s.extra,
  };
}

/** Human-readable description of the contract, served at GET /ws/schema (without the stream limits). */
export const EVENT_SCHEMA = describeEvents({});
