/**
 * Honest connection state: live / stale (open but silent) / reconnecting with countdown / offline,
 * plus when the last message arrived. Re-renders once a second for the countdown.
 */
import { useEffect, useState } from 'react';
import { fmtDuration } from '../lib/format.js';
import { useMarket } from '../state/use-market.js';

/** Open but nothing for this long (while the market is not paused) counts as stale. */
export const STALE_AFTER_MS = 3000;

export function ConnectionIndicator() {
  const session = useMarket();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const c = session.connection;
  const age = c.lastMessageAt ? now - c.lastMessageAt : null;
  let kind: 'live' | 'stale' | 'paused' | 'reconnecting' | 'connecting' | 'offline';
  let text: string;
  if (c.status === 'open') {
    if (session.status.paused) {
      kind = 'paused';
      text = 'Connected · market paused';
    } else if (age !== null && age > STALE_AFTER_MS) {
      kind = 'stale';
      text = `Connected · no data for ${fmtDuration(age)}`;
    } else {
      kind = 'live';
      text = 'Live';
    }
  } else if (c.status === 'reconnecting') {
    kind = 'reconnecting';
    const wait = c.retryAt ? Math.max(0, c.retryAt - now) : 0;
    text = `Reconnecting (attempt ${c.attempt}${wait > 0 ? `, next in ${fmtDuration(wait)}` : ''})`;
  } else if (c.status === 'connecting') {
    kind = 'connecting';
    text = 'Connecting…';
  } else {
    kind = 'offline';
    text = 'Offline';
  }
  return (
    <div className={`conn conn-${kind}`} role="status" aria-live="polite" data-testid="connection" data-state={kind}>
      <span className="conn-dot" aria-hidden="true" />
      <span>{text}</span>
      {c.lastError && kind !== 'live' && <span className="conn-err" title={c.lastError}> · {c.lastError}</span>}
      {kind === 'reconnecting' && (
        <button type="button" className="link" onClick={() => session.socket.reconnectNow()}>
          retry now
        </button>
      )}
      {session.hydrateError && <span className="conn-err" title={session.hydrateError}> · snapshot failed</span>}
    </div>
  );
}
