/**
 * The Python worker's frames as the host reads them: JSON frames, and results frames whose answer
 * texts follow a JSON header raw. Whatever a worker sends that does not add up is fatal (the
 * worker is killed), never a partly read answer.
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../src/python/frame-codec.js';

function frame(body: Buffer | string): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(b.length, 0);
  return Buffer.concat([head, b]);
}

/** A results frame as the harness writes it: `R`, header line, answers' bytes. */
function results(items: Array<Record<string, unknown>>, answers: string[]): Buffer {
  const bytes = answers.map((a) => Buffer.from(a, 'utf8'));
  let k = 0;
  const header = items.map((it) => (it.ok === true ? { ...it, out: bytes[k++]!.length } : it));
  return frame(Buffer.concat([Buffer.from(`R${JSON.stringify({ t: 'results', items: header })}\n`, 'utf8'), ...bytes]));
}

describe('FrameDecoder', () => {
  it('reads results frames back as the message they stand for, answers as text (any UTF-8), in item order', () => {
    const a = '{"ok":true,"orders":[],"extra":0,"fv":[1]}';
    const b = '{"ok":true,"orders":[],"extra":0,"fv":null,"log":{"lines":["prix \u20ac \ud83d\ude00"],"dropped":0}}';
    const wire = results(
      [
        { sid: 'a', seq: 1, ok: true, ms: 0.1 },
        { sid: 'x', seq: 2, ok: false, kind: 'timeout', error: 'exceeded its time limit', ms: 9 },
        { sid: 'b', seq: 3, ok: true, ms: 0.2 },
      ],
      [a, b],
    );
    const d = new FrameDecoder(1 << 20);
    // Split at every byte boundary on the way: frames complete only when all their bytes are in.
    const got: unknown[] = [];
    for (let i = 0; i < wire.length; i += 7) got.push(...d.push(wire.subarray(i, i + 7)));
    expect(got).toEqual([
      {
        t: 'results',
        items: [
          { sid: 'a', seq: 1, ok: true, ms: 0.1, out: a },
          { sid: 'x', seq: 2, ok: false, kind: 'timeout', error: 'exceeded its time limit', ms: 9 },
          { sid: 'b', seq: 3, ok: true, ms: 0.2, out: b },
        ],
      },
    ]);
    expect(new FrameDecoder(1 << 20).push(Buffer.concat([frame('{"t":"ready","pid":7}'), wire.subarray(0, 10)]))).toEqual([{ t: 'ready', pid: 7 }]);
  });

  it('a results frame whose lengths do not add up, or without a header line, is fatal', () => {
    const body = (header: string, rest: string): Buffer => frame(`R${header}\n${rest}`);
    const bad = [
      body('{"t":"results","items":[{"sid":"a","seq":1,"ok":true,"out":50}]}', '{"ok":true}'), // past the end
      body('{"t":"results","items":[{"sid":"a","seq":1,"ok":true,"out":3}]}', '{"ok":true}'), // bytes left over
      body('{"t":"results","items":[{"sid":"a","seq":1,"ok":true,"out":-1}]}', ''),
      body('{"t":"results","items":[{"sid":"a","seq":1,"ok":true,"out":1.5}]}', 'xx'),
      body('{"t":"results","items":[{"sid":"a","seq":1,"ok":true,"out":"{}"}]}', ''),
      body('{"t":"results","items":[]}', 'tail'),
      frame('R{"t":"results","items":[]}'),
      body('not json', ''),
    ];
    for (const f of bad) expect(() => new FrameDecoder(1 << 20).push(f), f.toString('utf8', 4)).toThrow();
    expect(() => new FrameDecoder(1 << 20).push(frame('{"t":'))).toThrow();
    expect(() => new FrameDecoder(64).push(frame(`{"t":"results","pad":"${'x'.repeat(100)}"}`))).toThrow(/cap is 64/);
  });
});
