// @vitest-environment jsdom
/**
 * The Strategy page's explanations: Φ on its scale with the band and the most similar agents, the
 * PnL split that adds up, declared beside observed factors, the stats layout with units, and the
 * sandbox report (deployment version, drop reasons, last error at line:column, log tail).
 */
import './dom-stubs.js';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDecaySummary, CrowdingExplain, DeclaredVsObserved, PnlSplitTable, SandboxReport, StatsLayout } from '../src/components/StrategyReport.js';
import { mostSimilar, phiBand, PHI_CROWDED, PHI_MODERATE } from '../src/lib/crowding-scale.js';
import { pnlSplit } from '../src/lib/pnl-split.js';
import { agent } from './fixtures.js';

afterEach(cleanup);

const crowding = { agent_ids: ['me', 'twin', 'far', 'mid'], matrix: [[1, 0.966, -0.2, 0.4], [0.966, 1, 0, 0], [-0.2, 0, 1, 0], [0.4, 0, 0, 1]] };

describe('crowding scale', () => {
  it('bands Φ and lists the most similar agents, best first, without the agent itself', () => {
    expect([phiBand(PHI_MODERATE - 0.01), phiBand(PHI_MODERATE), phiBand(PHI_CROWDED)]).toEqual(['low', 'moderate', 'crowded']);
    expect(mostSimilar(crowding, 'me')).toEqual([
      { agentId: 'twin', similarity: 0.966 },
      { agentId: 'mid', similarity: 0.4 },
      { agentId: 'far', similarity: -0.2 },
    ]);
    expect(mostSimilar(null, 'me')).toEqual([]);
  });
  it('splits PnL into the ledger parts that add up to it', () => {
    const s = pnlSplit(agent('me', { net_pnl: 10, spread_earned: 6, spread_paid: 2, impact_cost: 3 }));
    expect(s).toEqual({ spreadEarned: 6, spreadPaid: 2, spread: 4, impact: -3, direction: 9, net: 10 });
    expect(s.direction + s.spread + s.impact).toBe(10);
  });
});

describe('StrategyReport components', () => {
  it('shows Φ with its scale and the similar agents', () => {
    render(<CrowdingExplain agentId="me" phi={0.72} crowding={crowding} />);
    expect(screen.getByTestId('phi-band').textContent).toBe('crowded');
    expect(screen.getByText(/mean cosine similarity/)).toBeTruthy();
    expect(screen.getByTestId('similar-agents').textContent).toMatch(/twin0\.966/);
  });
  it('lays the stats out with units, sandbox counters and the stop outcome', () => {
    const a = agent('me', { net_pnl: 12.5, extra: { sandbox: true, orders_dropped: 1000, malformed_dropped: 1000, over_cap_dropped: 0, timeout_ms: 120, stop_position: 'flatten', flatten_orders: 3, flatten_qty: 24, flattened_at_tick: 90, position_at_stop: 24 } });
    render(<StatsLayout a={a} />);
    expect(screen.getByTestId('orders-dropped').textContent).toBe('1,000');
    expect(screen.getByTestId('all-dropped').textContent).toMatch(/Every order this strategy sent was dropped/);
    expect(screen.getByText('Time limit').parentElement?.textContent).toMatch(/120 ms per tick/);
    expect(screen.getByTestId('stop-outcome').textContent).toMatch(/flattened with market orders.*24 units/);
  });
  it('shows the PnL split, declared beside observed, and the agent decay fit', () => {
    render(<PnlSplitTable a={agent('me', { net_pnl: -4, impact_cost: 1, spread_earned: 0.5, spread_paid: 2.5 })} />);
    expect(screen.getByTestId('pnl-spread').textContent).toBe('-2.00');
    expect(screen.getByTestId('pnl-impact').textContent).toBe('-1.00');
    expect(screen.getByTestId('pnl-direction').textContent).toBe('-1.00');
    expect(screen.getByTestId('pnl-split').textContent).toMatch(/earned \+0\.50 passive, paid 2\.50 crossing/);
    render(<DeclaredVsObserved declared={[0.5, 1]} observed={[0.1, 0.2, 0.3]} names={['a', 'b', 'c']} />);
    expect(screen.getByTestId('declared-vs-observed').querySelectorAll('tbody tr')).toHaveLength(3);
    render(<AgentDecaySummary decay={{ half_life_ticks: 420, half_life: 3.2, significant: true, r_squared: 0.6, n_samples: 12, reason: null }} />);
    expect(screen.getByTestId('agent-decay').textContent).toMatch(/420 ticks/);
  });
  it('shows the deployed version, drop reasons, the last error at line:column and the log tail', () => {
    render(
      <SandboxReport
        raw={{
          deployment: { strategy_name: 'quoter', strategy_version: 2, params: { size: 3 }, timeout_ms: 120 },
          sandbox_details: {
            drop_reasons: [{ tick: 4, reason: 'order 1: dropped: side is missing; write Side.BID or Side.ASK' }],
            log_tail: [{ tick: 5, line: 'mid 100.1' }],
            log_dropped: 0,
            last_error: { tick: 6, kind: 'error', message: 'error: onTick threw: TypeError: x at line 7:3', line: 7, column: 3, stack: ['onTick (7:3)'] },
          },
        }}
      />,
    );
    expect(screen.getByTestId('deployment').textContent).toMatch(/quoter version 2 with params \{"size":3\}/);
    expect(screen.getByTestId('drop-reasons').textContent).toMatch(/write Side\.BID/);
    expect(screen.getByTestId('last-error').textContent).toMatch(/line 7:3.*at onTick \(7:3\)/s);
    expect(screen.getByTestId('log-tail').textContent).toBe('[5] mid 100.1');
  });
});
