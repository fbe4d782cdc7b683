/**
 * `MarketEnv`: the market as a gym-style environment for one learning agent.
 *
 *   const env = new MarketEnv({ episodeTicks: 500 });
 *   let obs = env.reset(7);
 *   for (;;) { const r = env.step(policy(obs)); obs = r.obs; if (r.terminated || r.truncated) break; }
 *
 * Each episode is a fresh `Simulation` seeded by `reset(seed)` with the configured background
 * population (`config.population`, by default the market's default population), warmed up for
 * `warmupTicks` while the learner holds, then one env step = one market tick in which the learner's
 * action is submitted alongside everyone else's orders. Observation, reward and action space are
 * pluggable; the defaults are exactly the `rl_ppo` agent's, so a policy trained here trades the same
 * way when deployed as `rl_ppo` in a live market.
 *
 * Pure like the engine: no clock, no I/O; every random draw comes from the seed.
 */
import { BaseAgent } from '../agents/base-agent.js';
import { RL_ACTIONS, rlActionOrders } from '../agents/rl/action-space.js';
import { RL_FEATURES, observe } from '../agents/rl/ppo-agent.js';
import { anchorOf, rlReward, type RewardAnchor } from '../agents/rl/reward.js';
import { defaultConfig, type DeepPartial, type RlPpoConfig, type SimulationConfig } from '../config.js';
import { Simulation, type TickRequest } from '../simulation.js';
import type { MarketState, OrderIntent } from '../types.js';

/** What observation and reward functions are given besides the state. */
export interface EnvContext {
  /** Env steps taken in this episode before this state. */
  step: number;
  /** The agent's PnL at the start of the episode (after warm-up). */
  initialPnl: number;
  /** The learner's parameters (sizes, risk aversion, reward scale…). */
  agent: Readonly<RlPpoConfig>;
}

/** A discrete action space: names, and the orders each action places. */
export interface ActionSpace {
  names: readonly string[];
  orders(action: number, state: MarketState, agent: Readonly<RlPpoConfig>): OrderIntent[];
}

export interface MarketEnvOptions {
  /** The market (population, analytics, impact…); `seed` is replaced by reset(seed). */
  config?: DeepPartial<SimulationConfig>;
  /** Env steps per episode (then `truncated`). */
  episodeTicks?: number;
  /** Ticks the background market runs before the learner's first observation. */
  warmupTicks?: number;
  /** Id of the learner in the market. */
  agentId?: string;
  /** Overrides of the learner's `rlPpo` parameters (order sizes, reward terms). */
  agent?: Partial<RlPpoConfig>;
  observation?: { size: number; names?: readonly string[]; fn: (s: MarketState, ctx: EnvContext) => Float64Array };
  reward?: (prev: RewardAnchor, s: MarketState, ctx: EnvContext) => number;
  actions?: ActionSpace;
  /** End the episode (`terminated`) when the learner's net PnL falls below −this (0 = never). */
  maxLoss?: number;
}

export interface StepResult {
  obs: Float64Array;
  reward: number;
  /** The episode ended for a reason inside the market (loss limit, the learner silenced). */
  terminated: boolean;
  /** The episode reached `episodeTicks`. */
  truncated: boolean;
  info: StepInfo;
}

export interface StepInfo {
  tick: number;
  step: number;
  /** Learner's PnL since the episode started (after warm-up). */
  netPnl: number;
  position: number;
  impactPaid: number;
  mid: number;
  /** Orders the action placed. */
  orders: number;
}

/** The learner inside the simulation: answered by the env, not by `onTick`. */
class EnvAgent extends BaseAgent {
  override readonly external = true;
  constructor(id: string) {
    super(id, 'rl_env');
  }
  onTick(): OrderIntent[] {
    return [];
  }
}

export const DEFAULT_ACTION_SPACE: ActionSpace = {
  names: RL_ACTIONS,
  orders: (a, s, cfg) => rlActionOrders(a, s, cfg),
};

/** Env defaults: 1,000-step episodes after 50 warm-up ticks (the book and the analytics' windows fill). */
export const MARKET_ENV_DEFAULTS = { episodeTicks: 1000, warmupTicks: 50, agentId: 'rl_env', maxLoss: 0 } as const;

export class MarketEnv {
  readonly observationSize: number;
  readonly observationNames: readonly string[];
  readonly actionSpace: ActionSpace;
  readonly episodeTicks: number;
  readonly warmupTicks: number;
  readonly agentId: string;
  readonly agent: Readonly<RlPpoConfig>;
  private readonly opts: MarketEnvOptions;
  private sim: Simulation | null = null;
  private request: TickRequest | null = null;
  private state: MarketState | null = null;
  private anchor: RewardAnchor = { pnl: 0, impactPaid: 0 };
  private initialPnl = 0;
  private steps = 0;

  constructor(opts: MarketEnvOptions = {}) {
    this.opts = opts;
    this.episodeTicks = opts.episodeTicks ?? MARKET_ENV_DEFAULTS.episodeTicks;
    this.warmupTicks = opts.warmupTicks ?? MARKET_ENV_DEFAULTS.warmupTicks;
    this.agentId = opts.agentId ?? MARKET_ENV_DEFAULTS.agentId;
    if (!Number.isInteger(this.episodeTicks) || this.episodeTicks < 1) throw new RangeError(`episodeTicks must be a positive integer, got ${this.episodeTicks}`);
    if (!Number.isInteger(this.warmupTicks) || this.warmupTicks < 0) throw new RangeError(`warmupTicks must be an integer >= 0, got ${this.warmupTicks}`);
    const base = defaultConfig().rlPpo;
    for (const k of Object.keys(opts.agent ?? {})) {
      if (!(k in base)) throw new RangeError(`unknown learner parameter "${k}"; valid parameters are ${Object.keys(base).join(', ')}`);
    }
    this.agent = Object.freeze({ ...base, ...(opts.config?.rlPpo as Partial<RlPpoConfig> | undefined), ...opts.agent });
    this.actionSpace = opts.actions ?? DEFAULT_ACTION_SPACE;
    this.observationSize = opts.observation?.size ?? RL_FEATURES.length;
    this.observationNames = opts.observation ? (opts.observation.names ?? Array.from({ length: this.observationSize }, (_, i) => `x${i}`)) : [...RL_FEATURES];
  }

  /** Number of discrete actions. */
  get actions(): number {
    return this.actionSpace.names.length;
  }

  /** The running simulation (for inspection; null before the first reset). */
  get simulation(): Simulation | null {
    return this.sim;
  }

  /** Starts an episode in a fresh market seeded with `seed`; returns the first observation. */
  reset(seed: number): Float64Array {
    const sim = new Simulation({ ...(this.opts.config ?? {}), seed });
    sim.addAgent(new EnvAgent(this.agentId));
    for (let t = 0; t < this.warmupTicks; t++) sim.completeTick(sim.runLocalAgents(sim.prepareTick()));
    this.sim = sim;
    this.steps = 0;
    this.request = sim.prepareTick();
    const s = this.current();
    this.initialPnl = s.pnl;
    this.anchor = anchorOf(s);
    return this.observe(s);
  }

  /** Submits `action` with this tick's orders, runs the tick, and observes the next state. */
  step(action: number): StepResult {
    const sim = this.sim;
    const request = this.request;
    const s = this.state;
    if (!sim || !request || !s) throw new Error('MarketEnv.step() before reset(seed): start an episode first');
    if (!Number.isInteger(action) || action < 0 || action >= this.actions) {
      throw new RangeError(`action must be an integer in [0, ${this.actions - 1}] (${this.actionSpace.names.join(', ')}), got ${action}`);
    }
    const orders = this.actionSpace.orders(action, s, this.agent);
    const answers = sim.runLocalAgents(request);
    answers.set(this.agentId, orders);
    sim.completeTick(answers);
    this.steps++;
    this.request = sim.prepareTick();
    const silenced = !this.request.states.has(this.agentId);
    const next = silenced ? s : this.current();
    const ctx = this.context();
    const reward = this.opts.reward ? this.opts.reward(this.anchor, next, ctx) : rlReward(this.anchor, next, this.agent);
    this.anchor = anchorOf(next);
    const netPnl = next.pnl - this.initialPnl;
    const maxLoss = this.opts.maxLoss ?? MARKET_ENV_DEFAULTS.maxLoss;
    const terminated = silenced || (maxLoss > 0 && netPnl < -maxLoss);
    return {
      obs: this.observe(next),
      reward,
      terminated,
      truncated: !terminated && this.steps >= this.episodeTicks,
      info: { tick: next.tick, step: this.steps, netPnl, position: next.position, impactPaid: next.impactPaid ?? 0, mid: next.mid, orders: orders.length },
    };
  }

  private current(): MarketState {
    const s = this.request?.states.get(this.agentId);
    if (!s) throw new Error(`the learner ${this.agentId} is not active in the market`);
    this.state = s;
    return s;
  }

  private context(): EnvContext {
    return { step: this.steps, initialPnl: this.initialPnl, agent: this.agent };
  }

  private observe(s: MarketState): Float64Array {
    const ctx = this.context();
    return this.opts.observation ? this.opts.observation.fn(s, ctx) : observe(s, this.agent.maxInventory, ctx.initialPnl);
  }
}
