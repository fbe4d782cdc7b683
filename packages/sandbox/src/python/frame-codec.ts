/**
 * Length-prefixed JSON frames between the host and a Python worker: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON, or of a tick frame (host to worker) or a results frame (worker
 * to host) carrying state and answer texts raw after a JSON header. The worker's stdout/stderr are
 * not part of the channel, so nothing a strategy prints can forge or split a frame; a frame over
 * the cap, or one that does not parse, ends the worker.
 */

/** First byte of a tick frame (host to worker) and of a results frame (worker to host); a JSON frame starts with `{`. */
const TICK = 'T';
const RESULTS = 0x52; // 'R'

export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/**
 * A tick frame: `T`, a JSON header `{"shared": bytes, "calls": [{sid, seq, own: bytes}]}`, a newline,
 * then the shared market JSON and each call's own JSON as raw UTF-8. The state texts are not
 * embedded as JSON strings, so they are neither escaped here nor unescaped in the worker, and the
 * shared part's bytes (the same for every worker in a tick) are encoded once per tick by the caller.
 * Returned as buffers to write in order (no concatenation of the shared part per worker).
 */
export function encodeTickFrame(calls: ReadonlyArray<{ sid: string; seq: number; state: string }>, shared: Buffer): Buffer[] {
  const owns = calls.map((c) => Buffer.from(c.state, 'utf8'));
  const meta = Buffer.from(`${TICK}${JSON.stringify({ shared: shared.length, calls: calls.map((c, i) => ({ sid: c.sid, seq: c.seq, own: owns[i]!.length })) })}\n`, 'utf8');
  const total = meta.length + shared.length + owns.reduce((a, b) => a + b.length, 0);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(total, 0);
  return [head, meta, shared, ...owns];
}

/**
 * A results frame, the worker's mirror of a tick frame: `R`, a JSON header
 * `{"t": "results", "items": [{sid, seq, ok, ms, out?: bytes, …}]}`, a newline, then each item's
 * answer text (the driver's JSON) as raw UTF-8, in item order. Read back as the JSON message it
 * stands for, with `out` the answer text; lengths that do not add up to the frame are fatal.
 */
function decodeResultsFrame(body: Buffer): unknown {
  const nl = body.indexOf(0x0a);
  if (nl < 0) throw new Error('results frame without a header line');
  const msg = JSON.parse(body.toString('utf8', 1, nl)) as { items?: unknown };
  let pos = nl + 1;
  if (Array.isArray(msg?.items)) {
    for (const item of msg.items as Array<Record<string, unknown>>) {
      const n = item?.out;
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || pos + n > body.length) throw new Error('results frame with a bad answer length');
      item.out = body.toString('utf8', pos, pos + n);
      pos += n;
    }
  }
  if (pos !== body.length) throw new Error('results frame with bytes beyond its answers');
  return msg;
}

/** Incremental decoder: feed chunks, get parsed frames; oversize or unparseable input is fatal. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrameBytes: number) {}

  /** Parsed frames completed by `chunk`; throws on a frame over the cap or one that is not JSON. */
  push(chunk: Buffer): unknown[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: unknown[] = [];
    while (this.buf.length >= 4) {
      const n = this.buf.readUInt32BE(0);
      if (n > this.maxFrameBytes) throw new Error(`worker sent a ${n}-byte frame; the cap is ${this.maxFrameBytes}`);
      if (this.buf.length < 4 + n) break;
      const body = this.buf.subarray(4, 4 + n);
      this.buf = this.buf.subarray(4 + n);
      out.push(body[0] === RESULTS ? decodeResultsFrame(body) : JSON.parse(body.toString('utf8')));
    }
    return out;
  }
}
