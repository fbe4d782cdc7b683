/**
 * The one tick loop for markets with sandboxed agents, shared by the live server (MarketHub) and
 * `runBacktest`: prepare → in-process agents → sandbox collect → merge → complete, with the
 * sandbox's silencing wired into the engine and each sandboxed agent's counters attached to its
 * stats as per-tick extras (so a tick's TICK payload carries that tick's figures).
 *
 * What differs between the two callers is a policy, not code: the live market bounds the
 * sandbox collect by a wall-clock deadline (a slow strategy must not stall everyone), a backtest
 * waits for every answer (its result must not depend on how busy the machine was).
 */
import type { BaseAgent, MarketState, OrderIntent, Simulation, TickResult } from '@crowdalpha/engine';
import type { CollectOptions } from './sandbox-pool.js';
import type { SandboxStats } from './sandbox-agent.js';

/** The part of a SandboxPool the driver uses (a SandboxPool satisfies it). */
export interface TickSandbox {
  collect(states: Map<string, MarketState>, opts?: CollectOptions): Promise<Map<string, OrderIntent[]>>;
  stats(agentId: string): SandboxStats;
  stop(agentId: string, reason?: string): boolean;
  has(agentId: string): boolean;
  /** Resolves when a restart after a fault is over (a backtest waits for it; a live market does not). */
  settled?(agentId: string): Promise<void>;
  onAgentSilenced?: ((agentId: string, reason: string) => void) | undefined;
}

export interface TickDriverOptions {
  /**
   * Wall-clock bound on the sandbox collect, ms: agents that have not answered by then send no
   * orders this tick. null waits for every answer (with `waitForAll`), as a backtest must.
   */
  collectDeadlineMs: number | null;
  /** Called after the engine marked an agent silenced by the sandbox; `tick` is the first tick it misses. */
  onSilenced?: (agentId: string, reason: string, tick: number) => void;
}

export class TickDriver {
  private sim: Simulation | null = null;
  private readonly sandboxed = new Set<string>();
  /** The agent `stopSandboxed` is tearing down: its silence callback is ours, not a fault. */
  private stopping: string | null = null;

  constructor(
    private readonly sandbox: TickSandbox | null,
    private readonly opts: TickDriverOptions,
  ) {
    if (sandbox) sandbox.onAgentSilenced = (agentId, reason) => this.silenced(agentId, reason);
  }

  /** Drives `sim` from now on (a reset installs a new one); its external agents are the sandboxed ones. */
  attach(sim: Simulation): void {
    this.sim = sim;
    this.sandboxed.clear();
    for (const id of sim.agentIds()) if (sim.getAgent(id)?.external) this.sandboxed.add(id);
  }

  get simulation(): Simulation {
    if (!this.sim) throw new Error('TickDriver has no simulation attached; call attach(sim) first');
    return this.sim;
  }

  /** Ids of the sandboxed agents of the attached market. */
  get sandboxedIds(): ReadonlySet<string> {
    return this.sandboxed;
  }

  /** Adds an agent to the attached market between ticks. */
  addAgent(agent: BaseAgent): void {
    this.simulation.addAgent(agent);
    if (agent.external) this.sandboxed.add(agent.id);
  }

  /** Tears a sandboxed agent's context down (an operator or owner stop): not counted as a fault. */
  stopSandboxed(agentId: string, reason: string): void {
    if (!this.sandbox || !this.sandboxed.has(agentId) || !this.sandbox.has(agentId)) return;
    this.stopping = agentId;
    try {
      this.sandbox.stop(agentId, reason);
    } finally {
      this.stopping = null;
    }
  }

  /** Runs one tick of the attached market. Callers make sure ticks never overlap. */
  async tick(): Promise<TickResult> {
    const sim = this.simulation;
    const sandbox = this.sandbox;
    if (this.sandboxed.size === 0 || !sandbox) return sim.step();
    const req = sim.prepareTick();
    const orders = sim.runLocalAgents(req);
    const states = new Map<string, MarketState>();
    for (const id of this.sandboxed) {
      const s = req.states.get(id);
      if (s) states.set(id, s);
    }
    if (states.size > 0) {
      const deadline = this.opts.collectDeadlineMs;
      if (deadline === null && sandbox.settled) for (const id of states.keys()) await sandbox.settled(id);
      const ext =
        deadline === null
          ? await sandbox.collect(states, { waitForAll: true })
          : await withDeadline(sandbox.collect(states), deadline, new Map<string, OrderIntent[]>());
      for (const [id, list] of ext) orders.set(id, list);
    }
    for (const id of this.sandboxed) if (sim.hasAgent(id) && sandbox.has(id)) sim.setAgentExtra(id, sandbox.stats(id));
    return sim.completeTick(orders);
  }

  private silenced(agentId: string, reason: string): void {
    if (agentId === this.stopping) return;
    const sim = this.sim;
    if (!sim) return;
    if (sim.hasAgent(agentId)) sim.setAgentStatus(agentId, 'silenced', reason);
    this.opts.onSilenced?.(agentId, reason, sim.tick + 1);
  }
}

/** Resolves with `fallback` if `p` has not settled within `ms` (or when it rejects). */
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
