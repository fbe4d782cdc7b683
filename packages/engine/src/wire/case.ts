/**
 * Key-case conversion at the wire boundary. The engine's configuration and agent parameters are
 * camelCase TypeScript; the wire is snake_case. Converting here (rather than renaming engine
 * keys) keeps every engine key — including ones added later — reachable under a derived name.
 */

/** `fastBase` → `fast_base`, `rlPpo` → `rl_ppo`, `ticksPerYear` → `ticks_per_year`; snake stays snake. */
export function snakeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** `fast_base` → `fastBase`; camel stays camel. */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function mapKeys(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => mapKeys(x, f));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[f(k)] = mapKeys(x, f);
  return out;
}

/** A deep copy with every object key in snake_case. */
export function toSnakeKeys<T = unknown>(v: unknown): T {
  return mapKeys(v, snakeKey) as T;
}

/** A deep copy with every object key in camelCase (what the engine's config and agents read). */
export function toCamelKeys<T = unknown>(v: unknown): T {
  return mapKeys(v, camelKey) as T;
}
