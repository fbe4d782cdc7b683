/**
 * Enumerations that cross the wire. Defined here (and checked against the engine's own lists by
 * test/wire/constants.test.ts) so that clients importing `@crowdalpha/engine/wire` get them
 * without the engine's internals.
 */

/** Order of the six behavioural factors in factor vectors and `factor_names`. */
export const FACTOR_NAMES = ['turnover_rate', 'avg_holding_period', 'directional_bias', 'volatility_exposure', 'inventory_skew', 'order_aggressiveness'] as const;
export type FactorName = (typeof FACTOR_NAMES)[number];

/** Market regimes, calmest first. */
export const REGIMES = ['CALM', 'TRENDING', 'UNSTABLE', 'CRASH_PRONE'] as const;
export type RegimeName = (typeof REGIMES)[number];

/** Liquidity-fragility alert levels, lowest first. */
export const LFI_ALERTS = ['NORMAL', 'WARNING', 'DANGER', 'CRITICAL'] as const;
export type LfiAlertName = (typeof LFI_ALERTS)[number];

/** Event types of /ws/market, in the order one tick emits them, then the stream's own. */
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
export type EventTypeName = (typeof EVENT_TYPES)[number];

export const SIDES = ['BID', 'ASK'] as const;
export const ORDER_TYPES = ['LIMIT', 'MARKET', 'CANCEL'] as const;
export const AGENT_STATUSES = ['active', 'silenced'] as const;

/** Schema version of every event envelope. */
export const WIRE_SCHEMA_VERSION = 1;
