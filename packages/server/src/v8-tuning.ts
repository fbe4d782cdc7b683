/**
 * V8 settings the server process applies to itself before it starts (`runServerProcess` only: a
 * server embedded in another program, such as a test, leaves its host's V8 alone).
 *
 * Allocation-site pretenuring is switched off unless CROWDALPHA_V8_PRETENURING is true. V8 watches
 * each object- and array-literal site, and once nearly all of a site's objects outlive a young-
 * generation GC it allocates that site's objects in the old generation for good (a tenured site no
 * longer reports on itself, so the decision is never revisited). Every WebSocket client is a
 * Fastify request that lives as long as its socket, so a few hundred stream clients make the sites
 * they share with every HTTP request look long-lived (V8 deoptimised EventEmitter.init,
 * writeOrBuffer, writeGeneric, resetBuffer for new tenuring decisions during 20 s of 500-client
 * fan-out). Afterwards each request's emitter and write bookkeeping is born old, and whatever
 * young object it points to (a per-request listener closing over the request and reply) survives
 * every scavenge until the next full GC. Measured after such a phase (BENCHMARKS.md, "Fifth
 * session"): scavenges of 8-24 ms instead of under 1 ms and GET /market/book 25-60 % more CPU per
 * request, with the global onRequestAbort hook of that time (a 'close' listener per request, now
 * only on write routes). Removing that hook and its async onResponse twin removed the effect; so
 * did this flag alone.
 * Both stay: the flag keeps the next per-request listener from bringing it back. The server's
 * long-lived state (book, agents, histories) grows slowly, so little is lost without pretenuring
 * (idle tick CPU and CPU per request the same with and without it once the hook was gone).
 */
import v8 from 'node:v8';
import type { ServerOptions } from './config.js';

/** The V8 flags `applyV8Tuning` sets for `opts` (none when every V8 default is kept). */
export function v8FlagsFor(opts: Pick<ServerOptions, 'v8Pretenuring'>): string[] {
  return opts.v8Pretenuring ? [] : ['--no-allocation-site-pretenuring'];
}

/** Sets the flags of `v8FlagsFor(opts)` on this process's V8; call before the server allocates. */
export function applyV8Tuning(opts: Pick<ServerOptions, 'v8Pretenuring'>): string[] {
  const flags = v8FlagsFor(opts);
  for (const flag of flags) v8.setFlagsFromString(flag);
  return flags;
}
