/**
 * Stored runs as tables (column names + rows), the one shape every export and the summary read:
 * `runs` (one row per run: ids, swept values, figures), `agents` (one row per agent per run) and
 * `strategies` (one row per strategy type per run). Column order is fixed by the spec and the
 * first run, so the same experiment always exports the same table.
 */
import type { ExperimentRunRow } from '@crowdalpha/server';
import type { ExperimentSpec } from './experiment-spec.js';
import { specAxes } from './experiment-spec.js';

export type Cell = number | string | boolean | null;

export interface Table {
  columns: string[];
  rows: Cell[][];
}

export const TABLES = ['runs', 'agents', 'strategies'] as const;
export type TableName = (typeof TABLES)[number];

/** Columns that are bookkeeping, not figures: excluded when comparing two runs of one spec. */
export const NON_FIGURE_COLUMNS = ['experiment_id', 'wall_ms', 'worker', 'finished_at'];

function unionKeys(objs: Record<string, unknown>[], skip: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  for (const o of objs) for (const k of Object.keys(o)) if (!skip.has(k)) seen.add(k);
  return [...seen];
}

const cell = (v: unknown): Cell => (v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : (v as Cell));

export function experimentTable(spec: ExperimentSpec, runs: readonly ExperimentRunRow[], which: TableName): Table {
  const axes = specAxes(spec);
  const lead = ['experiment_id', 'run_index', 'seed', ...axes];
  const leadCells = (r: ExperimentRunRow): Cell[] => {
    const params = JSON.parse(r.params) as Record<string, Cell>;
    return [r.experiment_id, r.run_index, r.seed, ...axes.map((a) => params[a] ?? null)];
  };
  if (which === 'runs') {
    const figures = runs.map((r) => JSON.parse(r.row) as Record<string, unknown>);
    const cols = unionKeys(figures, new Set(['seed', ...axes]));
    return {
      // `overrides`: the run's exact config overrides (the spec's base + swept values + seed), JSON.
      columns: [...lead, ...cols, 'wall_ms', 'worker', 'project_version', 'overrides'],
      rows: runs.map((r, i) => [...leadCells(r), ...cols.map((c) => cell(figures[i]![c])), r.wall_ms, r.worker, r.project_version, r.overrides]),
    };
  }
  const field = which === 'agents' ? 'agents' : 'strategies';
  const items = runs.map((r) => JSON.parse(r[field]) as Record<string, unknown>[]);
  const cols = unionKeys(items.flat(), new Set());
  const rows: Cell[][] = [];
  runs.forEach((r, i) => {
    for (const it of items[i]!) rows.push([...leadCells(r), ...cols.map((c) => cell(it[c]))]);
  });
  return { columns: [...lead, ...cols], rows };
}
