/**
 * Manage keys of agents deployed from this browser. Every deploy answers with a `manage_key` the
 * server shows only once (it keeps just its SHA-256); it is what lets the deployer stop that agent
 * (`X-Manage-Key`). Unlike the operator token it is kept in localStorage, one entry per agent id,
 * so the author can still stop their agent after closing the tab. Another browser needs the key
 * pasted in (the Strategy page offers that).
 */

export const MANAGE_KEY_PREFIX = 'crowdalpha.manageKey.';

type Listener = () => void;
const listeners = new Set<Listener>();
/** Used when localStorage is unavailable: keys then last as long as the page. */
const memory = new Map<string, string>();

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function getManageKey(agentId: string): string | null {
  const s = storage();
  try {
    const v = s ? s.getItem(MANAGE_KEY_PREFIX + agentId) : null;
    if (v !== null && v !== '') return v;
  } catch {
    // blocked storage: fall back to what this page remembers
  }
  return memory.get(agentId) ?? null;
}

/** Stores the key for `agentId`; surrounding whitespace is dropped, an empty or spaced key refused. */
export function saveManageKey(agentId: string, key: string): void {
  const k = key.trim();
  if (k === '') throw new Error('The manage key is empty: paste the manage_key the deploy answered with');
  if (/\s/.test(k)) throw new Error('The manage key contains whitespace: paste only the key, without spaces or line breaks');
  memory.set(agentId, k);
  const s = storage();
  if (s) {
    try {
      s.setItem(MANAGE_KEY_PREFIX + agentId, k);
      memory.delete(agentId);
    } catch {
      // quota or blocked storage: keep it for this page
    }
  }
  notify();
}

export function forgetManageKey(agentId: string): void {
  memory.delete(agentId);
  try {
    storage()?.removeItem(MANAGE_KEY_PREFIX + agentId);
  } catch {
    // nothing stored that could be removed
  }
  notify();
}

/** The header that proves ownership of `agentId`, or nothing when this browser has no key for it. */
export function manageKeyHeaders(agentId: string): Record<string, string> {
  const k = getManageKey(agentId);
  return k === null ? {} : { 'x-manage-key': k };
}

/** Remembers the key of a deploy answer (`{agent_id, manage_key}`) when it has one; returns it. */
export function rememberDeploy(answer: unknown): { agentId: string; manageKey: string } | null {
  if (!answer || typeof answer !== 'object') return null;
  const r = answer as Record<string, unknown>;
  const agentId = r.agent_id;
  const manageKey = r.manage_key;
  if (typeof agentId !== 'string' || typeof manageKey !== 'string' || manageKey === '') return null;
  saveManageKey(agentId, manageKey);
  return { agentId, manageKey };
}

export function subscribeManageKeys(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function notify(): void {
  for (const l of [...listeners]) l();
}
