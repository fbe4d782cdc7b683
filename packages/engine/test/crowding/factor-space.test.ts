import { describe, expect, it } from 'vitest';
import { FACTOR_NAMES, FactorSpace, orderAggressiveness, type ObservedFill, type ObservedOrder } from '../../src/crowding/factor-space.js';

const TOUCH = { bestBid: 99.9, bestAsk: 100.1 };

function space(window = 50): FactorSpace {
  return new FactorSpace({ window, scalePercentile: 90 });
}

function factor(fs: FactorSpace, agent: number, name: (typeof FACTOR_NAMES)[number]): number {
  return fs.vectorOf(agent)[name];
}

describe('FactorSpace', () => {
  it('names six factors in docs/MODEL.md §4 order', () => {
    expect(FACTOR_NAMES).toEqual([
      'turnover_rate',
      'avg_holding_period',
      'directional_bias',
      'volatility_exposure',
      'inventory_skew',
      'order_aggressiveness',
    ]);
  });

  it('a persistent aggressive buyer vs a passive seller: signs of bias and skew, higher aggressiveness', () => {
    const fs = space();
    const buyer = fs.addAgent();
    const seller = fs.addAgent();
    for (let t = 1; t <= 30; t++) {
      const orders: ObservedOrder[] = [
        { agent: seller, side: 'ASK', type: 'LIMIT', price: 100.1, qty: 5 },
        { agent: buyer, side: 'BID', type: 'MARKET', price: null, qty: 5 },
      ];
      const fills: ObservedFill[] = [{ buyer, seller, price: 100.1, qty: 5, aggressor: 'BID' }];
      fs.observe(t, orders, fills, TOUCH, 0.001);
    }
    fs.compute();
    expect(factor(fs, buyer, 'directional_bias')).toBe(1);
    expect(factor(fs, seller, 'directional_bias')).toBe(-1);
    expect(factor(fs, buyer, 'inventory_skew')).toBe(1);
    expect(factor(fs, seller, 'inventory_skew')).toBe(-1);
    expect(factor(fs, buyer, 'order_aggressiveness')).toBe(1);
    expect(factor(fs, seller, 'order_aggressiveness')).toBe(0);
  });

  it('holding period: a lot bought at t=0 and sold at t=10 is held 10 ticks (10/W)', () => {
    const fs = space(50);
    const a = fs.addAgent();
    const b = fs.addAgent();
    fs.observe(0, [], [{ buyer: a, seller: b, price: 100, qty: 10, aggressor: 'BID' }], TOUCH, 0);
    for (let t = 1; t < 10; t++) fs.observe(t, [], [], TOUCH, 0);
    fs.observe(10, [], [{ buyer: b, seller: a, price: 100, qty: 10, aggressor: 'ASK' }], TOUCH, 0);
    fs.compute(10);
    expect(factor(fs, a, 'avg_holding_period')).toBeCloseTo(10 / 50, 12);
    expect(factor(fs, b, 'avg_holding_period')).toBeCloseTo(10 / 50, 12);
  });

  it('holding period: open lots age up to now, FIFO closes the oldest first', () => {
    const fs = space(50);
    const a = fs.addAgent();
    const b = fs.addAgent();
    fs.observe(0, [], [{ buyer: a, seller: b, price: 100, qty: 4, aggressor: 'BID' }], TOUCH, 0);
    fs.observe(5, [], [{ buyer: a, seller: b, price: 100, qty: 4, aggressor: 'BID' }], TOUCH, 0);
    // sells 4 at t=6: closes the t=0 lot (age 6); the t=5 lot stays open, age 20-5 = 15 at now=20
    fs.observe(6, [], [{ buyer: b, seller: a, price: 100, qty: 4, aggressor: 'ASK' }], TOUCH, 0);
    fs.compute(20);
    expect(factor(fs, a, 'avg_holding_period')).toBeCloseTo((4 * 6 + 4 * 15) / 8 / 50, 12);
  });

  it('holding period only matches fills inside the window: an idle holder drops to 0', () => {
    const fs = space(50);
    const a = fs.addAgent();
    const b = fs.addAgent();
    fs.observe(0, [], [{ buyer: a, seller: b, price: 100, qty: 10, aggressor: 'BID' }], TOUCH, 0);
    fs.compute(0);
    expect(factor(fs, a, 'avg_holding_period')).toBe(0);
    for (let t = 1; t < 30; t++) fs.observe(t, [], [], TOUCH, 0);
    fs.compute(29);
    expect(factor(fs, a, 'avg_holding_period')).toBeCloseTo(29 / 50, 12);
    for (let t = 30; t <= 60; t++) fs.observe(t, [], [], TOUCH, 0);
    fs.compute(60);
    expect(Object.values(fs.vectorOf(a))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('volume shares are fill-qty shares, uniform when nothing traded', () => {
    const fs = space();
    const a = fs.addAgent();
    const b = fs.addAgent();
    const c = fs.addAgent();
    fs.observe(1, [], [], TOUCH, 0);
    fs.compute();
    expect(Array.from(fs.weights.subarray(0, 3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    fs.observe(2, [], [{ buyer: a, seller: b, price: 100, qty: 3, aggressor: 'BID' }], TOUCH, 0);
    fs.compute();
    expect(fs.weights[a]).toBeCloseTo(0.5, 12);
    expect(fs.weights[c]).toBe(0);
  });

  it('contributions leave the rolling window after W ticks', () => {
    const fs = space(5);
    const a = fs.addAgent();
    fs.observe(1, [{ agent: a, side: 'BID', type: 'MARKET', price: null, qty: 5 }], [], TOUCH, 0.01);
    fs.compute();
    expect(factor(fs, a, 'directional_bias')).toBe(1);
    for (let t = 2; t <= 6; t++) fs.observe(t, [], [], TOUCH, 0.01);
    fs.compute();
    expect(factor(fs, a, 'directional_bias')).toBe(0);
    expect(fs.activity[a]).toBe(0);
  });

  it('volatility exposure: trading only in the volatile ticks doubles the market mean → 1/2·2 clipped', () => {
    const fs = space(4);
    const a = fs.addAgent();
    const order: ObservedOrder = { agent: a, side: 'BID', type: 'LIMIT', price: 99.9, qty: 1 };
    // |r| = 0.02, 0, 0.02, 0 → market mean 0.01; agent trades at 0.02 → 0.02/0.01/2 = 1
    fs.observe(1, [order], [], TOUCH, 0.02);
    fs.observe(2, [], [], TOUCH, 0);
    fs.observe(3, [order], [], TOUCH, -0.02);
    fs.observe(4, [], [], TOUCH, 0);
    fs.compute();
    expect(factor(fs, a, 'volatility_exposure')).toBeCloseTo(1, 12);
  });

  it('turnover is scaled by the 90th percentile across agents and clipped to 1', () => {
    const fs = space(10);
    const ids = [0, 1, 2].map(() => fs.addAgent());
    fs.observe(1, [], [
      { buyer: ids[0]!, seller: ids[1]!, price: 100, qty: 10, aggressor: 'BID' },
      { buyer: ids[2]!, seller: ids[1]!, price: 100, qty: 2, aggressor: 'BID' },
    ], TOUCH, 0);
    fs.compute();
    // fill qty (10, 12, 2) → p90 = 10 + 0.8*(12-10) = 11.6 (turnover raw /W cancels)
    expect(factor(fs, 0, 'turnover_rate')).toBeCloseTo(10 / 11.6, 12);
    expect(factor(fs, 1, 'turnover_rate')).toBe(1);
    expect(factor(fs, 2, 'turnover_rate')).toBeCloseTo(2 / 11.6, 12);
  });

  it('rejects an agent index that was never added', () => {
    const fs = space();
    fs.addAgent();
    expect(() => fs.observe(1, [{ agent: 3, side: 'BID', type: 'MARKET', price: null, qty: 1 }], [], TOUCH, 0)).toThrow(
      /agent index 3 is not registered/,
    );
  });
});

describe('orderAggressiveness', () => {
  it('MARKET and crossing limits are 1; a limit at mid-spread is 0.5; at own touch 0', () => {
    expect(orderAggressiveness({ side: 'BID', type: 'MARKET', price: null }, TOUCH)).toBe(1);
    expect(orderAggressiveness({ side: 'ASK', type: 'LIMIT', price: 99.8 }, TOUCH)).toBe(1);
    expect(orderAggressiveness({ side: 'BID', type: 'LIMIT', price: 100 }, TOUCH)).toBeCloseTo(0.5, 9);
    expect(orderAggressiveness({ side: 'ASK', type: 'LIMIT', price: 100.05 }, TOUCH)).toBeCloseTo(0.25, 9);
    expect(orderAggressiveness({ side: 'BID', type: 'LIMIT', price: 99.9 }, TOUCH)).toBe(0);
  });
});
