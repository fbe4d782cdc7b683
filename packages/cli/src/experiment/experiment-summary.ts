/**
 * Per-seed aggregation: the runs of each grid point (same swept values, different seeds) reduced
 * to n, mean, standard deviation (n-1) and a 95 % Student-t interval of the mean for every numeric
 * figure, plus the share of runs passing each stylized fact.
 */
import type { Cell, Table } from './experiment-table.js';
import { tQuantile975 } from '@crowdalpha/engine';

export interface FigureStats {
  n: number;
  mean: number | null;
  sd: number | null;
  ci_lo: number | null;
  ci_hi: number | null;
}

export interface PointSummary {
  params: Record<string, Cell>;
  seeds: number;
  figures: Record<string, FigureStats>;
}

/** The t quantile of the 95 % intervals (shared with `crowdalpha evaluate`). */
export { tQuantile975 };

export function describe(values: readonly number[]): FigureStats {
  const n = values.length;
  if (n === 0) return { n, mean: null, sd: null, ci_lo: null, ci_hi: null };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: null, ci_lo: null, ci_hi: null };
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, ci_lo: mean - half, ci_hi: mean + half };
}

/** `runs` table → one summary per grid point, in grid order. */
export function summarise(table: Table, axes: readonly string[]): PointSummary[] {
  const skip = new Set(['experiment_id', 'run_index', 'seed', 'wall_ms', 'worker', 'project_version', ...axes]);
  const figureCols = table.columns.map((c, i) => [c, i] as const).filter(([c]) => !skip.has(c));
  const groups = new Map<string, Cell[][]>();
  const axisIdx = axes.map((a) => table.columns.indexOf(a));
  for (const row of table.rows) {
    const key = JSON.stringify(axisIdx.map((i) => row[i]));
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups].map(([key, rows]) => {
    const vals = JSON.parse(key) as Cell[];
    const figures: Record<string, FigureStats> = {};
    for (const [c, i] of figureCols) {
      const cells = rows.map((r) => r[i]);
      if (cells.every((v) => v === null || typeof v === 'boolean') && cells.some((v) => typeof v === 'boolean')) {
        figures[c] = describe(cells.filter((v): v is boolean => typeof v === 'boolean').map((b) => (b ? 1 : 0)));
      } else if (cells.some((v) => typeof v === 'number')) {
        figures[c] = describe(cells.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
      }
    }
    return { params: Object.fromEntries(axes.map((a, j) => [a, vals[j] ?? null])), seeds: rows.length, figures };
  });
}
