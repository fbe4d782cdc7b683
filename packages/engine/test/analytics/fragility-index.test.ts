import { describe, expect, it } from 'vitest';
import { fillImbalance, FragilityIndex, nearDepthRatio } from '../../src/analytics/fragility-index.js';
import { defaultConfig } from '../../src/config.js';
import type { BookLevel } from '../../src/types.js';

const cfg = defaultConfig().fragility;

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

describe('FragilityIndex', () => {
  it('is 0 and NORMAL until the baseline of 50 observations exists', () => {
    const f = new FragilityIndex(cfg);
    for (let t = 0; t < 49; t++) {
      const r = f.observe(t, book(100, 10), 100, [{ price: 100.2 }], 100, 0.0001);
      expect(r.lfi).toBe(0);
      expect(r.alert).toBe('NORMAL');
    }
  });

  it('rises when depth concentrates at the touch and prints are one-sided', () => {
    const f = new FragilityIndex(cfg);
    for (let t = 0; t < 50; t++) {
      const thick = 10 + (t % 3); // a little variation so the baseline has a spread
      f.observe(t, book(thick, 10), 100, [{ price: 100.01 }, { price: 99.99 }], 100, 0.0001);
    }
    const calm = f.reading.lfi;
    let r = f.reading;
    for (let t = 50; t < 55; t++) {
      r = f.observe(t, book(200, 1), 100, [{ price: 100.01 }, { price: 100.02 }, { price: 100.03 }], 100, 0.0001);
    }
    expect(calm).toBe(0);
    expect(r.lfi).toBeGreaterThan(0.85);
    expect(r.alert).toBe('CRITICAL');
  });

  it('LFI = clip((mean of last 5 raw - baseline mean) / (2 * baseline std), 0, 1)', () => {
    const f = new FragilityIndex({ ...cfg, baselineObservations: 4, smoothing: 2 });
    [0.4, 0.6, 0.4, 0.6].forEach((raw, t) => f.observeRaw(t, raw, 0)); // mean 0.5, std 0.1
    const r = f.observeRaw(4, 0.66, 0); // mean of last two raws (0.6, 0.66) = 0.63 → 0.13/0.2
    expect(r.lfi).toBeCloseTo(0.65, 12);
    expect(r.alert).toBe('DANGER');
  });

  it('maps LFI to alerts at 0.45 / 0.65 / 0.85', () => {
    const f = new FragilityIndex(cfg);
    expect([0.44, 0.45, 0.65, 0.85].map((x) => f.alertFor(x))).toEqual(['NORMAL', 'WARNING', 'DANGER', 'CRITICAL']);
  });
});
