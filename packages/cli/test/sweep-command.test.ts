import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildJobs, parseAxis, parseSeeds, toOverrides } from '../src/sweep/sweep-grid.js';
import { Simulation } from '@crowdalpha/engine';
import { runRecord, runSweepJob } from '../src/sweep/sweep-run.js';
import { projectVersion } from '../src/version.js';
import { bin, csvCells } from './helpers.js';

const exec = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-sweep-'));

describe('sweep grid', () => {
  it('parses numbers, booleans and bare words', () => {
    expect(parseAxis('crowding.phiNormalization=seed,weighted_mean').values).toEqual(['seed', 'weighted_mean']);
    expect(parseAxis('eta=0.005,0.01').values).toEqual([0.005, 0.01]);
    expect(parseAxis('analytics=true,false').values).toEqual([true, false]);
  });

  it('refuses a --set without values', () => {
    expect(() => parseAxis('crowding.kappa=')).toThrow(/path=value/);
  });

  it('expands seed ranges and lists', () => {
    expect(parseSeeds('3..5')).toEqual([3, 4, 5]);
    expect(parseSeeds('1,7')).toEqual([1, 7]);
    expect(() => parseSeeds('5..3')).toThrow(/lo <= hi/);
  });

  it('builds the cartesian product of axes and seeds', () => {
    const jobs = buildJobs([parseAxis('a=1,2'), parseAxis('b.c=x,y')], [1, 2]);
    expect(jobs).toHaveLength(8);
    expect(toOverrides(jobs[7]!.params)).toEqual({ a: 2, b: { c: 'y' } });
  });
});

describe('crowdalpha sweep', () => {
  it('writes one CSV row per run in grid order, equal to an inline run of the same config', async () => {
    const out = path.join(dir, 'sweep.csv');
    const base = { crowding: { topPairs: 3 } };
    const config = path.join(dir, 'base.json');
    writeFileSync(config, JSON.stringify(base));
    await exec(process.execPath, [bin, 'sweep', '--ticks', '150', '--seeds', '1..2', '--set', 'crowding.kappa=0,18', '--config', config, '--out', out, '--workers', '2']);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const cols = header!.split(',');
    expect(cols.slice(0, 2)).toEqual(['crowding.kappa', 'seed']);
    expect(rows.map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['0,1', '0,2', '18,1', '18,2']);
    const inline = runSweepJob(base, { crowding: { kappa: 18 } }, 2, 150);
    const last = Object.fromEntries(cols.map((c, i) => [c, csvCells(rows[3]!)[i]]));
    // Every row records what reproduces it: the base config, the exact overrides and the version.
    expect(cols.slice(-3)).toEqual(['base_config', 'overrides', 'project_version']);
    expect(JSON.parse(last.base_config!)).toEqual(base);
    expect(JSON.parse(last.overrides!)).toEqual({ crowding: { topPairs: 3, kappa: 18 }, seed: 2 });
    expect(last.project_version).toBe(projectVersion());
    expect(Number(last.total_impact_cost)).toBeCloseTo(inline.total_impact_cost as number, 9);
    expect(Number(last.fills)).toBe(inline.fills);
    // Impact grows with kappa for the same seed and market path.
    const first = Object.fromEntries(cols.map((c, i) => [c, csvCells(rows[1]!)[i]]));
    expect(Number(last.total_impact_cost)).toBeGreaterThan(Number(first.total_impact_cost));
  });

  // The seed market on seed 3: mom_3's Sharpe falls with its own crowding exposure over 1,500
  // ticks (the engine's per-agent fit finds a decaying exponential), the other agents' do not.
  it('a run with a decaying agent carries that agent\'s own half-life and interval in its record', () => {
    const rec = runRecord({ population: 'seed' }, {}, 3, 1500);
    const sim = new Simulation({ population: 'seed', seed: 3 });
    for (let t = 0; t < 1500; t++) sim.step();
    const fits = sim.decaySnapshot()!.agent_decay_params;
    const decaying = fits.filter((f) => f.decays && f.half_life !== null);
    expect(decaying.map((f) => f.agent_id)).toContain('mom_3');
    for (const f of fits) {
      const a = rec.agents.find((x) => x.agent_id === f.agent_id)!;
      expect(a.half_life, f.agent_id).toBe(f.half_life);
      expect(a.half_life_lo, f.agent_id).toBe(f.half_life_ci?.lower ?? null);
      expect(a.half_life_hi, f.agent_id).toBe(f.half_life_ci?.upper ?? null);
      expect(a.half_life_ticks, f.agent_id).toBe(f.half_life_ticks);
    }
    const mom3 = rec.agents.find((a) => a.agent_id === 'mom_3')!;
    expect(mom3.half_life).toBeGreaterThan(0);
    expect(mom3.half_life_ticks).toBeGreaterThan(0);
    expect(mom3.half_life_significant).toBe(decaying.find((f) => f.agent_id === 'mom_3')!.significant);
    // The momentum type's stacked fit is in the row as well.
    const typeFit = sim.decaySnapshot()!.strategy_decay_params.find((s) => s.strategy === 'momentum')!;
    expect(rec.row.momentum_half_life).toBe(typeFit.half_life);
    expect(rec.strategies.find((x) => x.strategy === 'momentum')).toMatchObject({ half_life: typeFit.half_life, half_life_ticks: typeFit.half_life_ticks, half_life_lo: typeFit.half_life_ci?.lower ?? null, half_life_hi: typeFit.half_life_ci?.upper ?? null });
  });

  it('refuses an invalid swept value before running anything', async () => {
    const r = await exec(process.execPath, [bin, 'sweep', '--ticks', '10', '--set', 'crowding.phiNormalization=mean', '--out', path.join(dir, 'x.csv')]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.crowding.phiNormalization: must be one of');
  });
});

