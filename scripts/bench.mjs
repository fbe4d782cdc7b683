#!/usr/bin/env node
// `npm run bench [suite ...]`: builds the packages, then runs each benchmark suite in bench/ (or
// the named ones). Suites print ratios measured side by side in one process, because this
// machine is shared and absolute numbers drift; figures go into BENCHMARKS.md by hand.
import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
execSync('npx tsc -b packages/engine packages/sandbox packages/server packages/cli', { cwd: root, stdio: 'inherit' });

const all = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .map((f) => f.replace(/\.bench\.mjs$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown bench suite(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : all) {
  console.log(`\n=== bench: ${name} ===`);
  const mod = await import(pathToFileURL(path.join(root, 'bench', `${name}.bench.mjs`)).href);
  await mod.run();
}
