import { describe, expect, it } from 'vitest';
import { sqliteDriver, sqliteDriverCandidates } from '../src/store/sqlite-driver.js';

describe('better-sqlite3 per runtime', () => {
  it('never offers better-sqlite3 13 to Node 20 (it segfaults there)', () => {
    expect(sqliteDriverCandidates('20.19.0')).toEqual(['better-sqlite3-v12']);
  });

  it('prefers the Node-API build 13 on Node 22 and 24 (12 aborts in GC on Node 24.19+)', () => {
    expect(sqliteDriverCandidates('22.12.0')[0]).toBe('better-sqlite3-v13');
    expect(sqliteDriverCandidates('24.21.0')[0]).toBe('better-sqlite3-v13');
  });

  it('loads the preferred build on the running Node.js and opens a database with it', () => {
    const { alias, Database } = sqliteDriver();
    expect(alias).toBe(sqliteDriverCandidates()[0]);
    const db = new Database(':memory:');
    expect(db.prepare('select 6 * 7 as x').get()).toEqual({ x: 42 });
    db.close();
  });
});
