#!/usr/bin/env node
/**
 * Process entry: `node packages/server/dist/main.js`. Options come from the environment (see
 * README "Server & API"). SIGINT/SIGTERM shut down gracefully (final checkpoint and flush, sockets
 * closed); a second signal or the shutdown timeout exits at once.
 */
import { ServerConfigError } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  let server;
  try {
    server = await startServer();
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`crowdalpha server failed to start: ${err instanceof ServerConfigError ? err.message : (err.stack ?? err.message)}\n`);
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
}

void main();
