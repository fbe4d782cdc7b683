// @vitest-environment jsdom
import './dom-stubs.js';
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderBookLadder } from '../src/components/OrderBookLadder.js';
import { PriceChart } from '../src/components/PriceChart.js';
import { LEADERBOARD_REFRESH_MS, LeaderboardPage, visibleWindow } from '../src/pages/LeaderboardPage.js';
import { MarketSession } from '../src/state/market-session.js';
import { SessionContext } from '../src/state/use-market.js';
import { agent, tickEvent } from './fixtures.js';

afterEach(cleanup);

const flush = (ms = 40) => act(async () => { await new Promise((r) => setTimeout(r, ms)); });

function rowsOrder(): string[] {
  return [...document.querySelectorAll('table.leaderboard tbody tr[data-agent]')].map((tr) => tr.getAttribute('data-agent') ?? '');
}

describe('OrderBookLadder', () => {
  it('shows asks above the spread row and bids below, with depth bars scaled to the largest level', () => {
    render(<OrderBookLadder book={{ bids: [[99.9, 10, 1]], asks: [[100.1, 5, 2]], best_bid: 99.9, best_ask: 100.1, mid_price: 100, spread: 0.2 }} />);
    const rows = [...document.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.className)).toEqual(['ask', 'spread-row', 'bid']);
    expect(screen.getByText(/spread/).textContent).toContain('0.2000');
    const bars = [...document.querySelectorAll<HTMLElement>('.bar')].map((b) => b.style.width);
    expect(bars).toEqual(['50%', '100%']);
  });
});

describe('LeaderboardPage', () => {
  it('ranks by full-run Sharpe and does not swap near-ties between updates', async () => {
    const session = new MarketSession('ws://127.0.0.1:9/never');
    render(
      <SessionContext.Provider value={session}>
        <LeaderboardPage />
      </SessionContext.Provider>,
    );
    act(() => session.store.apply(tickEvent(1, { agent_stats: [agent('a', { sharpe: 1, sharpe_full: 1 }), agent('b', { sharpe: 2, sharpe_full: 2 }), agent('c', { sharpe: null, sharpe_full: null })] })));
    await flush(LEADERBOARD_REFRESH_MS + 60);
    expect(rowsOrder()).toEqual(['b', 'a', 'c']);
    // a edges past b by less than the hysteresis: the table keeps its order
    act(() => session.store.apply(tickEvent(2, { agent_stats: [agent('a', { sharpe: 2.01, sharpe_full: 2.01 }), agent('b', { sharpe: 2, sharpe_full: 2 }), agent('c', { sharpe: null, sharpe_full: null })] })));
    await flush(LEADERBOARD_REFRESH_MS + 60);
    expect(rowsOrder()).toEqual(['b', 'a', 'c']);
    // a clear lead reorders
    act(() => session.store.apply(tickEvent(3, { agent_stats: [agent('a', { sharpe: 3, sharpe_full: 3 }), agent('b', { sharpe: 2, sharpe_full: 2 }), agent('c', { sharpe: null, sharpe_full: null, status: 'silenced', status_reason: 'timeout 120 ms' })] })));
    await flush(LEADERBOARD_REFRESH_MS + 60);
    expect(rowsOrder()).toEqual(['a', 'b', 'c']);
    expect(screen.getByText(/silenced: timeout 120 ms/)).toBeTruthy();
    // Silenced and stopped agents are listed apart, unranked, even with the best Sharpe.
    act(() => session.store.apply(tickEvent(4, { agent_stats: [agent('a', { sharpe: 3, sharpe_full: 3 }), agent('b', { sharpe: 2, sharpe_full: 2 }), agent('c', { sharpe: 9, sharpe_full: 9, status: 'silenced', status_reason: 'stopped by its owner', extra: { stop_position: 'freeze', position_at_stop: 24 } })] })));
    await flush(LEADERBOARD_REFRESH_MS + 60);
    const ranked = [...document.querySelectorAll('[data-testid="leaderboard"] tbody tr[data-agent]')].map((tr) => tr.getAttribute('data-agent'));
    expect(ranked).toEqual(['a', 'b']);
    const apart = document.querySelector('[data-testid="leaderboard-inactive"] tr[data-agent="c"]');
    expect(apart?.textContent).toMatch(/stopped by its owner · position frozen/);
    const link = document.querySelector('tr[data-agent="a"] a');
    expect(link?.getAttribute('href')).toBe('#/strategy/a');
  });
});

describe('visibleWindow (leaderboard virtualisation)', () => {
  it('renders the rows in view plus overscan, clamped to the list', () => {
    expect(visibleWindow(200, 0, 480)).toEqual({ start: 0, end: 28 });
    expect(visibleWindow(200, 2400, 480)).toEqual({ start: 92, end: 128 });
    expect(visibleWindow(200, 4700, 480)).toEqual({ start: 187, end: 200 });
  });
  it('renders a first page before the scroller was measured', () => {
    expect(visibleWindow(200, 0, 0)).toEqual({ start: 0, end: 60 });
  });
});

describe('PriceChart', () => {
  it('mounts uPlot under jsdom and follows the store', async () => {
    const session = new MarketSession('ws://127.0.0.1:9/never');
    render(
      <SessionContext.Provider value={session}>
        <PriceChart height={200} />
      </SessionContext.Provider>,
    );
    act(() => {
      for (let t = 1; t <= 5; t++) session.store.apply(tickEvent(t));
    });
    await flush();
    expect(document.querySelector('[data-testid="price-chart"] .uplot')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Live' }).getAttribute('aria-pressed')).toBe('true');
  });
});
