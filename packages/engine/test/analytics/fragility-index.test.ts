import { describe, expect, it } from 'vitest';
import { fillImbalance, FragilityIndex, nearDepthRatio, type FragilityFill } from '../../src/analytics/fragility-index.js';
import { defaultConfig, resolveConfig } from '../../src/config.js';
import type { BookLevel } from '../../src/types.js';

/** The seed's form (normalization "run"), pinned by the first block; the reference form below. */
const cfg = { ...defaultConfig().fragility, normalization: 'run' as const };
const observeRaw = (f: FragilityIndex, tick: number, ratio: number, imbalance: number) =>
  f.observeComponents(tick, { nearDepthRatio: ratio, fillImbalance: imbalance, depth: 0, flowImbalance: 0 });
/** Prints of one unit each, buyer-aggressive when at or above 100. */
const prints = (...prices: number[]): FragilityFill[] => prices.map((price) => ({ price, qty: 1, aggressor: price >= 100 ? 'BID' : 'ASK' }));

function levels(start: number, step: number, qtys: number[]): BookLevel[] {
  return qtys.map((qty, k) => ({ price: +(start + k * step).toFixed(4), qty, orders: 1 }));
}

/** 10 levels a side, 0.01 apart around mid 100; `touchQty` at the best level, 10 elsewhere. */
function book(touchQty: number, deepQty: number): { bids: BookLevel[]; asks: BookLevel[] } {
  const q = [touchQty, ...Array.from({ length: 9 }, () => deepQty)];
  return { bids: levels(99.99, -0.01, q), asks: levels(100.01, 0.01, q) };
}

describe('nearDepthRatio', () => {
  it('counts depth within nearSteps inferred steps of mid over all snapshot depth', () => {
    // step 0.01, reach 0.05: levels at 0.01..0.05 from mid count → 5 of 10 per side
    expect(nearDepthRatio(book(10, 10), 100, 5, 0.0001)).toBeCloseTo(0.5, 12);
  });

  it('is 1 for an empty book', () => {
    expect(nearDepthRatio({ bids: [], asks: [] }, 100, 5, 0.0001)).toBe(1);
  });
});

describe('fillImbalance', () => {
  it('prints at or above mid are buys: |buys - sells| / prints', () => {
    expect(fillImbalance([{ price: 100 }, { price: 100.2 }, { price: 99.9 }], 100)).toBeCloseTo(1 / 3, 12);
    expect(fillImbalance([], 100)).toBe(0);
  });
});

describe('FragilityIndex, normalization "run" (the seed form)', () => {
  it('is 0 and NORMAL until the baseline of 50 observations exists', () => {
    const f = new FragilityIndex(cfg);
    for (let t = 0; t < 49; t++) {
      const r = f.observe(t, book(100, 10), 100, prints(100.2), 100, 0.0001);
      expect(r.lfi).toBe(0);
      expect(r.alert).toBe('NORMAL');
    }
  });

  it('rises when depth concentrates at the touch and prints are one-sided', () => {
    const f = new FragilityIndex(cfg);
    for (let t = 0; t < 50; t++) {
      const thick = 10 + (t % 3); // a little variation so the baseline has a spread
      f.observe(t, book(thick, 10), 100, prints(100.01, 99.99), 100, 0.0001);
    }
    const calm = f.reading.lfi;
    let r = f.reading;
    for (let t = 50; t < 55; t++) {
      r = f.observe(t, book(200, 1), 100, prints(100.01, 100.02, 100.03), 100, 0.0001);
    }
    expect(calm).toBe(0);
    expect(r.lfi).toBeGreaterThan(0.85);
    expect(r.alert).toBe('CRITICAL');
  });

  it('LFI = clip((mean of last 5 raw - baseline mean) / (2 * baseline std), 0, 1)', () => {
    const f = new FragilityIndex({ ...cfg, baselineObservations: 4, smoothing: 2 });
    [0.4, 0.6, 0.4, 0.6].forEach((raw, t) => observeRaw(f, t, raw, 0)); // mean 0.5, std 0.1
    const r = observeRaw(f, 4, 0.66, 0); // mean of last two raws (0.6, 0.66) = 0.63 → 0.13/0.2
    expect(r.lfi).toBeCloseTo(0.65, 12);
    expect(r.alert).toBe('DANGER');
  });

  it('the baseline std is the population std of an asymmetric warm-up (deviations from the mean, not sums)', () => {
    const f = new FragilityIndex({ ...cfg, baselineObservations: 3, smoothing: 1 });
    [1, 1, 4].forEach((raw, t) => observeRaw(f, t, raw, 0)); // mean 2, variance (1 + 1 + 4) / 3 = 2
    expect(observeRaw(f, 3, 2 + Math.SQRT2, 0).lfi).toBeCloseTo(0.5, 12); // (2 + √2 − 2) / (2√2)
    expect(f.snapshot().baseline).toEqual({ mean: 2, std: Math.SQRT2 });
  });

  it('maps LFI to alerts at 0.45 / 0.65 / 0.85', () => {
    const f = new FragilityIndex(cfg);
    expect([0.44, 0.45, 0.65, 0.85].map((x) => f.alertFor(x))).toEqual(['NORMAL', 'WARNING', 'DANGER', 'CRITICAL']);
  });
});

describe('FragilityIndex, normalization "reference" (the default)', () => {
  const ref = { ...defaultConfig().fragility, normalization: 'reference' as const, referenceDepth: 200, flowWindow: 3, smoothing: 2 };
  const fill = (qty: number, aggressor: 'BID' | 'ASK'): FragilityFill => ({ price: aggressor === 'BID' ? 100.01 : 99.99, qty, aggressor });

  it('is the default, with each preset setting its own reference depth', () => {
    expect(defaultConfig().fragility.normalization).toBe('reference');
    expect(defaultConfig().fragility.referenceDepth).toBeGreaterThan(0);
  });

  it('raw = referenceDepth / (referenceDepth + visible depth) × (1 + flow imbalance) / 2, from the first tick (no baseline)', () => {
    const f = new FragilityIndex(ref);
    // book(10, 10): 200 units visible, the reference → thinness 1/2; one-sided flow → × 2 / 2
    const r = f.observe(0, book(10, 10), 100, [fill(3, 'BID')], 100, 0.0001);
    expect(r.depth).toBe(200);
    expect(r.flowImbalance).toBe(1);
    expect(r.raw).toBeCloseTo(0.5, 12);
    expect(r.lfi).toBeCloseTo(0.5, 12);
    expect(f.snapshot().baseline).toBeNull();
    expect(f.snapshot().normalization).toBe('reference');
    expect(f.snapshot().reference_depth).toBe(200);
  });

  it('a thinner book is more fragile on the same scale: a quarter of the reference depth gives thinness 0.8', () => {
    const f = new FragilityIndex({ ...ref, smoothing: 1 });
    const r = f.observe(0, book(2.5, 2.5), 100, [], 100, 0.0001); // 20 levels of 2.5: 50 units visible
    expect(r.depth).toBeCloseTo(50, 9);
    expect(r.flowImbalance).toBe(0);
    expect(r.raw).toBeCloseTo(0.8 / 2, 12);
    expect(r.lfi).toBeCloseTo(0.4, 12);
  });

  it('the flow imbalance is aggressor-signed volume over the last flowWindow ticks, not print counts', () => {
    const f = new FragilityIndex(ref);
    expect(f.observe(0, book(10, 10), 100, [fill(6, 'BID'), fill(2, 'ASK'), fill(2, 'ASK')], 100, 0.0001).flowImbalance).toBeCloseTo(2 / 10, 12);
    expect(f.observe(1, book(10, 10), 100, [], 100, 0.0001).flowImbalance).toBeCloseTo(2 / 10, 12);
    expect(f.observe(2, book(10, 10), 100, [fill(10, 'ASK')], 100, 0.0001).flowImbalance).toBeCloseTo(8 / 20, 12);
    // tick 0 leaves the 3-tick window: 10 sold, nothing bought
    expect(f.observe(3, book(10, 10), 100, [], 100, 0.0001).flowImbalance).toBe(1);
  });

  it('LFI is the mean of the last `smoothing` raws and alerts on the same thresholds', () => {
    const f = new FragilityIndex(ref);
    const a = f.observeComponents(0, { nearDepthRatio: 0, fillImbalance: 0, depth: 200, flowImbalance: 0 }).raw; // 0.25
    const b = f.observeComponents(1, { nearDepthRatio: 0, fillImbalance: 0, depth: 0, flowImbalance: 1 }); // 1
    expect(a).toBeCloseTo(0.25, 12);
    expect(b.raw).toBe(1);
    expect(b.lfi).toBeCloseTo(0.625, 12);
    expect(b.alert).toBe('WARNING');
    const c = f.observeComponents(2, { nearDepthRatio: 0, fillImbalance: 0, depth: 0, flowImbalance: 1 });
    expect(c.lfi).toBe(1);
    expect(c.alert).toBe('CRITICAL');
  });

  it('the near-depth ratio and print imbalance are still reported, and do not enter the reference form', () => {
    const f = new FragilityIndex(ref);
    const g = new FragilityIndex(ref);
    const r1 = f.observeComponents(0, { nearDepthRatio: 0.1, fillImbalance: 0, depth: 100, flowImbalance: 0.5 });
    const r2 = g.observeComponents(0, { nearDepthRatio: 0.9, fillImbalance: 1, depth: 100, flowImbalance: 0.5 });
    expect(r1.raw).toBe(r2.raw);
    expect(r2.nearDepthRatio).toBe(0.9);
    expect(r2.fillImbalance).toBe(1);
  });

  it('checkpoint: the flow window survives a save/load, and an older checkpoint without it resumes with an empty window', () => {
    const f = new FragilityIndex(ref);
    f.observe(0, book(10, 10), 100, [fill(4, 'BID')], 100, 0.0001);
    const saved = JSON.parse(JSON.stringify(f.saveState()));
    const g = new FragilityIndex(ref);
    g.loadState(saved);
    expect(g.observe(1, book(10, 10), 100, [fill(2, 'ASK')], 100, 0.0001).flowImbalance).toBeCloseTo(2 / 6, 12);
    const old = { ...saved };
    delete old.flowBuy;
    delete old.flowSell;
    const h = new FragilityIndex(ref);
    h.loadState(old);
    expect(h.observe(1, book(10, 10), 100, [fill(2, 'ASK')], 100, 0.0001).flowImbalance).toBe(1);
  });

  it('rejects a reference depth that is not positive, naming the key', () => {
    expect(() => resolveConfig({ fragility: { referenceDepth: 0 } })).toThrow(/config\.fragility\.referenceDepth: must be > 0/);
    expect(() => resolveConfig({ fragility: { normalization: 'baseline' as never } })).toThrow(/fragility\.normalization/);
  });
});
