/**
 * Mutating requests still being handled. Shutdown refuses new requests first (503) and then waits
 * for these before the final checkpoint: a deploy that passed the door just before SIGTERM and
 * answered 201 after the checkpoint was written would otherwise be acknowledged yet missing after
 * the restart.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions, onRequestAbortHookHandler, onRequestHookHandler, onResponseHookHandler } from 'fastify';

/** Methods that may change state; a route taking any of them is tracked. */
const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class InFlightWrites {
  private count = 0;
  private waiters: Array<() => void> = [];

  /** Marks one request as started; the returned function ends it (calling it twice is harmless). */
  begin(): () => void {
    this.count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.count--;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when none is in flight, or after `timeoutMs` (the shutdown timeout bounds the rest). */
  drained(timeoutMs: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

type Hooks<H> = H | H[] | undefined;
const hooksOf = <H>(own: Hooks<H>): H[] => (own === undefined ? [] : Array.isArray(own) ? own : [own]);

/**
 * Counts every request to a route that takes a write method in `writes`, from before its access
 * check to its response or abort. Route-level hooks, so reads (GET /market/book) run none of it:
 * an onRequestAbort hook puts a 'close' listener on every request it covers, and on every request
 * that listener cost GC time once WebSocket clients had made V8 tenure request objects
 * (v8-tuning.ts). Call before the routes are registered (it is an onRoute hook).
 */
export function trackWrites(app: FastifyInstance, writes: InFlightWrites): void {
  const ends = new WeakMap<FastifyRequest, () => void>();
  const begin: onRequestHookHandler = (req, _reply, done) => {
    if (WRITE_METHODS.has(req.method)) ends.set(req, writes.begin());
    done();
  };
  const end: onResponseHookHandler = (req, _reply, done) => {
    ends.get(req)?.();
    done();
  };
  const abort: onRequestAbortHookHandler = (req, done) => {
    ends.get(req)?.();
    done();
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => WRITE_METHODS.has(m))) return;
    // First, so a request refused by a later onRequest hook (access, rate limit) is counted and ended too.
    route.onRequest = [begin, ...hooksOf(route.onRequest)];
    route.onResponse = [...hooksOf(route.onResponse), end];
    route.onRequestAbort = [...hooksOf(route.onRequestAbort), abort];
  });
}
