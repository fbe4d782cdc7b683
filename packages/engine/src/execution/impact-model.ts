/**
 * SPEC §3 impact: each fill leg pays `eta * sideMult * agentMult * sqrt(qty)` per unit on top of
 * the resting price. Crowding drives the two multipliers (side pressure and the agent's own Phi),
 * which is how a crowded strategy pays more for the same trade.
 */
export function impactPerUnit(eta: number, sideMultiplier: number, agentMultiplier: number, qty: number): number {
  return eta * sideMultiplier * agentMultiplier * Math.sqrt(qty);
}
