/**
 * Pinned results: a digest of every event of two runs (the default market and the seed preset,
 * analytics on). Performance work must leave it alone; a change to what the market does or
 * reports moves it on purpose — then re-pin with the digest this test prints, and say why in the
 * commit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';
import type { ConfigOverrides } from '../../src/config.js';

function digest(overrides: ConfigOverrides, ticks: number): string {
  const sim = new Simulation(overrides);
  const h = createHash('sha256');
  for (let t = 0; t < ticks; t++) for (const e of sim.step().events) h.update(JSON.stringify(e));
  h.update(JSON.stringify([sim.leaderboard(), sim.crowdingSnapshot(), sim.regimeSnapshot(), sim.fragilitySnapshot()]));
  return h.digest('hex');
}

describe('simulation fingerprint', () => {
  it('default market, seed 42, 600 ticks', () => {
    expect(digest({ seed: 42, analytics: true }, 600), 'the default market changed its events (re-pin if on purpose)').toBe('6ee244d3b5131eefd21a6aa40c05a665f10da195d5daedaf01af31bea8b54f30');
  });

  it('seed preset, seed 7, 600 ticks', () => {
    expect(digest({ seed: 7, analytics: true, population: 'seed' }, 600), 'the seed preset changed its events (re-pin if on purpose)').toBe('80afe6b602505fceb52079df21ef198a43e0f6b1c4467afc199977b8f47827d9');
  });
});
