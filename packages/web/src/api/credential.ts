/**
 * The credential this tab signs in with: an API key (`ca_…`, made by an admin) or the operator
 * token (the server's CROWDALPHA_ADMIN_TOKEN, which the server takes as an admin key). Every
 * request sends it as `Authorization: Bearer …` (api/http.ts); GET /me says who it makes us.
 * It lives in sessionStorage only: per tab, gone when the tab closes, never in localStorage
 * (which every tab and every later visit would share) and never in the URL (which ends up in
 * history and logs). On a keyless server nothing asks for it.
 */

import { createSecretStore } from './secret-store.js';

export const CREDENTIAL_KEY = 'crowdalpha.credential';

// One entry (name '') under CREDENTIAL_KEY; where sessionStorage is blocked the key lasts as long
// as the page, which is still no longer than the tab.
const store = createSecretStore({
  storage: () => (typeof sessionStorage === 'undefined' ? undefined : sessionStorage),
  keyPrefix: CREDENTIAL_KEY,
  what: 'key',
  source: 'your API key (ca_…) or the operator token',
});

export function getCredential(): string | null {
  return store.get('');
}

/**
 * Stores the key for this tab. Surrounding whitespace is dropped (a pasted key often carries a
 * newline); an empty key or one with inner whitespace is refused, since no Bearer header could
 * carry it.
 */
export function setCredential(key: string): void {
  store.set('', key);
}

export function clearCredential(): void {
  store.remove('');
}

/** The Authorization header for the stored key, or nothing when none is stored. */
export function credentialHeaders(): Record<string, string> {
  const t = getCredential();
  return t === null ? {} : { authorization: `Bearer ${t}` };
}

/** Called after every change made through this module; returns the unsubscribe function. */
export const subscribeCredential = store.subscribe;
