/**
 * Manage keys of agents deployed from this browser. Every deploy answers with a `manage_key` the
 * server shows only once (it keeps just its SHA-256); it is what lets the deployer stop that agent
 * (`X-Manage-Key`). Unlike the operator token it is kept in localStorage, one entry per agent id,
 * so the author can still stop their agent after closing the tab. Another browser needs the key
 * pasted in (the Strategy page offers that).
 */

import { createSecretStore } from './secret-store.js';

export const MANAGE_KEY_PREFIX = 'crowdalpha.manageKey.';

const store = createSecretStore({
  storage: () => (typeof localStorage === 'undefined' ? undefined : localStorage),
  keyPrefix: MANAGE_KEY_PREFIX,
  what: 'manage key',
  source: 'the manage_key the deploy answered with',
});

export function getManageKey(agentId: string): string | null {
  return store.get(agentId);
}

/** Stores the key for `agentId`; surrounding whitespace is dropped, an empty or spaced key refused. */
export function saveManageKey(agentId: string, key: string): void {
  store.set(agentId, key);
}

export function forgetManageKey(agentId: string): void {
  store.remove(agentId);
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

export const subscribeManageKeys = store.subscribe;
