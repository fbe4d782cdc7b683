/**
 * Thin fetch wrapper: JSON in/out, errors carry the server's status and body. When this tab is
 * signed in (an API key or the operator token, api/credential.ts), every request carries the key
 * as `Authorization: Bearer …`; without one the requests are exactly as before (no header, so no
 * CORS preflight for GETs either).
 */
import { apiUrl } from './endpoints.js';
import { credentialHeaders, getCredential } from './credential.js';

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

/** The server wants a key (none was sent, or the one sent is not valid). */
export function isUnauthorized(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 401 || err.code === 'CA_ERR_UNAUTHORIZED');
}

/** The server knows who is asking and refuses: the key's role or ownership does not allow this. */
export function isForbidden(err: unknown): err is ApiError {
  return err instanceof ApiError && (err.status === 403 || err.code === 'CA_ERR_FORBIDDEN');
}

/** The server's own message (without the "path answered status" prefix). */
export function serverMessage(err: ApiError): string {
  return describeBody(err.body);
}

/**
 * What to tell a person about a failed request: 401 and 403 say what to do about them (sign in,
 * sign in again, ask an admin), with the server's reason; anything else is the error's message.
 */
export function describeError(err: unknown, action = 'do that'): string {
  if (isUnauthorized(err)) {
    const why = serverMessage(err);
    return getCredential() === null
      ? `Sign in to ${action}: this server needs an API key for it (open Mine to sign in). The server said: ${why}`
      : `The server did not accept this tab's key to ${action} (revoked, rotated or mistyped?): sign in again on Mine. The server said: ${why}`;
  }
  if (isForbidden(err)) return `Not allowed: your key may not ${action}. The server said: ${serverMessage(err)}`;
  return err instanceof Error ? err.message : String(err);
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
  const headers = credentialHeaders();
  const res = await fetch(apiUrl(path), { headers, ...(signal ? { signal } : {}) });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

/** `headers` adds to (and may override) the defaults, e.g. an agent's `x-manage-key`. */
export async function postJson(path: string, payload: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentialHeaders(), ...headers },
    body: JSON.stringify(payload ?? {}),
  });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

/** DELETE with this tab's key when one is stored; resolves with the JSON answer. */
export async function deleteJson(path: string): Promise<unknown> {
  const res = await fetch(apiUrl(path), { method: 'DELETE', headers: credentialHeaders() });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}
