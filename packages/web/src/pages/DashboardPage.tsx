/** The live market: price, book, tape, badges, crowding heatmap, factor space, alpha decay, regime/LFI history. */
import { useCallback } from 'react';
import { toDecayView, toFactorSpace } from '../api/adapters.js';
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
import { useEventTypes, useMarket } from '../state/use-market.js';

export const DASHBOARD_EVENTS = ['TICK', 'CROWDING_MATRIX_UPDATED', 'REGIME_CHANGED'] as const;

export function DashboardPage() {
  useEventTypes([...DASHBOARD_EVENTS]);
  const session = useMarket();
  const { store } = session;
  const strategyOf = useCallback((id: string) => store.agents.get(id)?.strategy ?? 'unknown', [store]);
  const factor = usePoll('/analytics/factor-space', 3000, (raw) => toFactorSpace(raw, strategyOf));
  const decay = usePoll('/analytics/decay', 5000, (raw) => toDecayView(raw, strategyOf));
  const open = (id: string) => navigate(strategyHref(id));

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
          <OrderBookLadder book={store.latest?.order_book ?? null} levels={10} />
        </Panel>
        <Panel title="Trades" className="span-tape">
          <TradesTape fills={store.tape.newest(40)} onAgent={strategyHref} />
        </Panel>
      </div>
      <Panel title="Regime & liquidity fragility history">
        <RegimeStrip history={store.history} revision={session.revision} />
      </Panel>
      <div className="grid-analytics">
        <Panel title="Crowding similarity">
          <CrowdingHeatmap crowding={store.crowding} strategyOf={strategyOf} onOpenAgent={open} />
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
