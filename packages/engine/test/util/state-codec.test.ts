import { describe, expect, it } from 'vitest';
import { decodeState, encodeState, loadFields, saveFields, StateCodecError } from '../../src/util/state-codec.js';
import { Rng } from '../../src/rng.js';

const roundTrip = (v: unknown): unknown => decodeState(JSON.parse(JSON.stringify(encodeState(v))));

describe('state codec', () => {
  it('carries every number JSON cannot, exactly', () => {
    const out = roundTrip({ a: NaN, b: Infinity, c: -Infinity, d: -0, e: 0.1 + 0.2, f: null, g: 'x', h: true, i: [1, NaN] }) as Record<string, unknown>;
    expect(out['a']).toBeNaN();
    expect(out['b']).toBe(Infinity);
    expect(out['c']).toBe(-Infinity);
    expect(Object.is(out['d'], -0)).toBe(true);
    expect(out['e']).toBe(0.1 + 0.2);
    expect(out['f']).toBeNull();
    expect(out['g']).toBe('x');
    expect(out['h']).toBe(true);
    expect((out['i'] as number[])[1]).toBeNaN();
  });

  it('round-trips typed arrays bit for bit, at every length mod 3, storing no trailing zeros', () => {
    const rng = new Rng(5);
    for (let n = 0; n < 40; n++) {
      const f = new Float64Array(n + 7); // 7 spare zeros, like a column with capacity to spare
      for (let i = 0; i < n; i++) f[i] = (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 30 - 15);
      if (n > 3) f[1] = NaN;
      if (n > 4) f[2] = -0;
      const back = roundTrip(f) as Float64Array;
      expect(back).toBeInstanceOf(Float64Array);
      expect(back.length).toBe(f.length);
      expect(Buffer.from(back.buffer).equals(Buffer.from(f.buffer))).toBe(true);
      const rec = encodeState(f) as { b64: string };
      // Our base64 must be standard base64 of the stored prefix.
      expect(Buffer.from(rec.b64, 'base64').length).toBe(n * 8);
    }
    const i32 = Int32Array.from([-1, 2 ** 31 - 1, -(2 ** 31), 0, 0]);
    expect(Array.from(roundTrip(i32) as Int32Array)).toEqual(Array.from(i32));
    const u8 = Uint8Array.from([0, 255, 7]);
    expect(roundTrip(u8)).toEqual(u8);
    const tail = new Float64Array(4);
    tail[3] = -0; // a trailing -0 is not a zero to drop
    expect(Object.is((roundTrip(tail) as Float64Array)[3], -0)).toBe(true);
  });

  it('refuses what it cannot encode and records that are not its own', () => {
    expect(() => encodeState(new Map())).toThrow(StateCodecError);
    expect(() => encodeState(new Float32Array(2))).toThrow(/Float32Array/);
    expect(() => decodeState({ $ta: 'f64', n: 1, b64: 'AAAAAAAAAAAAAAAA' })).toThrow(/prefix of 1/);
    expect(() => decodeState({ $ta: 'f32', n: 1, b64: '' })).toThrow(/bad typed array/);
    expect(() => decodeState({ $ta: 'f64', n: 1, b64: 'AA$A' })).toThrow(/invalid base64/);
    expect(() => decodeState({ $num: 'lots' })).toThrow(/bad tagged number/);
  });

  it('loads fields only when every one has the kind it has now, and then all at once', () => {
    class Thing {
      count = 3;
      col = new Float64Array(4);
      last: number | null = null;
    }
    const a = new Thing();
    a.col[1] = 2.5;
    a.last = 9;
    const snap = saveFields(a, ['count', 'col', 'last']);
    const b = new Thing();
    loadFields(b, ['count', 'col', 'last'], JSON.parse(JSON.stringify(snap)), 'thing', { nullable: ['last'] });
    expect(b.col[1]).toBe(2.5);
    expect(b.last).toBe(9);
    const c = new Thing();
    expect(() => loadFields(c, ['count', 'col'], { count: 4, col: [1, 2] }, 'thing')).toThrow(/thing: field "col" is a array, expected a f64/);
    expect(c.count).toBe(3); // untouched: the bad field came after a good one
    expect(() => loadFields(c, ['count'], {}, 'thing')).toThrow(/field "count" is missing/);
    expect(() => loadFields(c, ['col'], saveFields({ col: new Float64Array(5) }, ['col']), 'thing', { sameLength: ['col'] })).toThrow(/5 elements, expected 4/);
  });
});
