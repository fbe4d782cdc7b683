/**
 * @crowdalpha/engine — the pure, deterministic market library: order book and matching,
 * execution accounting, built-in agents, crowding and analytics, the simulation loop and its
 * event contract. No I/O: time and randomness are passed in.
 */
export * from './book/index.js';
export * from './types.js';
export * from './config.js';
export { Rng, type RngState } from './rng.js';
export * from './events.js';
export { BaseAgent, Orders, type AgentContext } from './agents/base-agent.js';
export { MomentumAgent } from './agents/momentum.js';
export { MeanReversionAgent } from './agents/mean-reversion.js';
export { MarketMakerAgent } from './agents/market-maker.js';
export { LadderMarketMakerAgent } from './agents/ladder-market-maker.js';
export { NoiseTradersAgent } from './agents/background/noise-traders.js';
export { ValueTradersAgent } from './agents/background/value-traders.js';
export { FundamentalProcess, type FundamentalState } from './agents/fundamental-process.js';
export { FALLBACK_PROBS, RL_ACTIONS, RL_FEATURES, RlPpoAgent, autoMinibatchesPerTick, modelFitProblem, observe as rlObserve, type LearningPoint, type RlMode } from './agents/rl/ppo-agent.js';
export { PpoLearner, explainedVariance, modelProblem, type Decision, type PpoLearnerState, type PpoModel, type UpdateStats } from './agents/rl/ppo-learner.js';
export { Mlp, type MlpState } from './agents/rl/mlp.js';
export { gae, type GaeResult } from './agents/rl/gae.js';
export { clippedSurrogate, entropyOf, mixProb, softmax, type SurrogateSample } from './agents/rl/policy-head.js';
export { RunningNorm, type RunningNormState } from './agents/rl/running-norm.js';
export { linearSchedule } from './agents/rl/schedule.js';
export { tQuantile975 } from './analytics/stats.js';
export {
  AgentConfigError,
  BACKGROUND_STRATEGIES,
  BUILTIN_STRATEGIES,
  createBuiltinAgent,
  defaultPopulation,
  isBuiltinStrategy,
  type BuiltinStrategyInfo,
  type BuiltinStrategyType,
} from './agents/builtin-registry.js';
export { Ledger, type LedgerRow } from './execution/ledger.js';
export { impactPerUnit } from './execution/impact-model.js';
export {
  Simulation,
  SimulationError,
  type AgentSpec,
  type SimulationCheckpoint,
  type SimulationOptions,
  type TickRequest,
  type TickResult,
} from './simulation.js';
export { Float64Ring, RingBuffer } from './util/ring-buffer.js';
export { FACTOR_NAMES, FACTOR_COUNT, FactorSpace, orderAggressiveness, type FactorName } from './crowding/factor-space.js';
export { CrowdingMatrix, similarityPass, type PhiNormalization, type IndexPair } from './crowding/crowding-matrix.js';
export { orderFlowImbalance, sideMultipliers, type SideMultipliers } from './crowding/side-multipliers.js';
export { AlphaDecay, type DecayFit } from './crowding/alpha-decay.js';
export { jacobiEigen, pca2d } from './crowding/pca.js';
export { Diagnostics, type AgentDiagnostics } from './analytics/diagnostics.js';
export { FragilityIndex, LfiAlert, type FragilityReading } from './analytics/fragility-index.js';
export { Regime, RegimeDetector, type RegimeMetrics, type RegimeThresholds } from './analytics/regime-detector.js';
export {
  aggregateReturns,
  hillIndex,
  stylizedFacts,
  varianceRatio,
  type BookSample,
  type FactCheck,
  type FactName,
  type StylizedFactsOptions,
  type StylizedFactsReport,
} from './analytics/stylized-facts.js';
export { MarketSampler } from './analytics/market-sampler.js';
export {
  MarketAnalytics,
  type AgentCrowdingView,
  type ExecutionMultipliers,
  type MarketAnalyticsOptions,
  type TickAnalyticsInput,
  type TickAnalyticsOutput,
  type TickFillInfo,
  type TickOrderInfo,
} from './analytics/market-analytics.js';
export * from './env/index.js';
export { rlActionOrders, type RlActionSizes } from './agents/rl/action-space.js';
export { anchorOf, rlReward, type RewardAnchor, type RlRewardConfig } from './agents/rl/reward.js';
export { measureSeed, stressMarket, validateMarket, STRESS_POPULATION, type SeedFigures, type SteppingMarket, type TargetCheck, type ValidationResult } from './analytics/market-validation.js';
