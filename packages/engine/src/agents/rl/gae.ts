/**
 * Generalised advantage estimation (Schulman et al., 2016): advantages as the λ-weighted sum of
 * one-step TD errors, and the value targets they imply (return = advantage + value estimate).
 */

export interface GaeResult {
  advantages: Float64Array;
  returns: Float64Array;
}

/**
 * GAE over one trajectory segment of length T.
 *
 * @param rewards r_t for t = 0..T-1
 * @param values V(s_t) as estimated when acting
 * @param dones true when the episode ended after step t (no bootstrap across it)
 * @param lastValue V(s_T), the bootstrap for the step after the segment (ignored if dones[T-1])
 *
 * δ_t = r_t + γ·V(s_{t+1})·(1−done_t) − V(s_t);  A_t = δ_t + γλ·(1−done_t)·A_{t+1}
 */
export function gae(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  dones: ArrayLike<boolean>,
  lastValue: number,
  gamma: number,
  lambda: number,
): GaeResult {
  const T = rewards.length;
  const advantages = new Float64Array(T);
  const returns = new Float64Array(T);
  let next = lastValue;
  let acc = 0;
  for (let t = T - 1; t >= 0; t--) {
    const live = dones[t] ? 0 : 1;
    const v = values[t] as number;
    const delta = (rewards[t] as number) + gamma * next * live - v;
    acc = delta + gamma * lambda * live * acc;
    advantages[t] = acc;
    returns[t] = acc + v;
    next = v;
  }
  return { advantages, returns };
}
