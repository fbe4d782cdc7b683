/**
 * Whether this server runs Python strategies (bubblewrap + Debian's python3 and numpy): checked
 * once at start-up, said once in the log and shown in GET /status (sandbox.python), so an
 * operator learns it before an author gets a 422.
 */
import type { Logger } from 'pino';
import type { SandboxPool } from '@crowdalpha/sandbox';

export interface PythonStatus {
  available: boolean;
  reason: string | null;
}

export function pythonStatus(pool: SandboxPool | null): PythonStatus {
  return pool ? pool.pythonStatus() : { available: false, reason: 'user strategies are disabled on this server' };
}

/** The one start-up line (nothing extra when user strategies are off: that has its own warning). */
export function logPythonStatus(s: PythonStatus, sandboxOn: boolean, logger: Logger): void {
  if (!sandboxOn) return;
  if (s.available) logger.info('Python strategies: available (CPython + numpy in bubblewrap)');
  else logger.warn({ reason: s.reason }, 'Python strategies: unavailable (registering Python answers 422; TypeScript strategies work)');
}
