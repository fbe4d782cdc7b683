/**
 * @crowdalpha/engine — the pure, deterministic market library. No I/O: time and randomness are
 * passed in. This index is the public surface, what researchers, strategy authors and the other
 * packages build on:
 * - the market: `Simulation` (tick loop, checkpoints), its config (`defaultConfig`,
 *   `resolveConfig`, presets), the seeded `Rng`, order-book reject codes;
 * - agents: `BaseAgent` and the built-ins (`createBuiltinAgent`, `BUILTIN_STRATEGIES`), the PPO
 *   learner (`RlPpoAgent`, `PpoLearner`) and the market as an RL environment (`MarketEnv`);
 * - analytics: crowding (`FactorSpace`, `CrowdingMatrix`, `AlphaDecay`), diagnostics, fragility,
 *   regime, stylized facts and market validation;
 * - events: `EventType`, `MarketEvent` and the engine→wire converters the server uses.
 * Every REST/WebSocket shape is in `@crowdalpha/engine/wire`. Building blocks with no stability
 * promise (the book's typed-array stores and matching engine, ring buffers, network layers, PCA,
 * codec helpers) are in `@crowdalpha/engine/internal`, for this repository's tests and benches.
 */
export {
  DEFAULT_TICK_SIZE,
  MAX_ORDER_QTY,
  RejectCode,
  rejectCodeName,
  rejectReason,
  type OrderAccepted,
  type OrderRejected,
  type OrderResult,
  type RejectCodeName,
  type RejectCodeValue,
} from './book/index.js';
export {
  ORDER_TYPES,
  SIDES,
  type AgentStats,
  type BookLevel,
  type CrowdingView,
  type DepthSnapshot,
  type Fill,
  type ImpactView,
  type MarketState,
  type OpenOrder,
  type Order,
  type OrderIntent,
  type OrderType,
  type Side,
} from './types.js';
export {
  ConfigError,
  DEFAULT_PRESET,
  PRESETS,
  defaultConfig,
  resolveConfig,
  sharpeDefinition,
  sharpeTicksPerYear,
  type AlphaDecayConfig,
  type ConfigOverrides,
  type CrowdingConfig,
  type DeepPartial,
  type DiagnosticsConfig,
  type FragilityConfig,
  type FundamentalConfig,
  type ImpactConfig,
  type LadderMakerConfig,
  type MarketMakerConfig,
  type MeanReversionConfig,
  type MomentumConfig,
  type NoiseConfig,
  type PopulationConfig,
  type PopulationPreset,
  type PpoHyperparameters,
  type RegimeConfig,
  type RlPpoConfig,
  type SharpeConfig,
  type SimulationConfig,
  type ValueConfig,
} from './config.js';
export { Rng, type RngState } from './rng.js';
export {
  EVENT_SCHEMA,
  EventType,
  SCHEMA_VERSION,
  TICK_EVENT_ORDER,
  agentStatsToWire,
  depthToWire,
  type AgentDiagnosticsWire,
  type AgentStateChangedPayload,
  type AgentStateWire,
  type AgentStatsWire,
  type CrowdedPairWire,
  type CrowdingMatrixPayload,
  type FillWire,
  type HeartbeatPayload,
  type MarketEvent,
  type OrderFilledPayload,
  type OrderSubmittedPayload,
  type PayloadByType,
  type PriceUpdatedPayload,
  type RegimeChangedPayload,
  type ResyncPayload,
  type TickPayload,
} from './events.js';
export { BaseAgent, Orders, type AgentContext } from './agents/base-agent.js';
export { MomentumAgent } from './agents/momentum.js';
export { MeanReversionAgent } from './agents/mean-reversion.js';
export { MarketMakerAgent } from './agents/market-maker.js';
export { LadderMarketMakerAgent } from './agents/ladder-market-maker.js';
export { NoiseTradersAgent } from './agents/background/noise-traders.js';
export { ValueTradersAgent } from './agents/background/value-traders.js';
export { FundamentalProcess, type FundamentalState } from './agents/fundamental-process.js';
export { FALLBACK_PROBS, RL_ACTIONS, RL_FEATURES, RlPpoAgent, modelFitProblem, observe as rlObserve, type LearningPoint, type RlMode } from './agents/rl/ppo-agent.js';
export { PpoLearner, modelProblem, type Decision, type PpoLearnerState, type PpoModel, type UpdateStats } from './agents/rl/ppo-learner.js';
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
export { FACTOR_NAMES, FACTOR_COUNT, FactorSpace, type FactorName } from './crowding/factor-space.js';
export { CrowdingMatrix, type PhiNormalization } from './crowding/crowding-matrix.js';
export { orderFlowImbalance, sideMultipliers, type SideMultipliers } from './crowding/side-multipliers.js';
export { AlphaDecay, type DecayFit } from './crowding/alpha-decay.js';
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
export {
  DEFAULT_ACTION_SPACE,
  MARKET_ENV_DEFAULTS,
  MarketEnv,
  TRAIN_SEED_BASE,
  TRAIN_SEEDS_PER_RUN,
  VectorMarketEnv,
  evaluatePolicy,
  fallbackPolicy,
  holdPolicy,
  meanInterval,
  modelPolicy,
  pickHyper,
  trainPpo,
  type ActionSpace,
  type EnvContext,
  type EpisodeScore,
  type Interval,
  type MarketEnvOptions,
  type Policy,
  type StepInfo,
  type StepResult,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
  type VectorStepResult,
} from './env/index.js';
export { rlActionOrders, type RlActionSizes } from './agents/rl/action-space.js';
export { anchorOf, rlReward, type RewardAnchor, type RlRewardConfig } from './agents/rl/reward.js';
export { measureSeed, stressMarket, validateMarket, STRESS_POPULATION, type SeedFigures, type SteppingMarket, type TargetCheck, type ValidationResult } from './analytics/market-validation.js';
