/**
 * WsHub rules, one per test, fed with in-memory sockets (the real-socket behaviour is covered by
 * ws.test.ts): serialise once, per-client order, subscriptions, ping, bounded queues, RESYNC,
 * disconnecting a stuck client, idle heartbeats.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketEvent } from '@crowdalpha/engine';
import WebSocket from 'ws';
import { WsHub, textFrame, type HubSocket, type WsHubOptions } from '../src/hub/ws-hub.js';
import { sleep, waitFor } from './helpers.js';

/** A socket whose writes complete at once (`drains = true`) or never (a stalled reader). */
class MemorySocket implements HubSocket {
  readyState = 1;
  sent: Buffer[] = [];
  pending: Array<() => void> = [];
  terminated = false;
  closed: { code?: number; reason?: string } | null = null;
  constructor(public drains = true) {}
  send(data: Buffer, _o: { binary: boolean }, cb: (err?: Error) => void): void {
    this.sent.push(data);
    if (this.drains) cb();
    else this.pending.push(() => cb());
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
  /** Let the stalled reader catch up. */
  drain(): void {
    this.drains = true;
    for (const p of this.pending.splice(0)) p();
  }
  messages(): Array<{ type: string; payload: Record<string, unknown> }> {
    return this.sent.map((b) => JSON.parse(b.toString('utf8')) as { type: string; payload: Record<string, unknown> });
  }
}

const OPTS: WsHubOptions = { queueMax: 5, sendHighWater: 1000, stuckTimeoutMs: 200, heartbeatMs: 60_000, maxClients: 10, snapshotUrl: '/market/snapshot' };

function tickEvents(tick: number): MarketEvent[] {
  const ev = (type: string, payload: unknown) => ({ schema_version: 1, type, timestamp: tick, payload }) as unknown as MarketEvent;
  return [ev('ORDER_SUBMITTED', { tick }), ev('ORDER_FILLED', { tick }), ev('CROWDING_MATRIX_UPDATED', { tick }), ev('TICK', { tick, pad: 'x'.repeat(50) })];
}

const hubs: WsHub[] = [];
function makeHub(extra: Partial<WsHubOptions> = {}): WsHub {
  const h = new WsHub({ ...OPTS, ...extra });
  hubs.push(h);
  return h;
}
afterEach(() => {
  for (const h of hubs.splice(0)) h.close();
});

describe('WsHub', () => {
  it('sends the same serialised buffer to every client', () => {
    const hub = makeHub();
    const a = new MemorySocket();
    const b = new MemorySocket();
    hub.add(a);
    hub.add(b);
    hub.broadcast(tickEvents(1));
    expect(a.sent).toHaveLength(4);
    for (let i = 0; i < 4; i++) expect(a.sent[i]).toBe(b.sent[i]);
  });

  it('delivers each tick in event order', () => {
    const hub = makeHub({ queueMax: 100 });
    const s = new MemorySocket();
    hub.add(s);
    hub.broadcast(tickEvents(1));
    hub.broadcast(tickEvents(2));
    expect(s.messages().map((m) => `${m.payload.tick}:${m.type}`)).toEqual([
      '1:ORDER_SUBMITTED',
      '1:ORDER_FILLED',
      '1:CROWDING_MATRIX_UPDATED',
      '1:TICK',
      '2:ORDER_SUBMITTED',
      '2:ORDER_FILLED',
      '2:CROWDING_MATRIX_UPDATED',
      '2:TICK',
    ]);
  });

  it('sends only subscribed types after a subscribe message, and acknowledges it', () => {
    const hub = makeHub();
    const s = new MemorySocket();
    const c = hub.add(s);
    hub.handleMessage(c, JSON.stringify({ subscribe: ['TICK'] }));
    hub.broadcast(tickEvents(1));
    expect(s.messages().map((m) => m.type)).toEqual(['SUBSCRIBED', 'TICK']);
    expect(s.messages()[0]?.payload).toEqual({ types: ['TICK'] });
  });

  it('refuses unknown event types in a subscription, naming the valid ones', () => {
    const hub = makeHub();
    const s = new MemorySocket();
    const c = hub.add(s);
    hub.handleMessage(c, JSON.stringify({ subscribe: ['TICKS'] }));
    const [m] = s.messages();
    expect(m?.type).toBe('ERROR');
    expect(m?.payload.message).toMatch(/unknown event type\(s\) TICKS; valid types are .*TICK/);
    hub.broadcast(tickEvents(1));
    expect(s.messages()).toHaveLength(5); // subscription unchanged: still everything
  });

  it('answers "ping" and {"type":"ping"} with a HEARTBEAT pong', () => {
    const hub = makeHub();
    const s = new MemorySocket();
    const c = hub.add(s);
    hub.handleMessage(c, 'ping');
    hub.handleMessage(c, '{"type":"ping"}');
    expect(s.messages().map((m) => [m.type, m.payload.reason])).toEqual([
      ['HEARTBEAT', 'pong'],
      ['HEARTBEAT', 'pong'],
    ]);
  });

  it('stops handing data to a socket past the send high-water mark', () => {
    const hub = makeHub({ sendHighWater: 150, queueMax: 100 });
    const s = new MemorySocket(false);
    const c = hub.add(s);
    hub.broadcast(tickEvents(1));
    expect(s.sent.length).toBeLessThan(4);
    expect(c.queuedMessages).toBe(4 - s.sent.length);
    s.drain();
    expect(s.sent).toHaveLength(4);
    expect(c.queuedMessages).toBe(0);
  });

  it('replaces an overflowing queue with one RESYNC that counts the dropped events', () => {
    const hub = makeHub({ sendHighWater: 1, queueMax: 5 });
    const s = new MemorySocket(false);
    const c = hub.add(s);
    for (let t = 1; t <= 4; t++) hub.broadcast(tickEvents(t)); // 16 events, 1 in flight
    expect(c.queuedMessages).toBeLessThanOrEqual(5);
    s.drain();
    const msgs = s.messages();
    const resync = msgs.find((m) => m.type === 'RESYNC');
    expect(resync?.payload).toMatchObject({ snapshot_url: '/market/snapshot' });
    const delivered = msgs.filter((m) => m.type !== 'RESYNC').length;
    expect(Number(resync?.payload.dropped)).toBe(16 - delivered);
    // After the RESYNC the stream continues normally.
    hub.broadcast(tickEvents(5));
    expect(s.messages().slice(-4).map((m) => m.payload.tick)).toEqual([5, 5, 5, 5]);
    expect(hub.stats().resyncs).toBe(1);
  });

  it('keeps a stalled client bounded however many ticks pass', () => {
    const hub = makeHub({ sendHighWater: 200, queueMax: 5, stuckTimeoutMs: 60_000 });
    const s = new MemorySocket(false);
    hub.add(s);
    for (let t = 1; t <= 1000; t++) hub.broadcast(tickEvents(t));
    const st = hub.stats();
    expect(st.queuedMessages).toBeLessThanOrEqual(5);
    expect(st.maxClientQueuedBytes).toBeLessThan(5 * 200 + 200 + 400);
    expect(st.droppedMessages).toBeGreaterThan(3900);
  });

  it('disconnects a client whose socket makes no progress for stuckTimeoutMs, and only that one', async () => {
    const hub = makeHub({ sendHighWater: 1, stuckTimeoutMs: 100 });
    const stuck = new MemorySocket(false);
    const fine = new MemorySocket();
    hub.add(stuck);
    hub.add(fine);
    hub.broadcast(tickEvents(1));
    await waitFor(() => stuck.terminated, 3000, 'stuck client termination');
    expect(hub.size).toBe(1);
    hub.broadcast(tickEvents(2));
    expect(fine.sent).toHaveLength(8);
    expect(hub.stats().disconnectedSlow).toBe(1);
  });

  it('sends an idle HEARTBEAT after heartbeatMs of silence', async () => {
    const hub = makeHub({ heartbeatMs: 60, stuckTimeoutMs: 10_000 });
    const s = new MemorySocket();
    hub.add(s);
    await waitFor(() => s.messages().some((m) => m.type === 'HEARTBEAT' && m.payload.reason === 'idle'), 3000, 'idle heartbeat');
    const n = s.sent.length;
    await sleep(20);
    hub.broadcast(tickEvents(1));
    expect(s.sent.length).toBe(n + 4);
  });

  it('never serialises an event type no client subscribed to', () => {
    const hub = makeHub();
    const s = new MemorySocket();
    const c = hub.add(s);
    c.types = new Set(['TICK']);
    const poisoned = { schema_version: 1, type: 'ORDER_FILLED', timestamp: 0, get payload(): unknown { throw new Error('serialised'); } } as unknown as MarketEvent;
    expect(() => hub.broadcast([poisoned, ...tickEvents(1).slice(3)])).not.toThrow();
    expect(s.messages().map((m) => m.type)).toEqual(['TICK']);
  });

  it('skips serialisation entirely when nobody listens', () => {
    const hub = makeHub();
    const poisoned = { schema_version: 1, type: 'TICK', timestamp: 0, get payload(): unknown { throw new Error('serialised'); } } as unknown as MarketEvent;
    expect(() => hub.broadcast([poisoned])).not.toThrow();
  });

  it('frames text messages that the ws parser reads back for every length class', async () => {
    for (const n of [0, 125, 126, 65_535, 65_536, 300_000]) {
      const payload = Buffer.from('x'.repeat(n));
      const receiver = new (WebSocket as unknown as { Receiver: new (o: object) => NodeJS.WritableStream & { on: (e: string, f: (d: Buffer, b: boolean) => void) => void } }).Receiver({ isServer: false });
      const got = new Promise<{ data: Buffer; binary: boolean }>((resolve) => receiver.on('message', (data, binary) => resolve({ data, binary })));
      receiver.write(textFrame(payload));
      const { data, binary } = await got;
      expect(binary).toBe(false);
      expect(data.length).toBe(n);
    }
  });

  it('writes complete frames, not payloads, to sockets that accept frames', () => {
    const hub = makeHub();
    const frames: Buffer[] = [];
    const a: HubSocket = { readyState: 1, send: () => { throw new Error('send must not be used for framed sockets'); }, close: () => {}, terminate: () => {}, writeFrame: (f, cb) => { frames.push(f); cb(); } };
    const b = new MemorySocket();
    hub.add(a);
    hub.add(b);
    hub.broadcast(tickEvents(1));
    expect(frames).toHaveLength(4);
    expect(frames[3]?.subarray(frames[3].length - (b.sent[3] as Buffer).length).equals(b.sent[3] as Buffer)).toBe(true);
    expect(frames[3]?.[0]).toBe(0x81);
  });
});
