/**
 * Who this tab is, as the server says (GET /me): asked when the app starts, whenever the stored
 * key changes (sign in, sign out, a key forgotten after a 401) and every minute (an admin may
 * revoke the key meanwhile). One provider at the top, so the header, the nav and the pages agree.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { getCredential, subscribeCredential } from '../api/credential.js';
import { ApiError, getJson, isUnauthorized, serverMessage } from '../api/http.js';
import type { MeResponse } from '../api/types.js';

/** How often /me is asked again while nothing changed. */
export const ME_REFRESH_MS = 60_000;

export interface Account {
  /** The server's answer; null until it came, or when /me itself needs a key (reads closed to anonymous callers). */
  me: MeResponse | null;
  /** /me answered 401: this server's reads need a key (CROWDALPHA_PUBLIC_READS=false) and this tab has none that works. */
  needsKey: boolean;
  error: string | null;
  /** The key this tab holds (null: none). */
  credential: string | null;
  refresh: () => void;
}

const AccountContext = createContext<Account>({ me: null, needsKey: false, error: null, credential: null, refresh: () => {} });

export function useCredential(): string | null {
  return useSyncExternalStore(subscribeCredential, getCredential, () => null);
}

export function AccountProvider({ children }: { children: ReactNode }) {
  const credential = useCredential();
  const [me, setMe] = useState<MeResponse | null>(null);
  const [needsKey, setNeedsKey] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nonce, setNonce] = useState(0);
  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  const asked = useRef(0);

  useEffect(() => {
    const ask = ++asked.current;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = async () => {
      try {
        const body = (await getJson('/me')) as MeResponse;
        if (ask !== asked.current) return;
        setMe(body);
        setNeedsKey(false);
        setError(null);
      } catch (err) {
        if (ask !== asked.current) return;
        if (isUnauthorized(err)) {
          setMe(null);
          setNeedsKey(true);
          setError(null);
        } else setError(err instanceof ApiError ? serverMessage(err) : err instanceof Error ? err.message : String(err));
      } finally {
        if (ask === asked.current) timer = setTimeout(() => void run(), ME_REFRESH_MS);
      }
    };
    void run();
    return () => {
      if (timer) clearTimeout(timer);
    };
  }, [credential, nonce]);

  return <AccountContext.Provider value={{ me, needsKey, error, credential, refresh }}>{children}</AccountContext.Provider>;
}

export function useAccount(): Account {
  return useContext(AccountContext);
}

/** Whether this tab is signed in as someone the server recognises. */
export function signedIn(a: Account): boolean {
  return a.me !== null && a.me.kind !== 'anonymous';
}

/** "ann (user)", "operator (admin)" */
export function whoLabel(me: MeResponse): string {
  return `${me.name ?? me.key_id ?? 'unknown'} (${me.role ?? 'no role'})`;
}
