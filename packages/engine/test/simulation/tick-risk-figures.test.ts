/**
 * The risk figures every TICK carries for every agent (sortino, max_drawdown, kurtosis,
 * vol_autocorr, hit_rate) are kept incrementally; here they are recomputed from their definitions
 * over the window of each agent's PnL changes as the TICK payloads themselves report them, at every
 * tick of a default-market run, with the tolerances of test/analytics/window-stats.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { autocorrelation, excessKurtosis } from '../../src/analytics/stats.js';
import { sharpeTicksPerYear } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

describe('TICK agent_stats risk figures', () => {
  it('equal the direct windowed computation from the PnL the payloads report, every tick', () => {
    const window = 60; // wraps several times in the run
    const sim = new Simulation({ seed: 5, diagnostics: { window, minSharpeChanges: 50, minStd: 1e-8 } });
    const tpy = sharpeTicksPerYear(sim.config);
    const levels = new Map<string, number[]>();
    let checked = 0;
    for (let t = 0; t < 400; t++) {
      for (const s of sim.step().state.agent_stats) {
        const path = levels.get(s.agent_id) ?? [sim.config.initialCash];
        levels.set(s.agent_id, path);
        path.push(s.pnl);
        const changes = path.slice(1).map((p, k) => p - path[k]!);
        const win = changes.slice(-window);
        const n = win.length;
        let peak = path[path.length - 1 - n]!;
        let mdd = 0;
        for (const l of path.slice(path.length - n)) {
          if (l > peak) peak = l;
          else if (peak - l > mdd) mdd = peak - l;
        }
        expect(s.max_drawdown).toBe(mdd);
        const up = win.filter((x) => x > 0).length;
        const nonzero = win.filter((x) => x !== 0).length;
        expect(s.hit_rate).toBe(nonzero > 0 ? up / nonzero : null);
        const k = excessKurtosis(win);
        if (k === null) expect(s.kurtosis).toBeNull();
        else expect(Math.abs(s.kurtosis! - k)).toBeLessThanOrEqual(1e-9 * (k + 3));
        const ac = autocorrelation(win.map(Math.abs), 1);
        if (ac === null) expect(s.vol_autocorr).toBeNull();
        else expect(Math.abs(s.vol_autocorr! - ac)).toBeLessThanOrEqual(1e-9);
        const down = Math.sqrt(win.reduce((a, x) => (x < 0 ? a + x * x : a), 0) / n);
        const sortino = n >= 50 && down > 1e-8 ? (win.reduce((a, x) => a + x, 0) / n / down) * Math.sqrt(tpy) : null;
        if (sortino === null) expect(s.sortino).toBeNull();
        // The mean's rounding is relative to the changes' size, not to the mean (which may be ~0).
        else expect(Math.abs(s.sortino! - sortino)).toBeLessThanOrEqual(1e-9 * ((win.reduce((a, x) => a + Math.abs(x), 0) / n / down) * Math.sqrt(tpy) + Math.abs(sortino)));
        if (k !== null && ac !== null && sortino !== null) checked++;
      }
    }
    // Most agent-ticks after the first 50 have all three defined: the comparison is not vacuous.
    expect(checked).toBeGreaterThan(levels.size * 200);
  });
});
