/**
 * The sandbox of user strategies (docs/MODEL.md §8, issue #5). One pool per server: a set of runner
 * PROCESSES sized to the cores, each hosting many strategies (one isolated-vm Isolate + Context
 * per strategy), plus a separate probe runner for registration so hostile code under review
 * never shares a process with live strategies.
 *
 * Boundaries, outermost first:
 * - process: a crash, OOM, native fault or a hang the interrupt cannot stop kills one runner; the
 *   host's watchdog SIGKILLs a runner that misses the tick budget, respawns it, reloads its
 *   other strategies and gives the offender(s) a strike;
 * - isolate: no Node, no host references; per-call deadline (interrupt), heap cap, output cap;
 * - data: only JSON strings cross, both ways; answers are re-validated here and copied field by
 *   field into fresh OrderIntents.
 */
import os from 'node:os';
import type { MarketState, OrderIntent } from '@crowdalpha/engine';
import { agentIdProblem } from '@crowdalpha/engine/wire';
import { StrategyValidationError, type StrategyDiagnostic } from './errors.js';
import type { StrategyParams } from './strategy-params.js';
import { resolveLimits, resolveTimeoutMs, type SandboxLimits } from './limits.js';
import type { CallResult, FailureKind, LoadSpec, TickCall } from './protocol.js';
import { RunnerProcess } from './runner-process.js';
import { SandboxAgent, type SandboxDetails, type SandboxStats } from './sandbox-agent.js';
import { parseDriverAnswer, type CapturedLog } from './sanitize-orders.js';
import { mapStack, readSourceMap, type SourceMapIndex } from './source-map.js';
import { syntheticMarketState } from './synthetic-state.js';
import { StateEncoder, type EncodedState } from './state-encoding.js';
import { checkStrategyName, compileStrategy } from './validate-source.js';
import { pythonAvailability, PythonUnavailableError } from './python/availability.js';
import { DEFAULT_PYTHON_RUNTIME, type PythonRuntime } from './python/bwrap-command.js';
import { resolveLanguage, type StrategyLanguage } from './python/language.js';
import { isPythonCompiled, toPythonCompiled } from './python/python-marker.js';
import { PythonWorker } from './python/python-worker.js';
import { readPythonStack } from './python/python-stack.js';
import { StartGate } from './python/start-gate.js';
import { checkPythonSource, type PythonCheck } from './python/validate-python.js';

/** A TypeScript runner (many isolates) or a Python worker (one strategy): the pool drives both alike. */
type RunnerHandle = RunnerProcess | PythonWorker;

export interface SandboxPoolOptions {
  /** Runner processes for live strategies; default: the number of cores. */
  workers?: number;
  limits?: Partial<SandboxLimits>;
  /** Seeds each strategy's Math.random (mixed with its agent id). */
  seed?: number;
  /** Path of the compiled runner entry; default dist/runner.js of this package. */
  runnerPath?: string;
  /**
   * Run runners under Node's permission model (read-only access to their own files, no fs
   * writes, child processes or workers). Default true; turn off only where the flags are
   * unsupported.
   */
  permissionModel?: boolean;
  /** Where bubblewrap, python3 and numpy are (default: Debian's paths under /usr). */
  pythonRuntime?: PythonRuntime;
}

export interface CollectOptions {
  /**
   * Wait for every answer up to its deadline plus `watchdogGraceMs` instead of `watchdogSlackMs`:
   * for backtests, where a run must not depend on how busy the machine was (a live market
   * never waits that long).
   */
  waitForAll?: boolean;
}

/** What registration keeps of a strategy that passed validation and the probe. */
export interface ValidatedStrategy {
  compiled: string;
  language: StrategyLanguage;
  className: string;
  /** Type-check findings that did not refuse it. */
  warnings: StrategyDiagnostic[];
  /** The constructor options it reads; null when unknown (Python). */
  params: StrategyParams | null;
}

export interface DeployConfig {
  timeout_ms?: number;
  params?: Record<string, unknown>;
}

/** A call outcome plus the watchdog's verdict when the runner died under it. */
type HostCallResult = CallResult & { strike?: boolean; sole?: boolean };

interface Pending {
  seq: number;
  /** Runs on the runner's main thread, in send order after the async calls. */
  sync: boolean;
  resolve: (r: HostCallResult) => void;
}

/** Calls under this many ms (inside the runner) count towards a strategy's fast streak. */
const SYNC_FAST_MS = 2;
/** Consecutive fast answers after which a strategy's calls run on the runner's main thread. */
const SYNC_AFTER_FAST_CALLS = 3;
/** A strategy that was an innocent bystander of a crash long ago should not carry the strike forever. */
const STRIKE_DECAY_CALLS = 1_000;

/** One runner process slot; the process is replaced when it dies. */
interface Slot {
  index: number;
  /** TypeScript slots are the fixed runner set; each Python strategy gets a slot of its own. */
  language: StrategyLanguage;
  proc: RunnerHandle | null;
  starting: Promise<RunnerHandle> | null;
  agents: Set<string>;
  pending: Map<string, Pending>;
  /** Agent ids the watchdog blamed for the kill in progress. */
  blamed: Set<string> | null;
  consecutiveSpawnFailures: number;
  /** Tail of the serialised load queue of this runner. */
  loadChain: Promise<unknown>;
  /** Calls of the tick being assembled, sent as one IPC message. */
  outbox: TickCall[];
  outboxSync: TickCall[];
  outboxShared: string[];
}

type LoadResult = { ok: boolean; kind?: FailureKind | undefined; error?: string | undefined };

interface Entry {
  agent: SandboxAgent;
  code: string;
  paramsJson: string;
  seed: number;
  slot: Slot;
  state: 'loading' | 'ready' | 'silenced';
  /** Consecutive answers under SYNC_FAST_MS; reset by a slow one or a restart. */
  fastStreak: number;
  /** Strikes that count towards silencing; one is forgiven every STRIKE_DECAY_CALLS answers. */
  activeStrikes: number;
  /** Faults that count towards `maxErrors`; one is forgiven every STRIKE_DECAY_CALLS answers. */
  activeErrors: number;
  /** The tick of the call in flight (for reasons, logs and faults). */
  tick: number | null;
  /** Decoded source map of `code` (undefined until a fault needs it). */
  map?: SourceMapIndex | null;
  /** A restart after a fault in progress. */
  reloading?: Promise<void> | null;
}

function hashKey(key: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** What happened to one runner process (see `SandboxPool.onRunnerEvent`). */
export type RunnerEvent =
  | { kind: 'runner_exited'; slot: number; pid: number | null; reason: string; killedByWatchdog: boolean; agents: string[] }
  | { kind: 'runner_replaced'; slot: number; pid: number | null; reloaded: string[]; failed: string[]; ms: number };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SandboxPool {
  readonly limits: Readonly<SandboxLimits>;
  readonly seed: number;
  /** Called when an agent goes silent; the server forwards it to `sim.setAgentStatus`. */
  onAgentSilenced?: (agentId: string, reason: string) => void;
  /** A runner process died, or its replacement is up with the survivors reloaded; the server logs both at info. */
  onRunnerEvent?: (event: RunnerEvent) => void;
  private readonly runnerPath: string | undefined;
  private readonly permissionModel: boolean;
  private readonly slots: Slot[];
  private readonly probeSlot: Slot;
  /** One slot (one worker process) per live Python strategy, and per running Python probe. */
  private readonly pySlots = new Set<Slot>();
  private readonly pythonRuntime: PythonRuntime;
  /** Python worker starts in progress are limited (limits.pythonConcurrentStarts). */
  private readonly pyStarts: StartGate;
  private readonly entries = new Map<string, Entry>();
  private seq = 0;
  private probeCounter = 0;
  private closed = false;

  constructor(opts: SandboxPoolOptions = {}) {
    this.limits = resolveLimits(opts.limits);
    this.seed = opts.seed ?? 0;
    this.runnerPath = opts.runnerPath;
    this.permissionModel = opts.permissionModel ?? true;
    this.pythonRuntime = opts.pythonRuntime ?? DEFAULT_PYTHON_RUNTIME;
    this.pyStarts = new StartGate(this.limits.pythonConcurrentStarts);
    const n = opts.workers ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`workers must be an integer in [1, 256], got ${n}`);
    const mk = (index: number): Slot => ({ index, language: 'typescript', proc: null, starting: null, agents: new Set(), pending: new Map(), blamed: null, consecutiveSpawnFailures: 0, loadChain: Promise.resolve(), outbox: [], outboxSync: [], outboxShared: [] });
    this.slots = Array.from({ length: n }, (_, i) => mk(i));
    this.probeSlot = mk(-1);
  }

  get workerCount(): number {
    return this.slots.length;
  }

  /** Pids of the live runner processes (tests and ops); Python workers are listed by `pythonWorkerPids`. */
  runnerPids(): number[] {
    return this.slots.map((s) => s.proc?.pid).filter((p): p is number => typeof p === 'number');
  }

  /** Pids (of bubblewrap) of the live Python workers. */
  pythonWorkerPids(): number[] {
    return [...this.pySlots].map((s) => s.proc?.pid).filter((p): p is number => typeof p === 'number');
  }

  /** Whether this host can run Python strategies, and why not (cached after the first check). */
  pythonStatus(): { available: boolean; reason: string | null } {
    const a = pythonAvailability(this.pythonRuntime);
    return a.available ? { available: true, reason: null } : { available: false, reason: a.reason };
  }

  private requirePython(): void {
    const a = pythonAvailability(this.pythonRuntime);
    if (!a.available) throw new PythonUnavailableError(a.reason);
  }

  private newPythonSlot(): Slot {
    const slot: Slot = { index: -2, language: 'python', proc: null, starting: null, agents: new Set(), pending: new Map(), blamed: null, consecutiveSpawnFailures: 0, loadChain: Promise.resolve(), outbox: [], outboxSync: [], outboxShared: [] };
    this.pySlots.add(slot);
    return slot;
  }

  /** Ends a Python slot's worker and forgets the slot. */
  private dropPythonSlot(slot: Slot): void {
    this.pySlots.delete(slot);
    slot.proc?.kill();
  }

  // ---- processes ----

  private spawnInto(slot: Slot): Promise<RunnerHandle> {
    if (slot.proc?.alive) return Promise.resolve(slot.proc);
    if (slot.starting) return slot.starting;
    const started =
      slot.language === 'python'
        ? this.pyStarts.run(() => {
            // Dropped (probe over, deploy refused, pool closed) while waiting its turn: start nothing.
            if (this.closed || !this.pySlots.has(slot)) return Promise.reject(new Error('Python worker start cancelled: the strategy was removed'));
            return this.startProc(slot);
          })
        : this.startProc(slot);
    slot.starting = started.then(
      (proc) => {
        slot.starting = null;
        slot.consecutiveSpawnFailures = 0;
        return proc;
      },
      (err: unknown) => {
        slot.starting = null;
        slot.consecutiveSpawnFailures++;
        throw err;
      },
    );
    return slot.starting;
  }

  /** Spawns the slot's process; resolves once it is ready. */
  private startProc(slot: Slot): Promise<RunnerHandle> {
    const proc: RunnerHandle =
      slot.language === 'python'
        ? new PythonWorker(this.pythonRuntime, {
            memoryMb: this.limits.pythonMemoryMb,
            cpuSeconds: this.limits.pythonCpuSeconds,
            maxFiles: this.limits.pythonMaxFiles,
            spawnTimeoutMs: this.limits.pythonSpawnTimeoutMs,
            maxOutputBytes: this.limits.maxOutputBytes,
          })
        : new RunnerProcess(this.runnerPath, { permissionModel: this.permissionModel });
    slot.proc = proc;
    proc.onResults = (items) => this.onResults(slot, items);
    proc.onExit = (reason) => this.onRunnerExit(slot, proc, reason);
    return proc.ready.then(() => proc);
  }

  private onRunnerExit(slot: Slot, proc: RunnerHandle, reason: string): void {
    if (slot.proc !== proc) return;
    slot.proc = null;
    // Killed by the watchdog: the blamed calls get a strike, other pending ones are innocent.
    // Died on its own (OOM, native fault): every call still pending is a suspect.
    const byWatchdog = slot.blamed !== null;
    const suspects = slot.blamed ?? new Set(slot.pending.keys());
    slot.blamed = null;
    // A sole watchdog suspect certainly missed its deadline; a crash may have an outside cause, so
    // crash suspects are only silenced after maxStrikes.
    const sole = byWatchdog && suspects.size === 1;
    const pending = [...slot.pending.entries()];
    slot.pending.clear();
    for (const [sid, p] of pending) {
      const suspect = suspects.has(sid);
      p.resolve({
        sid,
        seq: p.seq,
        ok: false,
        kind: byWatchdog ? 'watchdog' : 'crash',
        error: byWatchdog
          ? `no answer within the tick budget; runner killed and restarted`
          : `runner process died while this strategy was running (${reason})`,
        strike: suspect,
        sole: suspect && sole,
      });
    }
    if (this.closed || slot === this.probeSlot) return;
    // Restart the survivors in a fresh process; their in-sandbox state starts over.
    const survivors = [...slot.agents].map((id) => this.entries.get(id)).filter((e): e is Entry => !!e && e.state !== 'silenced');
    this.emitRunnerEvent({ kind: 'runner_exited', slot: slot.index, pid: proc.pid ?? null, reason, killedByWatchdog: byWatchdog, agents: survivors.map((e) => e.agent.id) });
    for (const e of survivors) e.state = 'loading';
    if (survivors.length === 0) {
      if (slot.language === 'python') this.pySlots.delete(slot);
      return;
    }
    void this.restart(slot, survivors, performance.now());
  }

  private emitRunnerEvent(event: RunnerEvent): void {
    try {
      this.onRunnerEvent?.(event);
    } catch {
      // A logging hook must never take the pool down.
    }
  }

  private async restart(slot: Slot, survivors: Entry[], since: number): Promise<void> {
    if (slot.consecutiveSpawnFailures > 0) await sleep(Math.min(2_000, 100 * 2 ** slot.consecutiveSpawnFailures));
    if (this.closed) return;
    let proc: RunnerHandle;
    try {
      proc = await this.spawnInto(slot);
    } catch (err) {
      if (slot.consecutiveSpawnFailures >= 3) {
        for (const e of survivors) this.silence(e, `sandbox runner could not be restarted: ${(err as Error).message}`);
        return;
      }
      return this.restart(slot, survivors, since);
    }
    await Promise.all(
      survivors.map(async (e) => {
        if (e.state === 'silenced' || slot.proc !== proc) return;
        const outcome = await this.loadWithDeadline(slot, e.agent.id, this.loadSpec(e));
        if ((e.state as Entry['state']) === 'silenced') return;
        if (outcome.ok) {
          e.state = 'ready';
          e.fastStreak = 0;
          e.agent.counters.restarts++;
          e.agent.runnerPid = proc.pid ?? null;
        } else if (outcome.kind !== 'crash') {
          this.silence(e, `restart failed: ${outcome.error ?? outcome.kind}`);
        }
      }),
    );
    if (slot.proc !== proc) return;
    const reloaded = survivors.filter((e) => e.state === 'ready').map((e) => e.agent.id);
    const failed = survivors.filter((e) => e.state !== 'ready').map((e) => e.agent.id);
    this.emitRunnerEvent({ kind: 'runner_replaced', slot: slot.index, pid: proc.pid ?? null, reloaded, failed, ms: Math.round(performance.now() - since) });
  }

  /** After `delayMs`, kills the runner if any of these calls is still unanswered, blaming those. */
  private armWatchdog(slot: Slot, calls: Array<{ sid: string; seq: number }>, delayMs: number): void {
    const proc = slot.proc;
    const timer = setTimeout(() => {
      if (slot.proc !== proc) return;
      const stuck = calls.filter((c) => slot.pending.get(c.sid)?.seq === c.seq);
      if (stuck.length === 0) return;
      // A stuck sync call holds the runner's main thread, so everything behind it looks stuck
      // too: blame only the first one (calls are listed in send order). Otherwise every stuck
      // async call ignored its own interrupt.
      const firstSync = stuck.find((c) => slot.pending.get(c.sid)?.sync);
      this.watchdogKill(slot, firstSync ? [firstSync.sid] : stuck.map((c) => c.sid));
    }, Math.max(0, delayMs));
    timer.unref();
  }

  /** Kills a runner that missed its deadline, blaming the given strategies. */
  private watchdogKill(slot: Slot, blamed: string[]): void {
    if (!slot.proc) return;
    slot.blamed = new Set([...(slot.blamed ?? []), ...blamed]);
    slot.proc.kill();
  }

  private loadSpec(e: Entry): LoadSpec {
    return {
      sid: e.agent.id,
      code: e.code,
      params: e.paramsJson,
      seed: e.seed,
      startupTimeoutMs: this.limits.startupTimeoutMs,
      timeoutMs: e.agent.timeoutMs,
      memoryMb: this.limits.memoryMb,
      maxOrders: this.limits.maxOrdersPerTick,
      maxOutputBytes: this.limits.maxOutputBytes,
      logLinesPerCall: this.limits.logLinesPerCall,
      logLineChars: this.limits.logLineChars,
    };
  }

  /**
   * Loads with the startup deadline; a runner that misses it (e.g. an uninterruptible constructor)
   * is killed. Loads into one runner go one at a time, so each gets its whole budget even when
   * many strategies are (re)started together.
   */
  private loadWithDeadline(slot: Slot, sid: string, spec: LoadSpec): Promise<LoadResult> {
    const run = slot.loadChain.then(() => this.loadNow(slot, sid, spec));
    slot.loadChain = run.catch(() => undefined);
    return run;
  }

  private async loadNow(slot: Slot, sid: string, spec: LoadSpec): Promise<LoadResult> {
    const proc = await this.spawnInto(slot);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<{ ok: false; kind: FailureKind; error: string }>((resolve) => {
      timer = setTimeout(() => {
        this.watchdogKill(slot, [sid]);
        resolve({ ok: false, kind: 'watchdog', error: `startup did not finish within ${spec.startupTimeoutMs} ms; runner killed` });
      }, spec.startupTimeoutMs + this.limits.watchdogGraceMs);
    });
    const outcome = await Promise.race([proc.load(spec), deadline]);
    clearTimeout(timer);
    return outcome;
  }

  /** Registers a call and queues it in the runner's outbox; `flush` sends the outbox as one message. */
  private call(slot: Slot, sid: string, state: EncodedState, sync = false): Promise<HostCallResult> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      slot.pending.set(sid, { seq, sync, resolve });
      let idx = slot.outboxShared.lastIndexOf(state.shared);
      if (idx < 0) idx = slot.outboxShared.push(state.shared) - 1;
      (sync ? slot.outboxSync : slot.outbox).push({ sid, seq, state: state.own, shared: idx, sync });
    });
  }

  private flush(slot: Slot): void {
    if (slot.outbox.length === 0 && slot.outboxSync.length === 0) return;
    const calls = slot.outbox.concat(slot.outboxSync);
    const shared = slot.outboxShared;
    slot.outbox = [];
    slot.outboxSync = [];
    slot.outboxShared = [];
    if (slot.proc?.tick(calls, shared)) return;
    for (const c of calls) {
      const p = slot.pending.get(c.sid);
      if (!p || p.seq !== c.seq) continue;
      slot.pending.delete(c.sid);
      p.resolve({ sid: c.sid, seq: c.seq, ok: false, kind: 'crash', error: 'runner process is not running' });
    }
  }

  private onResults(slot: Slot, items: CallResult[]): void {
    for (const item of items) {
      const p = slot.pending.get(item.sid);
      if (!p || p.seq !== item.seq) continue;
      slot.pending.delete(item.sid);
      p.resolve(item);
    }
  }

  // ---- registration ----

  /**
   * Validate and probe-start a strategy; resolves with the code to persist (`compiled`), rejects
   * with StrategyValidationError (or PythonUnavailableError). Nothing is kept either way.
   * TypeScript: name, size, syntax with line:column, exactly one BaseAgent subclass with its
   * methods, no import/require. Python (`language`, or detected: see python/language.ts): the same
   * checks by CPython's parser inside the sandbox, imports limited to an allowlist. Then one
   * constructor + on_tick on a synthetic state, in the probe runner / a fresh Python worker.
   */
  async validate(name: string, source: string, language?: StrategyLanguage | string | null): Promise<ValidatedStrategy> {
    try {
      return await this.validateNow(name, source, language);
    } catch (e) {
      throw named(e, name);
    }
  }

  private async validateNow(name: string, source: string, language?: StrategyLanguage | string | null): Promise<ValidatedStrategy> {
    const nameProblems = checkStrategyName(name);
    if (nameProblems.length) throw new StrategyValidationError(nameProblems);
    const lang = this.languageOf(source, language);
    if (lang === 'python') {
      const { className, params } = await this.checkPython(source);
      const compiled = toPythonCompiled(source);
      await this.probe(compiled, {});
      return { compiled, language: lang, className, warnings: [], params };
    }
    const { code, className, warnings, params } = compileStrategy(source, { maxSourceChars: this.limits.maxSourceChars });
    await this.probe(code, {});
    return { compiled: code, language: lang, className, warnings, params };
  }

  private languageOf(source: string, language?: string | null): StrategyLanguage {
    try {
      return resolveLanguage(source, language);
    } catch (err) {
      throw new StrategyValidationError([{ rule: 'language', message: (err as Error).message }]);
    }
  }

  /** Static checks of Python source in the sandbox (no probe); throws when Python is unavailable. */
  async checkPython(source: string): Promise<PythonCheck> {
    this.requirePython();
    return checkPythonSource(this.pythonRuntime, source, { maxSourceChars: this.limits.maxSourceChars });
  }

  /** Starts the code in the probe runner and runs one onTick; throws StrategyValidationError on any failure. */
  async probe(code: string, params: Record<string, unknown>): Promise<void> {
    if (this.closed) throw new Error('SandboxPool is closed');
    const python = isPythonCompiled(code);
    if (python) this.requirePython();
    // Python code under review gets a worker of its own, ended after the probe.
    const slot = python ? this.newPythonSlot() : this.probeSlot;
    const sid = `__probe_${++this.probeCounter}`;
    const fail = (message: string): never => {
      throw new StrategyValidationError([{ rule: 'probe', message }]);
    };
    const spec: LoadSpec = {
      sid,
      code,
      params: JSON.stringify(params),
      seed: hashKey(sid, this.seed),
      startupTimeoutMs: this.limits.startupTimeoutMs,
      timeoutMs: this.limits.timeoutMs,
      memoryMb: this.limits.memoryMb,
      maxOrders: this.limits.maxOrdersPerTick,
      maxOutputBytes: this.limits.maxOutputBytes,
      logLinesPerCall: this.limits.logLinesPerCall,
      logLineChars: this.limits.logLineChars,
    };
    const loaded = await this.loadWithDeadline(slot, sid, spec);
    if (!loaded.ok) return fail(`strategy failed to start: ${loaded.error ?? loaded.kind}`);
    try {
      const state = syntheticMarketState(sid);
      const res = await this.callWithDeadline(slot, sid, new StateEncoder().encode(state), this.limits.timeoutMs);
      if (!res.ok) {
        return fail(
          res.kind === 'timeout'
            ? `${python ? 'on_tick' : 'onTick'} did not return within ${this.limits.timeoutMs} ms (the timeout_ms limit) on a synthetic market state`
            : `${python ? 'on_tick' : 'onTick'} failed on a synthetic market state: ${res.error ?? res.kind}`,
        );
      }
      const answer = parseDriverAnswer(res.out ?? '', state.tickSize, this.limits);
      if (!answer.ok) return fail(`${python ? 'on_tick' : 'onTick'} failed on a synthetic market state: ${answer.error}`);
    } finally {
      if (python) this.dropPythonSlot(slot);
      else slot.proc?.unload(sid);
    }
  }

  private async callWithDeadline(slot: Slot, sid: string, state: EncodedState, timeoutMs: number): Promise<CallResult> {
    let timer: NodeJS.Timeout | undefined;
    const p = this.call(slot, sid, state);
    this.flush(slot);
    const late = new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs + this.limits.watchdogGraceMs);
    });
    const first = await Promise.race([p, late]);
    clearTimeout(timer);
    if (first) return first;
    this.watchdogKill(slot, [sid]);
    return p;
  }

  /**
   * Create a live agent from already-validated code (as returned by `validate`) in the least
   * loaded runner, start it (startup deadline) and return it; the caller adds it to the
   * Simulation. Rejects with StrategyValidationError if it does not start, keeping nothing.
   */
  async deploy(agentId: string, strategyName: string, compiled: string, config: DeployConfig = {}): Promise<SandboxAgent> {
    try {
      return await this.deployNow(agentId, strategyName, compiled, config);
    } catch (e) {
      throw named(e, strategyName);
    }
  }

  private async deployNow(agentId: string, strategyName: string, compiled: string, config: DeployConfig): Promise<SandboxAgent> {
    if (this.closed) throw new Error('SandboxPool is closed');
    const idProblem = agentIdProblem(agentId);
    if (idProblem !== null) throw new StrategyValidationError([{ rule: 'agent_id', message: idProblem }]);
    if (this.entries.has(agentId)) throw new StrategyValidationError([{ rule: 'agent_id', message: `agent_id "${agentId}" is already deployed in the sandbox` }]);
    let timeoutMs: number;
    try {
      timeoutMs = resolveTimeoutMs(config.timeout_ms, this.limits.timeoutMs);
    } catch (err) {
      throw new StrategyValidationError([{ rule: 'config', message: (err as Error).message }]);
    }
    let paramsJson: string;
    try {
      paramsJson = JSON.stringify(config.params ?? {});
    } catch {
      throw new StrategyValidationError([{ rule: 'config', message: 'config.params must be plain JSON' }]);
    }
    const params = JSON.parse(paramsJson) as Record<string, unknown>;
    const python = isPythonCompiled(compiled);
    if (python) this.requirePython();
    const slot = python ? this.newPythonSlot() : this.slots.reduce((a, b) => (b.agents.size < a.agents.size ? b : a));
    const agent = new SandboxAgent(agentId, strategyName, params, timeoutMs);
    if (python) agent.language = 'python';
    const entry: Entry = { agent, code: compiled, paramsJson, seed: hashKey(agentId, this.seed), slot, state: 'loading', fastStreak: 0, activeStrikes: 0, activeErrors: 0, tick: null };
    agent.maxErrors = this.limits.maxErrors;
    this.entries.set(agentId, entry);
    slot.agents.add(agentId);
    const outcome = await this.loadWithDeadline(slot, agentId, this.loadSpec(entry)).catch((err: unknown) => ({
      ok: false as const,
      kind: 'crash' as const,
      error: (err as Error).message,
    }));
    if (!outcome.ok) {
      this.entries.delete(agentId);
      slot.agents.delete(agentId);
      if (python) this.dropPythonSlot(slot);
      else slot.proc?.unload(agentId);
      throw new StrategyValidationError([{ rule: 'probe', message: `strategy failed to start: ${outcome.error ?? outcome.kind}` }]);
    }
    entry.state = 'ready';
    agent.runnerPid = slot.proc?.pid ?? null;
    return agent;
  }

  // ---- the tick ----

  /**
   * Ask every given sandbox agent for its orders, concurrently across runners. Resolves when all
   * answered or at the largest per-agent deadline plus `watchdogSlackMs`, whichever is first.
   * Calls still running `watchdogGraceMs` past their deadline get their runner SIGKILLed and
   * restarted (the interrupt did not stop them). Late, failed and silenced agents are
   * absent from the result; failures silence the agent and show in its stats.
   */
  async collect(states: Map<string, MarketState>, opts: CollectOptions = {}): Promise<Map<string, OrderIntent[]>> {
    const result = new Map<string, OrderIntent[]>();
    const work: Promise<void>[] = [];
    const inFlight: Array<{ entry: Entry; slot: Slot; seq: number; sync: boolean }> = [];
    let budget = 0;
    let open = true;
    const started = performance.now();
    const encoder = new StateEncoder();
    for (const [agentId, state] of states) {
      const entry = this.entries.get(agentId);
      if (!entry || entry.state !== 'ready') continue;
      const slot = entry.slot;
      if (slot.pending.has(agentId) || !slot.proc?.alive) continue;
      entry.agent.counters.calls++;
      entry.tick = state.tick;
      budget = Math.max(budget, entry.agent.timeoutMs);
      const tickSize = state.tickSize;
      const call = this.call(slot, agentId, encoder.encode(state), entry.fastStreak >= SYNC_AFTER_FAST_CALLS);
      inFlight.push({ entry, slot, seq: this.seq, sync: entry.fastStreak >= SYNC_AFTER_FAST_CALLS });
      work.push(
        call.then((res) => {
          if (open) entry.agent.counters.lastLatencyMs = Math.round((performance.now() - started) * 1000) / 1000;
          const orders = this.handle(entry, res, tickSize);
          if (orders && open) result.set(agentId, orders);
        }),
      );
    }
    if (work.length === 0) return result;
    for (const slot of this.slots) this.flush(slot);
    for (const slot of this.pySlots) this.flush(slot);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all(work).then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), budget + (opts.waitForAll ? this.limits.watchdogGraceMs : this.limits.watchdogSlackMs));
      }),
    ]);
    clearTimeout(timer);
    open = false;
    if (timedOut) {
      // Missed this tick. Give the calls the watchdog grace to finish (a runner the OS scheduled
      // late answers soon); whatever is still running then ignored its interrupt: kill the runner.
      const overdue = new Map<Slot, Array<{ sid: string; seq: number }>>();
      const sendOrder = [...inFlight].sort((a, b) => Number(a.sync) - Number(b.sync) || a.seq - b.seq);
      for (const { entry, slot, seq } of sendOrder) {
        const p = slot.pending.get(entry.agent.id);
        if (!p || p.seq !== seq) continue;
        entry.agent.counters.late++;
        overdue.set(slot, [...(overdue.get(slot) ?? []), { sid: entry.agent.id, seq }]);
      }
      for (const [slot, calls] of overdue) this.armWatchdog(slot, calls, opts.waitForAll ? 0 : this.limits.watchdogGraceMs - this.limits.watchdogSlackMs);
    }
    return result;
  }

  /** Applies one call's outcome to the agent; returns its orders or null. */
  private handle(entry: Entry, res: HostCallResult, tickSize: number): OrderIntent[] | null {
    const agent = entry.agent;
    if (entry.state === 'silenced') return null;
    if (!res.ok) {
      if (res.log) this.keepLog(entry, res.log);
      if (res.kind === 'watchdog' || res.kind === 'crash') {
        if (res.strike) {
          agent.counters.strikes++;
          entry.activeStrikes++;
          if (res.sole || entry.activeStrikes >= this.limits.maxStrikes) this.silence(entry, `${res.kind}: ${res.error ?? 'failed'}`);
        }
        return null;
      }
      // The runner tore the isolate down (timeout, memory, unreadable answer): a fault that,
      // under the budget, restarts the strategy with fresh in-sandbox state.
      if (res.kind === 'timeout') agent.counters.timeouts++;
      else agent.counters.errors++;
      const message =
        res.kind === 'timeout'
          ? `timeout: ${agent.language === 'python' ? 'on_tick' : 'onTick'} did not return within its ${agent.timeoutMs} ms limit (timeout_ms; the most a deploy may set is 1000)`
          : res.kind === 'memory'
            ? `memory: the strategy exceeded its ${this.limits.memoryMb} MB heap limit`
            : `${res.kind ?? 'error'}: ${res.error ?? 'failed'}`;
      this.fault(entry, res.kind ?? 'error', message, undefined, res.kind !== 'dead' && res.kind !== 'busy');
      return null;
    }
    const want = this.limits.dropReasonsKept - agent.details.drop_reasons.length;
    const parsed = parseDriverAnswer(res.out ?? '', tickSize, this.limits, want > 0 ? want : 0);
    if (!parsed.ok) {
      agent.counters.errors++;
      if (parsed.log) this.keepLog(entry, parsed.log);
      this.fault(entry, parsed.kind, `${parsed.kind}: ${parsed.error}`, parsed.stack, false);
      return null;
    }
    entry.fastStreak = typeof res.ms === 'number' && res.ms < SYNC_FAST_MS ? entry.fastStreak + 1 : 0;
    const a = parsed.answer;
    agent.counters.answered++;
    if (agent.counters.answered % STRIKE_DECAY_CALLS === 0) {
      if (entry.activeStrikes > 0) entry.activeStrikes--;
      if (entry.activeErrors > 0) entry.activeErrors--;
    }
    agent.counters.orders += a.orders.length;
    agent.counters.malformedDropped += a.malformed;
    agent.counters.overCapDropped += a.overCap;
    agent.counters.qtyClamped += a.clamped;
    for (const reason of a.reasons) agent.details.drop_reasons.push({ tick: entry.tick, reason });
    if (a.log) this.keepLog(entry, a.log);
    agent.recordFactors(a.factorVector);
    return a.orders;
  }

  /** Appends a call's console output to the agent's tail (capped at `logTailLines`). */
  private keepLog(entry: Entry, log: CapturedLog): void {
    const d = entry.agent.details;
    entry.agent.counters.logLines += log.lines.length;
    d.log_dropped += log.dropped;
    for (const line of log.lines) d.log_tail.push({ tick: entry.tick, line });
    const over = d.log_tail.length - this.limits.logTailLines;
    if (over > 0) d.log_tail.splice(0, over);
  }

  /**
   * One strategy fault: recorded with the author's line:column (from the source map), counted
   * towards `maxErrors`; the agent is silenced at the budget, otherwise restarted when its
   * isolate is gone (`reload`) or simply skips this tick.
   */
  private fault(entry: Entry, kind: string, message: string, stack: string | undefined, reload: boolean): void {
    const agent = entry.agent;
    if (entry.map === undefined) entry.map = readSourceMap(entry.code);
    const mapped = !stack ? { where: null, frames: [] } : entry.agent.language === 'python' ? readPythonStack(stack) : mapStack(stack, entry.map);
    const where = mapped.where ? ` at line ${mapped.where.line}:${mapped.where.column}` : '';
    const full = `${message}${where}`;
    agent.details.last_error = { tick: entry.tick, kind, message: full, line: mapped.where?.line ?? null, column: mapped.where?.column ?? null, stack: mapped.frames };
    agent.counters.errorStrikes++;
    entry.activeErrors++;
    if (entry.activeErrors >= this.limits.maxErrors) {
      const budget = this.limits.maxErrors === 1 ? '' : ` (fault ${entry.activeErrors} of ${this.limits.maxErrors} allowed: silenced)`;
      this.silence(entry, `${full}${budget}`);
      return;
    }
    if (reload) entry.reloading = this.reload(entry).finally(() => (entry.reloading = null));
  }

  /** Resolves once a restart after a fault (if any) is over: backtests wait, a live market does not. */
  async settled(agentId: string): Promise<void> {
    const e = this.entries.get(agentId);
    if (e?.reloading) await e.reloading;
  }

  /** Starts a strategy again in its runner after its isolate was torn down (fresh in-sandbox state). */
  private async reload(entry: Entry): Promise<void> {
    entry.state = 'loading';
    entry.fastStreak = 0;
    const outcome = await this.loadWithDeadline(entry.slot, entry.agent.id, this.loadSpec(entry)).catch((err: unknown) => ({ ok: false as const, kind: 'crash' as const, error: (err as Error).message }));
    if ((entry.state as Entry['state']) === 'silenced') return;
    if (outcome.ok) {
      entry.state = 'ready';
      entry.agent.counters.restarts++;
    } else if (outcome.kind !== 'crash') {
      this.silence(entry, `restart after a fault failed: ${outcome.error ?? outcome.kind}`);
    }
  }

  /** Tears the strategy's context down and marks the agent silent with `sandbox_error`. */
  private silence(entry: Entry, reason: string): void {
    if (entry.state === 'silenced') return;
    entry.state = 'silenced';
    entry.agent.silencedReason = reason;
    entry.slot.agents.delete(entry.agent.id);
    if (entry.slot.language === 'python') this.dropPythonSlot(entry.slot);
    else entry.slot.proc?.unload(entry.agent.id);
    try {
      this.onAgentSilenced?.(entry.agent.id, reason);
    } catch {
      /* a listener bug must not break the tick */
    }
  }

  /** Silence an agent on request (operator action); its sandbox context is torn down. */
  stop(agentId: string, reason = 'stopped'): boolean {
    const e = this.entries.get(agentId);
    if (!e) return false;
    if (e.state !== 'silenced') e.agent.stopped = true;
    this.silence(e, reason);
    return true;
  }

  has(agentId: string): boolean {
    return this.entries.has(agentId);
  }

  agent(agentId: string): SandboxAgent | undefined {
    return this.entries.get(agentId)?.agent;
  }

  /** Sandbox counters of one agent (calls, timeouts, malformed_dropped, strikes, sandbox_error, ...). */
  stats(agentId: string): SandboxStats {
    const e = this.entries.get(agentId);
    if (!e) throw new RangeError(`no sandboxed agent "${agentId}"; deployed: ${[...this.entries.keys()].join(', ') || 'none'}`);
    return { ...e.agent.stats(), sandbox_loading: e.state === 'loading', fast_path: e.slot.language === 'typescript' && e.fastStreak >= SYNC_AFTER_FAST_CALLS };
  }

  /** Drop reasons, log tail and last fault of one agent (null when it is not in the sandbox). */
  details(agentId: string): SandboxDetails | null {
    const d = this.entries.get(agentId)?.agent.details;
    return d ? structuredClone(d) : null;
  }

  /** Kills every runner; pending calls resolve as failed. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const procs = [...this.slots, this.probeSlot, ...this.pySlots].map((s) => s.proc).filter((p): p is RunnerHandle => !!p);
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (!p.alive) return resolve();
            p.child.once('exit', () => resolve());
            p.kill();
          }),
      ),
    );
  }
}

/** Tags a StrategyValidationError with the strategy it refused (for the API's message). */
function named(e: unknown, strategyName: string): unknown {
  if (e instanceof StrategyValidationError && e.strategyName === undefined) e.strategyName = strategyName;
  return e;
}
