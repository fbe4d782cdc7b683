/**
 * `runServerProcess(overrides)`: start the server as the process's main job — options from the
 * environment plus `overrides` (the CLI's flags), graceful shutdown on SIGINT/SIGTERM (final
 * checkpoint and flush, sockets closed), a second signal or the shutdown timeout exits at once.
 * The process's V8 is tuned for a server first (v8-tuning.ts).
 * A start failure prints one line (the bad variable and its valid range) and exits with 1.
 */
import { ServerConfigError, resolveServerOptions, type ServerOptions } from './config.js';
import { startServer, type RunningServer, type StartOptions } from './server.js';
import { applyV8Tuning } from './v8-tuning.js';

export async function runServerProcess(overrides: Partial<ServerOptions> = {}, start: Pick<StartOptions, 'experiments'> = {}): Promise<RunningServer> {
  let server: RunningServer;
  try {
    // Before the server allocates anything: V8's tenuring decisions are never taken back.
    applyV8Tuning(resolveServerOptions(overrides, process.env));
    server = await startServer(overrides, start);
  } catch (e) {
    const err = e as Error;
    const known = err instanceof ServerConfigError || (err as { code?: string }).code === 'CA_ERR_DATABASE_URL';
    process.stderr.write(`crowdalpha server failed to start: ${known ? err.message : (err.stack ?? err.message)}\n`);
    process.exit(1);
  }
  const s = server;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      s.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    s.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      s.logger.error({ timeoutMs: s.ctx.options.shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, s.ctx.options.shutdownTimeoutMs);
    timer.unref();
    s.close().then(
      () => process.exit(0),
      (err: unknown) => {
        s.logger.error({ err: (err as Error)?.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return s;
}
