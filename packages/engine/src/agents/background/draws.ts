/**
 * Random draws the background agents need beyond `Rng`'s uniform and normal ones. Each takes the
 * agent's own stream, so runs stay reproducible.
 */
import type { Rng } from '../../rng.js';

/** Poisson(lambda) by inversion (lambda is small here: a few arrivals a tick). */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  const u = rng.next();
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/** Geometric number of trials >= 1 with the given mean (>= 1). */
export function geometric(rng: Rng, mean: number): number {
  if (mean <= 1) return 1;
  const p = 1 / mean;
  const u = 1 - rng.next();
  return 1 + Math.floor(Math.log(u) / Math.log(1 - p));
}

/** Pareto(x_min = 1, tail exponent a) rounded down, capped at `max`. */
export function paretoInt(rng: Rng, a: number, max: number): number {
  const u = 1 - rng.next();
  return Math.min(max, Math.floor(Math.pow(u, -1 / a)));
}
