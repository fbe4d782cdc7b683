/**
 * The Sharpe definition (docs/MODEL.md, "Sharpe"): per-tick PnL changes, mean / std (ddof 1),
 * annualised by sqrt(ticks per simulated trading year); a rolling figure over the last
 * diagnostics.window ticks and a full-run one since the agent joined, each with the sign of the
 * PnL change over its own window.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig, sharpeTicksPerYear } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

describe('Sharpe: what it is', () => {
  it('annualisation is tied to the simulated tick duration (or the seed’s 252 as an option)', () => {
    const c = resolveConfig({});
    expect(sharpeTicksPerYear(c)).toBeCloseTo((252 * 6.5 * 3600) / 0.1, 6); // 100 ms ticks
    expect(sharpeTicksPerYear(resolveConfig({ tickDurationNs: 1e9 }))).toBeCloseTo(252 * 6.5 * 3600, 6);
    expect(sharpeTicksPerYear(resolveConfig({ sharpe: { annualisation: 'seed' } }))).toBe(252);
    expect(() => resolveConfig({ tickDurationNs: 0 })).toThrow(/config\.tickDurationNs: must be > 0/);
    expect(() => resolveConfig({ sharpe: { tradingSecondsPerYear: 0 } })).toThrow(/config\.sharpe\.tradingSecondsPerYear: must be > 0/);
  });

  it('the two annualisations differ by exactly sqrt(252 / ticks per year)', () => {
    const a = new Simulation({ seed: 4 });
    const b = new Simulation({ seed: 4, sharpe: { annualisation: 'seed' } });
    a.run(400);
    b.run(400);
    const k = Math.sqrt(252 / sharpeTicksPerYear(a.config));
    for (const s of a.allAgentStats()) {
      const t = b.agentStats(s.agent_id)!;
      if (s.sharpe === null) continue;
      expect(t.sharpe!).toBeCloseTo(s.sharpe * k, 9);
      expect(t.sharpe_full!).toBeCloseTo(s.sharpe_full! * k, 9);
    }
  });

  it('full-run Sharpe has the sign of net PnL, rolling Sharpe the sign of the PnL change over its window (five seeds)', () => {
    const W = resolveConfig({}).diagnostics.window;
    let checked = 0;
    for (const seed of [1, 2, 3, 4, 5]) {
      const sim = new Simulation({ seed });
      const history = new Map<string, number[]>();
      for (let t = 0; t < 900; t++) {
        for (const a of sim.step().state.agent_stats) {
          const h = history.get(a.agent_id) ?? [];
          h.push(a.pnl);
          history.set(a.agent_id, h);
        }
      }
      for (const a of sim.allAgentStats()) {
        const h = history.get(a.agent_id)!;
        if (a.sharpe_full !== null && Math.abs(a.net_pnl) > 1e-9) {
          expect(Math.sign(a.sharpe_full), `${seed} ${a.agent_id} full`).toBe(Math.sign(a.net_pnl));
          checked++;
        }
        const windowChange = h[h.length - 1]! - h[h.length - 1 - W]!;
        if (a.sharpe !== null && Math.abs(windowChange) > 1e-9) {
          expect(Math.sign(a.sharpe), `${seed} ${a.agent_id} rolling`).toBe(Math.sign(windowChange));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('the full-run Sharpe equals mean/std(ddof 1) of every PnL change since the start × sqrt(ticks per year)', () => {
    const sim = new Simulation({ seed: 7 });
    const pnl = new Map<string, number[]>(sim.agentIds().map((id) => [id, [sim.config.initialCash]]));
    for (let t = 0; t < 300; t++) for (const a of sim.step().state.agent_stats) pnl.get(a.agent_id)!.push(a.pnl);
    const tpy = sharpeTicksPerYear(sim.config);
    for (const a of sim.allAgentStats()) {
      const p = pnl.get(a.agent_id)!;
      const d = p.slice(1).map((v, k) => v - p[k]!);
      const mean = d.reduce((s, x) => s + x, 0) / d.length;
      const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / (d.length - 1));
      if (a.sharpe_full === null) continue;
      expect(a.sharpe_full).toBeCloseTo((mean / sd) * Math.sqrt(tpy), 6);
    }
  });
});
