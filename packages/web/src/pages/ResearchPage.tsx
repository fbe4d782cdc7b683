/** Past simulations (GET /simulations) and one run's results: its numeric series as charts, CSV and Parquet. */
import { useMemo, useState } from 'react';
import { asWire, simulationPath, type SimulationBody } from '../api/routes.js';
import { simulationAgents, simulationSummary, type SimulationSummary } from '../api/views.js';
import { findSeriesTables, magnitudeGroups, type SeriesTable } from '../lib/series-tables.js';
import { Panel } from '../components/Panel.js';
import { SeriesChart } from '../components/SeriesChart.js';
import { usePoll } from '../components/use-poll.js';
import { fmtInt, fmtNum, fmtSigned, toCsv } from '../lib/format.js';
import { OKABE_ITO } from '../lib/palette.js';
import { toParquet, type ParquetColumnType } from '../lib/parquet.js';
import { ExperimentsSection } from './ExperimentsSection.js';

const SERIES_COLORS = [OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.yellow, OKABE_ITO.vermillion];

function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * CSV and Parquet of one table, both built here from the rows on screen. The Parquet writer loads
 * on the first click (its own chunk), so the button says so while it works.
 */
function DownloadButtons({ basename, columns, rows, types, what }: { basename: string; columns: readonly string[]; rows: readonly (readonly unknown[])[]; types?: Record<string, ParquetColumnType>; what: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const parquet = async () => {
    setBusy(true);
    setError(null);
    try {
      const bytes = await toParquet(columns, rows, types ? { types } : {});
      download(`${basename}.parquet`, new Blob([bytes], { type: 'application/vnd.apache.parquet' }));
    } catch (err) {
      setError(`Parquet export failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="downloads">
      <span className="muted">Download</span>
      <button type="button" className="small" aria-label={`Download ${what} as CSV`} onClick={() => download(`${basename}.csv`, new Blob([toCsv(columns, rows)], { type: 'text/csv' }))}>
        CSV
      </button>
      <button type="button" className="small" aria-label={`Download ${what} as Parquet`} disabled={busy} onClick={() => void parquet()} data-testid="download-parquet">
        {busy ? 'Parquet…' : 'Parquet'}
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </span>
  );
}

const fileSafe = (s: string) => s.replace(/[^\w.-]+/g, '_');

const AGENT_COLUMNS = ['agent_id', 'strategy', 'status', 'pnl', 'sharpe', 'fill_count', 'phi', 'impact_cost'];
const AGENT_TYPES: Record<string, ParquetColumnType> = { agent_id: 'STRING', strategy: 'STRING', status: 'STRING', pnl: 'DOUBLE', sharpe: 'DOUBLE', fill_count: 'INT64', phi: 'DOUBLE', impact_cost: 'DOUBLE' };
const SIM_COLUMNS = ['id', 'name', 'status', 'created_at', 'ticks', 'seed'];
const SIM_TYPES: Record<string, ParquetColumnType> = { id: 'STRING', name: 'STRING', status: 'STRING', created_at: 'STRING', ticks: 'INT64', seed: 'INT64' };

function TableChart({ table, simId }: { table: SeriesTable; simId: string }) {
  const cols = useMemo(() => table.columns.map((_, c) => Float64Array.from(table.rows.map((r) => r[c] ?? NaN))), [table]);
  const groups = useMemo(() => magnitudeGroups(table), [table]);
  return (
    <Panel
      title={table.name}
      actions={
        // the x column (tick / index) is typed from its values; every series is DOUBLE even when all-missing
        <DownloadButtons basename={`${fileSafe(simId)}-${fileSafe(table.name)}`} columns={table.columns} rows={table.rows} types={Object.fromEntries(table.columns.slice(1).map((c) => [c, 'DOUBLE' as const]))} what={table.name} />
      }
    >
      {groups.map((g, gi) => (
        <SeriesChart
          key={g.join(',')}
          label={`${table.name} of simulation ${simId}: ${g.map((c) => table.columns[c]).join(', ')}`}
          revision={0}
          x={cols[0] ?? new Float64Array()}
          ys={g.map((c) => cols[c] ?? new Float64Array())}
          defs={g.map((c, i) => ({ label: table.columns[c] ?? '', color: SERIES_COLORS[(gi * 2 + i) % SERIES_COLORS.length] as string, digits: 4 }))}
          height={150}
        />
      ))}
      <p className="muted">{fmtInt(table.rows.length)} rows · x = {table.columns[0]}</p>
    </Panel>
  );
}

function SimulationDetail({ id }: { id: string }) {
  const detail = usePoll(simulationPath(id), 0, (raw) => raw as SimulationBody);
  const summary: SimulationSummary | null = detail.data ? simulationSummary(detail.data.simulation) : null;
  // The stored tick history is a table whose columns are data: found by shape for charts and downloads.
  const tables = useMemo(() => (detail.data ? findSeriesTables({ history: detail.data.history }) : []), [detail.data]);
  const agents = useMemo(() => (detail.data ? simulationAgents(detail.data) : []), [detail.data]);
  return (
    <>
      <Panel title={`Simulation ${id}`} error={detail.error}>
        {summary && (
          <div className="kv-grid">
            <div><span>Status</span><strong>{summary.status || '—'}</strong></div>
            <div><span>Created</span><strong>{summary.createdAt || '—'}</strong></div>
            <div><span>Ticks</span><strong>{fmtInt(summary.ticks)}</strong></div>
            <div><span>Seed</span><strong>{summary.seed ?? '—'}</strong></div>
          </div>
        )}
        {detail.data && (
          <details>
            <summary>Raw result JSON</summary>
            <pre className="json">{JSON.stringify(detail.data, (_k, v: unknown) => (Array.isArray(v) && v.length > 20 ? `[${v.length} items]` : v), 2)}</pre>
          </details>
        )}
        {detail.data && tables.length === 0 && <p className="empty">This result has no numeric series to chart.</p>}
      </Panel>
      {agents.length > 0 && (
        <Panel
          title={`Agents (${agents.length})`}
          actions={
            <DownloadButtons
              basename={`${fileSafe(id)}-agents`}
              columns={AGENT_COLUMNS}
              rows={agents.map((a) => [a.agentId, a.strategy, a.status, a.pnl, a.sharpe, a.fills, a.phi, a.impact])}
              types={AGENT_TYPES}
              what="the agents table"
            />
          }
        >
          <div className="table-scroll short">
            <table className="tape">
              <thead><tr><th>Agent</th><th>Strategy</th><th>Status</th><th className="num">PnL</th><th className="num">Sharpe</th><th className="num">Fills</th><th className="num">Φ</th><th className="num">Impact</th></tr></thead>
              <tbody>
                {[...agents].sort((a, b) => (b.sharpe ?? -Infinity) - (a.sharpe ?? -Infinity)).map((a) => (
                  <tr key={a.agentId}>
                    <td>{a.agentId}</td><td>{a.strategy}</td><td>{a.status}</td><td className="num">{fmtSigned(a.pnl)}</td><td className="num">{fmtNum(a.sharpe)}</td><td className="num">{fmtInt(a.fills)}</td><td className="num">{fmtNum(a.phi, 3)}</td><td className="num">{fmtNum(a.impact)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
      <div className="grid-2">
        {tables.map((t) => (
          <TableChart key={t.name} table={t} simId={id} />
        ))}
      </div>
    </>
  );
}

export function ResearchPage({ simulationId }: { simulationId: string | null }) {
  const list = usePoll('/simulations', 10_000, (raw) => asWire('/simulations')(raw).items.map(simulationSummary));
  const sims = list.data ?? [];
  return (
    <div className="page research">
      <ExperimentsSection />
      <Panel
        title="Past simulations"
        error={list.error}
        actions={
          sims.length > 0 ? (
            <DownloadButtons basename="simulations" columns={SIM_COLUMNS} rows={sims.map((s) => [s.id, s.name, s.status, s.createdAt, s.ticks, s.seed])} types={SIM_TYPES} what="the simulation list" />
          ) : undefined
        }
      >
        {sims.length === 0 ? (
          <p className="empty">No simulations stored yet. Run one with <code>crowdalpha run</code> or a sweep.</p>
        ) : (
          <div className="table-scroll short">
            <table className="tape" data-testid="simulations">
              <thead><tr><th>Id</th><th>Name</th><th>Status</th><th>Created</th><th>Ticks</th><th>Seed</th></tr></thead>
              <tbody>
                {sims.map((s) => (
                  <tr key={s.id} className={s.id === simulationId ? 'selected' : ''}>
                    <td><a href={`#/research/${encodeURIComponent(s.id)}`}>{s.id}</a></td>
                    <td>{s.name}</td><td>{s.status}</td><td>{s.createdAt}</td><td className="num">{fmtInt(s.ticks)}</td><td className="num">{s.seed ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
      {simulationId && <SimulationDetail id={simulationId} />}
    </div>
  );
}
