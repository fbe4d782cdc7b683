import { describe, expect, it } from 'vitest';
import { measureSeed, STRESS_POPULATION, stressMarket, validateMarket, type SteppingMarket } from '../../src/analytics/market-validation.js';
import { EventType } from '../../src/events.js';
import { Rng } from '../../src/rng.js';
import type { TickResult } from '../../src/simulation.js';

// The market-realism targets computed from the figures of each seed, on scripted markets whose
// figures are known (test/simulation/market-realism.test.ts runs them on the real default market).

interface Script {
  /** Mid of tick t. */
  mid: (t: number) => number;
  /** Levels on each side at tick t. */
  levels?: (t: number) => [number, number];
  /** Spread of tick t in price units (null: a side is empty). */
  spread?: (t: number) => number | null;
  regime?: (t: number) => string;
  /** Aggressor of the one fill of tick t ('BID', 'ASK'), or none. */
  aggressor?: (t: number) => string | null;
}

class ScriptedMarket implements SteppingMarket {
  readonly config = { tickSize: 0.5 };
  private t = 0;
  constructor(private readonly s: Script) {}
  step(): TickResult {
    const t = this.t++;
    const [b, a] = this.s.levels?.(t) ?? [5, 5];
    const level = { price: 1, quantity: 1 };
    const aggressor = this.s.aggressor?.(t) ?? null;
    return {
      tick: t,
      events: aggressor === null ? [] : [{ type: EventType.ORDER_FILLED, tick: t, payload: { aggressor } }],
      state: {
        mid_price: this.s.mid(t),
        regime: this.s.regime?.(t) ?? 'CALM',
        order_book: { bids: Array(b).fill(level), asks: Array(a).fill(level), spread: this.s.spread ? this.s.spread(t) : 1 },
        agent_stats: [
          { strategy_type: 'momentum', orders_submitted: 3 + t },
          { strategy_type: 'momentum', orders_submitted: 4 },
          { strategy_type: 'market_maker', orders_submitted: 10 },
        ],
      },
    } as unknown as TickResult;
  }
}

/** A Gaussian random walk of the log mid from 100. */
function walk(seed: number, sigma = 0.001): (t: number) => number {
  const rng = new Rng(seed);
  let logMid = Math.log(100);
  const mids: number[] = [];
  return (t) => {
    while (mids.length <= t) {
      mids.push(Math.exp(logMid));
      logMid += rng.normal(0, sigma);
    }
    return mids[t]!;
  };
}

describe('measureSeed', () => {
  it('reports the mid path, the band, regimes, orders by strategy and the book from the ticks it stepped', () => {
    const mids = [100, 60, 50, 49, 200, 201, 120, 80];
    const { figures, report } = measureSeed(4, mids.length, () =>
      new ScriptedMarket({
        mid: (t) => mids[t]!,
        levels: (t) => (t === 2 ? [0, 4] : t < 6 ? [3, 3] : [2, 9]),
        spread: (t) => (t === 2 ? null : 1.5),
        regime: (t) => (t < 2 ? 'CALM' : 'CRASH_PRONE'),
      }),
    );
    expect(figures.seed).toBe(4);
    expect(figures.ticks).toBe(8);
    expect([figures.first_mid, figures.last_mid, figures.min_mid, figures.max_mid]).toEqual([100, 80, 49, 201]);
    // 49 < 50 and 201 > 200 are out of [0.5×, 2×]; 50 and 200 are inside.
    expect(figures.out_of_band_ticks).toBe(2);
    expect(figures.regimes).toEqual({ CALM: 2 / 8, CRASH_PRONE: 6 / 8 });
    // From the last tick's agent stats (t = 7): 3 + 7 + 4 momentum orders.
    expect(figures.orders_by_strategy).toEqual({ momentum: 14, market_maker: 10 });
    expect(figures.depth_share).toBe(5 / 8);
    expect(figures.empty_side_share).toBe(1 / 8);
    expect(figures.median_spread_ticks).toBe(3);
    expect(figures.lag1).toBe(report.acf_raw[0]);
    // Too few returns for most statistics: null, not a number.
    expect(figures.kurtosis_10).toBeNull();
    expect(figures.sign_acf_41_50).toBeNull();
    expect(figures.failed_facts).toEqual(report.failed);
  });

  it('takes the kurtosis per horizon, the ACFs, the Hill index and the late trade-sign ACF from the report', () => {
    const mid = walk(11);
    // Runs of 200 trades of one sign: trade signs with memory well past lag 50.
    const signs = Array.from({ length: 4000 }, (_, t) => (Math.floor(t / 200) % 2 ? 'ASK' : 'BID'));
    const { figures, report } = measureSeed(1, 4000, () => new ScriptedMarket({ mid, aggressor: (t) => signs[t]! }));
    const k = (h: number) => report.kurtosis_by_horizon.find((x) => x.horizon === h)!.excess_kurtosis;
    expect(figures.kurtosis_1).toBe(k(1));
    expect(figures.kurtosis_10).toBe(k(10));
    expect(figures.kurtosis_50).toBe(k(50));
    expect(figures.kurtosis_50).not.toBeNull();
    expect(figures.hill_top5).toBe(report.hill_index);
    expect(figures.variance_ratio_10).toBe(report.variance_ratio);
    expect(figures.mean_abs_acf_2_20).toBe(report.facts.no_linear_predictability.value);
    expect(figures.acf_abs).toEqual(report.acf_abs.slice(0, 50));
    expect(figures.acf_abs).toHaveLength(50);
    expect(figures.sign_acf_1).toBe(report.acf_signs[0]);
    const late = (report.acf_signs.slice(40, 50) as number[]).reduce((a, b) => a + b, 0) / 10;
    expect(figures.sign_acf_41_50).toBeCloseTo(late, 12);
    expect(figures.sign_acf_41_50!).toBeGreaterThan(0.5);
  });

  it('runs the real default market unless told otherwise', () => {
    const { figures } = measureSeed(3, 2);
    expect(figures.ticks).toBe(2);
    expect(figures.first_mid).toBeGreaterThan(0);
    expect(figures.empty_side_share).toBeLessThanOrEqual(1);
  });
});

describe('validateMarket', () => {
  const target = (r: ReturnType<typeof validateMarket>, name: string) => r.targets.find((t) => t.name === name)!;

  it('lists the nine targets; each value is the mean over seeds (or the worst seed) of that seed’s figure', () => {
    const r = validateMarket({ seeds: [1, 2], ticks: 3000, make: (s) => new ScriptedMarket({ mid: walk(s) }) });
    expect(r.targets.map((t) => t.name)).toEqual(['lag1', 'acf_2_20', 'variance_ratio', 'abs_acf_1_20', 'kurtosis', 'hill', 'depth', 'empty_side', 'spread']);
    expect(r.seeds.map((f) => f.seed)).toEqual([1, 2]);
    expect(r.seeds.map((f) => f.ticks)).toEqual([3000, 3000]);
    const [a, b] = r.seeds as [NonNullable<(typeof r.seeds)[0]>, NonNullable<(typeof r.seeds)[0]>];
    expect(target(r, 'lag1').value).toBeCloseTo((a.lag1! + b.lag1!) / 2, 12);
    expect(target(r, 'acf_2_20').value).toBe(Math.max(a.mean_abs_acf_2_20!, b.mean_abs_acf_2_20!));
    expect(target(r, 'variance_ratio').value).toBeCloseTo((a.variance_ratio_10! + b.variance_ratio_10!) / 2, 12);
    let smallest = Infinity;
    for (let lag = 0; lag < 20; lag++) smallest = Math.min(smallest, (a.acf_abs[lag]! + b.acf_abs[lag]!) / 2);
    expect(target(r, 'abs_acf_1_20').value).toBeCloseTo(smallest, 12);
    expect(target(r, 'kurtosis').value).toBe(
      [a, b].map((f) => [f.kurtosis_1, f.kurtosis_10, f.kurtosis_50].map((x) => x!.toFixed(2)).join(' → ')).join('; '),
    );
    expect(target(r, 'hill').value).toBeCloseTo((a.hill_top5! + b.hill_top5!) / 2, 12);
    // A Gaussian walk with a 2-tick spread and 5 levels a side: the book targets pass at their values.
    expect(target(r, 'depth')).toMatchObject({ value: 1, pass: true });
    expect(target(r, 'empty_side')).toMatchObject({ value: 0, pass: true });
    expect(target(r, 'spread')).toMatchObject({ value: 2, pass: true });
    // Gaussian returns: no lag-1 structure, a variance ratio near 1, no heavy tails, no clustering.
    expect(target(r, 'lag1').pass).toBe(true);
    expect(target(r, 'acf_2_20').pass).toBe(true);
    expect(target(r, 'variance_ratio').pass).toBe(true);
    expect(target(r, 'kurtosis').pass).toBe(false);
    expect(target(r, 'abs_acf_1_20').pass).toBe(false);
    expect(r.pass).toBe(false);
    for (const t of r.targets) expect(t.criterion.length, t.name).toBeGreaterThan(20);
  });

  it('the book targets pass exactly at their bounds and fail just past them', () => {
    const book = (deepEvery: number, emptyEvery: number, spreadTicks: number) =>
      validateMarket({
        seeds: [1],
        ticks: 1000,
        make: () =>
          new ScriptedMarket({
            mid: walk(3),
            levels: (t) => (t % emptyEvery === 0 ? [0, 4] : t % deepEvery === 0 ? [2, 4] : [4, 4]),
            spread: (t) => (t % emptyEvery === 0 ? null : spreadTicks * 0.5),
          }),
      });
    // Every 10th tick shallow, none empty: depth 0.9 passes; a 5-tick spread passes.
    const atBound = book(10, 1e9, 5);
    expect(target(atBound, 'depth')).toMatchObject({ value: 0.9, pass: true });
    expect(target(atBound, 'spread')).toMatchObject({ value: 5, pass: true });
    const past = book(5, 1e9, 5.5);
    expect(target(past, 'depth')).toMatchObject({ value: 0.8, pass: false });
    expect(target(past, 'spread')).toMatchObject({ value: 5.5, pass: false });
    // One tick in 100 with an empty side passes; one in 50 fails.
    expect(target(book(1e9, 100, 1), 'empty_side')).toMatchObject({ value: 0.01, pass: true });
    expect(target(book(1e9, 50, 1), 'empty_side')).toMatchObject({ value: 0.02, pass: false });
  });

  it('a statistic that is undefined on any seed makes its target fail with no value', () => {
    // A constant mid: no return variance, so no ACF, variance ratio, kurtosis or Hill index.
    const r = validateMarket({ seeds: [1, 2], ticks: 300, make: () => new ScriptedMarket({ mid: () => 100, spread: () => null }) });
    for (const name of ['lag1', 'variance_ratio', 'abs_acf_1_20', 'hill', 'spread']) expect(target(r, name), name).toMatchObject({ value: null, pass: false });
    expect(target(r, 'acf_2_20')).toMatchObject({ value: Infinity, pass: false });
    expect(target(r, 'kurtosis').pass).toBe(false);
  });

  it('kurtosis passes only when above 1 and falling 1 → 10 → 50 on every seed', () => {
    // Heavy-tailed i.i.d. returns (a rare large jump): kurtosis high at 1 tick, lower when summed.
    const jumpy = (seed: number) => {
      const rng = new Rng(seed);
      let m = 100;
      const mids: number[] = [];
      return (t: number) => {
        while (mids.length <= t) {
          mids.push(m);
          m *= Math.exp(rng.normal(0, 0.001) * (rng.next() < 0.02 ? 8 : 1));
        }
        return mids[t]!;
      };
    };
    const r = validateMarket({ seeds: [1, 2], ticks: 6000, make: (s) => new ScriptedMarket({ mid: jumpy(s) }) });
    for (const f of r.seeds) {
      expect(f.kurtosis_1!).toBeGreaterThan(1);
      expect(f.kurtosis_10!).toBeLessThan(f.kurtosis_1!);
      expect(f.kurtosis_50!).toBeLessThan(f.kurtosis_10!);
    }
    expect(target(r, 'kurtosis').pass).toBe(true);
  });

  it('a jittering mid fails the return targets; one Gaussian seed fails the every-seed kurtosis target', () => {
    const jitter = validateMarket({ seeds: [1], ticks: 2000, make: () => new ScriptedMarket({ mid: (t) => (t % 2 ? 100.1 : 100) + (t % 5) * 0.001 }) });
    expect(target(jitter, 'lag1').value as number).toBeLessThan(-0.15);
    expect(target(jitter, 'lag1').pass).toBe(false);
    expect(target(jitter, 'acf_2_20').pass).toBe(false);
    expect(target(jitter, 'variance_ratio').value as number).toBeLessThan(0.8);
    expect(target(jitter, 'variance_ratio').pass).toBe(false);
    const jumpy = (seed: number) => {
      const rng = new Rng(seed);
      let m = 100;
      const mids: number[] = [];
      return (t: number) => {
        while (mids.length <= t) {
          mids.push(m);
          m *= Math.exp(rng.normal(0, 0.001) * (rng.next() < 0.02 ? 8 : 1));
        }
        return mids[t]!;
      };
    };
    const mixed = validateMarket({ seeds: [1, 2], ticks: 6000, make: (s) => new ScriptedMarket({ mid: s === 1 ? jumpy(1) : walk(2) }) });
    expect(mixed.seeds[0]!.kurtosis_1!).toBeGreaterThan(1);
    expect(mixed.seeds[1]!.kurtosis_1!).toBeLessThan(1);
    expect(target(mixed, 'kurtosis').pass).toBe(false);
    // the hill target passes exactly when the mean Hill index is in [2, 6]
    const h = target(mixed, 'hill');
    expect(h.pass).toBe((h.value as number) >= 2 && (h.value as number) <= 6);
  });

  it('kurtosis needs all three horizons: a seed too short for the 50-tick horizon fails', () => {
    // 600 ticks: kurtosis at 1 and 10 ticks, none at 50 (12 aggregated returns < 20)
    const jumpy = (seed: number) => {
      const rng = new Rng(seed);
      let m = 100;
      const mids: number[] = [];
      return (t: number) => {
        while (mids.length <= t) {
          mids.push(m);
          m *= Math.exp(rng.normal(0, 0.001) * (rng.next() < 0.03 ? 10 : 1));
        }
        return mids[t]!;
      };
    };
    const r = validateMarket({ seeds: [3], ticks: 600, make: (s) => new ScriptedMarket({ mid: jumpy(s) }) });
    const f = r.seeds[0]!;
    expect(f.kurtosis_50).toBeNull();
    expect(f.kurtosis_1!).toBeGreaterThan(1);
    expect(f.kurtosis_10).not.toBeNull();
    expect(target(r, 'kurtosis').pass).toBe(false);
    expect(target(r, 'kurtosis').value).toMatch(/ → $/);
  });

  it('runs seeds 1-3 when no seeds are given', () => {
    const r = validateMarket({ ticks: 50, make: (s) => new ScriptedMarket({ mid: walk(s) }) });
    expect(r.seeds.map((f) => [f.seed, f.ticks])).toEqual([[1, 50], [2, 50], [3, 50]]);
  });
});

describe('stressMarket', () => {
  it('two targets per seed: two-sided on >= 99 % of ticks and no tick outside the band', () => {
    const mids = (t: number) => (t === 7 ? 49 : 100);
    const r = stressMarket({
      seeds: [1, 2],
      ticks: 200,
      make: (s) => new ScriptedMarket({ mid: s === 1 ? () => 100 : mids, levels: (t) => (s === 2 && t % 40 === 0 ? [0, 3] : [3, 3]) }),
    });
    expect(r.targets.map((t) => [t.name, t.pass])).toEqual([
      ['two_sided_seed_1', true],
      ['band_seed_1', true],
      ['two_sided_seed_2', false],
      ['band_seed_2', false],
    ]);
    expect(r.targets[0]!.value).toBe(1);
    expect(r.targets[2]!.value).toBeCloseTo(1 - 5 / 200, 12);
    expect(r.targets[1]!.value).toBe('100.0000–100.0000');
    expect(r.targets[3]!.value).toBe('49.0000–100.0000');
    expect(r.pass).toBe(false);
    const calm = stressMarket({ seeds: [3], ticks: 200, make: () => new ScriptedMarket({ mid: () => 100, levels: (t) => (t === 0 ? [0, 1] : [1, 1]) }) });
    expect(calm.targets[0]).toMatchObject({ value: 1 - 1 / 200, pass: true });
    expect(calm.pass).toBe(true);
  });

  it('exactly 1 % one-sided passes; the default market is the stress population (70 % momentum)', () => {
    const r = stressMarket({ seeds: [1], ticks: 200, make: () => new ScriptedMarket({ mid: () => 100, levels: (t) => (t < 2 ? [0, 1] : [1, 1]) }) });
    expect(r.targets[0]).toMatchObject({ value: 0.99, pass: true });
    const three = stressMarket({ seeds: [1], ticks: 200, make: () => new ScriptedMarket({ mid: () => 100, levels: (t) => (t < 3 ? [0, 1] : [1, 1]) }) });
    expect(three.targets[0]!.pass).toBe(false);
    expect(STRESS_POPULATION).toEqual({ momentum: 7, meanReversion: 1, marketMakers: 2, rl: 0 });
    const real = stressMarket({ seeds: [4], ticks: 2 });
    expect(real.seeds[0]).toMatchObject({ seed: 4, ticks: 2 });
    expect(Object.keys(real.seeds[0]!.orders_by_strategy)).toEqual(expect.arrayContaining(['momentum', 'mean_reversion', 'market_maker']));
  });

  it('runs seeds 1-5 when no seeds are given', () => {
    const r = stressMarket({ ticks: 20, make: () => new ScriptedMarket({ mid: () => 100 }) });
    expect(r.seeds.map((f) => f.seed)).toEqual([1, 2, 3, 4, 5]);
  });
});
