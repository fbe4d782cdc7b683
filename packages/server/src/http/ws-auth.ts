/**
 * Keys on WebSocket actions: the same roles as REST (http/access.ts), checked per action.
 *
 * A connection is identified by the key on its upgrade request (`Authorization: Bearer <key>`,
 * what programs send), or — for browsers, which cannot set headers on a WebSocket — by a first
 * message `{"type":"auth","key":"<key>"}`. Keys never travel in the URL, so they never reach a log
 * or a proxy's access log. The rules, like the REST routes they mirror:
 * - `stream` (WS /ws/market: events, subscribe, ping) is a read: open while reads are public
 *   (CROWDALPHA_PUBLIC_READS, or no key exists yet), else any key;
 * - `environment` (WS /ws/agent reset/act: a private MarketEnv stepped on the server's CPU) and
 *   `join` (WS /ws/agent join: an agent in the live market, like POST /strategies) are user
 *   actions: open in keyless mode, else any key; the joined agent belongs to the key.
 * A wrong key is refused in every mode where keys are checked, as on REST.
 */
import type { AccessControl, Identity } from './access.js';
import { ANONYMOUS } from './access.js';

export type SocketAction = 'stream' | 'environment' | 'join';

/** What a refused action answers (the REST route's code and a message saying how to fix it). */
export interface SocketRefusal {
  code: 'CA_ERR_UNAUTHORIZED' | 'CA_ERR_FORBIDDEN';
  message: string;
}

const HOW =
  "send an API key (ask an admin: crowdalpha admin create-key) as 'Authorization: Bearer <key>' on the upgrade request or as the message {\"type\":\"auth\",\"key\":\"<key>\"}";

/** Null when `who` may do `action` on this server now, else why not. */
export async function socketRefusal(access: AccessControl, who: Identity, action: SocketAction): Promise<SocketRefusal | null> {
  if (who.role !== null) return null;
  if (action === 'stream') {
    if (await access.readsOpen()) return null;
    return { code: 'CA_ERR_UNAUTHORIZED', message: `this server's event stream needs a key (CROWDALPHA_PUBLIC_READS=false): ${HOW}` };
  }
  if (!(await access.keyed())) return null;
  const what = action === 'join' ? 'joining the live market' : 'stepping a private environment';
  return { code: 'CA_ERR_UNAUTHORIZED', message: `${what} needs a key on this server: ${HOW}` };
}

/** Parses `{"type":"auth","key":…}`; null when the text is not an auth message. */
export function authMessageKey(text: string): { key: string } | { error: string } | null {
  if (!text.includes('"auth"')) return null;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!m || typeof m !== 'object' || Array.isArray(m) || (m as { type?: unknown }).type !== 'auth') return null;
  const key = (m as { key?: unknown }).key;
  if (typeof key !== 'string' || key.length === 0 || key.length > 512) return { error: 'auth.key must be the API key (a string of 1..512 characters)' };
  return { key };
}

/**
 * The identity an auth message establishes, or the refusal. In keyless mode without an operator
 * token there is nothing to check a key against: the connection stays anonymous (and may do
 * everything), as a REST request with an Authorization header would.
 */
export async function authenticate(access: AccessControl, key: string): Promise<{ identity: Identity } | SocketRefusal> {
  const found = await access.identifySecret(key);
  if (found) return { identity: found };
  if (!(await access.enforcing())) return { identity: ANONYMOUS };
  return { code: 'CA_ERR_UNAUTHORIZED', message: 'the key sent is not a valid API key (revoked, rotated, mistyped) nor the operator token' };
}
