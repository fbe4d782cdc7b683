/**
 * Resource limits of sandboxed strategies (docs/MODEL.md §8). Every default is a named, overridable value;
 * `resolveLimits` checks overrides and `resolveTimeoutMs` applies the per-deploy `timeout_ms` rule.
 */

export interface SandboxLimits {
  /** Per-call CPU/wall deadline for `onTick`, ms (default 120, min 5, max 1,000). */
  timeoutMs: number;
  /** Deadline for loading the code and running the constructor, ms. */
  startupTimeoutMs: number;
  /** Orders kept per tick; the rest are dropped and counted. */
  maxOrdersPerTick: number;
  /** Quantities are clamped into [minQty, maxQty] after rounding to an integer. */
  minQty: number;
  maxQty: number;
  /** V8 heap cap per strategy isolate, MB (isolated-vm enforces >= 8). */
  memoryMb: number;
  /** Cap on the JSON a strategy may return per call, in UTF-16 code units. */
  maxOutputBytes: number;
  /** How long past the largest per-agent deadline a tick waits for answers; later ones miss the tick. */
  watchdogSlackMs: number;
  /**
   * How long past its own deadline a call may stay unanswered before the watchdog SIGKILLs its
   * runner. The interrupt normally answers within a millisecond of the deadline; this only catches
   * what ignores it (huge BigInt parses, hostile rejection reasons) without punishing a runner the
   * OS merely scheduled late.
   */
  watchdogGraceMs: number;
  /** Watchdog strikes after which an agent is silenced (a sole offender is silenced at once). */
  maxStrikes: number;
  /**
   * Strategy faults (onTick threw, timed out, ran out of memory or answered something that is not
   * an array of orders) after which the agent is silenced. Below it a fault costs that tick's
   * orders (and, for a timeout or memory fault, the strategy's in-sandbox state: it is restarted).
   * One strike is forgiven every 1,000 answered calls. 1 = silenced at the first fault.
   */
  maxErrors: number;
  /** console.* lines a strategy may log per call (more are counted, not kept), and characters per line. */
  logLinesPerCall: number;
  logLineChars: number;
  /** Log lines the host keeps per agent (the tail shown in stats and on the Strategy page). */
  logTailLines: number;
  /** Dropped/clamped orders whose reason is kept per agent (the first ones; all are counted). */
  dropReasonsKept: number;
  /** Source size cap, characters. */
  maxSourceChars: number;
  /** Python workers: address-space cap (RLIMIT_AS), MB; numpy itself needs about 50. */
  pythonMemoryMb: number;
  /** Python workers: CPU seconds over the worker's whole life (RLIMIT_CPU); the per-call deadline is timeoutMs. */
  pythonCpuSeconds: number;
  /** Python workers: open file descriptors (RLIMIT_NOFILE); the harness itself holds 5. */
  pythonMaxFiles: number;
  /** Python workers: how long interpreter + numpy start-up inside bubblewrap may take before the worker is killed, ms. */
  pythonSpawnTimeoutMs: number;
  /**
   * Python workers starting at once; more wait their turn (their spawn deadline starts when they
   * do). Many started together on a small machine each miss the deadline; queued, they all start.
   */
  pythonConcurrentStarts: number;
}

export const DEFAULT_TIMEOUT_MS = 120;
export const MIN_TIMEOUT_MS = 5;
export const MAX_TIMEOUT_MS = 1_000;

export function defaultLimits(): SandboxLimits {
  return {
    timeoutMs: DEFAULT_TIMEOUT_MS,
    startupTimeoutMs: 1_200,
    maxOrdersPerTick: 12,
    minQty: 1,
    maxQty: 200,
    memoryMb: 64,
    maxOutputBytes: 64 * 1024,
    watchdogSlackMs: 40,
    watchdogGraceMs: 1_000,
    maxStrikes: 2,
    maxErrors: 3,
    logLinesPerCall: 20,
    logLineChars: 300,
    logTailLines: 50,
    dropReasonsKept: 5,
    maxSourceChars: 32_000,
    pythonMemoryMb: 256,
    pythonCpuSeconds: 3_600,
    pythonMaxFiles: 16,
    pythonSpawnTimeoutMs: 10_000,
    pythonConcurrentStarts: 4,
  };
}

export class SandboxConfigError extends Error {
  readonly code = 'SANDBOX_CONFIG_INVALID';
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'SandboxConfigError';
  }
}

const INT_RANGES: Record<keyof SandboxLimits, [number, number]> = {
  timeoutMs: [MIN_TIMEOUT_MS, MAX_TIMEOUT_MS],
  startupTimeoutMs: [50, 30_000],
  maxOrdersPerTick: [1, 1_000],
  minQty: [1, 1_000_000],
  maxQty: [1, 1_000_000],
  memoryMb: [8, 4_096],
  maxOutputBytes: [1_024, 16 * 1024 * 1024],
  watchdogSlackMs: [1, 10_000],
  watchdogGraceMs: [10, 60_000],
  maxStrikes: [1, 100],
  maxErrors: [1, 1_000_000],
  logLinesPerCall: [0, 1_000],
  logLineChars: [16, 10_000],
  logTailLines: [0, 10_000],
  dropReasonsKept: [0, 1_000],
  maxSourceChars: [1, 10_000_000],
  pythonMemoryMb: [96, 16_384],
  pythonCpuSeconds: [1, 1_000_000],
  pythonMaxFiles: [8, 1_024],
  pythonSpawnTimeoutMs: [500, 120_000],
  pythonConcurrentStarts: [1, 256],
};

/** Defaults merged with overrides; throws SandboxConfigError naming the bad key and its range. */
export function resolveLimits(overrides: Partial<SandboxLimits> = {}): Readonly<SandboxLimits> {
  const out = defaultLimits();
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const range = INT_RANGES[key as keyof SandboxLimits];
    if (!range) throw new SandboxConfigError(key, `unknown limit; valid keys: ${Object.keys(INT_RANGES).join(', ')}`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw new SandboxConfigError(key, `must be an integer in [${range[0]}, ${range[1]}], got ${String(value)}`);
    }
    out[key as keyof SandboxLimits] = value;
  }
  if (out.minQty > out.maxQty) throw new SandboxConfigError('minQty', `must be <= maxQty (${out.maxQty}), got ${out.minQty}`);
  return Object.freeze(out);
}

/**
 * The per-deploy `config.timeout_ms`: absent → the pool default; otherwise an integer in
 * [5, 1000] or a SandboxConfigError (the server turns it into a 400).
 */
export function resolveTimeoutMs(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN_TIMEOUT_MS || value > MAX_TIMEOUT_MS) {
    throw new SandboxConfigError('config.timeout_ms', `must be an integer in [${MIN_TIMEOUT_MS}, ${MAX_TIMEOUT_MS}], got ${JSON.stringify(value)}`);
  }
  return value;
}
