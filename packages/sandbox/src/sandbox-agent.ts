/**
 * The engine-side face of a sandboxed strategy: an `external` agent the Simulation schedules like
 * any other, whose orders come from `SandboxPool.collect()` rather than `onTick`. Holds nothing of
 * the user's code or objects, only plain numbers and strings copied out of the sandbox.
 */
import { BaseAgent, type MarketState, type OrderIntent } from '@crowdalpha/engine';

export type SandboxStats = Record<string, number | string | boolean | null>;

export interface SandboxAgentCounters {
  calls: number;
  answered: number;
  orders: number;
  malformedDropped: number;
  overCapDropped: number;
  qtyClamped: number;
  timeouts: number;
  errors: number;
  late: number;
  strikes: number;
  restarts: number;
  lastLatencyMs: number | null;
}

export class SandboxAgent extends BaseAgent {
  override readonly external = true;
  /** Why the agent went silent (`sandbox_error`), or null while it trades. */
  silencedReason: string | null = null;
  readonly timeoutMs: number;
  readonly counters: SandboxAgentCounters = {
    calls: 0,
    answered: 0,
    orders: 0,
    malformedDropped: 0,
    overCapDropped: 0,
    qtyClamped: 0,
    timeouts: 0,
    errors: 0,
    late: 0,
    strikes: 0,
    restarts: 0,
    lastLatencyMs: null,
  };
  private lastFactors: number[] = [];
  /** Set by the pool: pid of the runner process hosting it. */
  runnerPid: number | null = null;
  /** Set by the pool: the language the strategy is written in. */
  language: 'typescript' | 'python' = 'typescript';

  constructor(id: string, strategyName: string, params: Record<string, unknown>, timeoutMs: number) {
    super(id, strategyName);
    this.params = params;
    this.timeoutMs = timeoutMs;
  }

  /** Sandboxed agents answer through SandboxPool.collect(); the in-process path is a caller bug. */
  onTick(_state: MarketState): OrderIntent[] {
    throw new Error(`agent ${this.id} runs in the sandbox: get its orders with SandboxPool.collect(), not onTick()`);
  }

  /** The factor vector the strategy reported on its last answered tick. */
  override factorVector(): number[] {
    return this.lastFactors.slice();
  }

  /** @internal pool use */
  recordFactors(v: number[] | null): void {
    if (v) this.lastFactors = v;
  }

  get silenced(): boolean {
    return this.silencedReason !== null;
  }

  /** Sandbox counters, snake_case, for AgentStats.extra and GET /strategies/{id}/stats. */
  stats(): SandboxStats {
    const c = this.counters;
    return {
      sandbox: true,
      sandbox_status: this.silencedReason ? 'silenced' : 'active',
      sandbox_error: this.silencedReason,
      timeout_ms: this.timeoutMs,
      calls: c.calls,
      answered: c.answered,
      orders: c.orders,
      malformed_dropped: c.malformedDropped,
      over_cap_dropped: c.overCapDropped,
      qty_clamped: c.qtyClamped,
      timeouts: c.timeouts,
      errors: c.errors,
      late: c.late,
      strikes: c.strikes,
      restarts: c.restarts,
      last_latency_ms: c.lastLatencyMs,
      runner_pid: this.runnerPid,
      language: this.language,
    };
  }
}
