/**
 * Active agents ranked by full-run Sharpe (or another column), with hysteresis so near-ties don't swap at
 * 10 Hz, and click-through to each strategy page. Silenced and stopped agents are listed apart,
 * unranked, with why: their frozen positions keep moving their figures, so they would otherwise
 * sit at the top with PnL they are not earning.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { asWire } from '../api/routes.js';
import type { AgentStatsWire } from '../api/types.js';
import { getJson } from '../api/http.js';
import { Panel } from '../components/Panel.js';
import { LEADERBOARD_COLUMNS } from '../lib/agent-metrics.js';
import { fmtNum, fmtSigned } from '../lib/format.js';
import { strategyColor } from '../lib/palette.js';
import { strategyHref } from '../lib/router.js';
import { agentStatus } from '../lib/agent-status.js';
import { stableOrder } from '../state/stable-order.js';
import { useEventTypes, useMarketThrottled } from '../state/use-market.js';

/** The table re-renders at most this often (ms): 100 rows × 12 cells at 10 Hz is mostly layout work nobody can read. */
export const LEADERBOARD_REFRESH_MS = 250;
/** How often the REST leaderboard is re-read for drawdown and turnover. */
export const LEADERBOARD_REST_REFRESH_MS = 5000;
/** Row height (px, matches the CSS) and extra rows rendered above/below the visible window. */
const ROW_PX = 24;
const OVERSCAN = 8;

/**
 * Rows to render for a scroll position: only the visible window (+ overscan) is in the DOM, with
 * spacer rows for the rest, so 200 agents cost the same layout work as 40.
 */
export function visibleWindow(total: number, scrollTop: number, viewportPx: number): { start: number; end: number } {
  if (viewportPx <= 0) return { start: 0, end: Math.min(total, 60) };
  const start = Math.max(0, Math.floor(scrollTop / ROW_PX) - OVERSCAN);
  const end = Math.min(total, Math.ceil((scrollTop + viewportPx) / ROW_PX) + OVERSCAN);
  return { start, end };
}

export function LeaderboardPage() {
  useEventTypes(['TICK']);
  const session = useMarketThrottled(LEADERBOARD_REFRESH_MS);
  const { store } = session;
  // Ranked by the full-run Sharpe: the rolling one is shown beside it.
  const [sortKey, setSortKey] = useState('sharpe_full');
  const [filter, setFilter] = useState('');
  const [hydrateErr, setHydrateErr] = useState<string | null>(null);
  const prevOrder = useRef<string[]>([]);
  const scroller = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 0 });
  const prevKey = useRef(sortKey);

  useEffect(() => {
    // Hydrate at once, then refresh the REST-only figures (drawdown, turnover) every few seconds;
    // TICK events keep everything else live in between.
    let stopped = false;
    const load = () =>
      getJson('/strategies/leaderboard')
        .then((raw) => {
          if (stopped) return;
          // TICK events carry every figure: the stream's (newer) stats are never replaced.
          for (const a of asWire('/strategies/leaderboard')(raw).leaderboard) if (!store.agents.has(a.agent_id)) store.agents.set(a.agent_id, a);
          setHydrateErr(null);
        })
        .catch((e: unknown) => !stopped && setHydrateErr(e instanceof Error ? e.message : String(e)));
    void load();
    const timer = setInterval(() => void load(), LEADERBOARD_REST_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [store]);

  const col = LEADERBOARD_COLUMNS.find((c) => c.key === sortKey) ?? LEADERBOARD_COLUMNS[0]!;
  if (prevKey.current !== sortKey) {
    prevOrder.current = [];
    prevKey.current = sortKey;
  }
  const ids = [...store.agents.keys()];
  const order = stableOrder(prevOrder.current, ids, (id) => {
    const a = store.agents.get(id);
    const v = a ? col.value(a) : null;
    return v === null ? null : col.higherIsBetter ? v : -v;
  });
  prevOrder.current = order;
  const q = filter.trim().toLowerCase();
  const all = order.map((id) => store.agents.get(id)!).filter((a) => q === '' || a.agent_id.toLowerCase().includes(q) || a.strategy_type.toLowerCase().includes(q));
  const rows = all.filter((a) => a.status === 'active').map((a, i) => ({ rank: i + 1, a }));
  const inactive = useMemo(() => all.filter((a) => a.status !== 'active'), [all]);
  const silenced = inactive.length;
  useEffect(() => {
    const el = scroller.current;
    if (el) setScroll({ top: el.scrollTop, height: el.clientHeight });
  }, []);
  const win = visibleWindow(rows.length, scroll.top, scroll.height);

  return (
    <div className="page">
      <Panel
        title="Leaderboard"
        error={hydrateErr}
        actions={
          <div className="inline-tools">
            <label className="inline">
              Filter
              <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="agent or strategy" />
            </label>
            <span className="muted">
              <span data-testid="leaderboard-count">{rows.length}</span> active agents ranked · {silenced} silenced or stopped (listed below) · tick {store.latest?.tick ?? '—'}
            </span>
          </div>
        }
      >
        <div className="table-scroll" ref={scroller} onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}>
          <table className="leaderboard" data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Agent</th>
                <th scope="col">Strategy</th>
                {LEADERBOARD_COLUMNS.map((c) => (
                  <th scope="col" key={c.key} title={c.title} aria-sort={c.key === sortKey ? (c.higherIsBetter ? 'descending' : 'ascending') : 'none'}>
                    <button type="button" className={`th-btn ${c.key === sortKey ? 'on' : ''}`} onClick={() => setSortKey(c.key)}>
                      {c.label}
                      {c.key === sortKey ? (c.higherIsBetter ? ' ▼' : ' ▲') : ''}
                    </button>
                  </th>
                ))}
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {win.start > 0 && <tr aria-hidden="true" style={{ height: win.start * ROW_PX }} />}
              {rows.slice(win.start, win.end).map(({ rank, a }) => (
                <tr key={a.agent_id} className={a.status === 'silenced' ? 'silenced' : ''} data-agent={a.agent_id}>
                  <td className="num muted">{rank}</td>
                  <td>
                    <a href={strategyHref(a.agent_id)}>{a.agent_id}</a>
                  </td>
                  <td>
                    <span className="dot" style={{ background: strategyColor(a.strategy_type) }} /> {a.strategy_type}
                  </td>
                  {LEADERBOARD_COLUMNS.map((c) => {
                    const v = c.value(a);
                    return (
                      <td key={c.key} className={`num ${c.key === 'pnl' && v !== null ? (v >= 0 ? 'pos' : 'neg') : ''}`}>
                        {c.key === 'pnl' ? fmtSigned(v, c.digits) : fmtNum(v, c.digits)}
                      </td>
                    );
                  })}
                  <td>
                    {(() => {
                      const st = agentStatus(a);
                      return (
                        <span className={`status-${st.kind}`} title={a.status_reason ?? ''} data-testid="leaderboard-status">
                          {st.text}
                        </span>
                      );
                    })()}
                  </td>
                </tr>
              ))}
              {win.end < rows.length && <tr aria-hidden="true" style={{ height: (rows.length - win.end) * ROW_PX }} />}
            </tbody>
          </table>
        </div>
        {rows.length === 0 && <p className="empty">No active agents.</p>}
      </Panel>
      {inactive.length > 0 && (
        <Panel title={`Silenced and stopped (${inactive.length}) — not ranked`}>
          <p className="muted">A stopped agent keeps its position unless it was stopped with flatten, so its PnL still moves with the price; these figures are not a ranking.</p>
          <table className="leaderboard" data-testid="leaderboard-inactive">
            <thead>
              <tr>
                <th scope="col">Agent</th>
                <th scope="col">Strategy</th>
                <th scope="col">PnL</th>
                <th scope="col">Inventory</th>
                <th scope="col">Position at stop</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {inactive.map((a) => {
                const st = agentStatus(a);
                const how = a.extra.stop_position === 'flatten' ? (typeof a.extra.flattened_at_tick === 'number' ? ` · flattened at tick ${a.extra.flattened_at_tick}` : ' · flattening') : a.extra.stop_position === 'freeze' ? ' · position frozen' : '';
                return (
                  <tr key={a.agent_id} className="silenced" data-agent={a.agent_id}>
                    <td><a href={strategyHref(a.agent_id)}>{a.agent_id}</a></td>
                    <td><span className="dot" style={{ background: strategyColor(a.strategy_type) }} /> {a.strategy_type}</td>
                    <td className={`num ${a.net_pnl >= 0 ? 'pos' : 'neg'}`}>{fmtSigned(a.net_pnl, 2)}</td>
                    <td className="num">{a.inventory}</td>
                    <td className="num">{typeof a.extra.position_at_stop === 'number' ? a.extra.position_at_stop : '—'}</td>
                    <td><span className={`status-${st.kind}`} title={a.status_reason ?? ''} data-testid="leaderboard-status">{st.text}{how}</span></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Panel>
      )}
    </div>
  );
}

