import { describe, expect, it } from 'vitest';
import { DASH, fmtDuration, fmtInt, fmtNum, fmtPct, fmtPrice, fmtSigned, humanize, toCsv } from '../src/lib/format.js';

describe('format', () => {
  it('prints missing numbers as a dash', () => {
    for (const f of [fmtPrice, fmtNum, fmtSigned, fmtInt, fmtPct, fmtDuration]) {
      expect(f(null)).toBe(DASH);
      expect(f(Number.NaN)).toBe(DASH);
    }
  });
  it('formats prices with fixed decimals', () => {
    expect(fmtPrice(100.5)).toBe('100.5000');
    expect(fmtPrice(100.5, 2)).toBe('100.50');
  });
  it('compacts large numbers and separates thousands', () => {
    expect(fmtNum(12_345.6)).toBe('12,346');
    expect(fmtNum(2_500_000)).toBe('2.50M');
    expect(fmtNum(1.234)).toBe('1.23');
  });
  it('signs PnL explicitly', () => {
    expect(fmtSigned(3)).toBe('+3.00');
    expect(fmtSigned(-3)).toBe('-3.00');
    expect(fmtSigned(0)).toBe('0.00');
  });
  it('formats durations by magnitude', () => {
    expect(fmtDuration(850)).toBe('850 ms');
    expect(fmtDuration(12_000)).toBe('12 s');
    expect(fmtDuration(180_000)).toBe('3 min');
  });
  it('humanizes keys', () => {
    expect(humanize('max_drawdown')).toBe('Max drawdown');
    expect(humanize('avgFillSize')).toBe('Avg fill size');
  });
  it('quotes CSV cells that need it and blanks non-finite numbers', () => {
    expect(toCsv(['a', 'b'], [[1, 'x,y'], [Number.NaN, 'say "hi"']])).toBe('a,b\n1,"x,y"\n,"say ""hi"""\n');
  });
});
