/**
 * The Strategy page's explanations, fed by GET /strategies/{id}/stats (`raw`) and the live stats:
 * a stats layout with units, Φ on its scale with the most similar agents, the PnL split, the
 * declared factor vector beside the observed one, the agent's own alpha-decay fit, and for
 * sandboxed strategies what was deployed, why orders were dropped, the last error and the log tail.
 */
import type { ReactNode } from 'react';
import type { AgentStatsWire } from '../api/types.js';
import { PHI_CROWDED, PHI_MODERATE, PHI_SCALE_TEXT, mostSimilar, phiBand } from '../lib/crowding-scale.js';
import { pnlSplit } from '../lib/pnl-split.js';
import { fmtInt, fmtNum, fmtSigned, humanize } from '../lib/format.js';
import { strategyHref } from '../lib/router.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strOr = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function Row({ label, value, unit, title }: { label: string; value: ReactNode; unit?: string; title?: string }) {
  return (
    <div title={title}>
      <span>{label}</span>
      <strong>
        {value}
        {unit ? <small className="muted"> {unit}</small> : null}
      </strong>
    </div>
  );
}

/** Accounting, orders and (sandboxed agents) the sandbox's counters, each with its unit. */
export function StatsLayout({ a }: { a: AgentStatsWire }) {
  const x = a.extra;
  const n = (k: string) => numOr(x[k]);
  const sandboxed = x.sandbox === true;
  const dropped = n('orders_dropped') ?? (n('malformed_dropped') ?? 0) + (n('over_cap_dropped') ?? 0);
  const allDropped = sandboxed && dropped > 0 && (n('orders') ?? a.orders_submitted) === 0;
  return (
    <div className="stats-layout" data-testid="stats-layout">
      {allDropped && (
        <p className="error" role="alert" data-testid="all-dropped">
          Every order this strategy sent was dropped by the sandbox ({fmtInt(dropped)}): see the drop reasons below.
        </p>
      )}
      <h3>Account</h3>
      <div className="kv-grid">
        <Row label="PnL since joining" value={fmtSigned(a.net_pnl)} unit="cash" />
        <Row label="Realized PnL" value={fmtSigned(a.realized_pnl)} unit="cash" />
        <Row label="Sharpe (full run, annualised)" value={fmtNum(a.sharpe_full)} title="Annualised Sharpe of every per-tick PnL change since the agent joined; what the leaderboard ranks by" />
        <Row label="Sharpe (rolling window, annualised)" value={fmtNum(a.sharpe)} title="Annualised Sharpe of per-tick PnL changes over the engine's diagnostics window (250 ticks by default)" />
        <Row label="Max drawdown" value={fmtNum(n('max_drawdown'))} unit="cash" />
        <Row label="Inventory" value={fmtInt(a.inventory)} unit="units" />
        <Row label="Cash" value={fmtNum(a.cash)} unit="cash" />
        <Row label="Impact paid" value={fmtNum(a.impact_cost)} unit="cash" />
        <Row label="Fills" value={fmtInt(a.fill_count)} unit={`(bought ${fmtInt(a.total_buy_qty)}, sold ${fmtInt(a.total_sell_qty)} units)`} />
      </div>
      <h3>Orders</h3>
      <div className="kv-grid">
        <Row label="Reached the book" value={fmtInt(a.orders_submitted)} unit="orders" />
        <Row label="Rejected by the book" value={fmtInt(a.orders_rejected)} unit="orders" />
        {sandboxed && <Row label="Dropped by the sandbox" value={<span className={dropped > 0 ? 'neg' : ''} data-testid="orders-dropped">{fmtInt(dropped)}</span>} unit={`orders (${fmtInt(n('malformed_dropped'))} malformed, ${fmtInt(n('over_cap_dropped'))} over the cap)`} />}
        {sandboxed && <Row label="Qty clamped" value={fmtInt(n('qty_clamped'))} unit="orders" />}
      </div>
      {sandboxed && (
        <>
          <h3>Sandbox</h3>
          <div className="kv-grid">
            <Row label="Calls answered" value={`${fmtInt(n('answered'))} / ${fmtInt(n('calls'))}`} unit="ticks" />
            <Row label="Time limit" value={fmtInt(n('timeout_ms'))} unit="ms per tick" />
            <Row label="Last answer" value={fmtNum(n('last_latency_ms'), 2)} unit="ms" />
            <Row label="Faults" value={`${fmtInt((n('errors') ?? 0) + (n('timeouts') ?? 0))}`} unit={`(${fmtInt(n('errors'))} errors, ${fmtInt(n('timeouts'))} timeouts; silenced at ${fmtInt(n('max_errors'))})`} />
            <Row label="Restarts" value={fmtInt(n('restarts'))} />
            <Row label="Log lines" value={fmtInt(n('log_lines'))} />
          </div>
        </>
      )}
      {typeof x.stop_position === 'string' && (
        <>
          <h3>Stop</h3>
          <div className="kv-grid" data-testid="stop-outcome">
            <Row label="Position" value={x.stop_position === 'flatten' ? 'flattened with market orders' : 'frozen as it was'} />
            <Row label="Position at stop" value={fmtInt(n('position_at_stop'))} unit="units" />
            {x.stop_position === 'flatten' && <Row label="Flatten orders" value={fmtInt(n('flatten_orders'))} unit={`(${fmtInt(n('flatten_qty'))} units)`} />}
            {x.stop_position === 'flatten' && <Row label="Flat since tick" value={n('flattened_at_tick') === null ? 'not yet' : fmtInt(n('flattened_at_tick'))} />}
          </div>
        </>
      )}
      <details className="all-figures">
        <summary>All figures</summary>
        <div className="kv-grid">
          {Object.entries(x).map(([k, v]) => (
            <Row key={k} label={humanize(k)} value={typeof v === 'number' ? fmtNum(v, 3) : String(v)} />
          ))}
        </div>
      </details>
    </div>
  );
}

/** Φ on its scale with the bands, and the agents most similar to this one. */
export function CrowdingExplain({ agentId, phi, crowding }: { agentId: string; phi: number; crowding: unknown }) {
  const band = phiBand(phi);
  const similar = mostSimilar(crowding, agentId);
  const pct = Math.max(0, Math.min(100, ((phi + 1) / 2) * 100));
  return (
    <div data-testid="crowding-explain">
      <p>
        Φ <strong data-testid="phi-value">{fmtNum(phi, 3)}</strong> on −1 … 1: <strong className={`phi-${band}`} data-testid="phi-band">{band}</strong>
      </p>
      <div className="phi-scale" aria-hidden="true">
        <span className="phi-mark" style={{ left: `${((PHI_MODERATE + 1) / 2) * 100}%` }} title={`moderate from ${PHI_MODERATE}`} />
        <span className="phi-mark" style={{ left: `${((PHI_CROWDED + 1) / 2) * 100}%` }} title={`crowded from ${PHI_CROWDED}`} />
        <span className="phi-dot" style={{ left: `${pct}%` }} />
      </div>
      <p className="muted">{PHI_SCALE_TEXT}</p>
      <h3>Most similar agents</h3>
      {similar.length ? (
        <table className="tape" data-testid="similar-agents">
          <thead>
            <tr>
              <th>Agent</th>
              <th>Similarity (cosine, −1 … 1)</th>
            </tr>
          </thead>
          <tbody>
            {similar.map((s) => (
              <tr key={s.agentId}>
                <td>
                  <a href={strategyHref(s.agentId)}>{s.agentId}</a>
                </td>
                <td className="num">{fmtNum(s.similarity, 3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No similarity matrix yet.</p>
      )}
    </div>
  );
}

/** Where the PnL came from: the engine ledger's split, spread + impact + direction = PnL (see pnlSplit). */
export function PnlSplitTable({ a }: { a: AgentStatsWire }) {
  const s = pnlSplit(a);
  return (
    <table className="tape" data-testid="pnl-split">
      <tbody>
        <tr>
          <th scope="row" title="(pre-trade mid − fill price) × signed qty: earned by resting orders filled inside the mid, paid when crossing the spread">
            Spread <small>(earned {fmtSigned(s.spreadEarned)} passive, paid {fmtNum(s.spreadPaid)} crossing)</small>
          </th>
          <td className="num" data-testid="pnl-spread">{fmtSigned(s.spread)}</td>
        </tr>
        <tr>
          <th scope="row" title="the temporary price impact the agent paid on its fills, amplified by crowding">Impact paid</th>
          <td className="num" data-testid="pnl-impact">{fmtSigned(s.impact)}</td>
        </tr>
        <tr>
          <th scope="row" title="what the positions made from price moves after each fill: signed qty × (mid now − pre-trade mid of the fill's tick)">Direction</th>
          <td className="num" data-testid="pnl-direction">{fmtSigned(s.direction)}</td>
        </tr>
        <tr>
          <th scope="row">PnL since joining</th>
          <td className="num">
            <strong>{fmtSigned(a.net_pnl)}</strong>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The factor vector the strategy declares (factorVector()) beside the one the market observes. */
export function DeclaredVsObserved({ declared, observed, names }: { declared: number[] | null; observed: number[] | null; names: readonly string[] }) {
  const len = Math.max(declared?.length ?? 0, observed?.length ?? 0);
  if (len === 0) return <p className="empty">No factor vectors yet.</p>;
  return (
    <table className="tape" data-testid="declared-vs-observed">
      <thead>
        <tr>
          <th>Factor</th>
          <th>Declared (factorVector())</th>
          <th>Observed (from orders and fills)</th>
        </tr>
      </thead>
      <tbody>
        {Array.from({ length: len }, (_, i) => (
          <tr key={i}>
            <th scope="row">{humanize(names[i] ?? `factor ${i + 1}`)}</th>
            <td className="num">{declared && i < declared.length ? fmtNum(declared[i], 3) : '—'}</td>
            <td className="num">{observed && i < observed.length ? fmtNum(observed[i], 3) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** This agent's own alpha-decay fit (stats `alpha_decay`). */
export function AgentDecaySummary({ decay }: { decay: unknown }) {
  if (!isObj(decay)) return <p className="empty">No per-agent decay fit on this server.</p>;
  const hl = numOr(decay.half_life_ticks);
  const reason = strOr(decay.reason);
  return (
    <div className="kv-grid" data-testid="agent-decay">
      <Row label="Half-life" value={hl === null ? 'none' : fmtNum(hl, 0)} unit={hl === null ? '' : 'ticks'} />
      <Row label="Half-life (exposure)" value={fmtNum(numOr(decay.half_life), 2)} unit="units of cumulative crowding" />
      <Row label="Significant" value={decay.significant === true ? 'yes' : 'no'} />
      <Row label="R²" value={fmtNum(numOr(decay.r_squared), 2)} />
      <Row label="Samples" value={fmtInt(numOr(decay.n_samples))} unit="50-tick windows" />
      {reason && <p className="muted">{reason}</p>}
    </div>
  );
}

/** What was deployed, why orders were dropped, the last error and the console tail. */
export function SandboxReport({ raw }: { raw: unknown }) {
  const r = isObj(raw) ? raw : {};
  const dep = isObj(r.deployment) ? r.deployment : null;
  const d = isObj(r.sandbox_details) ? r.sandbox_details : null;
  if (!dep && !d) return <p className="empty">Not a sandboxed strategy.</p>;
  const reasons = d && Array.isArray(d.drop_reasons) ? (d.drop_reasons as Obj[]) : [];
  const log = d && Array.isArray(d.log_tail) ? (d.log_tail as Obj[]) : [];
  const err = d && isObj(d.last_error) ? d.last_error : null;
  return (
    <div data-testid="sandbox-report">
      {dep && (
        <p data-testid="deployment">
          Runs <strong>{strOr(dep.strategy_name) ?? '—'}</strong>
          {numOr(dep.strategy_version) !== null ? (
            <>
              {' '}
              version <strong>{numOr(dep.strategy_version)}</strong>
            </>
          ) : null}{' '}
          with params <code>{JSON.stringify(dep.params ?? {})}</code>
          {numOr(dep.timeout_ms) !== null ? `, time limit ${numOr(dep.timeout_ms)} ms` : ''}
        </p>
      )}
      {err && (
        <div className="error" role="alert" data-testid="last-error">
          Last error (tick {String(err.tick ?? '?')}): {strOr(err.message)}
          {Array.isArray(err.stack) && err.stack.length > 0 && <pre>{(err.stack as unknown[]).map((f) => `  at ${String(f)}`).join('\n')}</pre>}
        </div>
      )}
      <h3>Dropped or clamped orders (first {reasons.length})</h3>
      {reasons.length ? (
        <ul data-testid="drop-reasons">
          {reasons.map((x, i) => (
            <li key={i}>
              tick {String(x.tick ?? '?')}: {strOr(x.reason)}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">None.</p>
      )}
      <h3>Log tail</h3>
      {log.length ? (
        <pre className="log-tail" data-testid="log-tail">
          {log.map((l) => `[${String(l.tick ?? '?')}] ${strOr(l.line) ?? ''}`).join('\n')}
        </pre>
      ) : (
        <p className="empty">Nothing logged (console.log output shows here).</p>
      )}
    </div>
  );
}
