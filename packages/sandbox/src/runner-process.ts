/**
 * Host-side handle of one runner child process: spawns it with `--no-node-snapshot` (isolated-vm
 * needs it) under Node's permission model (read-only access to the runner's own files and
 * isolated-vm; no fs writes, child processes or worker threads), an empty environment and a
 * temp cwd; correlates load requests; SIGKILLs on demand. Exit is reported once via `onExit`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireIsolatedVm } from './isolated-vm-loader.js';
import type { HostMessage, LoadSpec, RunnerMessage, TickCall } from './protocol.js';
import { SandboxChild, type LoadOutcome } from './sandbox-child.js';

export type { LoadOutcome } from './sandbox-child.js';

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

const LABELS = { what: 'sandbox runner', diedAs: 'runner process died', notRunning: 'runner process is not running', gist: stderrGist };

export class RunnerProcess extends SandboxChild {
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
    super(
      spawn(process.execPath, args, {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
        env: {},
        cwd: os.tmpdir(),
      }),
      LABELS,
    );
    this.child.on('message', (msg: RunnerMessage) => {
      if (msg.t === 'ready') this.markReady();
      else if (msg.t === 'results') this.onResults(msg.items);
      else if (msg.t === 'loaded') this.settleLoad(msg.req, { ok: msg.ok, ...(msg.kind ? { kind: msg.kind } : {}), ...(msg.error ? { error: msg.error } : {}) });
    });
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
    return this.request((req) => this.post({ t: 'load', req, spec }));
  }

  tick(calls: TickCall[], shared: string[]): boolean {
    return this.post({ t: 'tick', calls, shared });
  }

  unload(sid: string): void {
    this.post({ t: 'unload', sid });
  }
}
