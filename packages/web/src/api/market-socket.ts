/**
 * The `/ws/market` connection: reconnects with exponential backoff, re-sends the page's event-type
 * subscription on every (re)connect, pings to detect a dead link, and reports its state so the UI
 * can be honest about it. It delivers parsed `MarketEvent`s; it keeps no market state itself.
 */
import { getCredential } from './credential.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { AnyMarketEvent, EventType } from './types.js';

export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Failed attempts since the last successful open. */
  attempt: number;
  /** Wall-clock ms of the next retry while reconnecting. */
  retryAt: number | null;
  /** Wall-clock ms of the last message received. */
  lastMessageAt: number | null;
  /** Times the socket opened (1 = first connect; >1 = reconnected). */
  opens: number;
  lastError: string | null;
}

export interface MarketSocketHandlers {
  onEvent(e: AnyMarketEvent): void;
  /** Called after every successful open, before any event of that connection: hydrate here. */
  onOpen(reconnected: boolean): void;
  onState(s: ConnectionState): void;
}

export interface MarketSocketOptions {
  backoff?: BackoffOptions;
  pingIntervalMs?: number;
  /** Close and reconnect when nothing (not even a pong) arrived for this long. */
  deadAfterMs?: number;
  createSocket?: (url: string) => WebSocket;
  now?: () => number;
  random?: () => number;
  /** The key to authenticate each connection with (browsers cannot send headers on an upgrade); default: this tab's sign-in. */
  credential?: () => string | null;
}

export class MarketSocket {
  private ws: WebSocket | null = null;
  private subscription: EventType[] | null = null;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly opts: Required<Omit<MarketSocketOptions, 'createSocket'>> & { createSocket: (url: string) => WebSocket };
  state: ConnectionState = { status: 'closed', attempt: 0, retryAt: null, lastMessageAt: null, opens: 0, lastError: null };

  constructor(private readonly url: string, private readonly handlers: MarketSocketHandlers, opts: MarketSocketOptions = {}) {
    this.opts = {
      backoff: opts.backoff ?? DEFAULT_BACKOFF,
      pingIntervalMs: opts.pingIntervalMs ?? 15_000,
      deadAfterMs: opts.deadAfterMs ?? 40_000,
      createSocket: opts.createSocket ?? ((u) => new WebSocket(u)),
      now: opts.now ?? (() => Date.now()),
      random: opts.random ?? Math.random,
      credential: opts.credential ?? getCredential,
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000, 'client stopped');
    this.setState({ status: 'closed', retryAt: null });
  }

  /** Event types this page needs; null = everything. HEARTBEAT and RESYNC always arrive. */
  setSubscription(types: EventType[] | null): void {
    this.subscription = types ? [...new Set(types)].sort() : null;
    this.sendSubscription();
  }

  /** Drop the link now and reconnect immediately (user-initiated). */
  reconnectNow(): void {
    this.state.attempt = 0;
    this.ws?.close(4000, 'client reconnect');
  }

  private sendSubscription(): void {
    if (this.ws && this.ws.readyState === 1) {
      this.ws.send(JSON.stringify({ subscribe: this.subscription ?? ['ORDER_SUBMITTED', 'ORDER_FILLED', 'PRICE_UPDATED', 'AGENT_STATE_CHANGED', 'CROWDING_MATRIX_UPDATED', 'REGIME_CHANGED', 'TICK'] }));
    }
  }

  private connect(): void {
    this.clearTimers();
    this.setState({ status: this.state.opens === 0 ? 'connecting' : 'reconnecting', retryAt: null });
    let ws: WebSocket;
    try {
      ws = this.opts.createSocket(this.url);
    } catch (err) {
      this.setState({ lastError: String(err) });
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      const reconnected = this.state.opens > 0;
      this.setState({ status: 'open', attempt: 0, opens: this.state.opens + 1, lastMessageAt: this.opts.now(), lastError: null });
      // First, so a server whose reads need a key (CROWDALPHA_PUBLIC_READS=false) admits this stream
      // before the subscription; the server handles a connection's messages in order.
      const key = this.opts.credential();
      if (key !== null) ws.send(JSON.stringify({ type: 'auth', key }));
      this.sendSubscription();
      this.handlers.onOpen(reconnected);
      this.pingTimer = setInterval(() => this.keepAlive(), this.opts.pingIntervalMs);
    };
    ws.onmessage = (msg: MessageEvent) => {
      if (this.ws !== ws) return;
      this.state.lastMessageAt = this.opts.now();
      if (typeof msg.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(msg.data);
      } catch {
        return; // a non-JSON frame is not a market event
      }
      if (parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string') {
        this.handlers.onEvent(parsed as AnyMarketEvent);
      }
    };
    ws.onerror = () => {
      if (this.ws === ws) this.state.lastError = `WebSocket error talking to ${this.url}`;
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = null;
      if (this.stopped) return;
      if (ev.code !== 1000 && ev.code !== 4000) this.state.lastError = this.state.lastError ?? `closed (code ${ev.code})`;
      this.scheduleRetry(ev.code === 4000 ? 0 : undefined);
    };
  }

  private keepAlive(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1) return;
    const last = this.state.lastMessageAt ?? 0;
    if (this.opts.now() - last > this.opts.deadAfterMs) {
      this.state.lastError = `no message for ${Math.round(this.opts.deadAfterMs / 1000)} s`;
      ws.close(4001, 'dead link');
      return;
    }
    ws.send('ping');
  }

  private scheduleRetry(fixedDelay?: number): void {
    const delay = fixedDelay ?? backoffDelay(this.state.attempt, this.opts.random(), this.opts.backoff);
    this.setState({ status: 'reconnecting', attempt: this.state.attempt + 1, retryAt: this.opts.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    this.handlers.onState(this.state);
  }
}
