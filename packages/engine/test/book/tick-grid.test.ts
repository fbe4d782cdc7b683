import { describe, expect, it } from 'vitest';
import { TickGrid } from '../../src/book/tick-grid.js';

describe('TickGrid', () => {
  it('a price maps to the nearest tick', () => {
    const g = new TickGrid(0.0001);
    expect(g.toTicks(100)).toBe(1_000_000);
    expect(g.toTicks(100.00014)).toBe(1_000_001);
    expect(g.toTicks(100.00016)).toBe(1_000_002);
  });

  it('a tick maps back to a price with no more decimals than the tick size', () => {
    const g = new TickGrid(0.0001);
    for (let t = 999_990; t <= 1_000_010; t++) {
      const p = g.toPrice(t);
      const decimals = (String(p).split('.')[1] ?? '').length;
      expect(decimals).toBeLessThanOrEqual(4);
      expect(g.toTicks(p)).toBe(t);
    }
    expect(g.toPrice(1_000_001)).toBe(100.0001);
  });

  it('decimals follow the tick size, also for tick sizes that are not powers of ten', () => {
    expect(new TickGrid(0.25).decimals).toBe(2);
    expect(new TickGrid(0.25).toPrice(401)).toBe(100.25);
    expect(new TickGrid(5).toPrice(3)).toBe(15);
    expect(new TickGrid(0.1 + 0.2).tickSize).toBe(0.3);
  });

  it('a mid on a half tick keeps one extra decimal', () => {
    expect(new TickGrid(0.01).midPrice(10_000, 10_001)).toBe(100.005);
  });

  it('a tick size with more than 12 decimals is refused', () => {
    expect(() => new TickGrid(1e-13)).toThrow(/at most 12 decimals/);
    expect(() => new TickGrid(-1)).toThrow(/positive finite number/);
  });
});
