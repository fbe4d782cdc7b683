/**
 * Thin fetch wrapper: JSON in/out, errors carry the server's status and body. When this tab holds
 * an operator token, every request carries it as `Authorization: Bearer …`; without one the
 * requests are exactly as before (no header, so no CORS preflight for GETs either).
 */
import { apiUrl } from './endpoints.js';
import { operatorAuthHeaders } from './operator-token.js';

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, path: string) {
    super(`${path} answered ${status}: ${describeBody(body)}`);
    this.status = status;
    this.body = body;
  }

  /** The server's error code (`CA_ERR_…`), when the body has one. */
  get code(): string | null {
    const b = this.body;
    if (!b || typeof b !== 'object') return null;
    const inner = (b as Record<string, unknown>).error;
    const code = inner && typeof inner === 'object' ? (inner as Record<string, unknown>).code : (b as Record<string, unknown>).code;
    return typeof code === 'string' ? code : null;
  }
}

/** The server wants the operator token (none was sent, or the one sent is wrong). */
export function isUnauthorized(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 401 || err.code === 'CA_ERR_UNAUTHORIZED');
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const inner = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : null;
    const msg = inner?.message ?? b.message ?? b.error ?? b.detail;
    if (typeof msg === 'string') return msg;
  }
  return typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body)?.slice(0, 200) ?? '';
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const headers = operatorAuthHeaders();
  const res = await fetch(apiUrl(path), { headers, ...(signal ? { signal } : {}) });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

/** `headers` adds to (and may override) the defaults, e.g. an agent's `x-manage-key`. */
export async function postJson(path: string, payload: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...operatorAuthHeaders(), ...headers },
    body: JSON.stringify(payload ?? {}),
  });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

/** DELETE with the operator token when one is stored; resolves with the JSON answer. */
export async function deleteJson(path: string): Promise<unknown> {
  const res = await fetch(apiUrl(path), { method: 'DELETE', headers: operatorAuthHeaders() });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}
