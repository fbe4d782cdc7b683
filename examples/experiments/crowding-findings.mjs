#!/usr/bin/env node
// The README's research findings (#11), reproduced by one command:
//
//   npm run build && node examples/experiments/crowding-findings.mjs [--ticks 3000] [--seeds 1..5]
//       [--workers 2] [--out findings/] [--set key=value ...]
//
// Runs two `crowdalpha sweep`s on the default market (add `--set population.preset=seed` for the
// seed market): kappa ∈ {0, 6, 12, 18} and momentum agents ∈ {1, 3, 6, 9} (at the default kappa),
// each over the seeds, writes their CSV/JSONL rows to --out, and prints the two Markdown tables of
// the README: mean ± sd over seeds of impact per unit, realized volatility, visible depth, LFI, time
// in CRASH_PRONE and Phi, and per strategy type the median half-life (ticks at the strategy's own
// exposure rate) over the seeds whose fit found a decaying exponential, with how many did.
// Every column is a sweep column (README, "Sweep and experiment columns").
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');

function parseArgs(argv) {
  const o = { ticks: '3000', seeds: '1..5', workers: '2', out: 'findings', set: [] };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const v = argv[k + 1];
    if (a === '--ticks') o.ticks = v;
    else if (a === '--seeds') o.seeds = v;
    else if (a === '--workers') o.workers = v;
    else if (a === '--out') o.out = v;
    else if (a === '--set') o.set.push(v);
    else if (a === '-h' || a === '--help') {
      process.stdout.write('node examples/experiments/crowding-findings.mjs [--ticks 3000] [--seeds 1..5] [--workers 2] [--out findings/] [--set key=value ...]\n');
      process.exit(0);
    } else {
      process.stderr.write(`error: unknown argument ${a} (expected --ticks, --seeds, --workers, --out or --set)\n`);
      process.exit(2);
    }
    k++;
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
mkdirSync(opts.out, { recursive: true });

function sweep(name, swept) {
  const jsonl = join(opts.out, `${name}.jsonl`);
  const args = [bin, 'sweep', '--ticks', opts.ticks, '--seeds', opts.seeds, '--workers', opts.workers, '--no-progress',
    '--set', swept, ...opts.set.flatMap((s) => ['--set', s]), '--out', join(opts.out, `${name}.csv`), '--jsonl', jsonl];
  process.stderr.write(`$ crowdalpha ${args.slice(1).join(' ')}\n`);
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`error: the ${name} sweep exited with ${r.status}\n`);
    process.exit(1);
  }
  return readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => (xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1)) : 0);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const pm = (xs, digits, scale = 1) => {
  const v = xs.filter((x) => typeof x === 'number').map((x) => x * scale);
  return v.length ? `${mean(v).toFixed(digits)} ± ${sd(v).toFixed(digits)}` : 'n/a';
};

const STRATEGIES = ['momentum', 'mean_reversion', 'market_maker'];

function table(rows, key, label) {
  const values = [...new Set(rows.map((r) => r[key]))].sort((a, b) => a - b);
  const lines = [
    `| ${label} | impact per unit | realized vol (1-tick, ×10⁻⁴) | mean depth | mean LFI | time in CRASH_PRONE | mean Phi | half-life ticks: momentum | mean reversion | market maker |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const v of values) {
    const g = rows.filter((r) => r[key] === v);
    const col = (c) => g.map((r) => r[c]);
    const lives = STRATEGIES.map((s) => {
      const found = col(`${s}_half_life_ticks`).filter((x) => typeof x === 'number');
      return found.length ? `${Math.round(median(found))} (${found.length}/${g.length})` : `none (0/${g.length})`;
    });
    lines.push(
      `| ${v} | ${pm(col('impact_cost_per_unit'), 4)} | ${pm(col('realized_vol'), 2, 1e4)} | ${pm(col('mean_depth'), 1)} | ${pm(col('mean_lfi'), 3)} | ${pm(col('crash_prone_share'), 2, 100)} % | ${pm(col('mean_phi'), 3)} | ${lives.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

const kappa = sweep('kappa', 'crowding.kappa=0,6,12,18');
const mom = sweep('momentum', 'population.momentum=1,3,6,9');
process.stdout.write(`Kappa sweep (${opts.ticks} ticks, seeds ${opts.seeds}${opts.set.length ? `, ${opts.set.join(', ')}` : ''}):\n\n`);
process.stdout.write(table(kappa, 'crowding.kappa', 'kappa') + '\n\n');
process.stdout.write('Momentum-share sweep (the other agents and kappa at their defaults):\n\n');
process.stdout.write(table(mom, 'population.momentum', 'momentum agents') + '\n');
