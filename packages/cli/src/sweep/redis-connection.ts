/**
 * Redis connection settings for BullMQ from a `redis://` / `rediss://` URL, and a reachability
 * check with a deadline: ioredis retries forever by default, which would leave a user staring at
 * a silent terminal when the address is wrong.
 */

/** ioredis options; a type alias (not an interface) so BullMQ's index-signed options accept it. */
export type RedisSettings = {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
};

/** BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on. */
export function redisOptions(url: string): RedisSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--redis must be a URL like redis://127.0.0.1:6379 (or rediss:// for TLS), got "${url}"`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`--redis must use redis:// or rediss://, got "${u.protocol}//" in "${url}"`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--redis database number must be a whole number, got "${u.pathname.slice(1)}" in "${url}"`);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/** Resolves when a PING answers; rejects with a message naming the address otherwise. */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  // Imported here, not at the top: a local sweep never loads the Redis client.
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, disconnectTimeout: 50, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, auth) says more than the rejected connect.
  let cause: Error | null = null;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`cannot reach Redis at ${redactedUrl(url)}: ${(cause ?? (err as Error)).message || 'connection refused'}`);
  } finally {
    client.disconnect();
  }
}
