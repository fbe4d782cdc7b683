/**
 * Length-prefixed JSON frames between the host and a Python worker: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. The worker's stdout/stderr are not part of the channel, so
 * nothing a strategy prints can forge or split a frame; a frame over the cap ends the worker.
 */

export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
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
      const text = this.buf.toString('utf8', 4, 4 + n);
      this.buf = this.buf.subarray(4 + n);
      out.push(JSON.parse(text));
    }
    return out;
  }
}
