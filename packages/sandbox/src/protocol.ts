/**
 * Messages between the host (SandboxPool) and a runner process, over Node IPC with the
 * 'advanced' (structured clone) serialisation. Strategy data crosses only as JSON strings: the
 * state goes in as `state`, the strategy's answer comes back as `out`, both parsed on the far side.
 */

export interface LoadSpec {
  sid: string;
  /** Wrapped compiled strategy: a function expression returning the BaseAgent subclass. */
  code: string;
  /** Constructor options as a JSON string. */
  params: string;
  seed: number;
  startupTimeoutMs: number;
  timeoutMs: number;
  memoryMb: number;
  maxOrders: number;
  maxOutputBytes: number;
  /** console.* / print() lines kept per call, and characters per line. */
  logLinesPerCall?: number;
  logLineChars?: number;
}

export interface TickCall {
  sid: string;
  seq: number;
  /** JSON of the agent's own MarketState fields. */
  state: string;
  /** Index into the message's `shared` texts: the market part of the state. */
  shared: number;
  /**
   * Run on the runner's main thread (applySync) instead of the isolate's own thread. The host
   * asks this for strategies with a record of fast answers: it saves two thread hops per call.
   * Sync calls come after the async ones in a message and run in message order.
   */
  sync: boolean;
}

export type HostMessage =
  | { t: 'load'; req: number; spec: LoadSpec }
  | { t: 'tick'; calls: TickCall[]; shared: string[] }
  | { t: 'unload'; sid: string };

/** Why a call failed: the strategy's own fault (timeout, memory, error, output, load) or the runner's. */
export type FailureKind = 'timeout' | 'memory' | 'error' | 'output' | 'load' | 'dead' | 'busy' | 'crash' | 'watchdog';

export interface CallResult {
  sid: string;
  seq: number;
  ok: boolean;
  /** The driver's JSON string (on success and on strategy-reported failures). */
  out?: string;
  kind?: FailureKind;
  error?: string;
  /** Time the call took inside the runner, ms. */
  ms?: number;
  /** What the strategy printed before a call that gave no answer (a Python timeout). */
  log?: { lines: string[]; dropped: number };
}

export type RunnerMessage =
  | { t: 'ready'; pid: number }
  | { t: 'loaded'; req: number; sid: string; ok: boolean; kind?: FailureKind; error?: string }
  | { t: 'results'; items: CallResult[] };
