/** The market as a reinforcement-learning environment: gym-style single and vectorised envs, PPO training and evaluation. */
export { DEFAULT_ACTION_SPACE, MARKET_ENV_DEFAULTS, MarketEnv, type ActionSpace, type EnvContext, type MarketEnvOptions, type StepInfo, type StepResult } from './market-env.js';
export { VectorMarketEnv, type VectorStepResult } from './vector-env.js';
export { TRAIN_SEED_BASE, TRAIN_SEEDS_PER_RUN, pickHyper, trainPpo, type TrainOptions, type TrainProgress, type TrainResult } from './train-ppo.js';
export { evaluatePolicy, fallbackPolicy, holdPolicy, meanInterval, modelPolicy, type EpisodeScore, type Interval, type Policy } from './evaluate-policy.js';
