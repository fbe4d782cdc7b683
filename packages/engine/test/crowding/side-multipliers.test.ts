import { describe, expect, it } from 'vitest';
import { orderFlowImbalance, sideMultipliers } from '../../src/crowding/side-multipliers.js';
import { defaultConfig } from '../../src/config.js';

const opts = defaultConfig().crowding;

describe('side multipliers', () => {
  it('order-flow imbalance ignores cancels: (buy - sell) / total', () => {
    const ofi = orderFlowImbalance([
      { side: 'BID', type: 'LIMIT', qty: 6 },
      { side: 'ASK', type: 'MARKET', qty: 2 },
      { side: 'ASK', type: 'CANCEL', qty: 50 },
    ]);
    expect(ofi).toBeCloseTo(0.5, 12);
  });

  it('buy-side imbalance under crowding makes buying dearer than selling', () => {
    // crowding 0.5, ofi 1: sp = 0.5, base = 1 + 1.6*0.25 = 1.4, buy = 1.4*(1+0.45) = 2.03, sell = 1.4
    const m = sideMultipliers(1, 0.5, opts);
    expect(m.sidePressure).toBeCloseTo(0.5, 12);
    expect(m.buy).toBeCloseTo(2.03, 12);
    expect(m.sell).toBeCloseTo(1.4, 12);
  });

  it('sell-side imbalance makes selling dearer than buying', () => {
    const m = sideMultipliers(-0.8, 0.5, opts);
    expect(m.sidePressure).toBeCloseTo(-0.4, 12);
    expect(m.sell).toBeGreaterThan(m.buy);
  });

  it('no crowding means no side effect: both multipliers 1', () => {
    const m = sideMultipliers(1, 0, opts);
    expect(m).toEqual({ buy: 1, sell: 1, sidePressure: 0, orderFlowImbalance: 1 });
  });

  it('negative crowding counts as none, and multipliers stay within [1, 4]', () => {
    expect(sideMultipliers(1, -0.9, opts).buy).toBe(1);
    expect(sideMultipliers(1, 1, opts).buy).toBe(4); // 2.6 * 1.9 = 4.94 → 4
  });
});

describe('side pressure sign of zero', () => {
  it('is +0, not -0, for a sell imbalance without crowding (reports survive a JSON round trip)', () => {
    expect(Object.is(sideMultipliers(-0.5, 0, opts).sidePressure, 0)).toBe(true);
  });
});
