/**
 * Picks the better-sqlite3 build that fits the running Node.js.
 *
 * better-sqlite3 12 derives its classes from Node's raw `node::ObjectWrap`; since Node 24.19 that
 * destructor asserts when a statement is finalised by a garbage collection outside a JS context,
 * and the process aborts (`RemoveEnvironmentCleanupHook … (env) != nullptr`) — seen here as
 * servers dying mid-test on Node 24. better-sqlite3 13 is built on Node-API and does not, but it
 * needs Node >= 22 (on Node 20 it segfaults). Both are optional dependencies under npm aliases;
 * npm skips 13 on Node 20 by its `engines`; this module loads 13 on Node >= 22 and 12 on Node 20.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

export type SqliteConstructor = typeof BetterSqlite3;

/** Aliases in preference order, each with the Node majors it may be loaded on. */
export const SQLITE_DRIVER_CANDIDATES: ReadonlyArray<{ alias: string; minNodeMajor: number; maxNodeMajor: number }> = [
  { alias: 'better-sqlite3-v13', minNodeMajor: 22, maxNodeMajor: Number.POSITIVE_INFINITY },
  { alias: 'better-sqlite3-v12', minNodeMajor: 20, maxNodeMajor: Number.POSITIVE_INFINITY },
];

const requireHere = createRequire(import.meta.url);
let loaded: { alias: string; Database: SqliteConstructor } | null = null;

/** The aliases that may be loaded on `nodeVersion`, in preference order. */
export function sqliteDriverCandidates(nodeVersion: string = process.versions.node): string[] {
  const major = Number(nodeVersion.split('.')[0]);
  return SQLITE_DRIVER_CANDIDATES.filter((c) => major >= c.minNodeMajor && major <= c.maxNodeMajor).map((c) => c.alias);
}

/** The better-sqlite3 constructor for this runtime (loaded once), or a clear error. */
export function sqliteDriver(): { alias: string; Database: SqliteConstructor } {
  if (loaded) return loaded;
  const wanted = sqliteDriverCandidates();
  const failures: string[] = [];
  for (const alias of wanted) {
    try {
      loaded = { alias, Database: requireHere(alias) as SqliteConstructor };
      return loaded;
    } catch (err) {
      failures.push(`${alias}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(
    `no better-sqlite3 build for Node.js ${process.versions.node} could be loaded (tried ${wanted.join(', ') || 'none: unsupported Node.js'}` +
      `${failures.length ? `; ${failures.join('; ')}` : ''}). Run \`npm install\` with this Node.js, or use PostgreSQL (DATABASE_URL=postgres://…).`,
  );
}
