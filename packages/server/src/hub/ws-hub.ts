/**
 * WebSocket fan-out of the market's events (docs/MODEL.md §7) with back-pressure that never reaches the
 * tick loop:
 * - each event is serialised to one Buffer per tick and that same Buffer goes to every client;
 * - each client has a bounded queue (`queueMax` events) in front of its socket, and at most
 *   `sendHighWater` bytes handed to the socket and not yet flushed;
 * - when the queue overflows, its events are dropped and replaced by one RESYNC notice (the client
 *   then fetches `/market/snapshot`), so a gap is never silent;
 * - a client whose socket makes no progress for `stuckTimeoutMs` while data is pending is
 *   disconnected.
 * Memory per client is therefore bounded by `queueMax` events plus `sendHighWater` bytes.
 */
import { EventType, SCHEMA_VERSION } from '@crowdalpha/engine';
import type { HeartbeatPayload, MarketEvent } from '@crowdalpha/engine';

/** The part of a `ws` WebSocket the hub uses (kept small so the hub is testable without sockets). */
export interface HubSocket {
  readonly readyState: number;
  send(data: Buffer, options: { binary: boolean }, cb: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  /**
   * Optional fast path: write one complete, already framed WebSocket message to the transport.
   * The hub frames each event once per tick and hands the same frame to every such socket,
   * instead of letting the WebSocket library frame it again per client.
   */
  writeFrame?(frame: Buffer, cb: (err?: Error | null) => void): void;
}

/** An unmasked, final text frame (server → client, RFC 6455 §5.2) around `payload`. */
export function textFrame(payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + len);
  frame[0] = 0x81;
  if (head === 2) {
    frame[1] = len;
  } else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    frame.writeUInt32BE(len >>> 0, 6);
  }
  payload.copy(frame, head);
  return frame;
}

export interface WsHubOptions {
  queueMax: number;
  sendHighWater: number;
  stuckTimeoutMs: number;
  heartbeatMs: number;
  maxClients: number;
  /** Where a RESYNC tells the client to fetch the full state. */
  snapshotUrl: string;
  /** ns timestamps for HEARTBEAT/RESYNC envelopes. */
  clock?: () => number;
}

export interface WsHubStats {
  clients: number;
  queuedMessages: number;
  queuedBytes: number;
  inflightBytes: number;
  maxClientQueuedBytes: number;
  eventsBroadcast: number;
  messagesSent: number;
  resyncs: number;
  droppedMessages: number;
  disconnectedSlow: number;
  /** Time the last broadcast took (serialise + enqueue + hand to sockets), ms. */
  lastBroadcastMs: number;
  maxBroadcastMs: number;
}

const OPEN = 1;
const SUBSCRIBABLE = new Set<string>(Object.values(EventType));
/** Always delivered, whatever the subscription. */
const ALWAYS = new Set<string>([EventType.HEARTBEAT, EventType.RESYNC]);

export class WsClient {
  /** null = every event type. */
  types: Set<string> | null = null;
  readonly queue: Buffer[] = [];
  queueHead = 0;
  queuedBytes = 0;
  inflightBytes = 0;
  /** A RESYNC sits at queue[queueHead] and has not been handed to the socket yet. */
  resyncQueued = false;
  droppedSinceResync = 0;
  lastProgressAt: number;
  lastEnqueueAt: number;
  closed = false;
  /** Queue entries are complete frames written with `socket.writeFrame` (else payloads for `send`). */
  readonly framed: boolean;

  constructor(
    readonly id: number,
    readonly socket: HubSocket,
    now: number,
  ) {
    this.lastProgressAt = now;
    this.lastEnqueueAt = now;
    this.framed = typeof socket.writeFrame === 'function';
  }

  get queuedMessages(): number {
    return this.queue.length - this.queueHead;
  }

  wants(type: string): boolean {
    return this.types === null || this.types.has(type) || ALWAYS.has(type);
  }
}

export class WsHub {
  private readonly clients = new Map<number, WsClient>();
  private nextId = 1;
  private readonly timer: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly counters = { eventsBroadcast: 0, messagesSent: 0, resyncs: 0, droppedMessages: 0, disconnectedSlow: 0, lastBroadcastMs: 0, maxBroadcastMs: 0 };

  constructor(private readonly opts: WsHubOptions) {
    this.clock = opts.clock ?? (() => Date.now() * 1e6);
    this.timer = setInterval(() => this.sweep(), Math.max(5, Math.min(1000, Math.floor(Math.min(opts.heartbeatMs, opts.stuckTimeoutMs) / 4))));
    this.timer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= this.opts.maxClients;
  }

  /** Registers a connected socket; `types` is an optional initial subscription. */
  add(socket: HubSocket, types: Set<string> | null = null): WsClient {
    const client = new WsClient(this.nextId++, socket, Date.now());
    client.types = types;
    this.clients.set(client.id, client);
    return client;
  }

  remove(client: WsClient): void {
    client.closed = true;
    this.clients.delete(client.id);
    client.queue.length = 0;
    client.queueHead = 0;
    client.queuedBytes = 0;
  }

  /**
   * Parses a subscription list: valid event type names, or ["*"] for all. Returns the set, or an
   * error message naming the bad entries and the valid ones.
   */
  static parseTypes(list: unknown): { types: Set<string> | null } | { error: string } {
    if (list === '*' || (Array.isArray(list) && list.length === 1 && list[0] === '*')) return { types: null };
    if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
      return { error: `subscribe must be an array of event type names or ["*"]; valid types are ${[...SUBSCRIBABLE].join(', ')}` };
    }
    const bad = list.filter((t) => !SUBSCRIBABLE.has(t));
    if (bad.length) return { error: `unknown event type(s) ${bad.join(', ')}; valid types are ${[...SUBSCRIBABLE].join(', ')}` };
    return { types: new Set(list as string[]) };
  }

  /** Handles one message from a client: "ping", {"type":"ping"} or {"subscribe":[...]}. */
  handleMessage(client: WsClient, raw: string): void {
    const text = raw.trim();
    if (text === 'ping') return this.sendControl(client, EventType.HEARTBEAT, this.heartbeat('pong'));
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.sendControl(client, 'ERROR', { message: 'messages must be "ping", {"type":"ping"} or {"subscribe": ["TICK", ...]}' });
    }
    if (msg && typeof msg === 'object' && !Array.isArray(msg)) {
      const m = msg as Record<string, unknown>;
      if (m.type === 'ping') return this.sendControl(client, EventType.HEARTBEAT, this.heartbeat('pong'));
      if ('subscribe' in m) {
        const parsed = WsHub.parseTypes(m.subscribe);
        if ('error' in parsed) return this.sendControl(client, 'ERROR', { message: parsed.error });
        client.types = parsed.types;
        return this.sendControl(client, 'SUBSCRIBED', { types: parsed.types ? [...parsed.types] : ['*'] });
      }
    }
    this.sendControl(client, 'ERROR', { message: 'unknown message; send "ping", {"type":"ping"} or {"subscribe": ["TICK", ...]}' });
  }

  /**
   * Fans one tick's events out. Each event is serialised once; clients receive the same Buffer.
   * Never blocks: sockets that cannot take more have it queued (bounded) or replaced by RESYNC.
   */
  broadcast(events: readonly MarketEvent[]): void {
    if (this.clients.size === 0 || events.length === 0) return;
    const started = performance.now();
    // Serialised lazily: an event no client subscribed to is never stringified.
    const encoded: Array<{ type: string; buf: Buffer | null; frame: Buffer | null }> = new Array(events.length);
    for (let i = 0; i < events.length; i++) encoded[i] = { type: (events[i] as MarketEvent).type, buf: null, frame: null };
    this.counters.eventsBroadcast += events.length;
    const now = Date.now();
    for (const client of this.clients.values()) {
      let any = false;
      for (let i = 0; i < encoded.length; i++) {
        const ev = encoded[i] as { type: string; buf: Buffer | null; frame: Buffer | null };
        if (!client.wants(ev.type)) continue;
        ev.buf ??= Buffer.from(JSON.stringify(events[i]));
        if (client.framed) {
          ev.frame ??= textFrame(ev.buf);
          this.enqueue(client, ev.frame, now);
        } else {
          this.enqueue(client, ev.buf, now);
        }
        any = true;
      }
      if (any) this.pump(client);
    }
    const took = performance.now() - started;
    this.counters.lastBroadcastMs = took;
    if (took > this.counters.maxBroadcastMs) this.counters.maxBroadcastMs = took;
  }

  /** A HEARTBEAT payload: the original's `message`, our older `reason`, and the connected count. */
  private heartbeat(message: 'pong' | 'idle'): HeartbeatPayload {
    return { message, reason: message, n_connected: this.size };
  }

  /** Sends a hub message (HEARTBEAT, RESYNC, SUBSCRIBED, ERROR) to one client. */
  sendControl(client: WsClient, type: string, payload: unknown): void {
    const buf = Buffer.from(JSON.stringify({ schema_version: SCHEMA_VERSION, type, timestamp: this.clock(), payload }));
    this.enqueue(client, client.framed ? textFrame(buf) : buf, Date.now());
    this.pump(client);
  }

  stats(): WsHubStats {
    let queuedMessages = 0;
    let queuedBytes = 0;
    let inflightBytes = 0;
    let maxClientQueuedBytes = 0;
    for (const c of this.clients.values()) {
      queuedMessages += c.queuedMessages;
      queuedBytes += c.queuedBytes;
      inflightBytes += c.inflightBytes;
      maxClientQueuedBytes = Math.max(maxClientQueuedBytes, c.queuedBytes + c.inflightBytes);
    }
    return { clients: this.clients.size, queuedMessages, queuedBytes, inflightBytes, maxClientQueuedBytes, ...this.counters };
  }

  /** Closes every client (server shutdown). */
  close(code = 1001, reason = 'server shutting down'): void {
    clearInterval(this.timer);
    for (const c of [...this.clients.values()]) {
      try {
        c.socket.close(code, reason);
      } catch {
        c.socket.terminate();
      }
      this.remove(c);
    }
  }

  private enqueue(client: WsClient, buf: Buffer, now: number): void {
    if (client.closed) return;
    client.lastEnqueueAt = now;
    if (client.queuedMessages >= this.opts.queueMax) this.overflow(client);
    client.queue.push(buf);
    client.queuedBytes += buf.length;
  }

  /** Drop everything queued and put one RESYNC (carrying the running drop count) in front. */
  private overflow(client: WsClient): void {
    let dropped = client.queuedMessages;
    if (client.resyncQueued) dropped -= 1; // the pending RESYNC is replaced, not counted as lost
    client.droppedSinceResync += dropped;
    this.counters.droppedMessages += dropped;
    if (!client.resyncQueued) this.counters.resyncs++;
    client.queue.length = 0;
    client.queueHead = 0;
    const resync = Buffer.from(
      JSON.stringify({
        schema_version: SCHEMA_VERSION,
        type: EventType.RESYNC,
        timestamp: this.clock(),
        payload: { reason: `client too slow: more than ${this.opts.queueMax} events queued`, dropped: client.droppedSinceResync, snapshot_url: this.opts.snapshotUrl },
      }),
    );
    const entry = client.framed ? textFrame(resync) : resync;
    client.queue.push(entry);
    client.queuedBytes = entry.length;
    client.resyncQueued = true;
  }

  private pump(client: WsClient): void {
    if (client.closed) return;
    const socket = client.socket;
    if (socket.readyState !== OPEN) return;
    // The stall clock starts when data starts waiting, not at the last delivery long ago.
    if (client.inflightBytes === 0) client.lastProgressAt = Date.now();
    while (client.queueHead < client.queue.length && client.inflightBytes < this.opts.sendHighWater) {
      const buf = client.queue[client.queueHead] as Buffer;
      client.queue[client.queueHead] = EMPTY;
      client.queueHead++;
      client.queuedBytes -= buf.length;
      if (client.resyncQueued && client.queueHead === 1) {
        client.resyncQueued = false;
        client.droppedSinceResync = 0;
      }
      client.inflightBytes += buf.length;
      const len = buf.length;
      const done = (err?: Error | null) => {
        client.inflightBytes -= len;
        client.lastProgressAt = Date.now();
        if (err || client.closed) return;
        if (client.queueHead < client.queue.length) this.pump(client);
      };
      if (client.framed) (socket.writeFrame as NonNullable<HubSocket['writeFrame']>)(buf, done);
      else socket.send(buf, { binary: false }, done);
      this.counters.messagesSent++;
    }
    if (client.queueHead === client.queue.length) {
      client.queue.length = 0;
      client.queueHead = 0;
    } else if (client.queueHead > 1024) {
      client.queue.splice(0, client.queueHead);
      client.queueHead = 0;
    }
  }

  /** Heartbeats for idle clients; disconnects clients whose socket stopped draining. */
  private sweep(): void {
    const now = Date.now();
    for (const client of [...this.clients.values()]) {
      const pending = client.inflightBytes > 0 || client.queuedMessages > 0;
      if (pending && now - client.lastProgressAt > this.opts.stuckTimeoutMs) {
        this.counters.disconnectedSlow++;
        this.remove(client);
        client.socket.terminate();
        continue;
      }
      if (!pending) client.lastProgressAt = now;
      if (now - client.lastEnqueueAt >= this.opts.heartbeatMs) this.sendControl(client, EventType.HEARTBEAT, this.heartbeat('idle'));
    }
  }
}

const EMPTY = Buffer.alloc(0);
