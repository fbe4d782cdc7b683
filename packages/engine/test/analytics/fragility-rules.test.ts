import { describe, expect, it } from 'vitest';
import { fillImbalance, FragilityIndex, inferPriceStep, LfiAlert, nearDepthRatio, thinness, visibleDepth, type FragilityFill } from '../../src/analytics/fragility-index.js';
import { defaultConfig } from '../../src/config.js';
import type { BookLevel } from '../../src/types.js';

// Every term of the LFI against its definition (docs/MODEL.md §11), both normalizations, the
// alert bands at their edges, the flow window, the snapshot and checkpoints, on small books.

const base = { ...defaultConfig().fragility, referenceDepth: 10, flowWindow: 3, smoothing: 2, nearSteps: 2, baselineObservations: 3, historyLength: 4, warning: 0.3, danger: 0.5, critical: 0.7 };
const lv = (price: number, qty: number): BookLevel => ({ price, qty, orders: 1 });
const fill = (price: number, qty: number, aggressor: 'BID' | 'ASK'): FragilityFill => ({ price, qty, aggressor });

describe('the LFI terms', () => {
  it('inferred step: the median positive gap between adjacent levels on both sides, or the fallback', () => {
    expect(inferPriceStep({ bids: [lv(99, 1), lv(98, 1), lv(96, 1)], asks: [lv(101, 1), lv(104, 1)] }, 0.5)).toBe(2); // gaps 1, 2, 3
    expect(inferPriceStep({ bids: [lv(99, 1), lv(98, 1)], asks: [lv(101, 1), lv(104, 1)] }, 0.5)).toBe(2); // gaps 1, 3
    expect(inferPriceStep({ bids: [lv(99, 1), lv(99, 2)], asks: [lv(101, 1)] }, 0.5)).toBe(0.5); // a zero gap is no gap
    expect(inferPriceStep({ bids: [], asks: [] }, 0.25)).toBe(0.25);
    // More gaps than the scratch holds at first (64).
    const many = Array.from({ length: 150 }, (_, k) => lv(100 + k * (k < 100 ? 1 : 3), 1));
    expect(inferPriceStep({ bids: [], asks: many }, 0.5)).toBe(1);
  });

  it('near ratio: depth within nearSteps steps of mid (the edge included) over all depth; 1 for an empty book', () => {
    const depth = { bids: [lv(99, 2), lv(98, 3), lv(97, 5)], asks: [lv(101, 1), lv(102, 4), lv(103, 5)] };
    // step 1, reach 2: 99, 98, 101, 102 count (98 and 102 exactly at the edge) → 10 of 20
    expect(nearDepthRatio(depth, 100, 2, 0.01)).toBe(0.5);
    expect(nearDepthRatio(depth, 100, 1, 0.01)).toBe(3 / 20);
    expect(nearDepthRatio(depth, 100.5, 1, 0.01)).toBe(1 / 20);
    expect(nearDepthRatio({ bids: [], asks: [] }, 100, 2, 0.01)).toBe(1);
    expect(nearDepthRatio({ bids: [lv(90, 4)], asks: [] }, 100, 2, 3)).toBe(0);
  });

  it('visible depth sums both sides; thinness is 1/2 at the reference depth and 1 for an empty book', () => {
    expect(visibleDepth({ bids: [lv(99, 2), lv(98, 3)], asks: [lv(101, 4)] })).toBe(9);
    expect(thinness(10, 10)).toBe(0.5);
    expect(thinness(0, 10)).toBe(1);
    expect(thinness(30, 10)).toBe(0.25);
  });

  it('print imbalance: a print at the mid counts as a buy; 0 without prints', () => {
    expect(fillImbalance([{ price: 100 }], 100)).toBe(1);
    expect(fillImbalance([{ price: 100 }, { price: 99.9 }], 100)).toBe(0);
    expect(fillImbalance([{ price: 101 }, { price: 102 }, { price: 99 }], 100)).toBeCloseTo(1 / 3, 15);
    expect(fillImbalance([], 100)).toBe(0);
  });
});

describe('FragilityIndex, reference normalization', () => {
  it('raw = thinness × (1 + flow) / 2 with flow the aggressor-signed volume over the last flowWindow ticks; LFI the mean of the last `smoothing` raws', () => {
    const f = new FragilityIndex(base);
    const book = { bids: [lv(99, 4)], asks: [lv(101, 6)] }; // depth 10: thinness 1/2
    const r1 = f.observe(1, book, 100, [fill(101, 3, 'BID'), fill(101, 1, 'BID')], 100, 0.01);
    // flow |4 − 0| / 4 = 1: raw = 0.5 × 2 / 2
    expect(r1).toMatchObject({ depth: 10, flowImbalance: 1, raw: 0.5, lfi: 0.5, fillImbalance: 1 });
    const r2 = f.observe(2, book, 100, [fill(99, 2, 'ASK')], 100, 0.01);
    // window buys 4, sells 2: 2/6
    expect(r2.flowImbalance).toBeCloseTo(1 / 3, 15);
    expect(r2.raw).toBeCloseTo((0.5 * (4 / 3)) / 2, 15);
    expect(r2.lfi).toBeCloseTo((0.5 + r2.raw) / 2, 15);
    f.observe(3, book, 100, [], 100, 0.01);
    // tick 1 leaves the 3-tick window: buys 0, sells 2
    const r4 = f.observe(4, { bids: [], asks: [] }, 100, [], 100, 0.01);
    expect(r4.flowImbalance).toBe(1);
    expect(r4.depth).toBe(0);
    expect(r4.raw).toBe(1);
    expect(r4.nearDepthRatio).toBe(1);
    f.observe(5, book, 100, [], 100, 0.01);
    const r6 = f.observe(6, book, 100, [], 100, 0.01);
    // no prints in the window: flow 0, raw thinness / 2
    expect(r6.flowImbalance).toBe(0);
    expect(r6.raw).toBe(0.25);
    expect(f.reading).toBe(r6);
  });

  it('alert bands: each threshold belongs to the band above it', () => {
    const f = new FragilityIndex(base);
    expect([0, 0.2999, 0.3, 0.4999, 0.5, 0.6999, 0.7, 1].map((x) => f.alertFor(x))).toEqual([
      LfiAlert.NORMAL, LfiAlert.NORMAL, LfiAlert.WARNING, LfiAlert.WARNING, LfiAlert.DANGER, LfiAlert.DANGER, LfiAlert.CRITICAL, LfiAlert.CRITICAL,
    ]);
    const r = f.observeComponents(1, { nearDepthRatio: 0, fillImbalance: 0, depth: 0, flowImbalance: 0.4 });
    // raw 0.7 (thinness 1 × 1.4 / 2): critical
    expect(r.raw).toBeCloseTo(0.7, 15);
    expect(r.alert).toBe(r.raw >= 0.7 ? LfiAlert.CRITICAL : LfiAlert.DANGER);
  });

  it('smoothing, history and flow window below 1 count as 1', () => {
    const f = new FragilityIndex({ ...base, smoothing: 0, historyLength: 0.5, flowWindow: 0 });
    f.observe(1, { bids: [], asks: [] }, 100, [fill(100, 1, 'BID')], 100, 1);
    const r = f.observe(2, { bids: [], asks: [] }, 100, [fill(100, 1, 'ASK')], 100, 1);
    expect(r.flowImbalance).toBe(1);
    expect(r.lfi).toBe(r.raw);
    expect(f.snapshot().history.map((h) => h.tick)).toEqual([2]);
  });
});

describe('FragilityIndex, run normalization (the seed’s z-score)', () => {
  const run = { ...base, normalization: 'run' as const };
  const obs = (f: FragilityIndex, t: number, near: number, imb: number) => f.observeComponents(t, { nearDepthRatio: near, fillImbalance: imb, depth: 5, flowImbalance: 0.9 });

  it('raw = near ratio × (1 + print imbalance); LFI 0 until the baseline, then clip((smoothed − mean) / (2 std)) with the population std', () => {
    const f = new FragilityIndex(run);
    expect(obs(f, 1, 0.2, 0).lfi).toBe(0);
    expect(obs(f, 2, 0.2, 0.5).raw).toBeCloseTo(0.3, 15);
    expect(f.snapshot().baseline).toBeNull();
    const r3 = obs(f, 3, 0.4, 0.25); // raw 0.5; baseline of 0.2, 0.3, 0.5
    const mean = 1 / 3;
    const std = Math.sqrt(((0.2 - mean) ** 2 + (0.3 - mean) ** 2 + (0.5 - mean) ** 2) / 3);
    expect(f.snapshot().baseline!.mean).toBeCloseTo(mean, 15);
    expect(f.snapshot().baseline!.std).toBeCloseTo(std, 15);
    // smoothed (0.3 + 0.5) / 2 = 0.4
    expect(r3.lfi).toBeCloseTo((0.4 - mean) / (2 * std), 12);
    // The baseline stays fixed: a high raw clips at 1, a low one at 0.
    expect(obs(f, 4, 1, 1).lfi).toBe(1);
    obs(f, 5, 0, 0);
    expect(obs(f, 6, 0, 0).lfi).toBe(0);
    expect(f.snapshot().baseline!.mean).toBeCloseTo(mean, 15);
    expect(f.snapshot().normalization).toBe('run');
  });

  it('a flat baseline has its std floored: any rise reads as fully fragile, none as 0', () => {
    const f = new FragilityIndex({ ...run, smoothing: 1 });
    for (let t = 1; t <= 3; t++) obs(f, t, 0.5, 0);
    expect(f.snapshot().baseline).toEqual({ mean: 0.5, std: 0 });
    expect(obs(f, 4, 0.5, 0).lfi).toBe(0);
    expect(obs(f, 5, 0.5 + 1e-9, 0).lfi).toBeCloseTo(0.5, 6);
    expect(obs(f, 6, 0.6, 0).lfi).toBe(1);
    // baselineObservations below 1 counts as 1
    const g = new FragilityIndex({ ...run, baselineObservations: 0, smoothing: 1 });
    obs(g, 1, 0.3, 0);
    expect(g.snapshot().baseline).toEqual({ mean: 0.3, std: 0 });
  });
});

describe('FragilityIndex snapshot and checkpoints', () => {
  it('the snapshot carries the reading, the options and the last historyLength readings with their details', () => {
    const f = new FragilityIndex(base);
    for (let t = 1; t <= 5; t++) f.observeComponents(t * 10, { nearDepthRatio: t / 10, fillImbalance: t / 20, depth: t, flowImbalance: 0 });
    const s = f.snapshot();
    const raw = (t: number) => 10 / (10 + t) / 2;
    expect(s).toMatchObject({
      tick: 50, lfi: (raw(4) + raw(5)) / 2, raw: raw(5), adjusted_ratio: raw(5), near_depth_ratio: 0.5, fill_imbalance: 0.25, depth: 5,
      normalization: 'reference', reference_depth: 10, flow_imbalance: 0, flow_window: 3, observations: 5, baseline: null, baseline_observations: 3,
      thresholds: { warning: 0.3, danger: 0.5, critical: 0.7 },
    });
    expect(s.alert).toBe(f.alertFor(s.lfi));
    expect(s.alert_level).toBe(s.alert);
    expect(s.history.map((h) => h.tick)).toEqual([20, 30, 40, 50]);
    expect(s.history[0]).toEqual({ tick: 20, lfi: (raw(1) + raw(2)) / 2, raw: raw(2), adjusted_ratio: raw(2), near_depth_ratio: 0.2, fill_imbalance: 0.1, alert_level: LfiAlert.WARNING });
    expect(new FragilityIndex(base).snapshot()).toMatchObject({ tick: null, lfi: 0, alert: 'NORMAL', observations: 0, history: [] });
  });

  it('restores readings, baseline and flow window; an older checkpoint without flow starts an empty window; display details optional', () => {
    const run = { ...base, normalization: 'run' as const };
    const a = new FragilityIndex(run);
    const book = { bids: [lv(99, 4)], asks: [lv(101, 6)] };
    for (let t = 1; t <= 5; t++) a.observe(t, book, 100, [fill(101, t, t % 2 ? 'BID' : 'ASK')], 100, 0.01);
    const state = JSON.parse(JSON.stringify(a.saveState()));
    const b = new FragilityIndex(run);
    b.loadState(state);
    b.loadDisplayState(JSON.parse(JSON.stringify(a.displayState())));
    expect(b.snapshot()).toEqual(a.snapshot());
    const next = [fill(99, 2, 'ASK')];
    expect(b.observe(6, book, 100, next, 100, 0.01)).toEqual(a.observe(6, book, 100, next, 100, 0.01));

    // Without the flow window (an older checkpoint): only this tick's prints count.
    const old = { ...state };
    delete old.flowBuy;
    delete old.flowSell;
    const c = new FragilityIndex(run);
    c.observe(0, book, 100, [fill(101, 50, 'BID')], 100, 0.01);
    c.loadState(old);
    expect(c.observe(6, book, 100, next, 100, 0.01).flowImbalance).toBe(1);

    // Details restored for fewer readings than the history: the oldest show null, the newest align.
    const d = new FragilityIndex(run);
    d.loadState(state);
    d.loadDisplayState([null, 7, { near: 0.9, imbalance: 0.1, alert: 'WARNING' }]);
    const h = d.snapshot().history;
    expect(h.map((x) => x.near_depth_ratio)).toEqual([null, null, null, 0.9]);
    expect(h[3]!.alert_level).toBe('WARNING');
    expect(h[0]!.fill_imbalance).toBeNull();
    d.loadDisplayState('not a list');
    expect(d.displayState()).toEqual([]);
  });
});
