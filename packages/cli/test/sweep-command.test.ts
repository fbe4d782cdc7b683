import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildJobs, parseAxis, parseSeeds, toOverrides } from '../src/sweep/sweep-grid.js';
import { runSweepJob } from '../src/sweep/sweep-run.js';
import { bin } from './helpers.js';

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
    await exec(process.execPath, [bin, 'sweep', '--ticks', '150', '--seeds', '1..2', '--set', 'crowding.kappa=0,18', '--out', out, '--workers', '2']);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const cols = header!.split(',');
    expect(cols.slice(0, 2)).toEqual(['crowding.kappa', 'seed']);
    expect(rows.map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['0,1', '0,2', '18,1', '18,2']);
    const inline = runSweepJob({}, { crowding: { kappa: 18 } }, 2, 150);
    const last = Object.fromEntries(cols.map((c, i) => [c, rows[3]!.split(',')[i]]));
    expect(Number(last.total_impact_cost)).toBeCloseTo(inline.total_impact_cost as number, 9);
    expect(Number(last.fills)).toBe(inline.fills);
    // Impact grows with kappa for the same seed and market path.
    const first = Object.fromEntries(cols.map((c, i) => [c, rows[1]!.split(',')[i]]));
    expect(Number(last.total_impact_cost)).toBeGreaterThan(Number(first.total_impact_cost));
  });

  it('refuses an invalid swept value before running anything', async () => {
    const r = await exec(process.execPath, [bin, 'sweep', '--ticks', '10', '--set', 'crowding.phiNormalization=mean', '--out', path.join(dir, 'x.csv')]).catch((e) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config.crowding.phiNormalization: must be one of');
  });
});
