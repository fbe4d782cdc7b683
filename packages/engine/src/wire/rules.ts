/**
 * Validation rules of names that cross the wire, defined once: the server's request schemas, the
 * sandbox's deploy checks and the dashboard's forms all import these (the dashboard through
 * `@crowdalpha/engine/wire`), so a client-side check can never disagree with the server's.
 */

/** Agent ids a client may choose: a letter, then up to 63 letters, digits, `_` or `-` (like mom_1, user_alpha_1). */
export const AGENT_ID_PATTERN = '^[a-zA-Z][a-zA-Z0-9_\\-]{0,63}$';
export const AGENT_ID_RE = new RegExp(AGENT_ID_PATTERN);
export const AGENT_ID_RULE = 'a letter, then up to 63 letters, digits, _ or -';

/** Names of registered user strategies: a letter, then 2-63 letters, digits or `_`. */
export const STRATEGY_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9_]{2,63}$';
export const STRATEGY_NAME_RE = new RegExp(STRATEGY_NAME_PATTERN);
export const STRATEGY_NAME_RULE = 'a letter, then 2-63 letters, digits or _';

/** Why `id` is not a valid agent id, or null when it is. */
export function agentIdProblem(id: unknown): string | null {
  if (typeof id === 'string' && AGENT_ID_RE.test(id)) return null;
  return `agent_id must be ${AGENT_ID_RULE}, got ${JSON.stringify(id)}`;
}

/** Why `name` is not a valid strategy name, or null when it is (reserved built-in names are checked where the built-ins are known). */
export function strategyNameProblem(name: unknown): string | null {
  if (typeof name === 'string' && STRATEGY_NAME_RE.test(name)) return null;
  return `strategy_name must be ${STRATEGY_NAME_RULE} (${STRATEGY_NAME_PATTERN}), got ${JSON.stringify(name)}`;
}
