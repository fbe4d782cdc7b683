/**
 * "Did you mean" for strategy authors: the closest known name to a misspelt one, and the names
 * the original (Python-era) API used, mapped to what to write in this SDK.
 */

/** Names from the original API (and common guesses) and what the SDK spells instead. */
export const SDK_RENAMES: Readonly<Record<string, string>> = {
  BUY: 'BID',
  SELL: 'ASK',
  Buy: 'BID',
  Sell: 'ASK',
  buy: 'BID',
  sell: 'ASK',
  order_type: 'type',
  cancel_target: 'cancelTarget',
  quantity: 'qty',
  inventory: 'position',
  price_history: 'priceHistory',
  recent_trades: 'recentTrades',
  open_orders: 'openOrders',
};

/** snake_case → camelCase (`best_bid` → `bestBid`). */
export function snakeToCamel(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, capped: returns `cap + 1` as soon as the distance must exceed `cap`. */
export function editDistance(a: string, b: string, cap = 8): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > cap) return cap + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/**
 * The candidate `name` most likely meant: a documented rename, its camelCase spelling, a
 * case-insensitive match, or the nearest by edit distance (at most a third of its length, min 2).
 * Null when nothing is close.
 */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  if (list.length === 0) return null;
  const renamed = SDK_RENAMES[name];
  if (renamed && list.includes(renamed)) return renamed;
  const camel = snakeToCamel(name);
  if (camel !== name && list.includes(camel)) return camel;
  const lower = name.toLowerCase();
  const ci = list.find((c) => c.toLowerCase() === lower || c.toLowerCase() === camel.toLowerCase());
  if (ci) return ci;
  const cap = Math.max(2, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestD = cap + 1;
  for (const c of list) {
    const d = editDistance(lower, c.toLowerCase(), cap);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
