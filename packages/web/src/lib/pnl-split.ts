/**
 * Where an agent's PnL came from, as the engine's ledger splits it (docs/MODEL.md §3, "PnL
 * split"): spread (earned on passive fills − paid on aggressive ones, each against the pre-trade
 * mid of its tick), impact (the temporary impact it paid, as a loss) and direction (what its
 * positions made from price moves: the rest). The three add up to the net PnL.
 */
import type { AgentStatsWire } from '../api/types.js';

export interface PnlSplit {
  spreadEarned: number;
  spreadPaid: number;
  /** spreadEarned − spreadPaid */
  spread: number;
  /** −impact_cost */
  impact: number;
  direction: number;
  net: number;
}

export function pnlSplit(a: Pick<AgentStatsWire, 'net_pnl' | 'spread_earned' | 'spread_paid' | 'impact_cost' | 'direction_pnl'>): PnlSplit {
  return {
    spreadEarned: a.spread_earned,
    spreadPaid: a.spread_paid,
    spread: a.spread_earned - a.spread_paid,
    impact: -a.impact_cost,
    direction: a.direction_pnl,
    net: a.net_pnl,
  };
}
