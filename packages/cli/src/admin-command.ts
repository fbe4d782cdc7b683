/**
 * `crowdalpha admin create-key|list-keys|revoke-key|rotate-key`: API keys in the store named by
 * --database-url / DATABASE_URL (the same store the server uses), so the first admin key can be
 * made before anyone can reach the server. A new or rotated key is printed once, on stdout, and
 * nowhere else; lists never show secrets.
 */
import { API_KEY_ROLES, defaultServerOptions, Store, type ApiKeyRole, type ApiKeySummary } from '@crowdalpha/server';

export interface AdminOptions {
  databaseUrl?: string;
  json?: boolean;
}

const databaseUrlOf = (opts: AdminOptions): string => opts.databaseUrl ?? process.env.DATABASE_URL ?? defaultServerOptions().databaseUrl;

async function withStore<T>(opts: AdminOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(databaseUrlOf(opts));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const line = (k: ApiKeySummary): string =>
  `${k.id}  ${k.role.padEnd(5)}  ${k.revoked_at ? `revoked ${k.revoked_at}` : 'valid'.padEnd(32)}  created ${k.created_at}  ${k.name}`;

export async function createKeyCommand(opts: AdminOptions & { role?: string; name?: string }): Promise<number> {
  const role = (opts.role ?? 'user') as ApiKeyRole;
  if (!API_KEY_ROLES.includes(role)) {
    process.stderr.write(`--role must be one of ${API_KEY_ROLES.join(', ')}, got ${JSON.stringify(opts.role)}\n`);
    return 2;
  }
  const name = (opts.name ?? role).trim();
  if (name.length < 1 || name.length > 120) {
    process.stderr.write('--name must be 1 to 120 characters (who holds the key)\n');
    return 2;
  }
  const out = await withStore(opts, (s) => s.keys.create({ name, role }));
  if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${out.key}\n`);
    process.stderr.write(`created ${out.summary.role} key ${out.summary.id} for ${out.summary.name}: the key above is shown only now; send it as "Authorization: Bearer <key>"\n`);
  }
  return 0;
}

export async function listKeysCommand(opts: AdminOptions): Promise<number> {
  const keys = await withStore(opts, (s) => s.keys.list());
  process.stdout.write(opts.json ? `${JSON.stringify({ keys })}\n` : keys.length ? `${keys.map(line).join('\n')}\n` : 'no API keys (the server runs in keyless mode)\n');
  return 0;
}

export async function revokeKeyCommand(id: string, opts: AdminOptions): Promise<number> {
  const ok = await withStore(opts, (s) => s.keys.revoke(id));
  if (!ok) {
    process.stderr.write(`no valid key ${id} (unknown or already revoked); see crowdalpha admin list-keys\n`);
    return 1;
  }
  process.stderr.write(`revoked ${id}\n`);
  return 0;
}

export async function rotateKeyCommand(id: string, opts: AdminOptions): Promise<number> {
  const out = await withStore(opts, (s) => s.keys.rotate(id));
  if (!out) {
    process.stderr.write(`no valid key ${id} (unknown or revoked); see crowdalpha admin list-keys\n`);
    return 1;
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    process.stdout.write(`${out.key}\n`);
    process.stderr.write(`rotated ${id}: the old secret no longer works; the new one above is shown only now\n`);
  }
  return 0;
}
