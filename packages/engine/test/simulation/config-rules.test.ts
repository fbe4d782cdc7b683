/** Every rule of resolveConfig, each with a value just past its boundary and one just inside it. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';

const bad: [string, Record<string, unknown>, RegExp][] = [
  ['>= 0 at the top level', { eta: -0.01 }, /config\.eta: must be >= 0, got -0\.01/],
  ['>= 0 nested', { crowding: { kappa: -1 } }, /config\.crowding\.kappa: must be >= 0, got -1/],
  ['finite numbers only', { crowding: { kappa: Infinity } }, /config\.crowding\.kappa: must be a finite number/],
  ['booleans stay booleans', { analytics: 1 }, /config\.analytics: must be true or false, got 1/],
  ['unknown nested key', { impact: { share: 1 } }, /config\.impact\.share: unknown key; valid keys here are payer, permanentShare/],
  ['a section must be an object', { impact: 3 }, /config\.impact: expected an object, got 3/],
  ['positive integer counts', { depthLevels: 0 }, /config\.depthLevels: must be a positive integer, got 0/],
  ['positive integer counts (fractions)', { vwapWindow: 2.5 }, /config\.vwapWindow: must be a positive integer, got 2\.5/],
  ['whole agents', { population: { momentum: 1.5 } }, /config\.population\.momentum: must be a whole number of agents, got 1\.5/],
  ['tick size > 0', { tickSize: 0 }, /config\.tickSize: must be > 0, got 0/],
  ['initial price > 0', { initialPrice: 0 }, /config\.initialPrice: must be > 0, got 0/],
  ['integer seed', { seed: 1.5 }, /config\.seed: must be an integer, got 1\.5/],
  ['tick duration > 0', { tickDurationNs: 0 }, /config\.tickDurationNs: must be > 0/],
  ['trading seconds > 0', { sharpe: { tradingSecondsPerYear: 0 } }, /config\.sharpe\.tradingSecondsPerYear: must be > 0, got 0/],
  ['annualisation enum', { sharpe: { annualisation: 'daily' } }, /config\.sharpe\.annualisation: must be one of "trading_time", "seed"/],
  ['estimator enum', { alphaDecay: { estimator: 'ols' } }, /config\.alphaDecay\.estimator: must be one of "levels", "original"/],
  ['payer enum', { impact: { payer: 'maker' } }, /config\.impact\.payer: must be one of "aggressor", "both_sides"/],
  ['Phi enum', { crowding: { phiNormalization: 'mean' } }, /config\.crowding\.phiNormalization: must be one of "seed", "weighted_mean"/],
  ['permanent share <= 1', { impact: { permanentShare: 1.01 } }, /config\.impact\.permanentShare: .*must be in \[0, 1\], got 1\.01/],
  ['agent window >= 2', { alphaDecay: { agentWindow: 1 } }, /config\.alphaDecay\.agentWindow: must be an integer >= 2, got 1/],
  ['agent samples >= 1', { alphaDecay: { agentMaxSamples: 0 } }, /config\.alphaDecay\.agentMaxSamples: must be an integer >= 1, got 0/],
  ['agent min samples >= 3', { alphaDecay: { agentMinSamples: 2 } }, /config\.alphaDecay\.agentMinSamples: must be an integer >= 3, got 2/],
  ['block length >= 1', { alphaDecay: { blockLength: 0.5 } }, /config\.alphaDecay\.blockLength: must be an integer >= 1, got 0\.5/],
  ['low quantile level <= 1', { regime: { lowQuantile: 1.5, highQuantile: 2 } }, /config\.regime\.highQuantile: is a quantile level and must be in \[0, 1\], got 2/],
  ['low quantile level <= 1 alone', { regime: { lowQuantile: 1.01 } }, /config\.regime\.lowQuantile: is a quantile level and must be in \[0, 1\], got 1\.01/],
  ['warning <= danger', { fragility: { warning: 0.7 } }, /config\.fragility: thresholds must satisfy warning <= danger <= critical/],
  ['danger <= critical', { fragility: { danger: 0.9 } }, /config\.fragility: thresholds must satisfy warning <= danger <= critical/],
  ['ladder toxicity reference > 0', { ladderMaker: { toxicityReference: 0 } }, /config\.ladderMaker\.toxicityReference: must be > 0, got 0/],
  ['noise toxicity reference > 0', { noise: { toxicityReference: 0 } }, /config\.noise\.toxicityReference: must be > 0, got 0/],
  ['toxicity span > 0', { noise: { toxicitySpan: 0 } }, /config\.noise\.toxicitySpan: must be > 0, got 0/],
];

const good: [string, Record<string, unknown>][] = [
  ['0 is allowed where >= 0', { eta: 0, crowding: { kappa: 0 } }],
  ['a share of exactly 0 or 1', { impact: { permanentShare: 1 } }],
  ['quantile levels at 1 and equal', { regime: { lowQuantile: 1, highQuantile: 1 } }],
  ['thresholds equal to each other', { fragility: { warning: 0.65, danger: 0.65, critical: 0.65 } }],
  ['the smallest windows', { alphaDecay: { agentWindow: 2, agentMaxSamples: 1, agentMinSamples: 3, blockLength: 1 } }],
  ['min equal to max', { crowding: { agentMultiplierMin: 6 }, meanReversion: { cooldownMin: 15 } }],
  ['seed annualisation', { sharpe: { annualisation: 'seed' } }],
  ['toxicity response off (0) with a tiny reference', { noise: { toxicityOffset: 0, toxicityThin: 0, toxicityReference: 1e-9 }, ladderMaker: { toxicityWiden: 0, toxicityThin: 0 } }],
];

describe('resolveConfig rules', () => {
  for (const [name, overrides, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(() => resolveConfig(overrides as never)).toThrow(message);
    });
  }
  for (const [name, overrides] of good) {
    it(`accepts: ${name}`, () => {
      expect(() => resolveConfig(overrides as never)).not.toThrow();
    });
  }
});
