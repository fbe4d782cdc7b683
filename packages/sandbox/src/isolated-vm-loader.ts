/**
 * Picks the isolated-vm build that fits the running Node.js.
 *
 * No single isolated-vm major builds on every supported runtime: 5.x compiles against the V8 of
 * Node 20 and 22 but not 24; 7.x needs Node >= 24. Both are optional dependencies under npm
 * aliases (`isolated-vm-v5`, `isolated-vm-v7`); npm skips the one whose `engines` does not fit (or
 * whose build fails), so an install holds the build for its own runtime. This module finds it.
 * Nothing is downloaded at run time: both come from the npm registry at install.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One isolated-vm build the sandbox can use. */
export interface IsolatedVmBuild {
  /** npm alias it is installed under, e.g. `isolated-vm-v7`. */
  readonly alias: string;
  /** isolated-vm's own version, e.g. `7.0.1`. */
  readonly version: string;
  /** Absolute path of its main module (what the runner process `require`s). */
  readonly main: string;
}

/** Aliases in preference order, each with the lowest Node major it supports. */
export const ISOLATED_VM_CANDIDATES: ReadonlyArray<{ alias: string; minNodeMajor: number; maxNodeMajor: number }> = [
  { alias: 'isolated-vm-v7', minNodeMajor: 24, maxNodeMajor: Number.POSITIVE_INFINITY },
  { alias: 'isolated-vm-v5', minNodeMajor: 18, maxNodeMajor: 23 },
];

const requireHere = createRequire(import.meta.url);

/**
 * The isolated-vm build for `nodeVersion` (default: this process's), or an Error saying which
 * package the runtime needs and how to get it.
 */
export function findIsolatedVm(nodeVersion: string = process.versions.node): IsolatedVmBuild | Error {
  const major = Number(nodeVersion.split('.')[0]);
  const fitting = ISOLATED_VM_CANDIDATES.filter((c) => major >= c.minNodeMajor && major <= c.maxNodeMajor);
  for (const c of fitting) {
    let main: string;
    try {
      main = requireHere.resolve(c.alias);
    } catch {
      continue;
    }
    const pkg = JSON.parse(readFileSync(path.join(path.dirname(main), 'package.json'), 'utf8')) as { version?: string };
    return { alias: c.alias, version: pkg.version ?? 'unknown', main };
  }
  const wanted = fitting.map((c) => c.alias).join(' or ') || 'none (this Node.js major is not supported)';
  return new Error(
    `no isolated-vm build for Node.js ${nodeVersion} is installed (wanted: ${wanted}). ` +
      'Run `npm install` with this Node.js (it builds the optional dependency that fits), ' +
      'or use a supported runtime: Node.js 20.19+, 22 or 24.',
  );
}

/** Like findIsolatedVm, but throws the error. */
export function requireIsolatedVm(nodeVersion?: string): IsolatedVmBuild {
  const found = findIsolatedVm(nodeVersion);
  if (found instanceof Error) throw found;
  return found;
}
