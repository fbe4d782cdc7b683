#!/usr/bin/env node
// Committed entry so npm can link `crowdalpha` at install time, before the TypeScript build
// (run by the root `prepare` step) has produced dist/.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('crowdalpha is not built yet: run `npm run build` at the repository root (npm install does it too)\n');
  process.exit(1);
}
await import(entry.href);
