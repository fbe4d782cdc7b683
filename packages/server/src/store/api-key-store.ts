/**
 * API keys in the store. A key is 32 random bytes (base64url) with a `ca_` prefix, shown once when
 * created or rotated; only its SHA-256 is kept, like agents' manage keys. Rows are never deleted:
 * a revoked key stays listed (who held it, when it stopped working), and the mere existence of a
 * row ends the keyless mode.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { randomToken } from '../ids.js';
import type { ApiKeysTable, Database } from './schema.js';

export type ApiKeyRow = ApiKeysTable;
export type ApiKeyRole = 'admin' | 'user';
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'user'];

/** A key as lists show it: everything but the hash. */
export type ApiKeySummary = Omit<ApiKeyRow, 'key_hash'>;

/** The prefix of every API key (it tells a key from an operator token or a manage key in a log or a paste). */
export const API_KEY_PREFIX = 'ca_';

/** SHA-256 (hex) of a presented key. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function newSecret(): { key: string; hash: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key) };
}

const summary = ({ key_hash: _hash, ...rest }: ApiKeyRow): ApiKeySummary => rest;

export class ApiKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
  async create(input: { name: string; role: ApiKeyRole }): Promise<{ key: string; summary: ApiKeySummary }> {
    const { key, hash } = newSecret();
    const row: ApiKeyRow = { id: `key_${randomToken(10)}`, name: input.name, role: input.role, key_hash: hash, created_at: new Date().toISOString(), revoked_at: null, rotated_at: null };
    await this.db.insertInto('api_keys').values(row).execute();
    return { key, summary: summary(row) };
  }

  /** Every key, newest first, without hashes. */
  async list(): Promise<ApiKeySummary[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').execute()).map(summary);
  }

  async get(id: string): Promise<ApiKeySummary | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? summary(row) : null;
  }

  /** The valid (not revoked) key with this secret, or null. Lookup is by hash, so the secret is never compared byte by byte. */
  async findValid(presented: string): Promise<ApiKeySummary | null> {
    const row = await this.db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashApiKey(presented)).where('revoked_at', 'is', null).executeTakeFirst();
    return row ? summary(row) : null;
  }

  /** Whether any key was ever created (revoked ones count): the keyless mode ends with the first. */
  async any(): Promise<boolean> {
    return (await this.db.selectFrom('api_keys').select('id').limit(1).executeTakeFirst()) !== undefined;
  }

  /** Revokes a key; false when there is no such key or it was already revoked. */
  async revoke(id: string): Promise<boolean> {
    const r = await this.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Replaces a valid key's secret (same id, name, role and ownership); null when there is no valid key with this id. */
  async rotate(id: string): Promise<{ key: string; summary: ApiKeySummary } | null> {
    const { key, hash } = newSecret();
    const r = await this.db.updateTable('api_keys').set({ key_hash: hash, rotated_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return null;
    const s = await this.get(id);
    return s ? { key, summary: s } : null;
  }
}
