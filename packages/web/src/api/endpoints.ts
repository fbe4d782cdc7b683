/**
 * Where the API and the WebSocket live. Defaults to the origin that served the page (the server
 * serves this app at `/`); `VITE_API_URL` / `VITE_WS_URL` override at build time.
 */

export interface Endpoints {
  api: string;
  ws: string;
}

/** Pure resolution so it can be tested without a browser. */
export function resolveEndpoints(origin: string, apiOverride?: string, wsOverride?: string): Endpoints {
  const api = (apiOverride && apiOverride.trim() !== '' ? apiOverride : origin).replace(/\/+$/, '');
  let ws: string;
  if (wsOverride && wsOverride.trim() !== '') ws = wsOverride;
  else ws = api.replace(/^http(s?):\/\//, (_m, s: string) => `ws${s}://`) + '/ws/market';
  return { api, ws };
}

let cached: Endpoints | null = null;

export function endpoints(): Endpoints {
  if (cached) return cached;
  const env = import.meta.env as Record<string, string | undefined>;
  const origin = typeof location !== 'undefined' ? location.origin : 'http://localhost:8000';
  cached = resolveEndpoints(origin, env.VITE_API_URL, env.VITE_WS_URL);
  return cached;
}

export function apiUrl(path: string): string {
  return endpoints().api + path;
}
