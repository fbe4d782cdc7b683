/** Poll a REST snapshot every `ms` while mounted (and the tab is visible); adapt and keep the last good value. */
import { useEffect, useState } from 'react';
import { getJson } from '../api/http.js';

export interface Polled<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

export function usePoll<T>(path: string | null, ms: number, adapt: (raw: unknown) => T | null): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ctrl = new AbortController();
    const run = async () => {
      if (typeof document !== 'undefined' && document.hidden) {
        timer = setTimeout(() => void run(), ms);
        return;
      }
      try {
        const raw = await getJson(path, ctrl.signal);
        if (!alive) return;
        const v = adapt(raw);
        if (v !== null) setData(v);
        setError(null);
      } catch (err) {
        if (!alive) return;
        setError(err instanceof Error ? err.message : String(err));
      } finally {
        if (alive) {
          setLoading(false);
          if (ms > 0) timer = setTimeout(() => void run(), ms);
        }
      }
    };
    void run();
    return () => {
      alive = false;
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- adapt is a pure module function
  }, [path, ms, nonce]);
  return { data, error, loading, reload: () => setNonce((x) => x + 1) };
}
