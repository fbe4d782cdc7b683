/**
 * Prometheus metrics of one server (GET /metrics). Each server has its own registry, so several
 * servers in one process (the tests) never share or double-register series.
 *
 * Cost: most series are read on scrape from counters the hub, the WebSocket hub, the store writer
 * and the sandbox already keep. The tick path pays one plain increment and one histogram observe;
 * HTTP requests one histogram observe; store flushes (every 250 ms) one histogram observe.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MarketControl } from './hub/market-control.js';
import type { WsHub } from './hub/ws-hub.js';
import type { StoreWriter } from './store/store-writer.js';

export interface MetricSources {
  hub: MarketControl;
  ws: WsHub;
  writer: StoreWriter;
}

/** Seconds. Ticks take well under a millisecond with few agents and tens of ms with thousands. */
const TICK_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const FLUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label of requests no route matched (a raw URL would give every typo its own series). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Replaces a counter's value on scrape with a total kept elsewhere. */
function mirror(c: Counter, value: number): void {
  c.reset();
  c.inc(value);
}

export class ServerMetrics {
  readonly registry = new Registry();
  private ticks = 0;
  private readonly tickSeconds: Histogram;
  private readonly httpSeconds: Histogram<'method' | 'route' | 'status_code'>;
  private readonly flushSeconds: Histogram;

  constructor(src: MetricSources) {
    const registers = [this.registry];
    const { hub, ws, writer } = src;
    collectDefaultMetrics({ register: this.registry });

    /** A counter whose total is kept elsewhere and read on scrape. */
    const mirrored = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          mirror(this, read());
        },
      });

    // ---- market ----
    mirrored('crowdalpha_ticks_total', 'Ticks completed by this server (scheduled and stepped), across market resets', () => this.ticks);
    this.tickSeconds = new Histogram({
      name: 'crowdalpha_tick_duration_seconds',
      help: 'Compute time of one tick: agents (sandbox included), matching, analytics',
      buckets: TICK_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'crowdalpha_tick',
      help: 'Current tick of the live market (restarts at 0 after a reset)',
      registers,
      collect() {
        this.set(hub.market.tick);
      },
    });
    new Gauge({
      name: 'crowdalpha_market_running',
      help: '1 while the market ticks on its own, 0 while paused',
      registers,
      collect() {
        this.set(hub.isRunning ? 1 : 0);
      },
    });
    new Gauge({
      name: 'crowdalpha_agents',
      help: 'Agents in the live market by status',
      labelNames: ['status'] as const,
      registers,
      collect() {
        // The last tick already carries every agent's stats; only before the first tick are they computed.
        const stats = hub.market.latestTick()?.agent_stats ?? hub.market.allAgentStats();
        let active = 0;
        let silenced = 0;
        for (const s of stats) {
          if (s.status === 'active') active++;
          else silenced++;
        }
        this.set({ status: 'active' }, active);
        this.set({ status: 'silenced' }, silenced);
      },
    });

    // ---- WebSocket stream ----
    new Gauge({
      name: 'crowdalpha_ws_clients',
      help: 'Connected /ws/market clients',
      registers,
      collect() {
        this.set(ws.size);
      },
    });
    mirrored('crowdalpha_ws_frames_sent_total', 'Messages handed to client sockets (events, RESYNC, HEARTBEAT, control answers)', () => ws.stats().messagesSent);
    mirrored('crowdalpha_ws_resyncs_total', 'RESYNC notices: a slow client whose queue overflowed lost events and was told to fetch the snapshot', () => ws.stats().resyncs);
    mirrored('crowdalpha_ws_dropped_messages_total', 'Events dropped from slow clients\' queues (replaced by RESYNC)', () => ws.stats().droppedMessages);
    mirrored('crowdalpha_ws_slow_disconnects_total', 'Clients disconnected because their socket stopped draining', () => ws.stats().disconnectedSlow);

    // ---- HTTP ----
    this.httpSeconds = new Histogram({
      name: 'crowdalpha_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    });

    // ---- store ----
    new Gauge({
      name: 'crowdalpha_store_pending_rows',
      help: 'Rows queued by the tick loop and not yet written (the batched writer\'s queue depth)',
      registers,
      collect() {
        this.set(writer.pendingRows);
      },
    });
    this.flushSeconds = new Histogram({
      name: 'crowdalpha_store_flush_duration_seconds',
      help: 'Duration of one batched write transaction (successful flushes)',
      buckets: FLUSH_BUCKETS,
      registers,
    });
    mirrored('crowdalpha_store_rows_written_total', 'Rows committed by the batched writer', () => writer.stats().rowsWritten);
    mirrored('crowdalpha_store_failed_flushes_total', 'Batched writes that failed (their rows are retried)', () => writer.stats().failedFlushes);
    mirrored('crowdalpha_store_dropped_rows_total', 'Fill rows dropped because too many were pending while the database was unreachable', () => writer.stats().droppedRows);

    // ---- sandbox (only when user strategies can run here) ----
    if (hub.sandboxAvailable) {
      mirrored('crowdalpha_sandbox_calls_total', 'onTick calls sent to sandboxed strategies (summed over the live market\'s sandboxed agents)', () => hub.sandboxTotals().calls);
      mirrored('crowdalpha_sandbox_timeouts_total', 'Sandboxed onTick calls that missed their timeout', () => hub.sandboxTotals().timeouts);
      mirrored('crowdalpha_sandbox_errors_total', 'Sandboxed onTick calls that threw', () => hub.sandboxTotals().errors);
      mirrored('crowdalpha_sandbox_silenced_total', 'Sandboxed agents silenced by the sandbox (hung, crashed, over limits) since the server started', () => hub.sandboxTotals().silencedEvents);
      mirrored('crowdalpha_sandbox_restarts_total', 'Times a sandboxed agent was reloaded after its runner process was killed', () => hub.sandboxTotals().restarts);
      new Gauge({
        name: 'crowdalpha_sandbox_agents',
        help: 'Sandboxed agents in the live market by sandbox status (silenced: stopped by the sandbox, with a reason in its stats)',
        labelNames: ['status'] as const,
        registers,
        collect() {
          const t = hub.sandboxTotals();
          this.set({ status: 'active' }, t.agents - t.silenced);
          this.set({ status: 'silenced' }, t.silenced);
        },
      });
    }
  }

  /** Called by the hub after every tick: a plain increment and one observe. */
  observeTick(computeMs: number): void {
    this.ticks++;
    this.tickSeconds.observe(computeMs / 1000);
  }

  observeHttp(method: string, route: string | undefined, statusCode: number, elapsedMs: number): void {
    this.httpSeconds.observe({ method, route: route ?? UNMATCHED_ROUTE, status_code: statusCode }, elapsedMs / 1000);
  }

  observeFlush(ms: number): void {
    this.flushSeconds.observe(ms / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every series. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}
