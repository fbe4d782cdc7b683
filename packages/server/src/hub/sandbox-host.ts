/**
 * The server's handle on `@crowdalpha/sandbox` (see notes/sandbox-api.md). The package is loaded
 * lazily and optionally: when it is missing or fails to load, user strategies answer 501 with the
 * reason and everything else keeps working. The structural types below mirror the sandbox
 * contract, so the server compiles without the sandbox being built.
 */
import type { BaseAgent, MarketState, OrderIntent } from '@crowdalpha/engine';

export interface StrategyDiagnosticLike {
  message: string;
  line?: number;
  column?: number;
  rule?: string;
}

/** What `SandboxPool.deploy` returns: an engine agent with `external = true`. */
export type SandboxAgentLike = BaseAgent;

export interface SandboxPoolLike {
  validate(name: string, source: string): Promise<{ compiled: string }>;
  deploy(
    agentId: string,
    strategyName: string,
    compiled: string,
    config?: { timeout_ms?: number; params?: Record<string, unknown> },
  ): Promise<SandboxAgentLike>;
  collect(states: Map<string, MarketState>): Promise<Map<string, OrderIntent[]>>;
  onAgentSilenced?: (agentId: string, reason: string) => void;
  stats(agentId: string): Record<string, number | string | boolean | null>;
  /** Tears the strategy's context down and silences it with `reason` (an operator or owner stop). */
  stop(agentId: string, reason?: string): boolean;
  /** Whether an agent id is deployed in the pool (deployed ids cannot be deployed again). */
  has(agentId: string): boolean;
  /** The live agent of a deployed id. */
  agent(agentId: string): SandboxAgentLike | undefined;
  close(): Promise<void>;
}

interface SandboxModule {
  SandboxPool: new (opts?: { workers?: number; limits?: Record<string, unknown>; seed?: number }) => SandboxPoolLike;
}

export type SandboxLoad = { available: true; pool: SandboxPoolLike } | { available: false; reason: string };

/** A StrategyValidationError from the sandbox, recognised by its code rather than its class. */
export function isStrategyValidationError(e: unknown): e is Error & { code: 'STRATEGY_INVALID'; diagnostics?: StrategyDiagnosticLike[] } {
  return e instanceof Error && (e as { code?: unknown }).code === 'STRATEGY_INVALID';
}

/** The specifier is a variable so TypeScript does not require the package at compile time. */
const SANDBOX_PACKAGE: string = '@crowdalpha/sandbox';

export async function loadSandbox(opts: { workers: number; seed: number }): Promise<SandboxLoad> {
  let mod: Partial<SandboxModule>;
  try {
    mod = (await import(SANDBOX_PACKAGE)) as Partial<SandboxModule>;
  } catch (e) {
    return { available: false, reason: `the ${SANDBOX_PACKAGE} package could not be loaded (${(e as Error).message.split('\n')[0]}); build it with \`npx tsc -b packages/sandbox\`` };
  }
  if (typeof mod.SandboxPool !== 'function') {
    return { available: false, reason: `${SANDBOX_PACKAGE} does not export SandboxPool yet` };
  }
  try {
    const pool = new mod.SandboxPool(opts.workers > 0 ? { workers: opts.workers, seed: opts.seed } : { seed: opts.seed });
    return { available: true, pool };
  } catch (e) {
    return { available: false, reason: `the sandbox pool failed to start: ${(e as Error).message}` };
  }
}
