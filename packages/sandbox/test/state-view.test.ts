/**
 * What a TypeScript strategy sees of its MarketState. The runner hands the isolate the agent's own
 * fields and, separately, the tick's market part (depth, recentTrades, priceHistory) which the
 * driver parses only when the strategy first reads one of those fields: the object must look and
 * behave exactly as if the whole state had been parsed upfront (keys and their order, values,
 * spreading, stringifying, assigning), also for a state kept from an earlier tick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketState } from '@crowdalpha/engine';
import { SandboxPool } from '../src/sandbox-pool.js';
import { StateEncoder, spliceState } from '../src/state-encoding.js';
import { compileStrategy } from '../src/validate-source.js';
import { ensureBuilt, stateFor } from './helpers.js';

/** FNV-1a of a string; the same function runs inside the strategy. */
const HASH = `(t) => { let x = 0x811c9dc5; for (let i = 0; i < t.length; i++) { x ^= t.charCodeAt(i); x = Math.imul(x, 0x01000193); } return x >>> 0; }`;
const hash = eval(HASH) as (t: string) => number;

const VIEW = `
const h = ${HASH};
class View extends BaseAgent {
  constructor(o) { super(o); this.prev = null; this.fv = []; }
  onTick(state) {
    const prev = this.prev;
    this.prev = state;
    // The first tick's market is left unread until the next tick.
    if (prev === null) return [];
    const keys = Object.keys(state).join(',');
    const whole = h(JSON.stringify(state));
    const spread = h(JSON.stringify({ ...state }));
    const assigned = h(JSON.stringify(Object.assign({}, state)));
    // Kept from the previous tick and read only now: still that tick's market.
    const prevDepth = h(JSON.stringify(prev.depth));
    const prevTrades = prev.recentTrades.length;
    // Writes before any read, and writes after a read, stick like on a plain object.
    const fresh = JSON.parse('{}');
    state.priceHistory = [1, 2, 3];
    const written = state.priceHistory.length;
    state.depth.bids.push({ price: 1, qty: 1, orders: 1 });
    const pushed = state.depth.bids.length;
    const same = state.depth === state.depth ? 1 : 0;
    const described = Object.getOwnPropertyDescriptor(state, 'depth');
    console.log(keys);
    this.fv = [whole, spread, assigned, prevDepth, prevTrades, written, pushed, same, 'value' in described ? 1 : 0, Object.keys(fresh).length];
    return [];
  }
  factorVector() { return this.fv; }
}`;

let pool: SandboxPool;

beforeAll(async () => {
  ensureBuilt();
  pool = new SandboxPool({ workers: 1 });
  await pool.deploy('view', 'view', compileStrategy(VIEW, { typeCheck: false }).code, { timeout_ms: 500 });
});
afterAll(async () => {
  await pool?.close();
});

/** The state as one object: own fields, then the market part (what the isolate has always been given). */
function asSeen(state: MarketState): string {
  const e = new StateEncoder().encode(state);
  return JSON.stringify(JSON.parse(spliceState(e.own, e.shared)));
}

describe('a TypeScript strategy sees the whole state', () => {
  it('keys, values, spread and stringify as if parsed upfront; an earlier tick keeps its market; writes stick', async () => {
    const first = stateFor('view', 60);
    const second = stateFor('view', 61);
    second.depth = { ...second.depth, bids: second.depth.bids.slice(1) };
    second.recentTrades = [];
    for (const s of [first, second]) {
      const got = await pool.collect(new Map([['view', s]]), { waitForAll: true });
      expect(got.has('view'), JSON.stringify(pool.details('view')?.last_error)).toBe(true);
    }
    const fv = pool.agent('view')!.factorVector();
    const seen = asSeen(second);
    expect(fv.slice(0, 3)).toEqual([hash(seen), hash(seen), hash(seen)]);
    expect(fv[3]).toBe(hash(JSON.stringify(first.depth)));
    expect(fv[4]).toBe(first.recentTrades.length);
    expect(fv[4]).toBeGreaterThan(0);
    expect(fv.slice(5)).toEqual([3, second.depth.bids.length + 1, 1, 1, 0]);
    const lines = pool.details('view')!.log_tail.map((l) => l.line);
    expect(lines.at(-1)).toBe(Object.keys(JSON.parse(seen)).join(','));
    expect(lines.at(-1)).toMatch(/,depth,recentTrades,priceHistory$/);
  });

  it('a strategy that added get/set/value to Object.prototype still reads its market fields', async () => {
    const code = compileStrategy(
      `Object.prototype.get = function (k) { return this[k]; };
       Object.prototype.set = function (k, v) { this[k] = v; };
       Object.prototype.value = 1;
       class Helpers extends BaseAgent {
         onTick(state) { this.fv = [state.depth.bids.length, state.get('recentTrades').length, state.priceHistory.length]; return []; }
         factorVector() { return this.fv; }
       }`,
      { typeCheck: false },
    ).code;
    await pool.deploy('helpers', 'helpers', code, { timeout_ms: 500 });
    const s = stateFor('helpers', 70);
    const got = await pool.collect(new Map([['helpers', s]]), { waitForAll: true });
    expect(got.has('helpers'), JSON.stringify(pool.details('helpers')?.last_error)).toBe(true);
    expect(pool.agent('helpers')!.factorVector()).toEqual([s.depth.bids.length, s.recentTrades.length, s.priceHistory.length]);
  });
});
