/**
 * The grid of a parameter sweep: `--set crowding.kappa=0,6,18 --set eta=0.005,0.01` × seeds, as
 * the cartesian product of config overrides. Values are parsed as JSON scalars so numbers,
 * booleans and strings ("weighted_mean") all work; the engine validates each resulting config.
 */
import { InvalidArgumentError } from 'commander';

export interface SweepAxis {
  path: string;
  values: (number | string | boolean)[];
}

export interface SweepJob {
  index: number;
  seed: number;
  /** The swept values, by dotted path. */
  params: Record<string, number | string | boolean>;
}

export function parseAxis(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) {
    throw new InvalidArgumentError(`--set takes path=value[,value...], e.g. crowding.kappa=0,6,18; got "${spec}"`);
  }
  const path = spec.slice(0, eq).trim();
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(path)) {
    throw new InvalidArgumentError(`--set path "${path}" must be dotted config keys like crowding.kappa`);
  }
  const values = spec
    .slice(eq + 1)
    .split(',')
    .map((raw) => {
      const t = raw.trim();
      if (t === '') throw new InvalidArgumentError(`--set ${path} has an empty value in "${spec}"`);
      try {
        const v = JSON.parse(t) as unknown;
        if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
      } catch {
        // a bare word such as weighted_mean
      }
      return t;
    });
  return { path, values };
}

/** Seeds from "1..5" (inclusive) or "1,4,9". */
export function parseSeeds(spec: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(spec.trim());
  let seeds: number[];
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b < a || b - a > 100_000) throw new InvalidArgumentError(`--seeds range "${spec}" must be lo..hi with lo <= hi`);
    seeds = Array.from({ length: b - a + 1 }, (_, i) => a + i);
  } else {
    seeds = spec.split(',').map((s) => Number(s.trim()));
  }
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s) || s < 0)) {
    throw new InvalidArgumentError(`--seeds must be non-negative integers like 1..5 or 1,2,7; got "${spec}"`);
  }
  return seeds;
}

export function buildJobs(axes: readonly SweepAxis[], seeds: readonly number[]): SweepJob[] {
  let combos: Record<string, number | string | boolean>[] = [{}];
  for (const axis of axes) {
    const next: typeof combos = [];
    for (const c of combos) for (const v of axis.values) next.push({ ...c, [axis.path]: v });
    combos = next;
  }
  const jobs: SweepJob[] = [];
  for (const params of combos) for (const seed of seeds) jobs.push({ index: jobs.length, seed, params });
  return jobs;
}

/** Dotted overrides as a nested partial config. */
export function toOverrides(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(params)) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    node[keys[keys.length - 1] as string] = value;
  }
  return out;
}
