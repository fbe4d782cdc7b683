/** React binding of the MarketSession: a context, a frame-coalesced revision hook, subscriptions. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import type { EventType } from '../api/types.js';
import type { MarketSession } from './market-session.js';

export const SessionContext = createContext<MarketSession | null>(null);

export function useSession(): MarketSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession() needs a <SessionContext.Provider> around the app');
  return s;
}

/** Re-render on every (frame-coalesced) session change; returns the session for reading. */
export function useMarket(): MarketSession {
  const session = useSession();
  useSyncExternalStore(
    (cb) => session.subscribe(cb),
    () => session.revision,
  );
  return session;
}

/**
 * Re-render at most every `ms` (heavy views such as the leaderboard table), with a trailing
 * update so the last change is never lost. Returns the session.
 */
export function useMarketThrottled(ms: number): MarketSession {
  const session = useSession();
  const [, setRev] = useState(session.revision);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      timer = null;
      last = performance.now();
      setRev(session.revision);
    };
    const unsub = session.subscribe(() => {
      const wait = ms - (performance.now() - last);
      if (wait <= 0) fire();
      else if (!timer) timer = setTimeout(fire, wait);
    });
    return () => {
      unsub();
      if (timer) clearTimeout(timer);
    };
  }, [session, ms]);
  return session;
}

/** Declare the event types this view needs while it is mounted. */
export function useEventTypes(types: EventType[]): void {
  const session = useSession();
  const key = types.join(',');
  useEffect(() => session.need(key.split(',') as EventType[]), [session, key]);
}
