/**
 * An experiment spec (JSON or YAML): a named grid of config overrides × seeds, optionally with
 * random draws of some keys from ranges, run for `ticks` ticks each. `parseSpec` checks all of it
 * before anything runs — unknown keys, empty or non-scalar grids, non-numeric ranges, a grid past
 * the cap, and every resulting engine config — and says what would be right.
 *
 * The smallest spec:
 *   { "name": "kappa-check", "base": {}, "grid": { "crowding.kappa": [0, 18] }, "seeds": [1, 2], "ticks": 800 }
 */
import { readFileSync } from 'node:fs';
import { ConfigError, resolveConfig, Rng } from '@crowdalpha/engine';
import { parse as parseYaml } from 'yaml';
import { buildJobs, parseSeeds, toOverrides, type SweepAxis, type SweepJob } from '../sweep/sweep-grid.js';
import { runOverrides } from '../sweep/sweep-run.js';

type Scalar = number | string | boolean;

/** A key drawn uniformly from [min, max] (whole numbers when `integer`). */
export interface RandomRange {
  min: number;
  max: number;
  integer: boolean;
}

export interface RandomDraws {
  /** Points drawn (each combined with every grid point). */
  draws: number;
  /** Seed of the draws, so the same spec draws the same points. */
  seed: number;
  ranges: Record<string, RandomRange>;
}

export interface ExperimentSpec {
  name: string;
  description: string;
  base: Record<string, unknown>;
  grid: Record<string, Scalar[]>;
  random: RandomDraws | null;
  seeds: number[];
  ticks: number;
  /** Standard figures to draw (see FIGURES); all by default. */
  figures: string[];
  /** Refuse specs with more runs than this. */
  max_runs: number;
}

/** The standard figures `experiment plot` and the Research page draw. */
export const FIGURES = ['impact_vs_param', 'phi_vs_param', 'half_life_vs_param', 'lfi_vs_param', 'crash_prone_vs_param', 'price_paths', 'stylized_facts'] as const;

/** Default cap on points × seeds; a spec may lower or raise it with `max_runs`. */
export const DEFAULT_MAX_RUNS = 10_000;

const TOP_KEYS = ['name', 'description', 'base', 'grid', 'random', 'seeds', 'ticks', 'figures', 'max_runs'] as const;
const RANDOM_KEYS = ['draws', 'seed', 'ranges'];
const RANGE_KEYS = ['min', 'max', 'integer'];
const PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

export class SpecError extends Error {
  readonly code = 'CA_ERR_EXPERIMENT_SPEC';
  constructor(where: string, message: string) {
    super(`spec ${where}: ${message}`);
    this.name = 'SpecError';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new SpecError(where === '' ? k : `${where}.${k}`, `unknown key; valid keys are ${allowed.join(', ')}`);
  }
}

function wholeNumber(v: unknown, where: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new SpecError(where, `must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads a spec file: YAML (which includes JSON) by content, whatever the extension. */
export function readSpecFile(file: string, maxRunsOverride?: number): ExperimentSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecError('file', `cannot read "${file}": ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SpecError('file', `"${file}" is neither valid YAML nor JSON: ${(err as Error).message}`);
  }
  return parseSpec(raw, maxRunsOverride);
}

/** Checks a spec object; returns it with defaults filled in. */
export function parseSpec(raw: unknown, maxRunsOverride?: number): ExperimentSpec {
  if (!isRecord(raw)) throw new SpecError('(root)', `must be an object with ${TOP_KEYS.join(', ')}`);
  unknownKeys(raw, TOP_KEYS, '');
  const name = raw['name'];
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_. -]{0,79}$/.test(name)) {
    throw new SpecError('name', `must be 1-80 letters, digits, space, _ . or - (starting with a letter or digit), got ${JSON.stringify(name)}`);
  }
  const description = raw['description'] ?? '';
  if (typeof description !== 'string') throw new SpecError('description', `must be text, got ${JSON.stringify(description)}`);
  const base = raw['base'] ?? {};
  if (!isRecord(base)) throw new SpecError('base', `must be an object of config overrides, got ${JSON.stringify(base)}`);
  try {
    resolveConfig(base);
  } catch (err) {
    if (err instanceof ConfigError) throw new SpecError('base', err.message);
    throw err;
  }

  const gridRaw = raw['grid'] ?? {};
  if (!isRecord(gridRaw)) throw new SpecError('grid', `must map dotted config keys to lists of values, e.g. { "crowding.kappa": [0, 18] }`);
  const grid: Record<string, Scalar[]> = {};
  for (const [path, values] of Object.entries(gridRaw)) {
    if (!PATH.test(path)) throw new SpecError(`grid.${path}`, 'must be a dotted config key like crowding.kappa');
    if (!Array.isArray(values) || values.length === 0) throw new SpecError(`grid.${path}`, `must be a non-empty list of values, got ${JSON.stringify(values)}`);
    for (const v of values) {
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') throw new SpecError(`grid.${path}`, `values must be numbers, text or true/false, got ${JSON.stringify(v)}`);
    }
    if (new Set(values).size !== values.length) throw new SpecError(`grid.${path}`, `lists a value twice: ${JSON.stringify(values)}`);
    grid[path] = values as Scalar[];
  }

  let random: RandomDraws | null = null;
  if (raw['random'] !== undefined) {
    const r = raw['random'];
    if (!isRecord(r)) throw new SpecError('random', 'must be { draws, seed, ranges: { "key": { min, max, integer? } } }');
    unknownKeys(r, RANDOM_KEYS, 'random');
    const draws = wholeNumber(r['draws'], 'random.draws', 1);
    const seed = wholeNumber(r['seed'] ?? 1, 'random.seed', 0);
    const rangesRaw = r['ranges'];
    if (!isRecord(rangesRaw) || Object.keys(rangesRaw).length === 0) throw new SpecError('random.ranges', 'must name at least one key with { min, max }');
    const ranges: Record<string, RandomRange> = {};
    for (const [path, rg] of Object.entries(rangesRaw)) {
      const at = `random.ranges.${path}`;
      if (!PATH.test(path)) throw new SpecError(at, 'must be a dotted config key like crowding.kappa');
      if (path in grid) throw new SpecError(at, 'is also in grid; a key is either swept or drawn');
      if (!isRecord(rg)) throw new SpecError(at, `must be { min, max }, got ${JSON.stringify(rg)}`);
      unknownKeys(rg, RANGE_KEYS, at);
      const min = rg['min'];
      const max = rg['max'];
      if (typeof min !== 'number' || !Number.isFinite(min)) throw new SpecError(`${at}.min`, `must be a number, got ${JSON.stringify(min)}`);
      if (typeof max !== 'number' || !Number.isFinite(max)) throw new SpecError(`${at}.max`, `must be a number, got ${JSON.stringify(max)}`);
      if (!(max > min)) throw new SpecError(at, `max (${max}) must be greater than min (${min})`);
      const integer = rg['integer'] ?? false;
      if (typeof integer !== 'boolean') throw new SpecError(`${at}.integer`, `must be true or false, got ${JSON.stringify(integer)}`);
      if (integer && (!Number.isInteger(min) || !Number.isInteger(max))) throw new SpecError(at, 'integer ranges need whole-number min and max');
      ranges[path] = { min, max, integer };
    }
    random = { draws, seed, ranges };
  }
  if (Object.keys(grid).length === 0 && random === null) {
    throw new SpecError('grid', 'is empty: sweep at least one key (e.g. grid: { "crowding.kappa": [0, 18] }) or draw one under random.ranges');
  }

  const seedsRaw = raw['seeds'];
  let seeds: number[];
  if (typeof seedsRaw === 'string') {
    try {
      seeds = parseSeeds(seedsRaw);
    } catch (err) {
      throw new SpecError('seeds', (err as Error).message.replace('--seeds', 'seeds'));
    }
  } else if (Array.isArray(seedsRaw) && seedsRaw.length > 0) {
    seeds = seedsRaw.map((s, i) => wholeNumber(s, `seeds[${i}]`, 0));
    if (new Set(seeds).size !== seeds.length) throw new SpecError('seeds', `lists a seed twice: ${JSON.stringify(seeds)}`);
  } else {
    throw new SpecError('seeds', `must be a non-empty list of whole numbers or a range "lo..hi", got ${JSON.stringify(seedsRaw)}`);
  }
  const ticks = wholeNumber(raw['ticks'], 'ticks', 1);
  const figuresRaw = raw['figures'] ?? [...FIGURES];
  if (!Array.isArray(figuresRaw)) throw new SpecError('figures', `must be a list of ${FIGURES.join(', ')}`);
  for (const f of figuresRaw) {
    if (!(FIGURES as readonly unknown[]).includes(f)) throw new SpecError('figures', `unknown figure ${JSON.stringify(f)}; known: ${FIGURES.join(', ')}`);
  }
  const max_runs = maxRunsOverride ?? (raw['max_runs'] === undefined ? DEFAULT_MAX_RUNS : wholeNumber(raw['max_runs'], 'max_runs', 1));
  const spec: ExperimentSpec = { name, description, base, grid, random, seeds, ticks, figures: figuresRaw as string[], max_runs };

  const points = Object.values(grid).reduce((n, v) => n * v.length, 1) * (random?.draws ?? 1);
  const runs = points * seeds.length;
  if (runs > max_runs) {
    throw new SpecError('grid', `has ${points} points × ${seeds.length} seeds = ${runs} runs, more than the cap of ${max_runs}; shrink the grid or raise max_runs`);
  }
  // Every run's config must resolve: a typo or a bad value fails here, not an hour in.
  for (const job of expandSpec(spec)) {
    try {
      resolveConfig(runOverrides(base, toOverrides(job.params), job.seed));
    } catch (err) {
      if (err instanceof ConfigError) throw new SpecError(`run ${job.index} ${JSON.stringify(job.params)}`, err.message);
      throw err;
    }
  }
  return spec;
}

/** The swept and drawn keys, in column order. */
export function specAxes(spec: ExperimentSpec): string[] {
  return [...Object.keys(spec.grid), ...Object.keys(spec.random?.ranges ?? {})];
}

/** Every run of the spec in a fixed order: grid points (first key slowest), then draws, then seeds. */
export function expandSpec(spec: ExperimentSpec): SweepJob[] {
  const axes: SweepAxis[] = Object.entries(spec.grid).map(([path, values]) => ({ path, values }));
  if (spec.random === null) return buildJobs(axes, spec.seeds);
  const rng = new Rng(spec.random.seed);
  const draws: Record<string, Scalar>[] = [];
  for (let d = 0; d < spec.random.draws; d++) {
    const point: Record<string, Scalar> = {};
    for (const [path, r] of Object.entries(spec.random.ranges)) point[path] = r.integer ? r.min + Math.floor(rng.next() * (r.max - r.min + 1)) : rng.uniform(r.min, r.max);
    draws.push(point);
  }
  const gridJobs = buildJobs(axes, [0]);
  const jobs: SweepJob[] = [];
  for (const g of gridJobs) for (const d of draws) for (const seed of spec.seeds) jobs.push({ index: jobs.length, seed, params: { ...g.params, ...d } });
  return jobs;
}
