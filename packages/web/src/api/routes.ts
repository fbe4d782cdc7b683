/**
 * The REST reads the dashboard makes, each with its body type from the wire contract. Polls and
 * fetches go through these, so what a page reads is checked against the contract at compile time
 * (a renamed field fails `tsc -p packages/web`), and no page guesses field names.
 */
import type {
  AgentStatsResponse,
  CrowdingSnapshotWire,
  DecaySnapshotWire,
  FactorSpaceWire,
  FragilitySnapshotWire,
  LeaderboardResponse,
  RegimeSnapshotWire,
  SimulationDetailResponse,
  SimulationsResponse,
  StatusResponse,
  StrategiesResponse,
  SubmissionsResponse,
  TickEventWire,
  TradesResponse,
} from './types.js';
import type { WsSchemaResponse } from '@crowdalpha/engine/wire';

export interface WireRoutes {
  '/market/snapshot': TickEventWire;
  '/market/trades': TradesResponse;
  '/analytics/crowding': CrowdingSnapshotWire;
  '/analytics/factor-space': FactorSpaceWire;
  '/analytics/decay': DecaySnapshotWire;
  '/analytics/regime': RegimeSnapshotWire;
  '/analytics/fragility': FragilitySnapshotWire;
  '/strategies': StrategiesResponse;
  '/strategies/leaderboard': LeaderboardResponse;
  '/strategies/submissions': SubmissionsResponse;
  '/simulations': SimulationsResponse;
  '/status': StatusResponse;
  '/ws/schema': WsSchemaResponse;
}

/** Paths with an id in them, by the route they match. */
export const agentStatsPath = (agentId: string): string => `/strategies/${encodeURIComponent(agentId)}/stats`;
export const simulationPath = (id: string): string => `/simulations/${encodeURIComponent(id)}`;
export type AgentStatsBody = AgentStatsResponse;
export type SimulationBody = SimulationDetailResponse;

/** The body of a route, typed (the server serialises every response through the same schema). */
export const asWire =
  <K extends keyof WireRoutes>(_route: K) =>
  (raw: unknown): WireRoutes[K] =>
    raw as WireRoutes[K];
