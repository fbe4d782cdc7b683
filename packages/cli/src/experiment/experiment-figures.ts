/**
 * The standard figures of an experiment as Vega-Lite specs, built from its stored runs and the
 * per-seed aggregates: the swept parameter (the spec's first axis) on x, a second axis (if any)
 * as colour, the mean over seeds as line + points and its 95 % interval as error bars.
 *
 *   impact_vs_param       impact cost per unit traded
 *   phi_vs_param          time-averaged mean Phi
 *   half_life_vs_param    alpha half-life (mean of runs with a fit, with its interval)
 *   lfi_vs_param          time-averaged and maximum LFI
 *   crash_prone_vs_param  share of ticks in CRASH_PRONE
 *   price_paths           every run's sampled mid path, coloured by the swept value
 *   stylized_facts        share of runs passing each stylized fact, per swept value
 */
import type { ExperimentRunRow } from '@crowdalpha/server';
import { FACT_COLUMNS } from '../sweep/sweep-run.js';
import type { PointSummary } from './experiment-summary.js';

export interface Figure {
  name: string;
  title: string;
  /** A Vega-Lite (v6) spec with its data inlined. */
  spec: Record<string, unknown>;
}

type Row = Record<string, string | number | boolean | null>;

const WIDTH = 420;
const HEIGHT = 260;

/** Swept values as labels in their natural order (numbers numerically: 0, 6, 12, not 0, 12, 6). */
function labelOrder(values: Iterable<unknown>): string[] {
  const vs = [...new Set(values)];
  const numeric = vs.every((v) => typeof v === 'number');
  return (numeric ? (vs as number[]).sort((a, b) => a - b) : vs).map(String);
}

interface IntervalOptions {
  /** The figure cannot be negative (a cost, a share, a half-life): the t interval is cut at 0. */
  nonNegative?: boolean;
  /** y on a symmetric-log scale: for figures whose runs span orders of magnitude (half-lives). */
  symlog?: boolean;
}

function meanWithInterval(points: PointSummary[], axes: string[], figures: { column: string; label: string }[], yTitle: string, title: string, opts: IntervalOptions = {}): Record<string, unknown> {
  const [x, colour] = axes;
  const data: Row[] = [];
  for (const p of points) {
    for (const f of figures) {
      const s = p.figures[f.column];
      if (!s || s.mean === null) continue;
      const lo = s.ci_lo ?? s.mean;
      data.push({ x: p.params[x!] ?? null, series: colour !== undefined ? `${String(p.params[colour])}${figures.length > 1 ? ` (${f.label})` : ''}` : f.label, mean: s.mean, lo: opts.nonNegative ? Math.max(0, lo) : lo, hi: s.ci_hi ?? s.mean, n: s.n });
    }
  }
  const xEnc = { field: 'x', type: typeof data[0]?.x === 'number' ? 'quantitative' : 'nominal', title: x };
  const seriesOrder = colour !== undefined ? labelOrder(points.map((p) => p.params[colour])) : [];
  const series = [...new Set(data.map((d) => String(d.series)))].sort((a, b) => {
    const ia = seriesOrder.findIndex((o) => a === o || a.startsWith(`${o} (`));
    const ib = seriesOrder.findIndex((o) => b === o || b.startsWith(`${o} (`));
    return ia - ib || a.localeCompare(b);
  });
  const colourEnc = { field: 'series', type: 'nominal', title: colour ?? 'figure', legend: { labelLimit: 240 }, scale: { domain: series } };
  // Symlog ticks at powers of ten (Vega's default ticks crowd at the top of a symlog axis).
  const top = Math.max(1, ...data.map((d) => Number(d.hi)));
  const decades = Array.from({ length: Math.ceil(Math.log10(top)) + 1 }, (_, k) => 10 ** k);
  const yScale = opts.symlog ? { scale: { type: 'symlog' }, axis: { values: [0, ...decades] } } : {};
  const subtitle = `mean over seeds with 95% t interval${opts.nonNegative ? ' (cut at 0)' : ''}${opts.symlog ? '; symmetric-log scale' : ''}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values: data },
    layer: [
      { mark: { type: 'errorbar', ticks: true }, encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', title: yTitle, ...yScale }, y2: { field: 'hi' }, color: colourEnc } },
      { mark: { type: 'line', point: true }, encoding: { x: xEnc, y: { field: 'mean', type: 'quantitative', title: yTitle, ...yScale }, color: colourEnc, tooltip: [{ field: 'x' }, { field: 'mean' }, { field: 'lo' }, { field: 'hi' }, { field: 'n' }] } },
    ],
  };
}

function pricePaths(runs: readonly ExperimentRunRow[], axes: string[]): Record<string, unknown> {
  const [x] = axes;
  const data: Row[] = [];
  for (const r of runs) {
    const params = JSON.parse(r.params) as Row;
    for (const [tick, mid] of JSON.parse(r.path) as [number, number][]) data.push({ run: r.run_index, seed: r.seed, value: String(params[x!]), tick, mid });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Price paths by seed', subtitle: `every run, coloured by ${x}` },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values: data },
    mark: { type: 'line', strokeWidth: 1, opacity: 0.6 },
    encoding: {
      x: { field: 'tick', type: 'quantitative', title: 'tick' },
      y: { field: 'mid', type: 'quantitative', title: 'mid price', scale: { zero: false } },
      color: { field: 'value', type: 'nominal', title: x, scale: { domain: labelOrder(runs.map((r) => (JSON.parse(r.params) as Row)[x!])) } },
      detail: { field: 'run', type: 'nominal' },
    },
  };
}

/** Every stylized-fact column of a run record. */
const FACTS = FACT_COLUMNS;

function stylizedFacts(points: PointSummary[], axes: string[]): Record<string, unknown> {
  const [x] = axes;
  // Pool the grid points that share the first axis value (other axes averaged, weighted by n).
  const acc = new Map<string, { x: unknown; fact: string; pass: number; n: number }>();
  for (const p of points) {
    for (const f of FACTS) {
      const s = p.figures[f];
      if (!s || s.mean === null) continue;
      const key = `${JSON.stringify(p.params[x!])}|${f}`;
      const a = acc.get(key) ?? { x: p.params[x!], fact: f.replace('fact_', '').replace(/_/g, ' '), pass: 0, n: 0 };
      a.pass += s.mean * s.n;
      a.n += s.n;
      acc.set(key, a);
    }
  }
  const data = [...acc.values()].map((a) => ({ x: String(a.x), fact: a.fact, share: a.n > 0 ? a.pass / a.n : 0, n: a.n }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Stylized facts', subtitle: 'share of runs passing each fact' },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    data: { values: data },
    mark: 'bar',
    encoding: {
      x: { field: 'fact', type: 'nominal', title: null, axis: { labelAngle: -20, labelLimit: 220 } },
      xOffset: { field: 'x', type: 'nominal', sort: labelOrder(points.map((p) => p.params[x!])) },
      y: { field: 'share', type: 'quantitative', title: 'share passing', scale: { domain: [0, 1] } },
      color: { field: 'x', type: 'nominal', title: x, scale: { domain: labelOrder(points.map((p) => p.params[x!])) } },
      tooltip: [{ field: 'fact' }, { field: 'x', title: x }, { field: 'share' }, { field: 'n' }],
    },
  };
}

/** The figures `names` (see FIGURES) for one experiment. */
export function experimentFigures(names: readonly string[], axes: string[], points: PointSummary[], runs: readonly ExperimentRunRow[]): Figure[] {
  const x = axes[0] ?? 'parameter';
  const all: Record<string, () => Figure> = {
    impact_vs_param: () => ({ name: 'impact_vs_param', title: `Impact cost per unit vs ${x}`, spec: meanWithInterval(points, axes, [{ column: 'impact_cost_per_unit', label: 'impact per unit' }], 'impact cost per unit traded', `Impact cost per unit vs ${x}`, { nonNegative: true }) }),
    phi_vs_param: () => ({ name: 'phi_vs_param', title: `Mean Phi vs ${x}`, spec: meanWithInterval(points, axes, [{ column: 'mean_phi', label: 'mean Phi' }], 'mean Phi (time average)', `Mean Phi vs ${x}`) }),
    half_life_vs_param: () => ({ name: 'half_life_vs_param', title: `Alpha half-life vs ${x}`, spec: meanWithInterval(points, axes, [{ column: 'half_life', label: 'half-life' }], 'alpha half-life (exposure units)', `Alpha half-life vs ${x}`, { nonNegative: true, symlog: true }) }),
    lfi_vs_param: () => ({ name: 'lfi_vs_param', title: `LFI vs ${x}`, spec: meanWithInterval(points, axes, [{ column: 'mean_lfi', label: 'mean' }, { column: 'max_lfi', label: 'max' }], 'LFI', `Liquidity fragility vs ${x}`, { nonNegative: true }) }),
    crash_prone_vs_param: () => ({ name: 'crash_prone_vs_param', title: `Time in CRASH_PRONE vs ${x}`, spec: meanWithInterval(points, axes, [{ column: 'crash_prone_share', label: 'CRASH_PRONE' }], 'share of ticks in CRASH_PRONE', `Time in CRASH_PRONE vs ${x}`, { nonNegative: true }) }),
    price_paths: () => ({ name: 'price_paths', title: 'Price paths by seed', spec: pricePaths(runs, axes) }),
    stylized_facts: () => ({ name: 'stylized_facts', title: 'Stylized facts', spec: stylizedFacts(points, axes) }),
  };
  return names.filter((n) => n in all).map((n) => all[n]!());
}
