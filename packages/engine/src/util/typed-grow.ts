/** Copy-into-larger helpers for growable typed-array columns (book, ledger, analytics). */

export function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** `fill` initialises the new tail (e.g. -1 for "no slot"). */
export function growI32(a: Int32Array, cap: number, fill = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

export function growU8(a: Uint8Array, cap: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(cap);
  b.set(a);
  return b;
}
