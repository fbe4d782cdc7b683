/**
 * @crowdalpha/sandbox — running user-uploaded TypeScript/JavaScript and Python strategies safely
 * in the live market. Public surface, what the server and CLI build on:
 * - validation: `compileStrategy`, `checkStrategyName`, `checkParams`, `StrategyValidationError`;
 * - running: `SandboxPool` (runner processes, one isolate or CPython worker per strategy),
 *   `SandboxAgent`, limits (`defaultLimits`, `resolveLimits`), Python availability;
 * - the tick: `TickDriver` (prepare → in-process agents → sandbox → merge → complete), shared by
 *   the live server and `runBacktest`;
 * - the strategy SDK (`sdk`, `SDK_AMBIENT_DTS`).
 * Runner plumbing (answer sanitising, the runner's path, the Python worker and its marker) is in
 * `@crowdalpha/sandbox/internal`, for this repository's tests and benches, with no stability promise.
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
export { pythonAvailability, PythonUnavailableError, PYTHON_INSTALL_HINT, type PythonAvailability } from './python/availability.js';
export { DEFAULT_PYTHON_RUNTIME, type PythonRuntime } from './python/bwrap-command.js';
export { detectLanguage, resolveLanguage, LANGUAGE_DETECTION_RULE, STRATEGY_LANGUAGES, type StrategyLanguage } from './python/language.js';
export { isPythonCompiled } from './python/python-marker.js';
export { PYTHON_ALLOWED_IMPORTS } from './python/validate-python.js';
export { TickDriver, type TickDriverOptions, type TickSandbox } from './tick-driver.js';
export { runBacktest, type BacktestOptions, type BacktestReport, type BacktestTrade, type EquityPoint } from './backtest.js';
export * as sdk from './sdk/index.js';
export { SDK_AMBIENT_DTS } from './sdk/ambient.js';
