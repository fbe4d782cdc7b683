import { describe, expect, it } from 'vitest';
import { StateEncoder, spliceState } from '../src/state-encoding.js';
import { syntheticMarketState } from '../src/synthetic-state.js';

describe('state encoding', () => {
  it('splices own and shared parts back into the same state', () => {
    const enc = new StateEncoder();
    const a = syntheticMarketState('a');
    const b = { ...a, agentId: 'b', position: 7 };
    const ea = enc.encode(a);
    const eb = enc.encode(b);
    expect(eb.shared).toBe(ea.shared); // serialised once, reused by identity
    expect(JSON.parse(spliceState(ea.own, ea.shared))).toEqual(JSON.parse(JSON.stringify(a)));
    expect(JSON.parse(spliceState(eb.own, eb.shared))).toEqual(JSON.parse(JSON.stringify(b)));
    expect(ea.own).not.toContain('priceHistory');
  });
  it('re-serialises when the market part changes', () => {
    const enc = new StateEncoder();
    const a = syntheticMarketState('a');
    const first = enc.encode(a).shared;
    const next = { ...a, priceHistory: [...a.priceHistory, 101] };
    expect(enc.encode(next).shared).not.toBe(first);
    expect(JSON.parse(spliceState(enc.encode(next).own, enc.encode(next).shared)).priceHistory.at(-1)).toBe(101);
  });
});
