/**
 * Columnar outputs of a run (`crowdalpha run --tables DIR`): what a researcher loads into pandas
 * or polars without parsing JSON events —
 *
 *   ticks    one row per tick: tick, mid, spread, vwap, volatility, regime, lfi, crowding
 *   fills    one row per fill: tick, seq (within the tick), price, qty, buy/sell agent and order, aggressor
 *   agents   one row per agent every `agentEvery` ticks: tick, agent_id, strategy, net_pnl,
 *            inventory, cash, phi, sharpe, impact_cost, fill_count
 *
 * written as CSV or Parquet (the same writers as experiment exports).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { OrderFilledPayload, TickResult } from '@crowdalpha/engine';
import { writeTable, type TableFormat } from './table-writers.js';

type Cell = number | string | null;

const TICK_COLUMNS = ['tick', 'mid', 'spread', 'vwap', 'volatility', 'regime', 'lfi', 'crowding'];
const FILL_COLUMNS = ['tick', 'seq', 'price', 'qty', 'buy_agent_id', 'sell_agent_id', 'buy_order_id', 'sell_order_id', 'aggressor'];
const AGENT_COLUMNS = ['tick', 'agent_id', 'strategy', 'net_pnl', 'inventory', 'cash', 'phi', 'sharpe', 'impact_cost', 'fill_count'];

export class RunTables {
  private readonly ticks: Cell[][] = [];
  private readonly fills: Cell[][] = [];
  private readonly agents: Cell[][] = [];

  constructor(private readonly agentEvery: number) {}

  add(r: TickResult): void {
    const s = r.state;
    this.ticks.push([s.tick, s.mid_price, s.spread, s.vwap, s.volatility, s.regime, s.lfi, s.crowding]);
    let seq = 0;
    for (const e of r.events) {
      if (e.type !== 'ORDER_FILLED') continue;
      const f = e.payload as OrderFilledPayload;
      this.fills.push([f.tick, seq++, f.price, f.qty, f.buy_agent_id, f.sell_agent_id, f.buy_order_id, f.sell_order_id, f.aggressor]);
    }
    if (s.tick % this.agentEvery === 0) {
      for (const a of s.agent_stats) this.agents.push([s.tick, a.agent_id, a.strategy_type, a.net_pnl, a.inventory, a.cash, a.phi, a.sharpe, a.impact_cost, a.fill_count]);
    }
  }

  /** Writes ticks, fills and agents into `dir`; returns the files. */
  write(dir: string, format: TableFormat): string[] {
    mkdirSync(dir, { recursive: true });
    const ext = format === 'parquet' ? 'parquet' : format;
    const out: string[] = [];
    for (const [name, cols, rows] of [['ticks', TICK_COLUMNS, this.ticks], ['fills', FILL_COLUMNS, this.fills], ['agents', AGENT_COLUMNS, this.agents]] as const) {
      const file = path.join(dir, `${name}.${ext}`);
      writeTable(file, format, cols, rows);
      out.push(file);
    }
    return out;
  }
}
