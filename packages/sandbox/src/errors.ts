/** Why a strategy was refused, with positions for source problems (1-based line and column). */
export interface StrategyDiagnostic {
  message: string;
  line?: number;
  column?: number;
  /** Which check failed: name, reserved_name, size, syntax, class, methods, import, probe, ... */
  rule?: string;
  /** `warning`s are reported but do not refuse the strategy; absent means error. */
  severity?: 'error' | 'warning';
}

/** Thrown by validation and deploy; the server answers 400 with `diagnostics`. */
export class StrategyValidationError extends Error {
  readonly code = 'STRATEGY_INVALID';
  readonly diagnostics: StrategyDiagnostic[];
  /** The strategy refused, when the check knew its name (for the API's message). */
  strategyName: string | undefined;

  constructor(diagnostics: StrategyDiagnostic[], strategyName?: string) {
    super(diagnostics.map(formatDiagnostic).join('; ') || 'strategy is invalid');
    this.name = 'StrategyValidationError';
    this.diagnostics = diagnostics;
    this.strategyName = strategyName;
  }
}

export function formatDiagnostic(d: StrategyDiagnostic): string {
  const text = d.severity === 'warning' ? `warning: ${d.message}` : d.message;
  return d.line !== undefined ? `${d.line}:${d.column ?? 1} ${text}` : text;
}
