/**
 * One live market session per tab: the socket, the store, REST hydration on (re)connect and RESYNC,
 * the union of the mounted pages' event subscriptions, and the market's paused/speed status.
 * Change notifications are coalesced to one per animation frame so 10 ticks/s never queue renders.
 */
import { toCrowding, toFills, toRegimeHistory, toTickPayload, isObj, num } from '../api/adapters.js';
import { endpoints } from '../api/endpoints.js';
import { ApiError, getJson } from '../api/http.js';
import { MarketSocket, type ConnectionState } from '../api/market-socket.js';
import type { AnyMarketEvent, EventType } from '../api/types.js';
import { MarketStore } from './market-store.js';

export interface MarketStatus {
  paused: boolean | null;
  /** Milliseconds between ticks (the server's speed knob). */
  tickDelayMs: number | null;
  /** Measured by the server. */
  ticksPerSecond: number | null;
  /** Raw /status JSON, shown on the Docs page. */
  raw: unknown;
}

type Listener = () => void;

export class MarketSession {
  readonly store: MarketStore;
  readonly socket: MarketSocket;
  connection: ConnectionState;
  status: MarketStatus = { paused: null, tickDelayMs: null, ticksPerSecond: null, raw: null };
  hydrateError: string | null = null;
  resyncs = 0;
  /** Bumped once per flushed frame; what React watches. */
  revision = 0;
  private readonly listeners = new Set<Listener>();
  private readonly needs = new Map<number, EventType[]>();
  private nextNeedId = 1;
  private frame: number | null = null;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private hydrating = false;

  constructor(wsUrl = endpoints().ws) {
    this.store = new MarketStore({}, () => this.schedule());
    this.socket = new MarketSocket(wsUrl, {
      onEvent: (e) => this.onEvent(e),
      onOpen: () => void this.hydrate(),
      onState: (s) => {
        this.connection = s;
        this.schedule();
      },
    });
    this.connection = this.socket.state;
  }

  start(): void {
    this.socket.start();
    void this.refreshStatus();
    this.statusTimer = setInterval(() => void this.refreshStatus(), 5000);
  }

  stop(): void {
    this.socket.stop();
    if (this.statusTimer) clearInterval(this.statusTimer);
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** A mounted view declares the event types it needs; returns the release function. */
  need(types: EventType[]): () => void {
    const id = this.nextNeedId++;
    this.needs.set(id, types);
    this.updateSubscription();
    return () => {
      this.needs.delete(id);
      this.updateSubscription();
    };
  }

  /** Fetch /market/snapshot (+ trades, crowding) and fold them into the store. */
  async hydrate(): Promise<void> {
    if (this.hydrating) return;
    this.hydrating = true;
    try {
      const [snap, trades, crowding] = await Promise.all([
        getJson('/market/snapshot').catch((e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
        getJson('/market/trades?limit=300').catch(() => []),
        getJson('/analytics/crowding').catch(() => null),
      ]);
      if (this.store.history.length < 50) {
        const [frag, regime] = await Promise.all([getJson('/analytics/fragility').catch(() => null), getJson('/analytics/regime').catch(() => null)]);
        const lfi = isObj(frag) && Array.isArray(frag.history) ? frag.history.filter(isObj).map((p) => ({ tick: num(p.tick), lfi: num(p.lfi) })).filter((p) => Number.isFinite(p.tick) && Number.isFinite(p.lfi)) : [];
        const snapTick = toTickPayload(snap)?.tick ?? Infinity;
        this.store.backfillHistory(lfi.filter((p) => p.tick < snapTick), toRegimeHistory(regime));
      }
      this.store.hydrate(toTickPayload(snap), toFills(trades), toCrowding(crowding), performance.now());
      this.hydrateError = null;
    } catch (err) {
      this.hydrateError = err instanceof Error ? err.message : String(err);
    } finally {
      this.hydrating = false;
      this.schedule();
    }
  }

  async refreshStatus(): Promise<void> {
    try {
      const s = await getJson('/status');
      this.applyStatus(s);
    } catch {
      // connection state already tells the user the server is unreachable
    }
  }

  /** Read paused/speed from /status ({running, market:{...}}) or a /market/control answer ({ok, status:{...}}). */
  applyStatus(s: unknown): void {
    if (!isObj(s)) return;
    const m: Record<string, unknown> = { ...s, ...(isObj(s.market) ? s.market : {}), ...(isObj(s.status) ? s.status : {}) };
    const paused = typeof m.paused === 'boolean' ? m.paused : typeof m.running === 'boolean' ? !m.running : typeof m.state === 'string' ? m.state === 'paused' : this.status.paused;
    const delay = num(m.tick_delay_ms, NaN);
    const tps = num(m.ticks_per_second, NaN);
    this.status = {
      paused,
      tickDelayMs: Number.isFinite(delay) ? delay : this.status.tickDelayMs,
      ticksPerSecond: Number.isFinite(tps) ? tps : this.status.ticksPerSecond,
      raw: isObj(s.status) || isObj(s.market) ? s : this.status.raw,
    };
    this.schedule();
  }

  private onEvent(e: AnyMarketEvent): void {
    if (e.type === 'RESYNC') {
      this.resyncs++;
      void this.hydrate();
      return;
    }
    if (e.type === 'HEARTBEAT') return;
    this.store.apply(e, performance.now());
  }

  private updateSubscription(): void {
    const all = new Set<EventType>(['TICK']); // the header badges always need TICK
    for (const t of this.needs.values()) for (const x of t) all.add(x);
    this.socket.setSubscription([...all]);
  }

  private schedule(): void {
    if (this.frame !== null) return;
    const run = () => {
      this.frame = null;
      this.revision++;
      for (const l of this.listeners) l();
    };
    this.frame = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(run) : (setTimeout(run, 16) as unknown as number);
  }
}
