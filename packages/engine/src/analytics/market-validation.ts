/**
 * The market-realism targets (issue #10, point 3), measured on runs of the simulation: one place
 * that `scripts/validate-market.mjs`, the regression test and VALIDATION.md share.
 *
 * Targets, on the default market (mean over the seeds unless "every seed"):
 *   |lag-1 ACF of 1-tick mid returns| <= 0.15; mean |ACF| over lags 2..20 < 0.05 on every seed;
 *   10-tick variance ratio in [0.8, 1.2]; ACF(|r|) > 0 at every lag 1..20 (of the mean ACF);
 *   excess kurtosis > 1 and falling over horizons 1 → 10 → 50 on every seed; Hill index (top 5 %)
 *   in [2, 6]; >= 3 levels on both sides on >= 90 % of ticks; an empty side on <= 1 %; median
 *   spread <= 5 ticks.
 * Stress (every seed): the book two-sided on >= 99 % of ticks and the mid within [0.5×, 2×] of
 * its start throughout.
 */
import type { ConfigOverrides } from '../config.js';
import { Simulation, type TickResult } from '../simulation.js';
import { MarketSampler } from './market-sampler.js';
import type { StylizedFactsReport } from './stylized-facts.js';

/** Anything that steps like a Simulation (an older engine build, for before/after figures). */
export interface SteppingMarket {
  step(): TickResult;
  config: { tickSize: number };
}

export interface SeedFigures {
  seed: number;
  ticks: number;
  first_mid: number;
  last_mid: number;
  min_mid: number;
  max_mid: number;
  /** Ticks with the mid outside [0.5×, 2×] of the first mid. */
  out_of_band_ticks: number;
  lag1: number | null;
  mean_abs_acf_2_20: number | null;
  variance_ratio_10: number | null;
  acf_abs: (number | null)[];
  kurtosis_1: number | null;
  kurtosis_10: number | null;
  kurtosis_50: number | null;
  hill_top5: number | null;
  sign_acf_1: number | null;
  sign_acf_41_50: number | null;
  depth_share: number;
  empty_side_share: number;
  median_spread_ticks: number | null;
  /** Share of ticks per regime label. */
  regimes: Record<string, number>;
  /** Orders submitted over the run per strategy type (from the last TICK's agent_stats): who actually traded. */
  orders_by_strategy: Record<string, number>;
  failed_facts: string[];
}

export interface TargetCheck {
  name: string;
  criterion: string;
  value: number | string | null;
  pass: boolean;
}

export interface ValidationResult {
  seeds: SeedFigures[];
  targets: TargetCheck[];
  pass: boolean;
}

/** Runs one seed for `ticks` and returns its figures and full report. */
export function measureSeed(
  seed: number,
  ticks: number,
  make: (seed: number) => SteppingMarket = (s) => new Simulation({ seed: s }),
): { figures: SeedFigures; report: StylizedFactsReport } {
  const sim = make(seed);
  const sampler = new MarketSampler(sim.config.tickSize);
  let last: TickResult | null = null;
  for (let t = 0; t < ticks; t++) sampler.observe((last = sim.step()));
  const ordersByStrategy: Record<string, number> = {};
  for (const a of last?.state.agent_stats ?? []) ordersByStrategy[a.strategy_type] = (ordersByStrategy[a.strategy_type] ?? 0) + a.orders_submitted;
  const report = sampler.report();
  const k = (h: number) => report.kurtosis_by_horizon.find((x) => x.horizon === h)?.excess_kurtosis ?? null;
  const signs = report.acf_signs;
  let late: number | null = null;
  if (signs.length >= 50 && signs.slice(40, 50).every((v) => v !== null)) late = (signs.slice(40, 50) as number[]).reduce((a, b) => a + b, 0) / 10;
  const regimes: Record<string, number> = {};
  for (const [name, n] of sampler.regimes) regimes[name] = n / sampler.ticks;
  return {
    report,
    figures: {
      seed,
      ticks,
      first_mid: sampler.firstMid(),
      last_mid: sampler.lastMid(),
      min_mid: sampler.minMid,
      max_mid: sampler.maxMid,
      out_of_band_ticks: sampler.outOfBand,
      lag1: report.acf_raw[0] ?? null,
      mean_abs_acf_2_20: report.facts.no_linear_predictability?.value ?? null,
      variance_ratio_10: report.variance_ratio,
      acf_abs: report.acf_abs.slice(0, 50),
      kurtosis_1: k(1),
      kurtosis_10: k(10),
      kurtosis_50: k(50),
      hill_top5: report.hill_index,
      sign_acf_1: signs[0] ?? null,
      sign_acf_41_50: late,
      depth_share: report.book?.depth_share ?? 0,
      empty_side_share: report.book?.empty_side_share ?? 1,
      median_spread_ticks: report.book?.median_spread_ticks ?? null,
      regimes,
      orders_by_strategy: ordersByStrategy,
      failed_facts: report.failed,
    },
  };
}

function avg(xs: (number | null)[]): number | null {
  if (xs.some((x) => x === null)) return null;
  return (xs as number[]).reduce((a, b) => a + b, 0) / xs.length;
}

/** Point 3's targets over `seeds` runs of `ticks` (default market unless `make` says otherwise). */
export function validateMarket(opts: { seeds?: number[]; ticks?: number; make?: (seed: number) => SteppingMarket } = {}): ValidationResult {
  const seeds = opts.seeds ?? [1, 2, 3];
  const ticks = opts.ticks ?? 20_000;
  const figures = seeds.map((s) => measureSeed(s, ticks, opts.make).figures);
  const targets: TargetCheck[] = [];
  const add = (name: string, criterion: string, value: number | string | null, pass: boolean) => targets.push({ name, criterion, value, pass });

  const lag1 = avg(figures.map((f) => f.lag1));
  add('lag1', '|mean lag-1 ACF of 1-tick mid returns| <= 0.15', lag1, lag1 !== null && Math.abs(lag1) <= 0.15);
  const worstPred = Math.max(...figures.map((f) => f.mean_abs_acf_2_20 ?? Infinity));
  add('acf_2_20', 'mean |ACF| over lags 2..20 < 0.05 on every seed (value: the worst seed)', worstPred, worstPred < 0.05);
  const vr = avg(figures.map((f) => f.variance_ratio_10));
  add('variance_ratio', 'mean 10-tick variance ratio in [0.8, 1.2]', vr, vr !== null && vr >= 0.8 && vr <= 1.2);
  let minAbs: number | null = Infinity;
  for (let lag = 0; lag < 20; lag++) {
    const m = avg(figures.map((f) => f.acf_abs[lag] ?? null));
    minAbs = m === null || minAbs === null ? null : Math.min(minAbs, m);
  }
  add('abs_acf_1_20', 'mean ACF(|r|) > 0 at every lag 1..20 (value: the smallest)', minAbs, minAbs !== null && minAbs > 0);
  const kurtOk = figures.every((f) => f.kurtosis_1 !== null && f.kurtosis_10 !== null && f.kurtosis_50 !== null && f.kurtosis_1 > 1 && f.kurtosis_10 < f.kurtosis_1 && f.kurtosis_50 < f.kurtosis_10);
  add('kurtosis', 'excess kurtosis > 1 at 1 tick and falling 1 → 10 → 50 on every seed', figures.map((f) => [f.kurtosis_1, f.kurtosis_10, f.kurtosis_50].map((x) => x?.toFixed(2)).join(' → ')).join('; '), kurtOk);
  const hill = avg(figures.map((f) => f.hill_top5));
  add('hill', 'mean Hill tail index of |1-tick returns| (top 5 %) in [2, 6]', hill, hill !== null && hill >= 2 && hill <= 6);
  const depth = avg(figures.map((f) => f.depth_share));
  add('depth', 'mean share of ticks with >= 3 levels on both sides >= 0.9', depth, depth !== null && depth >= 0.9);
  const empty = avg(figures.map((f) => f.empty_side_share));
  add('empty_side', 'mean share of ticks with an empty side <= 0.01', empty, empty !== null && empty <= 0.01);
  const spread = avg(figures.map((f) => f.median_spread_ticks));
  add('spread', 'mean median spread <= 5 ticks', spread, spread !== null && spread <= 5);
  return { seeds: figures, targets, pass: targets.every((t) => t.pass) };
}

/** The stress population: 70 % of the strategy agents momentum (7 momentum, 1 mean-reversion, 2 market makers). */
export const STRESS_POPULATION = { momentum: 7, meanReversion: 1, marketMakers: 2, rl: 0 } as const;

/** Stress (every seed): two-sided on >= 99 % of ticks, mid within [0.5×, 2×] of its start throughout. */
export function stressMarket(
  opts: { seeds?: number[]; ticks?: number; make?: (seed: number) => SteppingMarket; overrides?: ConfigOverrides } = {},
): ValidationResult {
  const seeds = opts.seeds ?? [1, 2, 3, 4, 5];
  const ticks = opts.ticks ?? 20_000;
  const make = opts.make ?? ((s: number) => new Simulation({ ...(opts.overrides ?? {}), seed: s, population: { ...STRESS_POPULATION } }));
  const figures = seeds.map((s) => measureSeed(s, ticks, make).figures);
  const targets: TargetCheck[] = [];
  for (const f of figures) {
    targets.push({ name: `two_sided_seed_${f.seed}`, criterion: 'two-sided on >= 99 % of ticks (value: share)', value: 1 - f.empty_side_share, pass: f.empty_side_share <= 0.01 });
    targets.push({
      name: `band_seed_${f.seed}`,
      criterion: 'mid within [0.5×, 2×] of its start on every tick (value: min–max mid)',
      value: `${f.min_mid.toFixed(4)}–${f.max_mid.toFixed(4)}`,
      pass: f.out_of_band_ticks === 0,
    });
  }
  return { seeds: figures, targets, pass: targets.every((t) => t.pass) };
}
