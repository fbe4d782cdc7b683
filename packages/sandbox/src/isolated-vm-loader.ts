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
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One isolated-vm build the sandbox can use. */
export interface IsolatedVmBuild {
  /** npm alias it is installed under, e.g. `isolated-vm-v7`. */
  readonly alias: string;
  /** isolated-vm's own version, e.g. `7.0.1`. */
  readonly version: string;
  /**
   * Absolute path of its native binary (`*.node`), which exports the API as `.ivm`. The runner
   * loads the binary itself rather than the package's JS entry: 7.x's entry locates the binary
   * through `node-gyp-build`, which probes files such as /etc/alpine-release that the runner's
   * permission model (rightly) does not let it read. The host resolves it instead.
   */
  readonly binary: string;
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
    const dir = packageDir(main);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      version?: string;
      dependencies?: Record<string, string>;
    };
    const binary = nativeBinary(dir, pkg.dependencies ?? {});
    if (binary instanceof Error) return binary;
    return { alias: c.alias, version: pkg.version ?? 'unknown', binary };
  }
  const wanted = fitting.map((c) => c.alias).join(' or ') || 'none (this Node.js major is not supported)';
  return new Error(
    `no isolated-vm build for Node.js ${nodeVersion} is installed (wanted: ${wanted}). ` +
      'Run `npm install` with this Node.js (it builds the optional dependency that fits), ' +
      'or use a supported runtime: Node.js 20.19+, 22 or 24.',
  );
}

/**
 * The `.node` file of the isolated-vm package in `dir`: through node-gyp-build for packages that
 * ship prebuilt binaries (7.x), else the 5.x layout (`out/isolated_vm.node`, built at install).
 */
function nativeBinary(dir: string, dependencies: Record<string, string>): string | Error {
  try {
    if ('node-gyp-build' in dependencies) {
      const nodeGypBuild = createRequire(path.join(dir, 'package.json'))('node-gyp-build') as { path(dir: string): string };
      return nodeGypBuild.path(dir);
    }
    const built = path.join(dir, 'out', 'isolated_vm.node');
    if (existsSync(built)) return built;
    return new Error(`isolated-vm in ${dir} has no built binary (out/isolated_vm.node); run \`npm rebuild\``);
  } catch (err) {
    return new Error(`isolated-vm in ${dir} has no binary for this platform: ${(err as Error).message}`);
  }
}

/** The directory holding the package.json of the package whose file `file` is. */
function packageDir(file: string): string {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return path.dirname(file);
    dir = up;
  }
  return dir;
}

/** Like findIsolatedVm, but throws the error. */
export function requireIsolatedVm(nodeVersion?: string): IsolatedVmBuild {
  const found = findIsolatedVm(nodeVersion);
  if (found instanceof Error) throw found;
  return found;
}
