#!/usr/bin/env node
// Per-file table of StrykerJS JSON reports (`npm run mutate` writes reports/mutation/mutation.json):
//   node scripts/mutation-table.mjs reports/mutation/*.json
//   node scripts/mutation-table.mjs --survivors <report>...   (each surviving / uncovered mutant)
// Several reports (per-group runs with `--mutate`) are merged by file; a file in more than one
// report takes the last one given. Score = (killed + timed out) / (killed + timed out + survived +
// no coverage), Stryker's "mutation score"; compile errors and ignored mutants are left out.
// "killed only" counts a timed-out mutant as not detected: a lower bound for runs on a loaded
// machine, where a slow test run can time out without the mutant hanging.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const args = process.argv.slice(2);
const survivors = args[0] === '--survivors';
const files = new Map();
for (const path of survivors ? args.slice(1) : args) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [name, file] of Object.entries(report.files)) files.set(relative(process.cwd(), name), file.mutants);
}
if (files.size === 0) {
  console.error('usage: node scripts/mutation-table.mjs <stryker json report>...');
  process.exit(1);
}
if (survivors) {
  for (const [name, mutants] of files) {
    for (const m of mutants) {
      if (m.status !== 'Survived' && m.status !== 'NoCoverage') continue;
      console.log(`${name}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} ${JSON.stringify(m.replacement ?? '')}`);
    }
  }
  process.exit(0);
}
const STATUSES = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError', 'RuntimeError'];
const rows = [];
const total = Object.fromEntries(STATUSES.map((s) => [s, 0]));
for (const [name, mutants] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const m of mutants) c[m.status] = (c[m.status] ?? 0) + 1;
  for (const s of STATUSES) total[s] += c[s];
  rows.push([name, mutants.length, c]);
}
const score = (c) => {
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  return valid ? `${((100 * detected) / valid).toFixed(2)} %` : '—';
};
const killedOnly = (c) => {
  const valid = c.Killed + c.Timeout + c.Survived + c.NoCoverage;
  return valid ? `${((100 * c.Killed) / valid).toFixed(2)} %` : '—';
};
console.log('| file | mutants | killed | timed out | survived | no coverage | errors / ignored | score | killed only |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, n, c] of rows) console.log(`| \`${name.replace(/^packages\/engine\/src\//, '')}\` | ${n} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.CompileError + c.RuntimeError + c.Ignored} | ${score(c)} | ${killedOnly(c)} |`);
const n = rows.reduce((a, r) => a + r[1], 0);
console.log(`| **all ${rows.length} files** | ${n} | ${total.Killed} | ${total.Timeout} | ${total.Survived} | ${total.NoCoverage} | ${total.CompileError + total.RuntimeError + total.Ignored} | **${score(total)}** | ${killedOnly(total)} |`);
