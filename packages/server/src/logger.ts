/** Structured JSON logs (pino); human-readable pino-pretty output when attached to a TTY. */
import { pino, type Logger } from 'pino';
import type { ServerOptions } from './config.js';

export function createLogger(opts: Pick<ServerOptions, 'logLevel' | 'logFormat'>, stream: NodeJS.WriteStream = process.stdout): Logger {
  const pretty = opts.logFormat === 'pretty' || (opts.logFormat === 'auto' && stream.isTTY === true);
  if (pretty) {
    return pino(
      { level: opts.logLevel },
      pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } }),
    );
  }
  return pino({ level: opts.logLevel, base: { service: 'crowdalpha' } });
}
