/**
 * One agent: PnL and inventory, Phi and impact cost over time, its factor vector against the crowd,
 * its alpha-decay fit, its recent orders and fills, and RL learning curves for RL agents.
 */
import { useCallback, useEffect, useState } from 'react';
import { getJson } from '../api/http.js';
import { agentStatsPath, asWire, type AgentStatsBody } from '../api/routes.js';
import { FACTOR_NAMES, type AgentStatsWire, type StopResponse } from '../api/types.js';
import { decayView, factorSpaceView, type FactorSpace } from '../api/views.js';
import { learningCurveTable, magnitudeGroups, type SeriesTable } from '../lib/series-tables.js';
import { DecayChart } from '../components/DecayChart.js';
import { Panel } from '../components/Panel.js';
import { RlDiagnosticsPanel } from '../components/RlDiagnosticsPanel.js';
import { SeriesChart } from '../components/SeriesChart.js';
import { StopAgent } from '../components/StopAgent.js';
import { AgentDecaySummary, CrowdingExplain, DeclaredVsObserved, PnlSplitTable, SandboxReport, StatsLayout } from '../components/StrategyReport.js';
import { agentStatus } from '../lib/agent-status.js';
import { usePoll } from '../components/use-poll.js';
import { fmtInt, fmtNum, fmtPrice, fmtSigned, humanize } from '../lib/format.js';
import { OKABE_ITO, strategyColor } from '../lib/palette.js';
import { AGENT } from '../state/market-store.js';
import { useEventTypes, useMarket } from '../state/use-market.js';

function FactorBars({ space, agentId }: { space: FactorSpace | null; agentId: string }) {
  if (!space) return <p className="empty">No factor space yet.</p>;
  const me = space.points.find((p) => p.agentId === agentId);
  if (!me) return <p className="empty">{agentId} has no factor vector yet.</p>;
  const others = space.points.filter((p) => p.agentId !== agentId);
  const names = space.factorNames.length === me.factors.length ? space.factorNames : FACTOR_NAMES.slice(0, me.factors.length);
  return (
    <table className="factor-bars" aria-label={`Factor vector of ${agentId} against the crowd mean`}>
      <thead>
        <tr>
          <th scope="col">Factor</th>
          <th scope="col">{agentId}</th>
          <th scope="col">Crowd mean (n={others.length})</th>
        </tr>
      </thead>
      <tbody>
        {names.map((n, i) => {
          const mine = me.factors[i] ?? 0;
          const crowd = others.length > 0 ? others.reduce((s, p) => s + (p.factors[i] ?? 0), 0) / others.length : 0;
          const bar = (v: number, color: string) => (
            <div className="hbar" title={v.toFixed(3)}>
              <span className="hbar-zero" />
              <span className="hbar-fill" style={{ background: color, left: v >= 0 ? '50%' : `${50 + 50 * Math.max(-1, v)}%`, width: `${50 * Math.min(1, Math.abs(v))}%` }} />
              <span className="hbar-val">{v.toFixed(2)}</span>
            </div>
          );
          return (
            <tr key={n}>
              <th scope="row">{humanize(n)}</th>
              <td>{bar(mine, strategyColor(me.strategy))}</td>
              <td>{bar(crowd, '#888')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** How often the REST stats (diagnostics, learning curve) are re-read (ms). */
export const STATS_REFRESH_MS = 5000;

/** The REST stats with the diagnostics shown among the extras (the page lists both). */
function withDiagnostics(body: AgentStatsBody): AgentStatsWire {
  const { tick: _tick, diagnostics, learning_curve: _curve, alpha_decay: _decay, sandbox_details: _details, declared_factors: _declared, deployment: _deployment, ...stats } = body;
  return { ...stats, extra: { ...stats.extra, ...(diagnostics ?? {}) } };
}

export function StrategyPage({ agentId }: { agentId: string }) {
  useEventTypes(['TICK', 'ORDER_SUBMITTED', 'ORDER_FILLED']);
  const session = useMarket();
  const { store } = session;
  const [restStats, setRestStats] = useState<AgentStatsWire | null>(null);
  /** The REST stats as sent: deployment, sandbox details, declared factors, alpha decay. */
  const [restRaw, setRestRaw] = useState<unknown>(null);
  const [learning, setLearning] = useState<SeriesTable | null>(null);
  const [err, setErr] = useState<string | null>(null);
  /** The stop this page made: shown at once, even before the next tick (or on a paused market). */
  const [stopped, setStopped] = useState<AgentStatsWire | null>(null);

  useEffect(() => {
    store.setFocus(agentId);
    return () => store.setFocus(null);
  }, [store, agentId]);
  useEffect(() => {
    // diagnostics and the RL learning curve are REST-only: refresh them every few seconds
    let alive = true;
    const load = () =>
      getJson(`/strategies/${encodeURIComponent(agentId)}/stats`)
        .then((raw) => {
          if (!alive) return;
          const body = raw as AgentStatsBody;
          setRestStats(withDiagnostics(body));
          setRestRaw(raw);
          setLearning(learningCurveTable(body.learning_curve));
          setErr(null);
        })
        .catch((e: unknown) => alive && setErr(e instanceof Error ? e.message : String(e)));
    void load();
    const timer = setInterval(() => void load(), STATS_REFRESH_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [agentId]);

  const strategyOf = useCallback((id: string) => store.agents.get(id)?.strategy_type ?? 'unknown', [store]);
  const factor = usePoll('/analytics/factor-space', 5000, (raw) => factorSpaceView(asWire('/analytics/factor-space')(raw)));
  const decay = usePoll('/analytics/decay', 5000, (raw) => decayView(asWire('/analytics/decay')(raw)));
  const crowding = usePoll('/analytics/crowding', 5000, (raw) => raw);
  const rawObj = restRaw && typeof restRaw === 'object' ? (restRaw as Record<string, unknown>) : {};
  const declared = Array.isArray(rawObj.declared_factors) ? (rawObj.declared_factors as number[]) : null;
  const deployment = rawObj.deployment && typeof rawObj.deployment === 'object' ? (rawObj.deployment as { strategy_version?: unknown }) : null;
  const observed = factor.data?.points.find((p) => p.agentId === agentId) ?? null;

  const live = store.agents.get(agentId);
  // the stream carries accounting; the REST stats add diagnostics (drawdown, turnover, ...) in extra
  const merged = live ? { ...live, extra: { ...(restStats?.extra ?? {}), ...live.extra } } : restStats;
  const a = merged && stopped && merged.status === 'active' ? { ...merged, status: stopped.status, status_reason: stopped.status_reason, extra: { ...merged.extra, ...stopped.extra } } : merged;
  const shownStatus = a ? agentStatus(a) : null;
  const series = store.agentSeries.get(agentId);
  const cols = series ? series.columns() : null;
  const rl = store.rlSeries.get(agentId);
  const isRl = (a?.strategy_type ?? '').startsWith('rl') || learning !== null;

  return (
    <div className="page strategy">
      <Panel title={`Strategy ${agentId}`} error={a ? null : err}>
        {a ? (
          <>
            <div className="kv-grid" data-testid="strategy-summary">
              <div><span>Strategy</span><strong><span className="dot" style={{ background: strategyColor(a.strategy_type) }} /> {a.strategy_type}{typeof deployment?.strategy_version === 'number' ? ` v${deployment.strategy_version}` : ''}</strong></div>
              <div><span>Status</span><strong className={`status-${shownStatus?.kind ?? 'active'}`} data-testid="agent-status">{shownStatus?.text}</strong></div>
              <div><span>PnL since joining</span><strong>{fmtSigned(a.net_pnl)} <small className="muted">cash</small></strong></div>
              <div><span>Φ (−1 … 1)</span><strong>{fmtNum(a.phi, 3)}</strong></div>
            </div>
            <StatsLayout a={a} />
          </>
        ) : (
          <p className="empty">Waiting for {agentId} to appear in the stream…</p>
        )}
        {a && (
          <StopAgent
            agentId={agentId}
            active={a.status === 'active'}
            onStopped={(answer) => {
              setStopped((answer as StopResponse | null)?.stats ?? null);
            }}
          />
        )}
      </Panel>
      <div className="grid-2">
        <Panel title="PnL and inventory">
          {cols ? (
            <SeriesChart testId="pnl-chart" label={`${agentId} PnL and inventory`} revision={session.revision} x={cols[AGENT.tick]!} ys={[cols[AGENT.pnl]!, cols[AGENT.inventory]!]} defs={[{ label: 'PnL', color: OKABE_ITO.skyBlue }, { label: 'inventory', color: OKABE_ITO.orange, scale: 'y2', digits: 0 }]} />
          ) : (
            <p className="empty">History starts when this tab connected and the agent updates.</p>
          )}
        </Panel>
        <Panel title="Crowding Φ and impact cost">
          {cols ? (
            <SeriesChart testId="phi-chart" label={`${agentId} Phi and impact cost`} revision={session.revision} x={cols[AGENT.tick]!} ys={[cols[AGENT.phi]!, cols[AGENT.impact]!]} defs={[{ label: 'Φ', color: OKABE_ITO.purple, digits: 3 }, { label: 'impact cost', color: OKABE_ITO.vermillion, scale: 'y2' }]} />
          ) : (
            <p className="empty">No history yet.</p>
          )}
        </Panel>
        <Panel title="Am I crowded?" error={crowding.error}>
          {a ? <CrowdingExplain agentId={agentId} phi={a.phi} crowding={crowding.data} /> : <p className="empty">Waiting for the agent.</p>}
        </Panel>
        <Panel title="Where the PnL came from">
          {a ? <PnlSplitTable a={a} /> : <p className="empty">Waiting for the agent.</p>}
        </Panel>
        <Panel title="Declared vs observed factors" error={factor.error}>
          <DeclaredVsObserved declared={declared} observed={observed?.factors ?? null} names={factor.data?.factorNames ?? FACTOR_NAMES} />
        </Panel>
        <Panel title="Factor vector vs crowd" error={factor.error}>
          <FactorBars space={factor.data} agentId={agentId} />
        </Panel>
        <Panel title="Alpha decay of this agent">
          <AgentDecaySummary decay={rawObj.alpha_decay} />
        </Panel>
        <Panel title="Alpha decay fit (market)" error={decay.error}>
          <DecayChart view={decay.data} highlight={agentId} />
        </Panel>
        <Panel title="Errors, dropped orders and log">
          <SandboxReport raw={restRaw} />
        </Panel>
        <Panel title="Recent orders">
          <div className="tape-scroll">
            <table className="tape" data-testid="agent-orders">
              <thead><tr><th>Tick</th><th>Id</th><th>Side</th><th>Type</th><th>Price</th><th>Qty</th></tr></thead>
              <tbody>
                {store.focusOrders.newest(40).map((o) => (
                  <tr key={o.orderId} className={o.side === 'BID' ? 'buy' : 'sell'}>
                    <td className="num muted">{o.tick}</td><td className="num">{o.orderId}</td><td>{o.side}</td><td>{o.type}</td><td className="num px">{fmtPrice(o.price)}</td><td className="num">{o.qty}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {store.focusOrders.length === 0 && <p className="empty">No orders seen since this page opened.</p>}
          </div>
        </Panel>
        <Panel title="Recent fills">
          <div className="tape-scroll">
            <table className="tape" data-testid="agent-fills">
              <thead><tr><th>Tick</th><th>Side</th><th>Price</th><th>Qty</th><th>Counterparty</th></tr></thead>
              <tbody>
                {store.focusFills.newest(40).map((f, i) => (
                  <tr key={`${f.tick}-${i}`} className={f.side === 'BUY' ? 'buy' : 'sell'}>
                    <td className="num muted">{f.tick}</td><td>{f.side}</td><td className="num px">{fmtPrice(f.price)}</td><td className="num">{f.qty}</td><td>{f.counterparty}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {store.focusFills.length === 0 && <p className="empty">No fills seen since this page opened.</p>}
          </div>
        </Panel>
      </div>
      {isRl && a && <RlDiagnosticsPanel extra={a.extra} />}
      {isRl && (
        <Panel title="RL learning curves">
          {learning ? (
            <div className="grid-2" data-testid="learning-curves">
              {magnitudeGroups(learning).map((g, gi) => {
                const cols = learning.columns.map((_, c) => Float64Array.from(learning.rows.map((r) => r[c] ?? NaN)));
                return (
                  <SeriesChart
                    key={g.join(',')}
                    label={`${agentId} ${g.map((c) => learning.columns[c]).join(', ')}`}
                    revision={learning.rows.length}
                    x={cols[0]!}
                    ys={g.map((c) => cols[c]!)}
                    defs={g.map((c, i) => ({ label: humanize(learning.columns[c] ?? ''), color: [OKABE_ITO.purple, OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.green][(gi + i) % 4]!, digits: 4 }))}
                    height={170}
                  />
                );
              })}
            </div>
          ) : rl && rl.size > 0 ? (
            <>
              <p className="muted">The server does not send this agent's learning curve; these are its numeric stats recorded since the page opened.</p>
              <div className="grid-2">
                {[...rl.entries()].map(([k, s]) => {
                  const c = s.columns();
                  return <SeriesChart key={k} label={`${agentId} ${k}`} revision={session.revision} x={c[0]!} ys={[c[1]!]} defs={[{ label: humanize(k), color: OKABE_ITO.purple, digits: 4 }]} height={160} />;
                })}
              </div>
            </>
          ) : (
            <p className="empty">This RL agent reports no learning figures yet.</p>
          )}
        </Panel>
      )}
    </div>
  );
}
