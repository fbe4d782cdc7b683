/**
 * Opens the store's database from a DATABASE_URL: `sqlite:<path>` (better-sqlite3, WAL mode),
 * `sqlite::memory:`, or `postgres://…` / `postgresql://…` (pg pool). A PostgreSQL URL may carry
 * `?schema=<name>`: the schema is created if missing and used as the search path, so several
 * servers (or test runs) can share one database.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './schema.js';
import { sqliteDriver } from './sqlite-driver.js';

export type Backend = 'sqlite' | 'postgres';

export interface OpenedDatabase {
  db: Kysely<Database>;
  backend: Backend;
  /** Human-readable location without credentials, for logs and /status. */
  location: string;
  /** PostgreSQL schema in use, if one was requested. */
  schema: string | null;
}

export class DatabaseUrlError extends Error {
  readonly code = 'CA_ERR_DATABASE_URL';
  constructor(url: string, why: string) {
    super(`DATABASE_URL ${JSON.stringify(redact(url))} ${why}; expected sqlite:<path>, sqlite::memory: or postgres://user@host:port/db[?schema=name]`);
    this.name = 'DatabaseUrlError';
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

export interface ParsedDatabaseUrl {
  backend: Backend;
  /** File path or ':memory:' for SQLite; connection string (without ?schema) for PostgreSQL. */
  target: string;
  schema: string | null;
}

export function parseDatabaseUrl(url: string): ParsedDatabaseUrl {
  if (url.startsWith('sqlite:')) {
    let file = url.slice('sqlite:'.length);
    if (file.startsWith('//')) file = file.slice(2); // sqlite:///abs/path → /abs/path
    if (!file) throw new DatabaseUrlError(url, 'has no file path');
    return { backend: 'sqlite', target: file, schema: null };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseUrlError(url, 'is not a valid URL');
    }
    const schema = parsed.searchParams.get('schema');
    if (schema !== null && !SCHEMA_NAME.test(schema)) {
      throw new DatabaseUrlError(url, `has an invalid schema name ${JSON.stringify(schema)} (lowercase letters, digits, _)`);
    }
    parsed.searchParams.delete('schema');
    return { backend: 'postgres', target: parsed.toString(), schema };
  }
  throw new DatabaseUrlError(url, 'has an unsupported scheme');
}

export async function openDatabase(url: string): Promise<OpenedDatabase> {
  const p = parseDatabaseUrl(url);
  if (p.backend === 'sqlite') {
    if (p.target !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(p.target)), { recursive: true });
    const sqlite = new (sqliteDriver().Database)(p.target);
    // WAL + NORMAL: a committed transaction survives a process kill (only an OS crash can lose
    // the last commits), and readers never block the writer.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, backend: 'sqlite', location: p.target === ':memory:' ? ':memory:' : path.resolve(p.target), schema: null };
  }
  const poolConfig: pg.PoolConfig = { connectionString: p.target, max: 6 };
  if (p.schema) {
    // Create the schema with a one-off client, then pin every pooled connection's search path.
    const client = new pg.Client({ connectionString: p.target });
    await client.connect();
    try {
      await client.query(`create schema if not exists "${p.schema}"`);
    } finally {
      await client.end();
    }
    poolConfig.options = `-c search_path=${p.schema}`;
  }
  const pool = new pg.Pool(poolConfig);
  // An idle client error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Nor may a client that loses its connection while checked out (pg emits 'error' on it, and no
  // one listens then): the query in flight fails and is retried by the writer.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, backend: 'postgres', location: redact(url), schema: p.schema };
}

/** Drops a PostgreSQL schema and everything in it (test clean-up). */
export async function dropPostgresSchema(url: string): Promise<void> {
  const p = parseDatabaseUrl(url);
  if (p.backend !== 'postgres' || !p.schema) return;
  const client = new pg.Client({ connectionString: p.target });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${p.schema}" cascade`);
  } finally {
    await client.end();
  }
}
