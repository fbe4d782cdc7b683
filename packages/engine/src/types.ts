/**
 * Shared value types of the engine: orders as agents submit them, fills, book snapshots, the
 * per-agent MarketState, and the per-tick state. Everything here is plain JSON-serialisable data
 * so the same shapes cross the WebSocket, the sandbox boundary and the store.
 */

export type Side = 'BID' | 'ASK';
export type OrderType = 'LIMIT' | 'MARKET' | 'CANCEL';

export const SIDES: readonly Side[] = ['BID', 'ASK'];
export const ORDER_TYPES: readonly OrderType[] = ['LIMIT', 'MARKET', 'CANCEL'];

/**
 * What an agent asks for. LIMIT needs `price`; MARKET ignores it; CANCEL needs `cancelTarget`
 * (an order id the agent saw in `MarketState.openOrders`) and ignores price/qty.
 */
export interface OrderIntent {
  side: Side;
  type: OrderType;
  qty: number;
  price?: number | null;
  cancelTarget?: number | null;
}

/** An order after the engine stamped it: the shape of ORDER_SUBMITTED. */
export interface Order {
  tick: number;
  orderId: number;
  agentId: string;
  side: Side;
  orderType: OrderType;
  price: number | null;
  qty: number;
  cancelTarget: number | null;
}

/** One execution; `price` is the resting order's price. The shape of ORDER_FILLED. */
export interface Fill {
  tick: number;
  buyOrderId: number;
  sellOrderId: number;
  buyAgentId: string;
  sellAgentId: string;
  price: number;
  qty: number;
  /** Side of the incoming (taking) order. */
  aggressor: Side;
  /** ns timestamp of the tick it happened in (absent in checkpoints written before it existed). */
  timestamp?: number;
}

export interface BookLevel {
  price: number;
  qty: number;
  orders: number;
}

/** Top-N levels per side, aggregated by price: bids high→low, asks low→high. */
export interface DepthSnapshot {
  bids: BookLevel[];
  asks: BookLevel[];
  bestBid: number | null;
  bestAsk: number | null;
  mid: number | null;
  spread: number | null;
}

/** A resting order of the agent itself, so it can cancel or amend. */
export interface OpenOrder {
  orderId: number;
  side: Side;
  price: number;
  qty: number;
  tick: number;
}

/** An agent's crowding figures as it sees them (from the previous tick). */
export interface CrowdingView {
  intensity: number;
  phi: number;
  sidePressure: number;
  buyImpactMultiplier: number;
  sellImpactMultiplier: number;
  agentImpactMultiplier: number;
}

/**
 * The permanent part of price impact (docs/MODEL.md, "Execution and impact"): each aggressive fill
 * moves the market's reference price by `impact.permanentShare` × the aggressor's amplified
 * per-unit impact, up for buys and down for sells. Liquidity providers and fundamental traders
 * quote around that reference, which is how crowded flow reaches prices. Price units.
 */
export interface ImpactView {
  /** The shift of the previous tick (sum over its aggressive fills). */
  lastShift: number;
  /** Every shift since the run started: how far aggressive flow has moved the reference price. */
  cumulativeShift: number;
}

/**
 * Everything one agent may see at the start of a tick. Agents never hold the book: this is the
 * only input to `onTick`, and it is plain data.
 */
export interface MarketState {
  tick: number;
  /** Simulated clock, ns since the run's start clock value (never wall-clock inside the engine). */
  timestamp: number;
  mid: number;
  bestBid: number | null;
  bestAsk: number | null;
  spread: number | null;
  depth: DepthSnapshot;
  recentTrades: Fill[];
  /** Mids of past ticks, oldest first, bounded (the agent's lookback). */
  priceHistory: number[];
  volatility: number;
  vwap: number;
  tickSize: number;
  agentId: string;
  position: number;
  cash: number;
  pnl: number;
  openOrders: OpenOrder[];
  /** Crowding figures from the previous tick. */
  crowding: CrowdingView;
  /** Impact this agent has paid so far, as the engine's ledger charged it (already inside `pnl`). */
  impactPaid?: number;
  /** Permanent impact of the previous tick and since the start (price units; see ImpactView). */
  impact: ImpactView;
}

/** Per-agent accounting (docs/MODEL.md §3) and its summary statistics. */
export interface AgentStats {
  agentId: string;
  strategy: string;
  status: 'active' | 'silenced';
  statusReason: string | null;
  cash: number;
  inventory: number;
  /** docs/MODEL.md §3: cash + inventory × mid (includes the starting cash). */
  pnl: number;
  /** pnl − initial cash: what the agent has made or lost since it joined. */
  netPnl: number;
  realizedPnl: number;
  totalBuyQty: number;
  totalSellQty: number;
  fillCount: number;
  ordersSubmitted: number;
  ordersRejected: number;
  impactCost: number;
  /**
   * The PnL split (docs/MODEL.md §3): spread earned on passive fills and paid on aggressive ones,
   * each against the pre-trade mid of the fill's tick; `directionPnl` is the rest of netPnl once
   * spread (earned − paid) and impact (−impactCost) are taken out, so the three add up to netPnl.
   */
  spreadEarned: number;
  spreadPaid: number;
  directionPnl: number;
  phi: number;
  /**
   * Rolling Sharpe: mean / std (ddof 1) of the agent's last `diagnostics.window` (250) per-tick PnL
   * changes × sqrt(ticks per simulated trading year) (docs/MODEL.md, "Sharpe"); same sign as the
   * PnL change over that window. Null until `diagnostics.minSharpeChanges` changes.
   */
  sharpe: number | null;
  /** The same over every tick since the agent joined: same sign as its net PnL. */
  sharpeFull: number | null;
  /** Free-form figures an analytics module or the sandbox adds (drawdown, sandbox counters, ...). */
  extra: Record<string, number | string | boolean | null>;
}
