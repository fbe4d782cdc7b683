/**
 * Non-finite numbers are refused at the edge. `JSON.parse('1e309')` is Infinity, and a query
 * string like `?offset=Infinity` coerces to it; JSON cannot carry Infinity or NaN back out
 * (`JSON.stringify` writes null), so a stored one breaks every later read of the row. Every JSON
 * body and every validated query string, path parameter and header goes through
 * `firstNonFinite`; the WebSocket hub parses its messages the same way.
 */
import { ApiError } from '../errors.js';

/** Deepest nesting walked; deeper documents are refused here rather than overflowing the stack. */
export const MAX_JSON_DEPTH = 64;

export interface NonFinite {
  /** Dotted path of the offending value ("parameters.qty", "[0].x"), '' for the root. */
  path: string;
  /** 'non-finite' for Infinity/NaN, 'depth' for a document nested deeper than MAX_JSON_DEPTH. */
  why: 'non-finite' | 'depth';
}

/** The first non-finite number (or over-deep nesting) in `value`, or null when there is none. */
export function firstNonFinite(value: unknown, depth = 0, path = ''): NonFinite | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, why: 'non-finite' };
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_JSON_DEPTH) return { path, why: 'depth' };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = firstNonFinite(value[i], depth + 1, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const bad = firstNonFinite((value as Record<string, unknown>)[key], depth + 1, path ? `${path}.${key}` : key);
    if (bad) return bad;
  }
  return null;
}

/** The 400 for a value `firstNonFinite` found; `part` is body, querystring, params or headers. */
export function nonFiniteError(found: NonFinite, part: string): ApiError {
  const where = found.path || '(root)';
  if (found.why === 'depth') {
    return new ApiError('CA_ERR_VALIDATION', `${part} is nested more than ${MAX_JSON_DEPTH} levels deep at ${where}; send a flatter document`, {
      field: where,
      rule: 'maxDepth',
    });
  }
  return new ApiError('CA_ERR_VALIDATION', `${part === 'body' ? '' : part + ' '}${where} must be a finite number (got a value too large for a double, e.g. 1e309, or Infinity/NaN)`, {
    field: where,
    rule: 'finite',
  });
}
