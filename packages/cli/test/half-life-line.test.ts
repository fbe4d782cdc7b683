import { describe, expect, it } from 'vitest';
import { halfLifeLine } from '../src/backtest-command.js';

describe('crowdalpha backtest: the strategy’s own half-life line', () => {
  it('no fit: says why and how many windows', () => {
    expect(halfLifeLine({ half_life: null, reason: 'no decay: the best fit is flat', n_samples: 30 })).toBe('none — no decay: the best fit is flat (30 windows)');
    expect(halfLifeLine(null)).toBe('none — no fit (0 windows)');
  });

  it('a fit: exposure units, ticks, the interval (∞ for an unbounded bound), R², windows, and whether it is significant', () => {
    const fit = { half_life: 2.25, half_life_ticks: 23.4, half_life_ci: { level: 0.9, lower: 1.9, upper: null }, r_squared: 0.0222, n_samples: 30, significant: false };
    expect(halfLifeLine(fit)).toBe(
      '2.3 exposure units ≈ 23 ticks, 90% block-bootstrap interval [1.9, ∞], R² 0.022, 30 windows (its own history) — not significant (the interval is unbounded)',
    );
    expect(halfLifeLine({ ...fit, half_life_ci: { level: 0.9, lower: 1.9, upper: 3.1 }, significant: true })).toBe(
      '2.3 exposure units ≈ 23 ticks, 90% block-bootstrap interval [1.9, 3.1], R² 0.022, 30 windows (its own history)',
    );
  });
});
