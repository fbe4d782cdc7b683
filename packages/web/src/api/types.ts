/**
 * Wire types of the live market: the engine's own definitions (packages/engine/src/events.ts,
 * SPEC §7, schema_version 1), imported as types only so the browser bundle pulls no engine code.
 */
import type { EventType as EngineEventType, MarketEvent } from '@crowdalpha/engine';

export type {
  AgentStatePayload,
  AgentStatsWire,
  BookLevel,
  CrowdedPair,
  CrowdingPayload,
  DepthSnapshot,
  HeartbeatPayload,
  MarketEvent,
  OrderFilledPayload,
  OrderSubmittedPayload,
  OrderType,
  PayloadByType,
  PriceUpdatedPayload,
  RegimePayload,
  ResyncPayload,
  Side,
  TickPayload,
} from '@crowdalpha/engine';

/** The per-agent free-form figures of AgentStatsWire. */
export type AgentExtra = Record<string, number | string | boolean | null>;

/** Event type names at run time (the engine's `EventType` object would pull engine code in). */
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
] as const satisfies readonly EngineEventType[];
export type EventType = EngineEventType;

export type AnyMarketEvent = { [K in EventType]: MarketEvent<K> }[EventType];
