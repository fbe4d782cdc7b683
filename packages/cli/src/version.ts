/** The CrowdAlpha version recorded with every experiment run (the CLI package's version). */
import { readFileSync } from 'node:fs';

let cached: string | null = null;

export function projectVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
