import { describe, expect, it } from 'vitest';
import { Regime, RegimeDetector, type RegimeInput } from '../../src/analytics/regime-detector.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

const cfg = defaultConfig().regime;

function calmTick(tick: number, rng: Rng): RegimeInput {
  return { tick, logReturn: rng.normal(0, 0.0001), lfi: 0.1, spread: 0.02, depth: 200, fillImbalance: 0.1, crowding: 0.1 };
}

describe('RegimeDetector', () => {
  it('a quiet market is CALM, and the first tick counts as a change', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(3);
    const first = d.observe(calmTick(0, rng));
    expect(first.changed).toBe(true);
    expect(first.prevRegime).toBeNull();
    let r = first;
    for (let t = 1; t < 200; t++) r = d.observe(calmTick(t, rng));
    expect(r.regime).toBe(Regime.CALM);
  });

  it('reaches CRASH_PRONE under fragile, crowded, volatile input', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(4);
    for (let t = 0; t < 150; t++) d.observe(calmTick(t, rng));
    let r = d.observe(calmTick(150, rng));
    let depth = 200;
    let spread = 0.02;
    for (let t = 151; t < 200 && r.regime !== Regime.CRASH_PRONE; t++) {
      depth *= 0.8; // liquidity draining...
      spread *= 1.6; // ...while the spread blows out
      r = d.observe({ tick: t, logReturn: (t % 2 ? -1 : 1) * 0.01, lfi: 0.95, spread, depth, fillImbalance: 0.9, crowding: 0.8 });
    }
    expect(r.regime).toBe(Regime.CRASH_PRONE);
  });

  it('a steady one-directional drift with a sound book is TRENDING', () => {
    const d = new RegimeDetector(cfg);
    let r = d.observe({ tick: 0, logReturn: 0.0002, lfi: 0.1, spread: 0.02, depth: 200, fillImbalance: 0, crowding: 0 });
    for (let t = 1; t < 40; t++) r = d.observe({ tick: t, logReturn: 0.0002, lfi: 0.1, spread: 0.02, depth: 200, fillImbalance: 0, crowding: 0 });
    expect(r.regime).toBe(Regime.TRENDING);
  });

  it('thresholds stay at their floors before 80 observations, then follow rolling quantiles', () => {
    const d = new RegimeDetector(cfg);
    for (let t = 0; t < 79; t++) d.observe({ tick: t, logReturn: 0, lfi: 0.9, spread: 0.02, depth: 200, fillImbalance: 0, crowding: 0.9 });
    expect(d.thresholds(d.calibrated).crash_crowding).toBe(0.55);
    d.observe({ tick: 79, logReturn: 0, lfi: 0.9, spread: 0.02, depth: 200, fillImbalance: 0, crowding: 0.9 });
    expect(d.calibrated).toBe(true);
    expect(d.thresholds(true).crash_crowding).toBeCloseTo(0.9, 12);
    expect(d.thresholds(true).crash_lfi).toBeCloseTo(0.9, 12);
  });

  it('calibrated thresholds take the configured quantile levels (regime.highQuantile for q90, lowQuantile for q75)', () => {
    const d = new RegimeDetector({ ...cfg, highQuantile: 0.5, lowQuantile: 0.25 });
    // lfi 0.900, 0.901, ..., 0.999: every quantile is above every floor
    for (let t = 0; t < 100; t++) d.observe({ tick: t, logReturn: 0, lfi: 0.9 + t / 1000, spread: 0.02, depth: 200, fillImbalance: 0, crowding: 0.9 + t / 1000 });
    const th = d.thresholds(true);
    expect(th.crash_lfi).toBeCloseTo(0.9495, 12); // was q90
    expect(th.trend_lfi).toBeCloseTo(0.9495, 12); // was q90
    expect(th.crash_vol_lfi).toBeCloseTo(0.92475, 12); // was q75
    expect(th.crash_crowding).toBeCloseTo(0.92475, 12); // was q75
  });

  it('a slow steady fall the quantiles would learn to call normal is CRASH_PRONE once 20 % below the peak', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(21);
    const labels: string[] = [];
    // -0.0002 a tick: 20 % down after ~1,100 ticks, with the calibrated thresholds long used to it.
    for (let t = 0; t < 1500; t++) labels.push(d.observe({ ...calmTick(t, rng), logReturn: -0.0002 + rng.normal(0, 0.00005) }).regime);
    expect(labels.slice(1200).every((l) => l === Regime.CRASH_PRONE)).toBe(true);
    expect(labels.slice(200, 1000)).not.toContain(Regime.CRASH_PRONE);
  });

  it('a book with an empty side on 5 % of recent ticks is at least UNSTABLE', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(22);
    for (let t = 0; t < 200; t++) d.observe(calmTick(t, rng));
    let r = d.observe(calmTick(200, rng));
    for (let t = 201; t < 204; t++) r = d.observe({ ...calmTick(t, rng), spread: null });
    expect([Regime.UNSTABLE, Regime.CRASH_PRONE]).toContain(r.regime);
  });

  it('a checkpoint keeps the breakdown state (peak, trough, empty sides)', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(23);
    for (let t = 0; t < 300; t++) d.observe({ ...calmTick(t, rng), logReturn: -0.0008 });
    const e = new RegimeDetector(cfg);
    e.loadState(JSON.parse(JSON.stringify(d.saveState())));
    expect(e.observe(calmTick(300, rng)).regime).toBe(d.observe(calmTick(300, new Rng(1))).regime);
    expect(e.regime).toBe(Regime.CRASH_PRONE);
  });

  it('exposes the four regimes by name', () => {
    expect(Object.values(Regime)).toEqual(['CALM', 'TRENDING', 'UNSTABLE', 'CRASH_PRONE']);
  });
});

describe('breakdown rules through observe (docs/MODEL.md §12)', () => {
  // Quiet metrics (LFI 0, no crowding, flat book): classify alone never gives CRASH_PRONE or UNSTABLE here.
  const tick = (t: number, logReturn: number, spread: number | null = 0.02): RegimeInput => ({ tick: t, logReturn, lfi: 0, spread, depth: 100, fillImbalance: 0, crowding: 0 });
  const fall = -Math.log(1 - cfg.crashDrawdown);

  it('CRASH_PRONE once the log price has fallen crashDrawdown from its running peak, not a hair before', () => {
    const d = new RegimeDetector(cfg);
    d.observe(tick(0, 0.05)); // the peak is 0.05 above the start
    expect(d.observe(tick(1, -fall * 0.999)).regime).not.toBe(Regime.CRASH_PRONE);
    expect(d.observe(tick(2, -fall * 0.001)).regime).toBe(Regime.CRASH_PRONE);
    const exact = new RegimeDetector(cfg);
    expect(exact.observe(tick(0, Math.log(1 - cfg.crashDrawdown))).regime).toBe(Regime.CRASH_PRONE); // a fall of exactly 20 %
  });

  it('CRASH_PRONE on a rally of the same size from the running trough', () => {
    const d = new RegimeDetector(cfg);
    d.observe(tick(0, -0.05));
    expect(d.observe(tick(1, fall * 0.999)).regime).not.toBe(Regime.CRASH_PRONE);
    expect(d.observe(tick(2, fall * 0.002)).regime).toBe(Regime.CRASH_PRONE);
    expect(new RegimeDetector(cfg).observe(tick(0, fall)).regime).toBe(Regime.CRASH_PRONE);
  });

  it('crashDrawdown outside (0, 1) disables the drawdown rule', () => {
    for (const crashDrawdown of [0, 1]) {
      const d = new RegimeDetector({ ...cfg, crashDrawdown });
      expect(d.observe(tick(0, -5)).regime).not.toBe(Regime.CRASH_PRONE);
    }
  });

  it('UNSTABLE when a side was empty on at least unstableEmptySide of the last volWindow ticks, and the window forgets', () => {
    const d = new RegimeDetector(cfg);
    const w = cfg.volWindow;
    const need = Math.ceil(cfg.unstableEmptySide * w); // 2 of 40
    let t = 0;
    for (; t < w - need; t++) d.observe(tick(t, 0));
    expect(d.observe(tick(t++, 0, null)).regime).not.toBe(Regime.UNSTABLE); // 1 of 40
    expect(d.observe(tick(t++, 0, null)).regime).toBe(Regime.UNSTABLE); // 2 of 40 = 0.05
    let r = Regime.UNSTABLE as string;
    for (let k = 0; k < w; k++) r = d.observe(tick(t++, 0)).regime;
    expect(r).not.toBe(Regime.UNSTABLE); // both empty ticks left the window
    const off = new RegimeDetector({ ...cfg, unstableEmptySide: 0 });
    expect(off.observe(tick(0, 0, null)).regime).not.toBe(Regime.UNSTABLE);
  });

  it('counts ticks per regime and records each change once, with the regime it left', () => {
    const d = new RegimeDetector(cfg);
    d.observe(tick(0, 0));
    d.observe(tick(1, 0));
    d.observe(tick(2, -fall));
    const s = d.snapshot();
    expect(s.regime_counts['CALM']).toBe(2);
    expect(s.regime_counts['CRASH_PRONE']).toBe(1);
    expect(s.changes.map((c) => [c.tick, c.regime, c.prev_regime])).toEqual([
      [0, 'CALM', null],
      [2, 'CRASH_PRONE', 'CALM'],
    ]);
  });
});
