/**
 * WS /ws/market against a real listening server and real `ws` clients: every docs/MODEL.md §7 event in
 * order each tick, subscriptions, ping/pong, idle heartbeats, and a stalled client that gets a
 * RESYNC or is disconnected while the others keep receiving and server memory stays bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TICK_EVENT_ORDER } from '@crowdalpha/engine';
import type { RunningServer } from '../src/server.js';
import { sleep, startTestServer, tempSqlite, waitFor } from './helpers.js';

interface Msg {
  type: string;
  timestamp: number;
  schema_version: number;
  payload: Record<string, unknown>;
}

/** A client that records every message it receives. */
class Recorder {
  readonly ws: WebSocket;
  readonly msgs: Msg[] = [];
  bytes = 0;
  closed: { code: number; reason: string } | null = null;
  readonly opened: Promise<void>;
  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer) => {
      this.bytes += data.length;
      this.msgs.push(JSON.parse(data.toString('utf8')) as Msg);
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
    this.ws.on('error', () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', (code) => reject(new Error(`closed before open: ${code}`)));
    });
  }
  ticks(): number[] {
    return this.msgs.filter((m) => m.type === 'TICK').map((m) => m.payload.tick as number);
  }
  close(): void {
    this.ws.terminate();
  }
}

function wsUrl(server: RunningServer, query = ''): string {
  return `ws://127.0.0.1:${server.port}/ws/market${query}`;
}

function expectConsecutive(ticks: number[]): void {
  for (let i = 1; i < ticks.length; i++) expect(ticks[i], `tick after ${ticks[i - 1]}`).toBe((ticks[i - 1] as number) + 1);
}

describe('WS /ws/market on a running market', () => {
  let server: RunningServer;
  const db = tempSqlite();
  beforeAll(async () => {
    server = await startTestServer(db.url, { autostart: true, tickDelayMs: 15 }, true);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('streams every tick with its events in the docs/MODEL.md §7 order, TICK last', async () => {
    const c = new Recorder(wsUrl(server));
    await c.opened;
    await waitFor(() => c.ticks().length >= 25, 15_000, '25 ticks');
    c.close();
    const rank = new Map(TICK_EVENT_ORDER.map((t, i) => [t, i]));
    // Drop the partial tick the client joined in the middle of.
    const firstTickEnd = c.msgs.findIndex((m) => m.type === 'TICK');
    const msgs = c.msgs.slice(firstTickEnd + 1).filter((m) => rank.has(m.type as never));
    let current: Msg[] = [];
    let seenTypes = new Set<string>();
    for (const m of msgs) {
      current.push(m);
      if (m.type !== 'TICK') continue;
      const tick = m.payload.tick as number;
      const ranks = current.map((e) => rank.get(e.type as never) as number);
      expect([...ranks].sort((a, b) => a - b), `order within tick ${tick}`).toEqual(ranks);
      for (const e of current) {
        expect(e.schema_version).toBe(1);
        if ('tick' in e.payload) expect(e.payload.tick).toBe(tick);
        seenTypes.add(e.type);
      }
      current = [];
    }
    expectConsecutive(c.ticks());
    for (const t of ['ORDER_SUBMITTED', 'ORDER_FILLED', 'AGENT_STATE_CHANGED', 'CROWDING_MATRIX_UPDATED', 'TICK']) expect(seenTypes).toContain(t);
    seenTypes = new Set();
  });

  it('honours ?types= as the initial subscription', async () => {
    const c = new Recorder(wsUrl(server, '?types=TICK'));
    await c.opened;
    await waitFor(() => c.ticks().length >= 5, 10_000, '5 ticks');
    c.close();
    expect(new Set(c.msgs.map((m) => m.type))).toEqual(new Set(['TICK']));
    expectConsecutive(c.ticks());
  });

  it('switches to a subset after a subscribe message', async () => {
    const c = new Recorder(wsUrl(server));
    await c.opened;
    c.ws.send(JSON.stringify({ subscribe: ['TICK', 'CROWDING_MATRIX_UPDATED'] }));
    await waitFor(() => c.msgs.some((m) => m.type === 'SUBSCRIBED'), 5000, 'SUBSCRIBED');
    const from = c.msgs.findIndex((m) => m.type === 'SUBSCRIBED');
    await waitFor(() => c.msgs.slice(from).filter((m) => m.type === 'TICK').length >= 5, 10_000, '5 ticks after subscribing');
    c.close();
    expect(c.msgs[from]?.payload).toEqual({ types: ['TICK', 'CROWDING_MATRIX_UPDATED'] });
    expect(new Set(c.msgs.slice(from + 1).map((m) => m.type))).toEqual(new Set(['TICK', 'CROWDING_MATRIX_UPDATED']));
  });

  it('answers ping with a HEARTBEAT pong', async () => {
    const c = new Recorder(wsUrl(server, '?types=REGIME_CHANGED'));
    await c.opened;
    c.ws.send('ping');
    c.ws.send(JSON.stringify({ type: 'ping' }));
    await waitFor(() => c.msgs.filter((m) => m.type === 'HEARTBEAT').length >= 2, 5000, 'two pongs');
    c.close();
    expect(c.msgs.filter((m) => m.type === 'HEARTBEAT').map((m) => m.payload.reason)).toEqual(['pong', 'pong']);
  });

  it('refuses an unknown type in ?types= with close code 1008 naming the valid types', async () => {
    const c = new Recorder(wsUrl(server, '?types=TICKZ'));
    await waitFor(() => c.closed, 5000, 'close');
    expect(c.closed?.code).toBe(1008);
    expect(c.closed?.reason).toMatch(/unknown event type\(s\) TICKZ/);
  });
});

describe('WS heartbeat on an idle market', () => {
  let server: RunningServer;
  const db = tempSqlite();
  beforeAll(async () => {
    server = await startTestServer(db.url, { autostart: false, wsHeartbeatMs: 150, wsMaxClients: 2, wsMaxPayload: 1024 }, true);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('sends HEARTBEAT {reason: "idle"} after wsHeartbeatMs of silence', async () => {
    const c = new Recorder(wsUrl(server));
    await c.opened;
    await waitFor(() => c.msgs.some((m) => m.type === 'HEARTBEAT'), 5000, 'idle heartbeat');
    c.close();
    expect(c.msgs[0]).toMatchObject({ type: 'HEARTBEAT', payload: { reason: 'idle' } });
  });

  it('closes clients beyond wsMaxClients with 1013', async () => {
    const a = new Recorder(wsUrl(server));
    const b = new Recorder(wsUrl(server));
    await Promise.all([a.opened, b.opened]);
    const c = new Recorder(wsUrl(server));
    await waitFor(() => c.closed, 5000, 'refusal');
    expect(c.closed?.code).toBe(1013);
    expect(c.closed?.reason).toMatch(/2-client limit/);
    a.close();
    b.close();
  });

  it('closes a client that sends a message over wsMaxPayload with 1009', async () => {
    await waitFor(() => server.ws.size === 0, 5000, 'previous clients gone');
    const c = new Recorder(wsUrl(server));
    await c.opened;
    c.ws.send('x'.repeat(2048));
    await waitFor(() => c.closed, 5000, 'close');
    expect(c.closed?.code).toBe(1009);
    await waitFor(() => server.ws.size === 0, 5000, 'the hub to forget the client');
  });
});

describe('WS slow consumers', () => {
  let server: RunningServer;
  const db = tempSqlite();
  const QUEUE = 256;
  const HIGH_WATER = 16 * 1024;
  beforeAll(async () => {
    server = await startTestServer(db.url, { autostart: true, tickDelayMs: 2, wsQueueMax: QUEUE, wsSendHighWater: HIGH_WATER, wsStuckTimeoutMs: 2500 }, true);
  });
  afterAll(async () => {
    await server?.close();
    db.cleanup();
  });

  it('a stalled client is disconnected while the others keep receiving every tick, with bounded server memory', async () => {
    const healthy = new Recorder(wsUrl(server));
    const stalled = new Recorder(wsUrl(server));
    await Promise.all([healthy.opened, stalled.opened]);
    stalled.ws.pause(); // stops reading: TCP buffers fill, then the server-side queue
    let maxQueued = 0;
    const sampler = setInterval(() => {
      maxQueued = Math.max(maxQueued, server.ws.stats().maxClientQueuedBytes);
    }, 5);
    try {
      await waitFor(() => server.ws.stats().resyncs >= 1, 20_000, 'a RESYNC for the stalled client');
      const ticksAtResync = healthy.ticks().length;
      await waitFor(() => server.ws.stats().disconnectedSlow >= 1, 20_000, 'the stalled client to be disconnected');
      await waitFor(() => healthy.ticks().length >= ticksAtResync + 20, 10_000, 'the healthy client to keep receiving');
    } finally {
      clearInterval(sampler);
    }
    healthy.close();
    stalled.close();
    expectConsecutive(healthy.ticks());
    expect(healthy.msgs.some((m) => m.type === 'RESYNC')).toBe(false);
    const largest = Math.max(...healthy.msgs.map((m) => JSON.stringify(m).length));
    // The per-client bound: a full queue, one RESYNC, plus what was handed to the socket.
    expect(maxQueued).toBeLessThanOrEqual(QUEUE * largest + HIGH_WATER + 2 * largest);
    expect(server.ws.size).toBeLessThanOrEqual(1);
  });

  it('a client that stalls and then catches up receives RESYNC (with the dropped count) and then the live stream', async () => {
    const resyncsBefore = server.ws.stats().resyncs;
    const c = new Recorder(wsUrl(server));
    await c.opened;
    c.ws.pause();
    await waitFor(() => server.ws.stats().resyncs > resyncsBefore, 20_000, 'a RESYNC');
    c.ws.resume();
    await waitFor(() => c.msgs.some((m) => m.type === 'RESYNC'), 10_000, 'the RESYNC to arrive');
    const at = c.msgs.findIndex((m) => m.type === 'RESYNC');
    await waitFor(() => c.msgs.slice(at).filter((m) => m.type === 'TICK').length >= 10, 10_000, 'ticks after RESYNC');
    c.close();
    const resync = c.msgs[at] as Msg;
    expect(resync.payload.snapshot_url).toBe('/market/snapshot');
    expect(resync.payload.dropped).toBeGreaterThan(0);
    const after = c.msgs.slice(at + 1).filter((m) => m.type === 'TICK').map((m) => m.payload.tick as number);
    expect(after.length).toBeGreaterThanOrEqual(10);
    await sleep(10);
  });
});
