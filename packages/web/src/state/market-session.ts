/**
 * One live market session per tab: the socket, the store, REST hydration on (re)connect and RESYNC,
 * the union of the mounted pages' event subscriptions, and the market's paused/speed status.
 * Change notifications are coalesced to one per animation frame so 10 ticks/s never queue renders.
 */
import { asWire } from '../api/routes.js';
import type { ControlResponse, CrowdingMatrixPayload, CrowdingSnapshotWire, StatusResponse } from '../api/types.js';
import { regimeHistory } from '../api/views.js';
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
        getJson('/market/snapshot').then(asWire('/market/snapshot'), (e: unknown) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e))),
        getJson('/market/trades?limit=300').then(asWire('/market/trades'), () => null),
        getJson('/analytics/crowding').then(asWire('/analytics/crowding'), () => null),
      ]);
      if (this.store.history.length < 50) {
        const [frag, regime] = await Promise.all([
          getJson('/analytics/fragility').then(asWire('/analytics/fragility'), () => null),
          getJson('/analytics/regime').then(asWire('/analytics/regime'), () => null),
        ]);
        const snapTick = snap?.payload.tick ?? Infinity;
        const lfi = (frag?.history ?? []).map((p) => ({ tick: p.tick, lfi: p.lfi })).filter((p) => p.tick < snapTick);
        this.store.backfillHistory(lfi, regime ? regimeHistory(regime) : []);
      }
      this.store.hydrate(snap?.payload ?? null, trades?.fills ?? [], crowding ? crowdingPayloadOf(crowding) : null, performance.now());
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
      this.applyStatus(asWire('/status')(await getJson('/status')));
    } catch {
      // connection state already tells the user the server is unreachable
    }
  }

  /** Read paused/speed from /status or a /market/control answer (both carry the market status). */
  applyStatus(s: StatusResponse | ControlResponse): void {
    const m = 'market' in s ? s.market : s.status;
    this.status = { paused: !m.running, tickDelayMs: m.tick_delay_ms, ticksPerSecond: m.ticks_per_second, raw: s };
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

/** The CROWDING_MATRIX_UPDATED view of a crowding snapshot (what the store keeps). */
function crowdingPayloadOf(c: CrowdingSnapshotWire): CrowdingMatrixPayload {
  return {
    tick: c.tick ?? 0,
    crowding_intensity: c.crowding_intensity,
    agent_ids: c.agent_ids,
    matrix: c.matrix,
    agent_crowding_intensity: c.agent_crowding_intensity,
    top_crowded_pairs: c.top_crowded_pairs,
  };
}
