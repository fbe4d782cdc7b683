/**
 * MarketHub owns the live market's lifecycle and clock: it resumes or creates the market, ticks it
 * on a setTimeout chain at a fixed period (`tickDelayMs`, start to start, never overlapping) through
 * the sandbox package's TickDriver, and fans every tick out to its subscribers: the reads (first),
 * the WebSocket hub and metrics, then the TickRecorder (store rows, checkpoints). Agents are added
 * and stopped by the AgentDeployer through the `LiveMarket` handle; resets and stops are queued so
 * that mutations spanning awaits run one at a time, between ticks.
 */
import { Simulation, isBuiltinStrategy } from '@crowdalpha/engine';
import type { BaseAgent, DeepPartial, SimulationCheckpoint, SimulationConfig, TickResult } from '@crowdalpha/engine';
import { CompositeTickSandbox, RemoteAgents } from '../agent-protocol/remote-agents.js';
import { TickDriver } from '@crowdalpha/sandbox';
import type { Logger } from 'pino';
import { simulationId as newSimulationId } from '../ids.js';
import type { AgentRow, SimulationRow, Store } from '../store/store.js';
import type { StoreWriter } from '../store/store-writer.js';
import { AgentDeployer, type LiveMarket } from './agent-deployer.js';
import type { HubStatus, MarketControl, SandboxTotals } from './market-control.js';
import { LiveMarketReads, type MarketReads } from './market-reads.js';
import type { SandboxLoad } from './sandbox-host.js';
import { TickRecorder } from './tick-recorder.js';

export type { HubStatus } from './market-control.js';

export interface MarketHubOptions {
  tickDelayMs: number;
  seed: number;
  marketConfig: DeepPartial<SimulationConfig>;
  checkpointEvery: number;
  snapshotEvery: number;
  sandboxDeadlineMs: number;
  /** Largest market order a tick when a stop flattens a position. */
  stopFlattenQty: number;
}

export type TickListener = (result: TickResult, simulationId: string) => void;

/** ns wall clock for event timestamps on the live server. */
const wallClockNs = (): number => Date.now() * 1e6;

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class MarketHub implements MarketControl, LiveMarket {
  private simulation_!: Simulation;
  private simId = '';
  private seed = 0;
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private nextStartAt = 0;
  private readonly listeners: TickListener[] = [];
  private lastTickMs = 0;
  /** Agents the sandbox silenced since this server started (a metrics counter). */
  private sandboxSilenced = 0;
  private tickTimes: number[] = [];
  private resumedFromTick: number | null = null;
  /** Bumps on every reset, so a tick that straddles one is discarded. */
  private generation = 0;
  /** Tail of the reset/stop queue: mutations that span awaits run one at a time. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  private readonly driver: TickDriver;
  private readonly reads: LiveMarketReads;
  private readonly recorder: TickRecorder;
  /** Adds and stops agents (deploy routes, submissions). */
  readonly deployer: AgentDeployer;
  /** Outside learners acting in this market over WS /ws/agent. */
  readonly remote = new RemoteAgents();
  tickDelayMs: number;

  constructor(
    private readonly store: Store,
    private readonly writer: StoreWriter,
    private readonly sandbox: SandboxLoad,
    private readonly opts: MarketHubOptions,
    private readonly log: Logger,
  ) {
    this.tickDelayMs = opts.tickDelayMs;
    this.driver = new TickDriver(new CompositeTickSandbox(sandbox.available ? sandbox.pool : null, this.remote), {
      collectDeadlineMs: opts.sandboxDeadlineMs,
      onSilenced: (agentId, reason) => {
        this.sandboxSilenced++;
        this.log.warn({ agentId, reason }, 'sandboxed agent silenced');
      },
    });
    this.reads = new LiveMarketReads(() => this.simulation_);
    this.recorder = new TickRecorder(this, store, writer, { snapshotEvery: opts.snapshotEvery, checkpointEvery: opts.checkpointEvery }, log);
    this.deployer = new AgentDeployer(this, store, sandbox, log);
  }

  /** Reads of the installed market (what routes use). */
  get market(): MarketReads {
    return this.reads;
  }

  /**
   * The installed engine, mutable. For the hub's collaborators (deployer, recorder) and tests that
   * inspect the engine directly; routes use `market`.
   */
  get simulation(): Simulation {
    return this.simulation_;
  }

  /** @deprecated alias of `simulation`, kept for tests. */
  get sim(): Simulation {
    return this.simulation_;
  }

  get simulationId(): string {
    return this.simId;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get sandboxAvailable(): boolean {
    return this.sandbox.available;
  }

  get sandboxUnavailableReason(): string | null {
    return this.sandbox.available ? null : this.sandbox.reason;
  }

  get currentSeed(): number {
    return this.seed;
  }

  /** Subscribes to every completed tick (after the reads have seen it, before the recorder). */
  onTick(listener: TickListener): void {
    this.listeners.push(listener);
  }

  // ---- LiveMarket (the deployer's handle) -------------------------------------------------------

  join(agent: BaseAgent): void {
    this.driver.addAgent(agent);
    this.reads.invalidate();
  }

  /** Leaves a (stopped) agent out of every read and of the stream from now on. */
  hide(agentId: string): void {
    this.reads.markRemoved(agentId);
  }

  withdraw(agentId: string, reason: string, position: 'flatten' | 'freeze' = 'freeze'): void {
    this.applyStop(this.simulation_, agentId, reason, position);
    this.driver.stopSandboxed(agentId, reason);
    this.reads.invalidate();
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /** Resumes the newest running simulation from its latest checkpoint, or starts a fresh one. */
  async init(): Promise<{ resumed: boolean; fromTick: number }> {
    const row = await this.store.latestRunningSimulation();
    if (!row) {
      await this.createFresh(this.opts.seed, this.opts.marketConfig, []);
      return { resumed: false, fromTick: 0 };
    }
    await this.resume(row);
    return { resumed: true, fromTick: this.simulation_.tick };
  }

  private async resume(row: SimulationRow): Promise<void> {
    const agents = await this.store.listAgents(row.id);
    const cpRow = await this.store.latestCheckpoint(row.id);
    const userAgents = new Map<string, BaseAgent>();
    await this.deployer.prefetchModels(agents);
    for (const a of agents) {
      // A stopped strategy gets no sandbox again: a silent placeholder keeps its slot and history.
      if (a.kind !== 'user' || a.stopped_at || a.removed_at) continue;
      const agent = await this.deployer.userAgentFromRow(a);
      if (agent) userAgents.set(a.agent_id, agent);
    }
    let sim: Simulation;
    let fromTick = 0;
    let checkpointTick: number | null = null;
    if (cpRow) {
      const cp = JSON.parse(cpRow.state) as SimulationCheckpoint;
      sim = Simulation.restore(cp, {
        clock: wallClockNs,
        agentFactory: (spec) => userAgents.get(spec.id) ?? (isBuiltinStrategy(spec.strategy) ? null : this.deployer.placeholderFor(spec.id, spec.strategy)),
      });
      fromTick = cp.tick;
      checkpointTick = cp.tick;
    } else {
      sim = new Simulation(JSON.parse(row.config) as DeepPartial<SimulationConfig>, { clock: wallClockNs });
    }
    // Rows newer than the checkpoint describe ticks the resumed engine will run again.
    await this.store.truncateAfter(row.id, fromTick);
    // Agents deployed after the checkpoint was written join now, with fresh accounts.
    for (const a of agents) {
      // A removed agent deployed after the checkpoint stays out; one the checkpoint holds stays hidden (below).
      if (sim.hasAgent(a.agent_id) || a.kind === 'builtin' || a.removed_at) continue;
      const agent =
        a.kind === 'user'
          ? (userAgents.get(a.agent_id) ?? (a.stopped_at ? this.deployer.placeholderFor(a.agent_id, a.strategy) : null))
          : this.deployer.builtinFromRow(a, sim);
      if (agent) sim.addAgent(agent);
    }
    this.install(sim, row.id, row.seed);
    this.reads.setRemoved(agents.filter((a) => a.removed_at).map((a) => a.agent_id));
    this.recorder.lastCheckpointTick = checkpointTick;
    // A stop is on the agent's row, so it holds even when the checkpoint predates it.
    for (const a of agents) if (a.stopped_at) this.applyStop(sim, a.agent_id, a.stop_reason ?? 'stopped', a.stop_position ?? 'freeze');
    for (const a of agents) {
      if (a.kind === 'user' && !a.stopped_at && !userAgents.has(a.agent_id) && sim.hasAgent(a.agent_id)) {
        sim.setAgentStatus(a.agent_id, 'silenced', `sandbox unavailable after restart: ${this.sandboxUnavailableReason ?? 'deploy failed'}`);
      }
    }
    this.resumedFromTick = fromTick;
    this.log.info({ simulationId: row.id, tick: fromTick, agents: sim.agentIds().length }, cpRow ? 'resumed market from checkpoint' : 'resumed market from its start (no checkpoint yet)');
  }

  private async createFresh(seed: number, overrides: DeepPartial<SimulationConfig>, carry: AgentRow[]): Promise<void> {
    const config = { ...overrides, seed } as DeepPartial<SimulationConfig>;
    // A ConfigError propagates: the error handler maps it (CA_ERR_MARKET_CONFIG).
    const sim = new Simulation(config, { clock: wallClockNs });
    const id = newSimulationId();
    await this.store.createSimulation({ id, seed, config: JSON.stringify(config) });
    const now = new Date().toISOString();
    const rows: AgentRow[] = sim.agentIds().map((agentId) => ({
      simulation_id: id,
      agent_id: agentId,
      strategy: sim.getAgent(agentId)?.strategy ?? 'unknown',
      kind: 'builtin',
      owner: null,
      config: JSON.stringify({ params: sim.getAgent(agentId)?.params ?? {} }),
      status: 'active',
      status_reason: null,
      final_stats: null,
      created_at: now,
      created_tick: 0,
    }));
    for (const old of carry) {
      // A removed agent is not carried into the next run (its row stays with the old one).
      if (sim.hasAgent(old.agent_id) || old.removed_at) continue;
      // A sandboxed agent keeps its sandbox (ids cannot be deployed twice) and joins with a fresh account.
      const inPool = this.deployer.sandboxedAgent(old.agent_id);
      const agent =
        old.kind === 'user'
          ? (inPool ?? (old.stopped_at ? this.deployer.placeholderFor(old.agent_id, old.strategy) : await this.deployer.userAgentFromRow(old)))
          : this.deployer.builtinFromRow(old, sim);
      if (!agent) continue;
      sim.addAgent(agent);
      // A stopped agent stays stopped; the sandbox does not revive a silenced strategy: say so in the new run too.
      const silenced = old.stopped_at ? (old.stop_reason ?? 'stopped') : ((agent as { silencedReason?: string | null }).silencedReason ?? null);
      if (old.stopped_at) this.applyStop(sim, agent.id, silenced as string);
      else if (silenced) sim.setAgentStatus(agent.id, 'silenced', silenced);
      rows.push({ ...old, simulation_id: id, status: silenced ? 'silenced' : 'active', status_reason: silenced, final_stats: null, created_at: now, created_tick: 0 });
    }
    await this.store.insertAgents(rows);
    this.install(sim, id, seed);
    this.recorder.lastCheckpointTick = null;
    this.resumedFromTick = null;
    this.log.info({ simulationId: id, seed, agents: sim.agentIds().length }, 'started a fresh market');
  }

  private install(sim: Simulation, id: string, seed: number): void {
    this.simulation_ = sim;
    this.simId = id;
    this.seed = seed;
    this.generation++;
    this.driver.attach(sim);
    this.reads.reset();
    this.tickTimes = [];
  }

  /** Starts (or resumes) ticking. */
  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.nextStartAt = performance.now();
    this.schedule(0);
  }

  pause(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  setSpeed(tickDelayMs: number): void {
    this.tickDelayMs = tickDelayMs;
    if (this.running && this.timer) {
      clearTimeout(this.timer);
      this.nextStartAt = performance.now() + tickDelayMs;
      this.schedule(tickDelayMs);
    }
  }

  /** Waits until no tick is in progress (mutations happen between ticks). */
  async betweenTicks(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /**
   * New market with `seed`/`config`; deployed and user agents are carried over with fresh
   * accounts, registered strategies and submissions are untouched. The old run is kept as history.
   */
  async reset(seed: number | undefined, config: DeepPartial<SimulationConfig> | undefined): Promise<void> {
    return this.exclusive(() => this.resetNow(seed, config));
  }

  /** Runs `fn` after every earlier reset/stop has finished (each spans awaits on the store). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(fn, fn);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  private async resetNow(seed: number | undefined, config: DeepPartial<SimulationConfig> | undefined): Promise<void> {
    const wasRunning = this.running;
    const nextSeed = seed ?? this.seed;
    const nextConfig = config ?? this.opts.marketConfig;
    // Validate before touching the running market (a ConfigError propagates as CA_ERR_MARKET_CONFIG).
    new Simulation({ ...nextConfig, seed: nextSeed } as DeepPartial<SimulationConfig>, { clock: wallClockNs });
    this.pause();
    try {
      await this.betweenTicks();
      const old = this.simulation_;
      const oldId = this.simId;
      await this.recorder.closeRun();
      const carry = (await this.store.listAgents(oldId)).filter((a) => a.kind !== 'builtin');
      await this.createFresh(nextSeed, nextConfig, carry);
      await this.store.endSimulation(oldId, old.tick, old.latestTick()?.mid_price ?? null);
    } finally {
      // Whatever failed, the market that is installed keeps running as before.
      if (wasRunning) this.start();
    }
  }

  /** Stops ticking, writes a final checkpoint and flushes. The run stays resumable. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause();
    await this.betweenTicks();
    if (!this.simulation_) return;
    await this.recorder.finish();
  }

  // ---- ticking --------------------------------------------------------------------------------

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.running) return;
      const run = this.tickOnce().then(
        () => undefined,
        (e: unknown) => this.log.error({ err: errMessage(e), stack: (e as Error)?.stack }, 'tick failed'),
      );
      this.inFlight = run;
      void run.finally(() => {
        if (this.inFlight === run) this.inFlight = null;
        if (!this.running || this.timer) return;
        // Fixed period, start to start; a slow tick delays the next one instead of bunching up.
        this.nextStartAt = Math.max(this.nextStartAt + this.tickDelayMs, performance.now());
        this.schedule(Math.max(0, this.nextStartAt - performance.now()));
      });
    }, delay);
  }

  /** Runs `n` ticks now, one after another, never overlapping a scheduled or concurrent tick. */
  async stepTicks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await this.betweenTicks();
      const run = this.tickOnce().then(() => undefined);
      this.inFlight = run;
      try {
        await run;
      } finally {
        if (this.inFlight === run) this.inFlight = null;
      }
    }
  }

  /** Runs exactly one tick now; callers make sure no other tick is in flight. */
  private async tickOnce(): Promise<TickResult | null> {
    const started = performance.now();
    const generation = this.generation;
    const result = await this.driver.tick();
    if (generation !== this.generation) return null;
    this.lastTickMs = performance.now() - started;
    this.afterTick(result);
    return result;
  }

  private afterTick(result: TickResult): void {
    this.reads.onTick(result);
    const now = performance.now();
    this.tickTimes.push(now);
    if (this.tickTimes.length > 50) this.tickTimes.shift();
    for (const l of this.listeners) {
      try {
        l(result, this.simId);
      } catch (e) {
        this.log.error({ err: errMessage(e) }, 'tick listener failed');
      }
    }
    this.recorder.record(result, this.simId);
  }

  /** Silences an agent that is still active (the sandbox may have silenced it meanwhile: that reason stands). */
  private applyStop(sim: Simulation, agentId: string, reason: string, position: string | null = 'freeze'): void {
    if (sim.agentStats(agentId)?.status !== 'active') return;
    sim.stopAgent(agentId, reason, position === 'flatten' ? { flattenQtyPerTick: this.opts.stopFlattenQty } : {});
  }

  // ---- status ---------------------------------------------------------------------------------

  status(): HubStatus {
    const t = this.tickTimes;
    const span = t.length > 1 ? ((t[t.length - 1] as number) - (t[0] as number)) / 1000 : 0;
    return {
      simulation_id: this.simId,
      running: this.running,
      tick: this.simulation_.tick,
      tick_delay_ms: this.tickDelayMs,
      seed: this.seed,
      agents: this.simulation_.agentIds().length,
      sandboxed_agents: this.driver.sandboxedIds.size,
      last_tick_ms: Math.round(this.lastTickMs * 1000) / 1000,
      ticks_per_second: span > 0 ? Math.round(((t.length - 1) / span) * 100) / 100 : 0,
      last_checkpoint_tick: this.recorder.lastCheckpointTick,
      resumed_from_tick: this.resumedFromTick,
    };
  }

  /** Compute time of the last tick, ms (what the metrics' tick histogram observes). */
  get lastTickDurationMs(): number {
    return this.lastTickMs;
  }

  /**
   * Sandbox counters summed over the live market's sandboxed agents, read on a metrics scrape
   * (the sandbox keeps them per agent; nothing is counted on the tick path for this).
   */
  sandboxTotals(): SandboxTotals {
    const t = { agents: 0, silenced: 0, silencedEvents: this.sandboxSilenced, calls: 0, timeouts: 0, errors: 0, restarts: 0 };
    if (!this.sandbox.available) return t;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    for (const id of this.driver.sandboxedIds) {
      if (!this.sandbox.pool.has(id)) continue;
      const s = this.sandbox.pool.stats(id);
      t.agents++;
      if (s.sandbox_status === 'silenced') t.silenced++;
      t.calls += num(s.calls);
      t.timeouts += num(s.timeouts);
      t.errors += num(s.errors);
      t.restarts += num(s.restarts);
    }
    return t;
  }
}
