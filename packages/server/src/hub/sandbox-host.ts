/**
 * The server's sandbox: a `@crowdalpha/sandbox` SandboxPool when user strategies are enabled and
 * the pool starts, or the reason they are not (user strategies then answer 501 with it and
 * everything else keeps working). The package is imported statically and typed, so the compiler
 * checks the server's side of that edge.
 */
import { DEFAULT_PYTHON_RUNTIME, SandboxPool, type SandboxPoolOptions } from '@crowdalpha/sandbox';

export type SandboxLoad = { available: true; pool: SandboxPool } | { available: false; reason: string };

export function startSandbox(opts: { workers: number; seed: number; pythonPath?: string; maxErrors?: number }): SandboxLoad {
  try {
    const poolOpts: SandboxPoolOptions = { seed: opts.seed, pythonRuntime: { ...DEFAULT_PYTHON_RUNTIME, ...(opts.pythonPath ? { python: opts.pythonPath } : {}) } };
    if (opts.workers > 0) poolOpts.workers = opts.workers;
    if (opts.maxErrors !== undefined) poolOpts.limits = { maxErrors: opts.maxErrors };
    const pool = new SandboxPool(poolOpts);
    return { available: true, pool };
  } catch (e) {
    return { available: false, reason: `the sandbox pool failed to start: ${(e as Error).message}` };
  }
}
