/**
 * @crowdalpha/sandbox — running user-uploaded TypeScript/JavaScript strategies safely in the
 * live market: validation, a pool of runner processes hosting one isolated-vm isolate per
 * strategy, the strategy SDK, and local backtests in the same sandbox.
 */
export { StrategyValidationError, formatDiagnostic, type StrategyDiagnostic } from './errors.js';
export {
  defaultLimits,
  resolveLimits,
  resolveTimeoutMs,
  SandboxConfigError,
  DEFAULT_TIMEOUT_MS,
  MIN_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  type SandboxLimits,
} from './limits.js';
export {
  checkStrategyName,
  compileStrategy,
  STRATEGY_NAME_RULE,
  RESERVED_STRATEGY_NAMES,
  DEFAULT_MAX_SOURCE_CHARS,
  type CompiledStrategy,
  type CompileOptions,
} from './validate-source.js';
export { SandboxPool, type SandboxPoolOptions, type DeployConfig, type ValidatedStrategy, type CollectOptions, type RunnerEvent } from './sandbox-pool.js';
export { SandboxAgent, type SandboxStats, type SandboxAgentCounters, type SandboxDetails, type StrategyFault } from './sandbox-agent.js';
export { checkParams, type StrategyParams, type StrategyParam } from './strategy-params.js';
export { parseDriverAnswer, type SanitizedAnswer, type CapturedLog } from './sanitize-orders.js';
export { syntheticMarketState } from './synthetic-state.js';
export { defaultRunnerPath } from './runner-process.js';
export { pythonAvailability, PythonUnavailableError, PYTHON_INSTALL_HINT, type PythonAvailability } from './python/availability.js';
export { DEFAULT_PYTHON_RUNTIME, type PythonRuntime } from './python/bwrap-command.js';
export { detectLanguage, resolveLanguage, LANGUAGE_DETECTION_RULE, STRATEGY_LANGUAGES, type StrategyLanguage } from './python/language.js';
export { isPythonCompiled } from './python/python-marker.js';
export { PYTHON_ALLOWED_IMPORTS } from './python/validate-python.js';
export { TickDriver, type TickDriverOptions, type TickSandbox } from './tick-driver.js';
export { runBacktest, type BacktestOptions, type BacktestReport, type BacktestTrade, type EquityPoint } from './backtest.js';
export * as sdk from './sdk/index.js';
export { SDK_AMBIENT_DTS } from './sdk/ambient.js';
