/**
 * Host-side handle of one runner child process: spawns it with `--no-node-snapshot` (isolated-vm
 * needs it) under Node's permission model (read-only access to the runner's own files and
 * isolated-vm; no fs writes, child processes or worker threads), an empty environment and a
 * temp cwd; correlates load requests; SIGKILLs on demand. Exit is reported once via `onExit`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireIsolatedVm } from './isolated-vm-loader.js';
import type { CallResult, FailureKind, HostMessage, LoadSpec, RunnerMessage, TickCall } from './protocol.js';

export interface LoadOutcome {
  ok: boolean;
  kind?: FailureKind;
  error?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** dist/runner.js next to this module once built; from src/ (tests) the built copy in ../dist. */
export function defaultRunnerPath(): string {
  const sibling = path.join(here, 'runner.js');
  if (existsSync(sibling)) return sibling;
  return path.resolve(here, '..', 'dist', 'runner.js');
}


/** The useful part of a dying runner's stderr: its error line if there is one, else the last lines. */
function stderrGist(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /^[A-Za-z]*Error\b|^Error:/.test(l));
  return error ?? lines.slice(-3).join(' | ');
}

export class RunnerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  alive = true;
  private readonly loads = new Map<number, (r: LoadOutcome) => void>();
  private nextReq = 1;
  private stderrTail = '';
  onResults: (items: CallResult[]) => void = () => {};
  onExit: (reason: string) => void = () => {};

  constructor(runnerPath = defaultRunnerPath(), opts: { permissionModel?: boolean } = {}) {
    if (!existsSync(runnerPath)) {
      throw new Error(`sandbox runner not found at ${runnerPath}; build it with \`npx tsc -b packages/sandbox\``);
    }
    const ivmBinary = requireIsolatedVm().binary;
    const runnerDir = path.dirname(runnerPath);
    const permission = opts.permissionModel === false
      ? []
      : [
          // Node 23.5 made the permission model stable under --permission.
          NODE_MAJOR >= 23 ? '--permission' : '--experimental-permission',
          '--allow-addons',
          `--allow-fs-read=${runnerDir}${path.sep}*`,
          `--allow-fs-read=${path.dirname(ivmBinary)}${path.sep}*`,
        ];
    const args = ['--no-node-snapshot', '--no-warnings', ...permission, runnerPath, ivmBinary];
    this.child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: {},
      cwd: os.tmpdir(),
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2000);
    });
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {});
    this.child.on('message', (msg: RunnerMessage) => {
      if (msg.t === 'ready') markReady();
      else if (msg.t === 'results') this.onResults(msg.items);
      else if (msg.t === 'loaded') {
        const done = this.loads.get(msg.req);
        this.loads.delete(msg.req);
        done?.({ ok: msg.ok, ...(msg.kind ? { kind: msg.kind } : {}), ...(msg.error ? { error: msg.error } : {}) });
      }
    });
    const exited = (why: string): void => {
      if (!this.alive) return;
      this.alive = false;
      const reason = this.stderrTail.trim() ? `${why}: ${stderrGist(this.stderrTail)}` : why;
      failReady(new Error(`sandbox runner exited before it was ready (${reason})`));
      for (const done of this.loads.values()) done({ ok: false, kind: 'crash', error: `runner process died (${reason})` });
      this.loads.clear();
      this.onExit(reason);
    };
    this.child.on('exit', (code, signal) => exited(signal ? `killed by ${signal}` : `exited with code ${code}`));
    this.child.on('error', (err) => exited(`spawn failed: ${err.message}`));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private post(msg: HostMessage): boolean {
    if (!this.alive || !this.child.connected) return false;
    try {
      this.child.send(msg);
      return true;
    } catch {
      return false;
    }
  }

  /** Loads a strategy; resolves (never rejects) with the outcome. The caller owns the deadline. */
  load(spec: LoadSpec): Promise<LoadOutcome> {
    const req = this.nextReq++;
    return new Promise<LoadOutcome>((resolve) => {
      this.loads.set(req, resolve);
      if (!this.post({ t: 'load', req, spec })) {
        this.loads.delete(req);
        resolve({ ok: false, kind: 'crash', error: 'runner process is not running' });
      }
    });
  }

  tick(calls: TickCall[], shared: string[]): boolean {
    return this.post({ t: 'tick', calls, shared });
  }

  unload(sid: string): void {
    this.post({ t: 'unload', sid });
  }

  kill(): void {
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
