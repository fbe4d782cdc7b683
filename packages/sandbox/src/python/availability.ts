/**
 * Whether this host can run Python strategies: bubblewrap, Debian's python3 and numpy, and a
 * sandbox that actually starts (user namespaces allowed). Checked once per process by starting
 * one sandboxed interpreter that imports numpy; the answer names what to install when it fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bwrapArgs, DEFAULT_PYTHON_RUNTIME, type PythonRuntime } from './bwrap-command.js';
import { hostIdentity } from './host-identity.js';
import { withSeccompFd } from './seccomp-fd.js';

export const PYTHON_INSTALL_HINT = 'apt-get install -y python3 python3-numpy bubblewrap';

export type PythonAvailability =
  | { available: true; python: string; numpy: string; bwrap: string }
  | { available: false; reason: string };

/** Thrown when Python code is registered on a host that cannot run it (the server answers 422). */
export class PythonUnavailableError extends Error {
  readonly code = 'PYTHON_UNAVAILABLE';
  constructor(readonly reason: string) {
    super(`Python strategies are not available on this server: ${reason}`);
    this.name = 'PythonUnavailableError';
  }
}

const cache = new Map<string, PythonAvailability>();

/** Synchronous, cached per runtime: a one-off start of the sandbox (about 0.2 s). */
export function pythonAvailability(rt: PythonRuntime = DEFAULT_PYTHON_RUNTIME): PythonAvailability {
  const key = `${rt.bwrap}\0${rt.python}\0${rt.distPackages}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = check(rt);
  cache.set(key, result);
  return result;
}

function check(rt: PythonRuntime): PythonAvailability {
  const missing: string[] = [];
  if (!existsSync(rt.python)) missing.push(`python3 (${rt.python})`);
  if (!existsSync(rt.bwrap)) missing.push(`bubblewrap (${rt.bwrap})`);
  if (!existsSync(`${rt.distPackages}/numpy`)) missing.push(`python3-numpy (${rt.distPackages}/numpy)`);
  if (missing.length) return { available: false, reason: `missing ${missing.join(', ')}; install them with: ${PYTHON_INSTALL_HINT}` };
  const code = 'import sys; sys.path.append(sys.argv[1]); import numpy; print(sys.version.split()[0], numpy.__version__)';
  const r = withSeccompFd((fd) =>
    spawnSync(rt.bwrap, bwrapArgs(rt, code, [rt.distPackages], fd !== null), {
      encoding: 'utf8',
      timeout: 15_000,
      stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', fd ?? 'ignore'],
      env: {},
      ...hostIdentity(),
    }),
  );
  if (r.error || r.status !== 0) {
    const why = (r.error?.message ?? r.stderr ?? '').trim().split('\n').slice(-2).join(' | ') || `exit status ${r.status}`;
    return {
      available: false,
      reason: `the bubblewrap sandbox did not start python3 with numpy (${why}); it needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) and ${PYTHON_INSTALL_HINT}`,
    };
  }
  const [python = '?', numpy = '?'] = r.stdout.trim().split(/\s+/);
  const v = spawnSync(rt.bwrap, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { available: true, python, numpy, bwrap: v.replace(/^bubblewrap\s*/, '') || '?' };
}
