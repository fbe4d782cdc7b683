/**
 * AgentDeployer: everything that adds agents to or withdraws them from the live market — built-in
 * deploys, user strategies (validated and started by the sandbox), stops — and recreating
 * deployed agents from their rows when a market resumes or resets. It acts on the market only
 * through `LiveMarket` (between ticks), and persists before it acts, so an acknowledged deploy or
 * stop survives a crash.
 */
import { BaseAgent, BUILTIN_STRATEGIES, RL_ACTIONS, RL_FEATURES, RlPpoAgent, createBuiltinAgent, isBuiltinStrategy, modelProblem } from '@crowdalpha/engine';
import type { AgentStatsWire, OrderIntent, PpoModel, Simulation } from '@crowdalpha/engine';
import type { Logger } from 'pino';
import { ApiError, apiError } from '../errors.js';
import { newManageKey } from '../http/auth.js';
import { userAgentId } from '../ids.js';
import type { AgentRow, StrategyVersionRow, Store } from '../store/store.js';
import type { SandboxLoad } from './sandbox-host.js';
import { REMOTE_STRATEGY, RemoteAgent } from '../agent-protocol/remote-agents.js';
import { checkParams, isPythonCompiled, type SandboxDetails, type SandboxPool, type StrategyDiagnostic, type StrategyParams } from '@crowdalpha/sandbox';
import { PARAM_ALIASES, camelKey, paramsFromWire, paramsToWire, snakeKey, toSnakeKeys, type StrategyTypeInfoWire } from '@crowdalpha/engine/wire';

export type AgentKind = 'builtin' | 'deployed' | 'user' | 'remote';

export interface AgentConfigRecord {
  /** Built-in parameters (deployed) or the sandbox config (user). */
  params: Record<string, unknown>;
  /** Sandbox per-call timeout, user strategies only. */
  timeout_ms?: number;
  /** The registered strategy a user agent runs, and which version of it. */
  strategy_name?: string;
  strategy_version?: number;
  /** rl_ppo: the stored model (rl_models.id) the agent started from. */
  model_id?: string;
}

/** POST /strategies/user's answer. */
export interface RegisterOutcome {
  registered: string;
  /** The version registered (or found: identical code reuses its version). */
  version: number;
  /** True when this request added the version. */
  new_version: boolean;
  deployed: boolean;
  /** Type-check findings that did not refuse the code. */
  warnings: StrategyDiagnostic[];
  /** The constructor options the version reads (deploy params are checked against them), or null when unknown. */
  params: StrategyParams | null;
  agent_id?: string;
  strategy_type?: string;
  manage_key?: string;
}

function parseParams(text: string | null | undefined): StrategyParams | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as StrategyParams;
  } catch {
    return null;
  }
}

/** Who stopped an agent: the operator token, the agent's manage key, or anyone (no operator token configured). */
export type StoppedBy = 'operator' | 'owner' | 'anyone';

/** A strategy type a client may deploy (GET /strategies). */
export type StrategyTypeInfo = StrategyTypeInfoWire;

/** The deployer's handle on the installed market (the MarketHub provides it). */
export interface LiveMarket {
  readonly simulation: Simulation;
  readonly simulationId: string;
  /** Resolves when no tick is in progress. */
  betweenTicks(): Promise<void>;
  /** Runs `fn` after every earlier reset/stop has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Adds an agent between ticks. */
  join(agent: BaseAgent): void;
  /** Silences an active agent in the engine (and tears its sandbox down); between ticks. Flatten closes its position over the next ticks. */
  withdraw(agentId: string, reason: string, position?: 'flatten' | 'freeze'): void;
  /** Leaves a stopped agent out of every read and of the event stream (a removal). */
  hide(agentId: string): void;
}

function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class AgentDeployer {
  /** Models deployed or prefetched in this process, so agents recreated from rows start from them. */
  private readonly models = new Map<string, PpoModel>();

  constructor(
    private readonly market: LiveMarket,
    private readonly store: Store,
    private readonly sandbox: SandboxLoad,
    private readonly log: Logger,
  ) {}

  /**
   * Deploys a built-in strategy (POST /strategies, approved submissions). `rl_ppo` may start from a
   * trained model: `params.model_id` (a stored model) or `model` (an uploaded one, stored first);
   * its network shape is taken from the model unless the params set it.
   */
  async deployBuiltin(input: {
    type: string;
    agentId?: string | undefined;
    params: Record<string, unknown>;
    owner: string | null;
    model?: unknown;
  }): Promise<{ row: AgentRow; manageKey: string; modelId: string | null }> {
    if (!isBuiltinStrategy(input.type)) {
      throw apiError('CA_ERR_UNKNOWN_STRATEGY', input.type, BUILTIN_STRATEGIES.map((s) => s.type).join(', ')).at('strategy_type', 'enum');
    }
    const id = input.agentId ?? userAgentId();
    // Wire names (snake_case, the original API's aliases) → engine parameters; a ParamNameError
    // or AgentConfigError propagates: the error handler maps it (CA_ERR_BAD_AGENT_CONFIG).
    const params = paramsFromWire(input.type, input.params);
    const modelIdParam = params.modelId;
    delete params.modelId;
    let model: PpoModel | null = null;
    let modelId: string | null = null;
    if (input.type !== 'rl_ppo') {
      if (modelIdParam !== undefined || input.model !== undefined) {
        throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `only rl_ppo agents start from a model; ${input.type} takes no model_id or model`, { field: 'config.model_id', rule: 'rl_ppo only' });
      }
    } else if (modelIdParam !== undefined) {
      if (input.model !== undefined) throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', 'send either config.model_id or model, not both', { field: 'model', rule: 'one model' });
      if (typeof modelIdParam !== 'string') {
        throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `config.model_id must be a model id string from POST /models or GET /models, got ${JSON.stringify(modelIdParam)}`, { field: 'config.model_id', rule: 'string' });
      }
      model = this.models.get(modelIdParam) ?? (await this.store.models.get(modelIdParam));
      if (!model) throw apiError('CA_ERR_NOT_FOUND', 'model', modelIdParam).at('config.model_id', 'exists');
      modelId = modelIdParam;
    } else if (input.model !== undefined) {
      const problem = modelProblem(input.model, RL_FEATURES.length, RL_ACTIONS.length);
      if (problem) throw apiError('CA_ERR_MODEL_INVALID', problem).at('model', 'crowdalpha-ppo model');
      model = input.model as PpoModel;
      modelId = (await this.store.models.save(model, { name: `uploaded with ${id}`, source: 'upload' })).id;
    }
    if (model) {
      if (params.hiddenLayers === undefined) params.hiddenLayers = model.hiddenLayers;
      if (params.hiddenUnits === undefined) params.hiddenUnits = model.hiddenUnits;
      if (params.normalizeObservations === undefined) params.normalizeObservations = model.obsNorm !== null;
    }
    // An AgentConfigError propagates: the error handler maps it (CA_ERR_BAD_AGENT_CONFIG).
    const agent = createBuiltinAgent(input.type, id, params, this.market.simulation.config);
    if (model && modelId) {
      try {
        (agent as RlPpoAgent).loadModel(model);
      } catch (e) {
        throw apiError('CA_ERR_MODEL_INVALID', errMessage(e)).at(input.model !== undefined ? 'model' : 'config.model_id', 'fits the agent');
      }
      this.models.set(modelId, model);
    }
    const record: AgentConfigRecord = { params: agent.params as Record<string, unknown> };
    if (modelId) record.model_id = modelId;
    const added = await this.addAgent(agent, 'deployed', input.owner, record);
    return { ...added, modelId };
  }

  /** Adds an outside learner's agent (WS /ws/agent join); the caller has registered its connection. */
  async deployRemote(input: { agentId?: string | undefined; owner: string | null; timeoutMs: number }): Promise<{ row: AgentRow; manageKey: string }> {
    const id = input.agentId ?? `ext_${userAgentId().slice('user_'.length)}`;
    return this.addAgent(new RemoteAgent(id), 'remote', input.owner, { params: {}, timeout_ms: input.timeoutMs });
  }

  /** Loads the models that deployed agents' rows name, so `builtinFromRow` can start them from their weights. */
  async prefetchModels(rows: readonly AgentRow[]): Promise<void> {
    for (const a of rows) {
      try {
        const id = (JSON.parse(a.config) as AgentConfigRecord).model_id;
        if (id && !this.models.has(id)) {
          const m = await this.store.models.get(id);
          if (m) this.models.set(id, m);
        }
      } catch (e) {
        this.log.error({ agentId: a.agent_id, err: errMessage(e) }, 'could not load the model of a deployed agent');
      }
    }
  }

  /** The current policy of a live rl_ppo agent, stored as a model. */
  async snapshotModel(agentId: string, name: string | undefined): Promise<{ id: string; name: string; hidden: string; steps: number; created_at: string; source: string }> {
    const agent = this.market.simulation.getAgent(agentId);
    if (!agent) throw apiError('CA_ERR_NOT_FOUND', 'agent', agentId).at('agent_id', 'exists');
    if (!(agent instanceof RlPpoAgent)) {
      throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `agent ${agentId} is a ${agent.strategy} agent; only rl_ppo agents have a policy to save`, { field: 'agent_id', rule: 'rl_ppo agent' });
    }
    const model = agent.exportModel({ source_agent: agentId, simulation_id: this.market.simulationId, tick: this.market.simulation.tick, saved_at: new Date().toISOString() });
    return this.store.models.save(model, { name: name ?? `${agentId} at tick ${this.market.simulation.tick}`, source: `agent:${agentId}` });
  }

  /**
   * Registers user code (validated and probe-started by the sandbox) and optionally deploys it.
   * Versions: the first registration of a name is version 1; registering it again with other code
   * adds the next version (the owner's own name only: a name registered with an `owner` takes new
   * versions only from that owner); sending code identical to any registered version reuses that
   * version (so re-sending an old version's code deploys the old version). Every version stays
   * listed, and an agent keeps running the version it was deployed with.
   */
  async registerUserStrategy(input: {
    name: string;
    code: string;
    language?: string | undefined;
    deploy: boolean;
    agentId?: string | undefined;
    config: { timeout_ms?: number; params?: Record<string, unknown> };
    owner: string | null;
  }): Promise<RegisterOutcome> {
    const pool = this.requireSandbox();
    if (isBuiltinStrategy(input.name)) {
      throw new ApiError('CA_ERR_STRATEGY_INVALID', `strategy ${input.name} was refused: the name is taken by a built-in strategy; pick another strategy_name`, {
        field: 'strategy_name',
        rule: 'not a built-in name',
      });
    }
    let latest = await this.store.getUserStrategy(input.name);
    if (latest?.owner && latest.owner !== input.owner) throw apiError('CA_ERR_STRATEGY_EXISTS', input.name, latest.owner).at('strategy_name', 'owner');
    let version = await this.store.findStrategyVersionBySource(input.name, input.code);
    let warnings: StrategyDiagnostic[] = [];
    let created = false;
    if (!version) {
      // A StrategyValidationError propagates: the error handler maps it (CA_ERR_STRATEGY_INVALID, field code).
      const v = await pool.validate(input.name, input.code, input.language);
      warnings = v.warnings;
      const next = (latest?.version ?? 0) + 1;
      try {
        await this.store.saveUserStrategy({
          name: input.name,
          source: input.code,
          compiled: v.compiled,
          owner: latest ? (latest.owner ?? null) : input.owner,
          version: next,
          params: v.params ? JSON.stringify(v.params) : null,
        });
        created = true;
      } catch (e) {
        // A concurrent registration took this version number (or the name) first.
        latest = await this.store.getUserStrategy(input.name);
        if (!latest) throw e;
        throw new ApiError('CA_ERR_STRATEGY_EXISTS', `strategy ${input.name} was changed by another registration at the same time (now version ${latest.version ?? 1}); send it again`, {
          field: 'strategy_name',
          rule: 'one registration at a time',
        });
      }
      version = await this.store.getStrategyVersion(input.name, next);
      if (!version) throw new Error(`strategy ${input.name} version ${next} vanished after it was saved`);
    }
    const base: RegisterOutcome = { registered: input.name, version: version.version, new_version: created, deployed: false, warnings, params: parseParams(version.params) };
    if (!input.deploy) return base;
    const id = input.agentId ?? userAgentId();
    this.assertFreeId(id);
    this.checkDeployParams(input.name, version, input.config.params);
    const agent = await pool.deploy(id, version.name, version.compiled, input.config);
    const record: AgentConfigRecord = { params: input.config.params ?? {}, strategy_name: version.name, strategy_version: version.version };
    if (input.config.timeout_ms !== undefined) record.timeout_ms = input.config.timeout_ms;
    const { manageKey } = await this.addAgent(agent, 'user', input.owner, record);
    return { ...base, deployed: true, agent_id: id, strategy_type: input.name, manage_key: manageKey };
  }

  /** Refuses deploy params the strategy's code never reads (a typo such as `treshold`). */
  private checkDeployParams(name: string, version: StrategyVersionRow, params: Record<string, unknown> | undefined): void {
    const problems = checkParams(params, parseParams(version.params) ?? undefined);
    if (problems.length === 0) return;
    throw new ApiError('CA_ERR_BAD_AGENT_CONFIG', `${problems.map((p) => p.message).join('; ')} (strategy ${name} version ${version.version})`, {
      field: 'config.params',
      rule: 'params the strategy reads',
      details: problems,
    });
  }

  /**
   * Withdraws one agent (POST /strategies/{id}/stop; the caller has checked the credentials): the
   * stop is committed to the agent's row first, so it survives a crash and a restart from an older
   * checkpoint, then the engine silences it between ticks and cancels its resting orders on the
   * next tick, and a sandboxed agent's context is torn down. 404 unknown, 409 not active.
   */
  async stopAgent(agentId: string, input: { reason: string; by: StoppedBy; position?: 'flatten' | 'freeze' }): Promise<AgentStatsWire> {
    return this.market.exclusive(async () => {
      const sim = this.market.simulation;
      const simId = this.market.simulationId;
      const before = sim.agentStats(agentId);
      if (!before) throw apiError('CA_ERR_NOT_FOUND', 'agent', agentId).at('agent_id', 'exists');
      if (before.status !== 'active') throw apiError('CA_ERR_AGENT_STOPPED', agentId, before.status_reason ?? 'no reason recorded').at('agent_id', 'active agent');
      const position = input.position ?? 'freeze';
      await this.store.markAgentStopped(simId, agentId, { at: new Date().toISOString(), by: input.by, reason: input.reason, position });
      // Resets queue behind us, so `sim` is still the installed market; wait out a tick in flight
      // and act in the same synchronous stretch as the check.
      await this.market.betweenTicks();
      this.market.withdraw(agentId, input.reason, position);
      this.log.info({ agentId, by: input.by, position }, 'agent stopped');
      return sim.agentStats(agentId) as AgentStatsWire;
    });
  }

  /**
   * Removes an agent from the live roster (DELETE /strategies/{id}): stopped if it is still active
   * (position frozen, resting orders cancelled on the next tick, sandbox torn down), then marked
   * removed on its row — both committed before the market changes, so the removal survives a crash —
   * and hidden from every read, the leaderboard, the crowding views and the stream. The engine keeps
   * its slot and the run's stored rows keep its history; restarts and resumes leave it out, and a
   * reset does not carry it into the next run. 404 for an unknown or already removed agent.
   */
  async removeAgent(agentId: string, input: { reason: string; by: StoppedBy }): Promise<AgentStatsWire> {
    return this.market.exclusive(async () => {
      const sim = this.market.simulation;
      const simId = this.market.simulationId;
      const row = await this.store.getAgent(simId, agentId);
      const before = sim.agentStats(agentId);
      if (!before || row?.removed_at) throw apiError('CA_ERR_NOT_FOUND', 'agent', agentId).at('agent_id', 'exists');
      const at = new Date().toISOString();
      // Stopped on its row too (even when the sandbox silenced it first): a restart never restarts its code.
      if (!row?.stopped_at) await this.store.markAgentStopped(simId, agentId, { at, by: input.by, reason: input.reason, position: 'freeze' });
      await this.store.markAgentRemoved(simId, agentId, { at, by: input.by });
      await this.market.betweenTicks();
      this.market.withdraw(agentId, input.reason, 'freeze');
      const stats = sim.agentStats(agentId) as AgentStatsWire;
      this.market.hide(agentId);
      this.log.info({ agentId, by: input.by }, 'agent removed');
      return stats;
    });
  }

  /** Strategy types a client may deploy: the built-ins and the registered user strategies. */
  async strategyTypes(): Promise<StrategyTypeInfo[]> {
    const builtins = BUILTIN_STRATEGIES.map((s) => {
      const aliases = PARAM_ALIASES[s.type] ?? [];
      const params: StrategyTypeInfo['params'] = {};
      for (const [k, p] of Object.entries(s.params)) {
        params[snakeKey(k)] = { default: p.default, description: p.description === k ? snakeKey(k) : p.description, aliases: aliases.filter((a) => a.sets[k] === 'value').map((a) => a.alias) };
      }
      return { type: s.type, kind: 'builtin' as const, description: s.description, params };
    });
    const versions = await this.store.listStrategyVersions();
    const user = (await this.store.listUserStrategies()).map((u) => {
      const mine = versions.filter((v) => v.name === u.name);
      const latest = mine[mine.length - 1];
      const read = parseParams(latest?.params);
      const language = isPythonCompiled(u.compiled_head) ? ('python' as const) : ('typescript' as const);
      return {
        type: u.name,
        kind: 'user' as const,
        description: `user strategy (${language === 'python' ? 'Python' : 'TypeScript'}, sandboxed), version ${u.version ?? 1}`,
        // What the latest version's constructor reads: name → declared type (or "unknown").
        params: Object.fromEntries((read?.names ?? []).map((p) => [p.name, p.type ?? 'unknown'])),
        params_open: read ? read.open : true,
        language,
        owner: u.owner ?? null,
        version: u.version ?? 1,
        versions: mine.map((v) => ({ version: v.version, created_at: v.created_at })),
        created_at: u.created_at,
      };
    });
    return [...builtins, ...user];
  }

  /**
   * An agent's parameters as the wire shows them: built-ins resolved against their defaults, in
   * snake_case plus the original API's names read back (fast_window …); user strategies their
   * sandbox config, snake_case.
   */
  configOf(strategy: string, row: AgentRow | undefined): Record<string, unknown> {
    let record: AgentConfigRecord = { params: {} };
    try {
      if (row) record = JSON.parse(row.config) as AgentConfigRecord;
    } catch {
      // An unreadable row shows defaults.
    }
    const info = BUILTIN_STRATEGIES.find((s) => s.type === strategy);
    if (!info) {
      const out = toSnakeKeys<Record<string, unknown>>(record.params ?? {});
      if (record.timeout_ms !== undefined) out.timeout_ms = record.timeout_ms;
      return out;
    }
    // Defaults of this market (its config section of the type), then the agent's own parameters.
    const section = (this.market.simulation.config as unknown as Record<string, unknown>)[camelKey(strategy)];
    const resolved: Record<string, number | boolean> = {};
    for (const [k, p] of Object.entries(info.params)) resolved[k] = p.default;
    if (section && typeof section === 'object') {
      for (const [k, v] of Object.entries(section as Record<string, unknown>)) if (k in resolved && (typeof v === 'number' || typeof v === 'boolean')) resolved[k] = v;
    }
    for (const [k, v] of Object.entries(record.params ?? {})) if (typeof v === 'number' || typeof v === 'boolean') resolved[k] = v;
    return paramsToWire(strategy, resolved, Number(resolved.index ?? 0));
  }

  // ---- recreating agents from their rows (resume, reset) ----------------------------------------

  /** A user agent whose sandbox could not be recreated keeps its slot (and history) but stays silent. */
  placeholderFor(id: string, strategy: string): BaseAgent {
    return new SilentAgent(id, strategy);
  }

  builtinFromRow(a: AgentRow, sim: Simulation): BaseAgent | null {
    // An outside learner's connection does not survive a reset or restart: its slot stays, silent.
    if (a.strategy === REMOTE_STRATEGY) return new SilentAgent(a.agent_id, a.strategy);
    try {
      const cfg = JSON.parse(a.config) as AgentConfigRecord;
      const agent = createBuiltinAgent(a.strategy, a.agent_id, cfg.params ?? {}, sim.config);
      const model = cfg.model_id ? this.models.get(cfg.model_id) : undefined;
      if (model && agent instanceof RlPpoAgent) agent.loadModel(model);
      else if (cfg.model_id) this.log.warn({ agentId: a.agent_id, modelId: cfg.model_id }, 'model of a deployed rl_ppo agent not loaded; it starts from fresh weights');
      return agent;
    } catch (e) {
      this.log.error({ agentId: a.agent_id, err: errMessage(e) }, 'could not recreate a deployed agent');
      return null;
    }
  }

  async userAgentFromRow(a: AgentRow): Promise<BaseAgent | null> {
    if (!this.sandbox.available) return null;
    try {
      const cfg = JSON.parse(a.config) as AgentConfigRecord;
      const strat = await this.store.getStrategyVersion(cfg.strategy_name ?? a.strategy, cfg.strategy_version);
      if (!strat) throw new Error(`strategy ${a.strategy}${cfg.strategy_version ? ` version ${cfg.strategy_version}` : ''} is not registered`);
      const sandboxCfg: { timeout_ms?: number; params?: Record<string, unknown> } = { params: cfg.params ?? {} };
      if (cfg.timeout_ms !== undefined) sandboxCfg.timeout_ms = cfg.timeout_ms;
      return await this.sandbox.pool.deploy(a.agent_id, strat.name, strat.compiled, sandboxCfg);
    } catch (e) {
      this.log.error({ agentId: a.agent_id, err: errMessage(e) }, 'could not restart a sandboxed agent');
      return null;
    }
  }

  /** Drop reasons, log tail and last fault of a sandboxed agent (null for in-process agents). */
  sandboxDetails(agentId: string): SandboxDetails | null {
    return this.sandbox.available ? this.sandbox.pool.details(agentId) : null;
  }

  /** The live sandboxed agent of a deployed id, when the pool still has it (a reset carries it over). */
  sandboxedAgent(agentId: string): BaseAgent | undefined {
    return this.sandbox.available && this.sandbox.pool.has(agentId) ? this.sandbox.pool.agent(agentId) : undefined;
  }

  // ---- internals --------------------------------------------------------------------------------

  private requireSandbox(): SandboxPool {
    if (!this.sandbox.available) throw apiError('CA_ERR_SANDBOX_UNAVAILABLE', this.sandbox.reason);
    return this.sandbox.pool;
  }

  private assertFreeId(id: string): void {
    if (this.market.simulation.hasAgent(id)) throw apiError('CA_ERR_AGENT_EXISTS', id).at('agent_id', 'unique');
  }

  /**
   * Persists first (so an acknowledged agent survives a crash), then joins between ticks. Returns
   * the agent's new manage key: only its SHA-256 is stored, so this is the one time it exists.
   */
  private async addAgent(agent: BaseAgent, kind: AgentKind, owner: string | null, config: AgentConfigRecord): Promise<{ row: AgentRow; manageKey: string }> {
    this.assertFreeId(agent.id);
    await this.market.betweenTicks();
    const sim = this.market.simulation;
    const simId = this.market.simulationId;
    const manage = newManageKey();
    const row: AgentRow = {
      simulation_id: simId,
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
      if (await this.store.getAgent(simId, agent.id)) throw apiError('CA_ERR_AGENT_EXISTS', agent.id).at('agent_id', 'unique');
      throw e;
    }
    await this.market.betweenTicks();
    if (this.market.simulation !== sim) {
      // A reset happened while we were writing: the new market carries the row over already.
      return { row, manageKey: manage.key };
    }
    this.market.join(agent);
    return { row, manageKey: manage.key };
  }
}

/** Stand-in for a sandboxed agent that could not be restarted: keeps its account, sends nothing. */
class SilentAgent extends BaseAgent {
  onTick(): OrderIntent[] {
    return [];
  }
}
