/**
 * `crowdalpha experiment`: a spec is checked whole before anything runs; runs land in the store
 * (a temp SQLite file here), list/summary/export read them back, Parquet reads back with
 * hyparquet, the same spec run twice gives the same figures row for row, and
 * `run --from-experiment` reproduces a stored run bit for bit.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { expandSpec, parseSpec } from '../src/experiment/experiment-spec.js';
import { cli, csvCells } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'crowdalpha-experiment-'));
const db = ['--database-url', `sqlite:${path.join(dir, 'store.db')}`];

describe('experiment spec', () => {
  const ok = { name: 'kappa-check', base: {}, grid: { 'crowding.kappa': [0, 18] }, seeds: [1, 2], ticks: 800 };

  it('accepts the smallest spec and expands grid × seeds in order', () => {
    const spec = parseSpec(ok);
    expect(expandSpec(spec).map((j) => [j.params['crowding.kappa'], j.seed])).toEqual([
      [0, 1],
      [0, 2],
      [18, 1],
      [18, 2],
    ]);
  });

  it('refuses unknown keys, an empty grid, non-numeric ranges, a grid past the cap and bad config values', () => {
    expect(() => parseSpec({ ...ok, tiks: 5 })).toThrow(/spec tiks: unknown key; valid keys are name, description/);
    expect(() => parseSpec({ ...ok, grid: {} })).toThrow(/spec grid: is empty/);
    expect(() => parseSpec({ ...ok, grid: { 'crowding.kappa': [] } })).toThrow(/must be a non-empty list/);
    expect(() => parseSpec({ ...ok, random: { draws: 2, ranges: { eta: { min: 'low', max: 1 } } } })).toThrow(/random.ranges.eta.min: must be a number, got "low"/);
    expect(() => parseSpec({ ...ok, random: { draws: 2, ranges: { eta: { min: 2, max: 1 } } } })).toThrow(/max \(1\) must be greater than min \(2\)/);
    expect(() => parseSpec({ ...ok, max_runs: 3 })).toThrow(/2 points × 2 seeds = 4 runs, more than the cap of 3/);
    expect(() => parseSpec({ ...ok, grid: { 'crowding.kapa': [1] } })).toThrow(/config.crowding.kapa: unknown key/);
    expect(() => parseSpec({ ...ok, grid: { 'crowding.phiNormalization': ['mean'] } })).toThrow(/must be one of/);
  });

  it('draws random points reproducibly inside their ranges', () => {
    const spec = parseSpec({ ...ok, grid: {}, random: { draws: 5, seed: 3, ranges: { eta: { min: 0.005, max: 0.02 }, 'population.momentum': { min: 1, max: 4, integer: true } } } });
    const a = expandSpec(spec);
    expect(a).toHaveLength(10);
    expect(expandSpec(spec)).toEqual(a);
    for (const j of a) {
      expect(j.params['eta']).toBeGreaterThanOrEqual(0.005);
      expect(j.params['eta']).toBeLessThan(0.02);
      expect([1, 2, 3, 4]).toContain(j.params['population.momentum']);
    }
  });
});

function table(file: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = header!.split(',');
  return rows.map((r) => {
    const rec = Object.fromEntries(csvCells(r).map((v, i) => [cols[i]!, v]));
    for (const c of ['experiment_id', 'wall_ms', 'worker']) delete rec[c];
    return rec;
  });
}

describe('crowdalpha experiment', () => {
  const spec = path.join(dir, 'spec.yaml');
  writeFileSync(spec, ['name: kappa-check', 'description: two kappas', 'grid:', '  crowding.kappa: [0, 18]', 'seeds: [1, 2]', 'ticks: 150', ''].join('\n'));

  it('stops on a bad spec before running anything', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'x', grid: { 'crowding.kappa': [0, 18] }, seeds: [1, 2], ticks: 10, max_runs: 3 }));
    const r = await cli('experiment', 'run', bad, ...db);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('more than the cap of 3');
    const list = await cli('experiment', 'list', '--json', ...db);
    expect(JSON.parse(list.stdout)).toEqual([]);
  }, 120_000);

  it('runs into the store; list, summary and export read it back; twice gives the same rows; a run reproduces', async () => {
    const first = await cli('experiment', 'run', spec, '--workers', '2', ...db);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('grid 2 points × 2 seeds');
    expect(first.stderr).toMatch(/4\/4 runs, 0 failures, grid 2 points × 2 seeds, eta/);
    const second = await cli('experiment', 'run', spec, '--workers', '1', '--no-progress', ...db);
    expect(second.code, second.stderr).toBe(0);

    const list = JSON.parse((await cli('experiment', 'list', '--json', ...db)).stdout) as { id: string; status: string; done: number; total: number }[];
    expect(list).toHaveLength(2);
    for (const e of list) expect(e).toMatchObject({ status: 'done', done: 4, total: 4 });
    const [b, a] = list.map((e) => e.id);

    for (const id of [a!, b!]) expect((await cli('experiment', 'export', id, '--format', 'csv', '--out', path.join(dir, `${id}.csv`), ...db)).code).toBe(0);
    const rowsA = table(path.join(dir, `${a}.csv`));
    expect(rowsA).toHaveLength(4);
    expect(rowsA.map((r) => [r['crowding.kappa'], r['seed']])).toEqual([['0', '1'], ['0', '2'], ['18', '1'], ['18', '2']]);
    expect(table(path.join(dir, `${b}.csv`))).toEqual(rowsA);
    // Each row records its exact config overrides (base + swept values + seed) and the version.
    expect(JSON.parse(rowsA[3]!['overrides']!)).toEqual({ crowding: { kappa: 18 }, seed: 2 });
    expect(rowsA[3]!['project_version']).toMatch(/^\d+\.\d+\.\d+/);
    // Time averages are averages over the run, not the final tick.
    expect(rowsA[0]!['mean_phi']).not.toBe(rowsA[0]!['final_mean_phi']);

    const pq = path.join(dir, 'runs.parquet');
    expect((await cli('experiment', 'export', a!, '--format', 'parquet', '--out', pq, ...db)).code).toBe(0);
    const buf = readFileSync(pq);
    const objs = await parquetReadObjects({ file: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) });
    expect(objs).toHaveLength(4);
    expect(objs.map((o) => Number(o['seed']))).toEqual([1, 2, 1, 2]);
    expect(objs.map((o) => String(o['fills']))).toEqual(rowsA.map((r) => r['fills']));
    expect(objs.map((o) => o['mean_phi'])).toEqual(rowsA.map((r) => Number(r['mean_phi'])));

    const jl = path.join(dir, 'agents.jsonl');
    expect((await cli('experiment', 'export', a!, '--format', 'jsonl', '--table', 'agents', '--out', jl, ...db)).code).toBe(0);
    const agents = readFileSync(jl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(agents.map((x) => x['run_index']))).toEqual(new Set([0, 1, 2, 3]));
    expect(agents[0]).toHaveProperty('impact_cost_per_unit');

    const summary = JSON.parse((await cli('experiment', 'summary', a!, '--json', ...db)).stdout) as { points: { params: Record<string, number>; seeds: number; figures: Record<string, { n: number; mean: number; ci_lo: number; ci_hi: number }> }[] };
    expect(summary.points.map((p) => [p.params['crowding.kappa'], p.seeds])).toEqual([[0, 2], [18, 2]]);
    const fills = summary.points[0]!.figures['fills']!;
    expect(fills.n).toBe(2);
    expect(fills.mean).toBeCloseTo((Number(rowsA[0]!['fills']) + Number(rowsA[1]!['fills'])) / 2, 9);
    expect(fills.ci_lo).toBeLessThanOrEqual(fills.mean);
    expect(fills.ci_hi).toBeGreaterThanOrEqual(fills.mean);

    const figs = path.join(dir, 'figs');
    const plot = await cli('experiment', 'plot', a!, '--out', figs, '--figures', 'impact_vs_param,price_paths', ...db);
    expect(plot.code, plot.stderr).toBe(0);
    const svg = readFileSync(path.join(figs, 'impact_vs_param.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Impact cost per unit vs crowding.kappa');
    expect(readFileSync(path.join(figs, 'price_paths.png')).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const vl = JSON.parse(readFileSync(path.join(figs, 'impact_vs_param.vl.json'), 'utf8')) as { data: { values: { x: number; mean: number }[] } };
    expect(vl.data.values.map((v) => v.x)).toEqual([0, 18]);
    expect(vl.data.values[1]!.mean).toBeCloseTo(summary.points[1]!.figures['impact_cost_per_unit']!.mean, 12);
    const badFig = await cli('experiment', 'plot', a!, '--out', figs, '--figures', 'pie', ...db);
    expect(badFig.code).toBe(2);
    expect(badFig.stderr).toContain('--figures: unknown pie');

    const rep = await cli('run', '--from-experiment', a!, '--run', '3', '--json', '--no-progress', ...db);
    expect(rep.code, rep.stderr).toBe(0);
    const out = JSON.parse(rep.stdout) as { reproduced: boolean; seed: number; fills: number; ticks: number };
    expect(out).toMatchObject({ reproduced: true, seed: 2, ticks: 150, fills: Number(rowsA[3]!['fills']) });
    const missing = await cli('run', '--from-experiment', a!, '--run', '9', ...db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('has no stored run 9');
  }, 400_000);
});
