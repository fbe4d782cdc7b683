/**
 * The live market: price, book, tape, badges, crowding heatmap, factor space, alpha decay,
 * regime/LFI history. Each panel subscribes at its own rate (book, price and badges every frame;
 * tape 5 Hz; history strip 2 Hz; heatmap 1 Hz from REST) so the page never re-renders as a whole at 10 Hz.
 */
import { useCallback } from 'react';
import { asWire } from '../api/routes.js';
import type { CrowdingMatrixPayload, CrowdingSnapshotWire } from '../api/types.js';
import { decayView, factorSpaceView } from '../api/views.js';
import { CrowdingHeatmap } from '../components/CrowdingHeatmap.js';
import { DecayChart } from '../components/DecayChart.js';
import { FactorScatter } from '../components/FactorScatter.js';
import { MarketBadges } from '../components/MarketBadges.js';
import { MarketControls } from '../components/MarketControls.js';
import { OrderBookLadder } from '../components/OrderBookLadder.js';
import { Panel } from '../components/Panel.js';
import { PriceChart } from '../components/PriceChart.js';
import { RegimeStrip } from '../components/RegimeStrip.js';
import { TradesTape } from '../components/TradesTape.js';
import { usePoll } from '../components/use-poll.js';
import { navigate, strategyHref } from '../lib/router.js';
import { useEventTypes, useMarket, useMarketThrottled, useSession } from '../state/use-market.js';

/**
 * The stream types the dashboard subscribes to. CROWDING_MATRIX_UPDATED is left out on purpose: at
 * 100 agents its N×N matrix is ~150 KB of JSON per tick (≈1.5 MB/s at 10 Hz, 4× the TICK stream),
 * while the heatmap only redraws at `DASHBOARD_RATES.heatmap`; fetching /analytics/crowding at that
 * rate moves a tenth of the bytes and keeps parsing off the 10 Hz path.
 */
export const DASHBOARD_EVENTS = ['TICK', 'REGIME_CHANGED'] as const;

/** Refresh periods of the slower panels (ms). */
export const DASHBOARD_RATES = { tape: 200, heatmap: 1000, history: 500 } as const;

function LiveBook() {
  const { store } = useMarket();
  return <OrderBookLadder book={store.latest?.order_book ?? null} levels={10} />;
}

function LiveTape() {
  const { store } = useMarketThrottled(DASHBOARD_RATES.tape);
  return <TradesTape fills={store.tape.newest(25)} onAgent={strategyHref} />;
}

function LiveRegimeStrip() {
  const session = useMarketThrottled(DASHBOARD_RATES.history);
  return <RegimeStrip history={session.store.history} revision={session.revision} />;
}

/** The stream's CROWDING_MATRIX_UPDATED form of a crowding snapshot (null before the first run). */
function matrixOf(c: CrowdingSnapshotWire): CrowdingMatrixPayload | null {
  if (c.tick === null || c.agent_ids.length === 0) return null;
  return { tick: c.tick, crowding_intensity: c.crowding_intensity, agent_ids: c.agent_ids, matrix: c.matrix, agent_crowding_intensity: c.agent_crowding_intensity, top_crowded_pairs: c.top_crowded_pairs };
}

function LiveHeatmap({ strategyOf, onOpen }: { strategyOf: (id: string) => string; onOpen: (id: string) => void }) {
  const { store } = useSession();
  const polled = usePoll('/analytics/crowding', DASHBOARD_RATES.heatmap, (raw) => matrixOf(asWire('/analytics/crowding')(raw)));
  // the stream's matrix (if some view subscribed to it) wins when it is newer
  const crowding = store.crowding && (!polled.data || store.crowding.tick > polled.data.tick) ? store.crowding : polled.data;
  return (
    <>
      {polled.error && <p className="error">{polled.error}</p>}
      <CrowdingHeatmap crowding={crowding} strategyOf={strategyOf} onOpenAgent={onOpen} />
    </>
  );
}

export function DashboardPage() {
  useEventTypes([...DASHBOARD_EVENTS]);
  const { store } = useSession();
  const strategyOf = useCallback((id: string) => store.agents.get(id)?.strategy_type ?? 'unknown', [store]);
  const factor = usePoll('/analytics/factor-space', 3000, (raw) => factorSpaceView(asWire('/analytics/factor-space')(raw)));
  const decay = usePoll('/analytics/decay', 5000, (raw) => decayView(asWire('/analytics/decay')(raw)));
  const open = useCallback((id: string) => navigate(strategyHref(id)), []);

  return (
    <div className="page dashboard">
      <div className="toolbar">
        <MarketBadges />
        <MarketControls />
      </div>
      <div className="grid-main">
        <Panel title="Price" className="span-price">
          <PriceChart height={300} />
        </Panel>
        <Panel title="Order book" className="span-book">
          <LiveBook />
        </Panel>
        <Panel title="Trades" className="span-tape">
          <LiveTape />
        </Panel>
      </div>
      <Panel title="Regime & liquidity fragility history">
        <LiveRegimeStrip />
      </Panel>
      <div className="grid-analytics">
        <Panel title="Crowding similarity">
          <LiveHeatmap strategyOf={strategyOf} onOpen={open} />
        </Panel>
        <Panel title="Factor space (PCA)" error={factor.error}>
          <FactorScatter space={factor.data} onOpenAgent={open} />
        </Panel>
        <Panel title="Alpha decay" error={decay.error}>
          <DecayChart view={decay.data} />
        </Panel>
      </div>
    </div>
  );
}
