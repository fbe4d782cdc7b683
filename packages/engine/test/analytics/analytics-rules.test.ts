/**
 * Every regime rule, every LFI term, both impact sides and the interval level, each at its
 * boundary: written to fail on the deliberate bugs a reviewer tries ("UNSTABLE returns CALM",
 * "the second CRASH_PRONE rule disabled", "LFI drops its (1 + imbalance) factor", "min/max instead
 * of the 90 % interval", "the Sharpe floor removed", "the seller-side multiplier forced to 1").
 */
import { describe, expect, it } from 'vitest';
import { fillImbalance, FragilityIndex, inferPriceStep, nearDepthRatio, thinness, visibleDepth, type FragilityFill } from '../../src/analytics/fragility-index.js';
import { Regime, RegimeDetector, type RegimeMetrics, type RegimeThresholds } from '../../src/analytics/regime-detector.js';
import { AlphaDecay } from '../../src/crowding/alpha-decay.js';
import { orderFlowImbalance, sideMultipliers } from '../../src/crowding/side-multipliers.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';
import type { BookLevel } from '../../src/types.js';

const rcfg = defaultConfig().regime;
/** The seed's LFI form (normalization "run"), which most of the LFI rules below pin. */
const runLfi = { ...defaultConfig().fragility, normalization: 'run' as const };
/** One tick from a near-depth ratio and a print imbalance (depth and flow do not enter the run form). */
const observeRaw = (f: FragilityIndex, tick: number, ratio: number, imbalance: number) =>
  f.observeComponents(tick, { nearDepthRatio: ratio, fillImbalance: imbalance, depth: 0, flowImbalance: 0 });
/** A print at `price` of one unit, buyer-aggressive when at or above 100. */
const print = (price: number, qty = 1): FragilityFill => ({ price, qty, aggressor: price >= 100 ? 'BID' : 'ASK' });
const floors = new RegimeDetector(rcfg).thresholds(false);
const quiet: RegimeMetrics = { volatility: 0, vol_autocorr: 0, drift: 0, lfi: 0, elasticity: 0, crowding: 0 };
const classify = (m: Partial<RegimeMetrics>, t: RegimeThresholds = floors) => new RegimeDetector(rcfg).classify({ ...quiet, ...m }, t);

describe('regime thresholds', () => {
  it('before calibration every threshold is its configured floor', () => {
    expect(floors).toEqual({
      crash_lfi: 0.75,
      crash_elasticity: 1,
      crash_crowding: 0.55,
      crash_vol: 0.0012,
      crash_vol_autocorr: 0.25,
      crash_vol_lfi: 0.6,
      unstable_vol: 0.0008,
      unstable_vol_autocorr: 0.18,
      unstable_elasticity: 0.6,
      unstable_lfi: 0.5,
      trend_drift: 0.00008,
      trend_lfi: 0.6,
    });
  });

  it('after calibration each threshold is max(floor, its quantile) at the documented level (q90 = highQuantile, q75 = lowQuantile)', () => {
    const d = new RegimeDetector({ ...rcfg, calibrationObservations: 10, highQuantile: 0.9, lowQuantile: 0.5 });
    // metrics far above every floor, ramping so that q90 and q50 differ: lfi/crowding 2..3 (≥ floors)
    for (let t = 0; t < 101; t++) {
      const x = 2 + t / 100;
      d.observe({ tick: t, logReturn: t % 2 ? 0.01 * x : -0.01 * x, lfi: x, spread: 0.02, depth: 200, fillImbalance: 0, crowding: x });
    }
    const th = d.thresholds(true);
    // lfi and crowding histories are the same ramp: q90 ≈ 2.9 > q50 ≈ 2.5
    expect(th.crash_lfi).toBeGreaterThan(th.crash_vol_lfi);
    expect(th.trend_lfi).toBe(th.crash_lfi); // both q90 of lfi
    expect(th.unstable_lfi).toBe(th.crash_vol_lfi); // both q75-level of lfi
    expect(th.crash_crowding).toBeCloseTo(th.crash_vol_lfi, 12); // crowding at the low level, same ramp
    expect(th.crash_vol).toBeGreaterThanOrEqual(th.unstable_vol); // vol: high level vs low level
    expect(th.unstable_vol_autocorr).toBe(rcfg.unstableVolAutocorr); // never calibrated
  });
});

describe('regime rules at their boundaries', () => {
  it('quiet metrics are CALM', () => {
    expect(classify({})).toBe(Regime.CALM);
  });

  it('CRASH_PRONE rule 1: LFI, elasticity and crowding all at their thresholds; any one below fails', () => {
    const at = { lfi: 0.75, elasticity: 1, crowding: 0.55 };
    expect(classify(at)).toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, lfi: 0.7499 })).not.toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, elasticity: 0.9999 })).not.toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, crowding: 0.5499 })).not.toBe(Regime.CRASH_PRONE);
  });

  it('CRASH_PRONE rule 2 on its own: volatility, vol-autocorr and LFI; any one below fails', () => {
    const at = { volatility: 0.0012, vol_autocorr: 0.25, lfi: 0.6 };
    expect(classify(at)).toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, volatility: 0.00119 })).not.toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, vol_autocorr: 0.2499 })).not.toBe(Regime.CRASH_PRONE);
    expect(classify({ ...at, lfi: 0.5999 })).not.toBe(Regime.CRASH_PRONE);
  });

  it('UNSTABLE: volatility at its threshold with any one of vol-autocorr, elasticity, LFI', () => {
    const v = { volatility: 0.0008 };
    expect(classify({ ...v, vol_autocorr: 0.18 })).toBe(Regime.UNSTABLE);
    expect(classify({ ...v, elasticity: 0.6 })).toBe(Regime.UNSTABLE);
    expect(classify({ ...v, lfi: 0.5 })).toBe(Regime.UNSTABLE);
    expect(classify({ ...v })).toBe(Regime.CALM); // none of the three
    expect(classify({ volatility: 0.00079, vol_autocorr: 0.18, elasticity: 0.6, lfi: 0.5 })).toBe(Regime.CALM);
    expect(classify({ ...v, vol_autocorr: 0.1799, elasticity: 0.5999, lfi: 0.4999 })).toBe(Regime.CALM);
  });

  it('TRENDING: |drift| at its threshold (either sign) with LFI below its threshold', () => {
    expect(classify({ drift: 0.00008 })).toBe(Regime.TRENDING);
    expect(classify({ drift: -0.00008 })).toBe(Regime.TRENDING);
    expect(classify({ drift: 0.0000799 })).toBe(Regime.CALM);
    expect(classify({ drift: 0.00008, lfi: 0.5999 })).toBe(Regime.TRENDING);
    // lfi 0.6 is not below trend_lfi; with vol 0 it is not UNSTABLE either
    expect(classify({ drift: 0.00008, lfi: 0.6 })).toBe(Regime.CALM);
  });

  it('precedence: CRASH_PRONE over UNSTABLE over TRENDING', () => {
    const crash = { volatility: 0.0012, vol_autocorr: 0.25, lfi: 0.6, drift: 0.001 };
    expect(classify(crash)).toBe(Regime.CRASH_PRONE);
    expect(classify({ volatility: 0.0008, vol_autocorr: 0.18, drift: 0.001 })).toBe(Regime.UNSTABLE);
  });

  it('classification uses the thresholds it is given (calibrated ones, not the floors)', () => {
    const raised = { ...floors, unstable_vol: 0.01 };
    expect(classify({ volatility: 0.0009, vol_autocorr: 0.2 }, raised)).toBe(Regime.CALM);
  });
});

function lv(prices: number[], qty: number[]): BookLevel[] {
  return prices.map((price, k) => ({ price, qty: qty[k]!, orders: 1 }));
}

describe('LFI terms', () => {
  it('the inferred step is the median level gap, the tick size without gaps', () => {
    const d = { bids: lv([99.99, 99.98, 99.95], [1, 1, 1]), asks: lv([100.01, 100.02], [1, 1]) };
    // gaps 0.01, 0.03, 0.01 → median 0.01
    expect(inferPriceStep(d, 0.0001)).toBeCloseTo(0.01, 12);
    expect(inferPriceStep({ bids: lv([99.9], [1]), asks: [] }, 0.0001)).toBe(0.0001);
    // an even count takes the mean of the middle two: gaps 0.01, 0.02, 0.03, 0.04 → 0.025
    expect(inferPriceStep({ bids: lv([100, 99.99, 99.97], [1, 1, 1]), asks: lv([100.1, 100.13, 100.17], [1, 1, 1]) }, 1)).toBeCloseTo(0.025, 12);
  });

  it('near ratio: depth within nearSteps steps of mid over all depth (the nearSteps parameter counts)', () => {
    const d = { bids: lv([99.99, 99.98, 99.97, 99.96], [4, 3, 2, 1]), asks: lv([100.01, 100.02, 100.03, 100.04], [4, 3, 2, 1]) };
    expect(nearDepthRatio(d, 100, 1, 0.0001)).toBeCloseTo(8 / 20, 12);
    expect(nearDepthRatio(d, 100, 2, 0.0001)).toBeCloseTo(14 / 20, 12);
    expect(nearDepthRatio(d, 100, 4, 0.0001)).toBe(1);
  });

  it('fill imbalance: a print exactly at mid is a buy', () => {
    expect(fillImbalance([{ price: 100 }], 100)).toBe(1);
    expect(fillImbalance([{ price: 100 }, { price: 99.99 }], 100)).toBe(0);
    expect(fillImbalance([{ price: 99 }, { price: 99.5 }, { price: 101 }], 100)).toBeCloseTo(1 / 3, 12);
  });

  it('raw = near ratio × (1 + fill imbalance): a one-sided tick doubles it', () => {
    const f = new FragilityIndex(runLfi);
    expect(observeRaw(f, 1, 0.4, 0).raw).toBeCloseTo(0.4, 12);
    expect(observeRaw(f, 2, 0.4, 1).raw).toBeCloseTo(0.8, 12);
    expect(observeRaw(f, 3, 0.4, 0.25).raw).toBeCloseTo(0.5, 12);
    const d = { bids: lv([99.99, 99.5], [3, 1]), asks: lv([100.01, 100.5], [3, 1]) };
    const r = f.observe(4, d, 100, [print(100.01), print(100.02), print(99.99)], 100, 0.0001);
    expect(r.nearDepthRatio).toBeCloseTo(nearDepthRatio(d, 100, 5, 0.0001), 12);
    expect(r.fillImbalance).toBeCloseTo(1 / 3, 12);
    expect(r.raw).toBeCloseTo(r.nearDepthRatio * (1 + 1 / 3), 12);
  });

  it('the baseline is the population mean/std of the first baselineObservations raws and stays fixed', () => {
    const f = new FragilityIndex({ ...runLfi, baselineObservations: 4, smoothing: 1 });
    [1, 3, 1, 3].forEach((x, t) => observeRaw(f, t, x, 0)); // mean 2, population std 1
    expect(observeRaw(f, 4, 3, 0).lfi).toBeCloseTo(0.5, 12); // (3 - 2) / (2 * 1)
    for (let t = 5; t < 20; t++) observeRaw(f, t, 100, 0); // later raws do not move the baseline
    expect(observeRaw(f, 20, 2.6, 0).lfi).toBeCloseTo(0.3, 12);
  });

  it('smoothing averages the last `smoothing` raws; LFI clips to [0, 1]; a zero-std baseline is floored, not divided by 0', () => {
    const f = new FragilityIndex({ ...runLfi, baselineObservations: 2, smoothing: 3 });
    observeRaw(f, 0, 1, 0);
    observeRaw(f, 1, 1, 0); // mean 1, std 0 → floored
    expect(observeRaw(f, 2, 0.5, 0).lfi).toBe(0); // below the baseline clips to 0
    expect(observeRaw(f, 3, 5, 0).lfi).toBe(1); // far above clips to 1
    const g = new FragilityIndex({ ...runLfi, baselineObservations: 2, smoothing: 3 });
    observeRaw(g, 0, 0, 0);
    observeRaw(g, 1, 2, 0); // mean 1, std 1
    // last three raws 0, 2, 2.5 → mean 1.5 → (1.5 - 1) / 2
    expect(observeRaw(g, 2, 2.5, 0).lfi).toBeCloseTo(0.25, 12);
  });

  it('alerts switch exactly at the warning, danger and critical thresholds', () => {
    const f = new FragilityIndex(runLfi);
    expect([0, 0.4499, 0.45, 0.6499, 0.65, 0.8499, 0.85, 1].map((x) => f.alertFor(x))).toEqual([
      'NORMAL', 'NORMAL', 'WARNING', 'WARNING', 'DANGER', 'DANGER', 'CRITICAL', 'CRITICAL',
    ]);
  });
});

describe('impact: both sides of the side multipliers', () => {
  const opts = defaultConfig().crowding;

  it('buy pressure: buy = base × (1 + 0.9 sp), sell = base; sell pressure mirrors it exactly', () => {
    const c = 0.5;
    const base = 1 + 1.6 * c * c; // 1.4
    const up = sideMultipliers(0.6, c, opts); // sp = 0.3
    expect(up.sidePressure).toBeCloseTo(0.3, 12);
    expect(up.buy).toBeCloseTo(base * (1 + 0.9 * 0.3), 12);
    expect(up.sell).toBeCloseTo(base, 12);
    const down = sideMultipliers(-0.6, c, opts);
    expect(down.sidePressure).toBeCloseTo(-0.3, 12);
    expect(down.sell).toBeCloseTo(base * (1 + 0.9 * 0.3), 12);
    expect(down.buy).toBeCloseTo(base, 12);
  });

  it('both multipliers clip to [sideMultiplierMin, sideMultiplierMax]; side pressure to [-1, 1]', () => {
    const hot = sideMultipliers(-1, 2, opts); // sp clipped to -1, base 7.4 → both at 4
    expect(hot.sidePressure).toBe(-1);
    expect([hot.buy, hot.sell]).toEqual([4, 4]);
    const floor = sideMultipliers(0.5, 0.1, { ...opts, sideMultiplierMin: 1.2 });
    expect(floor.sell).toBe(1.2);
    expect(floor.buy).toBeGreaterThanOrEqual(1.2);
  });

  it('order-flow imbalance counts quantities of non-cancel orders with positive qty', () => {
    expect(
      orderFlowImbalance([
        { side: 'BID', type: 'LIMIT', qty: 6 },
        { side: 'ASK', type: 'MARKET', qty: 2 },
        { side: 'ASK', type: 'CANCEL', qty: 50 },
        { side: 'ASK', type: 'LIMIT', qty: 0 },
      ]),
    ).toBeCloseTo(0.5, 12);
    expect(orderFlowImbalance([])).toBe(0);
  });
});

describe('the original alpha-decay estimator', () => {
  const cfg = defaultConfig().alphaDecay;

  it('its 90 % interval lies strictly inside the min/max of the resampled half-lives', () => {
    const make = (level: number) => {
      const d = new AlphaDecay({ ...cfg, bootstrapLevel: level }, new Rng(5));
      d.addAgent();
      const noise = new Rng(6);
      for (let k = 0; k < 300; k++) {
        const x = (3 * k) / 300;
        d.addSample(0, x, 1.2 * Math.exp(-0.9 * x) * Math.exp(noise.normal(0, 0.3)));
      }
      return d.fit().halfLifeCi!;
    };
    const ci = make(0.9);
    const all = make(1);
    expect(ci.level).toBe(0.9);
    expect(ci.lower!).toBeGreaterThan(all.lower!);
    expect(ci.upper!).toBeLessThan(all.upper!);
  });

  it('floors every Sharpe at sharpeFloor before the log (that is what makes it a seed option)', () => {
    const d = new AlphaDecay(cfg, new Rng(1));
    d.addAgent();
    for (let k = 0; k < 40; k++) d.addSample(0, k / 10, -0.5 - (k % 3) * 0.1);
    const f = d.fit();
    // every y is log(0.001): a flat line at the floor
    expect(f.alphaMax).toBeCloseTo(cfg.sharpeFloor, 12);
    expect(f.lambda).toBe(0);
    expect(f.halfLife).toBeNull();
  });
});

describe('impactPerUnit', () => {
  it('is eta × side multiplier × agent multiplier × sqrt(qty), each factor counting', async () => {
    const { impactPerUnit } = await import('../../src/execution/impact-model.js');
    expect(impactPerUnit(0.01, 2, 3, 4)).toBeCloseTo(0.12, 12);
    expect(impactPerUnit(0.01, 4, 3, 4)).toBeCloseTo(0.24, 12);
    expect(impactPerUnit(0.01, 2, 6, 9)).toBeCloseTo(0.36, 12);
  });
});
