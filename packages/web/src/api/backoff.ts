/** Reconnect delay: exponential from `baseMs`, capped at `maxMs`, with ±`jitter` so tabs don't stampede. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000, jitter: 0.2 };

/** `attempt` counts failed tries so far (0 → first retry). `rand` in [0,1). */
export function backoffDelay(attempt: number, rand: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const raw = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const factor = 1 + opts.jitter * (2 * rand - 1);
  return Math.round(Math.min(opts.maxMs, raw * factor));
}
