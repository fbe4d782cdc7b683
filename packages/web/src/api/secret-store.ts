/**
 * Secrets this browser keeps for the API (the operator token, agents' manage keys) in Web
 * Storage, with a per-page memory fallback where storage is blocked (disabled storage, sandboxed
 * iframes, quota): one mechanism, so both behave the same on a locked-down browser.
 */

type Listener = () => void;

export interface SecretStore {
  get(name: string): string | null;
  /** Trims, refuses empty or spaced values (no header could carry them), stores, notifies. */
  set(name: string, value: string): string;
  /** Removes the value; returns whether there was one. */
  remove(name: string): boolean;
  /** Called after every change made through this store; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void;
}

/**
 * `storage` is read on every use (some browsers throw on mere access when storage is blocked);
 * `keyPrefix` namespaces the entries; `what` and `source` word the refusals, e.g. "operator token"
 * and "the value of CROWDALPHA_ADMIN_TOKEN the server was started with".
 */
export function createSecretStore(opts: { storage: () => Storage | undefined; keyPrefix: string; what: string; source: string }): SecretStore {
  const listeners = new Set<Listener>();
  const memory = new Map<string, string>();
  const storage = (): Storage | null => {
    try {
      return opts.storage() ?? null;
    } catch {
      return null;
    }
  };
  const notify = (): void => {
    for (const l of [...listeners]) l();
  };
  const store: SecretStore = {
    get(name) {
      try {
        const v = storage()?.getItem(opts.keyPrefix + name) ?? null;
        if (v !== null && v !== '') return v;
      } catch {
        // blocked storage: fall back to what this page remembers
      }
      return memory.get(name) ?? null;
    },
    set(name, value) {
      const v = value.trim();
      if (v === '') throw new Error(`The ${opts.what} is empty: paste ${opts.source}`);
      if (/\s/.test(v)) throw new Error(`The ${opts.what} contains whitespace: paste only ${opts.source}, without spaces or line breaks`);
      memory.set(name, v);
      const s = storage();
      if (s) {
        try {
          s.setItem(opts.keyPrefix + name, v);
          memory.delete(name);
        } catch {
          // quota or blocked storage: keep it in memory for this page
        }
      }
      notify();
      return v;
    },
    remove(name) {
      const had = store.get(name) !== null;
      memory.delete(name);
      try {
        storage()?.removeItem(opts.keyPrefix + name);
      } catch {
        // nothing stored that could be removed
      }
      if (had) notify();
      return had;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return store;
}
