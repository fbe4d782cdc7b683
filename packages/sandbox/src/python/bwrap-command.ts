/**
 * The bubblewrap command line that runs one Python worker. What the sandbox sees:
 * - a read-only root holding only /usr (interpreter, stdlib, numpy), the /lib /lib64 /bin
 *   links of a merged-/usr system, /etc/ld.so.cache and /etc/alternatives (the dynamic loader
 *   finds OpenBLAS through them) and /dev/null, /dev/zero, /dev/urandom; no /proc, /home,
 *   /tmp, /etc beyond those two, project or data directories, and nothing writable but /dev/null;
 * - new user, pid, network (no interfaces but a down loopback), ipc, uts and cgroup namespaces;
 *   uid/gid 65534 (nobody) with every capability dropped and nested user namespaces disabled;
 * - --die-with-parent (the worker dies with its host) and --new-session (no terminal to inject into);
 * - an empty environment except single-threaded BLAS and a UTF-8 locale.
 * The rlimits (CPU seconds, address space, processes, file size, open files) are set by the
 * harness as hard limits before any user code exists (see harness.py).
 */
import { existsSync, lstatSync } from 'node:fs';

export interface PythonRuntime {
  /** Absolute path of the bubblewrap binary. */
  bwrap: string;
  /** Absolute path of the interpreter; must live under /usr (only /usr is mounted). */
  python: string;
  /** Where numpy lives (added to sys.path; the interpreter runs with -I -S). */
  distPackages: string;
}

export const DEFAULT_PYTHON_RUNTIME: PythonRuntime = {
  bwrap: '/usr/bin/bwrap',
  python: '/usr/bin/python3',
  distPackages: '/usr/lib/python3/dist-packages',
};

/** The uid/gid the strategy runs as inside the sandbox (nobody). */
export const SANDBOX_UID = 65534;

function rootLinks(): string[] {
  const out: string[] = [];
  for (const dir of ['lib', 'lib64', 'bin']) {
    const p = `/${dir}`;
    if (!existsSync(p)) continue;
    // Merged /usr: /lib -> usr/lib. Otherwise bind the directory read-only.
    if (lstatSync(p).isSymbolicLink()) out.push('--symlink', `usr/${dir}`, p);
    else out.push('--ro-bind', p, p);
  }
  return out;
}

/** The fd the seccomp program is passed on (after stdin/out/err and the two protocol fds). */
export const SECCOMP_FD = 5;

/**
 * argv (without the bwrap binary) for running `python -I -S -B -c <code> <args...>` sandboxed;
 * with `seccomp`, bubblewrap reads the filter from fd SECCOMP_FD (see `spawnSandboxed`).
 */
export function bwrapArgs(rt: PythonRuntime, code: string, args: string[] = [], seccomp = false): string[] {
  return [
    ...(seccomp ? ['--seccomp', String(SECCOMP_FD)] : []),
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--cap-drop', 'ALL',
    '--die-with-parent',
    '--new-session',
    '--ro-bind', '/usr', '/usr',
    ...rootLinks(),
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
    '--ro-bind-try', '/etc/alternatives', '/etc/alternatives',
    '--dev-bind', '/dev/null', '/dev/null',
    '--ro-bind', '/dev/zero', '/dev/zero',
    '--ro-bind', '/dev/urandom', '/dev/urandom',
    '--remount-ro', '/',
    '--chdir', '/',
    '--clearenv',
    '--setenv', 'OPENBLAS_NUM_THREADS', '1',
    '--setenv', 'OMP_NUM_THREADS', '1',
    '--setenv', 'LANG', 'C.UTF-8',
    '--',
    rt.python, '-I', '-S', '-B', '-c', code, ...args,
  ];
}
