// CrowdAlpha strategy SDK: globals available inside the sandbox (no imports needed or allowed).
type Side = 'BID' | 'ASK';
type OrderType = 'LIMIT' | 'MARKET' | 'CANCEL';
declare const Side: { readonly BID: 'BID'; readonly ASK: 'ASK' };
declare const OrderType: { readonly LIMIT: 'LIMIT'; readonly MARKET: 'MARKET'; readonly CANCEL: 'CANCEL' };

/** An order a strategy returns from onTick. LIMIT needs price; CANCEL needs cancelTarget (an id from state.openOrders). */
interface OrderIntent {
  side: Side;
  type: OrderType;
  /** Rounded to an integer and clamped to [1, 200]. */
  qty: number;
  price?: number | null;
  cancelTarget?: number | null;
}
interface BookLevel { price: number; qty: number; orders: number }
interface DepthSnapshot { bids: BookLevel[]; asks: BookLevel[]; bestBid: number | null; bestAsk: number | null; mid: number | null; spread: number | null }
interface Fill { tick: number; buyOrderId: number; sellOrderId: number; buyAgentId: string; sellAgentId: string; price: number; qty: number; aggressor: Side }
interface OpenOrder { orderId: number; side: Side; price: number; qty: number; tick: number }
/** Everything the strategy may see at the start of a tick (a fresh copy every call). */
interface MarketState {
  tick: number;
  /** Simulated clock, ns. */
  timestamp: number;
  mid: number;
  bestBid: number | null;
  bestAsk: number | null;
  spread: number | null;
  depth: DepthSnapshot;
  recentTrades: Fill[];
  /** Past mids, oldest first. */
  priceHistory: number[];
  volatility: number;
  vwap: number;
  tickSize: number;
  agentId: string;
  position: number;
  cash: number;
  pnl: number;
  openOrders: OpenOrder[];
  crowding: { intensity: number; phi: number; sidePressure: number; buyImpactMultiplier: number; sellImpactMultiplier: number; agentImpactMultiplier: number };
  /** Permanent price impact of aggressive flow: the previous tick's shift and the total since the start (price units). */
  impact: { lastShift: number; cumulativeShift: number };
}
interface StrategyRandom { next(): number; uniform(lo: number, hi: number): number; int(lo: number, hi: number): number; normal(mean?: number, std?: number): number }

/** Extend exactly one class from this. Constructor options are the deploy config's params. */
declare abstract class BaseAgent<Options extends Record<string, unknown> = Record<string, unknown>> {
  constructor(options?: Options);
  readonly options: Options;
  readonly params: Options;
  /** Seeded random stream (Math.random is seeded too). */
  readonly random: StrategyRandom;
  /** Simulation time of the current tick, ms (Date.now() returns the same). */
  readonly now: number;
  /** Called every tick; return at most 12 orders (more are dropped). Must be synchronous. */
  abstract onTick(state: MarketState): OrderIntent[];
  /** Self-described behaviour, up to 16 numbers (informational). */
  factorVector(): number[];
}
declare function limit(side: Side, price: number, qty: number): OrderIntent;
declare function market(side: Side, qty: number): OrderIntent;
declare function cancel(orderId: number, side?: Side): OrderIntent;
declare const Orders: { limit: typeof limit; market: typeof market; cancel: typeof cancel };
/** Captured (size-capped) and shown by `crowdalpha backtest` and as the log tail of the agent's stats. */
declare const console: { log(...args: unknown[]): void; info(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void; debug(...args: unknown[]): void };
