/**
 * The operator token (the server's CROWDALPHA_ADMIN_TOKEN) as this tab knows it. It lives in
 * sessionStorage only: per tab, gone when the tab closes, never in localStorage (which every tab
 * and every later visit would share) and never in the URL (which ends up in history and logs).
 * The dashboard asks for it only after the server answered an operator action with 401.
 */

import { createSecretStore } from './secret-store.js';

export const OPERATOR_TOKEN_KEY = 'crowdalpha.operatorToken';

// One entry (name '') under OPERATOR_TOKEN_KEY; where sessionStorage is blocked the token lasts as
// long as the page, which is still no longer than the tab.
const store = createSecretStore({
  storage: () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage),
  keyPrefix: OPERATOR_TOKEN_KEY,
  what: 'operator token',
  source: 'the value of CROWDALPHA_ADMIN_TOKEN the server was started with',
});

export function getOperatorToken(): string | null {
  return store.get('');
}

/**
 * Stores the token for this tab. Surrounding whitespace is dropped (a pasted token often carries a
 * newline); an empty token or one with inner whitespace is refused, since no Bearer header could
 * carry it.
 */
export function setOperatorToken(token: string): void {
  store.set('', token);
}

export function clearOperatorToken(): void {
  store.remove('');
}

/** The Authorization header for the stored token, or nothing when none is stored. */
export function operatorAuthHeaders(): Record<string, string> {
  const t = getOperatorToken();
  return t === null ? {} : { authorization: `Bearer ${t}` };
}

/** Called after every change made through this module; returns the unsubscribe function. */
export const subscribeOperatorToken = store.subscribe;
