/** Leaderboard columns from an AgentStatsWire (every figure is in each TICK's agent_stats). */
import type { AgentStatsWire } from '../api/types.js';

export interface LeaderboardColumn {
  key: string;
  label: string;
  title: string;
  value: (a: AgentStatsWire) => number | null;
  /** Higher is better (rank direction). */
  higherIsBetter: boolean;
  digits: number;
}

export const LEADERBOARD_COLUMNS: LeaderboardColumn[] = [
  {
    key: 'sharpe_full',
    label: 'Sharpe (full run)',
    title: 'Annualised Sharpe of every per-tick PnL change since the agent joined (anchored at its starting cash); the ranking',
    value: (a) => a.sharpe_full ?? null,
    higherIsBetter: true,
    digits: 2,
  },
  {
    key: 'sharpe',
    label: 'Sharpe (rolling)',
    title: "Annualised Sharpe of per-tick PnL changes over the engine's rolling diagnostics window (diagnostics.window, 250 ticks by default); null until ≥ 50 changes",
    value: (a) => a.sharpe,
    higherIsBetter: true,
    digits: 2,
  },
  { key: 'pnl', label: 'PnL', title: 'Mark-to-market PnL since the agent joined (equity − starting cash), after impact', value: (a) => a.net_pnl, higherIsBetter: true, digits: 2 },
  { key: 'drawdown', label: 'Max DD', title: 'Maximum drawdown of PnL', value: (a) => a.max_drawdown, higherIsBetter: false, digits: 2 },
  { key: 'turnover', label: 'Turnover', title: 'Mean traded qty / max(mean |inventory|, 1)', value: (a) => a.turnover, higherIsBetter: false, digits: 2 },
  { key: 'phi', label: 'Φ', title: 'Per-agent crowding intensity Phi', value: (a) => a.phi, higherIsBetter: false, digits: 3 },
  { key: 'impact', label: 'Impact cost', title: 'Adverse mid move × qty', value: (a) => a.impact_cost, higherIsBetter: false, digits: 2 },
  { key: 'inventory', label: 'Inv', title: 'Inventory (position)', value: (a) => a.inventory, higherIsBetter: true, digits: 0 },
  { key: 'fills', label: 'Fills', title: 'Fill count', value: (a) => a.fill_count, higherIsBetter: true, digits: 0 },
];
