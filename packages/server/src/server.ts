/**
 * `startServer(options)`: the whole live server in one call — store (migrated), batched writer,
 * sandbox pool (optional), market hub (resumed from its checkpoint or fresh), WebSocket hub and
 * the HTTP app, listening. `close()` shuts down in order: refuse new requests and let admitted
 * writes finish, stop ticking and checkpoint, close
 * sockets, final flush, close the database. The CLI's `serve` and `main.ts` both call this.
 */
import { InFlightWrites } from './http/in-flight.js';
import { runtimeSupport } from './runtime-support.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { ExperimentServiceFactory } from './plugins/experiments.js';
import { ServerConfigError, resolveServerOptions, type ServerOptions } from './config.js';
import type { ServerContext } from './context.js';
import { OperatorGuard, isLoopbackHost, openOperatorWarning } from './http/auth.js';
import { AccessControl } from './http/access.js';
import { MarketHub } from './hub/market-hub.js';
import { startSandbox, type SandboxLoad } from './hub/sandbox-host.js';
import { WsHub } from './hub/ws-hub.js';
import { createLogger } from './logger.js';
import { ServerMetrics } from './metrics.js';
import { Store } from './store/store.js';
import { StoreWriter } from './store/store-writer.js';
import { logPythonStatus, pythonStatus } from './python-status.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: ServerContext;
  hub: MarketHub;
  ws: WsHub;
  store: Store;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  port: number;
  logger: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Provide a logger (tests pass a silent one); default: from logLevel/logFormat. */
  logger?: Logger;
  /** Environment to read options from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Build the app without listening (tests using inject). */
  listen?: boolean;
  /** The experiment runner over this server's store (`crowdalpha serve` passes the CLI's). */
  experiments?: ExperimentServiceFactory;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(here, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function webRootOf(dir: string): string | null {
  if (!dir) return null;
  const abs = path.resolve(dir);
  return fs.existsSync(path.join(abs, 'index.html')) ? abs : null;
}

export async function startServer(overrides: Partial<ServerOptions> = {}, start: StartOptions = {}): Promise<RunningServer> {
  const options = resolveServerOptions(overrides, start.env ?? process.env);
  const logger = start.logger ?? createLogger(options);
  // Assigned once the hub exists; flushes before that (none happen) would simply not be observed.
  let metrics: ServerMetrics | null = null;
  const store = await Store.open(options.databaseUrl);
  if (!isLoopbackHost(options.host) && !options.allowOpen && !(await store.keys.any())) {
    await store.close();
    throw new ServerConfigError(
      'HOST',
      `serving on ${options.host} (reachable from other machines) needs API keys: create the first admin key with \`crowdalpha admin create-key --role admin --name <you>\` (same DATABASE_URL), ` +
        'or set CROWDALPHA_ALLOW_OPEN=true to let anyone who can reach it deploy strategies',
    );
  }
  const writer = new StoreWriter(store, {
    flushIntervalMs: options.flushIntervalMs,
    flushMaxBatch: options.flushMaxBatch,
    maxPendingRows: options.maxPendingRows,
    onError: (err, rows) => logger.error({ err: (err as Error)?.message ?? String(err), rows }, 'store flush failed; rows kept for the next attempt'),
    onFlush: (ms) => metrics?.observeFlush(ms),
  });
  const sandbox: SandboxLoad = options.sandbox
    ? startSandbox({ workers: options.sandboxWorkers, seed: options.seed, pythonPath: options.pythonPath, maxErrors: options.sandboxMaxErrors })
    : { available: false, reason: 'the sandbox is disabled by configuration (CROWDALPHA_SANDBOX=false)' };
  if (sandbox.available) {
    // A runner crash and its replacement are operational events an operator wants in the log.
    sandbox.pool.onRunnerEvent = (event) =>
      logger.info({ ...event }, event.kind === 'runner_exited' ? 'sandbox runner exited; replacing it' : 'sandbox runner replaced; strategies reloaded');
  }
  if (!sandbox.available) logger.warn({ reason: sandbox.reason }, 'user strategies disabled (POST /strategies/user answers 501)');
  const runtime = runtimeSupport(process.version, Date.now());
  if (runtime.warning) logger.warn({ node: runtime.node, endOfLife: runtime.end_of_life_date }, runtime.warning);
  const python = pythonStatus(sandbox.available ? sandbox.pool : null);
  logPythonStatus(python, sandbox.available, logger);
  const hub = new MarketHub(store, writer, sandbox, options, logger);
  let app: FastifyInstance | null = null;
  try {
    const resumed = await hub.init();
    const ws = new WsHub({
      queueMax: options.wsQueueMax,
      sendHighWater: options.wsSendHighWater,
      stuckTimeoutMs: options.wsStuckTimeoutMs,
      heartbeatMs: options.wsHeartbeatMs,
      maxClients: options.wsMaxClients,
      snapshotUrl: '/market/snapshot',
    });
    hub.onTick((result) => ws.broadcast(hub.market.visibleEvents(result.events)));
    if (options.metrics) {
      const m = new ServerMetrics({ hub, ws, writer });
      metrics = m;
      hub.onTick(() => m.observeTick(hub.lastTickDurationMs));
    }
    const guard = new OperatorGuard(options.adminToken);
    const ctx: ServerContext = {
      python,
      hub,
      deployer: hub.deployer,
      ws,
      store,
      writer,
      options,
      guard,
      access: AccessControl.create(store.keys, guard, options.adminToken, { publicReads: options.publicReads }),
      metrics,
      webRoot: webRootOf(options.webDist),
      startedAt: Date.now(),
      version: packageVersion(),
      closing: false,
      writes: new InFlightWrites(),
      experiments: start.experiments ? start.experiments(store) : null,
    };
    app = await buildApp(ctx, logger);
    let url = '';
    let port = options.port;
    if (start.listen !== false) {
      url = await app.listen({ port: options.port, host: options.host });
      const addr = app.server.address();
      if (addr && typeof addr === 'object') port = addr.port;
      url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
    } else {
      await app.ready();
    }
    const exposed = openOperatorWarning(options);
    if (exposed) logger.warn({ host: options.host }, exposed);
    if (options.autostart) hub.start();
    logger.info(
      {
        url,
        database: `${store.backend}:${store.location}`,
        simulationId: hub.simulationId,
        resumed: resumed.resumed,
        tick: resumed.fromTick,
        dashboard: ctx.webRoot !== null,
        operatorToken: ctx.guard.enabled,
        metrics: options.metrics ? '/metrics' : false,
      },
      'CrowdAlpha server ready',
    );
    let closing: Promise<void> | null = null;
    const close = (): Promise<void> => {
      closing ??= (async () => {
        ctx.closing = true;
        // Requests admitted before the door closed finish first, so what they acknowledged is in
        // the final checkpoint (half the shutdown budget; the timer in run.ts bounds the whole).
        await ctx.writes.drained(options.shutdownTimeoutMs / 2);
        await hub.stop();
        await ctx.experiments?.close();
        ws.close();
        await app?.close();
        await writer.close();
        if (sandbox.available) await sandbox.pool.close().catch(() => undefined);
        await store.close();
        logger.info({ simulationId: hub.simulationId, tick: hub.market.tick }, 'CrowdAlpha server stopped');
      })();
      return closing;
    };
    return { app, ctx, hub, ws, store, url, port, logger, close };
  } catch (e) {
    await hub.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await writer.close().catch(() => undefined);
    if (sandbox.available) await sandbox.pool.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw e;
  }
}
