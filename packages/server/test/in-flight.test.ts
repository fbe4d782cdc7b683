import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { InFlightWrites, trackWrites } from '../src/http/in-flight.js';

describe('in-flight writes (shutdown waits for them before the final checkpoint)', () => {
  it('resolves once every admitted request has ended, not before', async () => {
    const w = new InFlightWrites();
    const a = w.begin();
    const b = w.begin();
    let drained = false;
    const done = w.drained(60_000).then(() => (drained = true));
    a();
    a(); // ending twice does not end another request
    await Promise.resolve();
    expect(drained).toBe(false);
    expect(w.size).toBe(1);
    b();
    await done;
    expect(drained).toBe(true);
    expect(w.size).toBe(0);
  });

  it('gives up after its timeout so a stuck request cannot hold the shutdown', async () => {
    const w = new InFlightWrites();
    w.begin();
    await w.drained(5);
    expect(w.size).toBe(1);
  });
});

describe('trackWrites (which requests the shutdown waits for)', () => {
  async function app() {
    const writes = new InFlightWrites();
    const f = Fastify();
    trackWrites(f, writes);
    let release: () => void = () => {};
    const gate = () => new Promise<void>((r) => (release = r));
    let seen = -1;
    let refusedSaw = -1;
    f.get('/read', async () => ({ size: writes.size }));
    f.post('/write', async () => {
      seen = writes.size;
      await gate();
      return { ok: true };
    });
    f.route({ method: ['GET', 'DELETE'], url: '/both', handler: async () => ({ size: writes.size }) });
    const refuse = async () => {
      refusedSaw = writes.size;
      throw Object.assign(new Error('no key'), { statusCode: 401 });
    };
    f.post('/refused', { onRequest: refuse }, async () => ({}));
    await f.ready();
    return { f, writes, release: () => release(), seen: () => seen, refusedSaw: () => refusedSaw };
  }

  it('counts a write from before its handler until its response, and no read', async () => {
    const { f, writes, release, seen } = await app();
    expect((await f.inject({ method: 'GET', url: '/read' })).json()).toEqual({ size: 0 });
    const pending = f.inject({ method: 'POST', url: '/write' });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen()).toBe(1);
    expect(writes.size).toBe(1);
    release();
    expect((await pending).statusCode).toBe(200);
    expect(writes.size).toBe(0);
    expect((await f.inject({ method: 'GET', url: '/both' })).json()).toEqual({ size: 0 });
    expect((await f.inject({ method: 'DELETE', url: '/both' })).json()).toEqual({ size: 1 });
    expect(writes.size).toBe(0);
    await f.close();
  });

  it('counts a write before the onRequest hooks of its route, and ends it when one refuses it', async () => {
    const { f, writes, refusedSaw } = await app();
    expect((await f.inject({ method: 'POST', url: '/refused' })).statusCode).toBe(401);
    expect(refusedSaw()).toBe(1);
    expect(writes.size).toBe(0);
    await f.close();
  });
});
