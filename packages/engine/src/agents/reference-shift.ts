/**
 * The permanent price impact liquidity providers and fundamental traders quote around (issue #11:
 * the engine's permanent impact component shifts the reference price). Until the engine exposes
 * it in `MarketState`, this reads 0; the ladder maker adds whatever it returns to its quote centre.
 */
import type { MarketState } from '../types.js';

/** The permanent-impact shift of the reference price in `state`, in price units (0 when the engine reports none). */
export function referenceShift(state: MarketState): number {
  const v = (state as unknown as { permanentImpact?: unknown }).permanentImpact;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
