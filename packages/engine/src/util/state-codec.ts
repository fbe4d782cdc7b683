/**
 * Exact, JSON-safe snapshots of the analytics' internal state, for checkpoints.
 *
 * The analytics keep running sums that are never re-added from scratch (re-adding a window rounds
 * differently), NaN sentinels and typed-array columns; a resumed run is identical to an
 * uninterrupted one only if every bit comes back. So numbers that JSON cannot carry (NaN, ±Infinity,
 * -0) are tagged, and typed arrays travel as base64 of their little-endian bytes (exact, and about
 * half the size of decimal text). Trailing zero elements are not stored: per-agent columns are
 * allocated with spare capacity that is all zeros.
 */

/** What an encoded snapshot is made of: plain JSON. */
export type EncodedState = null | boolean | number | string | EncodedState[] | { [key: string]: EncodedState };

type TypedColumn = Float64Array | Int32Array | Uint8Array;

const TYPED: Record<string, { make: (n: number) => TypedColumn; bytes: number }> = {
  f64: { make: (n) => new Float64Array(n), bytes: 8 },
  i32: { make: (n) => new Int32Array(n), bytes: 4 },
  u8: { make: (n) => new Uint8Array(n), bytes: 1 },
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function tagOf(v: unknown): string | null {
  if (v instanceof Float64Array) return 'f64';
  if (v instanceof Int32Array) return 'i32';
  if (v instanceof Uint8Array) return 'u8';
  return null;
}

/** A state snapshot that does not fit the object it is loaded into. */
export class StateCodecError extends Error {}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Int16Array(128).fill(-1);
const B64_CODES = new Uint8Array(64);
for (let i = 0; i < B64.length; i++) {
  B64_INDEX[B64.charCodeAt(i)] = i;
  B64_CODES[i] = B64.charCodeAt(i);
}

// Own base64 rather than btoa/atob or Buffer: the engine runs unchanged in Node and browsers and
// reaches for no host globals.
function toBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = B64_CODES[v >>> 18]!;
    out[o + 1] = B64_CODES[(v >>> 12) & 63]!;
    out[o + 2] = B64_CODES[(v >>> 6) & 63]!;
    out[o + 3] = B64_CODES[v & 63]!;
    o += 4;
  }
  if (n > full) {
    const a = bytes[full]!;
    const b = full + 1 < n ? bytes[full + 1]! : 0;
    out[o] = B64_CODES[a >> 2]!;
    out[o + 1] = B64_CODES[((a & 3) << 4) | (b >> 4)]!;
    out[o + 2] = full + 1 < n ? B64_CODES[(b & 15) << 2]! : 61;
    out[o + 3] = 61;
  }
  // Character codes to text a chunk at a time: one call per 4k characters, not one per character
  // (string concatenation per character is ~8x slower on megabyte columns).
  const parts: string[] = [];
  for (let i = 0; i < out.length; i += 0x1000) parts.push(String.fromCharCode.apply(null, out.subarray(i, i + 0x1000) as unknown as number[]));
  return parts.join('');
}

function fromBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new StateCodecError('base64 text length is not a multiple of 4');
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  const digit = (i: number): number => {
    const ch = text.charCodeAt(i);
    const d = ch < 128 ? B64_INDEX[ch]! : -1;
    if (d < 0) {
      if (ch === 61 && i >= text.length - pad) return 0;
      throw new StateCodecError(`invalid base64 character at ${i}`);
    }
    return d;
  };
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const v = (digit(i) << 18) | (digit(i + 1) << 12) | (digit(i + 2) << 6) | digit(i + 3);
    if (o < out.length) out[o++] = (v >>> 16) & 255;
    if (o < out.length) out[o++] = (v >>> 8) & 255;
    if (o < out.length) out[o++] = v & 255;
  }
  return out;
}

/** Encodes numbers, strings, booleans, null, typed arrays, arrays and plain objects. */
export function encodeState(v: unknown): EncodedState {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $num: Object.is(v, -0) ? '-0' : String(v) };
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  const tag = tagOf(v);
  if (tag) {
    if (!LITTLE_ENDIAN) throw new StateCodecError('checkpointing typed arrays needs a little-endian platform');
    const a = v as TypedColumn;
    let used = a.length;
    while (used > 0 && a[used - 1] === 0 && !Object.is(a[used - 1], -0)) used--;
    const bytes = new Uint8Array(a.buffer, a.byteOffset, used * TYPED[tag]!.bytes);
    return { $ta: tag, n: a.length, b64: toBase64(bytes) };
  }
  if (Array.isArray(v)) return v.map(encodeState);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, EncodedState> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encodeState(x);
    return out;
  }
  throw new StateCodecError(`cannot encode a ${Object.prototype.toString.call(v)} in a checkpoint`);
}

/** Inverse of `encodeState`. */
export function decodeState(v: EncodedState): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeState);
  if (typeof v.$num === 'string') {
    const n = v.$num === '-0' ? -0 : Number(v.$num);
    if (Number.isNaN(n) && v.$num !== 'NaN') throw new StateCodecError(`bad tagged number ${JSON.stringify(v.$num)}`);
    return n;
  }
  if (typeof v.$ta === 'string') {
    const kind = TYPED[v.$ta];
    const n = v.n;
    if (!kind || typeof n !== 'number' || !Number.isInteger(n) || n < 0 || typeof v.b64 !== 'string') {
      throw new StateCodecError(`bad typed array record (kind ${JSON.stringify(v.$ta)}, length ${JSON.stringify(n)})`);
    }
    const bytes = fromBase64(v.b64);
    if (bytes.length % kind.bytes !== 0 || bytes.length / kind.bytes > n) {
      throw new StateCodecError(`typed array record holds ${bytes.length} bytes, not a prefix of ${n} ${v.$ta} elements`);
    }
    const out = kind.make(n);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = decodeState(x);
  return out;
}

/** Snapshot of the named fields of `obj` (private ones included: the caller is the class itself). */
export function saveFields(obj: object, names: readonly string[]): { [key: string]: EncodedState } {
  const o = obj as Record<string, unknown>;
  const out: Record<string, EncodedState> = {};
  for (const k of names) out[k] = encodeState(o[k]);
  return out;
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const tag = tagOf(v);
  if (tag) return tag;
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/**
 * Writes the named fields of a `saveFields` snapshot back into `obj`. Each value must have the
 * kind the field has now (a Float64Array stays a Float64Array, a number a number; a field that may
 * be null accepts null or its kind), so a snapshot from another layout fails loudly instead of
 * corrupting the analytics. `sameLength` fields (fixed capacities set by the config) must also
 * keep their length.
 */
export function loadFields(
  obj: object,
  names: readonly string[],
  state: unknown,
  where: string,
  opts: { nullable?: readonly string[]; sameLength?: readonly string[] } = {},
): void {
  if (!state || typeof state !== 'object') throw new StateCodecError(`${where}: expected a state object`);
  const s = state as Record<string, EncodedState>;
  const o = obj as Record<string, unknown>;
  const decoded: Record<string, unknown> = {};
  for (const k of names) {
    if (!(k in s)) throw new StateCodecError(`${where}: field "${k}" is missing`);
    const v = decodeState(s[k]!);
    const want = kindOf(o[k]);
    const got = kindOf(v);
    const ok = got === want || (!!opts.nullable?.includes(k) && (got === 'null' || want === 'null'));
    if (!ok) throw new StateCodecError(`${where}: field "${k}" is a ${got}, expected a ${want}`);
    if (opts.sameLength?.includes(k) && (v as ArrayLike<unknown>).length !== (o[k] as ArrayLike<unknown>).length) {
      throw new StateCodecError(`${where}: field "${k}" has ${(v as ArrayLike<unknown>).length} elements, expected ${(o[k] as ArrayLike<unknown>).length}`);
    }
    decoded[k] = v;
  }
  // Assign only after every field checked out: a bad snapshot leaves the object untouched.
  for (const k of names) o[k] = decoded[k];
}
