import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, resolveConfig } from '../../src/config.js';
import { Simulation } from '../../src/simulation.js';

describe('config', () => {
  it('pins the defaults (docs/MODEL.md §14)', () => {
    const c = defaultConfig();
    expect([c.initialPrice, c.initialCash, c.eta, c.crowding.kappa, c.sharpe.annualisation, c.sharpe.tradingSecondsPerYear, c.seed, c.tickSize]).toEqual([100, 100_000, 0.001, 18, 'trading_time', 5_896_800, 42, 0.01]);
    expect(c.population).toEqual({ preset: 'market', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 1000, value: 100, ladderMakers: 2 });
    expect([c.crowding.factorWindow, c.crowding.phiNormalization, c.crowding.agentMultiplierMin, c.crowding.agentMultiplierMax]).toEqual([50, 'weighted_mean', 0.2, 6]);
    expect([c.crowding.sideBaseCoef, c.crowding.sidePressureCoef, c.crowding.sideMultiplierMin, c.crowding.sideMultiplierMax]).toEqual([1.6, 0.9, 1, 4]);
    expect([c.alphaDecay.sharpeWindow, c.alphaDecay.minSharpeSamples, c.alphaDecay.minFitSamples]).toEqual([100, 10, 20]);
    expect([c.alphaDecay.sharpeFloor, c.alphaDecay.exposureBase, c.alphaDecay.exposureActivityWeight]).toEqual([1e-3, 0.5, 0.5]);
    expect([c.diagnostics.window, c.diagnostics.minSharpeChanges]).toEqual([250, 50]);
    expect([c.fragility.nearSteps, c.fragility.baselineObservations, c.fragility.smoothing, c.fragility.warning, c.fragility.danger, c.fragility.critical]).toEqual([5, 50, 5, 0.45, 0.65, 0.85]);
    expect([c.regime.volWindow, c.regime.volAutocorrWindow, c.regime.driftWindow, c.regime.calibrationObservations]).toEqual([40, 60, 20, 80]);
    expect([c.regime.highQuantile, c.regime.lowQuantile]).toEqual([0.9, 0.75]);
    expect([c.momentum.fastBase, c.momentum.slowBase, c.momentum.slowStep, c.momentum.qty, c.momentum.maxInventory]).toEqual([5, 15, 3, 1, 50]);
    expect([c.meanReversion.window, c.meanReversion.zThresholdBase, c.meanReversion.marketZ, c.meanReversion.maxInventory]).toEqual([30, 1.2, 2.4, 40]);
    expect([c.marketMaker.baseSpreadBase, c.marketMaker.minHalfSpread, c.marketMaker.volMultiplier, c.marketMaker.qty, c.marketMaker.maxInventory]).toEqual([0.05, 0.01, 70, 8, 60]);
    expect([c.depthLevels, c.volatilityWindow, c.vwapWindow]).toEqual([10, 20, 200]);
  });

  it('pins every other docs/MODEL.md §2, §4, §5 and §6 number', () => {
    const c = defaultConfig();
    expect([c.recentTradesInState, c.population.rl]).toEqual([20, 0]);
    // The seed preset keeps the original's relative momentum; the default market's is in volatility units.
    expect(resolveConfig({ population: 'seed' }).momentum).toEqual({
      fastBase: 5, fastStep: 1, slowBase: 15, slowStep: 3, qty: 5, maxInventory: 50, inventoryPressure: 0.0008, marketThreshold: 0.0012, limitThreshold: 0.0004,
      sizeBoost: 0.5, sizeCap: 2, volatilityUnits: false, volatilitySpan: 500, decisionInterval: 1,
    });
    expect(c.momentum).toMatchObject({ fastStep: 1, inventoryPressure: 1, marketThreshold: 4, limitThreshold: 2, sizeBoost: 0.5, sizeCap: 2, volatilityUnits: true, volatilitySpan: 500, decisionInterval: 20 });
    expect(c.meanReversion).toMatchObject({ zThresholdStep: 0.2, qty: 5, inventoryPenalty: 0.5, jitterMin: 0.15, jitterMax: 0.2, topLevelShare: 0.3, cooldownMin: 5, cooldownMax: 15 });
    expect(c.marketMaker).toMatchObject({ baseSpreadStep: 0.02, quoteJitterBase: 0.02, quoteJitterStep: 0.01, inventorySkew: 0.015, inventoryPenalty: 0.002, crowdingWiden: 1.25 });
    expect(c.rlPpo).toMatchObject({ smallQty: 2, smallOffset: 0.25, mediumQty: 5, mediumOffset: 0.6, largeQty: 8 });
  });

  it('pins the PPO defaults (config.rlPpo; the why is beside each in config.ts)', () => {
    expect(defaultConfig().rlPpo).toEqual({
      learn: true, frozen: false, maxInventory: 50, riskAversion: 0.001,
      smallQty: 2, smallOffset: 0.25, mediumQty: 5, mediumOffset: 0.6, largeQty: 8,
      rewardScale: 0.01, rewardClip: 5, impactWeight: 1,
      hiddenLayers: 1, hiddenUnits: 32, rolloutLength: 128, epochs: 4, minibatchSize: 32,
      gamma: 0.99, gaeLambda: 0.95, clipEpsilon: 0.2, entropyCoef: 0.01, valueCoef: 0.5, maxGradNorm: 0.5,
      learningRate: 0.003, learningRateFinal: 0.003, explorationStart: 0.35, explorationEnd: 0.05, scheduleSteps: 20_000,
      normalizeObservations: true, obsClip: 5, minibatchesPerTick: 0, updateWorkPerTick: 2_000_000, curveLength: 500,
    });
  });

  it('rejects PPO settings the learner cannot use, naming the path', () => {
    expect(() => resolveConfig({ rlPpo: { hiddenLayers: 0 } })).toThrow(/config\.rlPpo\.hiddenLayers: must be an integer >= 1, got 0/);
    expect(() => resolveConfig({ rlPpo: { explorationStart: 1.5 } })).toThrow(/config\.rlPpo\.explorationStart: must be in \[0, 1\], got 1.5/);
    expect(() => resolveConfig({ rlPpo: { minibatchSize: 2.5 } })).toThrow(/minibatchSize: must be an integer >= 1/);
  });

  it('pins the remaining crowding, diagnostics and regime numbers', () => {
    const c = defaultConfig();
    expect([c.crowding.scalePercentile, c.crowding.topPairs]).toEqual([90, 5]);
    expect(c.diagnostics.minStd).toBe(1e-8);
    expect(c.regime).toMatchObject({
      crashLfi: 0.75, crashElasticity: 1, crashCrowding: 0.55, crashVol: 0.0012, crashVolAutocorr: 0.25, crashVolLfi: 0.6,
      unstableVol: 0.0008, unstableVolAutocorr: 0.18, unstableElasticity: 0.6, unstableLfi: 0.5, trendDrift: 0.00008, trendLfi: 0.6, elasticityMax: 5,
    });
  });

  it('pins the background market defaults (fundamental, noise, value, ladder makers) and the presets', () => {
    const c = defaultConfig();
    expect(c.fundamental).toEqual({ meanReversion: 0.00005, volatility: 0.00003, jumpProbability: 0.0005, jumpStd: 0.001 });
    expect(c.noise).toEqual({
      arrivalRate: 0.005, marketShare: 0.35, limitOffsetTicks: 8, qtyMin: 1, qtyTailExponent: 1.4, qtyMax: 100, orderLifetime: 150,
      intensityPersistence: 0.995, intensityStd: 0.5, metaStartProbability: 0.05, metaTailExponent: 1.3, metaMaxChildren: 200, metaChildProbability: 0.3,
      toxicitySpan: 2000, toxicityReference: 0.9, toxicityOffset: 0.5, toxicityThin: 0.5,
    });
    expect(c.value).toEqual({ arrivalRate: 0.002, observationNoise: 0.0003, thresholdTicks: 20, aggressiveShare: 0.2, qtyMin: 1, qtyMax: 10, maxInventory: 20, orderLifetime: 100, impactWeight: 0, impactHalfLife: 0 });
    expect(resolveConfig({ population: 'seed' }).value.impactWeight).toBe(1);
    expect(c.ladderMaker).toEqual({
      levels: 10, levelSpacingTicks: 1, halfSpreadTicks: 0.5, volWiden: 0.2, qty: 2, refillShare: 0.5, fairValueAlpha: 1, fundamentalWeight: 0.002,
      flowImpactTicks: 0, impactWeight: 1, observationNoise: 0.001, quoteNoiseTicks: 2, quoteNoisePersistence: 0.98, inventorySkewTicks: 5, maxInventory: 200,
      adverseWiden: 1, adverseThin: 1, halfSpreadStepTicks: 0, toxicitySpan: 2000, toxicityReference: 0.9, toxicityWiden: 1, toxicityThin: 1,
    });
    expect([c.marketMaker.adverseThin, c.marketMaker.postOnly]).toEqual([0.5, true]);
    expect([c.regime.crashDrawdown, c.regime.unstableEmptySide]).toEqual([0.2, 0.05]);
    const market = resolveConfig({ population: 'market' });
    expect([market.tickSize, market.eta]).toEqual([0.01, 0.001]);
    expect(market.population).toEqual({ preset: 'market', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 1000, value: 100, ladderMakers: 2 });
    const seed = resolveConfig({ population: 'seed' });
    expect([seed.tickSize, seed.eta, seed.marketMaker.postOnly]).toEqual([0.0001, 0.01, false]);
    expect(seed.population).toEqual({ preset: 'seed', momentum: 3, meanReversion: 3, marketMakers: 2, rl: 0, noise: 0, value: 0, ladderMakers: 0 });
  });

  it('applies a named preset first and the other overrides after it', () => {
    const c = resolveConfig({ population: { preset: 'market', momentum: 7 }, tickSize: 0.005 });
    expect([c.population.momentum, c.population.noise, c.tickSize]).toEqual([7, 1000, 0.005]);
    expect(resolveConfig({ population: 'seed', tickSize: 0.01 }).tickSize).toBe(0.01);
    // A resolved config resolves to itself (checkpoints store the resolved config).
    expect(resolveConfig(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('rejects an unknown preset naming the presets', () => {
    expect(() => resolveConfig({ population: 'busy' } as never)).toThrow('config.population.preset: must be one of "market", "seed", got "busy"');
    expect(() => resolveConfig({ population: { preset: 3 } } as never)).toThrow(/config\.population\.preset: must be one of/);
  });

  it('rejects background values the agents cannot use', () => {
    expect(() => resolveConfig({ noise: { marketShare: 1.5 } })).toThrow('config.noise.marketShare: is a probability or weight and must be in [0, 1], got 1.5');
    expect(() => resolveConfig({ noise: { intensityPersistence: 1 } })).toThrow(/config\.noise\.intensityPersistence: must be < 1/);
    expect(() => resolveConfig({ noise: { qtyTailExponent: 1 } })).toThrow(/config\.noise\.qtyTailExponent: must be > 1/);
    expect(() => resolveConfig({ ladderMaker: { levels: 0 } })).toThrow(/config\.ladderMaker\.levels: must be an integer >= 1/);
    expect(() => resolveConfig({ value: { qtyMin: 5, qtyMax: 2 } })).toThrow(/config\.value\.qtyMin: must be <= value\.qtyMax/);
    expect(() => resolveConfig({ noise: { orderLifetime: 0.5 } })).toThrow('config.noise.orderLifetime: must be >= 1, got 0.5');
  });

  it('returns a frozen config', () => {
    const c = resolveConfig({ seed: 1 });
    expect(Object.isFrozen(c) && Object.isFrozen(c.crowding)).toBe(true);
  });

  it('overrides nested values', () => {
    expect(resolveConfig({ crowding: { kappa: 3 } }).crowding.kappa).toBe(3);
  });

  it('rejects a wrong type naming the path and the rule', () => {
    expect(() => resolveConfig({ eta: 'big' } as never)).toThrow('config.eta: must be a finite number, got "big"');
  });

  it('rejects an invalid enum value naming the choices', () => {
    expect(() => resolveConfig({ crowding: { phiNormalization: 'mean' } } as never)).toThrow(/"seed", "weighted_mean"/);
  });

  it('rejects a regime quantile level above 1', () => {
    expect(() => resolveConfig({ regime: { highQuantile: 90 } })).toThrow(/config\.regime\.highQuantile: is a quantile level and must be in \[0, 1\], got 90/);
  });

  it('rejects nested windows the analytics cannot use with a ConfigError naming the path, not a RangeError later', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ diagnostics: { window: 1 } }, /config\.diagnostics\.window: must be an integer >= 2, got 1/],
      [{ crowding: { factorWindow: 2.5 } }, /config\.crowding\.factorWindow: must be an integer >= 2, got 2\.5/],
      [{ alphaDecay: { sharpeWindow: 1 } }, /config\.alphaDecay\.sharpeWindow: must be an integer >= 2, got 1/],
      [{ alphaDecay: { maxSamples: 0 } }, /config\.alphaDecay\.maxSamples: must be an integer >= 1, got 0/],
    ];
    for (const [overrides, message] of bad) {
      let thrown: unknown = null;
      try {
        new Simulation(overrides as never);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as Error).message).toMatch(message);
    }
  });

  it('rejects a tick size the book cannot represent with a ConfigError, not a RangeError from the book', () => {
    expect(() => new Simulation({ tickSize: 1e-13 })).toThrow(ConfigError);
    expect(() => resolveConfig({ tickSize: 1e-13 })).toThrow(/config\.tickSize: .*at most 12 decimals/);
  });

  it('rejects an initial price outside the tick grid (the book could not hold a single quote)', () => {
    expect(() => resolveConfig({ initialPrice: 1e6, tickSize: 0.0001 })).toThrow(/config\.initialPrice: .*214748\.3647/);
    expect(() => resolveConfig({ initialPrice: 0.00004, tickSize: 0.0001 })).toThrow(/config\.initialPrice: .*one tick \(0\.0001\)/);
    expect(() => resolveConfig({ initialPrice: 0.004 })).toThrow(/config\.initialPrice: .*one tick \(0\.01\)/);
    expect(resolveConfig({ initialPrice: 1e6, tickSize: 0.01 }).initialPrice).toBe(1e6);
  });

  it('rejects a min above its max (clips and draws would silently misbehave)', () => {
    const cases: [Record<string, Record<string, number>>, string][] = [
      [{ crowding: { agentMultiplierMin: 7 } }, 'config.crowding.agentMultiplierMin: must be <= crowding.agentMultiplierMax (6), got 7'],
      [{ crowding: { sideMultiplierMin: 5 } }, 'config.crowding.sideMultiplierMin: must be <= crowding.sideMultiplierMax (4), got 5'],
      [{ meanReversion: { jitterMin: 0.3 } }, 'config.meanReversion.jitterMin: must be <= meanReversion.jitterMax (0.2), got 0.3'],
      [{ meanReversion: { cooldownMin: 20 } }, 'config.meanReversion.cooldownMin: must be <= meanReversion.cooldownMax (15), got 20'],
      [{ regime: { lowQuantile: 0.95 } }, 'config.regime.lowQuantile: must be <= regime.highQuantile (0.9), got 0.95'],
    ];
    for (const [overrides, message] of cases) expect(() => resolveConfig(overrides)).toThrow(message);
  });

  it('rejects a fractional window', () => {
    expect(() => resolveConfig({ depthLevels: 2.5 })).toThrow(/depthLevels: must be a positive integer/);
  });
});
