import { describe, expect, it, vi } from 'vitest';
import { backoffDelay } from '../src/api/backoff.js';
import { MarketSocket, type ConnectionState } from '../src/api/market-socket.js';
import type { AnyMarketEvent } from '../src/api/types.js';

/** A controllable stand-in for the browser WebSocket: the test plays the server's side. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(s: string) {
    this.sent.push(s);
  }
  close(code = 1000) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
}

function setup() {
  FakeSocket.all = [];
  const events: AnyMarketEvent[] = [];
  const opens: boolean[] = [];
  const states: ConnectionState[] = [];
  const sock = new MarketSocket('ws://x/ws/market', { onEvent: (e) => events.push(e), onOpen: (r) => opens.push(r), onState: (s) => states.push(s) }, {
    createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
    random: () => 0.5,
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0.2 },
  });
  return { sock, events, opens, states };
}

describe('backoffDelay', () => {
  it('doubles from the base and caps at the maximum', () => {
    const o = { baseMs: 100, maxMs: 1000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, 0.5, o))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('jitters within ±jitter', () => {
    const o = { baseMs: 1000, maxMs: 10_000, jitter: 0.2 };
    expect(backoffDelay(0, 0, o)).toBe(800);
    expect(backoffDelay(0, 0.999999, o)).toBe(1200);
  });
});

describe('MarketSocket', () => {
  it("authenticates each connection with this tab's key before subscribing (the server reads a connection's messages in order), and sends no auth without one", () => {
    FakeSocket.all = [];
    let key: string | null = 'ca_signed_in_key';
    const sock = new MarketSocket('ws://x/ws/market', { onEvent: () => {}, onOpen: () => {}, onState: () => {} }, {
      createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
      random: () => 0.5,
      backoff: { baseMs: 100, maxMs: 1000, jitter: 0.2 },
      credential: () => key,
    });
    sock.setSubscription(['TICK']);
    sock.start();
    const first = FakeSocket.all[0] as FakeSocket;
    first.open();
    expect(first.sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ type: 'auth', key: 'ca_signed_in_key' }, { subscribe: ['TICK'] }]);
    sock.stop();
    // signed out: the next connection carries no key
    key = null;
    sock.start();
    const second = FakeSocket.all[1] as FakeSocket;
    second.open();
    expect(second.sent.map((m) => JSON.parse(m) as unknown)).toEqual([{ subscribe: ['TICK'] }]);
    sock.stop();
    expect(new URL(first.url).search).toBe(''); // never in the URL
  });

  it('sends the subscription on open and delivers parsed events', () => {
    const { sock, events, opens } = setup();
    sock.setSubscription(['TICK', 'CROWDING_MATRIX_UPDATED']);
    sock.start();
    const ws = FakeSocket.all[0] as FakeSocket;
    ws.open();
    expect(JSON.parse(ws.sent[0] as string)).toEqual({ subscribe: ['CROWDING_MATRIX_UPDATED', 'TICK'] });
    expect(opens).toEqual([false]);
    ws.onmessage?.({ data: JSON.stringify({ schema_version: 1, type: 'HEARTBEAT', timestamp: 0, payload: { reason: 'pong' } }) });
    ws.onmessage?.({ data: 'not json' });
    expect(events.map((e) => e.type)).toEqual(['HEARTBEAT']);
    sock.stop();
  });

  it('reconnects with backoff after a drop, re-subscribes, and reports it as a reconnect', () => {
    vi.useFakeTimers();
    try {
      const { sock, opens, states } = setup();
      sock.setSubscription(['TICK']);
      sock.start();
      (FakeSocket.all[0] as FakeSocket).open();
      (FakeSocket.all[0] as FakeSocket).drop();
      expect(states.at(-1)?.status).toBe('reconnecting');
      expect(states.at(-1)?.attempt).toBe(1);
      vi.advanceTimersByTime(99);
      expect(FakeSocket.all.length).toBe(1);
      vi.advanceTimersByTime(2);
      expect(FakeSocket.all.length).toBe(2);
      // second failure waits twice as long
      (FakeSocket.all[1] as FakeSocket).drop();
      vi.advanceTimersByTime(199);
      expect(FakeSocket.all.length).toBe(2);
      vi.advanceTimersByTime(2);
      const third = FakeSocket.all[2] as FakeSocket;
      third.open();
      expect(opens).toEqual([false, true]);
      expect(JSON.parse(third.sent[0] as string)).toEqual({ subscribe: ['TICK'] });
      expect(states.at(-1)).toMatchObject({ status: 'open', attempt: 0, opens: 2 });
      sock.stop();
      expect(states.at(-1)?.status).toBe('closed');
    } finally {
      vi.useRealTimers();
    }
  });

  it('pings and closes a link that stopped answering', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      FakeSocket.all = [];
      const sock = new MarketSocket('ws://x', { onEvent: () => {}, onOpen: () => {}, onState: () => {} }, {
        createSocket: (u) => new FakeSocket(u) as unknown as WebSocket,
        now: () => now,
        pingIntervalMs: 1000,
        deadAfterMs: 2500,
        random: () => 0.5,
      });
      sock.start();
      const ws = FakeSocket.all[0] as FakeSocket;
      ws.open();
      now = 1000;
      vi.advanceTimersByTime(1000);
      expect(ws.sent).toContain('ping');
      now = 3000;
      vi.advanceTimersByTime(2000);
      expect(ws.readyState).toBe(3);
      expect(sock.state.status).toBe('reconnecting');
      expect(sock.state.lastError).toMatch(/no message for 3 s/);
      sock.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
