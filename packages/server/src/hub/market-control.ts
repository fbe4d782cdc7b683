/**
 * MarketControl: the narrow interface routes and metrics have on the live market — its reads
 * (`market`), the commands an operator may give (start, pause, speed, reset, step) and its status.
 * Deploying and stopping agents go through the AgentDeployer. Nothing here hands out the mutable
 * Simulation.
 */
import type { DeepPartial, SimulationConfig } from '@crowdalpha/engine';
import type { MarketReads } from './market-reads.js';
import type { RemoteAgents } from '../agent-protocol/remote-agents.js';

export interface HubStatus {
  simulation_id: string;
  running: boolean;
  tick: number;
  tick_delay_ms: number;
  seed: number;
  agents: number;
  sandboxed_agents: number;
  last_tick_ms: number;
  ticks_per_second: number;
  last_checkpoint_tick: number | null;
  resumed_from_tick: number | null;
}

export interface SandboxTotals {
  agents: number;
  silenced: number;
  silencedEvents: number;
  calls: number;
  timeouts: number;
  errors: number;
  restarts: number;
}

export interface MarketControl {
  /** Reads of the installed market. */
  readonly market: MarketReads;
  /** Outside learners acting in the live market (WS /ws/agent join). */
  readonly remote: RemoteAgents;
  readonly simulationId: string;
  readonly currentSeed: number;
  readonly isRunning: boolean;
  readonly tickDelayMs: number;
  readonly sandboxAvailable: boolean;
  readonly sandboxUnavailableReason: string | null;
  /** Compute time of the last tick, ms. */
  readonly lastTickDurationMs: number;
  start(): void;
  pause(): void;
  setSpeed(tickDelayMs: number): void;
  /** Resolves when no tick is in progress. */
  betweenTicks(): Promise<void>;
  reset(seed: number | undefined, config: DeepPartial<SimulationConfig> | undefined): Promise<void>;
  stepTicks(n: number): Promise<void>;
  status(): HubStatus;
  sandboxTotals(): SandboxTotals;
}
