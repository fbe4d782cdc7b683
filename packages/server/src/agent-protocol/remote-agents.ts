/**
 * Outside learners as live agents: a program connected to `WS /ws/agent` that sent `join` gets an
 * agent in the shared market. Each tick the TickDriver asks it like a sandboxed strategy: the
 * server sends the `rl_ppo` observation and the reward for its previous action, and waits up to
 * the agent's `timeout_ms` (the sandbox's per-call deadline, 120 ms by default, 5..1000) for
 * `{"type":"act","tick":t,"action":a}`; the action becomes the `rl_ppo` action space's orders.
 * A late, missing or malformed answer is a fault that costs that tick's orders; after the
 * sandbox's `maxErrors` faults (one forgiven per 1,000 answered ticks) the agent is silenced,
 * exactly as a sandboxed strategy would be.
 */
import {
  BaseAgent,
  RL_ACTIONS,
  anchorOf,
  defaultConfig,
  rlActionOrders,
  rlObserve,
  rlReward,
  type MarketState,
  type OrderIntent,
  type RewardAnchor,
  type RlPpoConfig,
} from '@crowdalpha/engine';
import type { CollectOptions, SandboxStats, TickSandbox } from '@crowdalpha/sandbox';

export const REMOTE_STRATEGY = 'external_rl';

/** Answered ticks after which one fault is forgiven (as the sandbox does). */
const FORGIVE_EVERY = 1000;

/** The outside learner's slot in the simulation: answered by `RemoteAgents`, never by `onTick`. */
export class RemoteAgent extends BaseAgent {
  override readonly external = true;
  constructor(id: string) {
    super(id, REMOTE_STRATEGY);
  }
  onTick(): OrderIntent[] {
    return [];
  }
}

/** How the registry talks to one connection. */
export interface RemoteLink {
  send(message: Record<string, unknown>): void;
  close(code: number, reason: string): void;
}

interface Entry {
  link: RemoteLink;
  cfg: RlPpoConfig;
  timeoutMs: number;
  maxErrors: number;
  anchor: RewardAnchor | null;
  initialPnl: number | null;
  /** The tick waiting for an answer and its resolver. */
  waiting: { tick: number; resolve: (action: number | null) => void } | null;
  answered: number;
  missed: number;
  invalid: number;
  strikes: number;
  lastAction: number | null;
  lastFault: string | null;
}

export class RemoteAgents implements TickSandbox {
  private readonly entries = new Map<string, Entry>();
  onAgentSilenced?: ((agentId: string, reason: string) => void) | undefined;

  register(agentId: string, link: RemoteLink, opts: { timeoutMs: number; maxErrors: number; params?: Partial<RlPpoConfig> }): void {
    this.entries.set(agentId, {
      link,
      cfg: { ...defaultConfig().rlPpo, ...opts.params },
      timeoutMs: opts.timeoutMs,
      maxErrors: opts.maxErrors,
      anchor: null,
      initialPnl: null,
      waiting: null,
      answered: 0,
      missed: 0,
      invalid: 0,
      strikes: 0,
      lastAction: null,
      lastFault: null,
    });
  }

  has(agentId: string): boolean {
    return this.entries.has(agentId);
  }

  /** An `act` message from the agent's connection; false (and a fault) when no tick is waiting for it. */
  answer(agentId: string, tick: number | undefined, action: number): string | null {
    const e = this.entries.get(agentId);
    if (!e) return `agent ${agentId} is not in the market`;
    const w = e.waiting;
    if (!w) return 'no observation is waiting for an action; act once per observation, with its tick';
    if (tick !== undefined && tick !== w.tick) return `act.tick ${tick} is not the tick waiting for an action (${w.tick}); the late answer is ignored`;
    if (!Number.isInteger(action) || action < 0 || action >= RL_ACTIONS.length) {
      return `action must be an integer in [0, ${RL_ACTIONS.length - 1}] (${RL_ACTIONS.join(', ')}), got ${action}`;
    }
    e.waiting = null;
    w.resolve(action);
    return null;
  }

  /** A fault reported by the connection (a malformed message): counts toward silencing. */
  fault(agentId: string, reason: string): void {
    const e = this.entries.get(agentId);
    if (!e) return;
    e.invalid++;
    this.strike(agentId, e, reason);
  }

  async collect(states: Map<string, MarketState>, _opts?: CollectOptions): Promise<Map<string, OrderIntent[]>> {
    const out = new Map<string, OrderIntent[]>();
    const pending: Promise<void>[] = [];
    for (const [id, state] of states) {
      const e = this.entries.get(id);
      if (!e) continue;
      if (e.initialPnl === null) e.initialPnl = state.pnl;
      const reward = e.anchor ? rlReward(e.anchor, state, e.cfg) : null;
      e.anchor = anchorOf(state);
      const obs = rlObserve(state, e.cfg.maxInventory, e.initialPnl);
      pending.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            if (e.waiting?.tick === state.tick) {
              e.waiting = null;
              e.missed++;
              this.strike(id, e, `no action within ${e.timeoutMs} ms at tick ${state.tick}`);
            }
            resolve();
          }, e.timeoutMs);
          e.waiting = {
            tick: state.tick,
            resolve: (action) => {
              clearTimeout(timer);
              if (action !== null) {
                e.answered++;
                e.lastAction = action;
                if (e.answered % FORGIVE_EVERY === 0 && e.strikes > 0) e.strikes--;
                out.set(id, rlActionOrders(action, state, e.cfg));
              }
              resolve();
            },
          };
          e.link.send({
            type: 'observation',
            tick: state.tick,
            obs: [...obs],
            reward,
            info: { position: state.position, pnl: state.pnl, net_pnl: state.pnl - e.initialPnl!, mid: state.mid },
          });
        }),
      );
    }
    await Promise.all(pending);
    return out;
  }

  stats(agentId: string): SandboxStats {
    const e = this.entries.get(agentId);
    const s = {
      remote_answered: e?.answered ?? 0,
      remote_missed: e?.missed ?? 0,
      remote_invalid: e?.invalid ?? 0,
      remote_strikes: e?.strikes ?? 0,
      remote_timeout_ms: e?.timeoutMs ?? 0,
      remote_last_action: e?.lastAction === null || e?.lastAction === undefined ? null : (RL_ACTIONS[e.lastAction] ?? null),
      remote_last_fault: e?.lastFault ?? null,
    };
    return s as unknown as SandboxStats;
  }

  /** The connection is gone or the agent was stopped: no more observations for it. */
  stop(agentId: string, reason = 'stopped'): boolean {
    const e = this.entries.get(agentId);
    if (!e) return false;
    this.entries.delete(agentId);
    e.waiting?.resolve(null);
    e.waiting = null;
    try {
      e.link.send({ type: 'stopped', reason });
      e.link.close(1000, reason.slice(0, 120));
    } catch {
      /* the socket is already gone */
    }
    return true;
  }

  private strike(agentId: string, e: Entry, reason: string): void {
    e.strikes++;
    e.lastFault = reason;
    try {
      e.link.send({ type: 'error', code: 'CA_ERR_VALIDATION', message: `${reason} (fault ${e.strikes} of ${e.maxErrors})` });
    } catch {
      /* ignore */
    }
    if (e.strikes >= e.maxErrors) {
      const why = `silenced after ${e.strikes} faults; last: ${reason}`;
      this.stop(agentId, why);
      this.onAgentSilenced?.(agentId, why);
    }
  }
}

/** The TickDriver's sandbox: sandboxed strategies from the pool, outside learners from `remote`. */
export class CompositeTickSandbox implements TickSandbox {
  private silencedHandler: ((agentId: string, reason: string) => void) | undefined;

  constructor(
    private readonly pool: TickSandbox | null,
    private readonly remote: RemoteAgents,
  ) {}

  get onAgentSilenced(): ((agentId: string, reason: string) => void) | undefined {
    return this.silencedHandler;
  }

  set onAgentSilenced(fn: ((agentId: string, reason: string) => void) | undefined) {
    this.silencedHandler = fn;
    if (this.pool) this.pool.onAgentSilenced = fn;
    this.remote.onAgentSilenced = fn;
  }

  has(agentId: string): boolean {
    return this.remote.has(agentId) || (this.pool?.has(agentId) ?? false);
  }

  async collect(states: Map<string, MarketState>, opts?: CollectOptions): Promise<Map<string, OrderIntent[]>> {
    const mine = new Map<string, MarketState>();
    const theirs = new Map<string, MarketState>();
    for (const [id, s] of states) (this.remote.has(id) ? mine : theirs).set(id, s);
    const [a, b] = await Promise.all([
      mine.size ? this.remote.collect(mine) : Promise.resolve(new Map<string, OrderIntent[]>()),
      theirs.size && this.pool ? this.pool.collect(theirs, opts) : Promise.resolve(new Map<string, OrderIntent[]>()),
    ]);
    for (const [id, o] of b) a.set(id, o);
    return a;
  }

  stats(agentId: string): SandboxStats {
    return this.remote.has(agentId) || !this.pool ? this.remote.stats(agentId) : this.pool.stats(agentId);
  }

  stop(agentId: string, reason?: string): boolean {
    return this.remote.has(agentId) ? this.remote.stop(agentId, reason) : (this.pool?.stop(agentId, reason) ?? false);
  }

  async settled(agentId: string): Promise<void> {
    if (!this.remote.has(agentId)) await this.pool?.settled?.(agentId);
  }
}

