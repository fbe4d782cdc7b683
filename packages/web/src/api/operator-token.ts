/**
 * The operator token (the server's CROWDALPHA_ADMIN_TOKEN) as this tab knows it. It lives in
 * sessionStorage only: per tab, gone when the tab closes, never in localStorage (which every tab
 * and every later visit would share) and never in the URL (which ends up in history and logs).
 * The dashboard asks for it only after the server answered an operator action with 401.
 */

export const OPERATOR_TOKEN_KEY = 'crowdalpha.operatorToken';

type Listener = () => void;
const listeners = new Set<Listener>();

/**
 * Used when sessionStorage is unavailable (storage disabled, sandboxed iframe): the token then
 * lasts as long as the page, which is still no longer than the tab.
 */
let memoryToken: string | null = null;

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    // some browsers throw on mere access when storage is blocked
    return null;
  }
}

export function getOperatorToken(): string | null {
  const s = storage();
  if (!s) return memoryToken;
  try {
    const v = s.getItem(OPERATOR_TOKEN_KEY);
    return v === null || v === '' ? null : v;
  } catch {
    return memoryToken;
  }
}

/**
 * Stores the token for this tab. Surrounding whitespace is dropped (a pasted token often carries a
 * newline); an empty token or one with inner whitespace is refused, since no Bearer header could
 * carry it.
 */
export function setOperatorToken(token: string): void {
  const t = token.trim();
  if (t === '') throw new Error('The operator token is empty: paste the value of CROWDALPHA_ADMIN_TOKEN the server was started with');
  if (/\s/.test(t)) throw new Error('The operator token contains whitespace: paste only the value of CROWDALPHA_ADMIN_TOKEN, without spaces or line breaks');
  const s = storage();
  memoryToken = t;
  if (s) {
    try {
      s.setItem(OPERATOR_TOKEN_KEY, t);
      memoryToken = null;
    } catch {
      // quota or blocked storage: keep it in memory for this page
    }
  }
  notify();
}

export function clearOperatorToken(): void {
  const had = getOperatorToken() !== null;
  memoryToken = null;
  try {
    storage()?.removeItem(OPERATOR_TOKEN_KEY);
  } catch {
    // nothing stored that could be removed
  }
  if (had) notify();
}

/** The Authorization header for the stored token, or nothing when none is stored. */
export function operatorAuthHeaders(): Record<string, string> {
  const t = getOperatorToken();
  return t === null ? {} : { authorization: `Bearer ${t}` };
}

/** Called after every change made through this module; returns the unsubscribe function. */
export function subscribeOperatorToken(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function notify(): void {
  for (const l of [...listeners]) l();
}
