/**
 * The categorical policy head and PPO's clipped surrogate for one sample.
 *
 * Exploration is a mixture: the behaviour policy is π_ε = (1−ε)·softmax(z) + ε/A, so with
 * probability ε the action is uniform. The learner stores log π_ε(a) of the action it took and
 * differentiates log π_ε, so importance ratios stay exact while ε anneals.
 */

/** softmax(logits) into `out`. */
export function softmax(logits: ArrayLike<number>, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let k = 0; k < out.length; k++) max = Math.max(max, logits[k] as number);
  let sum = 0;
  for (let k = 0; k < out.length; k++) {
    const e = Math.exp((logits[k] as number) - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < out.length; k++) out[k] = (out[k] as number) / sum;
  return out;
}

/** π_ε(a) from π(a): the ε-uniform mixture. */
export function mixProb(p: number, epsilon: number, actions: number): number {
  return (1 - epsilon) * p + epsilon / actions;
}

/** Shannon entropy (nats) of a distribution. */
export function entropyOf(probs: ArrayLike<number>): number {
  let h = 0;
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k] as number;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export interface SurrogateSample {
  /** −min(r·A, clip(r)·A) − c_H·H(π): this sample's policy loss. */
  loss: number;
  ratio: number;
  /** True when the clip removed this sample's surrogate gradient. */
  clipped: boolean;
  entropy: number;
  /** log π_ε(a) under the current parameters. */
  logp: number;
}

/**
 * The clipped surrogate of one sample and d(loss)/d(logits) written to `dLogits`.
 *
 * @param probs softmax(logits) of the current policy
 * @param oldLogp log π_ε(a) when the action was taken
 * @param epsilon the exploration mixture weight the action was taken with
 *
 * When r·A is the larger term beyond the clip range (A > 0, r > 1+c or A < 0, r < 1−c), min()
 * picks the constant clip(r)·A and the surrogate's gradient is exactly zero; only the entropy
 * bonus still moves the logits.
 */
export function clippedSurrogate(
  probs: Float64Array,
  action: number,
  oldLogp: number,
  advantage: number,
  clipEpsilon: number,
  entropyCoef: number,
  epsilon: number,
  dLogits: Float64Array,
): SurrogateSample {
  const A = probs.length;
  const pa = probs[action] as number;
  const pMix = mixProb(pa, epsilon, A);
  const logp = Math.log(Math.max(pMix, 1e-12));
  const ratio = Math.exp(logp - oldLogp);
  const lo = 1 - clipEpsilon;
  const hi = 1 + clipEpsilon;
  const rc = ratio < lo ? lo : ratio > hi ? hi : ratio;
  const unclipped = ratio * advantage;
  const clippedTerm = rc * advantage;
  const clipped = clippedTerm < unclipped;
  const h = entropyOf(probs);
  // d log π_ε(a) / d z_k = (1−ε)·π(a)·(δ_ak − π_k) / π_ε(a)
  const scale = clipped ? 0 : (-advantage * ratio * (1 - epsilon) * pa) / Math.max(pMix, 1e-12);
  for (let k = 0; k < A; k++) {
    const p = probs[k] as number;
    const dSurr = scale * ((k === action ? 1 : 0) - p);
    // d(−c·H)/dz_k = c·π_k·(log π_k + H)
    const dEnt = p > 0 ? entropyCoef * p * (Math.log(p) + h) : 0;
    dLogits[k] = dSurr + dEnt;
  }
  return { loss: -Math.min(unclipped, clippedTerm) - entropyCoef * h, ratio, clipped, entropy: h, logp };
}
