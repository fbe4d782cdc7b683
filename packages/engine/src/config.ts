/**
 * Simulation configuration: every default of the model (docs/MODEL.md) as a named value. `resolveConfig` deep-merges
 * a partial override onto `defaultConfig()`, rejects unknown keys and wrong types with a message
 * naming the path, and returns a frozen object.
 */
import { AGENT_PARAM_RULES, meanReversionWindowProblem, paramRuleViolation } from './agents/agent-param-rules.js';
import { MAX_PRICE_TICKS, TickGrid } from './book/tick-grid.js';

export interface MomentumConfig {
  /** EMA span of the fast mid average of the first momentum agent (alpha = 2 / (span + 1)). @unit ticks (EMA span) */
  fastBase: number;
  /** Added to the fast span per further agent: the i-th agent (from 0) uses fastBase + fastStep × i. @unit ticks (EMA span) */
  fastStep: number;
  /** EMA span of the slow mid average of the first momentum agent; the signal is (fast − slow) / slow. @unit ticks (EMA span) */
  slowBase: number;
  /** Added to the slow span per further agent: slowBase + slowStep × i. @unit ticks (EMA span) */
  slowStep: number;
  /** Base order size; strong signals scale it up (sizeBoost, sizeCap). @unit units (order size) */
  qty: number;
  /** No order that would add to |inventory| at or beyond this; also the scale of the inventory-pressure term. @unit units */
  maxInventory: number;
  /**
   * Subtracted from the signal in proportion to the inventory: position / maxInventory × inventoryPressure, so a full position leans against adding.
   * @unit relative price gap (fraction of price); with volatilityUnits, random-walk standard deviations of the gap
   */
  inventoryPressure: number;
  /**
   * |signal| above which the agent takes liquidity with a market order (at or below: a limit order at the opposite touch).
   * @unit relative price gap (fraction of price); with volatilityUnits, random-walk standard deviations of the gap
   */
  marketThreshold: number;
  /** |signal| at or below which the agent does nothing. @unit relative price gap (fraction of price); with volatilityUnits, random-walk standard deviations of the gap */
  limitThreshold: number;
  /** Order size is qty × (1 + sizeBoost × min(|signal| / marketThreshold, sizeCap)), rounded, at least 1. @unit dimensionless */
  sizeBoost: number;
  /** Cap on |signal| / marketThreshold in the size formula (see sizeBoost). @unit dimensionless */
  sizeCap: number;
  /**
   * Unit of the signal and of limitThreshold, marketThreshold and inventoryPressure. false: the
   * original's (fast EMA − slow EMA) / slow EMA, a fixed fraction of the price, so whether the
   * agent trades at all depends on how volatile the market happens to be; true: that gap in
   * standard deviations of the gap a random walk with the agent's realized 1-tick volatility would
   * give, so the agent trades on unusually strong trends in any market.
   * @unit on/off
   */
  volatilityUnits: boolean;
  /** Span of the EWMA of squared 1-tick log mid returns that volatilityUnits divides by. @unit ticks (EMA span) */
  volatilitySpan: number;
  /** Ticks between the agent's decisions (1: every tick, the original); the i-th agent decides at ticks ≡ −i mod this. @unit ticks */
  decisionInterval: number;
}

export interface MeanReversionConfig {
  /** Mids in the rolling mean and std of the z-score (z = (mid − mean) / std). @unit ticks */
  window: number;
  /** |z| beyond which the first agent trades toward the mean with a limit order (jittered each tick). @unit standard deviations (z) */
  zThresholdBase: number;
  /** Added to the threshold per further agent: the i-th (from 0) uses zThresholdBase + zThresholdStep × i. @unit standard deviations (z) */
  zThresholdStep: number;
  /** |z| beyond which the agent takes liquidity with a market order (jittered like the threshold). @unit standard deviations (z) */
  marketZ: number;
  /** Order size, at most topLevelShare of the opposite top level. @unit units (order size) */
  qty: number;
  /** No order that would add to |inventory| at or beyond this; also the scale of the inventory penalty. @unit units */
  maxInventory: number;
  /** Subtracted from z in proportion to the inventory: position / maxInventory × inventoryPenalty. @unit standard deviations (z) */
  inventoryPenalty: number;
  /**
   * Each tick the thresholds are scaled by 1 ± U(jitterMin, jitterMax) with a random sign, so the reverters do not all fire on the same tick.
   * @unit share (0–1)
   */
  jitterMin: number;
  /** Upper bound of that jitter (see jitterMin). @unit share (0–1) */
  jitterMax: number;
  /** Order size is at most this share of the opposite top level's quantity (at least 1). @unit share (0–1) */
  topLevelShare: number;
  /** After each change of inventory the agent waits a uniform whole number of ticks in [cooldownMin, cooldownMax]. @unit ticks */
  cooldownMin: number;
  /** Upper bound of that cooldown (see cooldownMin). @unit ticks */
  cooldownMax: number;
}

export interface MarketMakerConfig {
  /** Full base spread of the first market maker before widening; the i-th (from 0) uses baseSpreadBase + baseSpreadStep × i. @unit price */
  baseSpreadBase: number;
  /** Added to the base spread per further maker. @unit price */
  baseSpreadStep: number;
  /** Least half spread, before the crowding widening. @unit price */
  minHalfSpread: number;
  /** Std of the normal shock added to the first maker's fair value each tick; the i-th uses quoteJitterBase + quoteJitterStep × i. @unit price */
  quoteJitterBase: number;
  /** Added to the fair-value shock std per further maker. @unit price */
  quoteJitterStep: number;
  /** Half spread × (1 + volMultiplier × MarketState.volatility). @unit per unit of 1-tick log-return std */
  volMultiplier: number;
  /** Shift of the reservation price against the inventory at the limit (× position / maxInventory). @unit price */
  inventorySkew: number;
  /** Half spread added per unit of |inventory|. @unit price per unit of inventory */
  inventoryPenalty: number;
  /** Quote size with a flat inventory; it shrinks toward the inventory limit. @unit units (order size) */
  qty: number;
  /** Inventory limit: at it the side that would add shows one lot twice as far out. @unit units */
  maxInventory: number;
  /** Half spread × (1 + crowdingWiden × max(crowding intensity, 0)): a crowded market is riskier to quote in. @unit dimensionless */
  crowdingWiden: number;
  /** Reservation price shift toward recent signed order flow (× the buy-minus-sell share of MarketState.recentTrades, in [−1, 1]). @unit price */
  flowLean: number;
  /** Half spread on the side under pressure × (1 + sidePressureWiden × |sidePressure|). @unit dimensionless */
  sidePressureWiden: number;
  /** Weight of the newest mid in the maker's fair-value EMA (1 = quote around the current mid). @unit share per tick */
  fairValueAlpha: number;
  /**
   * Adverse selection: on the side crowded one-sided flow is hitting (|sidePressure|), quote size
   * is divided by (1 + adverseThin * |sidePressure|). The spread side of it is `sidePressureWiden`.
   * @unit dimensionless
   */
  adverseThin: number;
  /** Never quote through the other agents' pre-trade touch (a maker posts, never takes). @unit on/off */
  postOnly: boolean;
}

/**
 * The seeded fundamental value: an Ornstein–Uhlenbeck process in log price around
 * ln(initialPrice), with Poisson jumps. Every agent that trades on it draws the same path from
 * (seed, tick), so no agent needs another's state.
 */
export interface FundamentalConfig {
  /** Pull of ln(value) toward ln(initialPrice) per tick (1/ticks; half-life ln2/meanReversion). @unit 1/tick */
  meanReversion: number;
  /** Std of the per-tick log shock. @unit log price per tick */
  volatility: number;
  /** Chance of a jump per tick. @unit probability per tick */
  jumpProbability: number;
  /** Std of a jump's log size. @unit log price */
  jumpStd: number;
}

/**
 * The background of zero-intelligence noise traders (population.noise of them), run as ONE
 * aggregated agent `bg_noise` that draws their orders with typed arrays. Prices are in ticks.
 */
export interface NoiseConfig {
  /** Orders per trader per tick at the mean intensity. @unit orders per trader per tick */
  arrivalRate: number;
  /** Share of arrivals that are market orders (the rest are limit orders). @unit share (0–1) */
  marketShare: number;
  /** Mean distance, ticks, of a limit order behind the opposite touch (1 + exponential). @unit price ticks */
  limitOffsetTicks: number;
  /** Smallest order size; sizes are Pareto above it (qtyMin × U^(-1/qtyTailExponent)), rounded down. @unit units (order size) */
  qtyMin: number;
  /** Pareto tail exponent of order sizes: occasional large orders sweep levels (heavy-tailed returns). @unit dimensionless (Pareto exponent) */
  qtyTailExponent: number;
  /** Largest order size. @unit units (order size) */
  qtyMax: number;
  /** Mean life of a resting noise order, ticks (geometric), after which it is cancelled. @unit ticks */
  orderLifetime: number;
  /** AR(1) coefficient of the log arrival intensity: activity comes in bursts (volatility clustering). @unit AR(1) coefficient per tick */
  intensityPersistence: number;
  /** Std of the stationary log intensity. @unit log intensity */
  intensityStd: number;
  /** Chance per tick that a new meta-order (a run of same-sign market orders) starts. @unit probability per tick */
  metaStartProbability: number;
  /** Pareto tail exponent of a meta-order's number of child orders (1 < a < 2: long-memory signs). @unit dimensionless (Pareto exponent) */
  metaTailExponent: number;
  /** Most child orders in one meta-order. @unit orders */
  metaMaxChildren: number;
  /** Chance per tick that an active meta-order sends its next child. @unit probability per tick */
  metaChildProbability: number;
  /** EMA span of the background's flow toxicity (as ladderMaker.toxicitySpan). @unit ticks */
  toxicitySpan: number;
  /**
   * The flow toxicity (per side, ticks of permanent shift per tick) the background's limit orders are calibrated to
   * (noise.limitOffsetTicks and the Pareto sizes hold at it). @unit price ticks per tick
   */
  toxicityReference: number;
  /**
   * The background's passive liquidity withdraws from toxic flow: a limit order's distance behind the opposite touch is
   * × (1 + toxicityOffset × x) / (1 + toxicityOffset), x = the toxicity against its side / toxicityReference. 0 = pure zero intelligence.
   * @unit dimensionless
   */
  toxicityOffset: number;
  /** A limit order's size ÷ (1 + toxicityThin × x) / (1 + toxicityThin), rounded, at least 1. 0 = off. @unit dimensionless */
  toxicityThin: number;
}

/**
 * Value traders (population.value of them, one aggregated agent `bg_value`): each arrives at
 * random, observes the fundamental with noise and trades toward it when the book is far enough away.
 */
export interface ValueConfig {
  /** Arrivals per trader per tick. @unit arrivals per trader per tick */
  arrivalRate: number;
  /** Std of a trader's log observation error of the fundamental. @unit log price */
  observationNoise: number;
  /** Least gap, ticks, between the estimate and the touch worth trading. @unit price ticks */
  thresholdTicks: number;
  /** Share of trades sent as market orders; the rest join the own-side touch. @unit share (0–1) */
  aggressiveShare: number;
  /** Smallest order size of a value trade (sizes are uniform integers from qtyMin to qtyMax). @unit units (order size) */
  qtyMin: number;
  /** Largest order size of a value trade. @unit units (order size) */
  qtyMax: number;
  /** Largest |inventory| per trader (the aggregate's limit is traders × this). @unit units per trader */
  maxInventory: number;
  /** Mean life of a resting value order, ticks. @unit ticks */
  orderLifetime: number;
  /** Share of the engine's cumulative permanent impact (MarketState.impact) added to the value traded toward. @unit share (0–1) */
  impactWeight: number;
  /**
   * Half-life of the permanent shift the value traders believe in: > 0, they add impactWeight × the sum of past shifts,
   * each halved every impactHalfLife ticks (crowded flow moves their reference for a while, then the fundamental
   * takes over again); 0, the whole cumulative shift, forever. @unit ticks
   */
  impactHalfLife: number;
}

/**
 * Ladder market makers (population.ladderMakers): `levels` price levels a side around a fair value
 * (EMA of the mid pulled toward their view of the fundamental), with quote noise that persists
 * (AR(1)) instead of being re-drawn each tick, and quotes that stay in the queue until they move.
 */
export interface LadderMakerConfig {
  /** Price levels each ladder maker quotes on each side. @unit price levels */
  levels: number;
  /** Ticks between levels. @unit price ticks */
  levelSpacingTicks: number;
  /** Least half spread, ticks. @unit price ticks */
  halfSpreadTicks: number;
  /** Half spread added per tick of 1-tick volatility (volatility × mid / tickSize). @unit price ticks per price tick of volatility */
  volWiden: number;
  /** Size per level. @unit units per level */
  qty: number;
  /** A level is topped up when its resting qty falls below this share of `qty`. @unit share (0–1) */
  refillShare: number;
  /** Pull of the fair value toward the mid per tick. @unit share per tick */
  fairValueAlpha: number;
  /** Pull of the fair value toward the (noisily observed) fundamental per tick. @unit share per tick */
  fundamentalWeight: number;
  /**
   * Fair value moves against each unit the maker is filled on by this many ticks (its own fills as information).
   * @unit price ticks per unit filled
   */
  flowImpactTicks: number;
  /** Share of the engine's cumulative permanent impact (MarketState.impact) added to the fundamental the maker leans toward. @unit share (0–1) */
  impactWeight: number;
  /** Std of the maker's log observation error of the fundamental. @unit log price */
  observationNoise: number;
  /** Std of the stationary quote noise, ticks. @unit price ticks */
  quoteNoiseTicks: number;
  /** AR(1) coefficient of the quote noise (0 = re-drawn every tick). @unit AR(1) coefficient per tick */
  quoteNoisePersistence: number;
  /** Quote centre shift, ticks, at the inventory limit (against the inventory). @unit price ticks */
  inventorySkewTicks: number;
  /**
   * Inventory limit: the quote centre is fully skewed here (inventorySkewTicks) and the side that would add to the inventory shows a fifth of qty.
   * @unit units
   */
  maxInventory: number;
  /** Adverse selection: half spread × (1 + adverseWiden × |sidePressure|) on the pressured side. @unit dimensionless */
  adverseWiden: number;
  /** Adverse selection: size ÷ (1 + adverseThin × |sidePressure|) on the pressured side. @unit dimensionless */
  adverseThin: number;
  /** Index variants: the i-th maker's half spread is halfSpreadTicks + halfSpreadStepTicks × i. @unit price ticks */
  halfSpreadStepTicks: number;
  /**
   * EMA span of the maker's flow toxicity: the engine's permanent impact per tick (MarketState.impact.lastShift, the
   * aggressors' amplified eta × sideMult × (1 + kappa Phi) × sqrt(qty) × impact.permanentShare), in ticks, per direction
   * (agents/flow-toxicity.ts). @unit ticks
   */
  toxicitySpan: number;
  /**
   * The flow toxicity (per side, ticks of permanent shift per tick) the configured spread and size are meant for: at
   * it the ladder quotes as configured; above it wider and thinner, below it tighter and larger (see toxicityWiden). @unit price ticks per tick
   */
  toxicityReference: number;
  /**
   * Adverse selection by toxicity: the half spread of the side being picked off (bids when the permanent shift is down,
   * asks when up) is × (1 + toxicityWiden × x) / (1 + toxicityWiden), x = that side's toxicity / toxicityReference. 0 = off.
   * @unit dimensionless
   */
  toxicityWiden: number;
  /** Adverse selection by toxicity: that side's size per level ÷ (1 + toxicityThin × x) / (1 + toxicityThin). 0 = off. @unit dimensionless */
  toxicityThin: number;
}

/**
 * The `rl_ppo` agent and its PPO learner (shared with `MarketEnv` training and the CLI). Defaults
 * and why are in `defaultConfig().rlPpo` below.
 */
export interface RlPpoConfig {
  /** Learn online with PPO; false runs the fixed stochastic fallback policy (unless a model is loaded). @unit on/off */
  learn: boolean;
  /** With a loaded model: act from it but never update it. @unit on/off */
  frozen: boolean;
  /** No new orders beyond this |inventory| (an action that would exceed it holds). @unit units */
  maxInventory: number;
  /** Reward penalty per unit of inventory squared, each tick. @unit currency per unit² per tick */
  riskAversion: number;
  /** Size of the small passive order (buy_small / sell_small). @unit units (order size) */
  smallQty: number;
  /** Where the small order sits: this fraction of the spread in from our own side. @unit share of the spread */
  smallOffset: number;
  /** Size of the medium passive order. @unit units (order size) */
  mediumQty: number;
  /** Where the medium order sits: this fraction of the spread in from our own side. @unit share of the spread */
  mediumOffset: number;
  /** Size of the large (market) order. @unit units (order size) */
  largeQty: number;
  /** Reward = (PnL change − penalties) × this, so rewards are O(0.1). @unit reward per currency unit */
  rewardScale: number;
  /** Rewards are clipped to ±this. @unit reward units */
  rewardClip: number;
  /** Weight of the impact the agent paid this tick (read from the engine's ledger), subtracted again in the reward. @unit dimensionless */
  impactWeight: number;
  /**
   * Minibatch steps of a pending update run per market tick; 0 = automatic from
   * `updateWorkPerTick`. Spreading an update keeps a large network from stalling a live tick.
   * @unit minibatches per tick
   */
  minibatchesPerTick: number;
  /**
   * With minibatchesPerTick 0: the update work (samples × network parameters) one tick may do;
   * larger updates are spread over ticks. 0 = always the whole update in one tick.
   * @unit samples × network parameters per tick
   */
  updateWorkPerTick: number;
  /** Hidden layers of both the policy and the value network. @unit layers */
  hiddenLayers: number;
  /** Width of each hidden layer. @unit neurons per layer */
  hiddenUnits: number;
  /** Transitions collected before each update (summed over parallel environments). @unit transitions */
  rolloutLength: number;
  /** Passes over each rollout. @unit passes */
  epochs: number;
  /** Transitions per gradient step; the rollout is shuffled into minibatches every epoch. @unit transitions */
  minibatchSize: number;
  /** Discount per tick. @unit discount per tick */
  gamma: number;
  /** GAE λ: bias/variance trade-off of the advantages. @unit dimensionless */
  gaeLambda: number;
  /** PPO clip range: ratios outside [1−ε, 1+ε] get no surrogate gradient. @unit probability ratio */
  clipEpsilon: number;
  /** Weight of the entropy bonus (keeps the policy from collapsing early). @unit dimensionless */
  entropyCoef: number;
  /** Weight of the value loss (scales the critic's gradient before clipping). @unit dimensionless */
  valueCoef: number;
  /** Adam step size at the start of training. @unit Adam step size */
  learningRate: number;
  /** Step size after `scheduleSteps` transitions (linear in between; equal to learningRate = constant). @unit Adam step size */
  learningRateFinal: number;
  /** Weight of the uniform mixture in the behaviour policy at the start. @unit share (0–1) */
  explorationStart: number;
  /** ... and after `scheduleSteps` transitions. @unit share (0–1) */
  explorationEnd: number;
  /** Transitions over which the learning-rate and exploration schedules anneal. @unit transitions */
  scheduleSteps: number;
  /** Global L2 norm the averaged minibatch gradient is clipped to (0 = no clipping). @unit gradient L2 norm */
  maxGradNorm: number;
  /** Normalise observations by their running mean and variance. @unit on/off */
  normalizeObservations: boolean;
  /** Normalised observations are clipped to ±obsClip. @unit standard deviations */
  obsClip: number;
  /** Learning-curve points kept (one per PPO update). @unit points */
  curveLength: number;
}

/** PPO's knobs: the part of `RlPpoConfig` the learner itself reads. */
export type PpoHyperparameters = Pick<
  RlPpoConfig,
  'hiddenLayers'
  | 'hiddenUnits'
  | 'rolloutLength'
  | 'epochs'
  | 'minibatchSize'
  | 'gamma'
  | 'gaeLambda'
  | 'clipEpsilon'
  | 'entropyCoef'
  | 'valueCoef'
  | 'learningRate'
  | 'learningRateFinal'
  | 'explorationStart'
  | 'explorationEnd'
  | 'scheduleSteps'
  | 'maxGradNorm'
  | 'normalizeObservations'
  | 'obsClip'
  | 'curveLength'
>;

/** Named populations (`population: "seed"` or `population: { preset: "seed", ... }`); see PRESETS. */
export type PopulationPreset = 'market' | 'seed';

export interface PopulationConfig {
  /** The preset the other values started from; see PRESETS. @unit preset name */
  preset: PopulationPreset;
  /** Momentum agents (mom_1, mom_2, …; the i-th uses longer EMAs, see momentum.fastStep). @unit agents */
  momentum: number;
  /** Mean-reversion agents (mr_1, …; the i-th uses a higher z threshold, see meanReversion.zThresholdStep). @unit agents */
  meanReversion: number;
  /** Seed-style market makers (mm_1, …) quoting one level a side around their fair value. @unit agents */
  marketMakers: number;
  /** Learning agents (rl_ppo; see the rlPpo keys). @unit agents */
  rl: number;
  /** Noise traders in the aggregated background agent `bg_noise` (0: no such agent). @unit traders */
  noise: number;
  /** Value traders in the aggregated agent `bg_value` (0: no such agent). @unit traders */
  value: number;
  /** Ladder market makers `lmm_1`.. @unit agents */
  ladderMakers: number;
}

export interface CrowdingConfig {
  /** Rolling window of the factor space, ticks. @unit ticks */
  factorWindow: number;
  /** Percentile used to scale turnover and activity to [0,1]. @unit percentile (0–100) */
  scalePercentile: number;
  /**
   * How Phi_i averages the similarities to the other agents. 'weighted_mean' (default):
   * sum_{j!=i} C_ij w_j / sum_{j!=i} w_j, in [-1, 1] at any population size. 'seed': the seed
   * document's (1/(N-1)) sum_{j!=i} C_ij w_j, which normalises twice and shrinks like 1/N.
   * @unit form name
   */
  phiNormalization: 'seed' | 'weighted_mean';
  /**
   * Crowding amplification of impact: agent i's multiplier is clip(1 + kappa × Phi_i, agentMultiplierMin, agentMultiplierMax); 0 turns crowding-dependent impact off.
   * @unit dimensionless
   */
  kappa: number;
  /** Least agent impact multiplier (see kappa). @unit multiplier */
  agentMultiplierMin: number;
  /** Largest agent impact multiplier (see kappa). @unit multiplier */
  agentMultiplierMax: number;
  /** Both sides' base impact multiplier is 1 + sideBaseCoef × max(crowding intensity, 0)² (last tick's intensity). @unit dimensionless */
  sideBaseCoef: number;
  /**
   * The side the crowd leans on pays base × (1 + sidePressureCoef × |sidePressure|), clipped to [sideMultiplierMin, sideMultiplierMax].
   * @unit dimensionless
   */
  sidePressureCoef: number;
  /** Least side impact multiplier. @unit multiplier */
  sideMultiplierMin: number;
  /** Largest side impact multiplier. @unit multiplier */
  sideMultiplierMax: number;
  /** Most similar agent pairs reported in the crowding snapshot and CROWDING_MATRIX_UPDATED. @unit pairs */
  topPairs: number;
  /** Crowding is computed every N ticks (1 = every tick). @unit ticks */
  updateEvery: number;
  /** Largest population whose N×N matrix rides in each CROWDING_MATRIX_UPDATED event (above: `matrix: []`, see the snapshot). @unit agents */
  eventMatrixMaxAgents: number;
  /** Up to this population the event's matrix and top pairs are computed eagerly; above it, lazily on first read. @unit agents */
  eagerPairsMaxAgents: number;
}

export interface ImpactConfig {
  /**
   * Who pays the temporary impact `eta × sideMult × agentMult × sqrt(qty)` per unit of a fill:
   * 'aggressor' (default: the taker pays; the passive side trades at its resting price) or
   * 'both_sides' (the original implementation: both legs pay, the maker too).
   * @unit rule name
   */
  payer: 'aggressor' | 'both_sides';
  /**
   * Share of each aggressive fill's amplified per-unit impact (eta × sideMult × (1 + kappa Phi) ×
   * sqrt(qty)) that moves the reference price permanently (up for aggressive buys, down for
   * sells). 0 turns the permanent component off. In [0, 1].
   * @unit share (0–1)
   */
  permanentShare: number;
}

export interface AlphaDecayConfig {
  /**
   * Market-level pooled fit: 'levels' (default: the per-agent method of agent-decay.ts over every
   * agent's windows) or 'original' (log(max(Sharpe, sharpeFloor)) by OLS over the last `maxSamples`
   * pooled samples, i.i.d. bootstrap — the original implementation, kept for comparison).
   * @unit estimator name
   */
  estimator: 'levels' | 'original';
  /** Ticks per non-overlapping window of the per-agent fit (one (exposure, Sharpe) sample each). @unit ticks */
  agentWindow: number;
  /** Windows kept per agent (the oldest are dropped). @unit windows */
  agentMaxSamples: number;
  /** Windows a per-agent (or per-type, or pooled 'levels') fit needs. @unit windows */
  agentMinSamples: number;
  /** Consecutive windows per block of the moving-block bootstrap. @unit windows */
  blockLength: number;
  /** Rolling window of the original estimator's Sharpe proxy, ticks. @unit ticks */
  sharpeWindow: number;
  /** PnL changes the original estimator's Sharpe proxy needs before an agent contributes a sample. @unit PnL changes */
  minSharpeSamples: number;
  /** Pooled (exposure, Sharpe) samples the original estimator needs for a fit. @unit samples */
  minFitSamples: number;
  /** The original estimator fits log(max(Sharpe, sharpeFloor)): Sharpe proxies below it count as this. @unit Sharpe ratio (per tick) */
  sharpeFloor: number;
  /** Experienced crowding e_i = clip(max(Phi_i,0) * (exposureBase + exposureActivityWeight * activity_i), 0, 1). @unit dimensionless */
  exposureBase: number;
  /** Weight of the agent's activity (0–1) in experienced crowding (see exposureBase). @unit dimensionless */
  exposureActivityWeight: number;
  /** Pooled samples the original estimator keeps (the oldest are dropped). @unit samples */
  maxSamples: number;
  /** Points of the fitted decay curve returned for plotting. @unit points */
  curvePoints: number;
  /** Bootstrap resamples behind each half-life interval (fewer for large groups such as strategy types). @unit resamples */
  bootstrapSamples: number;
  /** Coverage of the half-life's bootstrap percentile interval (0.9: the 5th to 95th percentiles). @unit share (0–1) */
  bootstrapLevel: number;
}

export interface SharpeConfig {
  /**
   * How Sharpe ratios are annualised: 'trading_time' (default) multiplies the per-tick ratio by
   * sqrt(ticks per simulated trading year) = sqrt(tradingSecondsPerYear / (tickDurationNs / 1e9));
   * 'seed' by sqrt(252), the seed document's convention, which treats every tick as a trading day.
   * @unit convention name
   */
  annualisation: 'trading_time' | 'seed';
  /** Simulated trading seconds per year (252 days × 6.5 h). @unit seconds */
  tradingSecondsPerYear: number;
}

export interface DiagnosticsConfig {
  /** Ticks in the rolling window of the per-agent diagnostics (rolling Sharpe, Sortino, drawdown, kurtosis, turnover). @unit ticks */
  window: number;
  /** PnL changes a Sharpe ratio needs (with fewer it is null). @unit PnL changes */
  minSharpeChanges: number;
  /** Std of PnL changes at or below which a Sharpe ratio is null (a flat PnL has none). @unit currency per tick */
  minStd: number;
}

export interface FragilityConfig {
  /**
   * What the LFI is measured against (docs/MODEL.md §11). 'reference' (default): the visible depth
   * against `referenceDepth` and the aggressor-signed volume imbalance over `flowWindow` ticks, on
   * a fixed scale, so runs and configurations compare. 'run': the seed's z-score of near-depth
   * ratio × (1 + print imbalance) against the run's own first `baselineObservations` ticks, which
   * compares a market only with its own start.
   * @unit form name
   */
  normalization: 'reference' | 'run';
  /**
   * Visible depth (both sides of the `depthLevels` snapshot, in units) of a normally supplied book,
   * for `normalization: "reference"`: thinness = referenceDepth / (referenceDepth + depth) is 1/2 at
   * this depth. Each preset sets its market's depth at kappa 0 (docs/MODEL.md §11).
   * @unit units of quantity
   */
  referenceDepth: number;
  /** Ticks over which the aggressor-signed volume imbalance of `normalization: "reference"` is summed. @unit ticks */
  flowWindow: number;
  /** Depth within this many inferred price steps of the mid counts as near the touch in the LFI's near-depth ratio. @unit price steps */
  nearSteps: number;
  /** Under `normalization: "run"`: ticks whose raw readings form the LFI's fixed baseline (mean and std); LFI is 0 until then. @unit ticks */
  baselineObservations: number;
  /** Latest raw readings averaged into each LFI value. @unit ticks */
  smoothing: number;
  /** LFI at or above which the alert is WARNING. @unit LFI (0–1) */
  warning: number;
  /** LFI at or above which the alert is DANGER. @unit LFI (0–1) */
  danger: number;
  /** LFI at or above which the alert is CRITICAL. @unit LFI (0–1) */
  critical: number;
  /** LFI readings kept for display (GET /analytics/fragility). @unit ticks */
  historyLength: number;
}

export interface RegimeConfig {
  /** Log returns in the regime detector's rolling volatility; also the window of the empty-side share. @unit ticks */
  volWindow: number;
  /** Absolute log returns in the lag-1 autocorrelation (volatility clustering). @unit ticks */
  volAutocorrWindow: number;
  /** Log returns in the rolling mean (drift). @unit ticks */
  driftWindow: number;
  /** Ticks seen before the thresholds also use the rolling quantiles (before that: the floors below alone). @unit ticks */
  calibrationObservations: number;
  /** Ticks of each metric the rolling quantiles are taken over. @unit ticks */
  historyLength: number;
  /** Quantile level of the "q90" thresholds (docs/MODEL.md §12) once calibrated. @unit quantile level (0–1) */
  highQuantile: number;
  /** Quantile level of the "q75" thresholds (docs/MODEL.md §12) once calibrated. @unit quantile level (0–1) */
  lowQuantile: number;
  /** CRASH_PRONE (first rule) needs LFI >= max(crashLfi, q90), with elasticity and crowding. @unit LFI (0–1) */
  crashLfi: number;
  /** CRASH_PRONE (first rule) needs spread elasticity >= max(crashElasticity, q90). @unit elasticity (dimensionless) */
  crashElasticity: number;
  /** CRASH_PRONE (first rule) needs crowding intensity >= max(crashCrowding, q75). @unit crowding intensity (−1–1) */
  crashCrowding: number;
  /** CRASH_PRONE (second rule) needs volatility >= max(crashVol, q90), with clustering and LFI. @unit std of 1-tick log returns */
  crashVol: number;
  /** CRASH_PRONE (second rule) needs the |return| autocorrelation >= max(crashVolAutocorr, q75). @unit autocorrelation (−1–1) */
  crashVolAutocorr: number;
  /** CRASH_PRONE (second rule) needs LFI >= max(crashVolLfi, q75). @unit LFI (0–1) */
  crashVolLfi: number;
  /** UNSTABLE needs volatility >= max(unstableVol, q75) and one of the three below. @unit std of 1-tick log returns */
  unstableVol: number;
  /** UNSTABLE: |return| autocorrelation >= this. @unit autocorrelation (−1–1) */
  unstableVolAutocorr: number;
  /** UNSTABLE: spread elasticity >= max(unstableElasticity, q75). @unit elasticity (dimensionless) */
  unstableElasticity: number;
  /** UNSTABLE: LFI >= max(unstableLfi, q75). @unit LFI (0–1) */
  unstableLfi: number;
  /** TRENDING needs |drift| >= max(trendDrift, q75) and LFI below max(trendLfi, q90). @unit log return per tick */
  trendDrift: number;
  /** TRENDING needs LFI < max(trendLfi, q90): a trend in a fragile book is not called TRENDING. @unit LFI (0–1) */
  trendLfi: number;
  /** Spread elasticity is clipped to [0, elasticityMax]. @unit elasticity (dimensionless) */
  elasticityMax: number;
  /**
   * CRASH_PRONE whatever the calibrated rules say once the price is this share below its running peak (or above its trough); 0 = off.
   * @unit share of the peak (0–1)
   */
  crashDrawdown: number;
  /** UNSTABLE (at least) once a side of the book was empty on this share of the last volWindow ticks; 0 = off. @unit share of ticks (0–1) */
  unstableEmptySide: number;
}

export interface SimulationConfig {
  /**
   * Seed of every random stream of the run (agents, background traders, bootstraps): the same seed and config give the same run, bit for bit.
   * @unit none (an integer label)
   */
  seed: number;
  /** Starting mid and reference price; the fundamental value mean-reverts toward it (in logs). @unit price */
  initialPrice: number;
  /** Cash each agent starts with; net PnL is equity minus this. @unit currency */
  initialCash: number;
  /** Price grid step: every order price is a whole number of ticks (the presets set 0.01 for "market", 0.0001 for "seed"). @unit price */
  tickSize: number;
  /**
   * Base temporary impact lambda_0: a fill of q units pays eta × side multiplier × agent multiplier × sqrt(q) per unit.
   * @unit price per sqrt(unit)
   */
  eta: number;
  /** Levels per side of the depth snapshot agents see (MarketState.depth) and TICK events carry. @unit price levels */
  depthLevels: number;
  /** Latest fills handed to each agent in MarketState.recentTrades. @unit fills */
  recentTradesInState: number;
  /** Mids in the rolling volatility agents see (MarketState.volatility: std of their 1-tick log returns). @unit ticks */
  volatilityWindow: number;
  /** Latest fills in the rolling VWAP. @unit fills */
  vwapWindow: number;
  /** Mids kept for analytics and the price-history endpoint (bounded history). @unit ticks */
  priceHistoryLength: number;
  /** Mids handed to each agent in `MarketState.priceHistory` (its lookback). @unit ticks */
  stateHistoryLength: number;
  /** Fills kept in the engine's trade tape. @unit fills */
  tradeTapeLength: number;
  /** Fills carried in each TICK event. @unit fills */
  recentFillsInTick: number;
  /** Simulated ns per tick for the default clock. @unit ns */
  tickDurationNs: number;
  /** Analytics (factor space, crowding, diagnostics, fragility, regime) on or off. @unit on/off */
  analytics: boolean;
  population: PopulationConfig;
  fundamental: FundamentalConfig;
  noise: NoiseConfig;
  value: ValueConfig;
  ladderMaker: LadderMakerConfig;
  momentum: MomentumConfig;
  meanReversion: MeanReversionConfig;
  marketMaker: MarketMakerConfig;
  rlPpo: RlPpoConfig;
  crowding: CrowdingConfig;
  impact: ImpactConfig;
  alphaDecay: AlphaDecayConfig;
  sharpe: SharpeConfig;
  diagnostics: DiagnosticsConfig;
  fragility: FragilityConfig;
  regime: RegimeConfig;
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/**
 * The preset a config starts from when it names none. "market": the seed's strategies trading on
 * a background of noise and value traders and ladder market makers, on a 0.01 tick; "seed": the
 * original 3 momentum / 3 mean-reversion / 2 market-maker market on a 0.0001 tick.
 */
export const DEFAULT_PRESET: PopulationPreset = 'market';

/**
 * What each preset sets on top of the base values. `resolveConfig` applies the named preset first
 * and the caller's overrides after it, so `{ population: "seed", tickSize: 0.01 }` works.
 */
export const PRESETS: Readonly<Record<PopulationPreset, DeepPartial<SimulationConfig>>> = {
  market: {
    tickSize: 0.01,
    // Impact per unit scaled with the tick (0.1 of the seed's 0.0001-tick market's spread ~0.1, 0.1 of a 1-tick spread here):
    // 0.01 would move the reference price several ticks per fill and walk the price off.
    eta: 0.001,
    population: { preset: 'market', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 1000, value: 100, ladderMakers: 2 },
    marketMaker: { postOnly: true },
    // About the visible depth of this market at kappa 0 (seeds 1-5, ticks 200-1000: 315-571, median 422).
    fragility: { referenceDepth: 400 },
    // Market-relative momentum: signals in standard deviations of the EMA gap (the seed's relative
    // thresholds never fire in this calmer market), acting every 20th tick with 1 unit. Deciding
    // every tick, the three agents' same-signed flow sustained the trends it followed (10-tick
    // variance ratio 1.3–2.5 on seeds 1–3 at 2–4 sigma); every 20 ticks the anchor absorbs it.
    momentum: { volatilityUnits: true, limitThreshold: 2, marketThreshold: 4, inventoryPressure: 1, qty: 1, decisionInterval: 20 },
    // Value traders trade toward the fundamental itself, not fundamental + the engine's cumulative
    // permanent impact: crowded momentum flow moves that shift by up to 24x its uncrowded size, and
    // an anchor that follows it is no anchor (the price trended with it, 100 -> 95.7 on seed 3).
    value: { impactWeight: 0 },
  },
  seed: {
    tickSize: 0.0001,
    eta: 0.01,
    population: { preset: 'seed', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 0, value: 0, ladderMakers: 0 },
    // The two makers are the whole book here: the original quoted freely.
    marketMaker: { postOnly: false },
    // The visible depth of this market at kappa 0 (mean over seeds 1-5, ticks 200-1000: 19.1-19.9).
    fragility: { referenceDepth: 20 },
  },
};

/** The defaults (docs/MODEL.md §14, docs/CONFIG.md): the base values with DEFAULT_PRESET applied. A fresh object each call. */
export function defaultConfig(): SimulationConfig {
  const cfg = baseConfig();
  merge(cfg as unknown as Record<string, unknown>, PRESETS[DEFAULT_PRESET], '');
  return cfg;
}

function baseConfig(): SimulationConfig {
  return {
    seed: 42,
    initialPrice: 100,
    initialCash: 100_000,
    tickSize: 0.0001,
    eta: 0.01,
    depthLevels: 10,
    recentTradesInState: 20,
    volatilityWindow: 20,
    vwapWindow: 200,
    priceHistoryLength: 512,
    stateHistoryLength: 100,
    tradeTapeLength: 5000,
    recentFillsInTick: 20,
    tickDurationNs: 100_000_000,
    analytics: true,
    population: { preset: 'seed', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 0, value: 0, ladderMakers: 0 },
    fundamental: { meanReversion: 0.00005, volatility: 0.00003, jumpProbability: 0.0005, jumpStd: 0.001 },
    noise: {
      arrivalRate: 0.005,
      marketShare: 0.35,
      limitOffsetTicks: 8,
      qtyMin: 1,
      qtyTailExponent: 1.4,
      qtyMax: 100,
      orderLifetime: 150,
      intensityPersistence: 0.995,
      intensityStd: 0.5,
      metaStartProbability: 0.05,
      metaTailExponent: 1.3,
      metaMaxChildren: 200,
      metaChildProbability: 0.3,
      // The flow toxicity of this market at the default kappa (18): per side ~0.9 ticks of permanent shift per tick
      // (0.15 at kappa 0), learned over ~2,000 ticks. Slow on purpose: withdrawing within a meta-order (span 50) thinned
      // the passive side exactly while same-signed flow kept coming (10-tick variance ratio 1.3, seeds 1-3); VALIDATION.md.
      toxicitySpan: 2000,
      toxicityReference: 0.9,
      toxicityOffset: 0.5,
      toxicityThin: 0.5,
    },
    value: {
      arrivalRate: 0.002,
      observationNoise: 0.0003,
      thresholdTicks: 20,
      aggressiveShare: 0.2,
      qtyMin: 1,
      qtyMax: 10,
      maxInventory: 20,
      orderLifetime: 100,
      impactWeight: 1,
      impactHalfLife: 0,
    },
    ladderMaker: {
      levels: 10,
      levelSpacingTicks: 1,
      halfSpreadTicks: 0.5,
      volWiden: 0.2,
      qty: 2,
      refillShare: 0.5,
      fairValueAlpha: 1,
      fundamentalWeight: 0.002,
      flowImpactTicks: 0,
      impactWeight: 1,
      observationNoise: 0.001,
      quoteNoiseTicks: 2,
      quoteNoisePersistence: 0.98,
      inventorySkewTicks: 5,
      maxInventory: 200,
      adverseWiden: 1,
      adverseThin: 1,
      halfSpreadStepTicks: 0,
      // As noise.toxicity*: the ladder is calibrated to this market's toxicity at kappa 18 and learns it slowly.
      toxicitySpan: 2000,
      toxicityReference: 0.9,
      toxicityWiden: 1,
      toxicityThin: 1,
    },
    momentum: {
      fastBase: 5,
      fastStep: 1,
      slowBase: 15,
      slowStep: 3,
      qty: 5,
      maxInventory: 50,
      inventoryPressure: 0.0008,
      marketThreshold: 0.0012,
      limitThreshold: 0.0004,
      sizeBoost: 0.5,
      sizeCap: 2,
      volatilityUnits: false,
      volatilitySpan: 500,
      decisionInterval: 1,
    },
    meanReversion: {
      window: 30,
      zThresholdBase: 1.2,
      zThresholdStep: 0.2,
      marketZ: 2.4,
      qty: 5,
      maxInventory: 40,
      inventoryPenalty: 0.5,
      jitterMin: 0.15,
      jitterMax: 0.2,
      topLevelShare: 0.3,
      cooldownMin: 5,
      cooldownMax: 15,
    },
    marketMaker: {
      baseSpreadBase: 0.05,
      baseSpreadStep: 0.02,
      minHalfSpread: 0.01,
      quoteJitterBase: 0.02,
      quoteJitterStep: 0.01,
      volMultiplier: 70,
      inventorySkew: 0.015,
      inventoryPenalty: 0.002,
      qty: 8,
      maxInventory: 60,
      crowdingWiden: 1.25,
      flowLean: 0.01,
      sidePressureWiden: 0.5,
      fairValueAlpha: 0.1,
      adverseThin: 0.5,
      postOnly: false,
    },
    rlPpo: {
      learn: true,
      frozen: false,
      maxInventory: 50,
      riskAversion: 0.001,
      smallQty: 2,
      smallOffset: 0.25,
      mediumQty: 5,
      mediumOffset: 0.6,
      largeQty: 8,
      rewardScale: 0.01,
      rewardClip: 5,
      // Impact is already inside the PnL change; charging it once more makes the learner's own
      // footprint stand out from price noise, so a crowded market teaches it to trade smaller.
      impactWeight: 1,
      // One hidden layer of 32: the 14 features are already engineered signals, and a small net
      // updates in a few ms inside a live tick. Researchers scale up with hiddenLayers/hiddenUnits.
      hiddenLayers: 1,
      hiddenUnits: 32,
      // 128-step rollouts, 4 epochs of minibatches of 32 (16 Adam steps per update): short rollouts
      // because the market is non-stationary and an online learner should adapt within minutes.
      rolloutLength: 128,
      epochs: 4,
      minibatchSize: 32,
      // γ 0.99 / λ 0.95 / clip 0.2 / value 0.5 / grad norm 0.5: the PPO paper's and most
      // implementations' values; rewards are per tick, so γ 0.99 looks ~100 ticks ahead.
      gamma: 0.99,
      gaeLambda: 0.95,
      clipEpsilon: 0.2,
      entropyCoef: 0.01,
      valueCoef: 0.5,
      maxGradNorm: 0.5,
      // Constant step size: a live market never stops changing, so annealing to zero would stop
      // the learner adapting. Set learningRateFinal lower for offline training runs.
      learningRate: 0.003,
      learningRateFinal: 0.003,
      // The original agent's annealed exploration, 0.35 → 0.05 over 20,000 transitions: wide
      // exploration while the critic is uninformed, never zero so it keeps probing a moving market.
      explorationStart: 0.35,
      explorationEnd: 0.05,
      scheduleSteps: 20_000,
      // Running-mean/variance inputs clipped to ±5 sd: features differ in scale by orders of magnitude.
      normalizeObservations: true,
      obsClip: 5,
      // Updates split automatically above 2M sample×parameter products per tick (~10 ms of CPU
      // here, so even four large learners updating in the same tick stay far below 100 ms): the
      // default 1×32 learner (128 × 4 epochs × 1,224 parameters ≈ 0.6M) always updates whole; a
      // 2×64 learner on 2,048-step rollouts (≈ 88M) is spread over ~64 ticks.
      minibatchesPerTick: 0,
      updateWorkPerTick: 2_000_000,
      curveLength: 500,
    },
    crowding: {
      factorWindow: 50,
      scalePercentile: 90,
      phiNormalization: 'weighted_mean',
      kappa: 18,
      agentMultiplierMin: 0.2,
      agentMultiplierMax: 6,
      sideBaseCoef: 1.6,
      sidePressureCoef: 0.9,
      sideMultiplierMin: 1,
      sideMultiplierMax: 4,
      topPairs: 5,
      updateEvery: 1,
      eventMatrixMaxAgents: 500,
      eagerPairsMaxAgents: 64,
    },
    impact: {
      payer: 'aggressor',
      permanentShare: 0.5,
    },
    alphaDecay: {
      estimator: 'levels',
      agentWindow: 50,
      agentMaxSamples: 200,
      agentMinSamples: 12,
      blockLength: 4,
      sharpeWindow: 100,
      minSharpeSamples: 10,
      minFitSamples: 20,
      sharpeFloor: 1e-3,
      exposureBase: 0.5,
      exposureActivityWeight: 0.5,
      maxSamples: 2000,
      curvePoints: 50,
      bootstrapSamples: 200,
      bootstrapLevel: 0.9,
    },
    sharpe: { annualisation: 'trading_time', tradingSecondsPerYear: 252 * 6.5 * 3600 },
    diagnostics: { window: 250, minSharpeChanges: 50, minStd: 1e-8 },
    fragility: {
      normalization: 'reference',
      referenceDepth: 20,
      flowWindow: 20,
      nearSteps: 5,
      baselineObservations: 50,
      smoothing: 5,
      warning: 0.45,
      danger: 0.65,
      critical: 0.85,
      historyLength: 500,
    },
    regime: {
      volWindow: 40,
      volAutocorrWindow: 60,
      driftWindow: 20,
      calibrationObservations: 80,
      historyLength: 500,
      highQuantile: 0.9,
      lowQuantile: 0.75,
      crashLfi: 0.75,
      crashElasticity: 1,
      crashCrowding: 0.55,
      crashVol: 0.0012,
      crashVolAutocorr: 0.25,
      crashVolLfi: 0.6,
      unstableVol: 0.0008,
      unstableVolAutocorr: 0.18,
      unstableElasticity: 0.6,
      unstableLfi: 0.5,
      trendDrift: 0.00008,
      trendLfi: 0.6,
      elasticityMax: 5,
      crashDrawdown: 0.2,
      unstableEmptySide: 0.05,
    },
  };
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`config.${path}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Values that are not free-form numbers, with their allowed choices. */
const ENUMS: Record<string, readonly string[]> = {
  'crowding.phiNormalization': ['seed', 'weighted_mean'],
  'impact.payer': ['aggressor', 'both_sides'],
  'alphaDecay.estimator': ['levels', 'original'],
  'sharpe.annualisation': ['trading_time', 'seed'],
  'population.preset': ['market', 'seed'],
  'fragility.normalization': ['reference', 'run'],
};

/** Numbers that must be positive integers (counts, windows, lengths). */
const INTEGER_KEYS = new Set([
  'depthLevels',
  'recentTradesInState',
  'volatilityWindow',
  'vwapWindow',
  'priceHistoryLength',
  'stateHistoryLength',
  'tradeTapeLength',
  'recentFillsInTick',
]);

/** [lower, upper] pairs of the same section that must satisfy lower <= upper. */
const ORDERED_PAIRS: readonly [string, string, string][] = [
  ['crowding', 'agentMultiplierMin', 'agentMultiplierMax'],
  ['crowding', 'sideMultiplierMin', 'sideMultiplierMax'],
  ['meanReversion', 'jitterMin', 'jitterMax'],
  ['meanReversion', 'cooldownMin', 'cooldownMax'],
  ['regime', 'lowQuantile', 'highQuantile'],
  ['value', 'qtyMin', 'qtyMax'],
  ['noise', 'qtyMin', 'qtyMax'],
];

/** Values that are probabilities or AR coefficients: must lie in [0, 1]. */
const UNIT_INTERVAL_KEYS = [
  'noise.marketShare',
  'noise.intensityPersistence',
  'noise.metaStartProbability',
  'noise.metaChildProbability',
  'value.aggressiveShare',
  'fundamental.jumpProbability',
  'fundamental.meanReversion',
  'ladderMaker.refillShare',
  'ladderMaker.fairValueAlpha',
  'ladderMaker.fundamentalWeight',
  'ladderMaker.impactWeight',
  'value.impactWeight',
];

/** Lifetimes and sizes agents divide by or draw geometric lengths from: must be >= 1. */
const AT_LEAST_ONE_KEYS = ['noise.orderLifetime', 'value.orderLifetime', 'ladderMaker.qty'];

/**
 * Nested counts the analytics size their rings by, with their least valid value. Checked here so a
 * bad override fails as a ConfigError naming its path (a 400 for the server), not as a RangeError
 * from a constructor.
 */
const NESTED_INTEGER_MIN: Record<string, number> = {
  'ladderMaker.levels': 1,
  'ladderMaker.levelSpacingTicks': 1,
  'noise.qtyMax': 1,
  'noise.qtyMin': 1,
  'value.qtyMin': 1,
  'value.qtyMax': 1,
  'crowding.factorWindow': 2,
  'alphaDecay.sharpeWindow': 2,
  'alphaDecay.maxSamples': 1,
  'alphaDecay.agentWindow': 2,
  'alphaDecay.agentMaxSamples': 1,
  'alphaDecay.agentMinSamples': 3,
  'alphaDecay.blockLength': 1,
  'diagnostics.window': 2,
};

function merge(base: Record<string, unknown>, patch: unknown, path: string): void {
  if (patch === undefined) return;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new ConfigError(path || '(root)', `expected an object, got ${JSON.stringify(patch)}`);
  }
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(base, key)) {
      throw new ConfigError(at, `unknown key; valid keys here are ${Object.keys(base).join(', ')}`);
    }
    const current = base[key];
    if (current !== null && typeof current === 'object') {
      merge(current as Record<string, unknown>, value, at);
      continue;
    }
    const allowed = ENUMS[at];
    if (allowed) {
      if (typeof value !== 'string' || !allowed.includes(value)) {
        throw new ConfigError(at, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(value)}`);
      }
    } else if (typeof current === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ConfigError(at, `must be a finite number, got ${JSON.stringify(value)}`);
      }
      if (value < 0) throw new ConfigError(at, `must be >= 0, got ${value}`);
    } else if (typeof current === 'boolean' && typeof value !== 'boolean') {
      throw new ConfigError(at, `must be true or false, got ${JSON.stringify(value)}`);
    }
    base[key] = value;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * What a config may say: `population` may also be a preset's name (`population: "seed"`).
 */
export type ConfigOverrides = Omit<DeepPartial<SimulationConfig>, 'population'> & {
  population?: PopulationPreset | DeepPartial<PopulationConfig>;
};

/**
 * Defaults overridden by `overrides`; throws ConfigError naming the bad path. A named preset
 * (`population: "seed"` or `population.preset`) is applied first, then the other overrides.
 */
export function resolveConfig(overrides: ConfigOverrides = {}): Readonly<SimulationConfig> {
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ConfigError('(root)', `expected an object, got ${JSON.stringify(overrides)}`);
  }
  const pop = overrides.population;
  const patch = typeof pop === 'string' ? { ...overrides, population: { preset: pop } } : overrides;
  const preset = typeof pop === 'string' ? pop : (pop as { preset?: unknown } | undefined)?.preset;
  const cfg = baseConfig();
  if (preset !== undefined) {
    if (typeof preset !== 'string' || !Object.prototype.hasOwnProperty.call(PRESETS, preset)) {
      throw new ConfigError('population.preset', `must be one of ${Object.keys(PRESETS).map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(preset)}`);
    }
  }
  merge(cfg as unknown as Record<string, unknown>, PRESETS[(preset as PopulationPreset | undefined) ?? DEFAULT_PRESET], '');
  merge(cfg as unknown as Record<string, unknown>, patch, '');
  for (const key of INTEGER_KEYS) {
    const v = (cfg as unknown as Record<string, number>)[key] as number;
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(key, `must be a positive integer, got ${v}`);
  }
  for (const [k, v] of Object.entries(cfg.population)) {
    if (k === 'preset') continue;
    if (!Number.isInteger(v)) throw new ConfigError(`population.${k}`, `must be a whole number of agents, got ${v}`);
  }
  if (!(cfg.tickDurationNs > 0)) throw new ConfigError('tickDurationNs', `must be > 0 (simulated ns per tick; Sharpe annualisation divides by it), got ${cfg.tickDurationNs}`);
  if (!(cfg.sharpe.tradingSecondsPerYear > 0)) throw new ConfigError('sharpe.tradingSecondsPerYear', `must be > 0, got ${cfg.sharpe.tradingSecondsPerYear}`);
  if (cfg.tickSize <= 0) throw new ConfigError('tickSize', `must be > 0, got ${cfg.tickSize}`);
  if (cfg.initialPrice <= 0) throw new ConfigError('initialPrice', `must be > 0, got ${cfg.initialPrice}`);
  let grid: TickGrid;
  try {
    grid = new TickGrid(cfg.tickSize);
  } catch (e) {
    throw new ConfigError('tickSize', (e as Error).message);
  }
  const startTicks = grid.toTicks(cfg.initialPrice);
  if (startTicks < 1 || startTicks > MAX_PRICE_TICKS) {
    throw new ConfigError(
      'initialPrice',
      `must lie on the book's tick grid, between one tick (${grid.tickSize}) and ${grid.toPrice(MAX_PRICE_TICKS)}, got ${cfg.initialPrice}; use a larger tickSize for higher prices`,
    );
  }
  if (!Number.isInteger(cfg.seed)) throw new ConfigError('seed', `must be an integer, got ${cfg.seed}`);
  for (const [path, min] of Object.entries(NESTED_INTEGER_MIN)) {
    const [section, key] = path.split('.') as [string, string];
    const v = (cfg as unknown as Record<string, Record<string, number>>)[section]![key]!;
    if (!Number.isInteger(v) || v < min) throw new ConfigError(path, `must be an integer >= ${min}, got ${v}`);
  }
  for (const [section, rules] of Object.entries(AGENT_PARAM_RULES)) {
    const values = (cfg as unknown as Record<string, Record<string, number>>)[section]!;
    for (const [key, rule] of Object.entries(rules)) {
      const problem = paramRuleViolation(rule, values[key]!);
      if (problem) throw new ConfigError(`${section}.${key}`, problem);
    }
  }
  const historyProblem = meanReversionWindowProblem(cfg.meanReversion.window, cfg.stateHistoryLength);
  if (historyProblem) throw new ConfigError('meanReversion.window', historyProblem);
  if (cfg.impact.permanentShare > 1) {
    throw new ConfigError('impact.permanentShare', `is a share of the temporary impact and must be in [0, 1], got ${cfg.impact.permanentShare}`);
  }
  for (const k of ['highQuantile', 'lowQuantile', 'crashDrawdown', 'unstableEmptySide'] as const) {
    if (cfg.regime[k] > 1) throw new ConfigError(`regime.${k}`, `is a ${k.endsWith('Quantile') ? 'quantile level' : 'share'} and must be in [0, 1], got ${cfg.regime[k]}`);
  }
  for (const path of UNIT_INTERVAL_KEYS) {
    const [section, key] = path.split('.') as [string, string];
    const v = (cfg as unknown as Record<string, Record<string, number>>)[section]![key]!;
    if (v > 1) throw new ConfigError(path, `is a probability or weight and must be in [0, 1], got ${v}`);
  }
  for (const path of AT_LEAST_ONE_KEYS) {
    const [section, key] = path.split('.') as [string, string];
    const v = (cfg as unknown as Record<string, Record<string, number>>)[section]![key]!;
    if (v < 1) throw new ConfigError(path, `must be >= 1, got ${v}`);
  }
  if (cfg.noise.qtyTailExponent <= 1) {
    throw new ConfigError('noise.qtyTailExponent', `must be > 1 (a Pareto tail with a finite mean), got ${cfg.noise.qtyTailExponent}`);
  }
  if (cfg.noise.metaTailExponent <= 1) {
    throw new ConfigError('noise.metaTailExponent', `must be > 1 (a Pareto tail with a finite mean), got ${cfg.noise.metaTailExponent}`);
  }
  if (cfg.noise.intensityPersistence >= 1) {
    throw new ConfigError('noise.intensityPersistence', `must be < 1 (a stationary intensity), got ${cfg.noise.intensityPersistence}`);
  }
  for (const [section, lo, hi] of ORDERED_PAIRS) {
    const values = (cfg as unknown as Record<string, Record<string, number>>)[section]!;
    if (values[lo]! > values[hi]!) {
      throw new ConfigError(`${section}.${lo}`, `must be <= ${section}.${hi} (${values[hi]}), got ${values[lo]}`);
    }
  }
  if (cfg.fragility.warning > cfg.fragility.danger || cfg.fragility.danger > cfg.fragility.critical) {
    throw new ConfigError('fragility', 'thresholds must satisfy warning <= danger <= critical');
  }
  if (!(cfg.fragility.referenceDepth > 0)) {
    throw new ConfigError('fragility.referenceDepth', `must be > 0 (the visible depth of a normally supplied book), got ${cfg.fragility.referenceDepth}`);
  }
  return deepFreeze(cfg);
}

/**
 * Ticks per year used to annualise Sharpe ratios (docs/MODEL.md, "Sharpe"): per simulated trading
 * year at the configured tick duration, or the seed's 252 with `sharpe.annualisation: "seed"`.
 */
export function sharpeTicksPerYear(cfg: Pick<SimulationConfig, 'sharpe' | 'tickDurationNs'>): number {
  if (cfg.sharpe.annualisation === 'seed') return 252;
  return cfg.sharpe.tradingSecondsPerYear / (cfg.tickDurationNs / 1e9);
}

/** One line saying what the Sharpe figures are, for reports and the API. */
export function sharpeDefinition(cfg: Pick<SimulationConfig, 'sharpe' | 'tickDurationNs' | 'diagnostics'>): string {
  const tpy = sharpeTicksPerYear(cfg);
  const basis = cfg.sharpe.annualisation === 'seed' ? 'sqrt(252) (the seed convention: one tick counted as one trading day)' : `sqrt(${Math.round(tpy)}) ticks per simulated trading year (${cfg.sharpe.tradingSecondsPerYear} s / ${cfg.tickDurationNs / 1e6} ms per tick)`;
  return `mean / std (ddof 1) of per-tick PnL changes × ${basis}; sharpe: the last ${cfg.diagnostics.window} ticks (rolling), sharpe_full: since the agent joined; each has the sign of the PnL change over its own window`;
}
