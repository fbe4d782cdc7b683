/** Thin fetch wrapper: JSON in/out, errors carry the server's status and body. */
import { apiUrl } from './endpoints.js';

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown, path: string) {
    super(`${path} answered ${status}: ${describeBody(body)}`);
    this.status = status;
    this.body = body;
  }
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
  const res = await fetch(apiUrl(path), signal ? { signal } : {});
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

export async function postJson(path: string, payload: unknown): Promise<unknown> {
  const res = await fetch(apiUrl(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload ?? {}),
  });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}
