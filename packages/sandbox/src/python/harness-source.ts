/**
 * The Python harness text (harness.py beside this module's source). It is passed to the
 * interpreter with `-c`, so no project directory has to be mounted into the sandbox.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let cached: string | null = null;

/** src/python/harness.py, found from src/ (tests) and from dist/python/ (built). */
export function harnessPath(): string {
  const sibling = path.join(here, 'harness.py');
  if (existsSync(sibling)) return sibling;
  return path.resolve(here, '..', '..', 'src', 'python', 'harness.py');
}

export function harnessSource(): string {
  cached ??= readFileSync(harnessPath(), 'utf8');
  return cached;
}
