import { describe, expect, it } from 'vitest';
import { impactPerUnit, makerCharge, permanentShift } from '../../src/execution/impact-model.js';

// The impact model's three rules on their own (docs/MODEL.md, "Execution and impact"); the
// scripted-market tests (impact-payer, kappa-market-effect) show them through a Simulation.
describe('impact model', () => {
  it('temporary impact is eta × side multiplier × agent multiplier × sqrt(qty)', () => {
    expect(impactPerUnit(0.01, 1, 1, 4)).toBeCloseTo(0.02, 14);
    expect(impactPerUnit(0.01, 1.5, 1, 4)).toBeCloseTo(0.03, 14);
    expect(impactPerUnit(0.01, 1, 2.5, 4)).toBeCloseTo(0.05, 14);
    expect(impactPerUnit(0.02, 0.5, 3, 9)).toBeCloseTo(0.09, 14);
  });

  it('the passive leg pays its own impact only when both sides pay', () => {
    expect(makerCharge('both_sides', 0.7)).toBe(0.7);
    expect(makerCharge('aggressor', 0.7)).toBe(0);
  });

  it('the permanent shift is the share of the taker’s impact, up for a buy and down for a sell', () => {
    expect(permanentShift(0.25, true, 0.8)).toBeCloseTo(0.2, 14);
    expect(permanentShift(0.25, false, 0.8)).toBeCloseTo(-0.2, 14);
    expect(permanentShift(0, true, 0.8)).toBe(0);
  });
});
