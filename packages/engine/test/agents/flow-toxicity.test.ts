import { describe, expect, it } from 'vitest';
import { FlowToxicity, withdrawal } from '../../src/agents/flow-toxicity.js';

describe('FlowToxicity', () => {
  it('keeps an EMA of the permanent shift per tick in ticks, one per direction', () => {
    const t = new FlowToxicity(3); // a = 2 / (3 + 1) = 0.5
    t.observe(0.02, 0.01); // +2 ticks: aggressive buying
    expect([t.up, t.down]).toEqual([1, 0]);
    t.observe(-0.04, 0.01); // -4 ticks: aggressive selling
    expect(t.up).toBeCloseTo(0.5, 12);
    expect(t.down).toBeCloseTo(2, 12);
    expect(t.against(true)).toBe(t.down);
    expect(t.against(false)).toBe(t.up);
  });

  it('starts from its prior and learns toward what it sees', () => {
    const t = new FlowToxicity(9, 0.9);
    expect([t.up, t.down]).toEqual([0.9, 0.9]);
    for (let k = 0; k < 200; k++) t.observe(0, 0.01);
    expect(t.up).toBeLessThan(1e-6);
    expect(t.down).toBeLessThan(1e-6);
  });

  it('saves and restores its state; a state written before it existed starts at 0', () => {
    const t = new FlowToxicity(5, 0.3);
    t.observe(0.05, 0.01);
    const u = new FlowToxicity(5);
    u.loadState(t.saveState());
    expect(u.saveState()).toEqual(t.saveState());
    u.loadState(undefined);
    expect(u.saveState()).toEqual({ up: 0, down: 0 });
  });
});

describe('withdrawal', () => {
  it('is 1 at the reference toxicity and with k = 0 (the provider quotes as configured)', () => {
    expect(withdrawal(0.5, 0.9, 0.9)).toBe(1);
    expect(withdrawal(0, 5, 0.9)).toBe(1);
  });

  it('rises with toxicity, from 1 / (1 + k) on benign flow', () => {
    expect(withdrawal(1, 0, 0.9)).toBe(0.5);
    expect(withdrawal(1, 1.8, 0.9)).toBe(1.5);
    expect(withdrawal(0.5, 0.15, 0.9)).toBeCloseTo((1 + 0.5 / 6) / 1.5, 12);
  });
});
