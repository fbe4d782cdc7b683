/**
 * Side-dependent impact multipliers (docs/MODEL.md §4): crowding makes the whole book thinner, and the side
 * the crowd is leaning on pays more.
 *
 *   ofi           = (buy qty - sell qty) / (buy qty + sell qty) of this tick's non-cancel orders
 *   side_pressure = clip(ofi * max(crowding, 0), -1, 1)
 *   base          = 1 + sideBaseCoef * max(crowding, 0)^2
 *   buy           = clip(base * (1 + sidePressureCoef * max(sp, 0)), min, max)
 *   sell          = clip(base * (1 + sidePressureCoef * max(-sp, 0)), min, max)
 *
 * `crowding` is the previous tick's aggregate intensity.
 */
import type { OrderType, Side } from '../types.js';
import { clip } from '../analytics/stats.js';

export interface SideMultiplierOptions {
  sideBaseCoef: number;
  sidePressureCoef: number;
  sideMultiplierMin: number;
  sideMultiplierMax: number;
}

export interface SideMultipliers {
  buy: number;
  sell: number;
  sidePressure: number;
  orderFlowImbalance: number;
}

/** Order-flow imbalance in [-1, 1] of the non-cancel orders; 0 when there are none. */
export function orderFlowImbalance(orders: readonly { side: Side; type: OrderType; qty: number }[]): number {
  let buy = 0;
  let sell = 0;
  for (const o of orders) {
    if (o.type === 'CANCEL' || !(o.qty > 0)) continue;
    if (o.side === 'BID') buy += o.qty;
    else sell += o.qty;
  }
  const total = buy + sell;
  return total > 0 ? (buy - sell) / total : 0;
}

export function sideMultipliers(ofi: number, crowding: number, opts: SideMultiplierOptions): SideMultipliers {
  const c = Math.max(crowding, 0);
  // `+ 0` turns the -0 of a sell-side imbalance times zero crowding into 0: JSON writes -0 as 0,
  // so a -0 here made reports differ from their own JSON round trip.
  const sp = clip(ofi * c, -1, 1) + 0;
  const base = 1 + opts.sideBaseCoef * c * c;
  const lo = opts.sideMultiplierMin;
  const hi = opts.sideMultiplierMax;
  return {
    buy: clip(base * (1 + opts.sidePressureCoef * Math.max(sp, 0)), lo, hi),
    sell: clip(base * (1 + opts.sidePressureCoef * Math.max(-sp, 0)), lo, hi),
    sidePressure: sp,
    orderFlowImbalance: ofi,
  };
}
