/**
 * The experiments API (POST/GET/DELETE /experiments): what the server sends about an experiment
 * and its runs. A spec is sent as the JSON form of the spec file (see README "Research").
 */
import { Type, type Static } from '@sinclair/typebox';
import { Int, JsonObject, Nullable, Num, Obj, Scalar, Str } from './kit.js';

export const EXPERIMENT_STATUSES = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export const ExperimentStatusWire = Type.Union(EXPERIMENT_STATUSES.map((s) => Type.Literal(s)));
export type ExperimentStatusWire = Static<typeof ExperimentStatusWire>;

const progress = {
  total: Int('runs in the experiment (grid points x draws x seeds)'),
  done: Int('runs stored'),
  failed: Int('runs on the dead-letter list (failed on every attempt)'),
};

export const ExperimentProgressWire = Obj(progress);
export type ExperimentProgressWire = Static<typeof ExperimentProgressWire>;

const summary = {
  id: Str(),
  name: Str(),
  description: Str(),
  status: ExperimentStatusWire,
  runner: Str('embedded | queue:<name>'),
  project_version: Str('CrowdAlpha version that ran it'),
  created_at: Str(),
  finished_at: Nullable(Str()),
  ...progress,
};

/** One row of GET /experiments; POST /experiments and DELETE /experiments/{id} answer it too. */
export const ExperimentSummaryWire = Obj(summary);
export type ExperimentSummaryWire = Static<typeof ExperimentSummaryWire>;

export const ExperimentListResponse = Obj({ items: Type.Array(ExperimentSummaryWire, { description: 'newest first' }) });
export type ExperimentListResponse = Static<typeof ExperimentListResponse>;

const ParamMap = (description: string) => Type.Record(Type.String(), Scalar(), { description });

/** A run on the dead-letter list, with its last error. */
export const ExperimentFailureWire = Obj({
  run_index: Int(),
  seed: Int(),
  params: ParamMap('the swept and drawn values of the run'),
  error: Str(),
  attempts: Int(),
  failed_at: Str(),
});
export type ExperimentFailureWire = Static<typeof ExperimentFailureWire>;

/** One stored run: its swept values, figures and sampled price path. */
export const ExperimentRunWire = Obj({
  run_index: Int(),
  seed: Int(),
  params: ParamMap('the swept and drawn values of the run'),
  figures: Type.Record(Type.String(), Nullable(Scalar()), { description: 'the run row: one value per column of runs.csv (README "Sweep and experiment columns")' }),
  path: Type.Array(Type.Tuple([Num(), Num()]), { description: '[tick, mid][] at ~200 evenly spaced ticks' }),
  wall_ms: Num(),
  worker: Str(),
});
export type ExperimentRunWire = Static<typeof ExperimentRunWire>;

/** Mean, sd and 95 % t interval over seeds of one figure at one grid point. */
export const FigureStatsWire = Obj({ n: Int(), mean: Nullable(Num()), sd: Nullable(Num()), ci_lo: Nullable(Num()), ci_hi: Nullable(Num()) });
export type FigureStatsWire = Static<typeof FigureStatsWire>;

export const ExperimentPointWire = Obj({
  params: Type.Record(Type.String(), Nullable(Scalar()), { description: 'the grid point (swept and drawn keys)' }),
  seeds: Int(),
  figures: Type.Record(Type.String(), FigureStatsWire, { description: 'per figure over the seeds' }),
});
export type ExperimentPointWire = Static<typeof ExperimentPointWire>;

/** A key drawn uniformly from [min, max] (whole numbers when `integer`). */
export const RandomRangeWire = Obj({ min: Num(), max: Num(), integer: Type.Boolean() });

/** The validated spec, every key filled in (the JSON form of the spec file; README "Research"). */
export const ExperimentSpecWire = Obj({
  name: Str(),
  description: Str(),
  base: JsonObject('engine config overrides every run starts from, as written in the spec (dotted or nested keys)'),
  grid: Type.Record(Type.String(), Type.Array(Scalar()), { description: 'config key → values swept' }),
  random: Nullable(
    Obj({ draws: Int('points drawn, each combined with every grid point'), seed: Int('seed of the draws'), ranges: Type.Record(Type.String(), RandomRangeWire) }),
    'random draws of keys from ranges, or null',
  ),
  seeds: Type.Array(Int()),
  ticks: Int(),
  figures: Type.Array(Str(), { description: 'standard figures to draw' }),
  max_runs: Int('cap on points x seeds'),
});
export type ExperimentSpecWire = Static<typeof ExperimentSpecWire>;

/** GET /experiments/{id}. */
export const ExperimentDetailWire = Obj({
  ...summary,
  spec: ExperimentSpecWire,
  axes: Type.Array(Str(), { description: 'swept and drawn keys, in column order' }),
  runs: Type.Array(ExperimentRunWire),
  aggregates: Type.Array(ExperimentPointWire, { description: 'per grid point over seeds (the experiment summary)' }),
  dead_letters: Type.Array(ExperimentFailureWire),
});
export type ExperimentDetailWire = Static<typeof ExperimentDetailWire>;
