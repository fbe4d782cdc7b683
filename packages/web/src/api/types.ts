/**
 * Wire types of the live market and the REST API: the contract module `@crowdalpha/engine/wire`
 * (the only engine entry the dashboard imports), so a field renamed in the contract fails this
 * package's type check.
 */
import type { EventTypeName, WireEvent } from '@crowdalpha/engine/wire';

export type {
  AgentDiagnosticsWire,
  ApiKeyCreatedResponse,
  ApiKeyRevokedResponse,
  ApiKeySummaryWire,
  ApiKeysResponse,
  MeResponse,
  OwnedAgentWire,
  OwnedResponse,
  OwnedStrategyWire,
  AgentStateChangedPayload,
  AgentStateWire,
  AgentStatsResponse,
  AgentStatsWire,
  AnalyticsSnapshotWire,
  ControlResponse,
  BookLevelWire,
  BookResponse,
  CrowdedPairWire,
  CrowdingMatrixPayload,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  DeployResponse,
  FactorSpaceWire,
  FillWire,
  FragilitySnapshotWire,
  HeartbeatPayload,
  LeaderboardResponse,
  MetricsWire,
  OrderBookWire,
  OrderFilledPayload,
  OrderSubmittedPayload,
  PayloadByType,
  PriceUpdatedPayload,
  RegimeChangedPayload,
  RegimeSnapshotWire,
  ResyncPayload,
  SimulationDetailResponse,
  SimulationsResponse,
  StatusResponse,
  StopResponse,
  StrategiesResponse,
  StrategyTypeInfoWire,
  SubmissionWire,
  SubmissionsResponse,
  TickEventWire,
  TickPayload,
  TradesResponse,
  UserStrategyResponse,
} from '@crowdalpha/engine/wire';
export { EVENT_TYPES, FACTOR_NAMES, REGIMES, LFI_ALERTS } from '@crowdalpha/engine/wire';

/** The per-agent free-form figures of AgentStatsWire. */
export type AgentExtra = Record<string, number | string | boolean | null>;

export type EventType = EventTypeName;
export type MarketEvent<T extends EventType = EventType> = WireEvent<T>;
export type AnyMarketEvent = { [K in EventType]: WireEvent<K> }[EventType];
