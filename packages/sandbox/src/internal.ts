/**
 * @crowdalpha/sandbox/internal — runner plumbing behind the public surface, exported for this
 * repository's own tests and benches, with no stability promise. Users of the sandbox need only
 * `@crowdalpha/sandbox`.
 */
export { parseDriverAnswer, type SanitizedAnswer, type CapturedLog } from './sanitize-orders.js';
export { syntheticMarketState } from './synthetic-state.js';
export { defaultRunnerPath } from './runner-process.js';
export { PythonWorker, type PythonWorkerLimits } from './python/python-worker.js';
export { PYTHON_COMPILED_PREFIX, pythonSourceOf, toPythonCompiled } from './python/python-marker.js';
