/** GET /market/{metrics,trades,snapshot}: the market's figures, tape and last TICK. */
import { Type, type Static } from '@sinclair/typebox';
import { FillWire, TickEventWire } from './events.js';
import { Int, Nullable, Num, Obj, Str } from './kit.js';

export const MetricsWire = Obj({
  tick: Int(),
  mid_price: Num(),
  spread: Nullable(Num()),
  best_bid: Nullable(Num()),
  best_ask: Nullable(Num()),
  last_price: Nullable(Num()),
  vwap: Num(),
  volatility: Num(),
  regime: Str(),
  lfi: Num(),
  lfi_alert: Str(),
  crowding: Num('crowding_intensity'),
  impact_shift: Num('permanent impact of the last tick (price units)'),
  impact_shift_total: Num('permanent impact since the start'),
  total_volume: Num(),
  fill_count: Int(),
  resting_orders: Int(),
  agents: Int(),
  active_agents: Int(),
});
export type MetricsWire = Static<typeof MetricsWire>;

export const TradesResponse = Obj({ tick: Int(), count: Int(), fills: Type.Array(FillWire, { description: 'oldest first' }) });
export type TradesResponse = Static<typeof TradesResponse>;

/** GET /market/snapshot: the latest TICK event, envelope included. */
export const MarketSnapshotResponse = TickEventWire;
export type MarketSnapshotResponse = Static<typeof MarketSnapshotResponse>;
