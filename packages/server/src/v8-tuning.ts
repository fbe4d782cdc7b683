/**
 * V8 settings the server process applies to itself before it starts (`runServerProcess` only: a
 * server embedded in another program, such as a test, leaves its host's V8 alone).
 *
 * Allocation-site pretenuring is switched off unless CROWDALPHA_V8_PRETENURING is true. V8 watches
 * each object- and array-literal site, and once nearly all of a site's objects outlive a young-
 * generation GC it allocates that site's objects in the old generation for good (a tenured site
 * no longer reports on itself, so the decision is never revisited). Node's socket and stream write
 * path (`writeOrBuffer`, `writeGeneric`, `resetBuffer`, `afterWriteTick` are among the code V8
 * deoptimised for new tenuring decisions) is one set of sites shared by every socket. Twenty
 * seconds of TICK fan-out to 500 readers, writes waiting in the kernel, made those sites look
 * long-lived; afterwards every HTTP response's write entries were born old, each holding its
 * young request, reply and callbacks alive through every scavenge until the next full GC. Measured
 * (BENCHMARKS.md, "Fifth session"): scavenges of 24 ms instead of 0.5 ms, the heap growing 3 MB
 * per scavenge, GET /market/book 25-60 % more CPU per request after a WebSocket phase than before
 * it; with pretenuring off the two are the same and scavenges stay under 1 ms. The server's
 * long-lived state (book, agents, histories) grows slowly, so little is lost without it (idle tick
 * CPU 1.6 % with, 1.7 % without, seed market).
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
