/**
 * Price impact of a fill (docs/MODEL.md, "Execution and impact").
 *
 * Temporary: the leg that pays is charged `eta * sideMult * agentMult * sqrt(qty)` per unit on
 * top of the resting price (a buyer pays more, a seller receives less). `agentMult` is
 * clip(1 + kappa * Phi_i): a crowded strategy pays more for the same trade. Who pays is
 * `config.impact.payer`: the aggressor only (default; the resting order trades at its own price)
 * or both legs (the original implementation, where impact was a ledger charge on both sides).
 *
 * Permanent: `config.impact.permanentShare` of the aggressor's amplified per-unit impact moves the
 * reference price that liquidity providers and fundamental traders quote around, up for an
 * aggressive buy and down for an aggressive sell. That is how crowding reaches prices and not
 * only the cash line.
 */
import type { ImpactConfig } from '../config.js';

/** Per-unit temporary impact of a leg. */
export function impactPerUnit(eta: number, sideMultiplier: number, agentMultiplier: number, qty: number): number {
  return eta * sideMultiplier * agentMultiplier * Math.sqrt(qty);
}

/** Per-unit impact charged to the passive (resting) leg whose own per-unit impact would be `makerImpact`. */
export function makerCharge(payer: ImpactConfig['payer'], makerImpact: number): number {
  return payer === 'both_sides' ? makerImpact : 0;
}

/** Signed permanent shift of the reference price from one aggressive fill (price units). */
export function permanentShift(permanentShare: number, takerBuys: boolean, takerImpactPerUnit: number): number {
  const s = permanentShare * takerImpactPerUnit;
  return takerBuys ? s : -s;
}
