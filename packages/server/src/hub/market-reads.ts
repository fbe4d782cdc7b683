/**
 * MarketReads: the read side of the live market that routes, metrics and the WebSocket stream
 * use — never the mutable Simulation itself. It always reads the installed market (a reset
 * swaps it underneath), remembers the last TICK event, and memoises serialised bodies per tick
 * (`cached`), since the market only changes once per tick.
 */
import type { LearningPointWire } from '@crowdalpha/engine/wire';
import type { AgentStatsWire, DepthSnapshot, MarketEvent, OrderFilledPayload, Simulation, SimulationConfig, TickPayload, TickResult } from '@crowdalpha/engine';

export interface MarketReads {
  readonly tick: number;
  readonly config: Readonly<SimulationConfig>;
  latestTick(): TickPayload | null;
  /** The last TICK event as broadcast (served by /market/snapshot), or null before the first tick. */
  lastTickEvent(): MarketEvent | null;
  depth(levels?: number): DepthSnapshot;
  trades(opts: { limit?: number; sinceTick?: number }): OrderFilledPayload[];
  metrics(): ReturnType<Simulation['metrics']>;
  hasAgent(id: string): boolean;
  agentStats(id: string): AgentStatsWire | null;
  allAgentStats(): AgentStatsWire[];
  leaderboard(): AgentStatsWire[];
  agentDiagnostics(id: string): ReturnType<Simulation['agentDiagnostics']>;
  /** The factor vector the agent declares about itself (`factorVector()`), or null for an unknown id. */
  declaredFactors(id: string): number[] | null;
  /** A learning agent's updates (only RlPpoAgent has a curve; its points are the engine's UpdateStats). */
  agentLearningCurve(id: string): LearningPointWire[] | null;
  agentDecay(id: string): ReturnType<Simulation['agentDecay']>;
  crowding(): ReturnType<Simulation['crowdingSnapshot']>;
  factorSpace(): ReturnType<Simulation['factorSpaceSnapshot']>;
  decay(): ReturnType<Simulation['decaySnapshot']>;
  regime(): ReturnType<Simulation['regimeSnapshot']>;
  fragility(): ReturnType<Simulation['fragilitySnapshot']>;
  /** A per-tick memo for serialised reads (book, snapshot): cleared after every tick and change. */
  cached(key: string, build: () => string): string;
}

/** MarketReads over whatever market `current()` returns. */
export class LiveMarketReads implements MarketReads {
  private readonly memo = new Map<string, string>();
  private lastTick: MarketEvent | null = null;

  constructor(private readonly current: () => Simulation) {}

  /** A tick completed: forget the memo, keep its TICK event. Subscribed first, before any fan-out. */
  onTick(result: TickResult): void {
    this.memo.clear();
    const last = result.events[result.events.length - 1];
    this.lastTick = last && last.type === 'TICK' ? last : { schema_version: 1, type: 'TICK', timestamp: Date.now() * 1e6, payload: result.state };
  }

  /** The market changed between ticks (an agent joined or stopped): forget the memo. */
  invalidate(): void {
    this.memo.clear();
  }

  /** A new market was installed: nothing of the old one is served. */
  reset(): void {
    this.memo.clear();
    this.lastTick = null;
  }

  get tick(): number {
    return this.current().tick;
  }
  get config(): Readonly<SimulationConfig> {
    return this.current().config;
  }
  latestTick(): TickPayload | null {
    return this.current().latestTick();
  }
  lastTickEvent(): MarketEvent | null {
    return this.lastTick;
  }
  depth(levels?: number): DepthSnapshot {
    return this.current().depth(levels);
  }
  trades(opts: { limit?: number; sinceTick?: number }): OrderFilledPayload[] {
    return this.current().trades(opts);
  }
  metrics(): ReturnType<Simulation['metrics']> {
    return this.current().metrics();
  }
  hasAgent(id: string): boolean {
    return this.current().hasAgent(id);
  }
  agentStats(id: string): AgentStatsWire | null {
    return this.current().agentStats(id);
  }
  allAgentStats(): AgentStatsWire[] {
    return this.current().allAgentStats();
  }
  leaderboard(): AgentStatsWire[] {
    return this.current().leaderboard();
  }
  declaredFactors(id: string): number[] | null {
    const agent = this.current().getAgent(id);
    if (!agent) return null;
    try {
      const v = agent.factorVector();
      return Array.isArray(v) ? v.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : 0)) : null;
    } catch {
      return null;
    }
  }
  agentDiagnostics(id: string): ReturnType<Simulation['agentDiagnostics']> {
    return this.current().agentDiagnostics(id);
  }
  agentLearningCurve(id: string): LearningPointWire[] | null {
    return this.current().agentLearningCurve(id) as LearningPointWire[] | null;
  }
  agentDecay(id: string): ReturnType<Simulation['agentDecay']> {
    return this.current().agentDecay(id);
  }
  crowding(): ReturnType<Simulation['crowdingSnapshot']> {
    return this.current().crowdingSnapshot();
  }
  factorSpace(): ReturnType<Simulation['factorSpaceSnapshot']> {
    return this.current().factorSpaceSnapshot();
  }
  decay(): ReturnType<Simulation['decaySnapshot']> {
    return this.current().decaySnapshot();
  }
  regime(): ReturnType<Simulation['regimeSnapshot']> {
    return this.current().regimeSnapshot();
  }
  fragility(): ReturnType<Simulation['fragilitySnapshot']> {
    return this.current().fragilitySnapshot();
  }
  cached(key: string, build: () => string): string {
    let v = this.memo.get(key);
    if (v === undefined) {
      v = build();
      this.memo.set(key, v);
    }
    return v;
  }
}
