/**
 * Leaderboard ordering without flicker: ranks by score (higher first, nulls last, ties by id), but
 * an agent only overtakes the one above it when it leads by more than `epsilon`. Near-ties therefore
 * keep yesterday's order instead of swapping back and forth at 10 Hz.
 */
export interface StableOrderOptions {
  /** Absolute lead needed to overtake. */
  epsilon: number;
  /** Lead needed relative to the overtaken score's magnitude (the larger of both applies). */
  relative: number;
}

export const DEFAULT_STABLE_ORDER: StableOrderOptions = { epsilon: 0.02, relative: 0.01 };

export type Score = number | null;

function compareFresh(a: string, b: string, score: (id: string) => Score): number {
  const sa = score(a);
  const sb = score(b);
  if (sa === null && sb === null) return a < b ? -1 : a > b ? 1 : 0;
  if (sa === null) return 1;
  if (sb === null) return -1;
  if (sa !== sb) return sb - sa;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `a` should move above `b`. */
function overtakes(a: Score, b: Score, opts: StableOrderOptions): boolean {
  if (a === null) return false;
  if (b === null) return true;
  return a - b > Math.max(opts.epsilon, opts.relative * Math.abs(b));
}

/**
 * New order of `ids` given the previous order. Ids no longer present drop out; new ids enter at
 * their fresh rank. Runs an insertion sort with the hysteresis rule: O(n) when nothing moved.
 */
export function stableOrder(prev: readonly string[], ids: readonly string[], score: (id: string) => Score, opts: StableOrderOptions = DEFAULT_STABLE_ORDER): string[] {
  const present = new Set(ids);
  const kept = prev.filter((id) => present.has(id));
  const keptSet = new Set(kept);
  const fresh = ids.filter((id) => !keptSet.has(id)).sort((a, b) => compareFresh(a, b, score));
  // merge newcomers into the kept order at their strict rank
  const out: string[] = [];
  let i = 0;
  for (const id of kept) {
    while (i < fresh.length && compareFresh(fresh[i] as string, id, score) < 0) out.push(fresh[i++] as string);
    out.push(id);
  }
  while (i < fresh.length) out.push(fresh[i++] as string);
  for (let k = 1; k < out.length; k++) {
    const id = out[k] as string;
    const s = score(id);
    let j = k;
    while (j > 0 && overtakes(s, score(out[j - 1] as string), opts)) {
      out[j] = out[j - 1] as string;
      j--;
    }
    out[j] = id;
  }
  return out;
}
