import { describe, expect, it } from 'vitest';
import { AlphaDecay } from '../../src/crowding/alpha-decay.js';
import { defaultConfig } from '../../src/config.js';
import { Rng } from '../../src/rng.js';

const cfg = defaultConfig().alphaDecay;

function synthetic(seed: number, count = 400): AlphaDecay {
  const d = new AlphaDecay(cfg, new Rng(seed));
  d.addAgent();
  const noise = new Rng(seed + 1);
  for (let k = 0; k < count; k++) {
    const x = (3 * k) / count;
    d.addSample(0, x, 1.6 * Math.exp(-1.3 * x) * Math.exp(noise.normal(0, 0.1)));
  }
  return d;
}

describe('AlphaDecay', () => {
  it('recovers lambda within 10% from Sharpe = 1.6*exp(-1.3*X) with noise', () => {
    const fit = synthetic(11).fit();
    expect(fit.lambda!).toBeGreaterThan(1.3 * 0.9);
    expect(fit.lambda!).toBeLessThan(1.3 * 1.1);
    expect(fit.alphaMax!).toBeGreaterThan(1.6 * 0.9);
    expect(fit.alphaMax!).toBeLessThan(1.6 * 1.1);
  });

  it('half-life is ln 2 / lambda', () => {
    const fit = synthetic(12).fit();
    expect(fit.halfLife!).toBeCloseTo(Math.LN2 / fit.lambda!, 12);
  });

  it('the bootstrap interval of the half-life contains the estimate', () => {
    const fit = synthetic(13).fit();
    const ci = fit.halfLifeCi!;
    expect(ci.level).toBe(0.9);
    expect(ci.lower!).toBeLessThanOrEqual(fit.halfLife!);
    expect(ci.upper!).toBeGreaterThanOrEqual(fit.halfLife!);
    expect(ci.upper! - ci.lower!).toBeGreaterThan(0);
  });

  it('the bootstrap is seeded: same data, same interval', () => {
    expect(synthetic(14).fit().halfLifeCi).toEqual(synthetic(14).fit().halfLifeCi);
  });

  it('the fitted curve starts at alpha_max and has curvePoints points', () => {
    const fit = synthetic(15).fit();
    expect(fit.curve).toHaveLength(cfg.curvePoints);
    expect(fit.curve[0]!.sharpe).toBeCloseTo(fit.alphaMax!, 12);
  });

  it('no fit below minFitSamples (20)', () => {
    const fit = synthetic(16, 19).fit();
    expect(fit).toMatchObject({ samples: 19, alphaMax: null, lambda: null, halfLife: null, r2: null, curve: [] });
  });

  it('half-life is null when Sharpe does not fall with exposure', () => {
    const d = new AlphaDecay(cfg, new Rng(1));
    d.addAgent();
    for (let k = 0; k < 50; k++) d.addSample(0, k / 10, 0.5 + 0.01 * k);
    const fit = d.fit();
    expect(fit.lambda).toBe(0);
    expect(fit.halfLife).toBeNull();
  });

  it('the Sharpe proxy needs 10 PnL changes and is mean/std of them', () => {
    const d = new AlphaDecay(cfg, new Rng(1));
    d.addAgent();
    let pnl = 0;
    d.recordPnl([pnl]);
    const changes = [1, -1, 2, 0, 1, 3, -2, 1, 0];
    for (const c of changes) d.recordPnl([(pnl += c)]);
    expect(d.sharpeProxy(0)).toBeNull();
    d.recordPnl([(pnl += 5)]);
    const all = [...changes, 5];
    const m = all.reduce((a, b) => a + b) / 10;
    const sd = Math.sqrt(all.reduce((a, b) => a + (b - m) ** 2, 0) / 10);
    expect(d.sharpeProxy(0)).toBeCloseTo(m / sd, 12);
  });

  it('exposure grows by clip(max(Phi,0)*(0.5+0.5*activity), 0, 1) per crowding update', () => {
    const d = new AlphaDecay(cfg, new Rng(1));
    d.addAgent();
    d.addAgent();
    d.observeCrowding([0.4, -0.3], [1, 1]);
    d.observeCrowding([0.4, -0.3], [0, 1]);
    expect(d.exposure[0]).toBeCloseTo(0.4 + 0.2, 12);
    expect(d.exposure[1]).toBe(0);
  });

  it('the exposure weights 0.5 + 0.5*activity are config (alphaDecay.exposureBase, exposureActivityWeight)', () => {
    const d = new AlphaDecay({ ...cfg, exposureBase: 0.2, exposureActivityWeight: 1 }, new Rng(1));
    d.addAgent();
    d.observeCrowding([0.4], [0.5]);
    expect(d.exposure[0]).toBeCloseTo(0.4 * (0.2 + 1 * 0.5), 12);
  });

  it('keeps at most maxSamples samples', () => {
    const d = new AlphaDecay({ ...cfg, maxSamples: 30 }, new Rng(1));
    d.addAgent();
    for (let k = 0; k < 100; k++) d.addSample(0, k, 1);
    expect(d.sampleCount).toBe(30);
    expect(d.fit().samples).toBe(30);
  });
});
