/**
 * Whether the Redis-backed tests run: CROWDALPHA_SKIP_REDIS=1 skips; unreachable under CI=true
 * fails; unreachable otherwise skips with one loud line saying how to enable them.
 */
import net from 'node:net';

export const REDIS_URL = process.env.CROWDALPHA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function pings(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2_000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export async function redisAvailable(): Promise<boolean> {
  if (process.env.CROWDALPHA_SKIP_REDIS === '1') {
    console.warn('!!! SKIPPING Redis tests (distributed sweeps): CROWDALPHA_SKIP_REDIS=1 is set');
    return false;
  }
  if (await pings(REDIS_URL)) return true;
  if (process.env.CI === 'true') throw new Error(`Redis is required under CI=true but does not answer PING at ${REDIS_URL}`);
  console.warn(
    `!!! SKIPPING Redis tests (distributed sweeps): nothing answers PING at ${REDIS_URL}. Start Redis (e.g. \`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""\`) to run them.`,
  );
  return false;
}
