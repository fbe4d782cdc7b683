/**
 * The engine-side face of a sandboxed strategy: an `external` agent the Simulation schedules like
 * any other, whose orders come from `SandboxPool.collect()` rather than `onTick`. Holds nothing of
 * the user's code or objects, only plain numbers and strings copied out of the sandbox.
 */
import { BaseAgent, type MarketState, type OrderIntent } from '@crowdalpha/engine';

export type SandboxStats = Record<string, number | string | boolean | null>;

/** A strategy fault as the author should read it: where in their file, and the first frames. */
export interface StrategyFault {
  tick: number | null;
  kind: string;
  message: string;
  line: number | null;
  column: number | null;
  stack: string[];
}

/** What the counters cannot say: reasons, the log tail and the last fault (GET /strategies/{id}/stats). */
export interface SandboxDetails {
  /** The first dropped/clamped orders' reasons, with the tick. */
  drop_reasons: Array<{ tick: number | null; reason: string }>;
  /** The last console.* lines, oldest first, each prefixed by its tick. */
  log_tail: Array<{ tick: number | null; line: string }>;
  /** Lines not kept (over the per-call cap). */
  log_dropped: number;
  last_error: StrategyFault | null;
}

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
  /** Faults (throw, timeout, memory, bad output) counted towards `maxErrors`. */
  errorStrikes: number;
  restarts: number;
  lastLatencyMs: number | null;
  logLines: number;
}

export class SandboxAgent extends BaseAgent {
  override readonly external = true;
  /** Why the agent went silent (`sandbox_error`), or null while it trades. */
  silencedReason: string | null = null;
  /** Set when the host stopped the agent (owner/operator): not a sandbox fault. */
  stopped = false;
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
    errorStrikes: 0,
    restarts: 0,
    lastLatencyMs: null,
    logLines: 0,
  };
  /** Reasons, log tail and last fault; the pool fills them. */
  readonly details: SandboxDetails = { drop_reasons: [], log_tail: [], log_dropped: 0, last_error: null };
  /** Fault budget (`maxErrors`), shown beside the strikes. */
  maxErrors = 0;
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
      sandbox_status: this.stopped ? 'stopped' : this.silencedReason ? 'silenced' : 'active',
      sandbox_error: this.stopped ? null : this.silencedReason,
      last_error: this.details.last_error ? this.details.last_error.message : null,
      timeout_ms: this.timeoutMs,
      calls: c.calls,
      answered: c.answered,
      orders: c.orders,
      orders_dropped: c.malformedDropped + c.overCapDropped,
      malformed_dropped: c.malformedDropped,
      over_cap_dropped: c.overCapDropped,
      qty_clamped: c.qtyClamped,
      timeouts: c.timeouts,
      errors: c.errors,
      late: c.late,
      strikes: c.strikes,
      error_strikes: c.errorStrikes,
      max_errors: this.maxErrors,
      restarts: c.restarts,
      log_lines: c.logLines,
      last_latency_ms: c.lastLatencyMs,
      runner_pid: this.runnerPid,
      language: this.language,
    };
  }
}
