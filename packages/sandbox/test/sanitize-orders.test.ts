import { describe, expect, it } from 'vitest';
import { parseDriverAnswer } from '../src/sanitize-orders.js';

const limits = { maxOrdersPerTick: 12, minQty: 1, maxQty: 200 };
const answer = (orders: unknown[], extra = 0) => JSON.stringify({ ok: true, orders, extra, fv: [1, null, 2] });

describe('parseDriverAnswer', () => {
  it('keeps valid orders as fresh objects with whitelisted fields only', () => {
    const r = parseDriverAnswer(answer([{ side: 'BID', type: 'LIMIT', qty: 5, price: 99.99, evil: 1 }, { side: 'sell', type: 'market', qty: 2 }]), 0.01, limits);
    expect(r).toEqual({
      ok: true,
      answer: {
        orders: [
          { side: 'BID', type: 'LIMIT', qty: 5, price: 99.99 },
          { side: 'ASK', type: 'MARKET', qty: 2, price: null },
        ],
        malformed: 0,
        overCap: 0,
        clamped: 0,
        factorVector: [1, 0, 2],
        reasons: [],
        log: null,
      },
    });
  });
  it('drops NaN/Infinity/negative/zero quantities and prices, clamps and rounds the rest', () => {
    const r = parseDriverAnswer(
      answer([
        { side: 'BID', type: 'LIMIT', qty: null, price: 100 }, // NaN serialises as null
        { side: 'BID', type: 'LIMIT', qty: -3, price: 100 },
        { side: 'BID', type: 'LIMIT', qty: 0, price: 100 },
        { side: 'BID', type: 'LIMIT', qty: 5, price: -1 },
        { side: 'BID', type: 'LIMIT', qty: 5, price: null },
        { side: 'BID', type: 'LIMIT', qty: 0.4, price: 100.123456 },
        { side: 'ASK', type: 'LIMIT', qty: 1e9, price: 100 },
        { side: 'UP', type: 'LIMIT', qty: 1, price: 100 },
        { side: 'BID', type: 'STOP', qty: 1, price: 100 },
        { side: 'BID', type: 'CANCEL', cancelTarget: 1.5 },
        { side: 'BID', type: 'CANCEL', cancelTarget: 17 },
        null,
        'x',
      ]),
      0.01,
      limits,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.answer.orders).toEqual([
      { side: 'BID', type: 'LIMIT', qty: 1, price: 100.12 },
      { side: 'ASK', type: 'LIMIT', qty: 200, price: 100 },
      { side: 'BID', type: 'CANCEL', qty: 0, price: null, cancelTarget: 17 },
    ]);
    expect(r.answer.malformed).toBe(10);
    expect(r.answer.clamped).toBe(2);
  });
  it('caps orders per tick and counts what the sandbox already cut off', () => {
    const many = Array.from({ length: 20 }, () => ({ side: 'BID', type: 'MARKET', qty: 1 }));
    const r = parseDriverAnswer(answer(many, 1000), 0.01, limits);
    expect(r.ok && r.answer.orders.length).toBe(12);
    expect(r.ok && r.answer.overCap).toBe(1008);
  });
  it('turns strategy failures and garbage into errors without throwing', () => {
    expect(parseDriverAnswer('{"ok":false,"kind":"error","error":"boom"}', 0.01, limits)).toEqual({ ok: false, kind: 'error', error: 'boom', log: null });
    expect(parseDriverAnswer('not json', 0.01, limits).ok).toBe(false);
    expect(parseDriverAnswer('[1]', 0.01, limits).ok).toBe(false);
    expect(parseDriverAnswer('{"ok":true}', 0.01, limits).ok).toBe(false);
    const proto = parseDriverAnswer('{"ok":true,"orders":[{"__proto__":{"side":"BID","type":"MARKET","qty":1}}],"extra":0}', 0.01, limits);
    expect(proto.ok && proto.answer.malformed).toBe(1);
    expect(({} as Record<string, unknown>).side).toBeUndefined();
  });
});

describe('drop reasons and captured logs', () => {
  it('spells out why the first orders were dropped or clamped, and counts the rest', () => {
    const r = parseDriverAnswer(
      answer([{ side: 'BUY!', type: 'LIMIT', qty: 1, price: 100 }, { side: 'BID', type: 'LIMIT', qty: 1, price: null }, { side: 'BID', type: 'MARKET', qty: 250 }, { side: 'BID', type: 'CANCEL' }]),
      0.01,
      limits,
      3,
    );
    if (!r.ok) throw new Error('expected ok');
    expect(r.answer.malformed).toBe(3);
    expect(r.answer.clamped).toBe(1);
    expect(r.answer.reasons).toEqual([
      'order 1: dropped: side is "BUY!"; write Side.BID or Side.ASK',
      expect.stringMatching(/^order 2: dropped: LIMIT price is missing/),
      'order 3: qty 250 became 200 (rounded to an integer in [1, 200])',
    ]);
  });
  it('reads the log lines an answer carries, and a failure keeps its stack', () => {
    const ok = parseDriverAnswer(JSON.stringify({ ok: true, orders: [], extra: 0, fv: null, log: { lines: ['hi', 3], dropped: 2 } }), 0.01, limits);
    expect(ok.ok && ok.answer.log).toEqual({ lines: ['hi'], dropped: 2 });
    const bad = parseDriverAnswer(JSON.stringify({ ok: false, kind: 'error', error: 'x', stack: 'at S.onTick (strategy.js:3:9)' }), 0.01, limits);
    expect(bad).toMatchObject({ ok: false, stack: 'at S.onTick (strategy.js:3:9)' });
  });
});
