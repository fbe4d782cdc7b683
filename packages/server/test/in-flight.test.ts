import { describe, expect, it } from 'vitest';
import { InFlightWrites } from '../src/http/in-flight.js';

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
