/**
 * The strategy SDK as TypeScript sees it on the host side: the same types and helpers a
 * strategy uses as sandbox globals (see SDK_AMBIENT_DTS), for tooling, tests and docs.
 */
export type { OrderIntent, MarketState, DepthSnapshot, Fill, OpenOrder, BookLevel } from '@crowdalpha/engine';
export { SIDES, ORDER_TYPES } from '@crowdalpha/engine';
import { Rng, type MarketState, type OrderIntent, type Side as SideT, type OrderType as OrderTypeT } from '@crowdalpha/engine';

export type Side = SideT;
export type OrderType = OrderTypeT;

/** Value-level enums matching the sandbox globals `Side` and `OrderType`. */
export const Side = Object.freeze({ BID: 'BID', ASK: 'ASK' } as const);
export const OrderType = Object.freeze({ LIMIT: 'LIMIT', MARKET: 'MARKET', CANCEL: 'CANCEL' } as const);

export function limit(side: SideT, price: number, qty: number): OrderIntent {
  return { side, type: 'LIMIT', price, qty };
}
export function market(side: SideT, qty: number): OrderIntent {
  return { side, type: 'MARKET', qty, price: null };
}
export function cancel(orderId: number, side: SideT = 'BID'): OrderIntent {
  return { side, type: 'CANCEL', qty: 0, price: null, cancelTarget: orderId };
}
export const Orders = Object.freeze({ limit, market, cancel });

/**
 * Host-side twin of the sandbox's `BaseAgent` (same members), so a strategy class can be
 * type-checked or unit-tested in plain Node before upload. The deployed code never sees this
 * class: in the sandbox `BaseAgent` is the prelude's.
 */
export abstract class BaseAgent<Options extends Record<string, unknown> = Record<string, unknown>> {
  readonly options: Options;
  readonly params: Options;
  /** Simulation time of the current tick, ms (set it yourself in a local harness). */
  now = 0;
  readonly random: Pick<Rng, 'next' | 'uniform' | 'int' | 'normal'>;

  constructor(options?: Options, seed = 0) {
    this.options = options ?? ({} as Options);
    this.params = this.options;
    this.random = new Rng(seed);
  }

  abstract onTick(state: MarketState): OrderIntent[];

  factorVector(): number[] {
    return [];
  }
}

export { SDK_AMBIENT_DTS } from './ambient.js';
export { SANDBOX_PRELUDE } from './prelude.js';
