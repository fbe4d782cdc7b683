/** README.md's API reference block is generated from the served contract and must not drift. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_BEGIN, API_END, renderApiReference, withApiReference } from '../src/api-reference.js';
import type { RunningServer } from '../src/server.js';
import { startTestServer, tempSqlite } from './helpers.js';

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../README.md');

describe('README API reference', () => {
  let server: RunningServer;
  const db = tempSqlite();
  beforeAll(async () => {
    server = await startTestServer(db.url);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('matches the contract the server serves (run `npm run docs:api` after changing a route or payload)', () => {
    const readme = fs.readFileSync(README, 'utf8');
    const generated = renderApiReference(server.app.swagger() as never);
    expect(readme).toContain(API_BEGIN);
    expect(readme).toContain(API_END);
    expect(withApiReference(readme, generated)).toBe(readme);
  });

  it('lists every route with its answer fields', () => {
    const generated = renderApiReference(server.app.swagger() as never);
    expect(generated).toContain('`GET /market/book` | 200 `tick, bids[], asks[], best_bid, best_ask, mid_price, spread`');
    expect(generated).toContain('| `AGENT_STATE_CHANGED` | `tick, agents` |');
  });
});
