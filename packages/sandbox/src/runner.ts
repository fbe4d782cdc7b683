/**
 * Runner process entry (compiled to dist/runner.js). Spawned by the host as
 * `node --no-node-snapshot [permission flags] runner.js <isolated-vm binary>`; hosts many strategies,
 * one isolated-vm Isolate + Context each, and talks to the host over IPC only.
 *
 * Calls into isolates are asynchronous (each isolate runs on an isolated-vm pool thread), so one
 * slow strategy does not hold up the others and this process's event loop stays free to report
 * results as they complete. A strategy that ignores its interrupt (e.g. a huge BigInt parse)
 * keeps its thread busy; the host's watchdog then SIGKILLs this whole process.
 */
import { createRequire } from 'node:module';
import type { ExternalCopy, IsolatedVmModule, Isolate, Reference } from './isolated-vm-api.js';
import { SANDBOX_PRELUDE } from './sdk/prelude.js';
import type { CallResult, FailureKind, HostMessage, LoadSpec, RunnerMessage, TickCall } from './protocol.js';

interface Strategy {
  isolate: Isolate;
  /** The prelude's `tick(own: string, market: string) => string`. */
  tick: Reference;
  timeoutMs: number;
  busy: boolean;
  dead: string | null;
}

const ivmPath = process.argv[2];
if (!ivmPath || !process.send) {
  process.stderr.write('runner.js must be spawned by SandboxPool with an IPC channel and the isolated-vm binary as argv[2]\n');
  process.exit(2);
}
const ivm = (createRequire(import.meta.url)(ivmPath) as { ivm: IsolatedVmModule }).ivm;
const strategies = new Map<string, Strategy>();
let outbox: CallResult[] = [];
let flushScheduled = false;

function send(msg: RunnerMessage): void {
  process.send!(msg);
}

/**
 * A tick's results go back in one IPC message once the whole batch is done (every wakeup of the
 * host costs, on a busy machine, more than the calls themselves). If the batch is still running
 * after PARTIAL_FLUSH_MS, what has finished goes out and later results follow as they complete,
 * so the host's watchdog knows exactly which calls are stuck.
 */
const PARTIAL_FLUSH_MS = 3;
let batchOpen = 0;
let partialMode = false;

function flushNow(): void {
  flushScheduled = false;
  if (outbox.length === 0) return;
  const items = outbox;
  outbox = [];
  send({ t: 'results', items });
}

function emit(result: CallResult): void {
  outbox.push(result);
  if (batchOpen > 0) batchOpen--;
  if (batchOpen === 0 || partialMode) {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushNow);
    }
  }
}

function startBatch(size: number): void {
  batchOpen += size;
  partialMode = false;
  setTimeout(() => {
    if (batchOpen > 0) {
      partialMode = true;
      flushNow();
    }
  }, PARTIAL_FLUSH_MS).unref();
}

function classify(err: unknown): { kind: FailureKind; error: string } {
  // These are isolated-vm's own host-side errors, never user objects (the driver never throws).
  const message = err instanceof Error ? err.message : String(err);
  if (/timed out/i.test(message)) return { kind: 'timeout', error: 'exceeded its time limit' };
  if (/memory limit/i.test(message)) return { kind: 'memory', error: 'exceeded its memory limit' };
  if (/disposed/i.test(message)) return { kind: 'dead', error: 'sandbox was torn down' };
  return { kind: 'error', error: message.slice(0, 300) };
}

function teardown(sid: string, reason: string): void {
  const s = strategies.get(sid);
  if (!s) return;
  s.dead = reason;
  try {
    if (!s.isolate.isDisposed) s.isolate.dispose();
  } catch {
    /* already gone */
  }
}

async function load(spec: LoadSpec): Promise<{ ok: boolean; kind?: FailureKind; error?: string }> {
  if (strategies.has(spec.sid)) teardown(spec.sid, 'replaced');
  strategies.delete(spec.sid);
  const isolate = new ivm.Isolate({ memoryLimit: spec.memoryMb });
  // One startup budget for all steps, so the runner answers before the host's load watchdog fires.
  const startedAt = performance.now();
  const left = (): number => Math.max(1, Math.floor(spec.startupTimeoutMs - (performance.now() - startedAt)));
  try {
    const context = await isolate.createContext();
    const driver = await context.eval(SANDBOX_PRELUDE, { reference: true, timeout: left() });
    // {reference: true} matters: without it `get` returns a host function that calls into the
    // isolate synchronously and without any deadline.
    const boot = await driver.get('boot', { reference: true });
    const tick = await driver.get('tick', { reference: true });
    const factory = await context.eval(spec.code, { reference: true, timeout: left(), filename: 'strategy.js' });
    const res: unknown = await boot.apply(
      undefined,
      [factory.derefInto(), spec.params, spec.seed, spec.maxOrders, spec.maxOutputBytes, spec.logLinesPerCall, spec.logLineChars],
      { timeout: left() },
    );
    if (typeof res !== 'string') throw new Error('driver returned a non-string');
    const parsed = JSON.parse(res) as { ok?: unknown; error?: unknown };
    if (parsed.ok !== true) {
      isolate.dispose();
      return { ok: false, kind: 'load', error: typeof parsed.error === 'string' ? parsed.error : 'failed to start' };
    }
    strategies.set(spec.sid, { isolate, tick, timeoutMs: spec.timeoutMs, busy: false, dead: null });
    return { ok: true };
  } catch (err) {
    const c = classify(err);
    try {
      if (!isolate.isDisposed) isolate.dispose();
    } catch {
      /* gone */
    }
    // A syntax error in wrapped code surfaces here as isolated-vm's copy of a SyntaxError.
    return { ok: false, kind: c.kind === 'error' ? 'load' : c.kind, error: c.kind === 'timeout' ? 'startup exceeded its time limit' : c.error };
  }
}

/** CPU time the isolate has spent so far, ms; NaN when unreadable (disposed). isolated-vm gives ns as a bigint; old builds gave [s, ns]. */
function cpuMsOf(s: Strategy): number {
  try {
    const t: unknown = s.isolate.cpuTime;
    if (typeof t === 'bigint') return Number(t) / 1e6;
    if (Array.isArray(t)) return (t[0] as number) * 1e3 + (t[1] as number) / 1e6;
  } catch {
    /* disposed */
  }
  return NaN;
}

/**
 * One call. The market part of the state (`market`: an ExternalCopy of the tick's shared text,
 * made once per message) arrives in every isolate as an external string over the same bytes,
 * and the driver parses it only if the strategy reads those fields; only the agent's own fields
 * are copied and parsed per call.
 */
function runCall(call: TickCall, market: ExternalCopy | null): void {
  const s = strategies.get(call.sid);
  if (!s) return emit({ sid: call.sid, seq: call.seq, ok: false, kind: 'dead', error: 'strategy is not loaded' });
  if (s.dead) return emit({ sid: call.sid, seq: call.seq, ok: false, kind: 'dead', error: s.dead });
  if (s.busy) return emit({ sid: call.sid, seq: call.seq, ok: false, kind: 'busy', error: 'previous call still running' });
  s.busy = true;
  const args = [call.state, market === null ? '' : market.copyInto()];
  const cpu0 = cpuMsOf(s);
  const t0 = performance.now();
  const done = (out: unknown): void => {
    s.busy = false;
    // The fast-path record (SYNC_FAST_MS on the host) is the isolate's CPU time, not the wall
    // time: an async call also waits for a pool thread, which with many strategies per runner
    // is longer than the call itself and kept every one of them off the fast path.
    const cpu = cpuMsOf(s) - cpu0;
    const ms = Number.isFinite(cpu) ? cpu : performance.now() - t0;
    if (typeof out !== 'string') {
      teardown(call.sid, 'returned a non-string');
      return emit({ sid: call.sid, seq: call.seq, ok: false, kind: 'output', error: 'driver returned a non-string', ms });
    }
    emit({ sid: call.sid, seq: call.seq, ok: true, out, ms });
  };
  const failed = (err: unknown): void => {
    s.busy = false;
    const c = classify(err);
    teardown(call.sid, c.error);
    emit({ sid: call.sid, seq: call.seq, ok: false, kind: c.kind, error: c.error, ms: performance.now() - t0 });
  };
  if (call.sync) {
    let out: unknown;
    try {
      out = s.tick.applySync(undefined, args, { timeout: s.timeoutMs });
    } catch (err) {
      return failed(err);
    }
    return done(out);
  }
  s.tick.apply(undefined, args, { timeout: s.timeoutMs }).then(done, failed);
}

/** The message's shared texts, each held once outside the isolates (null for ''). */
function marketCopies(shared: readonly string[]): Array<ExternalCopy | null> {
  return shared.map((text) => (text === '' ? null : new ivm.ExternalCopy(text)));
}

process.on('message', (msg: HostMessage) => {
  switch (msg.t) {
    case 'load':
      void load(msg.spec).then((r) => send({ t: 'loaded', req: msg.req, sid: msg.spec.sid, ...r }));
      break;
    case 'tick':
      startBatch(msg.calls.length);
      {
        const market = marketCopies(msg.shared);
        for (const call of msg.calls) runCall(call, market[call.shared] ?? null);
        // Calls made hold their own reference to the bytes; the handles are not needed any more.
        for (const c of market) c?.release();
      }
      break;
    case 'unload':
      teardown(msg.sid, 'unloaded');
      strategies.delete(msg.sid);
      break;
  }
});
// The host going away (crash, SIGKILL) closes the channel: never outlive it. SIGKILL rather than
// exit(): a normal exit joins isolated-vm's threads, and one may be spinning in hostile code.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
send({ t: 'ready', pid: process.pid });
