/**
 * @crowdalpha/engine/internal — building blocks behind the public surface, exported for this
 * repository's own tests and benches (and for anyone who wants to experiment with them), with no
 * stability promise: names and shapes here change whenever the engine needs them to. Anything a
 * user of the engine needs is in `@crowdalpha/engine` (and the wire shapes in
 * `@crowdalpha/engine/wire`); nothing there depends on importing from here.
 */
// The order book: typed-array order and fill stores, the price grid, the matching engine.
export * from './book/index.js';
// Execution accounting (the Simulation owns one).
export { Ledger, type LedgerRow } from './execution/ledger.js';
// Engine → wire codecs used inside the tick loop.
export { fillToWire, makeEvent, orderToWire, riskFigures, type AgentRiskFigures } from './events.js';
// Fixed-capacity rings behind every rolling window.
export { Float64Ring, RingBuffer } from './util/ring-buffer.js';
// Crowding internals: the order-aggressiveness factor, the pairwise similarity pass, PCA.
export { orderAggressiveness } from './crowding/factor-space.js';
export { similarityPass, type IndexPair } from './crowding/crowding-matrix.js';
export { jacobiEigen, pca2d } from './crowding/pca.js';
// The PPO learner's parts: network, advantage estimation, policy head, normalisation, schedules.
export { autoMinibatchesPerTick } from './agents/rl/ppo-agent.js';
export { explainedVariance } from './agents/rl/ppo-learner.js';
export { Mlp, type MlpState } from './agents/rl/mlp.js';
export { gae, type GaeResult } from './agents/rl/gae.js';
export { clippedSurrogate, entropyOf, mixProb, softmax, type SurrogateSample } from './agents/rl/policy-head.js';
export { RunningNorm, type RunningNormState } from './agents/rl/running-norm.js';
export { linearSchedule } from './agents/rl/schedule.js';
