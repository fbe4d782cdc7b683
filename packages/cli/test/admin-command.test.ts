/**
 * `crowdalpha admin …` on the store the server uses: create prints the key once (stdout only),
 * list never shows a secret, rotate replaces it, revoke ends it — checked against the store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Store } from '@crowdalpha/server';
import { createKeyCommand, listKeysCommand, revokeKeyCommand, rotateKeyCommand } from '../src/admin-command.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-admin-'));
const databaseUrl = `sqlite:${path.join(dir, 'crowdalpha.db')}`;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    return { code: await fn(), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('crowdalpha admin', () => {
  it('creates, lists, rotates and revokes keys in the store named by --database-url', async () => {
    const created = await capture(() => createKeyCommand({ databaseUrl, role: 'admin', name: 'teacher' }));
    expect(created.code).toBe(0);
    const key = created.out.trim();
    expect(key).toMatch(/^ca_[A-Za-z0-9_-]{43}$/);
    expect(created.err).not.toContain(key);
    const store = await Store.open(databaseUrl);
    try {
      const found = await store.keys.findValid(key);
      expect(found).toMatchObject({ role: 'admin', name: 'teacher' });
      const listed = await capture(() => listKeysCommand({ databaseUrl }));
      expect(listed.out).toContain(found!.id);
      expect(listed.out).not.toContain(key);
      const rotated = await capture(() => rotateKeyCommand(found!.id, { databaseUrl }));
      const fresh = rotated.out.trim();
      expect(fresh).not.toBe(key);
      expect(await store.keys.findValid(key)).toBeNull();
      expect((await store.keys.findValid(fresh))?.id).toBe(found!.id);
      expect((await capture(() => revokeKeyCommand(found!.id, { databaseUrl }))).code).toBe(0);
      expect(await store.keys.findValid(fresh)).toBeNull();
      expect((await capture(() => revokeKeyCommand(found!.id, { databaseUrl }))).code).toBe(1);
    } finally {
      await store.close();
    }
    expect((await capture(() => createKeyCommand({ databaseUrl, role: 'root' }))).code).toBe(2);
  });
});
