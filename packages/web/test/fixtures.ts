/** Small builders of wire payloads for the web tests (typed by the wire contract, @crowdalpha/engine/wire). */
import type { AgentStatsWire, AnyMarketEvent, OrderFilledPayload, TickPayload } from '../src/api/types.js';

export function agent(id: string, over: Partial<AgentStatsWire> = {}): AgentStatsWire {
  return {
    agent_id: id, strategy_type: id.startsWith('rl') ? 'rl_ppo' : 'momentum', status: 'active', status_reason: null, cash: 0, inventory: 0, pnl: 0,
    realized_pnl: 0, total_buy_qty: 0, total_sell_qty: 0, fill_count: 0, orders_submitted: 0, orders_rejected: 0, impact_cost: 0, phi: 0,
    sharpe: null, sharpe_full: null, sortino: null, max_drawdown: null, turnover: null, spread_cost: null, market_impact_cost: null, kurtosis: null, vol_autocorr: null,
    hit_rate: null, avg_fill_size: null, extra: {}, spread_earned: 0, spread_paid: 0, ...over,
    net_pnl: over.net_pnl ?? over.pnl ?? 0,
    // The engine's split adds up: direction is the rest of net PnL once spread and impact are out.
    direction_pnl:
      over.direction_pnl ?? (over.net_pnl ?? over.pnl ?? 0) - ((over.spread_earned ?? 0) - (over.spread_paid ?? 0)) + (over.impact_cost ?? 0),
  };
}

export function fill(tick: number, price: number, over: Partial<OrderFilledPayload> = {}): OrderFilledPayload {
  return { tick, buy_order_id: tick * 10, sell_order_id: tick * 10 + 1, buy_agent_id: 'a', sell_agent_id: 'b', buy_agent: 'a', sell_agent: 'b', price, qty: 2, aggressor: 'BID', timestamp: tick * 1e8, ...over };
}

export function tickPayload(tick: number, over: Partial<TickPayload> = {}): TickPayload {
  return {
    tick, mid_price: 100 + tick * 0.01, spread: 0.02, vwap: 100, volatility: 0.001, regime: 'CALM', lfi: 0.1, lfi_near_depth_ratio: 0.3,
    lfi_alert: 'NORMAL', crowding: 0.2, impact_shift: 0, impact_shift_total: 0,
    order_book: { bids: [[99.99, 5, 1]], asks: [[100.01, 7, 2]], best_bid: 99.99, best_ask: 100.01, mid_price: 100, spread: 0.02 },
    recent_fills: [], agent_stats: [], ...over,
  };
}

export function tickEvent(tick: number, over: Partial<TickPayload> = {}): AnyMarketEvent {
  return { schema_version: 1, type: 'TICK', timestamp: tick * 1e8, payload: tickPayload(tick, over) };
}
