/** Per-agent figures as sent on the wire (TICK.agent_stats, leaderboard, /strategies/{id}/stats). */
import { Type, type Static } from '@sinclair/typebox';
import { AGENT_STATUSES } from './constants.js';
import { Int, JsonObject, Nullable, Num, Obj, Scalar, Str } from './kit.js';

const NNum = (description: string) => Nullable(Num(), description);

/**
 * One agent's accounting, status and risk figures. The risk figures (sortino … avg_fill_size) are
 * where the original API put them; they are null while analytics are off.
 */
export const AgentStatsWire = Obj({
  agent_id: Str(),
  strategy_type: Str('built-in type or registered user strategy name'),
  status: Type.Union(AGENT_STATUSES.map((s) => Type.Literal(s))),
  status_reason: Nullable(Str(), 'why the agent went silent (stopped, sandbox fault), null while active'),
  cash: Num(),
  inventory: Num(),
  pnl: Num('cash + inventory * mid (starting capital included)'),
  net_pnl: Num('pnl less the starting capital'),
  realized_pnl: Num(),
  total_buy_qty: Num(),
  total_sell_qty: Num(),
  fill_count: Int(),
  orders_submitted: Int(),
  orders_rejected: Int(),
  impact_cost: Num('execution impact paid (the ledger)'),
  spread_earned: Num('PnL split: (pre-trade mid − price) × signed qty over passive fills (docs/MODEL.md §3)'),
  spread_paid: Num('PnL split: (price − pre-trade mid) × signed qty over aggressive fills'),
  direction_pnl: Num('PnL split: net_pnl − (spread_earned − spread_paid) + impact_cost, what positions made from price moves'),
  phi: Num("the agent's crowding intensity Phi_i"),
  sharpe: NNum('rolling (last diagnostics.window ticks), annualised by simulated trading time'),
  sharpe_full: NNum('full run (since the agent joined), same definition'),
  sortino: NNum('annualised Sortino over the diagnostics window'),
  max_drawdown: NNum('largest peak-to-trough PnL drop over the window'),
  turnover: NNum('mean traded qty / max(mean |inventory|, 1)'),
  spread_cost: NNum('sum |price - pre-trade mid| * qty on the paying side'),
  market_impact_cost: NNum('adverse mid move after its fills * qty'),
  kurtosis: NNum('excess kurtosis of PnL changes'),
  vol_autocorr: NNum('lag-1 autocorrelation of |PnL change|'),
  hit_rate: NNum('share of positive PnL changes among non-zero ones'),
  avg_fill_size: NNum('mean fill quantity'),
  extra: Type.Record(Type.String(), Nullable(Scalar()), {
    description: 'per-agent extras by name: sandbox counters of sandboxed agents, learner diagnostics of learning agents, max_drawdown/turnover on the leaderboard',
  }),
});
export type AgentStatsWire = Static<typeof AgentStatsWire>;

/** The full diagnostics of one agent (GET /strategies/{id}/stats → diagnostics). */
export const AgentDiagnosticsWire = Obj({
  pnl: Num(),
  sharpe: NNum('annualised'),
  sortino: NNum('annualised'),
  max_drawdown: Num(),
  hit_rate: NNum(''),
  excess_kurtosis: NNum(''),
  abs_change_autocorr: NNum(''),
  turnover: Num(),
  spread_cost: Num(),
  impact_cost: Num('adverse mid move * qty'),
  fill_count: Int(),
  avg_fill_size: Num(),
  inventory: Num(),
  window_changes: Int('PnL changes in the window'),
  phi: Num(),
  crowding_exposure: Num('cumulative crowding exposure (the alpha-decay x axis)'),
  sharpe_proxy: NNum('per-tick Sharpe proxy used by the alpha-decay fit'),
});
export type AgentDiagnosticsWire = Static<typeof AgentDiagnosticsWire>;

/** One agent in AGENT_STATE_CHANGED.agents (as the original sends it, plus status). */
export const AgentStateWire = Obj({
  agent_id: Str(),
  cash: Num(),
  inventory: Num(),
  pnl: Num(),
  fill_count: Int(),
  total_buy_qty: Num(),
  total_sell_qty: Num(),
  status: Type.Union(AGENT_STATUSES.map((s) => Type.Literal(s))),
});
export type AgentStateWire = Static<typeof AgentStateWire>;
