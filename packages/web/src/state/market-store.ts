/**
 * The dashboard's reducer: folds the `/ws/market` event stream (and REST hydration) into bounded
 * chart series. Every series is a ring buffer, so memory stays flat however long the tab is open.
 * No React in here: the binding (use-market.ts) re-renders on `version` changes, coalesced per frame.
 */
import type { AgentStatsWire, AnyMarketEvent, CrowdingMatrixPayload, OrderFilledPayload, OrderSubmittedPayload, TickPayload } from '../api/types.js';
import { REGIMES } from '../api/types.js';
import { RingList, RingSeries } from './ring-series.js';

export interface MarketStoreLimits {
  /** Ticks of price / regime history kept. */
  historyTicks: number;
  /** Trade prints kept for the price chart. */
  prints: number;
  /** Rows of the trades tape. */
  tape: number;
  /** Ticks of per-agent history (PnL, inventory, Phi, impact) kept per agent. */
  agentHistoryTicks: number;
  /** Orders / fills kept for the focused agent. */
  agentLog: number;
  /** Numeric `extra` keys tracked over time per RL agent. */
  rlKeys: number;
  /** A hydration snapshot this many ticks behind the stream is taken as a market reset. */
  resetGapTicks: number;
}

export const DEFAULT_LIMITS: MarketStoreLimits = { historyTicks: 3000, prints: 3000, tape: 80, agentHistoryTicks: 1500, agentLog: 100, rlKeys: 12, resetGapTicks: 50 };

/** The regimes in the contract's order (calmest first): the strip's colour index. */
export { REGIMES };
export function regimeIndex(r: string): number {
  const i = (REGIMES as readonly string[]).indexOf(r);
  return i < 0 ? 0 : i;
}

/** Column layouts of the series. */
export const PRICE = { tick: 0, mid: 1, vwap: 2, spread: 3 } as const;
export const PRINT = { tick: 0, price: 1, qty: 2, side: 3 } as const;
export const HIST = { tick: 0, lfi: 1, regime: 2, crowding: 3, volatility: 4 } as const;
export const AGENT = { tick: 0, pnl: 1, inventory: 2, phi: 3, impact: 4, sharpe: 5 } as const;

export interface AgentOrderRow {
  tick: number;
  orderId: number;
  side: string;
  type: string;
  price: number | null;
  qty: number;
}

export interface AgentFillRow {
  tick: number;
  side: 'BUY' | 'SELL';
  price: number;
  qty: number;
  counterparty: string;
}

export class MarketStore {
  readonly limits: MarketStoreLimits;
  /** Bumped on every change; the React binding watches it. */
  version = 0;
  latest: TickPayload | null = null;
  crowding: CrowdingMatrixPayload | null = null;
  readonly price: RingSeries;
  readonly prints: RingSeries;
  readonly history: RingSeries;
  readonly tape: RingList<OrderFilledPayload>;
  readonly agents = new Map<string, AgentStatsWire>();
  readonly agentSeries = new Map<string, RingSeries>();
  readonly rlSeries = new Map<string, Map<string, RingSeries>>();
  /** Regime transitions (tick, regime), newest last, bounded. */
  readonly regimeChanges: RingList<{ tick: number; regime: string }>;
  focusAgent: string | null = null;
  readonly focusOrders: RingList<AgentOrderRow>;
  readonly focusFills: RingList<AgentFillRow>;
  /** Ticks per second over the last few seconds of wall clock. */
  tickRate = 0;
  resets = 0;
  private readonly tickTimes: RingSeries = new RingSeries(2, 64);
  private readonly onChange: (() => void) | null;

  constructor(limits: Partial<MarketStoreLimits> = {}, onChange: (() => void) | null = null) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.onChange = onChange;
    this.price = new RingSeries(4, this.limits.historyTicks);
    this.prints = new RingSeries(4, this.limits.prints);
    this.history = new RingSeries(5, this.limits.historyTicks);
    this.tape = new RingList(this.limits.tape);
    this.regimeChanges = new RingList(200);
    this.focusOrders = new RingList(this.limits.agentLog);
    this.focusFills = new RingList(this.limits.agentLog);
  }

  get tick(): number {
    return this.latest?.tick ?? -1;
  }

  /** Fold one event. `nowMs` is wall clock, used only for the tick-rate figure. */
  apply(e: AnyMarketEvent, nowMs = 0): void {
    switch (e.type) {
      case 'TICK':
        this.applyTick(e.payload, nowMs);
        break;
      case 'CROWDING_MATRIX_UPDATED':
        this.crowding = e.payload;
        break;
      case 'REGIME_CHANGED':
        this.regimeChanges.push({ tick: e.payload.tick, regime: e.payload.regime });
        break;
      case 'ORDER_SUBMITTED':
        if (e.payload.agent_id === this.focusAgent) this.focusOrders.push(orderRow(e.payload));
        return; // no redraw for the order log alone: the TICK that follows bumps the version
      case 'ORDER_FILLED':
        if (this.focusAgent !== null) this.logFocusFill(e.payload);
        return;
      default:
        return; // PRICE_UPDATED / AGENT_STATE_CHANGED are subsumed by TICK; HEARTBEAT/RESYNC handled by the session
    }
    this.changed();
  }

  /**
   * Hydrate from REST (`/market/snapshot`, `/market/trades`, `/analytics/crowding`) after connect,
   * reconnect or RESYNC. A snapshot older than what we hold means the market was reset.
   */
  hydrate(snapshot: TickPayload | null, trades: OrderFilledPayload[] = [], crowding: CrowdingMatrixPayload | null = null, nowMs = 0): void {
    if (snapshot) {
      // A snapshot far behind what we hold (not just one that raced the stream) means a reset.
      if (this.latest && snapshot.tick + this.limits.resetGapTicks < this.latest.tick) this.reset();
      // Older prints come from /market/trades; the snapshot's own tick brings its fills itself.
      const older = trades.filter((f) => f.tick < snapshot.tick);
      if (this.tape.length === 0) for (const f of older) this.tape.push(f);
      if (this.prints.length === 0) for (const f of older) this.prints.push(f.tick, f.price, f.qty, f.aggressor === 'BID' ? 1 : -1);
      if (!this.latest || snapshot.tick > this.latest.tick) this.applyTick(snapshot, nowMs, false);
    }
    if (crowding && (!this.crowding || crowding.tick >= this.crowding.tick)) this.crowding = crowding;
    this.changed();
  }

  /**
   * Seed the (empty) regime/LFI history from REST after a page load: LFI per tick from
   * /analytics/fragility and the regime transitions from /analytics/regime. Crowding and
   * volatility are unknown for those ticks (NaN: drawn as gaps), never invented.
   */
  backfillHistory(lfi: ReadonlyArray<{ tick: number; lfi: number }>, changes: ReadonlyArray<{ tick: number; regime: string }>): void {
    if (lfi.length === 0) return;
    // live ticks may already have arrived while REST answered: keep them after the backfill
    const live = this.history.columns();
    const firstLive = this.history.length > 0 ? this.history.get(HIST.tick, 0) : Number.POSITIVE_INFINITY;
    if (this.history.length > 0 && (lfi[0]?.tick ?? Infinity) >= firstLive) return;
    this.history.clear();
    const sortedChanges = [...changes].sort((a, b) => a.tick - b.tick);
    let k = -1;
    for (const p of lfi) {
      if (p.tick >= firstLive) break;
      while (k + 1 < sortedChanges.length && (sortedChanges[k + 1] as { tick: number }).tick <= p.tick) k++;
      const regime = k >= 0 ? (sortedChanges[k] as { regime: string }).regime : 'CALM';
      this.history.push(p.tick, p.lfi, regimeIndex(regime), NaN, NaN);
    }
    const n = live[0]?.length ?? 0;
    for (let i = 0; i < n; i++) this.history.push(...live.map((c) => c[i] as number));
    this.changed();
  }

  /** Forget all series (market reset or a new simulation). */
  reset(): void {
    this.latest = null;
    this.crowding = null;
    this.price.clear();
    this.prints.clear();
    this.history.clear();
    this.tape.clear();
    this.agents.clear();
    this.agentSeries.clear();
    this.rlSeries.clear();
    this.regimeChanges.clear();
    this.focusOrders.clear();
    this.focusFills.clear();
    this.tickTimes.clear();
    this.resets++;
    this.changed();
  }

  setFocus(agentId: string | null): void {
    if (agentId === this.focusAgent) return;
    this.focusAgent = agentId;
    this.focusOrders.clear();
    this.focusFills.clear();
    this.changed();
  }

  private applyTick(t: TickPayload, nowMs: number, fromStream = true): void {
    if (this.latest && t.tick <= this.latest.tick) {
      if (t.tick === this.latest.tick || !fromStream) return; // duplicate, or a snapshot that raced the stream
      this.reset(); // the live stream is ordered: a tick going backwards means the market was reset
    }
    this.latest = t;
    this.price.push(t.tick, t.mid_price, t.vwap, t.spread ?? NaN);
    this.history.push(t.tick, t.lfi, regimeIndex(t.regime), t.crowding, t.volatility);
    if (this.regimeChanges.length === 0) this.regimeChanges.push({ tick: t.tick, regime: t.regime });
    {
      for (const f of t.recent_fills) {
        if (f.tick !== t.tick) continue; // recent_fills may repeat earlier ticks' prints
        this.prints.push(f.tick, f.price, f.qty, f.aggressor === 'BID' ? 1 : -1);
        this.tape.push(f);
      }
    }
    for (const a of t.agent_stats) {
      this.agents.set(a.agent_id, a);
      let s = this.agentSeries.get(a.agent_id);
      if (!s) {
        s = new RingSeries(6, this.limits.agentHistoryTicks);
        this.agentSeries.set(a.agent_id, s);
      }
      s.push(t.tick, a.net_pnl, a.inventory, a.phi, a.impact_cost, a.sharpe ?? NaN);
      if (a.strategy_type.startsWith('rl')) this.recordRl(a, t.tick);
    }
    if (nowMs > 0) {
      this.tickTimes.push(nowMs, t.tick);
      const n = this.tickTimes.length;
      if (n >= 2) {
        const dt = (this.tickTimes.get(0, n - 1) - this.tickTimes.get(0, 0)) / 1000;
        const dTicks = this.tickTimes.get(1, n - 1) - this.tickTimes.get(1, 0);
        this.tickRate = dt > 0 ? dTicks / dt : 0;
      }
    }
  }

  private recordRl(a: AgentStatsWire, tick: number): void {
    let byKey = this.rlSeries.get(a.agent_id);
    if (!byKey) {
      byKey = new Map();
      this.rlSeries.set(a.agent_id, byKey);
    }
    for (const [k, v] of Object.entries(a.extra)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      let s = byKey.get(k);
      if (!s) {
        if (byKey.size >= this.limits.rlKeys) continue;
        s = new RingSeries(2, this.limits.agentHistoryTicks);
        byKey.set(k, s);
      }
      if (s.last(0) !== tick) s.push(tick, v);
    }
  }

  private logFocusFill(f: OrderFilledPayload): void {
    if (f.buy_agent_id === this.focusAgent) this.focusFills.push({ tick: f.tick, side: 'BUY', price: f.price, qty: f.qty, counterparty: f.sell_agent_id });
    if (f.sell_agent_id === this.focusAgent) this.focusFills.push({ tick: f.tick, side: 'SELL', price: f.price, qty: f.qty, counterparty: f.buy_agent_id });
  }

  private changed(): void {
    this.version++;
    this.onChange?.();
  }
}

function orderRow(o: OrderSubmittedPayload): AgentOrderRow {
  return { tick: o.tick, orderId: o.order_id, side: o.side, type: o.order_type, price: o.price, qty: o.qty };
}

