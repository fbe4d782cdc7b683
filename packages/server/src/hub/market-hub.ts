/**
 * MarketHub owns the live Simulation and its tick timer. Ticks run on a setTimeout chain at a
 * fixed period (`tickDelayMs`, start to start) and never overlap; sandboxed agents are collected
 * with their own deadline. After each tick the hub fans out to its listeners (the WebSocket hub),
 * queues rows for the store writer, and every `checkpointEvery` ticks serialises the engine so a
 * restarted server resumes where it stopped. All mutations (deploy, reset) happen between ticks.
 */
import { AgentConfigError, BaseAgent, BUILTIN_STRATEGIES, ConfigError, Simulation, createBuiltinAgent } from '@crowdalpha/engine';
import type { AgentStatsWire, DeepPartial, MarketEvent, OrderIntent, SimulationCheckpoint, SimulationConfig, TickResult } from '@crowdalpha/engine';
import type { Logger } from 'pino';
import { ApiError, apiError } from '../errors.js';
import { newManageKey } from '../http/auth.js';
import { simulationId as newSimulationId, userAgentId } from '../ids.js';
import type { AgentRow, SimulationRow, Store } from '../store/store.js';
import type { StoreWriter } from '../store/store-writer.js';
import type { SandboxLoad, SandboxPoolLike } from './sandbox-host.js';
import { isStrategyValidationError } from './sandbox-host.js';

export interface MarketHubOptions {
  tickDelayMs: number;
  seed: number;
  marketConfig: DeepPartial<SimulationConfig>;
  checkpointEvery: number;
  snapshotEvery: number;
  sandboxDeadlineMs: number;
}

export type AgentKind = 'builtin' | 'deployed' | 'user';

export interface AgentConfigRecord {
  /** Built-in parameters (deployed) or the sandbox config (user). */
  params: Record<string, unknown>;
  /** Sandbox per-call timeout, user strategies only. */
  timeout_ms?: number;
  /** The registered strategy a user agent runs. */
  strategy_name?: string;
}

/** Who stopped an agent: the operator token, the agent's manage key, or anyone (no operator token configured). */
export type StoppedBy = 'operator' | 'owner' | 'anyone';

export type TickListener = (result: TickResult, simulationId: string) => void;

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

/** ns wall clock for event timestamps on the live server. */
const wallClockNs = (): number => Date.now() * 1e6;

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class MarketHub {
  private simulation!: Simulation;
  private simId = '';
  private seed = 0;
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private nextStartAt = 0;
  private readonly listeners: TickListener[] = [];
  private readonly external = new Set<string>();
  private readonly cache = new Map<string, string>();
  private lastTickMs = 0;
  /** Agents the sandbox silenced since this server started (a metrics counter). */
  private sandboxSilenced = 0;
  /** The last TICK event as broadcast (served by /market/snapshot). */
  lastTickEvent: MarketEvent | null = null;
  private tickTimes: number[] = [];
  private lastCheckpointTick: number | null = null;
  private resumedFromTick: number | null = null;
  /** Bumps on every reset, so a tick that straddles one is discarded. */
  private generation = 0;
  /** Tail of the reset/stop queue: mutations that span awaits run one at a time. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  /** The agent `stopAgent` is tearing down in the sandbox (its silence callback is ours, not a fault). */
  private stoppingAgent: string | null = null;
  tickDelayMs: number;

  constructor(
    private readonly store: Store,
    private readonly writer: StoreWriter,
    private readonly sandbox: SandboxLoad,
    private readonly opts: MarketHubOptions,
    private readonly log: Logger,
  ) {
    this.tickDelayMs = opts.tickDelayMs;
    if (sandbox.available) {
      sandbox.pool.onAgentSilenced = (agentId, reason) => {
        if (agentId === this.stoppingAgent) return;
        this.sandboxSilenced++;
        if (this.simulation?.hasAgent(agentId)) this.simulation.setAgentStatus(agentId, 'silenced', reason);
        this.log.warn({ agentId, reason }, 'sandboxed agent silenced');
      };
    }
  }

  get sim(): Simulation {
    return this.simulation;
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

  onTick(listener: TickListener): void {
    this.listeners.push(listener);
  }

  /** A per-tick memo for serialised reads (book, snapshot): cleared after every tick and change. */
  cached(key: string, build: () => string): string {
    let v = this.cache.get(key);
    if (v === undefined) {
      v = build();
      this.cache.set(key, v);
    }
    return v;
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
    return { resumed: true, fromTick: this.simulation.tick };
  }

  private async resume(row: SimulationRow): Promise<void> {
    const agents = await this.store.listAgents(row.id);
    const cpRow = await this.store.latestCheckpoint(row.id);
    const userAgents = new Map<string, BaseAgent>();
    for (const a of agents) {
      // A stopped strategy gets no sandbox again: a silent placeholder keeps its slot and history.
      if (a.kind !== 'user' || a.stopped_at) continue;
      const agent = await this.tryCreateUserAgent(a);
      if (agent) userAgents.set(a.agent_id, agent);
    }
    let sim: Simulation;
    let fromTick = 0;
    if (cpRow) {
      const cp = JSON.parse(cpRow.state) as SimulationCheckpoint;
      sim = Simulation.restore(cp, {
        clock: wallClockNs,
        agentFactory: (spec) => userAgents.get(spec.id) ?? (spec.strategy in STRATEGY_TYPES ? null : this.placeholderFor(spec.id, spec.strategy)),
      });
      fromTick = cp.tick;
      this.lastCheckpointTick = cp.tick;
    } else {
      sim = new Simulation(JSON.parse(row.config) as DeepPartial<SimulationConfig>, { clock: wallClockNs });
    }
    // Rows newer than the checkpoint describe ticks the resumed engine will run again.
    await this.store.truncateAfter(row.id, fromTick);
    // Agents deployed after the checkpoint was written join now, with fresh accounts.
    for (const a of agents) {
      if (sim.hasAgent(a.agent_id) || a.kind === 'builtin') continue;
      const agent =
        a.kind === 'user' ? (userAgents.get(a.agent_id) ?? (a.stopped_at ? this.placeholderFor(a.agent_id, a.strategy) : null)) : this.builtinFromRow(a, sim);
      if (agent) sim.addAgent(agent);
    }
    this.install(sim, row.id, row.seed);
    // A stop is on the agent's row, so it holds even when the checkpoint predates it.
    for (const a of agents) if (a.stopped_at) this.applyStop(sim, a.agent_id, a.stop_reason ?? 'stopped');
    for (const a of agents) {
      if (a.kind === 'user' && !a.stopped_at && !userAgents.has(a.agent_id) && sim.hasAgent(a.agent_id)) {
        sim.setAgentStatus(a.agent_id, 'silenced', `sandbox unavailable after restart: ${this.sandboxUnavailableReason ?? 'deploy failed'}`);
      }
    }
    this.resumedFromTick = fromTick;
    this.log.info({ simulationId: row.id, tick: fromTick, agents: sim.agentIds().length }, cpRow ? 'resumed market from checkpoint' : 'resumed market from its start (no checkpoint yet)');
  }

  /** A user agent whose sandbox could not be recreated keeps its slot (and history) but stays silent. */
  private placeholderFor(id: string, strategy: string): BaseAgent {
    return new SilentAgent(id, strategy);
  }

  private builtinFromRow(a: AgentRow, sim: Simulation): BaseAgent | null {
    try {
      const cfg = JSON.parse(a.config) as AgentConfigRecord;
      return createBuiltinAgent(a.strategy, a.agent_id, cfg.params ?? {}, sim.config);
    } catch (e) {
      this.log.error({ agentId: a.agent_id, err: errMessage(e) }, 'could not recreate a deployed agent');
      return null;
    }
  }

  private async tryCreateUserAgent(a: AgentRow): Promise<BaseAgent | null> {
    if (!this.sandbox.available) return null;
    try {
      const cfg = JSON.parse(a.config) as AgentConfigRecord;
      const strat = await this.store.getUserStrategy(cfg.strategy_name ?? a.strategy);
      if (!strat) throw new Error(`strategy ${a.strategy} is not registered`);
      const sandboxCfg: { timeout_ms?: number; params?: Record<string, unknown> } = { params: cfg.params ?? {} };
      if (cfg.timeout_ms !== undefined) sandboxCfg.timeout_ms = cfg.timeout_ms;
      return await this.sandbox.pool.deploy(a.agent_id, strat.name, strat.compiled, sandboxCfg);
    } catch (e) {
      this.log.error({ agentId: a.agent_id, err: errMessage(e) }, 'could not restart a sandboxed agent');
      return null;
    }
  }

  private async createFresh(seed: number, overrides: DeepPartial<SimulationConfig>, carry: AgentRow[]): Promise<void> {
    const config = { ...overrides, seed } as DeepPartial<SimulationConfig>;
    const sim = this.newSimulation(config);
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
      if (sim.hasAgent(old.agent_id)) continue;
      // A sandboxed agent keeps its sandbox (ids cannot be deployed twice) and joins with a fresh account.
      const inPool = this.sandbox.available && this.sandbox.pool.has(old.agent_id) ? this.sandbox.pool.agent(old.agent_id) : undefined;
      const agent =
        old.kind === 'user'
          ? (inPool ?? (old.stopped_at ? this.placeholderFor(old.agent_id, old.strategy) : await this.tryCreateUserAgent(old)))
          : this.builtinFromRow(old, sim);
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
    this.lastCheckpointTick = null;
    this.resumedFromTick = null;
    this.log.info({ simulationId: id, seed, agents: sim.agentIds().length }, 'started a fresh market');
  }

  private newSimulation(config: DeepPartial<SimulationConfig>): Simulation {
    try {
      return new Simulation(config, { clock: wallClockNs });
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new ApiError('CA_ERR_MARKET_CONFIG', e.message, { field: `config.${e.path}`, rule: 'engine config' });
      }
      throw e;
    }
  }

  private install(sim: Simulation, id: string, seed: number): void {
    this.simulation = sim;
    this.simId = id;
    this.seed = seed;
    this.generation++;
    this.cache.clear();
    this.lastTickEvent = null;
    this.external.clear();
    for (const agentId of sim.agentIds()) if (sim.getAgent(agentId)?.external) this.external.add(agentId);
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
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(fn, fn);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  private async resetNow(seed: number | undefined, config: DeepPartial<SimulationConfig> | undefined): Promise<void> {
    const wasRunning = this.running;
    const nextSeed = seed ?? this.seed;
    const nextConfig = config ?? this.opts.marketConfig;
    // Validate before touching the running market.
    this.newSimulation({ ...nextConfig, seed: nextSeed } as DeepPartial<SimulationConfig>);
    this.pause();
    try {
      await this.betweenTicks();
      const old = this.simulation;
      const oldId = this.simId;
      await this.persistAgentStats();
      this.writer.setProgress(oldId, old.tick, old.latestTick()?.mid ?? null);
      await this.writer.flush();
      const carry = (await this.store.listAgents(oldId)).filter((a) => a.kind !== 'builtin');
      await this.createFresh(nextSeed, nextConfig, carry);
      await this.store.endSimulation(oldId, old.tick, old.latestTick()?.mid ?? null);
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
    if (!this.simulation) return;
    this.queueCheckpoint();
    await this.persistAgentStats().catch((e: unknown) => this.log.error({ err: errMessage(e) }, 'final agent stats write failed'));
    await this.writer.flush();
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
    const sim = this.simulation;
    const generation = this.generation;
    let result: TickResult;
    if (this.external.size === 0 || !this.sandbox.available) {
      result = sim.step();
    } else {
      const req = sim.prepareTick();
      const orders = sim.runLocalAgents(req);
      const states = new Map<string, (typeof req.states extends Map<string, infer S> ? S : never)>();
      for (const id of this.external) {
        const s = req.states.get(id);
        if (s) states.set(id, s);
      }
      if (states.size > 0) {
        const ext = await withDeadline(this.sandbox.pool.collect(states), this.opts.sandboxDeadlineMs, new Map<string, OrderIntent[]>());
        for (const [id, list] of ext) orders.set(id, list);
      }
      // Sandbox counters first, so this tick's TICK payload carries this tick's figures.
      for (const id of this.external) if (sim.hasAgent(id)) sim.setAgentExtra(id, this.sandbox.pool.stats(id));
      result = sim.completeTick(orders);
      if (generation !== this.generation) return null;
    }
    this.lastTickMs = performance.now() - started;
    this.afterTick(result);
    return result;
  }

  private afterTick(result: TickResult): void {
    this.cache.clear();
    const last = result.events[result.events.length - 1];
    this.lastTickEvent = last && last.type === 'TICK' ? last : { schema_version: 1, type: 'TICK', timestamp: Date.now() * 1e6, payload: result.state };
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
    this.record(result);
  }

  /** Queues this tick's rows for the batched writer; nothing here awaits. */
  private record(result: TickResult): void {
    const simId = this.simId;
    const tick = result.tick;
    let seq = 0;
    const fills = [];
    let crowding: MarketEvent | null = null;
    for (const e of result.events) {
      if (e.type === 'ORDER_FILLED') {
        const f = e.payload as MarketEvent<'ORDER_FILLED'>['payload'];
        fills.push({
          simulation_id: simId,
          tick,
          seq: seq++,
          buy_order_id: f.buy_order_id,
          sell_order_id: f.sell_order_id,
          buy_agent_id: f.buy_agent_id,
          sell_agent_id: f.sell_agent_id,
          price: f.price,
          qty: f.qty,
          aggressor: f.aggressor,
        });
      } else if (e.type === 'CROWDING_MATRIX_UPDATED') {
        crowding = e;
      }
    }
    if (fills.length) this.writer.addFills(fills);
    const s = result.state;
    if (tick % this.opts.snapshotEvery === 0) {
      this.writer.addTickSnapshot({
        simulation_id: simId,
        tick,
        mid: s.mid,
        spread: s.spread,
        vwap: s.vwap,
        volatility: s.volatility,
        regime: s.regime,
        lfi: s.lfi,
        crowding: s.crowding,
        agents: JSON.stringify(
          s.agent_stats.map((a) => ({ agent_id: a.agent_id, strategy: a.strategy, pnl: a.pnl, sharpe: a.sharpe, inventory: a.inventory, status: a.status })),
        ),
        created_at: new Date().toISOString(),
      });
      if (crowding) {
        const p = crowding.payload as MarketEvent<'CROWDING_MATRIX_UPDATED'>['payload'];
        this.writer.addCrowdingSnapshot({ simulation_id: simId, tick, intensity: p.intensity, payload: JSON.stringify(p) });
      }
    }
    this.writer.setProgress(simId, tick, s.mid);
    if (tick % this.opts.checkpointEvery === 0) {
      this.queueCheckpoint();
      void this.persistAgentStats().catch((e: unknown) => this.log.error({ err: errMessage(e) }, 'agent stats write failed'));
    }
  }

  private queueCheckpoint(): void {
    const sim = this.simulation;
    this.writer.setCheckpoint({ simulation_id: this.simId, tick: sim.tick, state: JSON.stringify(sim.checkpoint()), created_at: new Date().toISOString() });
    this.lastCheckpointTick = sim.tick;
  }

  private async persistAgentStats(): Promise<void> {
    const sim = this.simulation;
    const simId = this.simId;
    await this.store.updateAgentStats(
      simId,
      sim.allAgentStats().map((s) => ({ agent_id: s.agent_id, status: s.status, status_reason: s.status_reason, final_stats: JSON.stringify(s) })),
    );
  }

  // ---- agents ---------------------------------------------------------------------------------

  /** Deploys a built-in strategy (POST /strategies, approved submissions). */
  async deployBuiltin(input: { type: string; agentId?: string | undefined; params: Record<string, unknown>; owner: string | null }): Promise<{ row: AgentRow; manageKey: string }> {
    const id = input.agentId ?? userAgentId();
    let agent: BaseAgent;
    try {
      agent = createBuiltinAgent(input.type, id, input.params, this.simulation.config);
    } catch (e) {
      if (e instanceof AgentConfigError) {
        if (!(input.type in STRATEGY_TYPES)) throw apiError('CA_ERR_UNKNOWN_STRATEGY', input.type, Object.keys(STRATEGY_TYPES).join(', ')).at('strategy_type', 'enum');
        throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `${e.message}`, { field: 'config', rule: 'strategy parameters' });
      }
      throw e;
    }
    return this.addAgent(agent, 'deployed', input.owner, { params: agent.params as Record<string, unknown> });
  }

  /**
   * Registers user code (validated and probe-started by the sandbox) and optionally deploys it.
   * Registering the same name with the same code again is idempotent.
   */
  async registerUserStrategy(input: {
    name: string;
    code: string;
    deploy: boolean;
    agentId?: string | undefined;
    config: { timeout_ms?: number; params?: Record<string, unknown> };
    owner: string | null;
  }): Promise<{ registered: string; deployed: boolean; agent_id?: string; strategy_type?: string; manage_key?: string }> {
    const pool = this.requireSandbox();
    if (input.name in STRATEGY_TYPES) {
      throw new ApiError('CA_ERR_STRATEGY_INVALID', `strategy ${input.name} was refused: the name is taken by a built-in strategy; pick another strategy_name`, {
        field: 'strategy_name',
        rule: 'not a built-in name',
      });
    }
    let existing = await this.store.getUserStrategy(input.name);
    if (existing && existing.source !== input.code) throw apiError('CA_ERR_STRATEGY_EXISTS', input.name).at('strategy_name', 'unique');
    if (!existing) {
      let compiled: string;
      try {
        ({ compiled } = await pool.validate(input.name, input.code));
      } catch (e) {
        if (isStrategyValidationError(e)) {
          const diags = e.diagnostics ?? [];
          const first = diags[0];
          const where = first?.line !== undefined ? ` (line ${first.line}${first.column !== undefined ? `:${first.column}` : ''})` : '';
          throw new ApiError('CA_ERR_STRATEGY_INVALID', `strategy ${input.name} was refused: ${first ? first.message + where : e.message}`, {
            field: 'code',
            rule: first?.rule ?? 'strategy contract',
            details: diags,
          });
        }
        throw e;
      }
      try {
        existing = await this.store.saveUserStrategy({ name: input.name, source: input.code, compiled });
      } catch (e) {
        // A concurrent registration of the same name won the race.
        const again = await this.store.getUserStrategy(input.name);
        if (!again) throw e;
        if (again.source !== input.code) throw apiError('CA_ERR_STRATEGY_EXISTS', input.name).at('strategy_name', 'unique');
        existing = again;
      }
    }
    if (!input.deploy) return { registered: input.name, deployed: false };
    const id = input.agentId ?? userAgentId();
    this.assertFreeId(id);
    const agent = await pool.deploy(id, existing.name, existing.compiled, input.config);
    const record: AgentConfigRecord = { params: input.config.params ?? {}, strategy_name: existing.name };
    if (input.config.timeout_ms !== undefined) record.timeout_ms = input.config.timeout_ms;
    const { manageKey } = await this.addAgent(agent, 'user', input.owner, record);
    return { registered: input.name, deployed: true, agent_id: id, strategy_type: input.name, manage_key: manageKey };
  }

  private requireSandbox(): SandboxPoolLike {
    if (!this.sandbox.available) throw apiError('CA_ERR_SANDBOX_UNAVAILABLE', this.sandbox.reason);
    return this.sandbox.pool;
  }

  private assertFreeId(id: string): void {
    if (this.simulation.hasAgent(id)) throw apiError('CA_ERR_AGENT_EXISTS', id).at('agent_id', 'unique');
  }

  /**
   * Persists first (so an acknowledged agent survives a crash), then joins between ticks. Returns
   * the agent's new manage key: only its SHA-256 is stored, so this is the one time it exists.
   */
  private async addAgent(agent: BaseAgent, kind: AgentKind, owner: string | null, config: AgentConfigRecord): Promise<{ row: AgentRow; manageKey: string }> {
    this.assertFreeId(agent.id);
    await this.betweenTicks();
    const sim = this.simulation;
    const manage = newManageKey();
    const row: AgentRow = {
      simulation_id: this.simId,
      agent_id: agent.id,
      strategy: agent.strategy,
      kind,
      owner,
      config: JSON.stringify(config),
      status: 'active',
      status_reason: null,
      final_stats: null,
      created_at: new Date().toISOString(),
      created_tick: sim.tick,
      manage_key_hash: manage.hash,
    };
    try {
      await this.store.insertAgent(row);
    } catch (e) {
      if (await this.store.getAgent(this.simId, agent.id)) throw apiError('CA_ERR_AGENT_EXISTS', agent.id).at('agent_id', 'unique');
      throw e;
    }
    await this.betweenTicks();
    if (this.simulation !== sim) {
      // A reset happened while we were writing: the new market carries the row over already.
      return { row, manageKey: manage.key };
    }
    sim.addAgent(agent);
    if (agent.external) this.external.add(agent.id);
    this.cache.clear();
    return { row, manageKey: manage.key };
  }

  /**
   * Withdraws one agent (POST /strategies/{id}/stop; the caller has checked the credentials): the
   * stop is committed to the agent's row first, so it survives a crash and a restart from an older
   * checkpoint, then the engine silences it between ticks and cancels its resting orders on the
   * next tick, and a sandboxed agent's context is torn down. 404 unknown, 409 not active.
   */
  async stopAgent(agentId: string, input: { reason: string; by: StoppedBy }): Promise<AgentStatsWire> {
    return this.exclusive(async () => {
      const sim = this.simulation;
      const simId = this.simId;
      const before = sim.agentStats(agentId);
      if (!before) throw apiError('CA_ERR_NOT_FOUND', 'agent', agentId).at('agent_id', 'exists');
      if (before.status !== 'active') throw apiError('CA_ERR_AGENT_STOPPED', agentId, before.status_reason ?? 'no reason recorded').at('agent_id', 'active agent');
      await this.store.markAgentStopped(simId, agentId, { at: new Date().toISOString(), by: input.by, reason: input.reason });
      // Resets queue behind us, so `sim` is still the installed market; wait out a tick in flight
      // and act in the same synchronous stretch as the check.
      while (this.inFlight) await this.inFlight;
      this.applyStop(sim, agentId, input.reason);
      if (this.external.has(agentId) && this.sandbox.available && this.sandbox.pool.has(agentId)) {
        this.stoppingAgent = agentId;
        try {
          this.sandbox.pool.stop(agentId, input.reason);
        } finally {
          this.stoppingAgent = null;
        }
      }
      this.cache.clear();
      this.log.info({ agentId, by: input.by }, 'agent stopped');
      return sim.agentStats(agentId) as AgentStatsWire;
    });
  }

  /** Silences an agent that is still active (the sandbox may have silenced it meanwhile: that reason stands). */
  private applyStop(sim: Simulation, agentId: string, reason: string): void {
    if (sim.agentStats(agentId)?.status === 'active') sim.stopAgent(agentId, reason);
  }

  /** Strategy types a client may deploy: the built-ins and the registered user strategies. */
  async strategyTypes(): Promise<Array<{ type: string; kind: 'builtin' | 'user'; description: string; params: Record<string, unknown>; created_at?: string }>> {
    const builtins = BUILTIN_STRATEGIES.map((s) => ({ type: s.type, kind: 'builtin' as const, description: s.description, params: s.params as Record<string, unknown> }));
    const user = (await this.store.listUserStrategies()).map((u) => ({
      type: u.name,
      kind: 'user' as const,
      description: 'user strategy (sandboxed)',
      params: {},
      created_at: u.created_at,
    }));
    return [...builtins, ...user];
  }

  status(): HubStatus {
    const t = this.tickTimes;
    const span = t.length > 1 ? ((t[t.length - 1] as number) - (t[0] as number)) / 1000 : 0;
    return {
      simulation_id: this.simId,
      running: this.running,
      tick: this.simulation.tick,
      tick_delay_ms: this.tickDelayMs,
      seed: this.seed,
      agents: this.simulation.agentIds().length,
      sandboxed_agents: this.external.size,
      last_tick_ms: Math.round(this.lastTickMs * 1000) / 1000,
      ticks_per_second: span > 0 ? Math.round(((t.length - 1) / span) * 100) / 100 : 0,
      last_checkpoint_tick: this.lastCheckpointTick,
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
  sandboxTotals(): { agents: number; silenced: number; silencedEvents: number; calls: number; timeouts: number; errors: number; restarts: number } {
    const t = { agents: 0, silenced: 0, silencedEvents: this.sandboxSilenced, calls: 0, timeouts: 0, errors: 0, restarts: 0 };
    if (!this.sandbox.available) return t;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    for (const id of this.external) {
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

  get currentSeed(): number {
    return this.seed;
  }
}

/** Built-in type names, for quick membership tests. */
const STRATEGY_TYPES: Record<string, true> = Object.fromEntries(BUILTIN_STRATEGIES.map((s) => [s.type, true]));

/** Resolves with `fallback` if `p` has not settled within `ms`. */
async function withDeadline<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([p.catch(() => fallback), timeout]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Stand-in for a sandboxed agent that could not be restarted: keeps its account, sends nothing. */
class SilentAgent extends BaseAgent {
  onTick(): OrderIntent[] {
    return [];
  }
}
