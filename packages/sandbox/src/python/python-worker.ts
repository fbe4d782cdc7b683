/**
 * Host-side handle of one Python worker: a CPython process inside bubblewrap hosting exactly one
 * strategy for its whole life. Same face as RunnerProcess (ready / load / tick / unload / kill,
 * `onResults`, `onExit`), so SandboxPool applies the same per-call deadline, SIGKILL watchdog,
 * strikes and silencing to both languages.
 *
 * Channel: fd 3 carries host→worker frames, fd 4 worker→host frames (frame-codec.ts); stdin,
 * stdout and stderr are /dev/null inside the sandbox. A frame that is too big or not JSON, or a
 * message that is not one the protocol knows, kills the worker like any other crash.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { CallResult, FailureKind, LoadSpec, TickCall } from '../protocol.js';
import { SandboxChild, type LoadOutcome } from '../sandbox-child.js';
import { bwrapArgs, type PythonRuntime } from './bwrap-command.js';
import { encodeFrame, encodeTickFrame, FrameDecoder } from './frame-codec.js';
import { harnessSource } from './harness-source.js';
import { pythonSourceOf } from './python-marker.js';
import { hostIdentity } from './host-identity.js';
import { withSeccompFd } from './seccomp-fd.js';

export interface PythonWorkerLimits {
  memoryMb: number;
  cpuSeconds: number;
  maxFiles: number;
  spawnTimeoutMs: number;
  /** Largest answer a call may produce; frames are capped a little above it. */
  maxOutputBytes: number;
}

/** Frame headroom over maxOutputBytes: the result envelope (ids, timing) around the answer text. */
const FRAME_OVERHEAD_BYTES = 4_096;

const LABELS = {
  what: 'Python worker',
  diedAs: 'Python worker died',
  notRunning: 'Python worker is not running',
  gist: (tail: string) => tail.trim().split('\n').slice(-3).join(' | '),
};

export class PythonWorker extends SandboxChild {
  /** When the process was spawned and when it said ready (start-up time, for stats and the bench). */
  readonly spawnedAt = performance.now();
  readyAt: number | null = null;
  private readonly toWorker: Writable;
  private readonly decoder: FrameDecoder;
  /** Set by kill(): a ready frame still in the pipe must not make a dying worker look started. */
  private killed = false;

  constructor(rt: PythonRuntime, limits: PythonWorkerLimits) {
    super(
      withSeccompFd((fd) =>
        spawn(rt.bwrap, bwrapArgs(rt, harnessSource(), [rt.distPackages], fd !== null), {
          stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe', fd ?? 'ignore'],
          env: {},
          ...hostIdentity(),
        }),
      ),
      LABELS,
    );
    // Only bubblewrap's own complaints and interpreter start-up failures reach stderr: the harness
    // points fds 0-2 at /dev/null before any user code runs.
    this.decoder = new FrameDecoder(limits.maxOutputBytes * 2 + FRAME_OVERHEAD_BYTES);
    this.toWorker = this.child.stdio[3] as Writable;
    const fromWorker = this.child.stdio[4] as Readable;
    this.toWorker.on('error', () => undefined);
    const spawnTimer = setTimeout(() => this.fatal(`did not start within ${limits.spawnTimeoutMs} ms`), limits.spawnTimeoutMs);
    spawnTimer.unref();
    this.child.once('exit', () => clearTimeout(spawnTimer));
    this.child.once('error', () => clearTimeout(spawnTimer));
    fromWorker.on('data', (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = this.decoder.push(chunk);
      } catch (e) {
        return this.fatal(`protocol violation: ${(e as Error).message}`);
      }
      for (const f of frames) {
        const msg = f as { t?: unknown; items?: unknown; req?: unknown; ok?: unknown; kind?: unknown; error?: unknown };
        if (msg === null || typeof msg !== 'object') return this.fatal('protocol violation: a frame that is not an object');
        if (msg.t === 'ready') {
          clearTimeout(spawnTimer);
          if (this.killed) continue;
          this.readyAt = performance.now();
          this.markReady();
        } else if (msg.t === 'results' && Array.isArray(msg.items)) {
          this.onResults(msg.items.map(toCallResult).filter((r): r is CallResult => r !== null));
        } else if (msg.t === 'loaded' && typeof msg.req === 'number') {
          this.settleLoad(msg.req, {
            ok: msg.ok === true,
            ...(typeof msg.kind === 'string' ? { kind: msg.kind as LoadOutcome['kind'] & string } : {}),
            ...(typeof msg.error === 'string' ? { error: msg.error.slice(0, 500) } : {}),
          });
        } else {
          return this.fatal('protocol violation: unknown message');
        }
      }
    });
    fromWorker.on('error', () => undefined);
    // The first frame sets the hard rlimits before the worker reads any strategy code.
    this.post({ t: 'limits', memory_mb: limits.memoryMb, cpu_seconds: limits.cpuSeconds, max_files: limits.maxFiles });
  }

  private fatal(reason: string): void {
    this.noteReason(reason);
    // Not ready now, whatever frames are still in flight (a start is refused at its deadline).
    this.failReady(new Error(`Python worker ${reason}`));
    this.kill();
  }

  private post(msg: unknown): boolean {
    if (!this.alive || this.toWorker.destroyed) return false;
    try {
      this.toWorker.write(encodeFrame(msg));
      return true;
    } catch {
      return false;
    }
  }

  /** Loads the strategy (once per worker); resolves with the outcome. The caller owns the deadline. */
  load(spec: LoadSpec): Promise<LoadOutcome> {
    return this.request((req) =>
      this.post({
        t: 'load',
        req,
        sid: spec.sid,
        code: pythonSourceOf(spec.code),
        params: JSON.parse(spec.params) as unknown,
        seed: spec.seed,
        timeout_ms: spec.timeoutMs,
        startup_ms: spec.startupTimeoutMs,
        max_orders: spec.maxOrders,
        max_output: spec.maxOutputBytes,
        ...(spec.logLinesPerCall !== undefined ? { log_lines: spec.logLinesPerCall } : {}),
        ...(spec.logLineChars !== undefined ? { log_chars: spec.logLineChars } : {}),
      }),
    );
  }

  tick(calls: TickCall[], shared: string[]): boolean {
    if (!this.alive || this.toWorker.destroyed) return false;
    // One worker hosts one strategy, so a tick message has one call and one shared text.
    const text = shared[calls[0]?.shared ?? 0] ?? '';
    try {
      const parts = encodeTickFrame(calls, sharedBytes(text));
      const sock = this.toWorker as Writable & { cork(): void; uncork(): void };
      sock.cork();
      for (const p of parts) sock.write(p);
      sock.uncork();
      return true;
    } catch {
      return false;
    }
  }

  /** The worker hosts one strategy: unloading it ends the process. */
  unload(_sid: string): void {
    this.kill();
  }

  override kill(): void {
    this.killed = true;
    super.kill();
  }
}

/**
 * The shared market part of a tick's states is the same string object for every worker in that
 * tick (StateEncoder): its UTF-8 bytes are made once and reused.
 */
let lastShared: { text: string; bytes: Buffer } | null = null;
function sharedBytes(text: string): Buffer {
  if (lastShared?.text !== text) lastShared = { text, bytes: Buffer.from(text, 'utf8') };
  return lastShared.bytes;
}

/** Kinds a worker may report itself; the watchdog's verdicts (crash, watchdog) are the host's alone. */
const WORKER_KINDS = new Set<FailureKind>(['timeout', 'memory', 'error', 'output', 'load']);

/** A fresh CallResult from whitelisted fields of what the worker sent (never the worker's object). */
function toCallResult(v: unknown): CallResult | null {
  if (v === null || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  if (typeof r.sid !== 'string' || typeof r.seq !== 'number' || typeof r.ok !== 'boolean') return null;
  const out: CallResult = { sid: r.sid, seq: r.seq, ok: r.ok };
  if (typeof r.out === 'string') out.out = r.out;
  if (!r.ok) out.kind = typeof r.kind === 'string' && WORKER_KINDS.has(r.kind as FailureKind) ? (r.kind as FailureKind) : 'error';
  if (typeof r.error === 'string') out.error = r.error.slice(0, 500);
  if (typeof r.ms === 'number' && Number.isFinite(r.ms)) out.ms = r.ms;
  if (!r.ok && r.log !== null && typeof r.log === 'object') {
    const l = r.log as Record<string, unknown>;
    const lines = Array.isArray(l.lines) ? l.lines.filter((x): x is string => typeof x === 'string').slice(0, 1_000).map((x) => x.slice(0, 10_000)) : [];
    const dropped = typeof l.dropped === 'number' && Number.isFinite(l.dropped) && l.dropped > 0 ? Math.floor(l.dropped) : 0;
    out.log = { lines, dropped };
  }
  return out;
}
