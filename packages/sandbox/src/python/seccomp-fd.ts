/**
 * Hands the seccomp program to bubblewrap: written once per process to a private temp file, and
 * opened afresh for every spawn (bubblewrap reads its fd to the end, so spawns cannot share one
 * open file). The child gets it as fd SECCOMP_FD; the parent's copy is closed right after spawn.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seccompFilter } from './seccomp-filter.js';

let filterFile: string | null | undefined;

function filterPath(): string | null {
  if (filterFile !== undefined) return filterFile;
  const bpf = seccompFilter();
  if (!bpf) return (filterFile = null);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crowdalpha-seccomp-'));
  const file = path.join(dir, 'python-worker.bpf');
  writeFileSync(file, bpf, { mode: 0o600 });
  return (filterFile = file);
}

/** Whether the workers run under the seccomp filter on this machine. */
export function seccompAvailable(): boolean {
  return filterPath() !== null;
}

/** Runs `spawn` with a fresh read fd of the filter (null when there is none) and closes it after. */
export function withSeccompFd<T>(spawn: (fd: number | null) => T): T {
  const file = filterPath();
  if (!file) return spawn(null);
  const fd = openSync(file, 'r');
  try {
    return spawn(fd);
  } finally {
    closeSync(fd);
  }
}
