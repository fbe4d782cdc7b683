import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RL_ACTIONS, modelProblem } from '@crowdalpha/engine';
import { cli } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-train-'));

describe('crowdalpha train / evaluate', () => {
  it('trains, writes a model and a learning curve, and evaluates it against fallback and hold', async () => {
    const model = path.join(dir, 'model.json');
    const t = await cli('train', '--steps', '1200', '--envs', '2', '--episode-ticks', '200', '--set', 'rolloutLength=256', '--set', 'hiddenUnits=16', '--out', model, '--json');
    expect(t.code, t.stderr).toBe(0);
    const summary = JSON.parse(t.stdout);
    expect(summary.updates).toBe(4);
    expect(summary.episodes).toBeGreaterThanOrEqual(4);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(modelProblem(m)).toBeNull();
    expect(m.hiddenUnits).toBe(16);
    expect(m.meta.market_seeds[0]).toBe(1_100_000);
    const curve = readFileSync(path.join(dir, 'model.curve.csv'), 'utf8').trim().split('\n');
    expect(curve[0]).toContain('approx_kl');
    expect(curve).toHaveLength(1 + 4);
    expect(curve[0]!.split(',')).toHaveLength(curve[1]!.split(',').length);

    const e = await cli('evaluate', model, '--seeds', '1..2', '--episode-ticks', '150', '--json');
    expect(e.code, e.stderr).toBe(0);
    const r = JSON.parse(e.stdout);
    expect(r.results.map((x: { policy: string }) => x.policy)).toEqual(['learned', 'fallback', 'hold']);
    const hold = r.results[2];
    expect(hold.mean).toBe(0);
    expect(r.results[1].per_seed).toHaveLength(2);
    expect(r.results[1].ci95[0]).toBeLessThanOrEqual(r.results[1].mean);
    const text = await cli('evaluate', model, '--seeds', '3', '--episode-ticks', '100');
    expect(text.stdout).toMatch(/learned − fallback/);
    expect(RL_ACTIONS).toHaveLength(7);
  }, 180_000);

  it('refuses unknown hyperparameters and files that are not models, saying what is valid', async () => {
    const bad = await cli('train', '--steps', '10', '--set', 'hiddenUnit=3', '--out', path.join(dir, 'x.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown PPO hyperparameter "hiddenUnit"; valid: hiddenLayers, hiddenUnits/);
    const notModel = await cli('evaluate', path.join(dir, 'model.curve.csv'));
    expect(notModel.code).toBe(2);
    expect(notModel.stderr).toMatch(/cannot read model/);
  });
});
