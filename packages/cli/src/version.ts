/**
 * The CrowdAlpha version recorded with every experiment run (the CLI package's version). Paths, not URL
 * objects: under a jsdom test environment `URL` is jsdom's, which `fs` does not take.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function projectVersion(): string {
  cached ??= (JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
