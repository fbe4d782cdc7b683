/**
 * Numeric series in a JSON document (a run's stored history, an experiment's result, a learning
 * curve) found by shape — arrays of numbers, or arrays of rows with numeric fields — for generic
 * charts and downloads. This reads documents whose columns are data, not the wire contract.
 */
type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : NaN;
}

/** Numeric series found in a simulation result: arrays of numbers, or arrays of rows with numeric fields. */
export interface SeriesTable {
  name: string;
  columns: string[];
  rows: number[][];
}

export function findSeriesTables(v: unknown, name = 'result', depth = 0, out: SeriesTable[] = []): SeriesTable[] {
  if (depth > 4 || out.length > 20) return out;
  if (Array.isArray(v) && v.length > 1) {
    if (v.every((x) => typeof x === 'number')) {
      out.push({ name, columns: ['index', name], rows: (v as number[]).map((y, i) => [i, y]) });
      return out;
    }
    const first = v.find(isObj);
    if (first) {
      const cols = Object.keys(first).filter((k) => typeof first[k] === 'number');
      if (cols.length >= 2) {
        out.push({ name, columns: cols, rows: v.filter(isObj).map((r) => cols.map((c) => num(r[c]))) });
        return out;
      }
    }
    return out;
  }
  if (isObj(v)) for (const [k, x] of Object.entries(v)) findSeriesTables(x, depth === 0 ? k : `${name}.${k}`, depth + 1, out);
  return out;
}

/**
 * Split a table's y columns into groups of similar magnitude (within 10×) so a price and an index
 * in [0,1] never share one axis. Returns column indices (excluding column 0, the x).
 */
export function magnitudeGroups(table: SeriesTable, maxGroups = 4): number[][] {
  const mags = table.columns.slice(1).map((_, k) => {
    let m = 0;
    for (const r of table.rows) {
      const v = Math.abs(r[k + 1] ?? 0);
      if (Number.isFinite(v) && v > m) m = v;
    }
    return { col: k + 1, mag: m > 0 ? Math.log10(m) : -Infinity };
  });
  mags.sort((a, b) => b.mag - a.mag);
  const groups: { mag: number; cols: number[] }[] = [];
  for (const m of mags) {
    const g = groups.find((x) => Math.abs(x.mag - m.mag) <= 1 || (!Number.isFinite(x.mag) && !Number.isFinite(m.mag)));
    if (g) g.cols.push(m.col);
    else groups.push({ mag: m.mag, cols: [m.col] });
  }
  return groups.slice(0, maxGroups).map((g) => g.cols.sort((a, b) => a - b));
}

/**
 * A learning agent's curve (GET /strategies/{id}/stats → learning_curve: one row per update with
 * numeric figures). Column 0 is the x (tick, else update).
 */
export function learningCurveTable(list: Array<Record<string, unknown>> | null): SeriesTable | null {
  const first = list?.[0];
  if (!list || !first) return null;
  const numeric = Object.keys(first).filter((k) => typeof first[k] === 'number');
  const x = numeric.includes('tick') ? 'tick' : numeric.includes('update') ? 'update' : numeric[0];
  if (x === undefined) return null;
  const cols = [x, ...numeric.filter((k) => k !== x && k !== 'update' && k !== 'tick')];
  if (cols.length < 2) return null;
  return { name: 'learning curve', columns: cols, rows: list.map((r) => cols.map((c) => num(r[c]))) };
}
