/** The research views: GET /analytics/{crowding,factor-space,decay,regime,fragility,snapshot}. */
import { Type, type Static } from '@sinclair/typebox';
import { AgentStatsWire } from './agents.js';
import { FACTOR_NAMES, REGIMES } from './constants.js';
import { CrowdedPairWire } from './events.js';
import { ByAgent, Int, Nullable, Num, Obj, Str } from './kit.js';

const NInt = Nullable(Int(), 'null before the first tick');

export const CrowdingSnapshotWire = Obj({
  tick: NInt,
  crowding_intensity: Num('pair-weighted mean off-diagonal similarity'),
  phi_normalization: Str('how Phi_i averages its row: weighted_mean (default) or seed'),
  kappa: Num('strength of the crowding-dependent impact multiplier'),
  agent_ids: Type.Array(Str(), { description: 'row/column order of matrix and activity_weights' }),
  matrix: Type.Array(Type.Array(Num()), { description: 'C_ij (cosine similarity of factor vectors)' }),
  activity_weights: Type.Array(Num(), { description: "volume shares w_j (sum to 1), in agent_ids order" }),
  agent_crowding_intensity: ByAgent(Num(), 'Phi_i by agent id'),
  agent_multipliers: ByAgent(Num(), 'per-agent impact multiplier from its Phi'),
  top_crowded_pairs: Type.Array(CrowdedPairWire),
  side: Obj({ buy_multiplier: Num(), sell_multiplier: Num(), side_pressure: Num(), order_flow_imbalance: Num() }),
});
export type CrowdingSnapshotWire = Static<typeof CrowdingSnapshotWire>;

const Factors = Obj(Object.fromEntries(FACTOR_NAMES.map((f) => [f, Num()])) as Record<(typeof FACTOR_NAMES)[number], ReturnType<typeof Num>>);

export const FactorSpaceWire = Obj({
  tick: NInt,
  window: Int('ticks in the rolling factor window'),
  factor_names: Type.Array(Str(), { description: 'order of each agent vector' }),
  agents: Type.Array(
    Obj({
      agent_id: Str(),
      strategy_type: Str(),
      factors: Factors,
      vector: Type.Array(Num(), { description: 'factors in factor_names order' }),
      activity: Num('order + fill quantity, scaled by the 90th percentile'),
      volume_share: Num('w_j'),
      pca: Obj({ x: Num(), y: Num() }),
    }),
  ),
  pca: Obj({ method: Str(), components: Type.Array(Type.Array(Num())), explained_variance_ratio: Type.Array(Num()) }),
});
export type FactorSpaceWire = Static<typeof FactorSpaceWire>;

export const DecayCurvePointWire = Obj({
  crowding_exposure: Num('cumulative crowding exposure (x)'),
  crowding: Num('same as crowding_exposure (the name the original used)'),
  predicted_sharpe: Num('alpha_max * exp(-lambda * x)'),
});

const DecayCi = Nullable(
  Obj({ level: Num(), lower: Nullable(Num()), upper: Nullable(Num(), 'null: unbounded'), resamples: Int(), block_length: Type.Optional(Int('windows per bootstrap block')) }),
  'bootstrap interval of the half-life',
);

/** One alpha-decay fit as served (the original's agent_decay_params entry plus what a referee needs). */
const DecayParamsProps = {
  alpha_max: Nullable(Num(), 'fitted level a (per-tick Sharpe at zero exposure)'),
  lambda: Nullable(Num()),
  half_life: Nullable(Num(), 'ln 2 / lambda in exposure units; null without decay'),
  half_life_ticks: Nullable(Num(), 'the half-life in ticks at the fitted agents\' mean exposure rate'),
  half_life_ci: DecayCi,
  r_squared: Nullable(Num()),
  n_samples: Int(),
  fit_basis: Str('cumulative_crowding_exposure: the x axis of the fit'),
  decays: Type.Boolean({ description: 'a decaying exponential fits; otherwise reason says why' }),
  reason: Nullable(Str()),
  significant: Type.Boolean({ description: 'the decay is also found in enough resamples for a finite upper bound' }),
  exposure_per_tick: Nullable(Num()),
  curve: Type.Array(DecayCurvePointWire),
};

export const AgentDecayParamsWire = Obj({ agent_id: Str(), strategy: Str('strategy type of the agent'), ...DecayParamsProps });
export type AgentDecayParamsWire = Static<typeof AgentDecayParamsWire>;

export const StrategyDecayParamsWire = Obj({ strategy: Str('strategy type'), agents: Int('agents of the type stacked in the fit'), ...DecayParamsProps });

/** The pooled fit of one estimator. */
const PooledFitProps = {
  samples: Int('samples of the fit'),
  min_fit_samples: Int(),
  alpha_max: Nullable(Num()),
  lambda: Nullable(Num()),
  half_life: Nullable(Num()),
  half_life_ci: DecayCi,
  r2: Nullable(Num()),
  curve: Type.Array(Obj({ exposure: Num(), sharpe: Num() }), { description: 'the fitted curve' }),
  model: Str(),
};
const LevelsFitProps = { ...PooledFitProps, half_life_ticks: Nullable(Num()), decays: Type.Boolean(), reason: Nullable(Str()) };
export const OriginalEstimatorWire = Obj(PooledFitProps, "the original estimator's pooled fit");
export const LevelsEstimatorWire = Obj(LevelsFitProps, 'the levels estimator\'s pooled fit');

export const DecaySnapshotWire = Obj({
  tick: NInt,
  estimator: Str('which estimator the top-level fit is (config alphaDecay.estimator): levels | original'),
  ...PooledFitProps,
  half_life_ticks: Type.Optional(Nullable(Num())),
  decays: Type.Optional(Type.Boolean()),
  reason: Type.Optional(Nullable(Str())),
  levels_estimator: Type.Optional(LevelsEstimatorWire),
  original_estimator: Type.Optional(OriginalEstimatorWire),
  units: Obj({ exposure: Str(), sharpe: Str(), half_life: Str() }),
  agent_decay_params: Type.Array(AgentDecayParamsWire, { description: "each agent's own fit over its history" }),
  strategy_decay_params: Type.Array(StrategyDecayParamsWire, { description: 'one fit per strategy type' }),
  agents: Type.Array(Obj({ agent_id: Str(), strategy_type: Str(), crowding_exposure: Num(), sharpe_proxy: Nullable(Num()) })),
  crowding_intensity_history: Type.Array(Num(), { description: 'crowding_intensity of recent ticks, oldest first' }),
  side_pressure_history: Type.Array(Num(), { description: 'side pressure of recent ticks, oldest first' }),
  impact_multipliers: Obj({ buy: Num(), sell: Num(), side_pressure: Num() }),
});
export type DecaySnapshotWire = Static<typeof DecaySnapshotWire>;

export const RegimeMetricsWire = Obj({ volatility: Num(), vol_autocorr: Num(), drift: Num(), lfi: Num(), elasticity: Num(), crowding: Num() });

export const RegimeSnapshotWire = Obj({
  tick: NInt,
  regime: Nullable(Str(), 'null before the first tick'),
  current_regime: Nullable(Str(), 'same as regime'),
  since_tick: NInt,
  metrics: RegimeMetricsWire,
  thresholds: Type.Record(Type.String(), Num(), { description: 'current (self-calibrated) thresholds by name' }),
  calibrated: Type.Boolean(),
  observations: Int(),
  calibration_observations: Int(),
  regime_counts: Type.Record(Type.String(), Int(), { description: `ticks spent in each of ${REGIMES.join(', ')}` }),
  changes: Type.Array(Obj({ tick: Int(), regime: Str(), prev_regime: Nullable(Str()) })),
  history: Type.Array(
    Obj({ tick: Int(), regime: Str(), vol_level: Num(), vol_autocorr: Num(), lfi: Num(), spread_elasticity: Num(), crowding: Num(), drift: Num() }),
    { description: 'recent ticks, oldest first' },
  ),
});
export type RegimeSnapshotWire = Static<typeof RegimeSnapshotWire>;

export const FragilitySnapshotWire = Obj({
  tick: NInt,
  lfi: Num(),
  alert: Str(),
  alert_level: Str('same as alert'),
  near_depth_ratio: Num(),
  fill_imbalance: Num(),
  raw: Num('normalization "reference": reference_depth / (reference_depth + depth) * (1 + flow_imbalance) / 2; "run": near_depth_ratio * (1 + fill_imbalance)'),
  adjusted_ratio: Num('same as raw'),
  normalization: Str('"reference": LFI = mean of the last raws, on a fixed scale (comparable across runs); "run": z-score against the run\'s own baseline'),
  depth: Num('visible depth of the last snapshot, both sides'),
  reference_depth: Num('fragility.referenceDepth'),
  flow_imbalance: Num('|aggressive buy qty - aggressive sell qty| / qty over the last flow_window ticks'),
  flow_window: Int(),
  observations: Int(),
  baseline: Nullable(Obj({ mean: Num(), std: Num() }), 'normalization "run" only: null before baselineObservations ticks and under "reference"'),
  baseline_observations: Int(),
  thresholds: Obj({ warning: Num(), danger: Num(), critical: Num() }),
  history: Type.Array(
    Obj({
      tick: Int(),
      lfi: Num(),
      raw: Num(),
      adjusted_ratio: Num(),
      near_depth_ratio: Nullable(Num(), 'null for ticks restored from a checkpoint older than this field'),
      fill_imbalance: Nullable(Num(), 'null for ticks restored from a checkpoint older than this field'),
      alert_level: Nullable(Str(), 'null for ticks restored from a checkpoint older than this field'),
    }),
  ),
});
export type FragilitySnapshotWire = Static<typeof FragilitySnapshotWire>;

export const MarketSummaryWire = Obj({
  mid_price: Nullable(Num()),
  spread: Nullable(Num()),
  volatility: Num(),
  regime: Str(),
  lfi: Num(),
  lfi_near_depth_ratio: Num(),
  lfi_adjusted_ratio: Num(),
  crowding: Num(),
});

export const AnalyticsSnapshotWire = Obj({
  tick: Int(),
  market: MarketSummaryWire,
  agent_diagnostics: Type.Array(AgentStatsWire),
  crowding: CrowdingSnapshotWire,
  factor_space: FactorSpaceWire,
  decay: DecaySnapshotWire,
  alpha_decay: DecaySnapshotWire,
  regime: RegimeSnapshotWire,
  fragility: FragilitySnapshotWire,
});
export type AnalyticsSnapshotWire = Static<typeof AnalyticsSnapshotWire>;
