/**
 * MarketReads: the read side of the live market that routes, metrics and the WebSocket stream
 * use — never the mutable Simulation itself. It always reads the installed market (a reset
 * swaps it underneath), remembers the last TICK event, and memoises serialised bodies per tick
 * (`cached`), since the market only changes once per tick.
 *
 * Removed agents (DELETE /strategies/{agent_id}) are left out of every read and of the event
 * stream: the engine keeps their slot (its accounts are one ledger; their history is in the run),
 * but for everyone else they are gone — unknown ids, not listed, not ranked, not in the crowding
 * population served.
 */
import type { CrowdingSnapshotWire, LearningPointWire } from '@crowdalpha/engine/wire';
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
  /** Whether the id is an agent removed from the roster (its row and history remain). */
  isRemoved(id: string): boolean;
  /** A tick's events as clients may see them (without removed agents). */
  visibleEvents(events: readonly MarketEvent[]): readonly MarketEvent[];
}

/** MarketReads over whatever market `current()` returns. */
export class LiveMarketReads implements MarketReads {
  private readonly memo = new Map<string, string>();
  private lastTick: MarketEvent | null = null;
  private readonly removed = new Set<string>();

  constructor(private readonly current: () => Simulation) {}

  /** The removed agents of the installed market (from their rows, on resume and reset). */
  setRemoved(ids: Iterable<string>): void {
    this.removed.clear();
    for (const id of ids) this.removed.add(id);
    this.memo.clear();
  }

  /** An agent was removed just now. */
  markRemoved(id: string): void {
    this.removed.add(id);
    this.memo.clear();
    if (this.lastTick) this.lastTick = { ...this.lastTick, payload: this.visibleTick(this.lastTick.payload as TickPayload) } as MarketEvent;
  }

  isRemoved(id: string): boolean {
    return this.removed.has(id);
  }

  /** The events without removed agents (AGENT_STATE_CHANGED rows, crowding rows); the same array when none are removed. */
  visibleEvents(events: readonly MarketEvent[]): readonly MarketEvent[] {
    if (this.removed.size === 0) return events;
    return events.map((e) => {
      if (e.type === 'AGENT_STATE_CHANGED') {
        const p = e.payload as { agents: Array<{ agent_id: string }> };
        return { ...e, payload: { ...p, agents: p.agents.filter((a) => !this.removed.has(a.agent_id)) } } as MarketEvent;
      }
      if (e.type === 'TICK') return { ...e, payload: this.visibleTick(e.payload as TickPayload) } as MarketEvent;
      if (e.type === 'CROWDING_MATRIX_UPDATED') return { ...e, payload: this.withoutRemoved(e.payload as unknown as CrowdingSnapshotWire) } as unknown as MarketEvent;
      return e;
    });
  }

  private visibleTick(t: TickPayload): TickPayload {
    return this.removed.size === 0 || !Array.isArray(t.agent_stats) ? t : { ...t, agent_stats: t.agent_stats.filter((a) => !this.removed.has(a.agent_id)) };
  }

  /** A crowding view (snapshot or event payload) without the removed agents' rows and columns. */
  private withoutRemoved<T extends Pick<CrowdingSnapshotWire, 'agent_ids' | 'matrix' | 'agent_crowding_intensity' | 'top_crowded_pairs'> & { activity_weights?: number[]; agent_multipliers?: Record<string, number> }>(c: T): T {
    if (this.removed.size === 0) return c;
    const keep = c.agent_ids.map((id, i) => (this.removed.has(id) ? -1 : i)).filter((i) => i >= 0);
    const dropKeys = <V>(o: Record<string, V> | undefined) => (o ? Object.fromEntries(Object.entries(o).filter(([k]) => !this.removed.has(k))) : o);
    const out: T = {
      ...c,
      agent_ids: keep.map((i) => c.agent_ids[i] as string),
      // The event's matrix is [] above its size limit: keep it so.
      matrix: c.matrix.length === 0 ? [] : keep.map((i) => keep.map((j) => (c.matrix[i] as number[])[j] as number)),
      agent_crowding_intensity: dropKeys(c.agent_crowding_intensity) as T['agent_crowding_intensity'],
      top_crowded_pairs: c.top_crowded_pairs.filter((p) => !this.removed.has(p.agent_a) && !this.removed.has(p.agent_b)),
    };
    if (c.activity_weights) out.activity_weights = keep.map((i) => c.activity_weights![i] as number);
    if (c.agent_multipliers) out.agent_multipliers = dropKeys(c.agent_multipliers) as Record<string, number>;
    return out;
  }

  /** A tick completed: forget the memo, keep its TICK event. Subscribed first, before any fan-out. */
  onTick(result: TickResult): void {
    this.memo.clear();
    const last = result.events[result.events.length - 1];
    const tick: MarketEvent = last && last.type === 'TICK' ? last : { schema_version: 1, type: 'TICK', timestamp: Date.now() * 1e6, payload: result.state };
    this.lastTick = this.removed.size === 0 ? tick : { ...tick, payload: this.visibleTick(tick.payload as TickPayload) } as MarketEvent;
  }

  /** The market changed between ticks (an agent joined or stopped): forget the memo. */
  invalidate(): void {
    this.memo.clear();
  }

  /** A new market was installed: nothing of the old one is served. */
  reset(): void {
    this.memo.clear();
    this.lastTick = null;
    this.removed.clear();
  }

  get tick(): number {
    return this.current().tick;
  }
  get config(): Readonly<SimulationConfig> {
    return this.current().config;
  }
  latestTick(): TickPayload | null {
    const t = this.current().latestTick();
    return t ? this.visibleTick(t) : t;
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
    return !this.removed.has(id) && this.current().hasAgent(id);
  }
  agentStats(id: string): AgentStatsWire | null {
    return this.removed.has(id) ? null : this.current().agentStats(id);
  }
  allAgentStats(): AgentStatsWire[] {
    const all = this.current().allAgentStats();
    return this.removed.size === 0 ? all : all.filter((a) => !this.removed.has(a.agent_id));
  }
  leaderboard(): AgentStatsWire[] {
    const all = this.current().leaderboard();
    return this.removed.size === 0 ? all : all.filter((a) => !this.removed.has(a.agent_id));
  }
  declaredFactors(id: string): number[] | null {
    if (this.removed.has(id)) return null;
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
    return this.removed.has(id) ? null : this.current().agentDiagnostics(id);
  }
  agentLearningCurve(id: string): LearningPointWire[] | null {
    return this.removed.has(id) ? null : (this.current().agentLearningCurve(id) as LearningPointWire[] | null);
  }
  agentDecay(id: string): ReturnType<Simulation['agentDecay']> {
    return this.removed.has(id) ? null : this.current().agentDecay(id);
  }
  crowding(): ReturnType<Simulation['crowdingSnapshot']> {
    const c = this.current().crowdingSnapshot();
    return c ? this.withoutRemoved(c) : c;
  }
  factorSpace(): ReturnType<Simulation['factorSpaceSnapshot']> {
    const f = this.current().factorSpaceSnapshot();
    if (!f || this.removed.size === 0) return f;
    return { ...f, agents: f.agents.filter((a) => !this.removed.has(a.agent_id)) };
  }
  decay(): ReturnType<Simulation['decaySnapshot']> {
    const d = this.current().decaySnapshot();
    if (!d || this.removed.size === 0) return d;
    return { ...d, agent_decay_params: d.agent_decay_params.filter((a) => !this.removed.has(a.agent_id)), agents: d.agents.filter((a) => !this.removed.has(a.agent_id)) };
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
