/**
 * What the host's handles on sandbox child processes share (RunnerProcess: a Node runner with many
 * isolates; PythonWorker: bubblewrap + CPython with one strategy): the ready promise, a bounded
 * stderr tail for the exit reason, load requests correlated by number and settled once, and an
 * exit reported exactly once (pending loads fail, `onExit` fires). The channel each speaks is
 * its own.
 */
import type { ChildProcess } from 'node:child_process';
import type { CallResult, FailureKind } from './protocol.js';

export interface LoadOutcome {
  ok: boolean;
  kind?: FailureKind;
  error?: string;
}

/** How a kind of child names itself in failures, and how its stderr tail is condensed. */
export interface ChildLabels {
  /** e.g. "sandbox runner", "Python worker" */
  what: string;
  /** Pending loads fail with "<diedAs> (<reason>)". */
  diedAs: string;
  /** A load posted to a dead child: "<notRunning>". */
  notRunning: string;
  /** The useful part of the stderr tail for an exit reason. */
  gist: (tail: string) => string;
}

/** Characters of stderr kept for the exit reason. */
const STDERR_TAIL_CHARS = 2_000;

export abstract class SandboxChild {
  readonly ready: Promise<void>;
  alive = true;
  protected stderrTail = '';
  protected readonly markReady: () => void;
  protected readonly failReady: (e: Error) => void;
  private readonly loads = new Map<number, (r: LoadOutcome) => void>();
  private nextReq = 1;
  onResults: (items: CallResult[]) => void = () => {};
  onExit: (reason: string) => void = () => {};

  constructor(
    readonly child: ChildProcess,
    private readonly labels: ChildLabels,
  ) {
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {});
    this.markReady = markReady;
    this.failReady = failReady;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('exit', (code, signal) => this.exited(signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.on('error', (err) => this.exited(`spawn failed: ${err.message}`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Adds a line to the stderr tail (a host-side reason the exit should carry). */
  protected noteReason(reason: string): void {
    this.stderrTail = `${this.stderrTail}\n${reason}`.slice(-STDERR_TAIL_CHARS);
  }

  private exited(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    const reason = this.stderrTail.trim() ? `${why}: ${this.labels.gist(this.stderrTail)}` : why;
    this.failReady(new Error(`${this.labels.what} exited before it was ready (${reason})`));
    for (const done of this.loads.values()) done({ ok: false, kind: 'crash', error: `${this.labels.diedAs} (${reason})` });
    this.loads.clear();
    this.onExit(reason);
  }

  /**
   * One load request: `send(req)` posts it (false when the child is gone); resolves (never rejects)
   * when `settleLoad(req, …)` is called or the child dies. The caller owns the deadline.
   */
  protected request(send: (req: number) => boolean): Promise<LoadOutcome> {
    const req = this.nextReq++;
    return new Promise<LoadOutcome>((resolve) => {
      this.loads.set(req, resolve);
      if (!send(req)) {
        this.loads.delete(req);
        resolve({ ok: false, kind: 'crash', error: this.labels.notRunning });
      }
    });
  }

  protected settleLoad(req: number, outcome: LoadOutcome): void {
    const done = this.loads.get(req);
    this.loads.delete(req);
    done?.(outcome);
  }

  kill(): void {
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
