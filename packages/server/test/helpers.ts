/** Shared helpers of the server tests: temp databases, PostgreSQL availability, test servers. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { randomToken } from '../src/ids.js';
import { startServer, type RunningServer } from '../src/server.js';
import type { ServerOptions } from '../src/config.js';

export const silentLogger = () => pino({ level: 'silent' });

/** A fresh SQLite file in its own temp directory; `cleanup()` removes it. */
export function tempSqlite(): { url: string; dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-server-test-'));
  return { url: `sqlite:${path.join(dir, 'crowdalpha.db')}`, dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const PG_CANDIDATES = ['postgres://root@127.0.0.1:5432/test', 'postgres://postgres@127.0.0.1:5432/test'];

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL base URL for store tests, or null to skip (with one loud line). Rules:
 * CROWDALPHA_SKIP_PG=1 skips; unreachable under CI=true fails; unreachable otherwise skips.
 */
export async function postgresBaseUrl(): Promise<string | null> {
  if (process.env.CROWDALPHA_SKIP_PG === '1') {
    console.warn('!!! SKIPPING PostgreSQL store tests: CROWDALPHA_SKIP_PG=1 is set');
    return null;
  }
  for (const url of PG_CANDIDATES) if (await reachable(url)) return url;
  if (process.env.CI === 'true') {
    throw new Error(`PostgreSQL is required under CI=true but not reachable at ${PG_CANDIDATES.join(' or ')}`);
  }
  console.warn(
    `!!! SKIPPING PostgreSQL store tests: nothing answers at 127.0.0.1:5432 (db "test", user root or postgres). Start PostgreSQL (e.g. \`pg_ctlcluster 15 main start\`) to run them.`,
  );
  return null;
}

/** A per-run schema name so parallel runs never share tables. */
export const uniqueSchema = (): string => `ca_test_${Date.now().toString(36)}_${randomToken(6)}`;

/** Options of a quiet in-process test server: ephemeral port, no autostart, no sandbox. */
export function testOptions(databaseUrl: string, extra: Partial<ServerOptions> = {}): Partial<ServerOptions> {
  return {
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    autostart: false,
    tickDelayMs: 10,
    sandbox: false,
    webDist: '',
    logLevel: 'silent',
    rateLimitMax: 0,
    flushIntervalMs: 50,
    ...extra,
  };
}

export async function startTestServer(databaseUrl: string, extra: Partial<ServerOptions> = {}, listen = false): Promise<RunningServer> {
  return startServer(testOptions(databaseUrl, extra), { logger: silentLogger(), env: {}, listen });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** A user strategy whose onTick never returns for agent `user_spin` (deadline and watchdog tests). */
export const HANGING_STRATEGY = `
class Spinner extends BaseAgent {
  onTick(state) { if (state.agentId === 'user_spin') { for (;;) {} } return []; }
  factorVector() { return []; }
}`;
