/**
 * The Research page's experiments: the stored experiments with status and progress (GET
 * /experiments, polled), and one experiment's standard figures with their spread over seeds
 * (mean and 95 % interval from GET /experiments/{id}), price paths by seed, the stylized-facts
 * panel, the dead-letter list, downloads (runs.csv / runs.parquet from the server) and
 * "re-run this row" (a one-run experiment with that row's values and seed).
 */
import { useMemo, useState } from 'react';
import type { ExperimentDetailWire, ExperimentPointWire, ExperimentSummaryWire } from '@crowdalpha/engine/wire';
import { apiUrl } from '../api/endpoints.js';
import { deleteJson, postJson } from '../api/http.js';
import { Panel } from '../components/Panel.js';
import { SeriesChart } from '../components/SeriesChart.js';
import { usePoll } from '../components/use-poll.js';
import { fmtInt, fmtNum } from '../lib/format.js';
import { OKABE_ITO } from '../lib/palette.js';

const COLORS = [OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.vermillion, OKABE_ITO.yellow];

const asList = (raw: unknown): ExperimentSummaryWire[] | null =>
  raw && typeof raw === 'object' && Array.isArray((raw as { items?: unknown }).items) ? ((raw as { items: ExperimentSummaryWire[] }).items) : null;
const asDetail = (raw: unknown): ExperimentDetailWire | null => (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as ExperimentDetailWire) : null);

/** The figures drawn as mean ± 95 % interval against the first swept key. */
const INTERVAL_FIGURES: { column: string; title: string }[] = [
  { column: 'impact_cost_per_unit', title: 'Impact cost per unit' },
  { column: 'mean_phi', title: 'Mean Phi (time average)' },
  { column: 'half_life', title: 'Alpha half-life' },
  { column: 'mean_lfi', title: 'Mean LFI' },
  { column: 'crash_prone_share', title: 'Time in CRASH_PRONE' },
];
/** The stylized-fact columns the runs carry (`fact_<name>`, true/false), in the runs' own order. */
function factColumns(aggregates: readonly { figures: Record<string, unknown> }[]): string[] {
  const seen = new Set<string>();
  for (const p of aggregates) for (const k of Object.keys(p.figures)) if (k.startsWith('fact_')) seen.add(k);
  return [...seen];
}

function ProgressBar({ done, failed, total }: { done: number; failed: number; total: number }) {
  const pct = total > 0 ? Math.round(((done + failed) / total) * 100) : 0;
  return (
    <span className="progress" title={`${done} done, ${failed} failed of ${total}`}>
      <progress max={total} value={done + failed} aria-label={`${done + failed} of ${total} runs`} /> {fmtInt(done)}/{fmtInt(total)} ({pct}%){failed > 0 ? ` · ${failed} failed` : ''}
    </span>
  );
}

interface Series {
  name: string;
  points: { x: number; mean: number; lo: number; hi: number; n: number }[];
}

/** Mean with error bars per grid point: x = first axis (by position when not numeric), colour = second axis. */
export function intervalSeries(points: readonly ExperimentPointWire[], axes: readonly string[], column: string): { series: Series[]; xLabels: string[] } {
  const [xKey, colourKey] = axes;
  const xValues = [...new Set(points.map((p) => p.params[xKey ?? ''] ?? null))];
  const numeric = xValues.every((v) => typeof v === 'number');
  const xOf = (v: unknown): number => (numeric ? (v as number) : xValues.indexOf(v as never));
  const bySeries = new Map<string, Series>();
  for (const p of points) {
    const s = p.figures[column];
    if (!s || s.mean === null) continue;
    const name = colourKey !== undefined ? `${colourKey}=${String(p.params[colourKey])}` : column;
    const ser = bySeries.get(name) ?? { name, points: [] };
    ser.points.push({ x: xOf(p.params[xKey ?? '']), mean: s.mean, lo: s.ci_lo ?? s.mean, hi: s.ci_hi ?? s.mean, n: s.n });
    bySeries.set(name, ser);
  }
  return { series: [...bySeries.values()], xLabels: numeric ? [] : xValues.map(String) };
}

function IntervalChart({ title, xKey, series, xLabels }: { title: string; xKey: string; series: Series[]; xLabels: string[] }) {
  const W = 420;
  const H = 220;
  const m = { l: 56, r: 12, t: 10, b: 34 };
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return <p className="empty">{title}: no values yet.</p>;
  const xs = all.map((p) => p.x);
  const ys = all.flatMap((p) => [p.lo, p.hi]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const sx = (x: number) => m.l + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const xTicks = xLabels.length ? xLabels.map((l, i) => ({ x: i, l })) : [...new Set(xs)].map((x) => ({ x, l: fmtNum(x, 3) }));
  return (
    <figure className="interval-chart">
      <figcaption>
        {title} <span className="muted">vs {xKey}: mean over seeds, bars = 95% interval</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`${title} vs ${xKey}`}>
        <line x1={m.l} x2={W - m.r} y1={H - m.b} y2={H - m.b} stroke="currentColor" opacity={0.4} />
        <line x1={m.l} x2={m.l} y1={m.t} y2={H - m.b} stroke="currentColor" opacity={0.4} />
        {[y0, (y0 + y1) / 2, y1].map((y) => (
          <text key={y} x={m.l - 4} y={sy(y) + 4} textAnchor="end" fontSize={10} fill="currentColor">
            {fmtNum(y, 3)}
          </text>
        ))}
        {xTicks.map((t) => (
          <text key={t.x} x={sx(t.x)} y={H - m.b + 14} textAnchor="middle" fontSize={10} fill="currentColor">
            {t.l}
          </text>
        ))}
        {series.map((s, i) => {
          const c = COLORS[i % COLORS.length];
          const pts = [...s.points].sort((a, b) => a.x - b.x);
          return (
            <g key={s.name} stroke={c} fill={c}>
              <polyline fill="none" strokeWidth={1.5} points={pts.map((p) => `${sx(p.x)},${sy(p.mean)}`).join(' ')} />
              {pts.map((p) => (
                <g key={p.x}>
                  <line x1={sx(p.x)} x2={sx(p.x)} y1={sy(p.lo)} y2={sy(p.hi)} strokeWidth={1} />
                  <circle cx={sx(p.x)} cy={sy(p.mean)} r={3}>
                    <title>{`${s.name} ${xKey}=${p.x}: ${fmtNum(p.mean, 4)} [${fmtNum(p.lo, 4)}, ${fmtNum(p.hi, 4)}] n=${p.n}`}</title>
                  </circle>
                </g>
              ))}
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <p className="legend">
          {series.map((s, i) => (
            <span key={s.name} style={{ color: COLORS[i % COLORS.length] }}>
              ● {s.name}{' '}
            </span>
          ))}
        </p>
      )}
    </figure>
  );
}

function ExperimentDetail({ id, onSelect }: { id: string; onSelect: (id: string) => void }) {
  const detail = usePoll(`/experiments/${encodeURIComponent(id)}`, 2_000, asDetail);
  const [message, setMessage] = useState<string | null>(null);
  const d = detail.data;
  const xKey = d?.axes[0] ?? '';
  const figures = useMemo(() => (d ? INTERVAL_FIGURES.map((f) => ({ ...f, ...intervalSeries(d.aggregates, d.axes, f.column) })) : []), [d]);
  const paths = useMemo(() => {
    const runs = (d?.runs ?? []).filter((r) => r.path.length > 0).slice(0, 12);
    return { x: Float64Array.from(runs[0]?.path.map((p) => p[0]) ?? []), ys: runs.map((r) => Float64Array.from(r.path.map((p) => p[1]))), runs };
  }, [d]);
  if (!d) return <Panel title={`Experiment ${id}`} error={detail.error}>{detail.loading ? <p className="muted">Loading…</p> : null}</Panel>;
  const cancel = async () => {
    try {
      await deleteJson(`/experiments/${encodeURIComponent(id)}`);
      detail.reload();
    } catch (err) {
      setMessage(`Cancel failed: ${(err as Error).message}`);
    }
  };
  const rerun = async (k: number) => {
    const run = d.runs.find((r) => r.run_index === k);
    if (!run) return;
    const spec = d.spec as { base?: unknown; ticks?: number };
    try {
      const created = (await postJson('/experiments', {
        name: `${d.name} run ${k}`.slice(0, 80),
        description: `re-run of ${d.id} run ${k}`,
        base: spec.base ?? {},
        grid: Object.fromEntries(Object.entries(run.params).map(([key, v]) => [key, [v]])),
        seeds: [run.seed],
        ticks: spec.ticks,
      })) as ExperimentSummaryWire;
      setMessage(`Re-running run ${k} as ${created.id}`);
      onSelect(created.id);
    } catch (err) {
      setMessage(`Re-run failed: ${(err as Error).message}`);
    }
  };
  const figureCols = ['return_pct', 'fills', 'mean_phi', 'impact_cost_per_unit', 'mean_lfi', 'crash_prone_share', 'half_life', 'facts_passed'];
  return (
    <>
      <Panel
        title={`Experiment ${d.name}`}
        error={detail.error ?? message}
        actions={
          <span className="downloads">
            <span className="muted">Download runs</span>
            <a className="button small" href={apiUrl(`/experiments/${encodeURIComponent(id)}/runs.csv`)} download>
              CSV
            </a>
            <a className="button small" href={apiUrl(`/experiments/${encodeURIComponent(id)}/runs.parquet`)} download>
              Parquet
            </a>
            {(d.status === 'running' || d.status === 'queued') && (
              <button type="button" className="small" onClick={() => void cancel()}>
                Cancel
              </button>
            )}
          </span>
        }
      >
        <div className="kv-grid" data-testid="experiment-detail">
          <div><span>Id</span><strong>{d.id}</strong></div>
          <div><span>Status</span><strong>{d.status}</strong></div>
          <div><span>Progress</span><strong><ProgressBar done={d.done} failed={d.failed} total={d.total} /></strong></div>
          <div><span>Grid</span><strong>{d.axes.join(' × ')} × seeds</strong></div>
          <div><span>Runner</span><strong>{d.runner}</strong></div>
          <div><span>Version</span><strong>{d.project_version}</strong></div>
        </div>
        {d.description && <p className="muted">{d.description}</p>}
      </Panel>
      <div className="grid-2">
        {figures.map((f) => (
          <Panel key={f.column} title={f.title}>
            <IntervalChart title={f.title} xKey={xKey} series={f.series} xLabels={f.xLabels} />
          </Panel>
        ))}
        <Panel title="Price paths by seed">
          {paths.ys.length > 0 ? (
            <SeriesChart
              label={`price paths of ${d.id}`}
              revision={d.runs.length}
              x={paths.x}
              ys={paths.ys}
              defs={paths.runs.map((r, i) => ({ label: `run ${r.run_index} (seed ${r.seed})`, color: COLORS[i % COLORS.length] as string, digits: 4 }))}
              height={200}
            />
          ) : (
            <p className="empty">No runs yet.</p>
          )}
        </Panel>
      </div>
      <Panel title="Stylized facts (share of seeds passing)">
        <table className="tape" data-testid="facts">
          <thead><tr><th>{d.axes.join(', ')}</th>{factColumns(d.aggregates).map((f) => <th key={f} className="num">{f.replace('fact_', '').replace(/_/g, ' ')}</th>)}</tr></thead>
          <tbody>
            {d.aggregates.map((p) => (
              <tr key={JSON.stringify(p.params)}>
                <td>{Object.values(p.params).map(String).join(', ')}</td>
                {factColumns(d.aggregates).map((f) => <td key={f} className="num">{p.figures[f]?.mean == null ? '—' : `${Math.round((p.figures[f]!.mean as number) * 100)}%`}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      {d.dead_letters.length > 0 && (
        <Panel title={`Dead letters (${d.dead_letters.length})`}>
          <table className="tape" data-testid="dead-letters">
            <thead><tr><th>Run</th><th>Seed</th><th>Values</th><th>Attempts</th><th>Error</th></tr></thead>
            <tbody>
              {d.dead_letters.map((f) => (
                <tr key={f.run_index}><td>{f.run_index}</td><td>{f.seed}</td><td>{JSON.stringify(f.params)}</td><td>{f.attempts}</td><td className="error">{f.error}</td></tr>
              ))}
            </tbody>
          </table>
        </Panel>
      )}
      <Panel title={`Runs (${d.runs.length})`}>
        <div className="table-scroll short">
          <table className="tape" data-testid="experiment-runs">
            <thead><tr><th>Run</th><th>Seed</th>{d.axes.map((a) => <th key={a}>{a}</th>)}{figureCols.map((c) => <th key={c} className="num">{c}</th>)}<th /></tr></thead>
            <tbody>
              {d.runs.map((r) => (
                <tr key={r.run_index}>
                  <td>{r.run_index}</td><td>{r.seed}</td>
                  {d.axes.map((a) => <td key={a}>{String(r.params[a])}</td>)}
                  {figureCols.map((c) => <td key={c} className="num">{typeof r.figures[c] === 'number' ? fmtNum(r.figures[c] as number, 4) : '—'}</td>)}
                  <td>
                    <button type="button" className="small" title={`or: crowdalpha run --from-experiment ${d.id} --run ${r.run_index}`} onClick={() => void rerun(r.run_index)}>
                      Re-run this row
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Panel>
    </>
  );
}

export function ExperimentsSection() {
  const list = usePoll('/experiments', 3_000, asList);
  const [selected, setSelected] = useState<string | null>(null);
  const items = list.data ?? [];
  return (
    <>
      <Panel title="Experiments" error={list.error}>
        {items.length === 0 ? (
          <p className="empty">
            No experiments yet. Run one with <code>crowdalpha experiment run examples/experiments/crowding-study.yaml</code> or <code>POST /experiments</code>.
          </p>
        ) : (
          <div className="table-scroll short">
            <table className="tape" data-testid="experiments">
              <thead><tr><th>Name</th><th>Id</th><th>Status</th><th>Progress</th><th>Created</th></tr></thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.id} className={e.id === selected ? 'selected' : ''}>
                    <td>
                      <button type="button" className="link" onClick={() => setSelected(e.id)}>
                        {e.name}
                      </button>
                    </td>
                    <td>{e.id}</td>
                    <td>{e.status}</td>
                    <td><ProgressBar done={e.done} failed={e.failed} total={e.total} /></td>
                    <td>{e.created_at}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      {selected && <ExperimentDetail key={selected} id={selected} onSelect={setSelected} />}
    </>
  );
}
