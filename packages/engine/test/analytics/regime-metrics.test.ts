import { describe, expect, it } from 'vitest';
import { Regime, RegimeDetector, type RegimeInput } from '../../src/analytics/regime-detector.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

// The metrics the regime rules read, against their definitions (docs/MODEL.md §12) computed from
// the input history, plus the snapshot, the change log and checkpoints. The rules themselves are
// in analytics-rules.test.ts and regime-detector.test.ts.

const cfg = { ...defaultConfig().regime, volWindow: 5, volAutocorrWindow: 6, driftWindow: 3, historyLength: 4, calibrationObservations: 1000, elasticityMax: 3, crashDrawdown: 0.5, unstableEmptySide: 0.9 };

function popStd(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
}
function lag1(xs: number[]): number {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    den += (x - m) ** 2;
    if (i > 0) num += (xs[i - 1]! - m) * (x - m);
  });
  return den > 1e-300 ? num / den : 0;
}

describe('regime metrics against their definitions', () => {
  it('volatility (population std, last volWindow), |r| lag-1 autocorrelation (last volAutocorrWindow), drift (mean, last driftWindow)', () => {
    const d = new RegimeDetector(cfg);
    const rng = new Rng(12);
    const rs: number[] = [];
    for (let t = 0; t < 15; t++) {
      const r = t === 4 ? NaN : Math.round(rng.normal(0, 1) * 1000) / 1e6;
      rs.push(Number.isFinite(r) ? r : 0);
      const m = d.observe({ tick: t, logReturn: r, lfi: 0.1, spread: 0.02, depth: 100, fillImbalance: 0, crowding: 0 }).metrics;
      const last = (k: number) => rs.slice(Math.max(0, rs.length - k));
      expect(m.volatility, `vol t=${t}`).toBeCloseTo(rs.length < 2 ? 0 : popStd(last(5)), 15);
      expect(m.vol_autocorr, `ac t=${t}`).toBeCloseTo(rs.length < 3 ? 0 : lag1(last(6).map(Math.abs)), 12);
      const dr = last(3);
      expect(m.drift, `drift t=${t}`).toBeCloseTo(dr.reduce((a, b) => a + b, 0) / dr.length, 15);
    }
  });

  it('elasticity = (spread widening / depth drop) × (1 + |fill imbalance|), clipped to elasticityMax; 0 without a drop, a previous spread or depth', () => {
    const d = new RegimeDetector(cfg);
    const obs = (spread: number | null, depth: number, fillImbalance = 0) => d.observe({ tick: 0, logReturn: 0, lfi: 0, spread, depth, fillImbalance, crowding: 0 }).metrics.elasticity;
    expect(obs(0.02, 100)).toBe(0); // nothing before
    // spread +50 %, depth −25 %: 2, × (1 + 0.5)
    expect(obs(0.03, 75, -0.5)).toBeCloseTo(3, 12);
    expect(obs(0.03, 60, 0)).toBe(0); // no widening
    expect(obs(0.06, 30, 1)).toBe(3); // (1 / 0.5) × 2 = 4, clipped to 3
    expect(obs(0.09, 30)).toBe(0); // depth unchanged
    expect(obs(0.12, 60)).toBe(0); // depth rose
    expect(obs(0.24, 30)).toBeCloseTo(2, 12); // widening 1 / drop 0.5
    // An empty side keeps the last spread for the next comparison and reads 0 itself.
    expect(obs(null, 15)).toBe(0);
    expect(obs(0.36, 7.5)).toBeCloseTo(1, 12); // against 0.24 and depth 15: 0.5 / 0.5
    // A previous depth of 0 gives no drop to divide by.
    expect(obs(0.36, 0)).toBeCloseTo((0 / 0.36) / 1, 12);
    expect(obs(0.72, 0)).toBe(0);
  });
});

describe('regime metric edge cases', () => {
  const tick = (o: Partial<RegimeInput>): RegimeInput => ({ tick: 0, logReturn: 0, lfi: 0, spread: 0.02, depth: 100, fillImbalance: 0, crowding: 0, ...o });

  it('equal |returns| have no autocorrelation (0, not 0/0); a NaN return counts as 0 for every rule', () => {
    const d = new RegimeDetector(cfg);
    let m = d.observe(tick({ logReturn: 0.001 })).metrics;
    for (let t = 0; t < 6; t++) m = d.observe(tick({ logReturn: t % 2 ? 0.001 : -0.001 })).metrics;
    expect(m.vol_autocorr).toBe(0);
    const n = new RegimeDetector({ ...cfg, crashDrawdown: 0.2 });
    n.observe(tick({ logReturn: NaN }));
    expect(n.observe(tick({ logReturn: -0.3 })).regime).toBe(Regime.CRASH_PRONE);
    expect(n.snapshot().metrics.drift).toBeCloseTo(-0.15, 15);
  });

  it('no elasticity against a spread never seen (an empty side so far) or a zero spread', () => {
    const d = new RegimeDetector(cfg);
    d.observe(tick({ spread: null, depth: 100 }));
    expect(d.observe(tick({ spread: 0.03, depth: 50 })).metrics.elasticity).toBe(0);
    const z = new RegimeDetector(cfg);
    z.observe(tick({ spread: 0, depth: 100 }));
    expect(z.observe(tick({ spread: 0.03, depth: 50 })).metrics.elasticity).toBe(0);
  });

  it('the empty-side count only forgets once the window is full', () => {
    const d = new RegimeDetector({ ...cfg, unstableEmptySide: 0.2, crashDrawdown: 0 });
    d.observe(tick({ spread: null }));
    // 1 of 2 ticks one-sided: still UNSTABLE (a count that dropped the first tick early would not be)
    expect(d.observe(tick({})).regime).toBe(Regime.UNSTABLE);
  });

  it('snapshots are copies: before any tick the metrics are zeros, and changing one changes nothing inside', () => {
    const d = new RegimeDetector(cfg);
    expect(d.snapshot().metrics).toEqual({ volatility: 0, vol_autocorr: 0, drift: 0, lfi: 0, elasticity: 0, crowding: 0 });
    d.observe(tick({}));
    const s = d.snapshot();
    s.changes.push({ tick: 99, regime: 'CALM', prev_regime: null });
    s.metrics.lfi = 5;
    expect(d.snapshot().changes).toHaveLength(1);
    expect(d.snapshot().metrics.lfi).toBe(0);
  });

  it('a damaged checkpoint names the part that is wrong', () => {
    const d = new RegimeDetector(cfg);
    d.observe(tick({}));
    const state = JSON.parse(JSON.stringify(d.saveState()));
    expect(() => new RegimeDetector(cfg).loadState({ ...state, returns: null })).toThrow(/RegimeDetector\.returns/);
    expect(() => new RegimeDetector(cfg).loadState({ ...state, qLfi: null }, 'here')).toThrow(/here\.qLfi/);
    expect(() => new RegimeDetector(cfg).loadState({ ...state, breakdown: { ...state.breakdown, empties: null } })).toThrow(/RegimeDetector\.breakdown\.empties/);
    expect(() => new RegimeDetector(cfg).loadState({ ...state, breakdown: { empties: state.breakdown.empties } })).toThrow(/RegimeDetector\.breakdown/);
  });
});

describe('RegimeDetector reporting', () => {
  const input = (tick: number, o: Partial<RegimeInput> = {}): RegimeInput => ({ tick, logReturn: 0, lfi: 0.1, spread: 0.02, depth: 100, fillImbalance: 0, crowding: 0.2, ...o });

  it('the snapshot: last metrics and thresholds, counts, changes (at most historyLength, oldest dropped), since_tick, history', () => {
    const d = new RegimeDetector(cfg);
    expect(d.snapshot()).toMatchObject({ tick: null, regime: null, current_regime: null, since_tick: null, calibrated: false, observations: 0, calibration_observations: 1000, changes: [], history: [] });
    expect(d.regime).toBeNull();
    // Alternate CALM and TRENDING with a drift of ±0.001 held for 3 ticks.
    const seq = [0, 0, 0.001, 0.001, 0.001, -0.001, -0.0015, 0.004, 0, 0, 0, 0.002, 0.002, 0.002];
    const regimes: Regime[] = [];
    seq.forEach((r, t) => regimes.push(d.observe(input(t * 10, { logReturn: r })).regime));
    const s = d.snapshot();
    expect(s.tick).toBe(130);
    expect(s.regime).toBe(regimes[regimes.length - 1]);
    expect(s.current_regime).toBe(s.regime);
    expect(d.regime).toBe(s.regime);
    expect(s.observations).toBe(14);
    const counts = { CALM: 0, TRENDING: 0, UNSTABLE: 0, CRASH_PRONE: 0 };
    for (const r of regimes) counts[r]++;
    expect(s.regime_counts).toEqual(counts);
    const changes: { tick: number; regime: Regime; prev_regime: Regime | null }[] = [];
    regimes.forEach((r, t) => {
      const prev = t === 0 ? null : regimes[t - 1]!;
      if (r !== prev) changes.push({ tick: t * 10, regime: r, prev_regime: prev });
    });
    expect(changes.length).toBeGreaterThan(4);
    expect(s.changes).toEqual(changes.slice(-4));
    expect(s.since_tick).toBe(changes[changes.length - 1]!.tick);
    expect(s.history.map((h) => h.tick)).toEqual([100, 110, 120, 130]);
    expect(s.history[3]).toEqual({ tick: 130, regime: s.regime, vol_level: s.metrics.volatility, vol_autocorr: s.metrics.vol_autocorr, lfi: 0.1, spread_elasticity: 0, crowding: 0.2, drift: s.metrics.drift });
    expect(s.thresholds).toEqual(d.thresholds(false));
    expect(s.metrics.drift).toBeCloseTo(0.002, 15);
  });

  it('checkpoints: state and display history restore to the same readings; an older checkpoint starts the breakdown rules afresh', () => {
    const rng = new Rng(5);
    const a = new RegimeDetector({ ...cfg, calibrationObservations: 6 });
    const feed = (d: RegimeDetector, t: number, r: Rng) => d.observe(input(t, { logReturn: r.normal(0, 0.01), lfi: r.next(), spread: r.next() < 0.3 ? null : 0.01 + r.next() * 0.01, depth: 50 + r.next() * 50, crowding: r.next() }));
    for (let t = 0; t < 12; t++) feed(a, t, rng);
    const state = JSON.parse(JSON.stringify(a.saveState()));
    const b = new RegimeDetector({ ...cfg, calibrationObservations: 6 });
    b.loadState(state);
    b.loadDisplayState(JSON.parse(JSON.stringify(a.displayState())));
    expect(b.snapshot()).toEqual(a.snapshot());
    const r1 = new Rng(77);
    const r2 = new Rng(77);
    for (let t = 12; t < 20; t++) expect(feed(b, t, r2)).toEqual(feed(a, t, r1));
    expect(b.snapshot()).toEqual(a.snapshot());
    // Without the breakdown block (a checkpoint from before the breakdown rules) they start afresh:
    // no drawdown and no empty sides behind the restored market.
    const old = { ...state };
    delete old.breakdown;
    const c = new RegimeDetector({ ...cfg, calibrationObservations: 6 });
    c.loadState(old);
    expect(c.snapshot().observations).toBe(12);
    expect(c.observe(input(30, { logReturn: -0.6 })).regime).not.toBe(Regime.CRASH_PRONE); // 0.6 < -ln(0.5) from a fresh peak
    expect(c.observe(input(31, { logReturn: -0.1 })).regime).toBe(Regime.CRASH_PRONE);
    const c2 = new RegimeDetector({ ...cfg, calibrationObservations: 6 });
    c2.loadState(old);
    expect(c2.observe(input(30, { logReturn: -0.7 })).regime).toBe(Regime.CRASH_PRONE);
    c.loadDisplayState([{ tick: 1 }, null, 3]);
    expect(c.displayState()).toEqual([{ tick: 1 }]);
    c.loadDisplayState(undefined);
    expect(c.displayState()).toEqual([]);
  });
});
